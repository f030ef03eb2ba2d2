// Finding: one thing the audit has to say about a connection — a stable code, a severity, the
// evidence and a one-line explanation.
//
// Codes are stable: scripts match on them (docs/audit.md lists every one, and a test checks
// that it does). Each code has a default severity; a check may raise or lower it when the
// evidence warrants (an expired certificate that is also untrusted is still CERT_EXPIRED).
// Findings are values: they own their strings and outlive the events that produced them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlslens::audit {

enum class Severity : uint8_t { info, low, medium, high, critical };

std::string_view to_string(Severity severity);
// "info", "low", "medium", "high", "critical" (case-insensitive); nullopt otherwise.
std::optional<Severity> parse_severity(std::string_view text);

enum class Code : uint8_t {
  CHAIN_UNTRUSTED,
  CHAIN_INCOMPLETE,
  CHAIN_ORDER,
  CHAIN_EXTRA_CERT,
  CHAIN_ONLY_WITH_SEEN_INTERMEDIATES,
  CHAIN_INVALID,
  CERT_EXPIRED,
  CERT_NOT_YET_VALID,
  CERT_SELF_SIGNED,
  CERT_HOSTNAME_MISMATCH,
  CERT_NO_SAN,
  CERT_WEAK_KEY,
  CERT_WEAK_SIGNATURE,
  CERT_LONG_VALIDITY,
  CERT_EXPIRES_SOON,
  CERT_BAD_USAGE,
  CERT_REVOKED,
  CERT_UNPARSABLE,
  HANDSHAKE_SIGNATURE_INVALID,
  PROTOCOL_DEPRECATED,
  CIPHER_WEAK,
  CIPHER_NO_FORWARD_SECRECY,
  CIPHER_CBC_MTE,
  RENEGOTIATION_INSECURE,
  COMPRESSION_ENABLED,
  HEARTBEAT_ENABLED,
  EMS_MISSING,
  DH_WEAK_GROUP,
  DOWNGRADE_SENTINEL,
  FATAL_ALERT,
  NO_SNI,
  HOST_HEADER_MISMATCH,
};

struct CodeInfo {
  Code code;
  std::string_view name;      // "CERT_EXPIRED"
  Severity default_severity;
  std::string_view summary;   // one line for docs and --help
};

// Every code, in enum order.
std::span<const CodeInfo> all_codes();
const CodeInfo& info(Code code);
std::string_view to_string(Code code);
std::optional<Code> parse_code(std::string_view name);

// Which side of the connection a finding is about (the certificate's owner, the message's sender).
enum class Party : uint8_t { connection, server, client };
std::string_view to_string(Party party);

struct Finding {
  Code code = Code::CHAIN_UNTRUSTED;
  Severity severity = Severity::info;
  Party party = Party::connection;
  std::string explanation;  // one line, no trailing period
  // Evidence as ordered key/value pairs ("not_after" -> "2020-01-01 00:00:00 UTC"); keys are
  // snake_case and stable, values are display text.
  std::vector<std::pair<std::string, std::string>> evidence;

  Finding() = default;
  Finding(Code c, Party p, std::string text)
      : code(c), severity(info(c).default_severity), party(p), explanation(std::move(text)) {}
  Finding& with(std::string key, std::string value) {
    evidence.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Finding& at_severity(Severity s) {
    severity = s;
    return *this;
  }
};

}  // namespace tlslens::audit
