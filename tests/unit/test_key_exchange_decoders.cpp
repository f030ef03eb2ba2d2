// ServerKeyExchange and ClientKeyExchange in the layout of every key exchange, and
// CertificateRequest (TLS 1.0, 1.2 and 1.3 forms): real messages from
// captures/tls12-mtls.pcap and hand-built ones, field by field, facts, and the
// malformed-length sweeps.
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <string>

#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"
#include "tests/unit/tls_message_builder.h"

namespace tlslens::tls {
namespace {

using namespace tlslens::tls::test;
namespace ht = handshake_type;

constexpr uint16_t kTls10 = 0x0301;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kSsl3 = 0x0300;

// captures/tls12-mtls.pcap, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: the server's
// ServerKeyExchange (x25519, rsa_pss_rsae_sha256) and CertificateRequest, the client's
// ClientKeyExchange.
const std::vector<uint8_t> kServerKeyExchange = from_hex(
    "0c00012803001d2093e314d54ea50f33f9a60d0fe298f5ff6448fda61e50177e4a1b73f6585a6e680804010071198d304a3c"
    "b8d46e570472baf39a1150febe5f19fb64668d2b8d3ca444868fc0cc700c40a44c52b110a77ccc9a96c5444ba7a81c3a3d92"
    "8357c18cd815de4f269d95471f50eecea102efcf28b0754ee32ff57cd5b3014f65be9f012081a36c8a488556d5775341f027"
    "a7ff8ebeacbc5e66c569bccf0308edbb7cac2bbeda569921f6ead2316b12814e222519c31f153c4b85006b18fe4c353e4286"
    "485753e7e5fcf73986dcd9a52ea4fc95ab39f637b9fdfa890701fb1b9d7ba7c9f500be60efc450070eee7dd2a48f7fe44a45"
    "c0c6f6d2aedfa48e4ff5cd955da496020b4446bf2050a899be8a38a15995f66f9ea93f3aea3a28dde600f40968f5cb19a152");
const std::vector<uint8_t> kCertificateRequest = from_hex(
    "0d000030030102400028040305030603080708080809080a080b080408050806040105010601030303010302040205020602"
    "0000");
const std::vector<uint8_t> kClientKeyExchange =
    from_hex("1000002120873f459d5bceda0d8e5e4f63e4bd2ab5438e818fb493cdd1964abf0815fb9b6c");

// Suites of each key exchange, checked against the registry so the tests say what they mean.
uint16_t suite_of(KeyExchange kx, uint16_t code) {
  const CipherSuiteInfo* info = cipher_suite_info(code);
  EXPECT_TRUE(info != nullptr && info->kx == kx) << "suite 0x" << std::hex << code;
  return code;
}
const uint16_t kEcdheRsa = suite_of(KeyExchange::ECDHE_RSA, 0xC02F);
const uint16_t kEcdheEcdsa = suite_of(KeyExchange::ECDHE_ECDSA, 0xC02B);
const uint16_t kEcdhAnon = suite_of(KeyExchange::ECDH_anon, 0xC018);
const uint16_t kEcdhRsa = suite_of(KeyExchange::ECDH_RSA, 0xC031);
const uint16_t kDheRsa = suite_of(KeyExchange::DHE_RSA, 0x009E);
const uint16_t kDhAnon = suite_of(KeyExchange::DH_anon, 0x0034);
const uint16_t kDhRsa = suite_of(KeyExchange::DH_RSA, 0x00A0);
const uint16_t kRsa = suite_of(KeyExchange::RSA, 0x009C);
const uint16_t kRsaExport = suite_of(KeyExchange::RSA_EXPORT, 0x0003);
const uint16_t kPsk = suite_of(KeyExchange::PSK, 0x00A8);
const uint16_t kDhePsk = suite_of(KeyExchange::DHE_PSK, 0x00AA);
const uint16_t kEcdhePsk = suite_of(KeyExchange::ECDHE_PSK, 0xC037);
const uint16_t kRsaPsk = suite_of(KeyExchange::RSA_PSK, 0x00AC);
const uint16_t kSrp = suite_of(KeyExchange::SRP_SHA, 0xC01D);
const uint16_t kSrpRsa = suite_of(KeyExchange::SRP_SHA_RSA, 0xC01E);
const uint16_t kEccpwd = suite_of(KeyExchange::ECCPWD, 0xC0B0);

// A 2048-bit prime-sized value (top bit set) and friends; the decoder does not check primality.
std::vector<uint8_t> big(size_t bytes, uint8_t top = 0xFF) {
  std::vector<uint8_t> v(bytes, 0x11);
  v[0] = top;
  return v;
}

std::vector<uint8_t> ske(const std::vector<uint8_t>& body) {
  return handshake(ht::server_key_exchange, body);
}
std::vector<uint8_t> cke(const std::vector<uint8_t>& body) {
  return handshake(ht::client_key_exchange, body);
}

Body ec_params(uint16_t group, size_t key_size) {
  return Body().u8(3).u16(group).vec8(filled(key_size, 0x04));
}
Body dh_params(size_t p_bytes) {
  return Body().vec16(big(p_bytes, 0x80)).vec16({2}).vec16(big(p_bytes, 0x5A));
}
Body signature(uint16_t scheme, size_t size) {
  return Body().u16(scheme).vec16(filled(size, 0x99));
}

// ---- ServerKeyExchange -------------------------------------------------------------------

TEST(ServerKeyExchangeMessageTest, RealEcdheFromTheMtlsCapture) {
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(kServerKeyExchange, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "server_key_exchange");
  EXPECT_EQ(child(d.tree, "curve_type").text, "named_curve");
  EXPECT_EQ(child(d.tree, "named_curve").number, 0x001Du);
  EXPECT_EQ(child(d.tree, "named_curve").text, "x25519");
  EXPECT_EQ(child(d.tree, "named_curve").offset, 5u);
  EXPECT_EQ(child(d.tree, "public_key_length").number, 32u);
  EXPECT_EQ(child(d.tree, "public_key").offset, 8u);
  EXPECT_EQ(child(d.tree, "public_key").length, 32u);
  EXPECT_EQ(child(d.tree, "public_key").show, Show::with_all);
  EXPECT_EQ(child(d.tree, "signature_scheme").text, "rsa_pss_rsae_sha256");
  EXPECT_EQ(child(d.tree, "signature_length").number, 256u);
  EXPECT_EQ(child(d.tree, "signature").length, 256u);
  EXPECT_EQ(facts.key_exchange_group, 0x001D);
  EXPECT_EQ(facts.server_signature_scheme, 0x0804);
  expect_every_malformation_reported(kServerKeyExchange, negotiated(kTls12, kEcdheRsa));
}

TEST(ServerKeyExchangeMessageTest, EcdheInTls10HasNoSchemeField) {
  TlsFacts facts = negotiated(kTls10, kEcdheEcdsa);
  std::vector<uint8_t> message = ske(Body().raw(ec_params(23, 65)).vec16(filled(70, 0x30)));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "named_curve").text, "secp256r1");
  EXPECT_EQ(d.tree.find("signature_scheme"), nullptr);
  EXPECT_EQ(child(d.tree, "signature_length").number, 70u);
  EXPECT_EQ(facts.server_signature_scheme, 0);
  expect_every_malformation_reported(message, negotiated(kTls10, kEcdheEcdsa));
}

TEST(ServerKeyExchangeMessageTest, ExplicitCurvesAreNotDecoded) {
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(ske(Body().u8(1).raw(filled(20, 0))), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 4u);
  EXPECT_EQ(child(d.tree, "curve_type").text, "explicit_prime");
}

TEST(ServerKeyExchangeMessageTest, EcdhAnonIsUnsigned) {
  TlsFacts facts = negotiated(kTls12, kEcdhAnon);
  std::vector<uint8_t> message = ske(ec_params(29, 32));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.find("signature_length"), nullptr);
  expect_every_malformation_reported(message, negotiated(kTls12, kEcdhAnon));
}

TEST(ServerKeyExchangeMessageTest, DheParametersAndPrimeSize) {
  TlsFacts facts = negotiated(kTls12, kDheRsa);
  std::vector<uint8_t> message = ske(Body().raw(dh_params(256)).raw(signature(0x0401, 256)));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "dh_p_length").number, 256u);
  EXPECT_EQ(child(d.tree, "dh_p_bits").number, 2048u);
  EXPECT_EQ(child(d.tree, "dh_p").length, 256u);
  EXPECT_EQ(child(d.tree, "dh_p").show, Show::with_all);
  EXPECT_EQ(bytes_of(child(d.tree, "dh_g")), (std::vector<uint8_t>{2}));
  EXPECT_EQ(child(d.tree, "dh_ys_length").number, 256u);
  EXPECT_EQ(child(d.tree, "signature_scheme").text, "rsa_pkcs1_sha256");
  EXPECT_EQ(facts.dhe_prime_bits, 2048u);
  EXPECT_EQ(facts.server_signature_scheme, 0x0401);
  expect_every_malformation_reported(message, negotiated(kTls12, kDheRsa));
}

TEST(ServerKeyExchangeMessageTest, DhePrimeBitsIgnoreLeadingZeros) {
  TlsFacts facts = negotiated(kTls12, kDhAnon);
  std::vector<uint8_t> p = big(129, 0x00);
  p[1] = 0x01;  // 1024 + 1 bits... the value 0x01 followed by 127 bytes: 1017 bits
  Decoded d = decode_message(ske(Body().vec16(p).vec16({5}).vec16({7})), facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(facts.dhe_prime_bits, 1017u);
  EXPECT_EQ(d.tree.find("signature_length"), nullptr);
}

TEST(ServerKeyExchangeMessageTest, EmptyDhValueIsAProblem) {
  TlsFacts facts = negotiated(kTls12, kDhAnon);
  Decoded d = decode_message(ske(Body().vec16(big(64)).vec16({}).vec16({7})), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 4u + 2 + 64);
  EXPECT_EQ(d.problem->reason, "dh_g length 0 is below the minimum of 1");
}

TEST(ServerKeyExchangeMessageTest, RsaExportTemporaryKey) {
  TlsFacts facts = negotiated(kTls10, kRsaExport);
  std::vector<uint8_t> message = ske(Body().vec16(big(64, 0xC0)).vec16({1, 0, 1}).vec16(filled(128, 1)));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "rsa_modulus_bits").number, 512u);
  EXPECT_EQ(bytes_of(child(d.tree, "rsa_exponent")), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(child(d.tree, "signature_length").number, 128u);
  expect_every_malformation_reported(message, negotiated(kTls10, kRsaExport));
}

TEST(ServerKeyExchangeMessageTest, PskHintAlone) {
  TlsFacts facts = negotiated(kTls12, kPsk);
  std::vector<uint8_t> message = ske(Body().vec16(Body().text("tlslens hint")));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "psk_identity_hint").kind, FieldKind::text);
  EXPECT_EQ(child(d.tree, "psk_identity_hint").text, "tlslens hint");
  EXPECT_EQ(child(d.tree, "psk_identity_hint").offset, 6u);
  expect_every_malformation_reported(message, negotiated(kTls12, kPsk));
}

TEST(ServerKeyExchangeMessageTest, DhePskAndEcdhePskHintThenParams) {
  TlsFacts dhe = negotiated(kTls12, kDhePsk);
  std::vector<uint8_t> dhe_message = ske(Body().vec16({}).raw(dh_params(128)));
  Decoded a = decode_message(dhe_message, dhe);
  ASSERT_FALSE(a.problem) << a.problem->reason;
  EXPECT_EQ(child(a.tree, "psk_identity_hint").text, "");
  EXPECT_EQ(child(a.tree, "dh_p_bits").number, 1024u);
  EXPECT_EQ(a.tree.find("signature_length"), nullptr);

  TlsFacts ecdhe = negotiated(kTls12, kEcdhePsk);
  std::vector<uint8_t> ecdhe_message = ske(Body().vec16({0x00, 0xFF}).raw(ec_params(29, 32)));
  Decoded b = decode_message(ecdhe_message, ecdhe);
  ASSERT_FALSE(b.problem) << b.problem->reason;
  EXPECT_EQ(child(b.tree, "psk_identity_hint").kind, FieldKind::bytes);
  EXPECT_EQ(child(b.tree, "named_curve").text, "x25519");
  EXPECT_EQ(ecdhe.key_exchange_group, 29);
  expect_every_malformation_reported(dhe_message, negotiated(kTls12, kDhePsk));
  expect_every_malformation_reported(ecdhe_message, negotiated(kTls12, kEcdhePsk));
}

TEST(ServerKeyExchangeMessageTest, RsaPskHint) {
  TlsFacts facts = negotiated(kTls12, kRsaPsk);
  Decoded d = decode_message(ske(Body().vec16(Body().text("h"))), facts);
  ASSERT_FALSE(d.problem);
  EXPECT_EQ(child(d.tree, "psk_identity_hint").text, "h");
}

TEST(ServerKeyExchangeMessageTest, SrpParameters) {
  Body params = Body().vec16(big(128)).vec16({2}).vec8(filled(16, 0x5A)).vec16(big(128, 0x33));
  TlsFacts facts = negotiated(kTls12, kSrp);
  std::vector<uint8_t> message = ske(params);
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "srp_n_bits").number, 1024u);
  EXPECT_EQ(child(d.tree, "srp_salt_length").number, 16u);
  EXPECT_EQ(child(d.tree, "srp_b_length").number, 128u);
  EXPECT_EQ(d.tree.find("signature_length"), nullptr);
  expect_every_malformation_reported(message, negotiated(kTls12, kSrp));

  TlsFacts signed_facts = negotiated(kTls12, kSrpRsa);
  std::vector<uint8_t> signed_message = ske(Body().raw(params).raw(signature(0x0401, 64)));
  Decoded s = decode_message(signed_message, signed_facts);
  ASSERT_FALSE(s.problem) << s.problem->reason;
  EXPECT_EQ(child(s.tree, "signature_length").number, 64u);
  EXPECT_EQ(signed_facts.server_signature_scheme, 0x0401);
}

TEST(ServerKeyExchangeMessageTest, UnknownKeyExchangeIsBytesOnly) {
  for (uint16_t suite : {kEccpwd, uint16_t{0x0000}, uint16_t{0x1301}}) {
    TlsFacts facts = negotiated(kTls12, suite);
    std::vector<uint8_t> message = ske({1, 2, 3, 4});
    Decoded d = decode_message(message, facts);
    EXPECT_FALSE(d.problem);
    EXPECT_EQ(child(d.tree, "data_length").number, 4u);
    EXPECT_EQ(bytes_of(child(d.tree, "data")), (std::vector<uint8_t>{1, 2, 3, 4}));
  }
}

// ---- ClientKeyExchange -------------------------------------------------------------------

TEST(ClientKeyExchangeMessageTest, RealEcdheFromTheMtlsCapture) {
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(kClientKeyExchange, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "client_key_exchange");
  EXPECT_EQ(child(d.tree, "public_key_length").number, 32u);
  EXPECT_EQ(child(d.tree, "public_key").offset, 5u);
  EXPECT_EQ(located(child(d.tree, "public_key"), kClientKeyExchange),
            std::vector<uint8_t>(kClientKeyExchange.begin() + 5, kClientKeyExchange.end()));
  expect_every_malformation_reported(kClientKeyExchange, negotiated(kTls12, kEcdheRsa), Direction::client_to_server);
}

TEST(ClientKeyExchangeMessageTest, RsaEncryptedPremaster) {
  TlsFacts facts = negotiated(kTls12, kRsa);
  std::vector<uint8_t> message = cke(Body().vec16(filled(256, 0xE0)));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "encrypted_premaster_length").number, 256u);
  EXPECT_EQ(child(d.tree, "encrypted_premaster").offset, 6u);
  EXPECT_EQ(child(d.tree, "encrypted_premaster").show, Show::with_all);
  expect_every_malformation_reported(message, negotiated(kTls12, kRsa), Direction::client_to_server);
}

TEST(ClientKeyExchangeMessageTest, Ssl3PremasterHasNoLength) {
  TlsFacts facts = negotiated(kSsl3, kRsa);
  std::vector<uint8_t> message = cke(filled(128, 0xE0));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "encrypted_premaster_length").number, 128u);
  EXPECT_EQ(child(d.tree, "encrypted_premaster").offset, 4u);
  EXPECT_EQ(child(d.tree, "encrypted_premaster").length, 128u);
  EXPECT_TRUE(decode_message(cke({}), facts).problem);
}

TEST(ClientKeyExchangeMessageTest, DheYc) {
  TlsFacts facts = negotiated(kTls12, kDheRsa);
  std::vector<uint8_t> message = cke(Body().vec16(big(256)));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "dh_yc_length").number, 256u);
  EXPECT_EQ(child(d.tree, "dh_yc").length, 256u);
  expect_every_malformation_reported(message, negotiated(kTls12, kDheRsa), Direction::client_to_server);
}

TEST(ClientKeyExchangeMessageTest, FixedDhClientKeyMayBeImplicit) {
  for (uint16_t suite : {kEcdhRsa, kDhRsa}) {
    TlsFacts facts = negotiated(kTls12, suite);
    Decoded d = decode_message(cke({}), facts, Direction::client_to_server);
    ASSERT_FALSE(d.problem) << d.problem->reason;
    EXPECT_EQ(child(d.tree, "implicit_public_key").number, 1u);
  }
  TlsFacts ecdhe = negotiated(kTls12, kEcdheRsa);
  EXPECT_TRUE(decode_message(cke({}), ecdhe, Direction::client_to_server).problem);
}

TEST(ClientKeyExchangeMessageTest, PskIdentities) {
  TlsFacts psk = negotiated(kTls12, kPsk);
  std::vector<uint8_t> text_identity = cke(Body().vec16(Body().text("client1")));
  Decoded a = decode_message(text_identity, psk, Direction::client_to_server);
  ASSERT_FALSE(a.problem) << a.problem->reason;
  EXPECT_EQ(child(a.tree, "psk_identity").text, "client1");
  expect_every_malformation_reported(text_identity, negotiated(kTls12, kPsk), Direction::client_to_server);

  Decoded binary = decode_message(cke(Body().vec16({0x01, 0x80})), psk, Direction::client_to_server);
  ASSERT_FALSE(binary.problem);
  EXPECT_EQ(bytes_of(child(binary.tree, "psk_identity")), (std::vector<uint8_t>{0x01, 0x80}));

  TlsFacts dhe = negotiated(kTls12, kDhePsk);
  std::vector<uint8_t> dhe_message = cke(Body().vec16(Body().text("id")).vec16(big(128)));
  Decoded b = decode_message(dhe_message, dhe, Direction::client_to_server);
  ASSERT_FALSE(b.problem) << b.problem->reason;
  EXPECT_EQ(child(b.tree, "psk_identity").text, "id");
  EXPECT_EQ(child(b.tree, "dh_yc_length").number, 128u);
  expect_every_malformation_reported(dhe_message, negotiated(kTls12, kDhePsk), Direction::client_to_server);

  TlsFacts ecdhe = negotiated(kTls12, kEcdhePsk);
  std::vector<uint8_t> ecdhe_message = cke(Body().vec16(Body().text("id")).vec8(filled(32, 9)));
  Decoded c = decode_message(ecdhe_message, ecdhe, Direction::client_to_server);
  ASSERT_FALSE(c.problem) << c.problem->reason;
  EXPECT_EQ(child(c.tree, "public_key_length").number, 32u);
  expect_every_malformation_reported(ecdhe_message, negotiated(kTls12, kEcdhePsk), Direction::client_to_server);

  // RSA_PSK: the premaster is length-prefixed whatever the version.
  TlsFacts rsa = negotiated(kSsl3, kRsaPsk);
  std::vector<uint8_t> rsa_message = cke(Body().vec16(Body().text("id")).vec16(filled(64, 1)));
  Decoded e = decode_message(rsa_message, rsa, Direction::client_to_server);
  ASSERT_FALSE(e.problem) << e.problem->reason;
  EXPECT_EQ(child(e.tree, "encrypted_premaster_length").number, 64u);
  expect_every_malformation_reported(rsa_message, negotiated(kSsl3, kRsaPsk), Direction::client_to_server);
}

TEST(ClientKeyExchangeMessageTest, SrpA) {
  TlsFacts facts = negotiated(kTls12, kSrp);
  std::vector<uint8_t> message = cke(Body().vec16(big(128)));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "srp_a_length").number, 128u);
  expect_every_malformation_reported(message, negotiated(kTls12, kSrp), Direction::client_to_server);
}

TEST(ClientKeyExchangeMessageTest, UnknownKeyExchangeIsBytesOnly) {
  TlsFacts facts = negotiated(kTls12, kEccpwd);
  Decoded d = decode_message(cke({9, 9}), facts, Direction::client_to_server);
  EXPECT_FALSE(d.problem);
  EXPECT_EQ(child(d.tree, "data_length").number, 2u);
}

// ---- CertificateRequest ------------------------------------------------------------------

// DER of a DistinguishedName built by OpenSSL.
std::vector<uint8_t> distinguished_name(const std::string& common_name) {
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("XX"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("tlslens test"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  unsigned char* der = nullptr;
  int size = i2d_X509_NAME(name, &der);
  std::vector<uint8_t> out(der, der + size);
  OPENSSL_free(der);
  X509_NAME_free(name);
  return out;
}

TEST(CertificateRequestMessageTest, RealTls12RequestFromTheMtlsCapture) {
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(kCertificateRequest, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "certificate_request");
  const Field& types = child(d.tree, "certificate_types");
  ASSERT_EQ(types.children.size(), 3u);
  EXPECT_EQ(types.children[0].text, "rsa_sign");
  EXPECT_EQ(types.children[1].text, "dss_sign");
  EXPECT_EQ(types.children[2].text, "ecdsa_sign");
  EXPECT_EQ(types.children[2].offset, 7u);
  const Field& schemes = child(d.tree, "signature_algorithms");
  ASSERT_EQ(schemes.children.size(), 20u);
  EXPECT_EQ(schemes.children[0].text, "ecdsa_secp256r1_sha256");
  EXPECT_EQ(schemes.children[0].number, 0x0403u);
  EXPECT_TRUE(child(d.tree, "certificate_authorities").children.empty());
  EXPECT_TRUE(facts.certificate_request_seen);
  expect_every_malformation_reported(kCertificateRequest, negotiated(kTls12, kEcdheRsa));
}

TEST(CertificateRequestMessageTest, CertificateAuthoritiesAsRfc2253Lines) {
  const std::vector<uint8_t> root = distinguished_name("tlslens Test Root CA");
  Body names = Body().vec16(root).vec16({0x30, 0x01});
  std::vector<uint8_t> message =
      handshake(ht::certificate_request, Body().vec8({1}).vec16(Body().u16(0x0804)).vec16(names));
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  const Field& authorities = child(d.tree, "certificate_authorities");
  ASSERT_EQ(authorities.children.size(), 2u);
  EXPECT_EQ(authorities.children[0].key, "distinguished_name");
  EXPECT_EQ(authorities.children[0].text, "CN=tlslens Test Root CA,O=tlslens test,C=XX");
  EXPECT_EQ(located(authorities.children[0], message), root);
  EXPECT_EQ(authorities.children[1].key, "unparseable_distinguished_name");
  expect_every_malformation_reported(message, negotiated(kTls12, kEcdheRsa));
}

TEST(CertificateRequestMessageTest, Tls10HasNoSignatureAlgorithms) {
  std::vector<uint8_t> message = handshake(ht::certificate_request, Body().vec8({1, 2}).vec16({}));
  TlsFacts facts = negotiated(kTls10, kEcdheRsa);
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.find("signature_algorithms"), nullptr);
  EXPECT_EQ(child(d.tree, "certificate_types").children.size(), 2u);
  expect_every_malformation_reported(message, negotiated(kTls10, kEcdheRsa));
}

TEST(CertificateRequestMessageTest, OddSignatureAlgorithmsLength) {
  TlsFacts facts = negotiated(kTls12, kEcdheRsa);
  Decoded d = decode_message(handshake(ht::certificate_request, Body().vec8({1}).vec16({4, 1, 5}).vec16({})), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 6u);
  EXPECT_EQ(d.problem->reason, "signature_algorithms length 3 is odd");
}

TEST(CertificateRequestMessageTest, Tls13Form) {
  // certificate_request_context for post-handshake auth, then signature_algorithms.
  Body extensions = Body().u16(13).vec16(Body().vec16(Body().u16(0x0804).u16(0x0403)));
  std::vector<uint8_t> message = handshake(ht::certificate_request, Body().vec8({0xAB, 0xCD}).vec16(extensions));
  TlsFacts facts = negotiated(kTls13, 0x1302);
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(bytes_of(child(d.tree, "certificate_request_context")), (std::vector<uint8_t>{0xAB, 0xCD}));
  EXPECT_EQ(child(d.tree, "certificate_request_context").offset, 5u);
  ASSERT_EQ(child(d.tree, "extensions").children.size(), 1u);
  EXPECT_EQ(d.tree.find("certificate_types"), nullptr);
  EXPECT_TRUE(facts.certificate_request_seen);
  expect_every_malformation_reported(message, negotiated(kTls13, 0x1302));
}

}  // namespace
}  // namespace tlslens::tls
