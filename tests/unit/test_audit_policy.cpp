// audit::check_policy and audit::check_alert: each finding code from the TlsFacts that call
// for it, with its severity, party and evidence; the same facts one step better give no
// finding; good TLS 1.2 and TLS 1.3 configurations give nothing above info; nothing is
// judged before a ServerHello but NO_SNI.
#include "core/audit/policy_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tlslens::audit {
namespace {

using tls::TlsFacts;

// A modern TLS 1.3 connection: SNI, x25519, TLS_AES_128_GCM_SHA256.
TlsFacts tls13_facts() {
  TlsFacts f;
  f.client_hello_seen = true;
  f.client_hello_count = 1;
  f.client_legacy_version = 0x0303;
  f.client_supported_versions = {0x0304, 0x0303};
  f.offered_cipher_suites = {0x1301, 0x1302, 0xC02F};
  f.offered_compression_methods = {0};
  f.sni = "example.com";
  f.client_ext.server_name = true;
  f.client_ext.extended_master_secret = true;
  f.client_ext.renegotiation_info = true;
  f.client_ext.encrypt_then_mac = true;
  f.server_hello_seen = true;
  f.server_legacy_version = 0x0303;
  f.negotiated_version = 0x0304;
  for (size_t i = 0; i < f.server_random.size(); ++i) f.server_random[i] = static_cast<uint8_t>(0x40 + i);
  f.cipher_suite = 0x1301;
  f.key_exchange_group = 0x001D;
  return f;
}

// A good TLS 1.2 connection: ECDHE_RSA with AES-GCM, secure renegotiation, EMS.
TlsFacts tls12_facts() {
  TlsFacts f = tls13_facts();
  f.client_supported_versions.clear();
  f.negotiated_version = 0x0303;
  f.cipher_suite = 0xC02F;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  f.key_exchange_group = 0x0017;
  f.server_ext.renegotiation_info = true;
  f.server_ext.extended_master_secret = true;
  return f;
}

std::vector<const Finding*> with_code(const std::vector<Finding>& findings, Code code) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (f.code == code) out.push_back(&f);
  }
  return out;
}

// The one finding with `code`; fails the test if there is not exactly one.
const Finding& only(const std::vector<Finding>& findings, Code code) {
  static const Finding kNone;
  const auto found = with_code(findings, code);
  EXPECT_EQ(found.size(), 1u) << to_string(code);
  return found.empty() ? kNone : *found.front();
}

bool has(const std::vector<Finding>& findings, Code code) {
  return !with_code(findings, code).empty();
}

std::string evidence(const Finding& f, std::string_view key) {
  for (const auto& [k, v] : f.evidence) {
    if (k == key) return v;
  }
  return "<no " + std::string(key) + ">";
}

std::string codes(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) out += std::string(to_string(f.code)) + " ";
  return out;
}

// ---- good configurations ----------------------------------------------------------------

TEST(AuditPolicy, GoodTls13HasNoFindings) {
  const auto findings = check_policy(tls13_facts());
  EXPECT_TRUE(findings.empty()) << codes(findings);
}

TEST(AuditPolicy, GoodTls12HasNoFindings) {
  const auto findings = check_policy(tls12_facts());
  EXPECT_TRUE(findings.empty()) << codes(findings);
}

TEST(AuditPolicy, Tls13WithoutExtrasHasNothingAboveInfo) {
  // A bare TLS 1.3 client: no EMS, no renegotiation_info, no SNI. None of those apply to
  // TLS 1.3, and a missing SNI is info only.
  TlsFacts f = tls13_facts();
  f.client_ext = {};
  for (const Finding& finding : check_policy(f)) {
    EXPECT_EQ(finding.severity, Severity::info) << to_string(finding.code);
  }
  EXPECT_EQ(codes(check_policy(f)), "NO_SNI ");
}

TEST(AuditPolicy, NothingButNoSniBeforeServerHello) {
  TlsFacts f = tls13_facts();
  f.server_hello_seen = false;
  f.negotiated_version = 0x0300;  // leftovers a decoder might have set mean nothing yet
  f.cipher_suite = 0x0003;
  f.compression_method = 1;
  EXPECT_TRUE(check_policy(f).empty());
  f.client_ext.server_name = false;
  EXPECT_EQ(codes(check_policy(f)), "NO_SNI ");
  f.client_hello_seen = false;
  EXPECT_TRUE(check_policy(f).empty());
}

// ---- PROTOCOL_DEPRECATED ------------------------------------------------------------------

TEST(AuditPolicy, ProtocolDeprecatedBySeverity) {
  struct Case {
    uint16_t version;
    std::string_view name;
    Severity severity;
  };
  for (const Case& c : {Case{0x0002, "SSL 2.0", Severity::critical}, Case{0x0300, "SSL 3.0", Severity::high},
                        Case{0x0301, "TLS 1.0", Severity::medium}, Case{0x0302, "TLS 1.1", Severity::medium},
                        Case{0xFEFF, "DTLS 1.0", Severity::medium}}) {
    TlsFacts f = tls12_facts();
    f.negotiated_version = c.version;
    const auto findings = check_policy(f);
    const Finding& d = only(findings, Code::PROTOCOL_DEPRECATED);
    EXPECT_EQ(d.severity, c.severity) << c.name;
    EXPECT_EQ(d.party, Party::connection);
    EXPECT_EQ(evidence(d, "version"), c.name);
    EXPECT_NE(d.explanation.find(std::string(c.name)), std::string::npos) << d.explanation;
  }
  for (uint16_t version : {0x0303, 0x0304, 0xFEFD}) {
    TlsFacts f = tls12_facts();
    f.negotiated_version = version;
    EXPECT_FALSE(has(check_policy(f), Code::PROTOCOL_DEPRECATED)) << version;
  }
}

// ---- CIPHER_WEAK --------------------------------------------------------------------------

TEST(AuditPolicy, CipherWeakBySeverityWithEvidence) {
  struct Case {
    uint16_t suite;
    std::string_view shown;
    Severity severity;
    std::vector<std::string_view> weaknesses;
  };
  const std::vector<Case> cases = {
      {0x0002, "TLS_RSA_WITH_NULL_SHA (0x0002)", Severity::critical, {"NULL"}},
      {0x0003,
       "TLS_RSA_EXPORT_WITH_RC4_40_MD5 (0x0003)",
       Severity::critical,
       {"export-grade (40-bit", "RC4", "MD5 MAC"}},
      {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA (0x0034)", Severity::high, {"anonymous"}},
      {0x0005, "TLS_RSA_WITH_RC4_128_SHA (0x0005)", Severity::high, {"RC4"}},
      {0x0004, "TLS_RSA_WITH_RC4_128_MD5 (0x0004)", Severity::high, {"RC4", "MD5 MAC"}},
      {0x0009, "TLS_RSA_WITH_DES_CBC_SHA (0x0009)", Severity::high, {"single DES"}},
      {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA (0x0016)", Severity::medium, {"3DES"}},
  };
  for (const Case& c : cases) {
    TlsFacts f = tls12_facts();
    f.cipher_suite = c.suite;
    const auto findings = check_policy(f);
    const Finding& w = only(findings, Code::CIPHER_WEAK);
    EXPECT_EQ(w.severity, c.severity) << c.shown;
    EXPECT_EQ(evidence(w, "cipher_suite"), c.shown);
    for (std::string_view text : c.weaknesses) {
      EXPECT_NE(evidence(w, "weaknesses").find(text), std::string::npos)
          << c.shown << ": " << evidence(w, "weaknesses");
    }
  }
  TlsFacts f = tls12_facts();
  f.cipher_suite = 0x0003;
  EXPECT_EQ(evidence(only(check_policy(f), Code::CIPHER_WEAK), "strength_bits"), "40");
  for (uint16_t strong : {0xC02F, 0x002F, 0xC013, 0xCCA8}) {
    f.cipher_suite = strong;
    EXPECT_FALSE(has(check_policy(f), Code::CIPHER_WEAK)) << strong;
  }
}

TEST(AuditPolicy, IntegrityOnlyTls13SuiteIsWeak) {
  TlsFacts f = tls13_facts();
  f.cipher_suite = 0xC0B4;  // TLS_SHA256_SHA256 (RFC 9150): no confidentiality
  const auto findings = check_policy(f);
  const Finding& w = only(findings, Code::CIPHER_WEAK);
  EXPECT_EQ(w.severity, Severity::critical);
  EXPECT_NE(evidence(w, "weaknesses").find("no encryption"), std::string::npos);
}

// ---- CIPHER_NO_FORWARD_SECRECY ------------------------------------------------------------

TEST(AuditPolicy, StaticRsaHasNoForwardSecrecy) {
  TlsFacts f = tls12_facts();
  f.cipher_suite = 0x009C;  // TLS_RSA_WITH_AES_128_GCM_SHA256
  const auto findings = check_policy(f);
  const Finding& n = only(findings, Code::CIPHER_NO_FORWARD_SECRECY);
  EXPECT_EQ(n.severity, Severity::medium);
  EXPECT_EQ(evidence(n, "cipher_suite"), "TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c)");
  EXPECT_EQ(evidence(n, "key_exchange"), "RSA");
  EXPECT_NE(n.explanation.find("RSA key"), std::string::npos) << n.explanation;
  EXPECT_EQ(codes(findings), "CIPHER_NO_FORWARD_SECRECY ");
}

TEST(AuditPolicy, FixedDhAndPlainPskHaveNoForwardSecrecy) {
  TlsFacts f = tls12_facts();
  f.cipher_suite = 0xC004;  // TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA
  const auto fixed_findings = check_policy(f);
  const Finding& fixed = only(fixed_findings, Code::CIPHER_NO_FORWARD_SECRECY);
  EXPECT_EQ(evidence(fixed, "key_exchange"), "ECDH_ECDSA");
  EXPECT_NE(fixed.explanation.find("fixed"), std::string::npos) << fixed.explanation;

  f.cipher_suite = 0x008C;  // TLS_PSK_WITH_AES_128_CBC_SHA
  const auto psk_findings = check_policy(f);
  const Finding& psk = only(psk_findings, Code::CIPHER_NO_FORWARD_SECRECY);
  EXPECT_EQ(evidence(psk, "key_exchange"), "PSK");
  EXPECT_NE(psk.explanation.find("pre-shared key"), std::string::npos) << psk.explanation;

  for (uint16_t ephemeral : {0xC02F, 0x0034 /* DH_anon: CIPHER_WEAK says worse */, 0x00AA /* DHE_PSK */}) {
    f.cipher_suite = ephemeral;
    EXPECT_FALSE(has(check_policy(f), Code::CIPHER_NO_FORWARD_SECRECY)) << ephemeral;
  }
}

TEST(AuditPolicy, Tls13PskOnlyResumptionHasNoForwardSecrecy) {
  TlsFacts f = tls13_facts();
  f.psk_selected_identity = 0;
  EXPECT_FALSE(has(check_policy(f), Code::CIPHER_NO_FORWARD_SECRECY));  // psk_dhe_ke
  f.key_exchange_group = 0;                                             // psk_ke
  const auto findings = check_policy(f);
  const Finding& n = only(findings, Code::CIPHER_NO_FORWARD_SECRECY);
  EXPECT_EQ(n.severity, Severity::low);
  EXPECT_EQ(evidence(n, "key_exchange"), "psk_ke (no key_share)");
  EXPECT_EQ(evidence(n, "version"), "TLS 1.3");
}

// ---- CIPHER_CBC_MTE -----------------------------------------------------------------------

TEST(AuditPolicy, CbcWithoutEncryptThenMac) {
  TlsFacts f = tls12_facts();
  f.cipher_suite = 0xC013;  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
  f.client_ext.encrypt_then_mac = true;
  f.server_ext.encrypt_then_mac = true;
  EXPECT_TRUE(check_policy(f).empty()) << codes(check_policy(f));

  f.server_ext.encrypt_then_mac = false;
  auto findings = check_policy(f);
  const Finding& server_refused = only(findings, Code::CIPHER_CBC_MTE);
  EXPECT_EQ(server_refused.severity, Severity::low);
  EXPECT_EQ(evidence(server_refused, "cipher_suite"), "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xc013)");
  EXPECT_EQ(evidence(server_refused, "encrypt_then_mac"), "offered by the client, not accepted by the server");

  f.client_ext.encrypt_then_mac = false;
  findings = check_policy(f);
  EXPECT_EQ(evidence(only(findings, Code::CIPHER_CBC_MTE), "encrypt_then_mac"), "not offered by the client");

  f.cipher_suite = 0xC02F;  // GCM
  EXPECT_FALSE(has(check_policy(f), Code::CIPHER_CBC_MTE));
}

// ---- RENEGOTIATION_INSECURE ---------------------------------------------------------------

TEST(AuditPolicy, RenegotiationInsecure) {
  TlsFacts f = tls12_facts();
  f.server_ext.renegotiation_info = false;
  auto findings = check_policy(f);
  const Finding& server_side = only(findings, Code::RENEGOTIATION_INSECURE);
  EXPECT_EQ(server_side.severity, Severity::medium);
  EXPECT_EQ(evidence(server_side, "server"), "no renegotiation_info");
  EXPECT_EQ(evidence(server_side, "client"), "renegotiation_info or the SCSV offered");
  EXPECT_EQ(evidence(server_side, "version"), "TLS 1.2");

  f = tls12_facts();
  f.client_ext.renegotiation_info = false;  // neither the extension nor the SCSV
  findings = check_policy(f);
  const Finding& client_side = only(findings, Code::RENEGOTIATION_INSECURE);
  EXPECT_EQ(evidence(client_side, "client"), "neither renegotiation_info nor TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_EQ(evidence(client_side, "server"), "renegotiation_info sent");

  f = tls13_facts();  // TLS 1.3 has no renegotiation
  f.client_ext.renegotiation_info = false;
  EXPECT_FALSE(has(check_policy(f), Code::RENEGOTIATION_INSECURE));
}

// ---- COMPRESSION_ENABLED, HEARTBEAT_ENABLED, EMS_MISSING ------------------------------------

TEST(AuditPolicy, CompressionEnabled) {
  TlsFacts f = tls12_facts();
  f.compression_method = 1;
  const auto findings = check_policy(f);
  const Finding& c = only(findings, Code::COMPRESSION_ENABLED);
  EXPECT_EQ(c.severity, Severity::high);
  EXPECT_EQ(evidence(c, "compression_method"), "DEFLATE (1)");
  EXPECT_EQ(codes(findings), "COMPRESSION_ENABLED ");
}

TEST(AuditPolicy, HeartbeatEnabledOnlyWhenTheServerAnswers) {
  TlsFacts f = tls12_facts();
  f.client_ext.heartbeat = true;
  EXPECT_FALSE(has(check_policy(f), Code::HEARTBEAT_ENABLED));
  f.server_ext.heartbeat = true;
  const auto findings = check_policy(f);
  const Finding& h = only(findings, Code::HEARTBEAT_ENABLED);
  EXPECT_EQ(h.severity, Severity::low);
  EXPECT_EQ(h.party, Party::server);
  EXPECT_EQ(evidence(h, "extension"), "heartbeat (15)");
}

TEST(AuditPolicy, ExtendedMasterSecretMissing) {
  TlsFacts f = tls12_facts();
  f.server_ext.extended_master_secret = false;
  auto findings = check_policy(f);
  const Finding& server_side = only(findings, Code::EMS_MISSING);
  EXPECT_EQ(server_side.severity, Severity::info);
  EXPECT_EQ(evidence(server_side, "client"), "offered");
  EXPECT_EQ(evidence(server_side, "server"), "not accepted");

  f = tls12_facts();
  f.client_ext.extended_master_secret = false;
  findings = check_policy(f);
  EXPECT_EQ(evidence(only(findings, Code::EMS_MISSING), "client"), "not offered");

  f.negotiated_version = 0x0301;
  EXPECT_TRUE(has(check_policy(f), Code::EMS_MISSING));
  f.negotiated_version = 0x0300;  // EMS is not defined for SSL 3.0
  EXPECT_FALSE(has(check_policy(f), Code::EMS_MISSING));
  f.negotiated_version = 0x0304;
  EXPECT_FALSE(has(check_policy(f), Code::EMS_MISSING));
}

// ---- DH_WEAK_GROUP ------------------------------------------------------------------------

TEST(AuditPolicy, DhWeakGroupBySize) {
  TlsFacts f = tls12_facts();
  f.cipher_suite = 0x009E;  // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
  f.dhe_prime_bits = 2048;
  EXPECT_TRUE(check_policy(f).empty()) << codes(check_policy(f));

  f.dhe_prime_bits = 1024;
  auto findings = check_policy(f);
  const Finding& medium = only(findings, Code::DH_WEAK_GROUP);
  EXPECT_EQ(medium.severity, Severity::high);
  EXPECT_EQ(medium.party, Party::server);
  EXPECT_EQ(evidence(medium, "dh_prime_bits"), "1024");
  EXPECT_EQ(evidence(medium, "cipher_suite"), "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (0x009e)");

  f.dhe_prime_bits = 512;
  findings = check_policy(f);
  EXPECT_EQ(only(findings, Code::DH_WEAK_GROUP).severity, Severity::critical);
  EXPECT_EQ(evidence(only(findings, Code::DH_WEAK_GROUP), "dh_prime_bits"), "512");
}

// ---- DOWNGRADE_SENTINEL -------------------------------------------------------------------

void set_sentinel(TlsFacts& f, uint8_t last) {
  constexpr std::array<uint8_t, 7> kPrefix = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};
  std::copy(kPrefix.begin(), kPrefix.end(), f.server_random.begin() + 24);
  f.server_random[31] = last;
}

TEST(AuditPolicy, DowngradeSentinelWithTls13Client) {
  TlsFacts f = tls12_facts();
  f.client_supported_versions = {0x0304, 0x0303};
  set_sentinel(f, 0x01);
  const auto findings = check_policy(f);
  const Finding& d = only(findings, Code::DOWNGRADE_SENTINEL);
  EXPECT_EQ(d.severity, Severity::critical);
  EXPECT_EQ(d.party, Party::server);
  EXPECT_EQ(evidence(d, "sentinel"), "DOWNGRD\\x01 (TLS 1.3 server negotiating TLS 1.2)");
  EXPECT_EQ(evidence(d, "version"), "TLS 1.2");
  EXPECT_EQ(evidence(d, "client_highest_version"), "TLS 1.3");
}

TEST(AuditPolicy, DowngradeSentinelWithTls12Client) {
  TlsFacts f = tls12_facts();  // legacy_version 0x0303, no supported_versions
  f.negotiated_version = 0x0302;
  set_sentinel(f, 0x00);
  const auto findings = check_policy(f);
  const Finding& d = only(findings, Code::DOWNGRADE_SENTINEL);
  EXPECT_EQ(d.severity, Severity::high);
  EXPECT_EQ(evidence(d, "sentinel"), "DOWNGRD\\x00 (server negotiating TLS 1.1 or below)");
  EXPECT_EQ(evidence(d, "version"), "TLS 1.1");
  EXPECT_EQ(evidence(d, "client_highest_version"), "TLS 1.2");
}

TEST(AuditPolicy, DowngradeSentinelExplainedByTheOfferIsFine) {
  TlsFacts f = tls12_facts();  // a TLS 1.2 client: a TLS 1.3 server must send DOWNGRD\x01
  set_sentinel(f, 0x01);
  EXPECT_FALSE(has(check_policy(f), Code::DOWNGRADE_SENTINEL));
  f.client_supported_versions = {0x0304, 0x0303};
  set_sentinel(f, 0x02);  // not a sentinel
  EXPECT_FALSE(has(check_policy(f), Code::DOWNGRADE_SENTINEL));
  f.server_random[24] = 'X';
  f.server_random[31] = 0x01;
  EXPECT_FALSE(has(check_policy(f), Code::DOWNGRADE_SENTINEL));
}

// ---- NO_SNI -------------------------------------------------------------------------------

TEST(AuditPolicy, NoSni) {
  TlsFacts f = tls12_facts();
  f.client_ext.server_name = false;
  const auto findings = check_policy(f);
  const Finding& n = only(findings, Code::NO_SNI);
  EXPECT_EQ(n.severity, Severity::info);
  EXPECT_EQ(n.party, Party::client);
  EXPECT_EQ(evidence(n, "server_name"), "absent");
  EXPECT_TRUE(check_policy(f, PolicyContext{.server_reached_by_ip = true}).empty());
}

// ---- everything at once, and resumption -------------------------------------------------

TEST(AuditPolicy, EveryCheckFiresInDocumentedOrder) {
  TlsFacts f;
  f.client_hello_seen = true;
  f.client_legacy_version = 0x0303;
  f.server_hello_seen = true;
  f.negotiated_version = 0x0301;
  f.cipher_suite = 0x0014;  // TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA: export, DES, CBC
  f.compression_method = 1;
  f.server_ext.heartbeat = true;
  f.dhe_prime_bits = 512;
  set_sentinel(f, 0x00);
  const auto findings = check_policy(f);
  EXPECT_EQ(codes(findings),
            "PROTOCOL_DEPRECATED CIPHER_WEAK CIPHER_CBC_MTE RENEGOTIATION_INSECURE COMPRESSION_ENABLED "
            "HEARTBEAT_ENABLED EMS_MISSING DH_WEAK_GROUP DOWNGRADE_SENTINEL NO_SNI ");
  for (const Finding& finding : findings) {
    EXPECT_FALSE(finding.explanation.empty()) << to_string(finding.code);
    EXPECT_FALSE(finding.evidence.empty()) << to_string(finding.code);
    EXPECT_NE(finding.explanation.back(), '.') << to_string(finding.code);
  }
  f.cipher_suite = 0x0003;  // RSA export: no forward secrecy either
  EXPECT_TRUE(has(check_policy(f), Code::CIPHER_NO_FORWARD_SECRECY));
}

TEST(AuditPolicy, ResumedSessionIsStillJudged) {
  TlsFacts f = tls12_facts();
  f.negotiated_version = 0x0301;
  f.cipher_suite = 0x0005;
  f.client_session_id = std::vector<uint8_t>(32, 7);
  f.server_session_id = f.client_session_id;  // abbreviated handshake: no certificate, no key exchange
  const auto findings = check_policy(f);
  EXPECT_TRUE(has(findings, Code::PROTOCOL_DEPRECATED));
  EXPECT_TRUE(has(findings, Code::CIPHER_WEAK));
  EXPECT_TRUE(has(findings, Code::CIPHER_NO_FORWARD_SECRECY));
}

// ---- FATAL_ALERT --------------------------------------------------------------------------

TEST(AuditAlert, FatalAlertWithEvidence) {
  const std::optional<Finding> a = check_alert(2, 40, Party::server, 0x0303);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->code, Code::FATAL_ALERT);
  EXPECT_EQ(a->severity, Severity::medium);
  EXPECT_EQ(a->party, Party::server);
  EXPECT_EQ(evidence(*a, "alert"), "handshake_failure (40)");
  EXPECT_EQ(evidence(*a, "level"), "fatal");
  EXPECT_EQ(evidence(*a, "sent_by"), "server");
  EXPECT_NE(a->explanation.find("handshake_failure"), std::string::npos);
}

TEST(AuditAlert, IntegrityFailuresAreHigh) {
  for (uint8_t description : {20, 21, 51}) {
    const std::optional<Finding> a = check_alert(2, description, Party::client);
    ASSERT_TRUE(a.has_value()) << int{description};
    EXPECT_EQ(a->severity, Severity::high) << int{description};
    EXPECT_EQ(a->party, Party::client);
  }
  EXPECT_EQ(evidence(*check_alert(2, 20, Party::client), "alert"), "bad_record_mac (20)");
  EXPECT_EQ(evidence(*check_alert(2, 250, Party::client), "alert"), "250");
}

TEST(AuditAlert, WarningsAndClosuresAreNotFindings) {
  EXPECT_FALSE(check_alert(1, 40, Party::server, 0x0303).has_value());
  EXPECT_FALSE(check_alert(1, 100, Party::server, 0x0303).has_value());  // no_renegotiation warning
  EXPECT_FALSE(check_alert(1, 0, Party::server, 0x0304).has_value());
  EXPECT_FALSE(check_alert(2, 0, Party::server, 0x0303).has_value());
  EXPECT_FALSE(check_alert(1, 90, Party::client, 0x0304).has_value());
}

TEST(AuditAlert, Tls13IgnoresTheLevel) {
  const std::optional<Finding> a = check_alert(1, 42, Party::client, 0x0304);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(evidence(*a, "alert"), "bad_certificate (42)");
  EXPECT_EQ(evidence(*a, "level"), "warning (treated as fatal in TLS 1.3)");
}

}  // namespace
}  // namespace tlslens::audit
