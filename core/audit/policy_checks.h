// Policy checks: what a connection negotiated, judged against current practice.
//
// What is promised: check_policy() reads only TlsFacts (what the decoders learned from the
// hellos and the key exchange) and returns the findings below, in this order, each with a
// one-line explanation and its evidence as stable snake_case keys. It judges only what was
// negotiated: without a ServerHello (a connection that never got that far, or a capture that
// starts mid-stream) the only possible finding is NO_SNI, which needs just a ClientHello. A
// resumed session is judged like a full one: it still runs with a version and a suite.
// Nothing here allocates anything but the findings, touches OpenSSL or looks at the clock.
//
//   code                        party       severity
//   PROTOCOL_DEPRECATED         connection  SSL 2.0 critical; SSL 3.0 high (POODLE, no
//                                           AEAD, no secure fallback); TLS 1.0, TLS 1.1 and
//                                           DTLS 1.0 medium (RFC 8996 deprecates them, but
//                                           with a strong suite they are not broken in
//                                           practice: BEAST is mitigated by 1/n-1 splitting)
//   CIPHER_WEAK                 connection  the worst weakness of the suite: NULL encryption
//                                           or EXPORT critical; anonymous (no server
//                                           authentication), RC4, single DES, RC2 high;
//                                           3DES and IDEA (64-bit blocks, Sweet32) medium;
//                                           an HMAC-MD5 (or SSL 3.0 MD5) MAC alone low
//   CIPHER_NO_FORWARD_SECRECY   connection  medium: static RSA, fixed DH/ECDH, KRB5, and the
//                                           plain PSK / RSA_PSK suites (a PSK alone gives no
//                                           forward secrecy either); low: a TLS 1.3
//                                           resumption in psk_ke mode (no key_share). Not
//                                           reported for anonymous or NULL key exchanges
//                                           (CIPHER_WEAK already says worse), nor for TLS 1.3
//                                           with (EC)DHE
//   CIPHER_CBC_MTE              connection  low: a CBC suite below TLS 1.3 unless both sides
//                                           sent encrypt_then_mac
//   RENEGOTIATION_INSECURE      connection  medium: SSL 3.0 to TLS 1.2 when the server sent
//                                           no renegotiation_info, or the client offered
//                                           neither the extension nor the SCSV
//   COMPRESSION_ENABLED         connection  high: compression_method != null
//   HEARTBEAT_ENABLED           server      low: the server answered the heartbeat extension
//   EMS_MISSING                 connection  info: TLS 1.0 to 1.2 (and DTLS) without
//                                           extended_master_secret from both sides
//   DH_WEAK_GROUP               server      high below 2048 bits, critical below 1024 bits
//   DOWNGRADE_SENTINEL          server      the server random ends with "DOWNGRD\x01" (TLS
//                                           1.2) or "DOWNGRD\x00" (TLS 1.1 and below) while
//                                           the client offered a higher version than the one
//                                           negotiated: critical when the client offered
//                                           TLS 1.3, high otherwise (a TLS 1.2 client that
//                                           was pushed to 1.1 or below). A sentinel the
//                                           client's offer explains is correct behaviour and
//                                           not reported
//   NO_SNI                      client      info: a ClientHello without server_name, unless
//                                           the caller says the server was reached by its IP
//                                           address (then there is no name to send)
//
// check_alert() judges one alert on its own (FATAL_ALERT); the caller passes each alert it
// saw, with who sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/audit/finding.h"
#include "core/tls/tls_facts.h"

namespace tlslens::audit {

// What the caller knows about the connection that TlsFacts does not.
struct PolicyContext {
  // The client addressed the server by an IP address (an IP URL, --expect-host given as an
  // address, ...): a ClientHello without server_name is then expected, not a finding.
  bool server_reached_by_ip = false;
};

std::vector<Finding> check_policy(const tls::TlsFacts& facts, const PolicyContext& context = {});

// FATAL_ALERT for an alert that ended the connection, nullopt for one that did not. An alert
// is fatal when its level is fatal (2), and in TLS 1.3 (`negotiated_version` 0x0304) also
// whatever its level, since TLS 1.3 treats every alert but the two closure alerts as an
// error. close_notify (0) and user_canceled (90) are closures, never findings.
// Severity: high for bad_record_mac, decryption_failed and decrypt_error (a record or a
// handshake signature/Finished failed its cryptographic check: tampering, mismatched keys
// or a broken peer), medium (the code's default) for every other alert.
// Evidence: alert ("handshake_failure (40)", the registry's name; the number alone when the
// registry has none), level ("fatal", or "warning (treated as fatal in TLS 1.3)"), sent_by.
// The finding's party is the sender.
std::optional<Finding> check_alert(uint8_t level, uint8_t description, Party sender, uint16_t negotiated_version = 0);

}  // namespace tlslens::audit
