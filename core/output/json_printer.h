// JsonPrinter: JSON lines output (-j), one object per event, schema in docs/json.md.
//
// Every line is a complete JSON object carrying "schema" (1) and "event"; lines are written
// in event order and never interleave. Decoded messages carry their whole Field tree (every
// field whatever its Show level); certificates found in Certificate messages are repeated as
// "certificate" lines of their own so a consumer can select them without walking trees.
// Binary values are lowercase hex; text from the wire is escaped as JsonWriter describes
// (invalid UTF-8 becomes U+FFFD).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "core/output/event_sink.h"
#include "core/output/json_writer.h"
#include "core/output/output_stream.h"

namespace tlslens {

// How much of the key log a run used, for capture_end's "decryption" member.
struct KeyLogUsage {
  size_t entries = 0;  // secrets decryption can use (KeyLog::decryption_entries)
  size_t unused = 0;   // of them, never looked up (KeyLog::unused_entries)
};

struct JsonOptions {
  bool hex = false;        // -x: records carry "fragment_hex" (and "plaintext_hex"), messages "message_hex"
  bool show_data = false;  // -d: decrypted application data records carry "data_hex" and "data_preview"
  bool hex_data = false;   // -X: the same (JSON always carries both); accepted for symmetry with text
  // Set when the run has key material: capture_end then carries "decryption", with the
  // key log's usage as this returns it at the end.
  std::function<KeyLogUsage()> key_log_usage{};
};

class JsonPrinter final : public EventSink {
 public:
  JsonPrinter(OutputStream& out, const JsonOptions& options) : out_(out), options_(options), json_(line_) {}

  void connection_started(const Connection& conn) override;
  void connection_ended(const Connection& conn) override;
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override;
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override;
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override;
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void audit_chain(const Connection& conn, const audit::ChainEvent& chain) override;
  void audit_finding(const Connection& conn, const audit::FindingEvent& finding) override;
  void finished(const AnalysisSummary& summary) override;
  bool wants_opaque_bytes() const override { return options_.hex; }  // -x: "fragment_hex"

  // As TextPrinter's: TLS connections summarised, and those with a record decrypted.
  uint64_t tls_connections() const { return tls_connections_; }
  uint64_t decrypted_connections() const { return decrypted_connections_; }
  // Takes in the counts of another printer of the same analysis (a worker thread's).
  void absorb_counts(const JsonPrinter& other) {
    tls_connections_ += other.tls_connections_;
    decrypted_connections_ += other.decrypted_connections_;
  }

 private:
  // Starts a line: {"schema":1,"event":<event>
  void begin_line(std::string_view event);
  // Ends the object and the line, and hands it to the output.
  void end_line();
  // "connection", "ts", "ts_epoch", "packet" and "dir" (the members most events share).
  void write_where(const Connection& conn, const SegmentInfo& at, Direction dir);
  void write_time(Timestamp ts);
  void write_field_value(const tls::Field& field);
  void write_fields_object(const tls::Field& group);
  void write_certificates(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message);

  OutputStream& out_;
  JsonOptions options_;
  fmt::memory_buffer line_;  // one line at a time, reused
  JsonWriter json_;
  std::vector<const tls::Field*> certificates_;  // reused by write_certificates
  uint64_t tls_connections_ = 0;
  uint64_t decrypted_connections_ = 0;
};

}  // namespace tlslens
