// TlsSession: the TLS view of one TCP connection.
//
// It receives the connection's reassembled bytes (a StreamConsumer's calls, forwarded),
// frames records per direction, joins handshake messages, has them decoded, tracks what
// the handshake negotiated (TlsFacts) and which records are protected, and reports
// records, messages, notes and the end-of-connection summary to the EventSink.
//
// Without keys, protected records are reported as encrypted and not decoded: TLS <= 1.2
// records after a side's ChangeCipherSpec, and every TLS 1.3 application_data record. The
// outcome is then judged from what is visible (both ChangeCipherSpecs, encrypted flights).
#pragma once

#include <cstdint>
#include <memory>

#include "core/output/event_sink.h"
#include "core/tcp/flow_table.h"
#include "core/tls/handshake_assembler.h"
#include "core/tls/record_reader.h"
#include "core/tls/session_decryptor.h"
#include "core/tls/tls_facts.h"

namespace tlslens::tls {

class TlsSession {
 public:
  // `decryption` (may be null): the key material and the session cache to decrypt with.
  TlsSession(const Connection& conn, EventSink& sink, const DecryptionContext* decryption = nullptr);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  void on_data(Direction dir, Bytes bytes, const SegmentInfo& at);
  void on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo& at);
  void on_rst(Direction dir, const SegmentInfo& at);
  // The connection ended: reports what was left incomplete and the summary.
  void finish(const SegmentInfo& at);

  const TlsFacts& facts() const { return facts_; }

 private:
  struct Side;
  class RecordHandler;

  void handle_record(Direction dir, const FramedRecord& record, const SegmentInfo& at);
  // The content of a record in the clear or decrypted: handshake messages, alerts, CCS, heartbeat.
  void handle_content(Direction dir, const RecordEvent& event, uint8_t content_type, Bytes content);
  void handle_handshake(Direction dir, const RecordEvent& event, Bytes message);
  void handle_other_content(Direction dir, const RecordEvent& event, uint8_t content_type, Bytes content);
  void records_lost(Direction dir, uint64_t count);
  bool is_protected(Direction dir, const FramedRecord& record) const;
  void note(Direction dir, NoteKind kind, uint64_t offset, std::string text, const SegmentInfo& at);
  HandshakeOutcome outcome() const;
  bool handshake_complete() const;

  const Connection& conn_;
  EventSink& sink_;
  TlsFacts facts_;
  std::unique_ptr<Side> sides_[2];
  std::unique_ptr<SessionDecryptor> decryptor_;  // null without key material
  bool opaque_bodies_wanted_ = true;  // application data's bytes: read by the decryptor or a sink
  std::vector<uint8_t> plaintext_;                // reused buffer for decrypted records
  uint64_t record_number_ = 0;
  bool any_record_ = false;
  bool gap_before_complete_ = false;
  bool reset_ = false;
  bool fatal_alert_seen_ = false;
  uint8_t fatal_alert_ = 0;
  bool server_sent_certificate_flight_ = false;  // Certificate/SKE/SHD between ServerHello and CCS
  bool abbreviated_ = false;                     // server CCS right after ServerHello (TLS <= 1.2)
};

}  // namespace tlslens::tls
