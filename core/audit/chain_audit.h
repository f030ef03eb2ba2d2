// Chain audit: a peer's certificate chain, exactly as it was sent, verified against a
// TrustStore as of the capture time, with the hostname checked and every problem turned into
// a Finding.
//
// Verification is OpenSSL's (X509_verify_cert): the time is the capture time of the
// Certificate message (X509_VERIFY_PARAM_set_time), the purpose is TLS server or client
// authentication (X509_PURPOSE_SSL_SERVER / SSL_CLIENT, with the matching trust setting), the
// certificates after the first are the untrusted pool in the order sent, and a verify callback
// records every error at every depth instead of stopping at the first, so one chain can be
// expired and incomplete and misused at once. OpenSSL's security-level checks are off (auth
// level 0): a small key or an MD5/SHA-1 signature is reported here as CERT_WEAK_KEY /
// CERT_WEAK_SIGNATURE instead of failing the chain. No X509_V_FLAG_X509_STRICT, no
// PARTIAL_CHAIN: a chain is trusted when it ends at a self-signed root of the store, as
// `openssl verify` and libssl judge it. The hostname is checked apart from the chain.
//
// How OpenSSL's errors become findings (one finding per cause; a certificate's several errors
// of one kind make one finding listing them):
//   DEPTH_ZERO_SELF_SIGNED_CERT (18)                 CERT_SELF_SIGNED (not also CHAIN_UNTRUSTED)
//   SELF_SIGNED_CERT_IN_CHAIN (19), CERT_UNTRUSTED (27), CERT_REJECTED (28)
//                                                    CHAIN_UNTRUSTED; evidence: the last issuer
//   UNABLE_TO_GET_ISSUER_CERT(_LOCALLY) (2, 20), UNABLE_TO_VERIFY_LEAF_SIGNATURE (21)
//       the issuer of the last certificate of the path was neither sent nor found in the store:
//       CHAIN_ONLY_WITH_SEEN_INTERMEDIATES when use_seen_intermediates is set and the chain
//       reaches a trusted root with the intermediates seen elsewhere (the rest of the audit then
//       runs on that completed path); otherwise CHAIN_INCOMPLETE. A missing issuer is not
//       CHAIN_UNTRUSTED: a missing intermediate and a root the store lacks look the same from
//       the chain, and a missing intermediate is the common case (CHAIN_UNTRUSTED is kept for a
//       chain that reaches a self-signed root the store does not trust). The explanation says
//       both possibilities; evidence names the missing issuer and any sent certificate that
//       did not fit (no separate CHAIN_EXTRA_CERT then). Left out when a sent certificate could
//       not be parsed: CERT_UNPARSABLE is the cause.
//   CERT_HAS_EXPIRED (10) / CERT_NOT_YET_VALID (9)    CERT_EXPIRED / CERT_NOT_YET_VALID, per
//       certificate of the path (trusted root included), saying whether it is valid today
//   INVALID_PURPOSE (26), INVALID_CA (79), PATH_LENGTH_EXCEEDED (25), KEYUSAGE_NO_CERTSIGN (32),
//   INVALID_NON_CA (37), PROXY_PATH_LENGTH_EXCEEDED (38), KEYUSAGE_NO_DIGITAL_SIGNATURE (39),
//   PROXY_CERTIFICATES_NOT_ALLOWED (40), PATHLEN_INVALID_FOR_NON_CA (80),
//   PATHLEN_WITHOUT_KU_KEY_CERT_SIGN (81), KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA (82)
//       CERT_BAD_USAGE, one per certificate, the reason read from its extensions ("extendedKeyUsage
//       lacks serverAuth (it lists clientAuth)"). Errors with one cause give one reason: OpenSSL 3
//       reports a CA whose keyUsage lacks keyCertSign as 79, 26 and 32; INVALID_PURPOSE on a root
//       whose trust settings exclude the purpose is part of CHAIN_UNTRUSTED.
//   EE_KEY_TOO_SMALL (66), CA_KEY_TOO_SMALL (67), CA_MD_TOO_WEAK (68)
//                                                    ignored (auth level 0; judged here instead)
//   anything else (bad signature, unhandled critical extension, name constraints, chain too
//   long, unreadable validity...)                   CHAIN_INVALID, per certificate
// Judged here, not by OpenSSL:
//   CHAIN_ORDER        the path's certificates were not sent in path order (each followed by
//                      its issuer), or the first certificate sent issued another one sent (the
//                      leaf is not first). Compared on the path OpenSSL built. When the leaf is
//                      not first, OpenSSL judged the CA sent first as the leaf: its leaf-only
//                      errors (purpose) are dropped, and the leaf checks below (name, SAN,
//                      validity length, leaf usage) run on the real leaf instead.
//   CHAIN_EXTRA_CERT   sent certificates that are not part of a complete path (duplicates too)
//   CERT_WEAK_KEY      RSA, RSA-PSS, DSA < 2048 bits, EC < 224 bits; every certificate of the
//                      path except a trusted root
//   CERT_WEAK_SIGNATURE  MD2/MD4/MD5/SHA-1 (or < 80 security bits); every certificate of the
//                      path except a self-signed one at its top (a root's self-signature proves
//                      nothing)
//   CERT_LONG_VALIDITY server leaf valid longer than the CA/Browser Forum allowed when it was
//                      issued: 398 days from 2020-09-01, 825 days from 2018-03-01, 39 months
//                      from 2015-04-01, 60 months before
//   CERT_EXPIRES_SOON  a certificate of the path, valid at capture time, expires within 30 days
//   CERT_BAD_USAGE     also: a CA certificate (CA:TRUE) as the leaf, unless self-signed (then
//                      CERT_SELF_SIGNED says it); a leaf keyUsage without the bit `key_use` needs
//   CERT_HOSTNAME_MISMATCH  see check_hostname
//   CERT_NO_SAN        server leaf without a DNS or IP subjectAltName (client certificates need
//                      none)
//   CERT_UNPARSABLE    a sent certificate OpenSSL could not parse; when it is the leaf, nothing
//                      else is judged
// A certificate valid at capture time but expired today is not a finding: the result records
// it (CertificateStatus::today, PathCertificate::today, notes) so the output can say "expired
// since".
//
// audit_chain is a pure function of its inputs and the store's contents (no clock, no
// network, no global state), so results may be cached on (chain DERs, capture second, party,
// name, key_use, now, seen intermediates, use_seen_intermediates). It never re-parses DER: it
// works on Certificate::x509() (two verifications at most: as sent, and with the seen
// intermediates when an issuer is missing). It is safe to call from several threads with one
// TrustStore, and leaves OpenSSL's error queue empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/finding.h"
#include "core/audit/trust_store.h"
#include "core/util/timestamp.h"
#include "core/x509/certificate.h"

namespace tlslens::audit {

// What the leaf's key does in this handshake, for the keyUsage check; unknown checks only
// what OpenSSL's purpose check does (some TLS use at all).
enum class KeyUse : uint8_t {
  unknown,
  signature,         // (EC)DHE key exchange, TLS 1.3, a client's CertificateVerify: digitalSignature
  key_encipherment,  // static RSA key exchange: keyEncipherment
  key_agreement,     // static (EC)DH key exchange: keyAgreement
};

enum class Validity : uint8_t { valid, expired, not_yet_valid, unknown };
std::string_view to_string(Validity validity);  // "valid", "expired", "not yet valid", "unknown"

struct ChainAuditInput {
  std::span<const x509::Certificate> chain;  // as sent, leaf first
  Timestamp captured;                        // when the Certificate message was captured
  Party party = Party::server;  // whose chain: server (SSL_SERVER purpose) or client; connection counts as server
  // The name to check the leaf against: the SNI, an --expect-host name, or the server's IP
  // address as text when there is no name (an IPv4/IPv6 literal is checked against IP SANs).
  // Empty: no hostname check.
  std::string_view name;
  KeyUse key_use = KeyUse::unknown;
  Timestamp now;  // "today", injected: only to say whether the chain would verify now
  // Intermediates seen on other connections of the capture. Used only when the chain as sent
  // lacks an issuer: with use_seen_intermediates the audit completes the path with them
  // (CHAIN_ONLY_WITH_SEEN_INTERMEDIATES); without, they only sharpen CHAIN_INCOMPLETE's text.
  std::span<const x509::Certificate> seen_intermediates;
  bool use_seen_intermediates = false;
};

struct HostnameCheck {
  bool checked = false;  // false: no name given, or the leaf was not parsed
  std::string name;      // as checked (one trailing dot removed)
  bool is_ip = false;    // the name is an IPv4/IPv6 literal: compared with IP SANs only
  bool matched = false;
  std::string matched_by;  // "DNS:*.example.com", "IP:192.0.2.1", or "CN:example.com" (certificate without DNS SANs)
  // Every name compared, each with why it did not match: "DNS:*.example.com (a wildcard covers
  // exactly one label)", "CN:example.com (ignored: the certificate has DNS SANs)".
  std::vector<std::string> compared;
  std::string reason;  // one line when not matched, "" when matched
};

// The leaf's names against `name`, as browsers match: X509_check_host with
// X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS (a wildcard is a whole leftmost label, covers exactly
// one label, needs two labels after it), case-insensitive, one trailing dot ignored; the
// subject CN only when there is no DNS SAN (OpenSSL's rule); IP literals with X509_check_ip
// against IP SANs only. Names are compared as given: an IDN must be in its xn-- form (the
// SNI always is; a non-ASCII name is said not to match, with that reason).
HostnameCheck check_hostname(const x509::Certificate& leaf, std::string_view name);

// One certificate of the verified path, leaf first.
struct PathCertificate {
  enum class Source : uint8_t { sent, trust_store, seen_intermediate };
  std::string subject;
  Source source = Source::sent;
  std::optional<size_t> sent_index;  // where it was in the chain as sent (a sent root the store also holds has one)
  Validity at_capture = Validity::unknown;
  Validity today = Validity::unknown;
};
std::string_view to_string(PathCertificate::Source source);  // "sent", "trust store", "seen on another connection"

// One certificate as sent.
struct CertificateStatus {
  size_t index = 0;
  std::string subject;               // "" when not parsed
  std::optional<size_t> path_depth;  // 0 = leaf; nullopt: not part of the path
  // "leaf", "intermediate", "root", "untrusted root" (self-signed top of an untrusted path),
  // "not part of the path", "duplicate of #N", "unparsable".
  std::string role;
  Validity at_capture = Validity::unknown;
  Validity today = Validity::unknown;
};

// One error OpenSSL reported during verification.
struct VerifyError {
  int code = 0;         // X509_V_ERR_*
  int depth = 0;        // in the path, 0 = leaf
  std::string text;     // X509_verify_cert_error_string
  std::string subject;  // the certificate at that depth
};

struct ChainAudit {
  // The chain as sent verified at capture time with no error at all (hostname aside).
  bool trusted = false;
  // The path ends at a root of the store (other errors, such as expiry, may remain).
  bool reaches_trusted_root = false;
  // The chain lacked an issuer, use_seen_intermediates was set and the intermediates seen
  // elsewhere complete it to a trusted root; `path`, `errors` and the findings then describe
  // that completed path.
  bool completed_with_seen_intermediates = false;
  // The same chain verified with `now` as the time (same path; validity is what changes).
  bool verifies_today = false;
  // The first error, what plain X509_verify_cert would report: 0 (X509_V_OK) when none, -1
  // when nothing was verified (no certificate sent, or the leaf could not be parsed).
  int error_code = 0;
  std::string error_text;           // its text ("ok" when none)
  std::vector<VerifyError> errors;  // every error, in OpenSSL's order
  std::vector<PathCertificate> path;
  std::vector<CertificateStatus> certificates;  // one per certificate as sent
  HostnameCheck hostname;                       // of the leaf (the real one when it was not sent first)
  // Facts that are not findings, one line each ("CN=x was valid at capture time but has
  // expired since 2025-01-01 00:00:00 UTC").
  std::vector<std::string> notes;
  // The result is the same for every capture time in [stable_from, stable_until) (seconds
  // since the epoch), the other inputs unchanged: what lets a caller reuse it (AuditingSink
  // caches chains by fingerprint). A one-second window when it must not be reused.
  int64_t stable_from = 0;
  int64_t stable_until = 0;
  std::vector<Finding> findings;  // sorted by code (enum order), then path order

  bool has(Code code) const;
  const Finding* find(Code code) const;  // the first finding with this code, or null
};

ChainAudit audit_chain(const ChainAuditInput& input, const TrustStore& trust);

}  // namespace tlslens::audit
