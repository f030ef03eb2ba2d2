// Fuzzes the audit's handshake-signature and stapled-OCSP checks (core/audit/signature_checks.h,
// core/audit/ocsp_status.h) with fixed keys and certificates (fuzz/audit_fixtures.h: the
// certificates of captures/certs/audit, two OCSP responders, EC P-256/P-384/P-521/brainpool,
// Ed25519, Ed448, DSA and RSA-PSS public keys).
//
// Input: a mode byte (low 2 bits), then
//   0 ServerKeyExchange: kx (core/tls/registry.h KeyExchange, modulo its count), version (u16),
//     key, client_random (32), server_random (32), then the ServerKeyExchange body;
//   1 CertificateVerify: key, signer (0 connection, 1 server, 2 client), transcript hash length
//     (u8, up to 64) and hash, then the CertificateVerify body;
//   2 OCSP: flags (bit 0 the rest is a CertificateStatus body, else the DER response alone;
//     bit 1 no issuer; bit 2 no capture time; bit 3 client party), capture time (u32 seconds),
//     leaf (a certificate index; its issuer is intermediate-ca), then the body;
//   3 transcript hash: hash (bit 0: SHA-384), then handshake messages, each split off by its
//     4-byte header (a truncated last one as it is).
// Key: an index into the certificates (then the X509* and EVP_PKEY* overloads are both called and
// must agree), then into the public keys; anything beyond means no key.
// Checked: the promises of the headers — the split spans lie inside the body and add up to it,
// the verdict/reason/finding agree, OpenSSL's error queue is left empty, a revoked status and
// CERT_REVOKED go together.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "core/audit/ocsp_status.h"
#include "core/audit/signature_checks.h"
#include "core/tls/registry.h"
#include "core/util/reader.h"
#include "fuzz/audit_fixtures_load.h"

namespace {

using tlslens::Bytes;
using namespace tlslens::audit;
constexpr int kKeyExchangeCount = static_cast<int>(tlslens::tls::KeyExchange::TLS13) + 1;

void require(bool ok) {
  if (!ok) std::abort();
}

void queue_empty() { require(ERR_peek_error() == 0); }

bool inside(Bytes part, Bytes whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

volatile size_t g_touch = 0;
void touch(const std::string& s) {
  for (char c : s) g_touch = g_touch + static_cast<uint8_t>(c);
}

void check(const SignatureCheck& c) {
  queue_empty();
  require((c.verdict == SignatureVerdict::invalid) == c.finding.has_value());
  require((c.verdict == SignatureVerdict::valid) == c.reason.empty());
  require(!c.scheme.empty() && !c.key_type.empty());
  require(to_string(c.verdict) != "?");
  if (c.finding) {
    require(c.finding->code == Code::HANDSHAKE_SIGNATURE_INVALID);
    require(!c.finding->explanation.empty());
    for (const auto& [k, v] : c.finding->evidence) {
      touch(k);
      touch(v);
    }
  }
}

struct Key {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};
Key key_for(uint8_t index) {
  const auto& f = tlslens_fuzz::fixtures();
  Key k;
  if (index < f.certificates.size()) k.cert = f.certificates[index];
  if (index < f.keys.size()) k.key = f.keys[index];
  return k;
}

void fuzz_server_key_exchange(tlslens::Reader& in) {
  uint8_t kx_byte = 0, key_index = 0;
  uint16_t version = 0;
  Bytes client_random, server_random;
  if (!in.u8(kx_byte) || !in.u16(version) || !in.u8(key_index) || !in.bytes(32, client_random) ||
      !in.bytes(32, server_random))
    return;
  const auto kx = static_cast<tlslens::tls::KeyExchange>(kx_byte % kKeyExchangeCount);
  const Bytes body = in.rest();
  std::string error;
  auto parts = split_server_key_exchange(body, kx, version, &error);
  queue_empty();
  if (!parts) {
    require(!error.empty());
    require(!split_server_key_exchange(body, kx, version).has_value());
    return;
  }
  const bool named = version == 0x0303 || version == 0xFEFD;
  require(parts->scheme.has_value() == named);
  require(inside(parts->params, body) && inside(parts->signature, body));
  require(parts->params.data() == body.data() || parts->params.empty());
  require(parts->params.size() + (named ? 2 : 0) + 2 + parts->signature.size() == body.size());
  const Key k = key_for(key_index);
  SignatureCheck by_key = verify_server_key_exchange(k.key, version, *parts, client_random, server_random);
  check(by_key);
  if (k.cert != nullptr || k.key == nullptr) {
    SignatureCheck by_cert = verify_server_key_exchange(k.cert, version, *parts, client_random, server_random);
    check(by_cert);
    require(by_cert.verdict == by_key.verdict);
  }
  // The randoms are what is signed: shorter ones must be handled too.
  check(verify_server_key_exchange(k.key, version, *parts, client_random.first(client_random[0] % 33),
                                   server_random));
}

void fuzz_certificate_verify(tlslens::Reader& in) {
  uint8_t key_index = 0, signer_byte = 0, hash_length = 0;
  Bytes hash;
  if (!in.u8(key_index) || !in.u8(signer_byte) || !in.u8(hash_length) || !in.bytes(hash_length % 65, hash)) return;
  const auto signer = static_cast<Party>(signer_byte % 3);
  const Bytes body = in.rest();
  std::string error;
  auto parts = split_certificate_verify(body, &error);
  queue_empty();
  uint16_t scheme = 0;
  Bytes signature;
  if (parts) {
    require(inside(parts->signature, body) && 4 + parts->signature.size() == body.size());
    scheme = parts->scheme;
    signature = parts->signature;
  } else {
    require(!error.empty());
    // Still verify: the first two bytes as the scheme, the rest as the signature.
    if (body.size() >= 2) {
      scheme = static_cast<uint16_t>(body[0] << 8 | body[1]);
      signature = body.subspan(2);
    }
  }
  const std::vector<uint8_t> content = certificate_verify_content(signer, hash);
  require(content.size() == 64 + 33 + 1 + hash.size());
  const Key k = key_for(key_index);
  SignatureCheck by_key = verify_certificate_verify(k.key, scheme, signature, hash, signer);
  check(by_key);
  if (by_key.finding) require(by_key.finding->party == (signer == Party::client ? Party::client : Party::server));
  if (k.cert != nullptr || k.key == nullptr) {
    SignatureCheck by_cert = verify_certificate_verify(k.cert, scheme, signature, hash, signer);
    check(by_cert);
    require(by_cert.verdict == by_key.verdict);
  }
}

void fuzz_ocsp(tlslens::Reader& in) {
  uint8_t flags = 0, leaf_index = 0;
  uint32_t seconds = 0;
  if (!in.u8(flags) || !in.u32(seconds) || !in.u8(leaf_index)) return;
  const auto& f = tlslens_fuzz::fixtures();
  X509* leaf = f.certificates[leaf_index % f.certificates.size()];
  X509* issuer = (flags & 2) ? nullptr : f.certificates[1];  // intermediate-ca
  std::optional<tlslens::Timestamp> when;
  if (!(flags & 4)) when = tlslens::Timestamp::from_sec_nsec(seconds, 0);
  const Party owner = (flags & 8) ? Party::client : Party::server;
  Bytes der = in.rest();
  if (flags & 1) {
    std::string error;
    auto response = stapled_ocsp_response(der, &error);
    queue_empty();
    if (!response) {
      require(!error.empty());
      return;
    }
    require(!response->empty() && inside(*response, der));
    der = *response;
  }
  OcspStatus status = check_stapled_ocsp(der, leaf, issuer, when, owner);
  queue_empty();
  require(to_string(status.status) != "?" && to_string(status.signature) != "?" && to_string(status.freshness) != "?");
  const bool revoked = status.status == OcspLeafStatus::revoked;
  require(revoked == !status.findings.empty());
  if (!revoked) require(status.revocation_time.empty() && status.revocation_reason.empty());
  if (!when) require(status.freshness == OcspFreshness::not_checked);
  if (issuer == nullptr) require(status.signature == OcspSignatureStatus::not_checked);
  for (const Finding& finding : status.findings) {
    require(finding.code == Code::CERT_REVOKED && finding.party == owner && !finding.explanation.empty());
    for (const auto& [k, v] : finding.evidence) {
      touch(k);
      touch(v);
    }
  }
  for (const std::string* s : {&status.detail, &status.response_status, &status.serial_number, &status.produced_at,
                               &status.this_update, &status.next_update, &status.signature_detail})
    touch(*s);
  // Without the issuer the same response is matched by serial and name hash only.
  if (issuer != nullptr) {
    OcspStatus without = check_stapled_ocsp(der, leaf, nullptr, when, owner);
    queue_empty();
    require(without.signature == OcspSignatureStatus::not_checked);
  }
}

void fuzz_transcript(tlslens::Reader& in) {
  uint8_t which = 0;
  if (!in.u8(which)) return;
  const auto hash = (which & 1) ? tlslens::crypto::Hash::sha384 : tlslens::crypto::Hash::sha256;
  std::vector<Bytes> messages;
  Bytes rest = in.rest();
  while (!rest.empty() && messages.size() < 64) {
    size_t n = 4;
    if (rest.size() >= 4) n += static_cast<size_t>(rest[1]) << 16 | static_cast<size_t>(rest[2]) << 8 | rest[3];
    n = std::min(n, rest.size());
    messages.push_back(rest.first(n));
    rest = rest.subspan(n);
  }
  std::vector<uint8_t> digest = tls13_transcript_hash(hash, messages);
  queue_empty();
  require(digest.empty() || digest.size() == tlslens::crypto::hash_length(hash));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens_fuzz::fixtures();
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  uint8_t mode = 0;
  if (!in.u8(mode)) return 0;
  switch (mode & 3) {
    case 0:
      fuzz_server_key_exchange(in);
      break;
    case 1:
      fuzz_certificate_verify(in);
      break;
    case 2:
      fuzz_ocsp(in);
      break;
    default:
      fuzz_transcript(in);
      break;
  }
  return 0;
}
