// Fuzzes the certificate chain audit (core/audit/chain_audit.h): arbitrary DER blobs parsed with
// x509::Certificate::parse, verified by audit::audit_chain against a TrustStore holding
// captures/certs/audit/root-ca.pem, and check_hostname.
//
// Input: flags (bit 0 client chain, bit 5 party "connection" instead; bit 1
// use_seen_intermediates; bits 2-3 KeyUse; bit 4 also check_hostname every certificate sent),
// capture time (u32 seconds), "now" (u32 seconds), a mask of seen intermediates (bit 0
// intermediate-ca, 1 other-intermediate-ca, 2 intermediate-2020-ca, 3 good.pem (not a CA), 4 a
// blob of this input), the name (u8 length and bytes), then up to 10 certificates, each a u16
// length and that many DER bytes (the last one takes what is left when fewer remain); a length
// of 0xFF00 + i means the fixed certificate i of fuzz/audit_fixtures.h instead, so that the
// fuzzer can arrange real chains (order, duplicates, missing and extra certificates).
// Checked: the header's promises — one status per certificate sent, findings sorted by code,
// "trusted" means no error, the hostname verdict agrees with its finding, the same input gives
// the same result twice (the audit is a pure function), OpenSSL's error queue is left empty.
#include <openssl/err.h>

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/chain_audit.h"
#include "core/audit/trust_store.h"
#include "core/util/reader.h"
#include "fuzz/audit_fixtures_load.h"

namespace {

using namespace tlslens::audit;

void require(bool ok) {
  if (!ok) std::abort();
}

volatile size_t g_touch = 0;
void touch(std::string_view s) {
  for (char c : s) g_touch = g_touch + static_cast<uint8_t>(c);
}

const TrustStore& trust() {
  static const TrustStore* store = [] {
    auto* s = new TrustStore;
    if (!s->add_certificate(tlslens_fuzz::fixtures().certificates[2])) std::abort();  // root-ca.pem
    return s;
  }();
  return *store;
}

void check_hostname_result(const HostnameCheck& h) {
  if (h.checked) {
    require(h.matched == h.reason.empty());
    if (h.matched) require(!h.matched_by.empty());
  } else {
    require(!h.matched);
  }
  touch(h.name);
  touch(h.matched_by);
  touch(h.reason);
  for (const auto& c : h.compared) touch(c);
}

void check_audit(const ChainAudit& a, const ChainAuditInput& input) {
  require(ERR_peek_error() == 0);
  require(a.certificates.size() == input.chain.size());
  if (input.chain.empty()) require(a.error_code == -1 && !a.trusted);
  if (a.trusted) require(a.errors.empty() && a.error_code == 0 && a.reaches_trusted_root);
  if (a.completed_with_seen_intermediates) require(input.use_seen_intermediates);
  if (input.name.empty()) require(!a.hostname.checked);
  check_hostname_result(a.hostname);
  if (a.has(Code::CERT_HOSTNAME_MISMATCH)) require(a.hostname.checked && !a.hostname.matched);
  for (size_t i = 1; i < a.findings.size(); ++i) require(a.findings[i - 1].code <= a.findings[i].code);
  for (const Finding& f : a.findings) {
    require(!f.explanation.empty() && info(f.code).code == f.code);
    touch(f.explanation);
    for (const auto& [k, v] : f.evidence) {
      require(!k.empty());
      touch(k);
      touch(v);
    }
  }
  for (const VerifyError& e : a.errors) {
    touch(e.text);
    touch(e.subject);
  }
  for (const PathCertificate& p : a.path) {
    touch(p.subject);
    touch(to_string(p.source));
    touch(to_string(p.at_capture));
    if (p.sent_index) require(*p.sent_index < input.chain.size());
  }
  for (size_t i = 0; i < a.certificates.size(); ++i) {
    const CertificateStatus& c = a.certificates[i];
    require(c.index == i && !c.role.empty());
    touch(c.subject);
    touch(c.role);
    if (c.path_depth) require(*c.path_depth < a.path.size());
  }
  for (const auto& n : a.notes) touch(n);
  touch(a.error_text);
}

bool same(const ChainAudit& a, const ChainAudit& b) {
  if (a.trusted != b.trusted || a.error_code != b.error_code || a.findings.size() != b.findings.size() ||
      a.path.size() != b.path.size() || a.errors.size() != b.errors.size() || a.notes != b.notes)
    return false;
  for (size_t i = 0; i < a.findings.size(); ++i)
    if (a.findings[i].code != b.findings[i].code || a.findings[i].explanation != b.findings[i].explanation ||
        a.findings[i].evidence != b.findings[i].evidence)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& fx = tlslens_fuzz::fixtures();
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  uint8_t flags = 0, seen_mask = 0, name_length = 0;
  uint32_t captured = 0, now = 0;
  tlslens::Bytes name_bytes;
  if (!in.u8(flags) || !in.u32(captured) || !in.u32(now) || !in.u8(seen_mask) || !in.u8(name_length) ||
      !in.bytes(std::min<size_t>(name_length, in.remaining()), name_bytes))
    return 0;
  std::vector<tlslens::x509::Certificate> chain;
  while (!in.empty() && chain.size() < 10) {
    uint16_t length = 0;
    tlslens::Bytes der;
    if (!in.u16(length)) {
      der = in.rest();
      in.bytes(der.size(), der);
    } else if (length >= 0xFF00) {
      chain.push_back(fx.parsed[(length & 0xFF) % fx.parsed.size()]);
      continue;
    } else if (!in.bytes(std::min<size_t>(length, in.remaining()), der)) {
      break;
    }
    chain.push_back(tlslens::x509::Certificate::parse(der));
    require(ERR_peek_error() == 0);
  }

  std::vector<tlslens::x509::Certificate> seen;
  static constexpr size_t kSeen[] = {1, 8, 12, 0};  // intermediate-ca, other-intermediate-ca, -2020-, good
  for (size_t i = 0; i < std::size(kSeen); ++i)
    if (seen_mask & (1u << i)) seen.push_back(fx.parsed[kSeen[i]]);
  if ((seen_mask & 16) && !chain.empty()) seen.push_back(chain.back());

  const std::string name(reinterpret_cast<const char*>(name_bytes.data()), name_bytes.size());
  ChainAuditInput input;
  input.chain = chain;
  input.captured = tlslens::Timestamp::from_sec_nsec(captured, 0);
  input.party = (flags & 32) ? Party::connection : (flags & 1) ? Party::client : Party::server;
  input.name = name;
  input.key_use = static_cast<KeyUse>((flags >> 2) & 3);
  input.now = tlslens::Timestamp::from_sec_nsec(now, 0);
  input.seen_intermediates = seen;
  input.use_seen_intermediates = (flags & 2) != 0;

  ChainAudit a = audit_chain(input, trust());
  check_audit(a, input);
  ChainAudit again = audit_chain(input, trust());
  require(same(a, again));

  if (flags & 16) {
    for (const auto& cert : chain) {
      HostnameCheck h = check_hostname(cert, name);
      require(ERR_peek_error() == 0);
      check_hostname_result(h);
      if (name.empty() || !cert.info().parsed) require(!h.checked);
    }
  }
  return 0;
}
