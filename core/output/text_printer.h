// TextPrinter: ssldump-style text output (docs/output.md describes the format).
//
//   New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443)
//   1   1    0.0012 (0.0012)  C>S  Handshake
//         ClientHello
//           legacy version TLS 1.2 (0x0303)
//           ...
//   1   2    0.0031 (0.0019)  S>C  Handshake
//         ServerHello
//           ...
//   1    0.0523 (0.0523)  C>S  TCP gap: 1448 bytes missing from the capture
//   1   9    0.0610 (0.0087)  C>S  application_data (encrypted)  1024 bytes
//     TLS summary: TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, full handshake, completed
//       SNI                localhost
//   Connection #1 ended (fin) after 0.0712 s: C>S 517 bytes, S>C 3012 bytes
//
// Record and note lines start with the connection id (padded to 3) and the record number
// (padded to 4; blank for notes) so the lines of up to 999 connections and 9999 records
// line up. Times are relative to the connection's first packet, with the delta to the
// previous line of the same connection in parentheses, or absolute UTC with `absolute_times`.
// The TCP-level lines (new connection, gap, ended) keep the layout they had before TLS
// decoding existed.
//
// Records and their messages arrive as separate events, but a record's output is only
// complete when its messages have been printed (-q appends their names to the record line;
// -x dumps the record after them). The printer therefore keeps the record "open" until the
// next event of any kind, and closes it then (or when destroyed).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/output/event_sink.h"
#include "core/output/output_stream.h"

namespace tlslens {

struct TextOptions {
  bool absolute_times = false;  // -e: absolute UTC times instead of relative ones
  bool quiet = false;           // -q: one line per record, message names appended, no fields
  bool hex = false;             // -x: a hex dump of each record (header and fragment)
  bool all_fields = false;      // -A: every field (Show::with_all), record versions and lengths
  bool cert_details = false;    // -N: certificate details (Show::with_cert_details)
  bool show_data = false;       // -d: decrypted application data: text as escaped text lines, else a hex dump
  bool hex_data = false;        // -X: with show_data, always the hex dump
};

// The name a message is shown by in text and JSON: "ClientHello", "HelloRetryRequest",
// "Alert", "ChangeCipherSpec", "Heartbeat"; "" for an unknown handshake or content type.
std::string_view tls_message_display_name(const tls::MessageEvent& message);

class TextPrinter final : public EventSink {
 public:
  TextPrinter(OutputStream& out, const TextOptions& options) : out_(out), options_(options) {}
  ~TextPrinter() override { close_record(); }
  TextPrinter(const TextPrinter&) = delete;
  TextPrinter& operator=(const TextPrinter&) = delete;

  void connection_started(const Connection& conn) override;
  void connection_ended(const Connection& conn) override;
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override;
  void audit_chain(const Connection& conn, const audit::ChainEvent& chain) override;
  void audit_finding(const Connection& conn, const audit::FindingEvent& finding) override;
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override;
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void finished(const AnalysisSummary& summary) override;
  void flush_pending() override { close_record(); }
  bool wants_opaque_bytes() const override { return options_.hex; }  // -x dumps every record

  // TLS connections summarised so far (not those found not to be TLS), and of them those
  // with at least one record decrypted: the decryption coverage line.
  uint64_t tls_connections() const { return tls_connections_; }
  uint64_t decrypted_connections() const { return decrypted_connections_; }
  // Takes in the counts of another printer of the same analysis (a worker thread's).
  void absorb_counts(const TextPrinter& other) {
    tls_connections_ += other.tls_connections_;
    decrypted_connections_ += other.decrypted_connections_;
  }

 private:
  // Ends the open record: the newline of a -q record line, then the -x dump.
  void close_record();
  // Appends "0.0523 (0.0523)" or an absolute time to line_, and remembers `ts` as the
  // connection's last line.
  void append_time_column(const Connection& conn, Timestamp ts);
  // Appends the "C R  T (D)  DIR  " prefix of record and note lines (record 0: blank column).
  void append_line_prefix(const Connection& conn, uint64_t record_number, Timestamp ts, Direction dir);
  void append_message(const tls::MessageEvent& message);
  void append_quiet_message(const tls::MessageEvent& message);
  void append_field(const tls::Field& field, int indent, bool in_list);
  bool shown(const tls::Field& field) const;
  void write_line_buffer();

  OutputStream& out_;
  TextOptions options_;
  std::unordered_map<uint64_t, Timestamp> last_line_ts_;  // per open connection
  fmt::memory_buffer line_;                               // text being formatted; reused so lines do not allocate

  bool quiet_line_open_ = false;       // -q: the record line awaits its message names and newline
  int quiet_names_appended_ = 0;       // -q: message names already on the open line
  bool dump_pending_ = false;          // -x: record_bytes_ awaits its dump
  fmt::memory_buffer audit_pending_;   // -q: audit lines wait for the record line's end
  std::vector<uint8_t> record_bytes_;  // -x: a copy of the open record (its spans die with the event)
  uint64_t tls_connections_ = 0;
  uint64_t decrypted_connections_ = 0;
};

}  // namespace tlslens
