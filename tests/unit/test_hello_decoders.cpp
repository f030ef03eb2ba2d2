// ClientHello, ServerHello, HelloRetryRequest and SSLv2-compatible ClientHello decoding:
// hand-built hellos decoded field by field, the facts they record, every malformed length,
// truncation at every byte, and a real ClientHello from captures/tls13-aes128gcm.pcap.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"
#include "hello_test_builder.h"

namespace tlslens::tls {
namespace {

using testing::at;
using testing::Builder;
using testing::bytes_of;
using testing::decode;
using testing::Decoded;
using testing::extension;
using testing::from_hex;
using testing::handshake;
using testing::has;
using testing::HelloKind;

constexpr uint16_t kGrease1 = 0x2A2A;
constexpr uint16_t kGrease2 = 0x3A3A;

Builder pattern(size_t n, uint8_t first) {
  Builder b;
  for (size_t i = 0; i < n; ++i) b.u8(static_cast<uint8_t>(first + i));
  return b;
}

// Where `needle` starts in `haystack` (for checking field offsets against the bytes).
size_t find_bytes(const std::vector<uint8_t>& haystack, const std::vector<uint8_t>& needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
  return static_cast<size_t>(it - haystack.begin());
}

std::vector<uint8_t> text_bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

// ---- a TLS 1.3 ClientHello as a browser sends it: GREASE, SNI, ALPN, key shares, PSK

Builder tls13_client_hello_extensions() {
  Builder ext;
  ext.extension(0x0A0A)  // GREASE, empty
      .extension(0, Builder().vec16(Builder().u8(0).vec16("example.com")))
      .extension(10, Builder().vec16(Builder().u16(kGrease2).u16(0x001D).u16(0x0017)))
      .extension(16, Builder().vec16(Builder().vec8("h2").vec8("http/1.1")))
      .extension(13, Builder().vec16(Builder().u16(0x0403).u16(0x0804).u16(0x0102)))
      .extension(43, Builder().vec8(Builder().u16(0x7A7A).u16(0x0304).u16(0x0303)))
      .extension(45, Builder().vec8(Builder().u8(1)))
      .extension(51, Builder().vec16(
                         Builder().u16(kGrease2).vec16(Builder().u8(0)).u16(0x001D).vec16(Builder().fill(32, 0x11))))
      .extension(
          41,
          Builder().vec16(Builder().vec16("TICKET").u32(0x01020304)).vec16(Builder().vec8(Builder().fill(32, 0x22))));
  return ext;
}

Builder tls13_client_hello_body(const Builder& extensions) {
  return Builder()
      .u16(0x0303)
      .raw(pattern(32, 0x00))
      .vec8(Builder().fill(32, 0xAA))
      .vec16(Builder().u16(kGrease1).u16(0x1301).u16(0x1302).u16(0x1303).u16(0xC02F).u16(0x00FF))
      .vec8(Builder().u8(0))
      .vec16(extensions);
}

std::vector<uint8_t> tls13_client_hello() {
  return handshake(handshake_type::client_hello, tls13_client_hello_body(tls13_client_hello_extensions()));
}

TEST(ClientHelloDecoder, DecodesTheFixedFields) {
  std::vector<uint8_t> message = tls13_client_hello();
  Decoded d = decode(HelloKind::client, message);
  ASSERT_TRUE(d.ok()) << d.reason();

  const Field& version = at(d.tree, "legacy_version");
  EXPECT_EQ(version.kind, FieldKind::code);
  EXPECT_EQ(version.number, 0x0303u);
  EXPECT_EQ(version.text, "TLS 1.2");
  EXPECT_EQ(version.offset, 4u);
  EXPECT_EQ(version.length, 2u);

  const Field& random = at(d.tree, "random");
  EXPECT_EQ(random.kind, FieldKind::bytes);
  EXPECT_EQ(bytes_of(random), pattern(32, 0).bytes());
  EXPECT_EQ(random.offset, 6u);

  EXPECT_EQ(at(d.tree, "session_id_length").number, 32u);
  EXPECT_EQ(at(d.tree, "session_id_length").show, Show::with_all);
  EXPECT_EQ(bytes_of(at(d.tree, "session_id")), std::vector<uint8_t>(32, 0xAA));
  EXPECT_EQ(at(d.tree, "session_id").offset, 39u);

  EXPECT_EQ(at(d.tree, "cipher_suites_length").number, 12u);
  const Field& suites = at(d.tree, "cipher_suites");
  EXPECT_EQ(suites.kind, FieldKind::list);
  ASSERT_EQ(suites.children.size(), 6u);
  EXPECT_EQ(suites.children[0].number, kGrease1);
  EXPECT_EQ(suites.children[0].text, "GREASE");
  EXPECT_EQ(suites.children[1].text, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(suites.children[4].text, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suites.children[5].text, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_EQ(suites.children[1].offset, 75u);
  EXPECT_EQ(suites.children[1].length, 2u);

  const Field& methods = at(d.tree, "compression_methods");
  ASSERT_EQ(methods.children.size(), 1u);
  EXPECT_EQ(methods.children[0].number, 0u);
  EXPECT_EQ(methods.children[0].text, "null");
}

TEST(ClientHelloDecoder, DecodesTheExtensions) {
  std::vector<uint8_t> message = tls13_client_hello();
  Decoded d = decode(HelloKind::client, message);
  ASSERT_TRUE(d.ok()) << d.reason();
  const Field& list = at(d.tree, "extensions");
  ASSERT_EQ(list.children.size(), 9u);
  EXPECT_EQ(at(list, "0/type").text, "GREASE");
  EXPECT_EQ(at(list, "0/length").show, Show::with_all);

  const Field* sni = extension(d.tree, 0);
  ASSERT_NE(sni, nullptr);
  EXPECT_EQ(at(*sni, "type").text, "server_name");
  const Field& host = at(*sni, "server_name_list/0/host_name");
  EXPECT_EQ(host.text, "example.com");
  EXPECT_EQ(host.offset, find_bytes(message, text_bytes("example.com")));
  EXPECT_EQ(host.length, 11u);
  EXPECT_EQ(at(*sni, "server_name_list/0/name_type").text, "host_name");

  const Field* groups = extension(d.tree, 10);
  ASSERT_NE(groups, nullptr);
  EXPECT_EQ(at(*groups, "groups/0").text, "GREASE");
  EXPECT_EQ(at(*groups, "groups/1").text, "x25519");
  EXPECT_EQ(at(*groups, "groups/2").text, "secp256r1");

  const Field* alpn = extension(d.tree, 16);
  ASSERT_NE(alpn, nullptr);
  EXPECT_EQ(at(*alpn, "protocols/0").text, "h2");
  EXPECT_EQ(at(*alpn, "protocols/1").text, "http/1.1");

  const Field* sigalgs = extension(d.tree, 13);
  ASSERT_NE(sigalgs, nullptr);
  EXPECT_EQ(at(*sigalgs, "signature_algorithms/0").text, "ecdsa_secp256r1_sha256");
  EXPECT_EQ(at(*sigalgs, "signature_algorithms/1").text, "rsa_pss_rsae_sha256");
  EXPECT_EQ(at(*sigalgs, "signature_algorithms/2").text, "md5+dsa");  // an unnamed TLS 1.2 pair

  const Field* versions = extension(d.tree, 43);
  ASSERT_NE(versions, nullptr);
  EXPECT_EQ(at(*versions, "versions/0").text, "GREASE");
  EXPECT_EQ(at(*versions, "versions/1").text, "TLS 1.3");

  const Field* modes = extension(d.tree, 45);
  ASSERT_NE(modes, nullptr);
  EXPECT_EQ(at(*modes, "ke_modes/0").text, "psk_dhe_ke");

  const Field* shares = extension(d.tree, 51);
  ASSERT_NE(shares, nullptr);
  EXPECT_EQ(at(*shares, "client_shares/0/group").text, "GREASE");
  EXPECT_EQ(at(*shares, "client_shares/1/group").text, "x25519");
  EXPECT_EQ(at(*shares, "client_shares/1/key_exchange_length").number, 32u);
  EXPECT_EQ(at(*shares, "client_shares/1/key_exchange_length").show, Show::always);
  const Field& key = at(*shares, "client_shares/1/key_exchange");
  EXPECT_EQ(bytes_of(key), std::vector<uint8_t>(32, 0x11));
  EXPECT_EQ(key.show, Show::with_all);

  const Field* psk = extension(d.tree, 41);
  ASSERT_NE(psk, nullptr);
  EXPECT_EQ(bytes_of(at(*psk, "identities/0/identity")), text_bytes("TICKET"));
  EXPECT_EQ(at(*psk, "identities/0/identity").show, Show::with_all);
  EXPECT_EQ(at(*psk, "identities/0/obfuscated_ticket_age").number, 0x01020304u);
  EXPECT_EQ(at(*psk, "binders").show, Show::with_all);
  EXPECT_EQ(bytes_of(at(*psk, "binders/0")), std::vector<uint8_t>(32, 0x22));
}

TEST(ClientHelloDecoder, RecordsTheFacts) {
  Decoded d = decode(HelloKind::client, tls13_client_hello());
  ASSERT_TRUE(d.ok()) << d.reason();
  const TlsFacts& f = d.facts;
  EXPECT_TRUE(f.client_hello_seen);
  EXPECT_EQ(f.client_hello_count, 1);
  EXPECT_FALSE(f.sslv2_client_hello);
  EXPECT_EQ(f.client_legacy_version, 0x0303);
  EXPECT_EQ(std::vector<uint8_t>(f.client_random.begin(), f.client_random.end()), pattern(32, 0).bytes());
  EXPECT_EQ(f.client_session_id, std::vector<uint8_t>(32, 0xAA));
  EXPECT_EQ(f.offered_cipher_suites, (std::vector<uint16_t>{0x1301, 0x1302, 0x1303, 0xC02F, 0x00FF}));
  EXPECT_EQ(f.offered_compression_methods, std::vector<uint8_t>{0});
  EXPECT_EQ(f.sni, "example.com");
  EXPECT_EQ(f.alpn_offered, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(f.offered_groups, (std::vector<uint16_t>{0x001D, 0x0017}));
  EXPECT_EQ(f.client_key_share_groups, std::vector<uint16_t>{0x001D});
  EXPECT_EQ(f.signature_algorithms, (std::vector<uint16_t>{0x0403, 0x0804, 0x0102}));
  EXPECT_EQ(f.client_supported_versions, (std::vector<uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(f.client_extensions, (std::vector<uint16_t>{0x0A0A, 0, 10, 16, 13, 43, 45, 51, 41}));
  EXPECT_TRUE(f.client_ext.server_name);
  EXPECT_TRUE(f.client_ext.pre_shared_key);
  EXPECT_TRUE(f.client_ext.renegotiation_info);  // from the SCSV
  EXPECT_FALSE(f.client_ext.extended_master_secret);
  EXPECT_FALSE(f.client_ext.session_ticket);
  EXPECT_EQ(f.client_psk_identities, 1);
  EXPECT_FALSE(f.server_hello_seen);
}

TEST(ClientHelloDecoder, ASecondHelloReplacesWhatTheFirstOffered) {
  Decoded d;
  testing::decode_into(HelloKind::client, tls13_client_hello(), d);
  std::vector<uint8_t> second =
      handshake(handshake_type::client_hello,
                Builder().u16(0x0303).fill(32, 7).vec8(Builder()).vec16(Builder().u16(0x1301)).vec8(Builder().u8(0)));
  testing::decode_into(HelloKind::client, second, d);
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(d.facts.client_hello_count, 2);
  EXPECT_EQ(d.facts.offered_cipher_suites, std::vector<uint16_t>{0x1301});
  EXPECT_TRUE(d.facts.sni.empty());
  EXPECT_TRUE(d.facts.client_extensions.empty());
  EXPECT_FALSE(d.facts.client_ext.renegotiation_info);
  EXPECT_EQ(d.facts.client_psk_identities, 0);
}

TEST(ClientHelloDecoder, AcceptsAHelloWithoutExtensions) {
  std::vector<uint8_t> message =
      handshake(handshake_type::client_hello,
                Builder().u16(0x0300).fill(32, 1).vec8(Builder()).vec16(Builder().u16(0x000A)).vec8(Builder().u8(0)));
  Decoded d = decode(HelloKind::client, message);
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(at(d.tree, "legacy_version").text, "SSL 3.0");
  EXPECT_FALSE(has(d.tree, "extensions"));
  EXPECT_TRUE(d.facts.client_extensions.empty());
}

// ---- malformed ClientHellos: one case per length field and way of being wrong

struct MalformedCase {
  const char* name;
  Builder body;
  std::string reason;
  uint32_t offset;
};

Builder hello_head() {
  return Builder().u16(0x0303).fill(32, 1);
}
Builder one_suite() {
  return Builder().vec16(Builder().u16(0x1301));
}
Builder null_compression() {
  return Builder().vec8(Builder().u8(0));
}
Builder ems_extension() {
  return Builder().extension(23);
}

std::vector<MalformedCase> malformed_client_hellos() {
  std::vector<MalformedCase> cases;
  // Offsets: header 4, version 2, random 32: the session_id length is at 38.
  cases.push_back({"session id over 32",
                   hello_head().vec8(Builder().fill(33, 0)).raw(one_suite()).raw(null_compression()),
                   "session_id length 33 exceeds the maximum of 32", 38});
  cases.push_back({"session id past the end", hello_head().u8(200).fill(10, 0),
                   "session_id length 200 exceeds the 10 bytes left", 38});
  cases.push_back({"no session id length", hello_head(), "truncated session_id length: needs 1 byte, 0 left", 38});
  cases.push_back({"odd cipher suites",
                   hello_head().u8(0).vec16(Builder().u16(0x1301).u8(0x13)).raw(null_compression()),
                   "cipher_suites length 3 is odd", 39});
  cases.push_back(
      {"empty cipher suites", hello_head().u8(0).u16(0).raw(null_compression()), "cipher_suites is empty", 39});
  cases.push_back({"cipher suites past the end", hello_head().u8(0).u16(40).fill(4, 0),
                   "cipher_suites length 40 exceeds the 4 bytes left", 39});
  cases.push_back({"half a cipher suites length", hello_head().u8(0).u8(0),
                   "truncated cipher_suites length: needs 2 bytes, 1 left", 39});
  cases.push_back(
      {"empty compression methods", hello_head().u8(0).raw(one_suite()).u8(0), "compression_methods is empty", 43});
  cases.push_back({"compression methods past the end", hello_head().u8(0).raw(one_suite()).u8(3).u8(0),
                   "compression_methods length 3 exceeds the 1 byte left", 43});
  Builder fixed = hello_head().u8(0).raw(one_suite()).raw(null_compression());  // ends at 45
  cases.push_back({"one byte of extensions length", Builder(fixed).u8(0),
                   "truncated extensions length: needs 2 bytes, 1 left", 45});
  cases.push_back({"extensions past the end", Builder(fixed).u16(10).raw(ems_extension()),
                   "extensions length 10 exceeds the 4 bytes left", 45});
  cases.push_back({"bytes after the extensions", Builder(fixed).vec16(ems_extension()).u8(0).u8(0),
                   "2 bytes left over after extensions", 51});
  cases.push_back({"extensions length too short", Builder(fixed).u16(2).raw(ems_extension()),
                   "truncated extension header: needs 4 bytes, 2 left", 47});
  cases.push_back({"extension past the block", Builder(fixed).vec16(Builder().u16(0).u16(9).fill(3, 0)),
                   "server_name extension length 9 exceeds the 3 bytes left in extensions", 49});
  cases.push_back({"duplicate extension", Builder(fixed).vec16(Builder(ems_extension()).raw(ems_extension())),
                   "duplicate extension extended_master_secret", 51});
  cases.push_back({"non-empty empty extension", Builder(fixed).vec16(Builder().extension(23, Builder().u8(1))),
                   "the extended_master_secret extension should be empty but has 1 byte", 51});
  cases.push_back({"server name list too long",
                   Builder(fixed).vec16(Builder().extension(0, Builder().u16(9).u8(0).vec16("a"))),
                   "server_name_list length 9 exceeds the 4 bytes left", 51});
  cases.push_back({"bytes after the server name list",
                   Builder(fixed).vec16(Builder().extension(0, Builder().vec16(Builder().u8(0).vec16("a")).u8(9))),
                   "1 byte left over in the server_name extension", 57});
  cases.push_back(
      {"pre_shared_key not last",
       Builder(fixed).vec16(
           Builder()
               .extension(41, Builder().vec16(Builder().vec16("T").u32(0)).vec16(Builder().vec8(Builder().fill(32, 0))))
               .raw(ems_extension())),
       "pre_shared_key is not the last extension", 0});
  return cases;
}

TEST(ClientHelloDecoder, ReportsEachMalformedLength) {
  for (const MalformedCase& c : malformed_client_hellos()) {
    SCOPED_TRACE(c.name);
    std::vector<uint8_t> message = handshake(handshake_type::client_hello, c.body);
    Decoded d = decode(HelloKind::client, message);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.problem->reason, c.reason);
    if (c.offset != 0) {
      EXPECT_EQ(d.problem->offset, c.offset);
    }
    EXPECT_LE(d.problem->offset, message.size());
  }
}

TEST(ClientHelloDecoder, KeepsDecodingAfterAProblemWhereFramingAllows) {
  // An odd cipher_suites length: the extensions after it are still there to read.
  Builder body = hello_head().u8(0).vec16(Builder().u16(0x1301).u8(0x13)).raw(null_compression());
  body.vec16(Builder().extension(0, Builder().vec16(Builder().u8(0).vec16("example.org"))));
  Decoded d = decode(HelloKind::client, handshake(handshake_type::client_hello, body));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.problem->reason, "cipher_suites length 3 is odd");
  EXPECT_EQ(d.facts.sni, "example.org");
  EXPECT_EQ(d.facts.offered_cipher_suites, std::vector<uint16_t>{0x1301});
}

TEST(ClientHelloDecoder, MarksTheExtensionsThatHadProblems) {
  Builder body = hello_head().u8(0).raw(one_suite()).raw(null_compression());
  body.vec16(Builder(ems_extension()).raw(ems_extension()).extension(22, Builder().u8(0)));
  Decoded d = decode(HelloKind::client, handshake(handshake_type::client_hello, body));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.problem->reason, "duplicate extension extended_master_secret");
  const Field& list = at(d.tree, "extensions");
  EXPECT_FALSE(has(list.children[0], "problem"));
  EXPECT_EQ(at(list, "1/problem").text, "duplicate extension extended_master_secret");
  EXPECT_EQ(at(list, "2/problem").text, "the encrypt_then_mac extension should be empty but has 1 byte");
}

TEST(ClientHelloDecoder, ShowsUnknownExtensionsAsData) {
  Builder body = hello_head().u8(0).raw(one_suite()).raw(null_compression());
  body.vec16(Builder().extension(0x1234, Builder().u8(0xDE).u8(0xAD)));
  Decoded d = decode(HelloKind::client, handshake(handshake_type::client_hello, body));
  ASSERT_TRUE(d.ok()) << d.reason();
  const Field* ext = extension(d.tree, 0x1234);
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(at(*ext, "type").text, "");
  EXPECT_EQ(at(*ext, "length").number, 2u);
  EXPECT_EQ(bytes_of(at(*ext, "data")), (std::vector<uint8_t>{0xDE, 0xAD}));
  EXPECT_EQ(at(*ext, "data").show, Show::with_all);
  EXPECT_EQ(d.facts.client_extensions, std::vector<uint16_t>{0x1234});
}

// Every prefix of a valid hello is a truncated hello: each must give a problem within the
// message (never a crash or a read past it: the prefix is its own allocation, for ASan),
// except the prefix that ends right where the optional extensions would begin.
void expect_every_prefix_fails(HelloKind kind, const std::vector<uint8_t>& message, size_t valid_prefix) {
  for (size_t n = 0; n < message.size(); ++n) {
    std::vector<uint8_t> prefix(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(n));
    Decoded d = decode(kind, prefix);
    if (n == valid_prefix) continue;
    ASSERT_FALSE(d.ok()) << "prefix of " << n << " bytes decoded without a problem";
    EXPECT_LE(d.problem->offset, n) << d.problem->reason;
    EXPECT_FALSE(d.problem->reason.empty());
  }
}

TEST(ClientHelloDecoder, EveryTruncationIsAProblem) {
  std::vector<uint8_t> message = tls13_client_hello();
  size_t end_of_compression = 4 + 2 + 32 + 33 + 14 + 2;
  expect_every_prefix_fails(HelloKind::client, message, end_of_compression);
  // The same with the valid prefix: no problem, no extensions.
  std::vector<uint8_t> prefix(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(end_of_compression));
  EXPECT_TRUE(decode(HelloKind::client, prefix).ok());
}

// ---- ServerHello

Builder tls12_server_hello_body(const Builder& random) {
  return Builder()
      .u16(0x0303)
      .raw(random)
      .vec8(Builder().fill(32, 0xBB))
      .u16(0xC02F)
      .u8(0)
      .vec16(Builder()
                 .extension(0xFF01, Builder().vec8(Builder()))
                 .extension(23)
                 .extension(22)
                 .extension(35)
                 .extension(11, Builder().vec8(Builder().u8(0)))
                 .extension(16, Builder().vec16(Builder().vec8("http/1.1"))));
}

TEST(ServerHelloDecoder, DecodesATls12ServerHello) {
  std::vector<uint8_t> message = handshake(handshake_type::server_hello, tls12_server_hello_body(pattern(32, 0x40)));
  Decoded d = decode(HelloKind::server, message);
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(d.tree.key, "server_hello");
  EXPECT_EQ(at(d.tree, "legacy_version").text, "TLS 1.2");
  EXPECT_EQ(bytes_of(at(d.tree, "random")), pattern(32, 0x40).bytes());
  EXPECT_FALSE(has(d.tree, "downgrade_sentinel"));
  EXPECT_EQ(bytes_of(at(d.tree, "session_id")), std::vector<uint8_t>(32, 0xBB));
  const Field& suite = at(d.tree, "cipher_suite");
  EXPECT_EQ(suite.number, 0xC02Fu);
  EXPECT_EQ(suite.text, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suite.offset, 71u);
  EXPECT_EQ(at(d.tree, "compression_method").text, "null");

  const Field* reneg = extension(d.tree, 0xFF01);
  ASSERT_NE(reneg, nullptr);
  EXPECT_EQ(at(*reneg, "type").text, "renegotiation_info");
  EXPECT_EQ(at(*reneg, "renegotiated_connection_length").number, 0u);
  EXPECT_EQ(at(*extension(d.tree, 16), "protocols/0").text, "http/1.1");

  const TlsFacts& f = d.facts;
  EXPECT_TRUE(f.server_hello_seen);
  EXPECT_FALSE(f.hello_retry_request);
  EXPECT_EQ(f.server_legacy_version, 0x0303);
  EXPECT_EQ(f.negotiated_version, 0x0303);
  EXPECT_FALSE(f.tls13());
  EXPECT_EQ(f.cipher_suite, 0xC02F);
  EXPECT_EQ(f.compression_method, 0);
  EXPECT_EQ(std::vector<uint8_t>(f.server_random.begin(), f.server_random.end()), pattern(32, 0x40).bytes());
  EXPECT_EQ(f.server_session_id, std::vector<uint8_t>(32, 0xBB));
  EXPECT_TRUE(f.server_ext.renegotiation_info);
  EXPECT_TRUE(f.server_ext.extended_master_secret);
  EXPECT_TRUE(f.server_ext.encrypt_then_mac);
  EXPECT_TRUE(f.server_ext.session_ticket);
  EXPECT_FALSE(f.server_ext.server_name);
  EXPECT_EQ(f.alpn, "http/1.1");
  EXPECT_EQ(f.server_extensions, (std::vector<uint16_t>{0xFF01, 23, 22, 35, 11, 16}));
  EXPECT_TRUE(f.client_extensions.empty());
}

TEST(ServerHelloDecoder, RecognisesTheDowngradeSentinels) {
  struct Case {
    uint8_t last;
    const char* meaning;
  };
  for (Case c : {Case{0x01, "TLS 1.2"}, Case{0x00, "TLS 1.1 or below"}, Case{0x02, nullptr}}) {
    SCOPED_TRACE(c.last);
    Builder random = Builder().fill(24, 0x55).raw("DOWNGRD").u8(c.last);
    Decoded d = decode(HelloKind::server, handshake(handshake_type::server_hello, tls12_server_hello_body(random)));
    ASSERT_TRUE(d.ok()) << d.reason();
    if (c.meaning == nullptr) {
      EXPECT_FALSE(has(d.tree, "downgrade_sentinel"));
      continue;
    }
    const Field& sentinel = at(d.tree, "downgrade_sentinel");
    EXPECT_EQ(sentinel.text, c.meaning);
    EXPECT_EQ(sentinel.offset, 6u + 24u);
    EXPECT_EQ(sentinel.length, 8u);
  }
}

TEST(ServerHelloDecoder, AcceptsAServerHelloWithoutExtensions) {
  Decoded d = decode(HelloKind::server, handshake(handshake_type::server_hello,
                                                  Builder().u16(0x0301).fill(32, 3).vec8(Builder()).u16(0x002F).u8(0)));
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(d.facts.negotiated_version, 0x0301);
  EXPECT_EQ(at(d.tree, "cipher_suite").text, "TLS_RSA_WITH_AES_128_CBC_SHA");
  EXPECT_FALSE(has(d.tree, "extensions"));
}

constexpr char kHelloRetryRandomHex[] = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

std::vector<uint8_t> hello_retry_request() {
  Builder random;
  for (uint8_t b : from_hex(kHelloRetryRandomHex)) random.u8(b);
  return handshake(handshake_type::server_hello, Builder()
                                                     .u16(0x0303)
                                                     .raw(random)
                                                     .vec8(Builder().fill(32, 0xAA))
                                                     .u16(0x1301)
                                                     .u8(0)
                                                     .vec16(Builder()
                                                                .extension(43, Builder().u16(0x0304))
                                                                .extension(51, Builder().u16(0x0017))
                                                                .extension(44, Builder().vec16("cookie!"))));
}

std::vector<uint8_t> tls13_server_hello() {
  return handshake(handshake_type::server_hello,
                   Builder()
                       .u16(0x0303)
                       .raw(pattern(32, 0x80))
                       .vec8(Builder().fill(32, 0xAA))
                       .u16(0x1301)
                       .u8(0)
                       .vec16(Builder()
                                  .extension(43, Builder().u16(0x0304))
                                  .extension(51, Builder().u16(0x0017).vec16(Builder().fill(65, 0x04)))
                                  .extension(41, Builder().u16(0))));
}

TEST(ServerHelloDecoder, DecodesAHelloRetryRequest) {
  Decoded d = decode(HelloKind::server, hello_retry_request());
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(d.tree.key, "hello_retry_request");
  EXPECT_EQ(at(*extension(d.tree, 43), "selected_version").text, "TLS 1.3");
  const Field& group = at(*extension(d.tree, 51), "selected_group");
  EXPECT_EQ(group.number, 0x0017u);
  EXPECT_EQ(group.text, "secp256r1");
  const Field* cookie = extension(d.tree, 44);
  ASSERT_NE(cookie, nullptr);
  EXPECT_EQ(at(*cookie, "cookie_length").number, 7u);
  EXPECT_EQ(bytes_of(at(*cookie, "cookie")), text_bytes("cookie!"));
  EXPECT_EQ(at(*cookie, "cookie").show, Show::with_all);

  const TlsFacts& f = d.facts;
  EXPECT_TRUE(f.hello_retry_request);
  EXPECT_FALSE(f.server_hello_seen);
  EXPECT_EQ(f.hrr_selected_group, 0x0017);
  EXPECT_EQ(f.negotiated_version, 0x0304);
  EXPECT_EQ(f.cipher_suite, 0x1301);
  EXPECT_EQ(f.server_random, (std::array<uint8_t, 32>{}));  // the HRR random is not a random
  EXPECT_EQ(f.key_exchange_group, 0);
}

TEST(ServerHelloDecoder, TheServerHelloAfterARetryReplacesItsExtensions) {
  Decoded d;
  testing::decode_into(HelloKind::server, hello_retry_request(), d);
  ASSERT_TRUE(d.ok()) << d.reason();
  testing::decode_into(HelloKind::server, tls13_server_hello(), d);
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(d.tree.key, "server_hello");
  const Field* share = extension(d.tree, 51);
  ASSERT_NE(share, nullptr);
  EXPECT_EQ(at(*share, "group").text, "secp256r1");
  EXPECT_EQ(at(*share, "key_exchange_length").number, 65u);
  EXPECT_EQ(at(*share, "key_exchange").show, Show::with_all);
  EXPECT_EQ(at(*extension(d.tree, 41), "selected_identity").number, 0u);

  const TlsFacts& f = d.facts;
  EXPECT_TRUE(f.hello_retry_request);
  EXPECT_EQ(f.hrr_selected_group, 0x0017);
  EXPECT_TRUE(f.server_hello_seen);
  EXPECT_TRUE(f.tls13());
  EXPECT_EQ(f.server_legacy_version, 0x0303);
  EXPECT_EQ(f.key_exchange_group, 0x0017);
  EXPECT_EQ(f.psk_selected_identity, std::optional<uint16_t>(0));
  EXPECT_TRUE(f.server_ext.pre_shared_key);
  EXPECT_EQ(f.server_extensions, (std::vector<uint16_t>{43, 51, 41}));
}

TEST(ServerHelloDecoder, ReportsMalformedLengths) {
  struct Case {
    const char* name;
    Builder body;
    std::string reason;
  };
  Builder head = Builder().u16(0x0303).fill(32, 9);
  std::vector<Case> cases = {
      {"session id over 32", Builder(head).vec8(Builder().fill(40, 0)).u16(0x1301).u8(0),
       "session_id length 40 exceeds the maximum of 32"},
      {"no cipher suite", Builder(head).vec8(Builder()).u8(0x13), "truncated cipher_suite: needs 2 bytes, 1 left"},
      {"no compression method", Builder(head).vec8(Builder()).u16(0x1301),
       "truncated compression_method: needs 1 byte, 0 left"},
      {"trailing bytes", Builder(head).vec8(Builder()).u16(0x1301).u8(0).vec16(Builder().extension(23)).u8(1),
       "1 byte left over after extensions"},
      {"selected_version cut",
       Builder(head).vec8(Builder()).u16(0x1301).u8(0).vec16(Builder().extension(43, Builder().u8(3))),
       "truncated selected_version: needs 2 bytes, 1 left"},
      {"two ALPN protocols",
       Builder(head).vec8(Builder()).u16(0x1301).u8(0).vec16(
           Builder().extension(16, Builder().vec16(Builder().vec8("h2").vec8("h3")))),
       "the server's protocol_name_list has 2 names instead of one"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Decoded d = decode(HelloKind::server, handshake(handshake_type::server_hello, c.body));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.problem->reason, c.reason);
  }
}

TEST(ServerHelloDecoder, EveryTruncationIsAProblem) {
  std::vector<uint8_t> tls12 = handshake(handshake_type::server_hello, tls12_server_hello_body(pattern(32, 0x40)));
  expect_every_prefix_fails(HelloKind::server, tls12, 4 + 2 + 32 + 33 + 2 + 1);
  std::vector<uint8_t> hrr = hello_retry_request();
  expect_every_prefix_fails(HelloKind::server, hrr, 4 + 2 + 32 + 33 + 2 + 1);
  std::vector<uint8_t> tls13 = tls13_server_hello();
  expect_every_prefix_fails(HelloKind::server, tls13, 4 + 2 + 32 + 33 + 2 + 1);
}

// ---- SSLv2-compatible ClientHello

std::vector<uint8_t> sslv2_record(const Builder& body) {
  return Builder().u16(static_cast<uint16_t>(0x8000 | body.size())).raw(body).bytes();
}

Builder sslv2_hello_body(size_t challenge_length) {
  Builder specs = Builder().u8(0x01).u16(0x0080).u8(0x00).u16(0x002F).u8(0x00).u16(0x00FF);
  return Builder()
      .u8(1)
      .u16(0x0301)
      .u16(static_cast<uint16_t>(specs.size()))
      .u16(0)
      .u16(static_cast<uint16_t>(challenge_length))
      .raw(specs)
      .raw(pattern(challenge_length, 1));
}

TEST(Sslv2ClientHelloDecoder, DecodesTheRecord) {
  std::vector<uint8_t> record = sslv2_record(sslv2_hello_body(16));
  Decoded d = decode(HelloKind::sslv2, record);
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(at(d.tree, "record_length").number, record.size() - 2);
  EXPECT_EQ(at(d.tree, "record_length").show, Show::with_all);
  EXPECT_EQ(at(d.tree, "msg_type").number, 1u);
  EXPECT_EQ(at(d.tree, "version").text, "TLS 1.0");
  EXPECT_EQ(at(d.tree, "cipher_specs_length").number, 9u);
  EXPECT_EQ(at(d.tree, "challenge_length").number, 16u);
  const Field& specs = at(d.tree, "cipher_specs");
  ASSERT_EQ(specs.children.size(), 3u);
  EXPECT_EQ(specs.children[0].number, 0x010080u);
  EXPECT_EQ(specs.children[0].text, "SSL_CK_RC4_128_WITH_MD5");
  EXPECT_EQ(specs.children[0].offset, 11u);
  EXPECT_EQ(specs.children[0].length, 3u);
  EXPECT_EQ(specs.children[1].text, "TLS_RSA_WITH_AES_128_CBC_SHA");
  EXPECT_EQ(specs.children[2].text, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_EQ(bytes_of(at(d.tree, "challenge")), pattern(16, 1).bytes());
  EXPECT_TRUE(bytes_of(at(d.tree, "session_id")).empty());

  const TlsFacts& f = d.facts;
  EXPECT_TRUE(f.client_hello_seen);
  EXPECT_TRUE(f.sslv2_client_hello);
  EXPECT_EQ(f.client_legacy_version, 0x0301);
  EXPECT_EQ(f.offered_cipher_suites, (std::vector<uint16_t>{0x002F, 0x00FF}));
  EXPECT_TRUE(f.client_ext.renegotiation_info);
  // RFC 5246 E.2: the 16-byte challenge right-aligned in the 32-byte random.
  std::vector<uint8_t> expected_random(16, 0);
  Builder challenge = pattern(16, 1);
  expected_random.insert(expected_random.end(), challenge.bytes().begin(), challenge.bytes().end());
  EXPECT_EQ(std::vector<uint8_t>(f.client_random.begin(), f.client_random.end()), expected_random);
}

TEST(Sslv2ClientHelloDecoder, A32ByteChallengeIsTheWholeRandom) {
  Decoded d = decode(HelloKind::sslv2, sslv2_record(sslv2_hello_body(32)));
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(std::vector<uint8_t>(d.facts.client_random.begin(), d.facts.client_random.end()), pattern(32, 1).bytes());
}

TEST(Sslv2ClientHelloDecoder, ReportsMalformedRecords) {
  struct Case {
    const char* name;
    std::vector<uint8_t> record;
    std::string reason;
  };
  std::vector<uint8_t> good = sslv2_record(sslv2_hello_body(16));
  std::vector<uint8_t> extra = good;
  extra.push_back(0);
  std::vector<uint8_t> three_byte_header = good;
  three_byte_header[0] &= 0x7F;
  Builder odd_specs = Builder().u8(1).u16(0x0301).u16(4).u16(0).u16(16).fill(4, 0).fill(16, 1);
  Builder short_challenge = Builder().u8(1).u16(0x0301).u16(3).u16(0).u16(8).u8(0).u16(0x2F).fill(8, 1);
  Builder bad_session = Builder().u8(1).u16(0x0301).u16(3).u16(5).u16(16).u8(0).u16(0x2F).fill(5, 0).fill(16, 1);
  Builder server_hello = Builder().u8(4).fill(10, 0);
  Builder lengths_past_end = Builder().u8(1).u16(0x0301).u16(30).u16(0).u16(16).fill(5, 0);
  std::vector<Case> cases = {
      {"record length past the end", std::vector<uint8_t>(good.begin(), good.end() - 1),
       "SSLv2 record length 34 exceeds the 33 bytes present"},
      {"bytes after the record", extra, "1 byte left over after the SSLv2 record"},
      {"3-byte header", three_byte_header, "not an SSLv2 record with a 2-byte header"},
      {"cipher specs not a multiple of 3", sslv2_record(odd_specs), "cipher_specs length 4 is not a multiple of 3"},
      {"challenge too short", sslv2_record(short_challenge), "challenge length 8 is outside 16..32"},
      {"session id of 5", sslv2_record(bad_session), "session_id length 5 is neither 0 nor 16"},
      {"not a client hello", sslv2_record(server_hello), "SSLv2 message type 4 is not CLIENT-HELLO"},
      {"cipher specs past the end", sslv2_record(lengths_past_end), "truncated cipher_specs: needs 30 bytes, 5 left"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Decoded d = decode(HelloKind::sslv2, c.record);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.problem->reason, c.reason);
  }
}

TEST(Sslv2ClientHelloDecoder, EveryTruncationIsAProblem) {
  expect_every_prefix_fails(HelloKind::sslv2, sslv2_record(sslv2_hello_body(16)), SIZE_MAX);
}

// ---- a real ClientHello: Python's ssl (OpenSSL 3.0) in captures/tls13-aes128gcm.pcap, frame 4,
// extracted with `tshark -r captures/tls13-aes128gcm.pcap -Y tls.handshake.type==1 -T fields
// -e tcp.payload` (the 5-byte record header removed).
constexpr char kCapturedClientHello[] =
    "010000f50303d4cb8de0be3931cfbec68c9020d49add05fc12e235ed4b7a3d651780e2652461209444df4a0642831436c36cc8"
    "98bb647952a251c03dc88d2f3423d5f184cc16960004130100ff010000a80000000e000c0000096c6f63616c686f7374000b00"
    "0403000102000a00160014001d0017001e0019001801000101010201030104002300000010000b000908687474702f312e3100"
    "16000000170000000d001e001c040305030603080708080809080a080b080408050806040105010601002b0003020304002d00"
    "020101003300260024001d0020424acd7c3c67f76f0c90a7bf709957826e86ab076ef1fa030632a4049b5d1d64";

TEST(ClientHelloDecoder, DecodesARealClientHello) {
  std::vector<uint8_t> message = from_hex(kCapturedClientHello);
  ASSERT_EQ(message.size(), 4u + 245u);
  Decoded d = decode(HelloKind::client, message);
  ASSERT_TRUE(d.ok()) << d.reason();
  const TlsFacts& f = d.facts;
  EXPECT_EQ(f.sni, "localhost");
  EXPECT_EQ(f.alpn_offered, std::vector<std::string>{"http/1.1"});
  EXPECT_EQ(f.offered_cipher_suites, (std::vector<uint16_t>{0x1301, 0x00FF}));
  EXPECT_EQ(at(d.tree, "cipher_suites/0").text, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(at(d.tree, "cipher_suites/1").text, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_EQ(f.client_supported_versions, std::vector<uint16_t>{0x0304});
  EXPECT_EQ(f.client_key_share_groups, std::vector<uint16_t>{0x001D});
  EXPECT_EQ(f.offered_groups.size(), 10u);
  EXPECT_EQ(f.signature_algorithms.size(), 14u);
  EXPECT_EQ(f.client_extensions, (std::vector<uint16_t>{0, 11, 10, 35, 16, 22, 23, 13, 43, 45, 51}));
  EXPECT_TRUE(f.client_ext.session_ticket);
  EXPECT_FALSE(f.client_ticket_nonempty);
  EXPECT_TRUE(f.client_ext.extended_master_secret);
  EXPECT_TRUE(f.client_ext.encrypt_then_mac);
  EXPECT_TRUE(f.client_ext.renegotiation_info);
  EXPECT_EQ(at(*extension(d.tree, 11), "ec_point_formats/1").text, "ansiX962_compressed_prime");
  EXPECT_EQ(at(*extension(d.tree, 0), "server_name_list/0/host_name").text, "localhost");
}

TEST(ClientHelloDecoder, EveryTruncationOfTheRealHelloIsAProblem) {
  std::vector<uint8_t> message = from_hex(kCapturedClientHello);
  expect_every_prefix_fails(HelloKind::client, message, 4 + 2 + 32 + 33 + 6 + 2);
}

}  // namespace
}  // namespace tlslens::tls
