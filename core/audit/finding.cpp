#include "core/audit/finding.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace tlslens::audit {
namespace {

using enum Code;
using S = Severity;

constexpr std::array kCodes = {
    CodeInfo{CHAIN_UNTRUSTED, "CHAIN_UNTRUSTED", S::high,
             "the chain does not lead to a trusted root (unknown or untrusted issuer)"},
    CodeInfo{CHAIN_INCOMPLETE, "CHAIN_INCOMPLETE", S::medium,
             "an intermediate certificate needed to reach a trusted root was not sent"},
    CodeInfo{CHAIN_ORDER, "CHAIN_ORDER", S::low,
             "the certificates were sent out of order (each should certify the one before it)"},
    CodeInfo{CHAIN_EXTRA_CERT, "CHAIN_EXTRA_CERT", S::info,
             "the peer sent certificates that are not part of the path to the root"},
    CodeInfo{CHAIN_ONLY_WITH_SEEN_INTERMEDIATES, "CHAIN_ONLY_WITH_SEEN_INTERMEDIATES", S::medium,
             "the chain verifies only with intermediates seen on other connections of the capture"},
    CodeInfo{CHAIN_INVALID, "CHAIN_INVALID", S::high,
             "the chain fails verification for another reason (bad signature, constraints, ...)"},
    CodeInfo{CERT_EXPIRED, "CERT_EXPIRED", S::high, "a certificate had expired at capture time"},
    CodeInfo{CERT_NOT_YET_VALID, "CERT_NOT_YET_VALID", S::high,
             "a certificate was not yet valid at capture time"},
    CodeInfo{CERT_SELF_SIGNED, "CERT_SELF_SIGNED", S::high,
             "the leaf certificate is self-signed"},
    CodeInfo{CERT_HOSTNAME_MISMATCH, "CERT_HOSTNAME_MISMATCH", S::high,
             "the leaf certificate does not match the SNI (or --expect-host, or the server IP)"},
    CodeInfo{CERT_NO_SAN, "CERT_NO_SAN", S::medium,
             "the leaf certificate has no subjectAltName (names only in the CN are ignored by browsers)"},
    CodeInfo{CERT_WEAK_KEY, "CERT_WEAK_KEY", S::high,
             "a certificate key is too small (RSA/DSA < 2048 bits, EC < 224 bits)"},
    CodeInfo{CERT_WEAK_SIGNATURE, "CERT_WEAK_SIGNATURE", S::high,
             "a certificate is signed with MD5 or SHA-1"},
    CodeInfo{CERT_LONG_VALIDITY, "CERT_LONG_VALIDITY", S::low,
             "the leaf certificate is valid for more than 398 days"},
    CodeInfo{CERT_EXPIRES_SOON, "CERT_EXPIRES_SOON", S::low,
             "a certificate expires within 30 days of the capture"},
    CodeInfo{CERT_BAD_USAGE, "CERT_BAD_USAGE", S::high,
             "key usage, extended key usage or basic constraints forbid this use"},
    CodeInfo{CERT_REVOKED, "CERT_REVOKED", S::critical,
             "a stapled OCSP response says the certificate is revoked"},
    CodeInfo{CERT_UNPARSABLE, "CERT_UNPARSABLE", S::high,
             "a certificate could not be parsed"},
    CodeInfo{HANDSHAKE_SIGNATURE_INVALID, "HANDSHAKE_SIGNATURE_INVALID", S::critical,
             "the handshake signature does not verify with the certificate's key"},
    CodeInfo{PROTOCOL_DEPRECATED, "PROTOCOL_DEPRECATED", S::high,
             "a deprecated protocol version was negotiated (SSLv2, SSLv3, TLS 1.0, TLS 1.1)"},
    CodeInfo{CIPHER_WEAK, "CIPHER_WEAK", S::high,
             "a weak cipher suite was negotiated (NULL, EXPORT, anonymous, RC4, DES/3DES, MD5 MAC)"},
    CodeInfo{CIPHER_NO_FORWARD_SECRECY, "CIPHER_NO_FORWARD_SECRECY", S::medium,
             "the key exchange has no forward secrecy (static RSA or DH)"},
    CodeInfo{CIPHER_CBC_MTE, "CIPHER_CBC_MTE", S::low,
             "a CBC suite without encrypt_then_mac (MAC-then-encrypt, padding-oracle prone)"},
    CodeInfo{RENEGOTIATION_INSECURE, "RENEGOTIATION_INSECURE", S::medium,
             "no secure renegotiation (RFC 5746) was negotiated"},
    CodeInfo{COMPRESSION_ENABLED, "COMPRESSION_ENABLED", S::high,
             "TLS compression was negotiated (CRIME)"},
    CodeInfo{HEARTBEAT_ENABLED, "HEARTBEAT_ENABLED", S::low,
             "the heartbeat extension was negotiated"},
    CodeInfo{EMS_MISSING, "EMS_MISSING", S::info,
             "TLS 1.0-1.2 without the extended master secret (RFC 7627)"},
    CodeInfo{DH_WEAK_GROUP, "DH_WEAK_GROUP", S::high,
             "the DHE group is smaller than 2048 bits"},
    CodeInfo{DOWNGRADE_SENTINEL, "DOWNGRADE_SENTINEL", S::critical,
             "the server random carries the RFC 8446 downgrade sentinel"},
    CodeInfo{FATAL_ALERT, "FATAL_ALERT", S::medium, "a fatal alert ended the connection"},
    CodeInfo{NO_SNI, "NO_SNI", S::info, "the ClientHello carries no server_name"},
    CodeInfo{HOST_HEADER_MISMATCH, "HOST_HEADER_MISMATCH", S::medium,
             "the decrypted HTTP Host header names another host than the SNI"},
};

constexpr bool codes_in_enum_order() {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (static_cast<size_t>(kCodes[i].code) != i) return false;
  }
  return true;
}
static_assert(codes_in_enum_order(), "kCodes must list every Code in enum order");
static_assert(kCodes.size() == static_cast<size_t>(HOST_HEADER_MISMATCH) + 1);

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "?";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::info, Severity::low, Severity::medium, Severity::high,
                     Severity::critical}) {
    if (iequals(text, to_string(s))) return s;
  }
  return std::nullopt;
}

std::span<const CodeInfo> all_codes() { return kCodes; }
const CodeInfo& info(Code code) { return kCodes[static_cast<size_t>(code)]; }
std::string_view to_string(Code code) { return info(code).name; }

std::optional<Code> parse_code(std::string_view name) {
  for (const CodeInfo& c : kCodes) {
    if (iequals(name, c.name)) return c.code;
  }
  return std::nullopt;
}

std::string_view to_string(Party party) {
  switch (party) {
    case Party::connection: return "connection";
    case Party::server: return "server";
    case Party::client: return "client";
  }
  return "?";
}

}  // namespace tlslens::audit
