#include "core/audit/policy_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "core/tls/registry.h"

namespace tlslens::audit {
namespace {

using tls::BulkCipher;
using tls::CipherSuiteInfo;
using tls::KeyExchange;
using tls::TlsFacts;

constexpr uint16_t kSsl20 = 0x0002;
constexpr uint16_t kSsl30 = 0x0300;
constexpr uint16_t kTls10 = 0x0301;
constexpr uint16_t kTls11 = 0x0302;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kDtls10 = 0xFEFF;
constexpr uint16_t kDtls12 = 0xFEFD;
constexpr uint16_t kDtls13 = 0xFEFC;

// A version's place in the TLS order (DTLS mapped onto the TLS version it derives from, TLS
// 1.3 drafts onto TLS 1.3), to compare what the client offered with what was negotiated.
// 0 for values that are not versions.
uint16_t version_rank(uint16_t v) {
  if (v == kSsl20 || (v >= kSsl30 && v <= kTls13)) return v;
  if (v == kDtls10) return kTls11;
  if (v == kDtls12) return kTls12;
  if (v == kDtls13) return kTls13;
  if ((v >> 8) == 0x7F) return kTls13;  // TLS 1.3 drafts
  return 0;
}

// SSL 3.0 to TLS 1.2, DTLS included: the versions with renegotiation, CBC MAC-then-encrypt
// and the RFC 7627 master secret.
bool legacy_record_layer(uint16_t v) {
  const uint16_t rank = version_rank(v);
  return rank >= kSsl30 && rank <= kTls12;
}

std::string version_text(uint16_t v) {
  const std::string_view name = tls::version_name(v);
  if (name.empty()) return fmt::format("0x{:04x}", v);
  return std::string(name);
}

std::string suite_text(uint16_t code) {
  const std::string_view name = tls::cipher_suite_name(code);
  if (name.empty()) return fmt::format("0x{:04x}", code);
  return fmt::format("{} (0x{:04x})", name, code);
}

std::string with_number(std::string_view name, unsigned value) {
  if (name.empty()) return std::to_string(value);
  return fmt::format("{} ({})", name, value);
}

// ---- PROTOCOL_DEPRECATED

void check_version(const TlsFacts& facts, std::vector<Finding>& out) {
  const uint16_t v = facts.negotiated_version;
  Severity severity = Severity::medium;
  std::string_view why;
  switch (v) {
    case kSsl20:
      severity = Severity::critical;
      why = "SSL 2.0 is broken (RFC 6176): no handshake integrity, export ciphers, DROWN";
      break;
    case kSsl30:
      severity = Severity::high;
      why = "SSL 3.0 is broken (RFC 7568): POODLE breaks its CBC padding and nothing fixes it";
      break;
    case kTls10:
    case kTls11:
    case kDtls10:
      why = "deprecated by RFC 8996: SHA-1/MD5 handshake hashes and no AEAD suites";
      break;
    default:
      return;
  }
  out.push_back(
      Finding(Code::PROTOCOL_DEPRECATED, Party::connection, fmt::format("{} was negotiated; {}", version_text(v), why))
          .at_severity(severity)
          .with("version", version_text(v)));
}

// ---- CIPHER_WEAK

struct Weakness {
  std::string text;
  Severity severity;
};

std::vector<Weakness> weaknesses_of(const CipherSuiteInfo& suite) {
  std::vector<Weakness> found;
  if (suite.null_encryption) found.push_back({"no encryption (NULL cipher)", Severity::critical});
  if (suite.export_grade) {
    found.push_back({fmt::format("export-grade ({}-bit keys)", suite.strength_bits), Severity::critical});
  }
  if (suite.anonymous) found.push_back({"anonymous key exchange (the server is not authenticated)", Severity::high});
  switch (suite.cipher) {
    case BulkCipher::RC4_40:
    case BulkCipher::RC4_56:
    case BulkCipher::RC4_64:
    case BulkCipher::RC4_128:
      found.push_back({"RC4 (prohibited by RFC 7465: biased keystream)", Severity::high});
      break;
    case BulkCipher::DES40_CBC:
    case BulkCipher::DES_CBC:
      found.push_back({"single DES (56-bit key)", Severity::high});
      break;
    case BulkCipher::RC2_CBC_40:
    case BulkCipher::RC2_CBC_56:
    case BulkCipher::RC2_CBC_128:
      found.push_back({"RC2", Severity::high});
      break;
    case BulkCipher::DES_EDE3_CBC:
      found.push_back({"3DES (64-bit blocks: Sweet32)", Severity::medium});
      break;
    case BulkCipher::IDEA_CBC:
      found.push_back({"IDEA (64-bit blocks: Sweet32)", Severity::medium});
      break;
    default:
      break;
  }
  if (suite.mac == tls::MacAlgorithm::HMAC_MD5) found.push_back({"MD5 MAC", Severity::low});
  return found;
}

void check_cipher_strength(const TlsFacts& facts, const CipherSuiteInfo& suite, std::vector<Finding>& out) {
  const std::vector<Weakness> weaknesses = weaknesses_of(suite);
  if (weaknesses.empty()) return;
  Severity worst = Severity::info;
  std::string list;
  for (const Weakness& w : weaknesses) {
    worst = std::max(worst, w.severity);
    if (!list.empty()) list += "; ";
    list += w.text;
  }
  out.push_back(Finding(Code::CIPHER_WEAK, Party::connection,
                        fmt::format("weak cipher suite {}: {}", suite.name, weaknesses.front().text))
                    .at_severity(worst)
                    .with("cipher_suite", suite_text(facts.cipher_suite))
                    .with("weaknesses", std::move(list))
                    .with("strength_bits", std::to_string(suite.strength_bits)));
}

// ---- CIPHER_NO_FORWARD_SECRECY

std::string_view no_forward_secrecy_reason(KeyExchange kx) {
  switch (kx) {
    case KeyExchange::RSA:
    case KeyExchange::RSA_EXPORT:
      return "the premaster secret is encrypted to the server's RSA key, which decrypts every recorded session";
    case KeyExchange::DH_RSA:
    case KeyExchange::DH_DSS:
    case KeyExchange::ECDH_RSA:
    case KeyExchange::ECDH_ECDSA:
      return "the server's (EC)DH key is fixed in its certificate, so that key decrypts every recorded session";
    case KeyExchange::PSK:
      return "the keys come from the pre-shared key alone: whoever learns it decrypts every recorded session";
    case KeyExchange::RSA_PSK:
      return "the keys come from the PSK and a premaster secret encrypted to the server's RSA key";
    default:
      return "the key exchange is not ephemeral, so a long-term secret decrypts every recorded session";
  }
}

void check_forward_secrecy(const TlsFacts& facts, const CipherSuiteInfo* suite, std::vector<Finding>& out) {
  if (version_rank(facts.negotiated_version) == kTls13) {
    // psk_ke: a resumption (or external PSK) without a key_share in the ServerHello.
    if (facts.psk_selected_identity.has_value() && facts.key_exchange_group == 0) {
      out.push_back(Finding(Code::CIPHER_NO_FORWARD_SECRECY, Party::connection,
                            "TLS 1.3 PSK-only key exchange (psk_ke): whoever learns the PSK or the ticket key "
                            "decrypts this session")
                        .at_severity(Severity::low)
                        .with("version", version_text(facts.negotiated_version))
                        .with("key_exchange", "psk_ke (no key_share)")
                        .with("psk_identity", std::to_string(*facts.psk_selected_identity)));
    }
    return;
  }
  if (suite == nullptr || suite->forward_secrecy || suite->anonymous || suite->kx == KeyExchange::Null) return;
  out.push_back(Finding(Code::CIPHER_NO_FORWARD_SECRECY, Party::connection,
                        fmt::format("no forward secrecy: {}", no_forward_secrecy_reason(suite->kx)))
                    .with("cipher_suite", suite_text(facts.cipher_suite))
                    .with("key_exchange", std::string(tls::to_string(suite->kx))));
}

// ---- CIPHER_CBC_MTE

void check_cbc(const TlsFacts& facts, const CipherSuiteInfo& suite, std::vector<Finding>& out) {
  if (!suite.cbc || !legacy_record_layer(facts.negotiated_version)) return;
  const bool client = facts.client_ext.encrypt_then_mac;
  const bool server = facts.server_ext.encrypt_then_mac;
  if (server && (client || !facts.client_hello_seen)) return;
  std::string_view state;
  if (facts.negotiated_version == kSsl30) {
    state = "not defined for SSL 3.0";
  } else if (facts.client_hello_seen && !client) {
    state = "not offered by the client";
  } else {
    state = "offered by the client, not accepted by the server";
  }
  out.push_back(Finding(Code::CIPHER_CBC_MTE, Party::connection,
                        "CBC suite with MAC-then-encrypt: the padding is checked before the MAC "
                        "(Lucky13, padding oracles)")
                    .with("cipher_suite", suite_text(facts.cipher_suite))
                    .with("encrypt_then_mac", std::string(state)));
}

// ---- RENEGOTIATION_INSECURE

void check_renegotiation(const TlsFacts& facts, std::vector<Finding>& out) {
  if (!legacy_record_layer(facts.negotiated_version)) return;
  const bool server = facts.server_ext.renegotiation_info;
  const bool client_missing = facts.client_hello_seen && !facts.client_ext.renegotiation_info;
  if (server && !client_missing) return;
  std::string client_text = !facts.client_hello_seen ? "ClientHello not seen"
                            : client_missing ? "neither renegotiation_info nor TLS_EMPTY_RENEGOTIATION_INFO_SCSV"
                                             : "renegotiation_info or the SCSV offered";
  const std::string_view why = !server ? "the server did not answer with renegotiation_info"
                                       : "the client offered neither renegotiation_info nor the SCSV";
  out.push_back(Finding(Code::RENEGOTIATION_INSECURE, Party::connection,
                        fmt::format("no secure renegotiation (RFC 5746): {}", why))
                    .with("version", version_text(facts.negotiated_version))
                    .with("client", std::move(client_text))
                    .with("server", server ? "renegotiation_info sent" : "no renegotiation_info"));
}

// ---- COMPRESSION_ENABLED, HEARTBEAT_ENABLED, EMS_MISSING, DH_WEAK_GROUP

void check_compression(const TlsFacts& facts, std::vector<Finding>& out) {
  if (facts.compression_method == 0) return;
  out.push_back(Finding(Code::COMPRESSION_ENABLED, Party::connection,
                        "TLS compression was negotiated: record sizes leak secrets (CRIME)")
                    .with("compression_method", with_number(tls::compression_method_name(facts.compression_method),
                                                            facts.compression_method)));
}

void check_heartbeat(const TlsFacts& facts, std::vector<Finding>& out) {
  if (!facts.server_ext.heartbeat) return;
  out.push_back(Finding(Code::HEARTBEAT_ENABLED, Party::server,
                        "the server accepted the heartbeat extension, which nothing needs (Heartbleed's attack "
                        "surface)")
                    .with("extension", "heartbeat (15)"));
}

void check_extended_master_secret(const TlsFacts& facts, std::vector<Finding>& out) {
  const uint16_t rank = version_rank(facts.negotiated_version);
  if (rank < kTls10 || rank > kTls12) return;
  const bool server = facts.server_ext.extended_master_secret;
  const bool client_missing = facts.client_hello_seen && !facts.client_ext.extended_master_secret;
  if (server && !client_missing) return;
  std::string client_text = !facts.client_hello_seen ? "ClientHello not seen"
                            : client_missing         ? "not offered"
                                                     : "offered";
  out.push_back(Finding(Code::EMS_MISSING, Party::connection,
                        "no extended master secret (RFC 7627): the session is open to the triple handshake attack")
                    .with("version", version_text(facts.negotiated_version))
                    .with("client", std::move(client_text))
                    .with("server", server ? "accepted" : "not accepted"));
}

void check_dh_group(const TlsFacts& facts, std::vector<Finding>& out) {
  const uint32_t bits = facts.dhe_prime_bits;
  if (bits == 0 || bits >= 2048) return;
  const Severity severity = bits < 1024 ? Severity::critical : Severity::high;
  out.push_back(Finding(Code::DH_WEAK_GROUP, Party::server,
                        fmt::format("{}-bit DH group: {}", bits,
                                    bits < 1024 ? "breakable today (Logjam)"
                                                : "within reach of precomputation by a well-funded attacker"))
                    .at_severity(severity)
                    .with("dh_prime_bits", std::to_string(bits))
                    .with("cipher_suite", suite_text(facts.cipher_suite)));
}

// ---- DOWNGRADE_SENTINEL

constexpr std::array<uint8_t, 7> kDowngradePrefix = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

uint16_t client_highest_version(const TlsFacts& facts) {
  uint16_t best = 0;
  for (uint16_t v : facts.client_supported_versions) best = std::max(best, version_rank(v));
  if (best == 0) best = version_rank(facts.client_legacy_version);
  return best;
}

void check_downgrade_sentinel(const TlsFacts& facts, std::vector<Finding>& out) {
  const auto& random = facts.server_random;
  if (!std::equal(kDowngradePrefix.begin(), kDowngradePrefix.end(), random.begin() + 24)) return;
  const uint8_t last = random[31];
  if (last != 0x00 && last != 0x01) return;
  if (!facts.client_hello_seen) return;
  const uint16_t offered = client_highest_version(facts);
  const uint16_t negotiated = version_rank(facts.negotiated_version);
  if (offered == 0 || negotiated == 0 || offered <= negotiated) return;
  const Severity severity = offered >= kTls13 ? Severity::critical : Severity::high;
  out.push_back(Finding(Code::DOWNGRADE_SENTINEL, Party::server,
                        fmt::format("the server marked this handshake as a downgrade to {} although the client "
                                    "offered {}: a client must abort (RFC 8446 4.1.3)",
                                    version_text(facts.negotiated_version), version_text(offered)))
                    .at_severity(severity)
                    .with("sentinel", last == 0x01 ? "DOWNGRD\\x01 (TLS 1.3 server negotiating TLS 1.2)"
                                                   : "DOWNGRD\\x00 (server negotiating TLS 1.1 or below)")
                    .with("version", version_text(facts.negotiated_version))
                    .with("client_highest_version", version_text(offered)));
}

// ---- NO_SNI

void check_sni(const TlsFacts& facts, const PolicyContext& context, std::vector<Finding>& out) {
  if (!facts.client_hello_seen || facts.client_ext.server_name || context.server_reached_by_ip) return;
  Finding f(Code::NO_SNI, Party::client,
            "the ClientHello names no server: the server cannot choose a certificate by name and the "
            "certificate cannot be checked against one");
  f.with("server_name", "absent");
  if (facts.sslv2_client_hello) f.with("client_hello", "SSLv2-compatible (cannot carry extensions)");
  out.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> check_policy(const tls::TlsFacts& facts, const PolicyContext& context) {
  std::vector<Finding> out;
  if (facts.server_hello_seen) {
    const CipherSuiteInfo* suite = tls::cipher_suite_info(facts.cipher_suite);
    check_version(facts, out);
    if (suite != nullptr) check_cipher_strength(facts, *suite, out);
    check_forward_secrecy(facts, suite, out);
    if (suite != nullptr) check_cbc(facts, *suite, out);
    check_renegotiation(facts, out);
    check_compression(facts, out);
    check_heartbeat(facts, out);
    check_extended_master_secret(facts, out);
    check_dh_group(facts, out);
    check_downgrade_sentinel(facts, out);
  }
  check_sni(facts, context, out);
  return out;
}

std::optional<Finding> check_alert(uint8_t level, uint8_t description, Party sender, uint16_t negotiated_version) {
  constexpr uint8_t kFatal = 2;
  constexpr uint8_t kCloseNotify = 0;
  constexpr uint8_t kUserCanceled = 90;
  if (description == kCloseNotify || description == kUserCanceled) return std::nullopt;
  const bool tls13 = version_rank(negotiated_version) == kTls13;
  if (level != kFatal && !tls13) return std::nullopt;

  Severity severity = Severity::medium;
  switch (description) {
    case 20:  // bad_record_mac
    case 21:  // decryption_failed
    case 51:  // decrypt_error
      severity = Severity::high;
      break;
    default:
      break;
  }
  const std::string_view name = tls::alert_description_name(description);
  const std::string_view level_name = tls::alert_level_name(level);
  const std::string level_text =
      level == kFatal ? std::string("fatal")
                      : fmt::format("{} (treated as fatal in TLS 1.3)",
                                    level_name.empty() ? std::to_string(level) : std::string(level_name));
  return Finding(Code::FATAL_ALERT, sender,
                 fmt::format("the {} ended the connection with a fatal {} alert", to_string(sender),
                             name.empty() ? std::to_string(description) : std::string(name)))
      .at_severity(severity)
      .with("alert", with_number(name, description))
      .with("level", level_text)
      .with("sent_by", std::string(to_string(sender)));
}

}  // namespace tlslens::audit
