// AuditingSink: the audit, as an EventSink placed between the pipeline and the front end.
//
// What it promises:
//  - Every event is forwarded unchanged and in order; the audit only adds. A peer's chain is
//    verified when its Certificate message goes by (TLS 1.3 ones once decrypted) and reported
//    right after that message (audit_chain), then its findings; every other finding follows
//    the event that showed it (ServerHello / ServerKeyExchange: policy; ServerKeyExchange and
//    CertificateVerify: signatures; CertificateStatus and, in TLS 1.3, the leaf's
//    status_request entry: OCSP; fatal alerts; the first
//    decrypted HTTP request: its Host header). The connection's tls_summary carries all of
//    it (SessionSummary::audit).
//  - Verification uses the capture time of the Certificate message, never the clock; "now"
//    (AuditOptions) only says whether a chain would verify today.
//  - The same finding (code, party, explanation) is reported once per connection.
//  - A chain verified once is reused for the same chain, name and purpose whenever the
//    capture time is within the window where the result is the same (ChainAudit::stable_*).
//  - Memory per connection is bounded: the TLS 1.3 transcript kept for CertificateVerify is
//    capped; intermediates remembered across connections are capped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/audit/chain_verifications.h"
#include "core/audit/trust_store.h"
#include "core/output/event_sink.h"

namespace tlslens::audit {

struct AuditOptions {
  std::shared_ptr<const TrustStore> trust;  // required
  std::string expect_host;                  // checked instead of the SNI (--expect-host)
  bool use_seen_intermediates = false;      // --use-seen-intermediates
  Timestamp now;                            // "today": the system clock, or --now
  // Verifications and seen intermediates shared by the sinks of one analysis (one per worker
  // thread); null: the sink keeps its own.
  std::shared_ptr<ChainVerifications> verifications;
};

class AuditingSink final : public EventSink {
 public:
  AuditingSink(AuditOptions options, EventSink& downstream);
  ~AuditingSink() override;

  void connection_started(const Connection& conn) override;
  void connection_ended(const Connection& conn) override;
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override;
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override;
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override;
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void audit_chain(const Connection& conn, const ChainEvent& chain) override;
  void audit_finding(const Connection& conn, const FindingEvent& finding) override;
  void finished(const AnalysisSummary& summary) override;
  void flush_pending() override { downstream_.flush_pending(); }
  bool wants_opaque_bytes() const override { return downstream_.wants_opaque_bytes(); }  // the audit reads plaintext only

  // The highest severity reported so far (for --fail-on); nullopt when nothing was found.
  std::optional<Severity> worst() const { return worst_; }
  uint64_t findings_reported() const { return findings_reported_; }
  // Counted across every sink that shares this one's ChainVerifications.
  uint64_t chain_verifications() const { return verifications_->verifications(); }
  uint64_t chain_verification_reuses() const { return verifications_->reuses(); }
  // Takes in the findings counted by another sink of the same analysis (a worker thread's).
  void absorb_counts(const AuditingSink& other);

 private:
  struct State;
  State& state(const Connection& conn);
  void report(const Connection& conn, State& st, FindingEvent event);
  void run_policy(const Connection& conn, State& st, const tls::TlsFacts& facts, const tls::RecordEvent* at);
  void on_certificate(const Connection& conn, State& st, const tls::RecordEvent& record, const tls::TlsFacts& facts);
  void on_server_key_exchange(const Connection& conn, State& st, const tls::RecordEvent& record,
                              const tls::MessageEvent& message, const tls::TlsFacts& facts);
  void on_certificate_verify(const Connection& conn, State& st, const tls::RecordEvent& record,
                             const tls::MessageEvent& message, const tls::TlsFacts& facts);
  void on_certificate_status(const Connection& conn, State& st, const tls::RecordEvent& record,
                             const tls::MessageEvent& message);
  void check_stapled_status(const Connection& conn, State& st, const tls::RecordEvent& record, Bytes certificate_status,
                            uint8_t handshake_type);
  void on_alert(const Connection& conn, State& st, const tls::RecordEvent& record, const tls::MessageEvent& message);
  void check_host_header(const Connection& conn, State& st, const tls::RecordEvent& record);

  AuditOptions options_;
  EventSink& downstream_;
  std::unordered_map<uint64_t, std::unique_ptr<State>> states_;
  std::shared_ptr<ChainVerifications> verifications_;  // 13 000 connections to one server verify once
  std::optional<Severity> worst_;
  uint64_t findings_reported_ = 0;
};

}  // namespace tlslens::audit
