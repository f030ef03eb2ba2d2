#include "core/audit/auditor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/audit/ocsp_status.h"
#include "core/audit/policy_checks.h"
#include "core/audit/signature_checks.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"
#include "core/util/reader.h"
#include "core/x509/certificate_cache.h"

namespace tlslens::audit {

namespace {

// The TLS 1.3 transcript up to the client's CertificateVerify is a few KB plus certificates.
constexpr size_t kMaxTranscriptBytes = 1u << 20;
// Decrypted client records searched for an HTTP request (the first request says it all).
constexpr int kMaxHostHeaderRecords = 4;

// A finding placed at the record (and handshake message) that showed it.
FindingEvent event_at(Finding finding, const tls::RecordEvent& record, uint8_t handshake_type = 0) {
  FindingEvent event;
  event.finding = std::move(finding);
  event.record_number = record.number;
  event.dir = record.dir;
  event.ts = record.at.ts;
  event.handshake_type = handshake_type;
  return event;
}

Party sender_of(Direction dir) { return dir == Direction::client_to_server ? Party::client : Party::server; }

KeyUse key_use_for(const tls::TlsFacts& facts) {
  if (facts.tls13()) return KeyUse::signature;
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(facts.cipher_suite);
  if (suite == nullptr) return KeyUse::unknown;
  switch (suite->kx) {
    case tls::KeyExchange::RSA:
    case tls::KeyExchange::RSA_PSK:
      return KeyUse::key_encipherment;
    case tls::KeyExchange::DH_RSA:
    case tls::KeyExchange::DH_DSS:
    case tls::KeyExchange::ECDH_RSA:
    case tls::KeyExchange::ECDH_ECDSA:
      return KeyUse::key_agreement;
    default:
      return KeyUse::signature;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The Host header of an HTTP/1.x request at the start of `data`, "" if there is none.
std::string http_host(Bytes data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  const size_t line_end = text.find("\r\n");
  if (line_end == std::string_view::npos) return {};
  std::string_view request_line = text.substr(0, line_end);
  if (request_line.find(" HTTP/1.") == std::string_view::npos) return {};
  size_t pos = line_end + 2;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos || end == pos) break;  // end of headers
    std::string_view header = text.substr(pos, end - pos);
    if (header.size() > 5 && lower(header.substr(0, 5)) == "host:") {
      std::string_view value = header.substr(5);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      return std::string(value);
    }
    pos = end + 2;
  }
  return {};
}

// TLS 1.3 staples the OCSP response in the status_request extension of the leaf's
// CertificateEntry: that extension's data (a CertificateStatus), or nothing.
std::optional<Bytes> tls13_leaf_status(Bytes message) {
  if (message.size() < 4) return std::nullopt;
  Reader r(message.subspan(4));
  Reader context, list, leaf, extensions;
  if (!r.prefixed8(context) || !r.prefixed24(list) || !list.prefixed24(leaf) || !list.prefixed16(extensions))
    return std::nullopt;
  while (!extensions.empty()) {
    uint16_t type = 0;
    Reader data;
    if (!extensions.u16(type) || !extensions.prefixed16(data)) return std::nullopt;
    if (type == 5) return data.rest();  // status_request
  }
  return std::nullopt;
}

// "example.com:8443" -> "example.com", "[::1]:443" -> "::1"; lowercased, one trailing dot dropped.
std::string host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close != std::string_view::npos) host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return lower(host);
}

}  // namespace

struct AuditingSink::State {
  ConnectionAudit audit;
  std::vector<std::string> reported;  // code|party|explanation of every finding reported
  std::vector<std::vector<uint8_t>> transcript;  // TLS 1.3 handshake messages, for CertificateVerify
  size_t transcript_bytes = 0;
  bool transcript_open = true;
  bool transcript_complete = true;  // false once the cap dropped a message
  bool policy_judged = false;       // after a ServerHello
  int host_records_checked = 0;
  std::string sni;  // of the last ClientHello
};

AuditingSink::AuditingSink(AuditOptions options, EventSink& downstream)
    : options_(std::move(options)), downstream_(downstream), verifications_(options_.verifications) {
  if (!verifications_) verifications_ = std::make_shared<ChainVerifications>();
}

void AuditingSink::absorb_counts(const AuditingSink& other) {
  findings_reported_ += other.findings_reported_;
  if (other.worst_ && (!worst_ || *other.worst_ > *worst_)) worst_ = other.worst_;
}

AuditingSink::~AuditingSink() = default;

AuditingSink::State& AuditingSink::state(const Connection& conn) {
  auto& slot = states_[conn.id];
  if (!slot) slot = std::make_unique<State>();
  return *slot;
}

void AuditingSink::report(const Connection& conn, State& st, FindingEvent event) {
  std::string key = std::string(to_string(event.finding.code)) + '|' + std::string(to_string(event.finding.party)) +
                    '|' + event.finding.explanation;
  if (std::find(st.reported.begin(), st.reported.end(), key) != st.reported.end()) return;
  st.reported.push_back(std::move(key));
  if (!worst_ || event.finding.severity > *worst_) worst_ = event.finding.severity;
  ++findings_reported_;
  st.audit.findings.push_back(std::move(event));
  downstream_.audit_finding(conn, st.audit.findings.back());
}

void AuditingSink::connection_started(const Connection& conn) { downstream_.connection_started(conn); }

void AuditingSink::connection_ended(const Connection& conn) {
  downstream_.connection_ended(conn);
  states_.erase(conn.id);
}

void AuditingSink::gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  downstream_.gap(conn, dir, missing_bytes, at);
}

void AuditingSink::malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) {
  downstream_.malformed_packet(packet_number, ts, reason);
}

void AuditingSink::tls_note(const Connection& conn, const tls::NoteEvent& note) { downstream_.tls_note(conn, note); }

void AuditingSink::audit_chain(const Connection& conn, const ChainEvent& chain) { downstream_.audit_chain(conn, chain); }

void AuditingSink::audit_finding(const Connection& conn, const FindingEvent& finding) {
  downstream_.audit_finding(conn, finding);
}

void AuditingSink::finished(const AnalysisSummary& summary) { downstream_.finished(summary); }

void AuditingSink::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  downstream_.tls_record(conn, record);
  if (record.decrypted && record.inner_content_type == tls::content_type::application_data &&
      record.dir == Direction::client_to_server) {
    State& st = state(conn);
    if (st.host_records_checked < kMaxHostHeaderRecords) {
      ++st.host_records_checked;
      check_host_header(conn, st, record);
    }
  }
}

void AuditingSink::check_host_header(const Connection& conn, State& st, const tls::RecordEvent& record) {
  std::string host = http_host(record.plaintext);
  if (host.empty()) return;
  st.host_records_checked = kMaxHostHeaderRecords;  // the first request is enough
  if (st.sni.empty()) return;
  std::string host_name = host_without_port(host);
  std::string sni = host_without_port(st.sni);
  if (host_name == sni) return;
  Finding finding(Code::HOST_HEADER_MISMATCH, Party::client,
                  "the HTTP request inside the tunnel asks for another host than the SNI named");
  finding.with("sni", st.sni).with("host_header", host);
  report(conn, st, event_at(std::move(finding), record));
}

void AuditingSink::tls_message(const Connection& conn, const tls::RecordEvent& record,
                               const tls::MessageEvent& message) {
  downstream_.tls_message(conn, record, message);
  if (message.facts == nullptr) return;
  const tls::TlsFacts& facts = *message.facts;
  State& st = state(conn);
  if (message.content_type == tls::content_type::alert) {
    on_alert(conn, st, record, message);
    return;
  }
  if (message.content_type != tls::content_type::handshake || message.problem != nullptr) return;

  const uint8_t type = message.handshake_type;
  if (type == tls::handshake_type::client_hello && record.dir == Direction::client_to_server) {
    st.sni = facts.sni;
    if (!facts.hello_retry_request) {  // a new handshake (not the second ClientHello after an HRR)
      st.transcript.clear();
      st.transcript_bytes = 0;
      st.transcript_open = true;
      st.transcript_complete = true;
    }
  }
  switch (type) {
    case tls::handshake_type::server_hello:
      if (facts.server_hello_seen) run_policy(conn, st, facts, &record);
      break;
    case tls::handshake_type::certificate:
      on_certificate(conn, st, record, facts);
      if (facts.tls13() && record.dir == Direction::server_to_client) {
        if (auto status = tls13_leaf_status(message.bytes)) check_stapled_status(conn, st, record, *status, type);
      }
      break;
    case tls::handshake_type::encrypted_extensions:
      run_policy(conn, st, facts, &record);  // TLS 1.3 answers extensions (heartbeat...) here
      break;
    case tls::handshake_type::server_key_exchange:
      run_policy(conn, st, facts, &record);  // the DHE group is known now
      on_server_key_exchange(conn, st, record, message, facts);
      break;
    case tls::handshake_type::certificate_verify:
      on_certificate_verify(conn, st, record, message, facts);
      break;
    case tls::handshake_type::certificate_status:
      on_certificate_status(conn, st, record, message);
      break;
    default:
      break;
  }
  // The TLS 1.3 transcript, kept until the client's Finished (its CertificateVerify covers
  // everything before it). TLS <= 1.2 needs none.
  if (st.transcript_open) {
    if (facts.server_hello_seen && !facts.tls13()) {
      st.transcript_open = false;
      st.transcript.clear();
    } else if (st.transcript_bytes + message.bytes.size() > kMaxTranscriptBytes) {
      st.transcript_complete = false;
    } else {
      st.transcript.emplace_back(message.bytes.begin(), message.bytes.end());
      st.transcript_bytes += message.bytes.size();
    }
    if (type == tls::handshake_type::finished && record.dir == Direction::client_to_server) {
      st.transcript_open = false;
      st.transcript.clear();
    }
  }
}

void AuditingSink::run_policy(const Connection& conn, State& st, const tls::TlsFacts& facts,
                              const tls::RecordEvent* at) {
  if (facts.server_hello_seen) st.policy_judged = true;
  for (Finding& f : check_policy(facts)) {
    if (at != nullptr) {
      report(conn, st, event_at(std::move(f), *at));
    } else {
      FindingEvent event;  // judged at the connection's end
      event.dir = f.party == Party::client ? Direction::client_to_server : Direction::server_to_client;
      event.finding = std::move(f);
      report(conn, st, std::move(event));
    }
  }
}

void AuditingSink::on_certificate(const Connection& conn, State& st, const tls::RecordEvent& record,
                                  const tls::TlsFacts& facts) {
  const bool from_server = record.dir == Direction::server_to_client;
  const auto& ders = from_server ? facts.server_chain : facts.client_chain;
  if (ders.empty()) return;  // a client that has no certificate to offer
  std::vector<x509::Certificate>& chain = from_server ? st.audit.server_certificates : st.audit.client_certificates;
  chain.clear();
  x509::CertificateCache& cache = x509::CertificateCache::for_this_thread();
  for (const auto& der : ders) chain.push_back(cache.parse(Bytes(der.data(), der.size())));

  ChainEvent event;
  event.party = from_server ? Party::server : Party::client;
  event.record_number = record.number;
  event.dir = record.dir;
  event.ts = record.at.ts;
  if (from_server) {
    if (!options_.expect_host.empty()) event.name_checked = options_.expect_host;
    else if (!facts.sni.empty()) event.name_checked = facts.sni;
    else event.name_checked = conn.server.addr.to_string();
  }
  ChainAuditInput input;
  input.chain = chain;
  input.captured = record.at.ts;
  input.party = event.party;
  input.name = event.name_checked;
  input.key_use = from_server ? key_use_for(facts) : KeyUse::signature;
  input.now = options_.now;
  input.use_seen_intermediates = options_.use_seen_intermediates;
  std::optional<ChainAudit>& slot = from_server ? st.audit.server_chain : st.audit.client_chain;
  std::string key = fmt::format("{}|{}|{}", to_string(event.party), event.name_checked, static_cast<int>(input.key_use));
  for (const x509::Certificate& c : chain) key += "|" + (c.info().parsed ? c.info().sha256_fingerprint : "?");
  const int64_t captured = record.at.ts.whole_seconds();
  if (auto reused = verifications_->reuse(key, captured)) {
    slot = std::move(*reused);
  } else {
    // Only --use-seen-intermediates judges a chain with the intermediates other connections
    // sent. Without it nothing here depends on other connections, so worker threads never
    // wait for each other over a chain (with it, a result that lacks an issuer holds only
    // while the seen set is unchanged, and reusing it waits for the earlier connections).
    std::vector<x509::Certificate> seen;
    if (options_.use_seen_intermediates) seen = verifications_->seen_intermediates();
    input.seen_intermediates = seen;
    slot = ::tlslens::audit::audit_chain(input, *options_.trust);
    const bool depends_on_seen = options_.use_seen_intermediates && (slot->has(Code::CHAIN_INCOMPLETE) ||
                                                                     slot->has(Code::CHAIN_ONLY_WITH_SEEN_INTERMEDIATES));
    verifications_->store(std::move(key), *slot, depends_on_seen);
  }
  if (options_.use_seen_intermediates) verifications_->remember_intermediates(chain);

  event.audit = &*slot;
  event.chain = &chain;
  downstream_.audit_chain(conn, event);
  for (const Finding& f : slot->findings) report(conn, st, event_at(f, record, tls::handshake_type::certificate));
}

void AuditingSink::on_server_key_exchange(const Connection& conn, State& st, const tls::RecordEvent& record,
                                          const tls::MessageEvent& message, const tls::TlsFacts& facts) {
  if (st.audit.server_certificates.empty() || st.audit.server_certificates[0].x509() == nullptr) return;
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(facts.cipher_suite);
  if (suite == nullptr || message.bytes.size() < 4) return;
  auto parts = split_server_key_exchange(message.bytes.subspan(4), suite->kx, facts.negotiated_version);
  if (!parts) return;  // not a signed key exchange, or malformed (the decoder said so)
  SignatureCheck check = verify_server_key_exchange(st.audit.server_certificates[0].x509(), facts.negotiated_version,
                                                    *parts, facts.client_random, facts.server_random);
  if (!check.finding) return;
  report(conn, st, event_at(std::move(*check.finding), record, tls::handshake_type::server_key_exchange));
}

void AuditingSink::on_certificate_verify(const Connection& conn, State& st, const tls::RecordEvent& record,
                                         const tls::MessageEvent& message, const tls::TlsFacts& facts) {
  if (!facts.tls13() || !st.transcript_open || !st.transcript_complete || message.bytes.size() < 4) return;
  const bool from_server = record.dir == Direction::server_to_client;
  const auto& chain = from_server ? st.audit.server_certificates : st.audit.client_certificates;
  if (chain.empty() || chain[0].x509() == nullptr) return;
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(facts.cipher_suite);
  crypto::Hash hash = crypto::Hash::sha256;
  if (suite == nullptr || !crypto::tls13_hash_for(*suite, hash)) return;
  auto parts = split_certificate_verify(message.bytes.subspan(4));
  if (!parts) return;
  std::vector<Bytes> messages;
  messages.reserve(st.transcript.size());
  for (const auto& m : st.transcript) messages.emplace_back(m.data(), m.size());
  std::vector<uint8_t> transcript_hash = tls13_transcript_hash(hash, messages);
  SignatureCheck check =
      verify_certificate_verify(chain[0].x509(), parts->scheme, parts->signature, transcript_hash, sender_of(record.dir));
  if (!check.finding) return;
  report(conn, st, event_at(std::move(*check.finding), record, tls::handshake_type::certificate_verify));
}

void AuditingSink::on_certificate_status(const Connection& conn, State& st, const tls::RecordEvent& record,
                                         const tls::MessageEvent& message) {
  if (message.bytes.size() < 4) return;
  check_stapled_status(conn, st, record, message.bytes.subspan(4), tls::handshake_type::certificate_status);
}

void AuditingSink::check_stapled_status(const Connection& conn, State& st, const tls::RecordEvent& record,
                                        Bytes certificate_status, uint8_t handshake_type) {
  const auto& chain = st.audit.server_certificates;
  if (chain.empty() || chain[0].x509() == nullptr) return;
  auto der = stapled_ocsp_response(certificate_status);
  if (!der) return;
  X509* issuer = chain.size() > 1 ? chain[1].x509() : nullptr;
  OcspStatus status = check_stapled_ocsp(*der, chain[0].x509(), issuer, record.at.ts, Party::server);
  for (Finding& f : status.findings)
    report(conn, st, event_at(std::move(f), record, handshake_type));
}

void AuditingSink::on_alert(const Connection& conn, State& st, const tls::RecordEvent& record,
                            const tls::MessageEvent& message) {
  if (message.bytes.size() < 2) return;
  auto finding = check_alert(message.bytes[0], message.bytes[1], sender_of(record.dir),
                             message.facts->negotiated_version);
  if (!finding) return;
  report(conn, st, event_at(std::move(*finding), record));
}

void AuditingSink::tls_summary(const Connection& conn, const tls::SessionSummary& summary) {
  State& st = state(conn);
  // A connection that never got a ServerHello is judged on its ClientHello alone (NO_SNI).
  if (!st.policy_judged && summary.facts != nullptr && summary.facts->client_hello_seen)
    run_policy(conn, st, *summary.facts, nullptr);
  tls::SessionSummary with_audit = summary;
  with_audit.audit = &st.audit;
  downstream_.tls_summary(conn, with_audit);
}

}  // namespace tlslens::audit
