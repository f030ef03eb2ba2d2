// Fuzzes the whole audit pipeline from bytes: TlsSessions (as in fuzz_tls_stream.cpp) whose
// events go through audit::AuditingSink (core/audit/auditor.h) — chain audit at the capture time,
// hostname, ServerKeyExchange / CertificateVerify signatures, stapled OCSP, policy checks
// (check_policy over the TlsFacts the session produced), fatal alerts, the Host header of a
// decrypted request — into a sink that touches every finding and chain field.
//
// Input: flags (bit 0 the TCP handshake was seen; bit 1 --use-seen-intermediates; bit 2 an
// --expect-host name follows; bit 3 a key log follows; bit 4 the server is [::1], not
// 127.0.0.1), the capture time of the first chunk (u32 seconds; "now" is a year later), then the
// name (u8 length and bytes) when bit 2 is set, the key log text (u16 length and bytes) when
// bit 3 is set, then chunks as in fuzz_tls_stream: a control byte (bit 0 server to client; bit 1
// a gap of `length` bytes instead of data; bit 2 RST after the chunk; bit 3 end the connection
// first and start a new one (same sink: intermediates seen on the first count for the next);
// bits 4-7 advance the clock by that many weeks), a u16 length and the data. Each chunk is 1 ms
// after the previous one. Trust store: captures/certs/audit/root-ca.pem.
// Checked: every event reaches the sink, the summary's audit holds exactly the findings reported
// inline and the chains verified, no finding is reported twice, chain events are consistent.
#include <openssl/err.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/auditor.h"
#include "core/audit/trust_store.h"
#include "core/crypto/key_material.h"
#include "core/output/event_sink.h"
#include "core/tls/session_cache.h"
#include "core/tls/tls_session.h"
#include "core/util/reader.h"
#include "fuzz/audit_fixtures_load.h"

namespace {

using namespace tlslens;

void require(bool ok) {
  if (!ok) std::abort();
}

volatile size_t g_touch = 0;
void touch(std::string_view s) {
  for (char c : s) g_touch = g_touch + static_cast<uint8_t>(c);
}

void touch_finding(const audit::Finding& f) {
  require(!f.explanation.empty());
  require(audit::info(f.code).code == f.code);
  require(f.severity <= audit::Severity::critical);
  touch(audit::to_string(f.code));
  touch(audit::to_string(f.severity));
  touch(audit::to_string(f.party));
  touch(f.explanation);
  for (const auto& [k, v] : f.evidence) {
    require(!k.empty());
    touch(k);
    touch(v);
  }
}

void touch_chain_audit(const audit::ChainAudit& a) {
  touch(a.error_text);
  for (const auto& e : a.errors) {
    touch(e.text);
    touch(e.subject);
  }
  for (const auto& p : a.path) {
    touch(p.subject);
    touch(audit::to_string(p.source));
    touch(audit::to_string(p.today));
  }
  for (const auto& c : a.certificates) {
    touch(c.subject);
    touch(c.role);
    touch(audit::to_string(c.at_capture));
  }
  touch(a.hostname.name);
  touch(a.hostname.matched_by);
  touch(a.hostname.reason);
  for (const auto& s : a.hostname.compared) touch(s);
  for (const auto& n : a.notes) touch(n);
  for (const auto& f : a.findings) touch_finding(f);
}

class TouchingSink final : public EventSink {
 public:
  void tls_record(const Connection&, const tls::RecordEvent& record) override {
    last_record_ = record.number;
    for (uint8_t b : record.plaintext) g_touch = g_touch + b;
  }
  void tls_message(const Connection&, const tls::RecordEvent&, const tls::MessageEvent& m) override {
    if (m.fields) touch_field(*m.fields);
  }
  void audit_chain(const Connection&, const audit::ChainEvent& chain) override {
    require(ERR_peek_error() == 0);
    require(chain.audit != nullptr && chain.chain != nullptr);
    require(chain.audit->certificates.size() == chain.chain->size());
    require(chain.record_number == last_record_);
    touch(chain.name_checked);
    touch_chain_audit(*chain.audit);
    for (const auto& cert : *chain.chain) touch(cert.info().subject);
    ++chains_[chain.party == audit::Party::client ? 1 : 0];
  }
  void audit_finding(const Connection&, const audit::FindingEvent& event) override {
    require(event.record_number <= last_record_);
    touch_finding(event.finding);
    ++findings_;
  }
  void tls_summary(const Connection&, const tls::SessionSummary& summary) override {
    require(summary.audit != nullptr);
    const audit::ConnectionAudit& a = *summary.audit;
    require(a.findings.size() == findings_);
    require(a.server_chain.has_value() == (chains_[0] > 0));
    require(a.client_chain.has_value() == (chains_[1] > 0));
    for (size_t i = 0; i < a.findings.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        require(!(a.findings[i].finding.code == a.findings[j].finding.code &&
                  a.findings[i].finding.party == a.findings[j].finding.party &&
                  a.findings[i].finding.explanation == a.findings[j].finding.explanation));
    if (a.server_chain) touch_chain_audit(*a.server_chain);
    if (a.client_chain) touch_chain_audit(*a.client_chain);
    (void)a.worst();
    summaries_++;
  }
  void connection_started(const Connection&) override {
    findings_ = 0;
    chains_[0] = chains_[1] = 0;
    last_record_ = 0;
  }

  int summaries_ = 0;

 private:
  void touch_field(const tls::Field& f) {
    touch(f.text);
    for (const auto& child : f.children) touch_field(child);
  }
  uint64_t last_record_ = 0;
  size_t findings_ = 0;
  int chains_[2] = {0, 0};
};

std::shared_ptr<const audit::TrustStore> trust() {
  static const auto store = [] {
    auto s = std::make_shared<audit::TrustStore>();
    if (!s->add_certificate(tlslens_fuzz::fixtures().certificates[2])) std::abort();  // root-ca.pem
    return std::shared_ptr<const audit::TrustStore>(s);
  }();
  return store;
}

Connection make_connection(uint64_t id, bool handshake_seen, bool ipv6) {
  Connection conn;
  conn.id = id;
  conn.handshake_seen = handshake_seen;
  static constexpr std::array<uint8_t, 4> kClient4 = {10, 0, 0, 1};
  static constexpr std::array<uint8_t, 4> kServer4 = {127, 0, 0, 1};
  static constexpr std::array<uint8_t, 16> kServer6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  conn.client.addr = IpAddress::v4(kClient4);
  conn.client.port = static_cast<uint16_t>(50000 + id);
  conn.server.addr = ipv6 ? IpAddress::v6(kServer6) : IpAddress::v4(kServer4);
  conn.server.port = 443;
  return conn;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens_fuzz::fixtures();
  Reader in(std::span<const uint8_t>(data, size));
  uint8_t flags = 0;
  uint32_t base = 0;
  if (!in.u8(flags) || !in.u32(base)) return 0;
  std::string expect_host;
  if (flags & 4) {
    uint8_t n = 0;
    Bytes name;
    if (!in.u8(n) || !in.bytes(std::min<size_t>(n, in.remaining()), name)) return 0;
    expect_host.assign(reinterpret_cast<const char*>(name.data()), name.size());
  }
  crypto::KeyMaterial keys;
  if (flags & 8) {
    uint16_t n = 0;
    Bytes text;
    if (!in.u16(n) || !in.bytes(std::min<size_t>(n, in.remaining()), text)) return 0;
    keys.key_log.add_block(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), "fuzz.keys");
  }
  tls::SessionCache sessions(64);
  tls::DecryptionContext decryption;
  decryption.keys = &keys;
  decryption.sessions = &sessions;

  audit::AuditOptions options;
  options.trust = trust();
  options.expect_host = expect_host;
  options.use_seen_intermediates = (flags & 2) != 0;
  options.now = Timestamp::from_sec_nsec(static_cast<int64_t>(base) + 365 * 86400, 0);
  TouchingSink downstream;
  audit::AuditingSink sink(options, downstream);

  uint64_t id = 1;
  auto conn = std::make_unique<Connection>(make_connection(id, flags & 1, flags & 16));
  sink.connection_started(*conn);
  auto session = std::make_unique<tls::TlsSession>(*conn, sink, keys.empty() ? nullptr : &decryption);
  int summaries = 0;
  auto end_connection = [&] {
    session->finish({});
    sink.connection_ended(*conn);
    ++summaries;
    require(downstream.summaries_ == summaries);
  };

  Timestamp ts = Timestamp::from_sec_nsec(base, 0);
  uint8_t control = 0;
  uint16_t length = 0;
  Bytes chunk;
  while (in.u8(control) && in.u16(length)) {
    ts = ts + Timestamp{1'000'000} + Timestamp{int64_t{7 * 86400} * 1'000'000'000 * (control >> 4)};
    SegmentInfo at{ts, 0};
    if ((control & 8) && id < 8) {
      end_connection();
      conn = std::make_unique<Connection>(make_connection(++id, flags & 1, flags & 16));
      sink.connection_started(*conn);
      session = std::make_unique<tls::TlsSession>(*conn, sink, keys.empty() ? nullptr : &decryption);
    }
    const auto dir = (control & 1) ? Direction::server_to_client : Direction::client_to_server;
    if (control & 2) {
      session->on_gap(dir, length, at);
      continue;
    }
    if (!in.bytes(std::min<size_t>(length, in.remaining()), chunk)) break;
    session->on_data(dir, chunk, at);
    if (control & 4) session->on_rst(dir, at);
  }
  end_connection();
  sink.finished({});
  return 0;
}
