// Certificate (TLS 1.2 and 1.3 forms) and CompressedCertificate: a real chain from
// captures/tls12-mtls.pcap, an unparseable certificate inside a valid message, the chains
// recorded in TlsFacts, zlib/zstd decompression, and the malformed-length sweeps.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

#include "core/tls/handshake_decoders.h"
#include "tests/unit/tls_message_builder.h"

namespace tlslens::tls {
namespace {

using namespace tlslens::tls::test;
namespace ht = handshake_type;

constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

// The server's Certificate message of captures/tls12-mtls.pcap (frame 7): server.pem
// (CN=localhost) then intermediate.pem (CN=tlslens Test Intermediate CA).
const std::vector<uint8_t> kServerCertificateMessage = from_hex(
    "0b0007290007260003aa308203a63082028ea00302010202023001300d06092a864886f70d01010b0500304b310b30090603"
    "5504061302585831153013060355040a0c0c746c736c656e7320746573743125302306035504030c1c746c736c656e732054"
    "65737420496e7465726d6564696174652043413020170d3234303130313030303030305a180f323132343031303130303030"
    "30305a3038310b300906035504061302585831153013060355040a0c0c746c736c656e732074657374311230100603550403"
    "0c096c6f63616c686f737430820122300d06092a864886f70d01010105000382010f003082010a0282010100b2fa21f29d93"
    "6b623df8e04ee1d685317f4e1ca41b3e21fd61afc320a877c5d398eba3c6ccbff4dbff206297eb7cd28cf3b2605ccb5afc52"
    "57bce4f003f1924cab171040ddf63c6e1f6a8c738cf704140841f5e8f0ec3c83d002302f4c344068fab5b54bb706dd9c9c66"
    "62ac444e9ca52e203075b4384c78148f696f0174fe7006e64c1f05d29972cdcca7042843e42283be4f8d991dbd20d6e653d3"
    "bb1dee07263f207af50bdc342ced62f6f64647f50c4cef8944f57c56f2b2a4abcbcdeff026aac83585e2e34f6760eae1379d"
    "342f480faa7e360346089232653db6572487c97ccf027654b5dbb6ad7dea01ff731e89d6d34cc8f3cd63048bb958f4ad031f"
    "0203010001a381a43081a1300c0603551d130101ff04023000301d0603551d0e04160414f50dffdfac454149bbba1ec9dea4"
    "03d9e04cff60300e0603551d0f0101ff0404030205a0301f0603551d230418301680147786aa55fd70bc848b75e0a6abfb5c"
    "d6451aa92830130603551d25040c300a06082b06010505070301302c0603551d110425302382096c6f63616c686f73748704"
    "7f000001871000000000000000000000000000000001300d06092a864886f70d01010b0500038201010044d991ff4963711f"
    "707ee39aeb5a458ee6a3856a1adcf7c1dd55a1f3e83a907be6059b290f0eedf441e005c32fb4a632fb3b0beb41183b863cb9"
    "300247d7ee1dac805f0c6f097850fc447e41a73c6f12561801ec4e03dd0599c542d0745a7814bffeea9a8d4d7a8d240f8fa0"
    "884c517fdbab355ecd9f62cc1059e2bedd55106828fa64b9abe03dd0595220fe4aff15d4ecf784ec78f20025a31be2068279"
    "3cd86372c791d9be1ec1cf28d18dcd3668b6326aad2736b2c3c39b643dad72e38c482a68160c59dac4927225837416f3766b"
    "3e9947f62ca2d74d57f46d0a0e18e8165fbb4c9a83f0501f177ff48fffe50c42eaef5efdb7b722ee425317f3e9edbc3e0003"
    "76308203723082025aa00302010202022001300d06092a864886f70d01010b05003043310b30090603550406130258583115"
    "3013060355040a0c0c746c736c656e732074657374311d301b06035504030c14746c736c656e73205465737420526f6f7420"
    "43413020170d3234303130313030303030305a180f32313234303130313030303030305a304b310b30090603550406130258"
    "5831153013060355040a0c0c746c736c656e7320746573743125302306035504030c1c746c736c656e73205465737420496e"
    "7465726d65646961746520434130820122300d06092a864886f70d01010105000382010f003082010a0282010100ce2f4f22"
    "ed83ee1ac679064472764557902a3bdc8be5bb58a72979e52dd98ac846f03bce4014ad4264905f2881605a05e6dff74d3304"
    "199a55742edda3734852f2bd281c687fef2ba0b14a90744969d9a747ce9b9e994675ca095375aa7bf13debed875cfcf9c889"
    "b318958b429187b47f2c23749a57ecc2146281638874b5b90cce0b98692cb9efb12f3319312e9707d056679e594b488df57f"
    "229c973a474e2be2ae04fa8a7e8834a19576a1eedf511056d6d6275952c2d0464e76c8daf18e0dabe15dc874686929d4772f"
    "7264e814cc511896771eee46b45ceba109cad7e1e670d84c737baca39ff6eb78c2d3851d95fbc9b90c039319f4f31caf62d4"
    "48990203010001a366306430120603551d130101ff040830060101ff020100301d0603551d0e041604147786aa55fd70bc84"
    "8b75e0a6abfb5cd6451aa928300e0603551d0f0101ff040403020186301f0603551d23041830168014472b4bedddafdcc840"
    "c4719a0a05a340c43e0f54300d06092a864886f70d01010b050003820101005d5da2803adfc8b2a37c8f009db1cc1345ba1a"
    "75cfa56f526aeab35bd18c47a5ef14acd8436ea7dd47ea17c1ee5800a9edbbec5f1bec02136a77114306a3e59d1fafe1f655"
    "17afb981abc5b44df5c4548a8ca211b92523f3036f2002f6d65ef8a23a95968d985d70cba621d1bd0408f5dc2d9c8372c968"
    "c90415161b1a45ccacfd552e4239104079822c0bf3a05620eb8827672b9a50e3b35f094ad45aac8af2030c60a1fbf65ed384"
    "30bc9aa7f2100a01c1319a12e5634aa42cb7798f59d599d00f3cefece342776aef84bbe22f276acab2ffaeab174f78691612"
    "92595af70a1cf119ae8b7d6e275fe44def0905eb7710885d3e28945ed5c2b557761c287784");

// The DER certificates of a TLS 1.2 Certificate message, read without the decoder.
std::vector<std::vector<uint8_t>> certificates_of(const std::vector<uint8_t>& message) {
  std::vector<std::vector<uint8_t>> out;
  size_t at = 4 + 3;
  while (at + 3 <= message.size()) {
    size_t length = size_t{message[at]} << 16 | size_t{message[at + 1]} << 8 | message[at + 2];
    out.emplace_back(message.begin() + at + 3, message.begin() + at + 3 + length);
    at += 3 + length;
  }
  return out;
}

const std::vector<uint8_t>& leaf_der() {
  static const std::vector<uint8_t> der = certificates_of(kServerCertificateMessage).at(0);
  return der;
}
const std::vector<uint8_t>& intermediate_der() {
  static const std::vector<uint8_t> der = certificates_of(kServerCertificateMessage).at(1);
  return der;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A TLS 1.3 Certificate body: empty context, each certificate with no extensions.
std::vector<uint8_t> tls13_certificate_body() {
  Body entries = Body().vec24(leaf_der()).u16(0).vec24(intermediate_der()).u16(0);
  return Body().vec8({}).vec24(entries);
}

// ---- TLS 1.2 form ------------------------------------------------------------------------

TEST(CertificateMessageTest, RealServerChainFromTheMtlsCapture) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  Decoded d = decode_message(kServerCertificateMessage, facts, Direction::server_to_client);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "certificate");
  const Field& list = child(d.tree, "certificate_list");
  EXPECT_EQ(list.kind, FieldKind::list);
  EXPECT_EQ(list.offset, 4u);
  EXPECT_EQ(list.length, kServerCertificateMessage.size() - 4);
  ASSERT_EQ(list.children.size(), 2u);

  const Field& leaf = list.children[0];
  EXPECT_EQ(leaf.key, "certificate");
  EXPECT_TRUE(contains(child(leaf, "subject").text, "CN=localhost")) << child(leaf, "subject").text;
  EXPECT_TRUE(contains(child(leaf, "issuer").text, "CN=tlslens Test Intermediate CA")) << child(leaf, "issuer").text;
  EXPECT_EQ(located(leaf, kServerCertificateMessage), leaf_der());
  EXPECT_EQ(bytes_of(child(leaf, "der")), leaf_der());
  EXPECT_EQ(child(leaf, "der").show, Show::with_all);
  // The describer's fields know no offsets; they are placed over the certificate.
  EXPECT_EQ(child(leaf, "subject").offset, leaf.offset);
  EXPECT_EQ(child(leaf, "subject").length, leaf.length);

  const Field& intermediate = list.children[1];
  EXPECT_TRUE(contains(child(intermediate, "subject").text, "CN=tlslens Test Intermediate CA"));
  EXPECT_TRUE(contains(child(intermediate, "issuer").text, "CN=tlslens Test Root CA"));
  EXPECT_EQ(located(intermediate, kServerCertificateMessage), intermediate_der());

  EXPECT_EQ(facts.certificate_messages, 1);
  ASSERT_EQ(facts.server_chain.size(), 2u);
  EXPECT_EQ(facts.server_chain[0], leaf_der());
  EXPECT_EQ(facts.server_chain[1], intermediate_der());
  EXPECT_TRUE(facts.client_chain.empty());
}

TEST(CertificateMessageTest, ClientChainGoesToTheClientFacts) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  facts.certificate_request_seen = true;
  Decoded d = decode_message(kServerCertificateMessage, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem);
  EXPECT_EQ(facts.client_chain.size(), 2u);
  EXPECT_TRUE(facts.server_chain.empty());
  EXPECT_FALSE(facts.client_certificate_empty);
}

TEST(CertificateMessageTest, EmptyClientCertificate) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  Decoded d = decode_message(handshake(ht::certificate, Body().u24(0)), facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem);
  EXPECT_TRUE(child(d.tree, "certificate_list").children.empty());
  EXPECT_TRUE(facts.client_certificate_empty);
  EXPECT_EQ(facts.certificate_messages, 1);
}

TEST(CertificateMessageTest, UnparseableCertificateDoesNotStopTheMessage) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  std::vector<uint8_t> junk = {0x30, 0x03, 0x02, 0x01, 0x05};
  std::vector<uint8_t> message = handshake(ht::certificate, Body().vec24(Body().vec24(junk).vec24(leaf_der())));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  const Field& list = child(d.tree, "certificate_list");
  ASSERT_EQ(list.children.size(), 2u);
  EXPECT_FALSE(child(list.children[0], "parse_error").text.empty());
  EXPECT_EQ(located(list.children[0], message), junk);
  EXPECT_TRUE(contains(child(list.children[1], "subject").text, "CN=localhost"));
  ASSERT_EQ(facts.server_chain.size(), 2u);
  EXPECT_EQ(facts.server_chain[0], junk);
}

TEST(CertificateMessageTest, LengthProblemsNameTheField) {
  TlsFacts facts = negotiated(kTls12);
  Decoded over = decode_message(handshake(ht::certificate, Body().u24(10).u24(400).raw(filled(7, 0))), facts);
  ASSERT_TRUE(over.problem);
  EXPECT_EQ(over.problem->offset, 7u);
  EXPECT_EQ(over.problem->reason, "certificate length 400 exceeds the 7 bytes left");

  Decoded empty_cert = decode_message(handshake(ht::certificate, Body().u24(3).u24(0)), facts);
  ASSERT_TRUE(empty_cert.problem);
  EXPECT_EQ(empty_cert.problem->reason, "empty certificate in certificate_list");
}

TEST(CertificateMessageTest, EveryMalformationOfTheRealMessageIsReported) {
  expect_every_malformation_reported(kServerCertificateMessage, negotiated(kTls12, 0xC02F));
}

// ---- TLS 1.3 form ------------------------------------------------------------------------

TEST(CertificateMessageTest, Tls13EntriesCarryExtensions) {
  TlsFacts facts = negotiated(kTls13, 0x1302);
  Body entries = Body().vec24(leaf_der()).vec16(Body().u16(18).vec16({})).vec24(intermediate_der()).u16(0);
  std::vector<uint8_t> message = handshake(ht::certificate, Body().vec8({}).vec24(entries));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_TRUE(child(d.tree, "certificate_request_context").bytes.empty());
  const Field& list = child(d.tree, "certificate_list");
  ASSERT_EQ(list.children.size(), 2u);
  EXPECT_TRUE(contains(child(list.children[0], "subject").text, "CN=localhost"));
  EXPECT_EQ(located(list.children[0], message), leaf_der());
  ASSERT_EQ(child(list.children[0], "extensions").children.size(), 1u);
  EXPECT_EQ(child(child(list.children[0], "extensions").children[0], "type").number, 18u);
  EXPECT_TRUE(child(list.children[1], "extensions").children.empty());
  EXPECT_EQ(facts.server_chain.size(), 2u);
  expect_every_malformation_reported(message, negotiated(kTls13, 0x1302));
}

TEST(CertificateMessageTest, Tls13RequestContextIsShown) {
  TlsFacts facts = negotiated(kTls13);
  std::vector<uint8_t> message = handshake(ht::certificate, Body().vec8({7, 7}).u24(0));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(bytes_of(child(d.tree, "certificate_request_context")), (std::vector<uint8_t>{7, 7}));
  EXPECT_TRUE(facts.client_certificate_empty);
}

// ---- CompressedCertificate ---------------------------------------------------------------

std::vector<uint8_t> zlib_compress(const std::vector<uint8_t>& plain) {
  uLongf size = compressBound(static_cast<uLong>(plain.size()));
  std::vector<uint8_t> out(size);
  EXPECT_EQ(compress2(out.data(), &size, plain.data(), static_cast<uLong>(plain.size()), 9), Z_OK);
  out.resize(size);
  return out;
}

std::vector<uint8_t> zstd_compress(const std::vector<uint8_t>& plain) {
  std::vector<uint8_t> out(ZSTD_compressBound(plain.size()));
  size_t size = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

std::vector<uint8_t> compressed_certificate(uint16_t algorithm, uint32_t uncompressed_length,
                                            const std::vector<uint8_t>& compressed) {
  return handshake(ht::compressed_certificate, Body().u16(algorithm).u24(uncompressed_length).vec24(compressed));
}

void expect_inside_range(const Field& f, uint32_t offset, uint32_t length) {
  EXPECT_EQ(f.offset, offset) << f.key;
  EXPECT_EQ(f.length, length) << f.key;
  EXPECT_NE(f.kind, FieldKind::bytes) << f.key << " would point into a freed buffer";
  for (const Field& c : f.children) expect_inside_range(c, offset, length);
}

TEST(CompressedCertificateMessageTest, ZlibChainIsDecoded) {
  const std::vector<uint8_t> plain = tls13_certificate_body();
  const std::vector<uint8_t> compressed = zlib_compress(plain);
  std::vector<uint8_t> message = compressed_certificate(1, static_cast<uint32_t>(plain.size()), compressed);
  TlsFacts facts = negotiated(kTls13, 0x1301);
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "compressed_certificate");
  EXPECT_EQ(child(d.tree, "algorithm").number, 1u);
  EXPECT_EQ(child(d.tree, "algorithm").text, "zlib");
  EXPECT_EQ(child(d.tree, "uncompressed_length").number, plain.size());
  EXPECT_EQ(child(d.tree, "compressed_length").number, compressed.size());
  EXPECT_EQ(located(child(d.tree, "compressed_certificate_message"), message), compressed);

  const Field& certificate = child(d.tree, "certificate");
  const Field& list = child(certificate, "certificate_list");
  ASSERT_EQ(list.children.size(), 2u);
  EXPECT_TRUE(contains(child(list.children[0], "subject").text, "CN=localhost"));
  EXPECT_TRUE(contains(child(list.children[1], "subject").text, "CN=tlslens Test Intermediate CA"));
  // Byte fields of the decompressed tree are kept as hex text, placed over the compressed bytes.
  EXPECT_EQ(child(list.children[0], "der").text.size(), leaf_der().size() * 2);
  expect_inside_range(certificate, 12, static_cast<uint32_t>(compressed.size()));

  EXPECT_EQ(facts.certificate_messages, 1);
  ASSERT_EQ(facts.server_chain.size(), 2u);
  EXPECT_EQ(facts.server_chain[0], leaf_der());
  expect_every_malformation_reported(message, negotiated(kTls13, 0x1301));
}

TEST(CompressedCertificateMessageTest, ZstdChainIsDecoded) {
  const std::vector<uint8_t> plain = tls13_certificate_body();
  TlsFacts facts = negotiated(kTls13);
  Decoded d =
      decode_message(compressed_certificate(3, static_cast<uint32_t>(plain.size()), zstd_compress(plain)), facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "algorithm").text, "zstd");
  EXPECT_EQ(child(child(d.tree, "certificate"), "certificate_list").children.size(), 2u);
  EXPECT_EQ(facts.server_chain.size(), 2u);
}

TEST(CompressedCertificateMessageTest, BrotliIsSaidNotDecoded) {
  TlsFacts facts = negotiated(kTls13);
  Decoded d = decode_message(compressed_certificate(2, 100, {1, 2, 3}), facts);
  EXPECT_FALSE(d.problem);
  EXPECT_EQ(child(d.tree, "decompression_error").text, "brotli not supported");
  EXPECT_EQ(d.tree.find("certificate"), nullptr);
}

TEST(CompressedCertificateMessageTest, BadDataAndWrongLengthsAreProblems) {
  const std::vector<uint8_t> plain = tls13_certificate_body();
  const std::vector<uint8_t> compressed = zlib_compress(plain);
  const auto size = static_cast<uint32_t>(plain.size());
  TlsFacts facts = negotiated(kTls13);

  Decoded corrupt = decode_message(compressed_certificate(1, size, {0xDE, 0xAD, 0xBE, 0xEF}), facts);
  ASSERT_TRUE(corrupt.problem);
  EXPECT_EQ(corrupt.problem->offset, 12u);
  EXPECT_TRUE(contains(corrupt.problem->reason, "zlib decompression failed")) << corrupt.problem->reason;

  Decoded small = decode_message(compressed_certificate(1, size - 1, compressed), facts);
  ASSERT_TRUE(small.problem);
  EXPECT_EQ(small.problem->reason,
            "zlib data decompresses to more than uncompressed_length " + std::to_string(size - 1));

  Decoded large = decode_message(compressed_certificate(1, size + 1, compressed), facts);
  ASSERT_TRUE(large.problem);
  EXPECT_EQ(large.problem->offset, 6u);
  EXPECT_EQ(large.problem->reason, "uncompressed_length " + std::to_string(size + 1) +
                                       " but the data decompresses to " + std::to_string(size) + " bytes");

  Decoded zero = decode_message(compressed_certificate(1, 0, compressed), facts);
  ASSERT_TRUE(zero.problem);

  // A Certificate that decompresses fine but is malformed inside.
  std::vector<uint8_t> broken = plain;
  broken.pop_back();
  Decoded inner =
      decode_message(compressed_certificate(1, static_cast<uint32_t>(broken.size()), zlib_compress(broken)), facts);
  ASSERT_TRUE(inner.problem);
  EXPECT_TRUE(contains(inner.problem->reason, "in the decompressed Certificate at offset")) << inner.problem->reason;
}

}  // namespace
}  // namespace tlslens::tls
