// Extension decoding (decode_extensions): each extension in the form each message gives it,
// the facts it records, its malformed lengths, and every truncation of every extension.
// Blocks are decoded on their own, so offsets are relative to the block: the first
// extension's type is at 2, its length at 4, its data at 6.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/tls/handshake_decoders.h"
#include "hello_test_builder.h"

namespace tlslens::tls {
namespace {

using testing::at;
using testing::Builder;
using testing::bytes_of;
using testing::decode_block;
using testing::Decoded;
using testing::extension;
using testing::has;

namespace ht = handshake_type;

std::vector<uint8_t> block_of(const Builder& extensions) {
  return Builder().vec16(extensions).bytes();
}

// Decodes a block holding the one extension and returns it (with the facts and the problem).
struct One {
  Decoded decoded;
  const Field& ext() const { return at(decoded.tree, "extensions/0"); }
};

One decode_one(uint8_t handshake_type, uint16_t type, const Builder& data,
               Direction dir = Direction::client_to_server) {
  return One{decode_block(handshake_type, block_of(Builder().extension(type, data)), dir)};
}

std::vector<uint8_t> text_bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

// ---- the block

TEST(ExtensionBlock, DecodesTypeLengthAndLocation) {
  One one = decode_one(ht::client_hello, 23, Builder());
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.decoded.tree, "extensions_length").number, 4u);
  EXPECT_EQ(at(one.decoded.tree, "extensions_length").show, Show::with_all);
  const Field& ext = one.ext();
  EXPECT_EQ(ext.key, "extension");
  EXPECT_EQ(ext.offset, 2u);
  EXPECT_EQ(ext.length, 4u);
  EXPECT_EQ(at(ext, "type").text, "extended_master_secret");
  EXPECT_EQ(at(ext, "type").number, 23u);
  EXPECT_EQ(at(ext, "type").offset, 2u);
  EXPECT_EQ(at(ext, "length").offset, 4u);
  EXPECT_EQ(at(ext, "length").show, Show::with_all);
}

TEST(ExtensionBlock, NamesGreaseAndShowsUnknownData) {
  Decoded d = decode_block(ht::client_hello, block_of(Builder()
                                                          .extension(0x1A1A, Builder().u8(0))
                                                          .extension(0xBEEF, Builder().u16(0x0102))
                                                          .extension(57, Builder().fill(5, 9))));
  ASSERT_TRUE(d.ok()) << d.reason();
  EXPECT_EQ(at(d.tree, "extensions/0/type").text, "GREASE");
  EXPECT_EQ(bytes_of(at(d.tree, "extensions/0/data")), std::vector<uint8_t>{0});
  EXPECT_EQ(at(d.tree, "extensions/1/type").text, "");
  EXPECT_EQ(bytes_of(at(d.tree, "extensions/1/data")), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(at(d.tree, "extensions/1/data").offset, 2u + 5u + 4u);
  EXPECT_EQ(at(d.tree, "extensions/2/type").text, "quic_transport_parameters");
  EXPECT_EQ(at(d.tree, "extensions/2/data").show, Show::with_all);
  EXPECT_EQ(d.facts.client_extensions, (std::vector<uint16_t>{0x1A1A, 0xBEEF, 57}));
}

TEST(ExtensionBlock, ReportsDuplicatesInAnyMessage) {
  Decoded d =
      decode_block(ht::encrypted_extensions, block_of(Builder().extension(0xBEEF).extension(0).extension(0xBEEF)),
                   Direction::server_to_client);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.problem->reason, "duplicate extension 0xbeef");
  EXPECT_EQ(d.problem->offset, 10u);
}

TEST(ExtensionBlock, RecordsWhichMessageSawWhat) {
  Builder exts =
      Builder().extension(0).extension(23).extension(15, Builder().u8(1)).extension(28, Builder().u16(16385));
  Decoded client = decode_block(ht::client_hello, block_of(exts));
  EXPECT_TRUE(client.facts.client_ext.server_name);
  EXPECT_TRUE(client.facts.client_ext.extended_master_secret);
  EXPECT_TRUE(client.facts.client_ext.heartbeat);
  EXPECT_TRUE(client.facts.client_ext.record_size_limit);
  EXPECT_FALSE(client.facts.server_ext.server_name);
  EXPECT_EQ(client.facts.client_extensions, (std::vector<uint16_t>{0, 23, 15, 28}));

  // EncryptedExtensions answers for the server, but the order list is the ServerHello's.
  Decoded ee = decode_block(ht::encrypted_extensions, block_of(exts), Direction::server_to_client);
  EXPECT_TRUE(ee.facts.server_ext.server_name);
  EXPECT_TRUE(ee.facts.server_ext.record_size_limit);
  EXPECT_TRUE(ee.facts.server_extensions.empty());
  EXPECT_TRUE(ee.facts.client_extensions.empty());

  Decoded certificate = decode_block(ht::certificate, block_of(Builder().extension(5)), Direction::server_to_client);
  EXPECT_FALSE(certificate.facts.server_ext.status_request);
}

// ---- extensions from TLS 1.2 and before

TEST(ServerNameExtension, DecodesEveryNameAndRecordsTheFirstHostName) {
  Builder list = Builder().u8(0).vec16("a.example").u8(7).vec16("xyz").u8(0).vec16("b.example");
  One one = decode_one(ht::client_hello, 0, Builder().vec16(list));
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "server_name_list_length").number, list.size());
  EXPECT_EQ(at(one.ext(), "server_name_list/0/host_name").text, "a.example");
  EXPECT_EQ(at(one.ext(), "server_name_list/0/host_name").offset, 6u + 2u + 3u);
  EXPECT_EQ(at(one.ext(), "server_name_list/0/name_length").number, 9u);
  EXPECT_EQ(at(one.ext(), "server_name_list/1/name_type").number, 7u);
  EXPECT_EQ(bytes_of(at(one.ext(), "server_name_list/1/name")), text_bytes("xyz"));
  EXPECT_EQ(at(one.ext(), "server_name_list/2/host_name").text, "b.example");
  EXPECT_EQ(one.decoded.facts.sni, "a.example");
}

TEST(ServerNameExtension, EscapesBytesThatAreNotPrintable) {
  One one = decode_one(ht::client_hello, 0, Builder().vec16(Builder().u8(0).vec16(std::string_view("a\0b\\\xff", 5))));
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "server_name_list/0/host_name").text, "a\\x00b\\x5c\\xff");
  EXPECT_EQ(one.decoded.facts.sni, std::string("a\0b\\\xff", 5));  // as sent
}

TEST(ServerNameExtension, IsEmptyFromTheServerAndNotEmptyFromTheClient) {
  One server = decode_one(ht::server_hello, 0, Builder(), Direction::server_to_client);
  EXPECT_TRUE(server.decoded.ok());
  EXPECT_EQ(server.ext().children.size(), 2u);  // type and length
  One empty_list = decode_one(ht::client_hello, 0, Builder().u16(0));
  ASSERT_FALSE(empty_list.decoded.ok());
  EXPECT_EQ(empty_list.decoded.problem->reason, "server_name_list is empty");
  One empty_name = decode_one(ht::client_hello, 0, Builder().vec16(Builder().u8(0).u16(0)));
  ASSERT_FALSE(empty_name.decoded.ok());
  EXPECT_EQ(empty_name.decoded.problem->reason, "host_name is empty");
  EXPECT_EQ(at(empty_name.ext(), "problem").text, "host_name is empty");
}

TEST(SupportedGroupsExtension, ListsGroupsAndRecordsTheOffer) {
  One one =
      decode_one(ht::client_hello, 10, Builder().vec16(Builder().u16(0x4A4A).u16(0x11EC).u16(0x001D).u16(0x0100)));
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "named_group_list_length").number, 8u);
  EXPECT_EQ(at(one.ext(), "groups/0").text, "GREASE");
  EXPECT_EQ(at(one.ext(), "groups/1").text, "X25519MLKEM768");
  EXPECT_EQ(at(one.ext(), "groups/3").text, "ffdhe2048");
  EXPECT_EQ(at(one.ext(), "groups/3").key, "group");
  EXPECT_EQ(one.decoded.facts.offered_groups, (std::vector<uint16_t>{0x11EC, 0x001D, 0x0100}));

  One server =
      decode_one(ht::encrypted_extensions, 10, Builder().vec16(Builder().u16(0x001D)), Direction::server_to_client);
  EXPECT_TRUE(server.decoded.ok());
  EXPECT_TRUE(server.decoded.facts.offered_groups.empty());

  One odd = decode_one(ht::client_hello, 10, Builder().vec16(Builder().u16(0x001D).u8(0)));
  ASSERT_FALSE(odd.decoded.ok());
  EXPECT_EQ(odd.decoded.problem->reason, "named_group_list length 3 is odd");
  EXPECT_EQ(odd.decoded.problem->offset, 6u);
}

TEST(EcPointFormatsExtension, ListsFormats) {
  One one = decode_one(ht::server_hello, 11, Builder().vec8(Builder().u8(0).u8(1).u8(2)), Direction::server_to_client);
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "ec_point_formats/0").text, "uncompressed");
  EXPECT_EQ(at(one.ext(), "ec_point_formats/2").text, "ansiX962_compressed_char2");
  One empty = decode_one(ht::client_hello, 11, Builder().u8(0));
  EXPECT_EQ(empty.decoded.reason(), "ec_point_format_list is empty");
}

TEST(SignatureAlgorithmsExtension, NamesSchemesAndTls12Pairs) {
  One one =
      decode_one(ht::client_hello, 13, Builder().vec16(Builder().u16(0x0807).u16(0x0102).u16(0xFE77).u16(0x0A0A)));
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "signature_algorithms/0").text, "ed25519");
  EXPECT_EQ(at(one.ext(), "signature_algorithms/1").text, "md5+dsa");
  EXPECT_EQ(at(one.ext(), "signature_algorithms/2").text, "");
  EXPECT_EQ(at(one.ext(), "signature_algorithms/3").text, "GREASE");
  EXPECT_EQ(one.decoded.facts.signature_algorithms, (std::vector<uint16_t>{0x0807, 0x0102, 0xFE77}));

  One cert = decode_one(ht::client_hello, 50, Builder().vec16(Builder().u16(0x0401)));
  ASSERT_TRUE(cert.decoded.ok()) << cert.decoded.reason();
  EXPECT_EQ(at(cert.ext(), "type").text, "signature_algorithms_cert");
  EXPECT_EQ(at(cert.ext(), "signature_algorithms/0").text, "rsa_pkcs1_sha256");
  EXPECT_TRUE(cert.decoded.facts.signature_algorithms.empty());

  One request =
      decode_one(ht::certificate_request, 13, Builder().vec16(Builder().u16(0x0804)), Direction::server_to_client);
  EXPECT_TRUE(request.decoded.ok());
  EXPECT_TRUE(request.decoded.facts.signature_algorithms.empty());
}

TEST(AlpnExtension, ListsTheOfferAndRecordsTheSelection) {
  One offer =
      decode_one(ht::client_hello, 16, Builder().vec16(Builder().vec8("h2").vec8(std::string_view("x\x01y", 3))));
  ASSERT_TRUE(offer.decoded.ok()) << offer.decoded.reason();
  EXPECT_EQ(at(offer.ext(), "protocols/0").text, "h2");
  EXPECT_EQ(at(offer.ext(), "protocols/0").offset, 9u);  // the name, after its length byte
  EXPECT_EQ(at(offer.ext(), "protocols/0").length, 2u);
  EXPECT_EQ(at(offer.ext(), "protocols/1").text, "x\\x01y");
  EXPECT_EQ(offer.decoded.facts.alpn_offered, (std::vector<std::string>{"h2", std::string("x\x01y", 3)}));

  One selected =
      decode_one(ht::encrypted_extensions, 16, Builder().vec16(Builder().vec8("h2")), Direction::server_to_client);
  ASSERT_TRUE(selected.decoded.ok()) << selected.decoded.reason();
  EXPECT_EQ(selected.decoded.facts.alpn, "h2");

  One empty_name = decode_one(ht::client_hello, 16, Builder().vec16(Builder().vec8("h2").u8(0)));
  EXPECT_EQ(empty_name.decoded.reason(), "protocol_name is empty");
  One name_too_long = decode_one(ht::client_hello, 16, Builder().vec16(Builder().u8(5).raw("h2")));
  EXPECT_EQ(name_too_long.decoded.reason(), "protocol_name length 5 exceeds the 2 bytes left");
}

TEST(SmallExtensions, DecodeTheirOneValue) {
  One mfl = decode_one(ht::client_hello, 1, Builder().u8(2));
  EXPECT_EQ(at(mfl.ext(), "max_fragment_length").text, "2^10");
  One heartbeat = decode_one(ht::server_hello, 15, Builder().u8(1), Direction::server_to_client);
  EXPECT_EQ(at(heartbeat.ext(), "mode").text, "peer_allowed_to_send");
  EXPECT_TRUE(heartbeat.decoded.facts.server_ext.heartbeat);
  One limit = decode_one(ht::client_hello, 28, Builder().u16(16385));
  EXPECT_EQ(at(limit.ext(), "record_size_limit").number, 16385u);
  One truncated_limit = decode_one(ht::client_hello, 28, Builder().u8(1));
  EXPECT_EQ(truncated_limit.decoded.reason(), "truncated record_size_limit: needs 2 bytes, 1 left");
  One too_long = decode_one(ht::client_hello, 1, Builder().u8(2).u8(0));
  EXPECT_EQ(too_long.decoded.reason(), "1 byte left over in the max_fragment_length extension");
  One pha = decode_one(ht::client_hello, 49, Builder());
  EXPECT_TRUE(pha.decoded.ok());
  EXPECT_TRUE(pha.decoded.facts.client_ext.post_handshake_auth);
  One compress = decode_one(ht::client_hello, 27, Builder().vec8(Builder().u16(2).u16(1)));
  EXPECT_EQ(at(compress.ext(), "algorithms/0").text, "brotli");
  EXPECT_EQ(at(compress.ext(), "algorithms/1").text, "zlib");
  One odd_compress = decode_one(ht::client_hello, 27, Builder().vec8(Builder().u16(2).u8(1)));
  EXPECT_EQ(odd_compress.decoded.reason(), "algorithms length 3 is odd");
}

TEST(RenegotiationInfoExtension, ShowsTheLengthAndHidesTheBytes) {
  One first = decode_one(ht::client_hello, 0xFF01, Builder().u8(0));
  ASSERT_TRUE(first.decoded.ok());
  EXPECT_EQ(at(first.ext(), "renegotiated_connection_length").number, 0u);
  EXPECT_EQ(at(first.ext(), "renegotiated_connection_length").show, Show::always);
  EXPECT_FALSE(has(first.ext(), "renegotiated_connection"));
  EXPECT_TRUE(first.decoded.facts.client_ext.renegotiation_info);

  One renegotiating =
      decode_one(ht::server_hello, 0xFF01, Builder().vec8(Builder().fill(24, 0x5A)), Direction::server_to_client);
  ASSERT_TRUE(renegotiating.decoded.ok());
  EXPECT_EQ(at(renegotiating.ext(), "renegotiated_connection_length").number, 24u);
  EXPECT_EQ(bytes_of(at(renegotiating.ext(), "renegotiated_connection")), std::vector<uint8_t>(24, 0x5A));
  EXPECT_EQ(at(renegotiating.ext(), "renegotiated_connection").show, Show::with_all);
  EXPECT_TRUE(renegotiating.decoded.facts.server_ext.renegotiation_info);

  One missing = decode_one(ht::client_hello, 0xFF01, Builder());
  EXPECT_EQ(missing.decoded.reason(), "truncated renegotiated_connection length: needs 1 byte, 0 left");
}

TEST(SessionTicketExtension, RecordsWhetherTheClientSentATicket) {
  One asking = decode_one(ht::client_hello, 35, Builder());
  EXPECT_TRUE(asking.decoded.facts.client_ext.session_ticket);
  EXPECT_FALSE(asking.decoded.facts.client_ticket_nonempty);
  One resuming = decode_one(ht::client_hello, 35, Builder().fill(100, 7));
  ASSERT_TRUE(resuming.decoded.ok());
  EXPECT_TRUE(resuming.decoded.facts.client_ticket_nonempty);
  EXPECT_EQ(at(resuming.ext(), "ticket_length").number, 100u);
  EXPECT_EQ(at(resuming.ext(), "ticket").show, Show::with_all);
  EXPECT_EQ(at(resuming.ext(), "ticket").offset, 6u);
}

TEST(PaddingExtension, NotesNonZeroPadding) {
  One zeros = decode_one(ht::client_hello, 21, Builder().fill(10, 0));
  ASSERT_TRUE(zeros.decoded.ok());
  EXPECT_EQ(at(zeros.ext(), "padding").show, Show::with_all);
  EXPECT_FALSE(has(zeros.ext(), "non_zero_padding"));
  One not_zeros = decode_one(ht::client_hello, 21, Builder().fill(3, 0).u8(1));
  ASSERT_TRUE(not_zeros.decoded.ok());
  EXPECT_EQ(at(not_zeros.ext(), "non_zero_padding").number, 1u);
}

TEST(EmptyExtensions, ReportBytes) {
  for (uint16_t type : {22, 23, 49}) {
    SCOPED_TRACE(type);
    One one = decode_one(ht::client_hello, type, Builder().u16(0));
    ASSERT_FALSE(one.decoded.ok());
    EXPECT_EQ(one.decoded.problem->offset, 6u);
    EXPECT_EQ(bytes_of(at(one.ext(), "data")), (std::vector<uint8_t>{0, 0}));
  }
}

TEST(StatusRequestExtension, DecodesTheRequestTheAckAndTheStapledResponse) {
  Builder request = Builder()
                        .u8(1)
                        .vec16(Builder().vec16(Builder().fill(3, 0xAB)).vec16(Builder().u8(1)))
                        .vec16(Builder().u16(0x3000));
  One ch = decode_one(ht::client_hello, 5, request);
  ASSERT_TRUE(ch.decoded.ok()) << ch.decoded.reason();
  EXPECT_EQ(at(ch.ext(), "status_type").text, "ocsp");
  EXPECT_EQ(at(ch.ext(), "responder_ids").children.size(), 2u);
  EXPECT_EQ(bytes_of(at(ch.ext(), "responder_ids/0")), std::vector<uint8_t>(3, 0xAB));
  EXPECT_EQ(bytes_of(at(ch.ext(), "request_extensions")), (std::vector<uint8_t>{0x30, 0x00}));
  EXPECT_TRUE(ch.decoded.facts.client_ext.status_request);

  One sh = decode_one(ht::server_hello, 5, Builder(), Direction::server_to_client);
  EXPECT_TRUE(sh.decoded.ok());
  EXPECT_TRUE(sh.decoded.facts.server_ext.status_request);

  One entry =
      decode_one(ht::certificate, 5, Builder().u8(1).vec24(Builder().fill(300, 0x30)), Direction::server_to_client);
  ASSERT_TRUE(entry.decoded.ok()) << entry.decoded.reason();
  EXPECT_EQ(at(entry.ext(), "ocsp_response_length").number, 300u);
  const Field& response = at(entry.ext(), "ocsp_response");  // described by describe_ocsp_response
  EXPECT_EQ(response.kind, FieldKind::group);
  EXPECT_EQ(response.offset, 10u);
  EXPECT_EQ(response.length, 300u);
  EXPECT_TRUE(has(response, "parse_error"));  // 300 bytes of 0x30 are not an OCSPResponse
  EXPECT_TRUE(entry.decoded.facts.ocsp_staple_seen);

  One cut = decode_one(ht::certificate, 5, Builder().u8(1).u24(301).fill(300, 0x30), Direction::server_to_client);
  EXPECT_EQ(cut.decoded.reason(), "ocsp_response length 301 exceeds the 300 bytes left");
  EXPECT_FALSE(cut.decoded.facts.ocsp_staple_seen);
}

TEST(StatusRequestV2Extension, ListsTheRequests) {
  Builder items = Builder().u8(2).vec16(Builder().u32(0)).u8(1).vec16(Builder());
  One one = decode_one(ht::client_hello, 17, Builder().vec16(items));
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "requests/0/status_type").text, "ocsp_multi");
  EXPECT_EQ(at(one.ext(), "requests/0/request_length").number, 4u);
  EXPECT_EQ(at(one.ext(), "requests/1/status_type").text, "ocsp");
}

Builder one_sct() {
  return Builder()
      .u8(0)
      .fill(32, 0xC1)
      .u64(1700000000123ull)
      .vec16(Builder())
      .u16(0x0403)
      .vec16(Builder().fill(70, 0x30));
}

TEST(SignedCertificateTimestampExtension, DecodesEachSct) {
  One ch = decode_one(ht::client_hello, 18, Builder());
  EXPECT_TRUE(ch.decoded.ok());
  EXPECT_TRUE(ch.decoded.facts.client_ext.signed_certificate_timestamp);

  One sh = decode_one(ht::server_hello, 18, Builder().vec16(Builder().vec16(one_sct()).vec16(Builder().u8(1).u8(2))),
                      Direction::server_to_client);
  ASSERT_TRUE(sh.decoded.ok()) << sh.decoded.reason();
  EXPECT_EQ(at(sh.ext(), "sct_count").number, 2u);
  const Field& sct = at(sh.ext(), "scts/0");
  EXPECT_EQ(at(sct, "version").text, "v1");
  std::string log_id;
  for (int i = 0; i < 32; ++i) log_id += "c1";
  EXPECT_EQ(at(sct, "log_id").text, log_id);
  EXPECT_EQ(at(sct, "log_id").offset, 6u + 2u + 2u + 1u);
  EXPECT_EQ(at(sct, "timestamp").number, 1700000000123ull);
  EXPECT_EQ(at(sct, "time").text.view().substr(0, 23), "2023-11-14 22:13:20.123");
  EXPECT_EQ(at(sct, "signature_algorithm").text, "ecdsa_secp256r1_sha256");
  EXPECT_EQ(at(sct, "signature_length").number, 70u);
  EXPECT_EQ(at(sct, "signature").show, Show::with_all);
  EXPECT_EQ(at(sh.ext(), "scts/1/version").number, 1u);
  EXPECT_EQ(bytes_of(at(sh.ext(), "scts/1/data")), std::vector<uint8_t>{2});
  EXPECT_TRUE(sh.decoded.facts.server_ext.signed_certificate_timestamp);

  Builder long_sct = one_sct().u8(0);
  One trailing =
      decode_one(ht::certificate, 18, Builder().vec16(Builder().vec16(long_sct)), Direction::server_to_client);
  EXPECT_EQ(trailing.decoded.reason(), "1 byte left over after the SCT");
}

TEST(MiscellaneousExtensions, DecodeTheirFields) {
  One npn_client = decode_one(ht::client_hello, 13172, Builder());
  EXPECT_TRUE(npn_client.decoded.ok());
  One npn_server =
      decode_one(ht::server_hello, 13172, Builder().vec8("spdy/3").vec8("http/1.1"), Direction::server_to_client);
  ASSERT_TRUE(npn_server.decoded.ok());
  EXPECT_EQ(at(npn_server.ext(), "protocols/1").text, "http/1.1");

  One alps = decode_one(ht::client_hello, 17513, Builder().vec16(Builder().vec8("h2")));
  ASSERT_TRUE(alps.decoded.ok());
  EXPECT_EQ(at(alps.ext(), "type").text, "application_settings_old");
  EXPECT_EQ(at(alps.ext(), "protocols/0").text, "h2");
  One alps_settings = decode_one(ht::encrypted_extensions, 17613, Builder().fill(6, 1), Direction::server_to_client);
  EXPECT_EQ(bytes_of(at(alps_settings.ext(), "settings")), std::vector<uint8_t>(6, 1));

  One token_binding = decode_one(ht::client_hello, 24, Builder().u8(0).u8(13).vec8(Builder().u8(2).u8(0)));
  ASSERT_TRUE(token_binding.decoded.ok());
  EXPECT_EQ(at(token_binding.ext(), "token_binding_version").text, "0.13");
  EXPECT_EQ(at(token_binding.ext(), "key_parameters/0").text, "ecdsap256");

  One cid = decode_one(ht::server_hello, 54, Builder().vec8(Builder().fill(4, 0xC0)), Direction::server_to_client);
  EXPECT_EQ(at(cid.ext(), "connection_id_length").number, 4u);
  EXPECT_EQ(bytes_of(at(cid.ext(), "connection_id")), std::vector<uint8_t>(4, 0xC0));

  One tickets = decode_one(ht::client_hello, 58, Builder().u8(2).u8(1));
  EXPECT_EQ(at(tickets.ext(), "new_session_count").number, 2u);
  EXPECT_EQ(at(tickets.ext(), "resumption_count").number, 1u);
  One expected = decode_one(ht::encrypted_extensions, 58, Builder().u8(3), Direction::server_to_client);
  EXPECT_EQ(at(expected.ext(), "expected_count").number, 3u);

  One srtp = decode_one(ht::client_hello, 14, Builder().vec16(Builder().u16(1).u16(7)).vec8(Builder().u8(9)));
  ASSERT_TRUE(srtp.decoded.ok()) << srtp.decoded.reason();
  EXPECT_EQ(at(srtp.ext(), "protection_profiles/0").text, "SRTP_AES128_CM_HMAC_SHA1_80");
  EXPECT_EQ(at(srtp.ext(), "protection_profiles/1").text, "SRTP_AEAD_AES_128_GCM");
  EXPECT_EQ(bytes_of(at(srtp.ext(), "srtp_mki")), std::vector<uint8_t>{9});

  One srp = decode_one(ht::client_hello, 12, Builder().vec8("alice"));
  EXPECT_EQ(at(srp.ext(), "srp_identity").text, "alice");

  One types = decode_one(ht::client_hello, 20, Builder().vec8(Builder().u8(2).u8(0)));
  EXPECT_EQ(at(types.ext(), "certificate_types/0").text, "RawPublicKey");
  EXPECT_EQ(at(types.ext(), "certificate_types/1").text, "X509");
  One type = decode_one(ht::encrypted_extensions, 20, Builder().u8(2), Direction::server_to_client);
  EXPECT_EQ(at(type.ext(), "certificate_type").text, "RawPublicKey");

  One dc = decode_one(ht::client_hello, 34, Builder().vec16(Builder().u16(0x0403)));
  EXPECT_EQ(at(dc.ext(), "signature_algorithms/0").text, "ecdsa_secp256r1_sha256");
  Builder credential =
      Builder().u32(3600).u16(0x0807).vec24(Builder().fill(44, 3)).u16(0x0403).vec16(Builder().fill(70, 4));
  One dc_entry = decode_one(ht::certificate, 34, credential, Direction::server_to_client);
  ASSERT_TRUE(dc_entry.decoded.ok()) << dc_entry.decoded.reason();
  EXPECT_EQ(at(dc_entry.ext(), "valid_time").number, 3600u);
  EXPECT_EQ(at(dc_entry.ext(), "dc_cert_verify_algorithm").text, "ed25519");
  EXPECT_EQ(at(dc_entry.ext(), "public_key_length").number, 44u);
  EXPECT_EQ(at(dc_entry.ext(), "algorithm").text, "ecdsa_secp256r1_sha256");
}

// DER of the Name "CN=Test CA".
const Builder kTestCaName = {0x30, 0x12, 0x31, 0x10, 0x30, 0x0E, 0x06, 0x03, 0x55, 0x04,
                             0x03, 0x0C, 0x07, 'T',  'e',  's',  't',  ' ',  'C',  'A'};

TEST(CertificateAuthoritiesExtension, NamesEachAuthority) {
  One one = decode_one(ht::certificate_request, 47,
                       Builder().vec16(Builder().vec16(kTestCaName).vec16(Builder().u8(1).u8(2).u8(3))),
                       Direction::server_to_client);
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "count").number, 2u);
  EXPECT_EQ(at(one.ext(), "authorities/0/name").text, "CN=Test CA");
  EXPECT_EQ(at(one.ext(), "authorities/0/name_length").number, kTestCaName.size());
  EXPECT_EQ(bytes_of(at(one.ext(), "authorities/0/der")), kTestCaName.bytes());
  EXPECT_EQ(at(one.ext(), "authorities/0/der").show, Show::with_all);
  EXPECT_FALSE(has(at(one.ext(), "authorities/1"), "name"));  // not DER
  EXPECT_EQ(bytes_of(at(one.ext(), "authorities/1/der")), (std::vector<uint8_t>{1, 2, 3}));
}

TEST(OidFiltersExtension, NamesTheOid) {
  One one =
      decode_one(ht::certificate_request, 48,
                 Builder().vec16(Builder().vec8(Builder().u8(0x55).u8(0x1D).u8(0x25)).vec16(Builder().u16(0x3000))),
                 Direction::server_to_client);
  ASSERT_TRUE(one.decoded.ok()) << one.decoded.reason();
  EXPECT_EQ(at(one.ext(), "filters/0/oid").text, "2.5.29.37 (X509v3 Extended Key Usage)");
  EXPECT_EQ(bytes_of(at(one.ext(), "filters/0/values")), (std::vector<uint8_t>{0x30, 0x00}));
}

// ---- TLS 1.3

TEST(SupportedVersionsExtension, HasAClientAndAServerForm) {
  One ch = decode_one(ht::client_hello, 43, Builder().vec8(Builder().u16(0xDADA).u16(0x0304).u16(0x7F1C)));
  ASSERT_TRUE(ch.decoded.ok()) << ch.decoded.reason();
  EXPECT_EQ(at(ch.ext(), "versions/0").text, "GREASE");
  EXPECT_EQ(at(ch.ext(), "versions/2").text, "TLS 1.3 (draft 28)");
  EXPECT_EQ(ch.decoded.facts.client_supported_versions, (std::vector<uint16_t>{0x0304, 0x7F1C}));

  One sh = decode_one(ht::server_hello, 43, Builder().u16(0x0304), Direction::server_to_client);
  EXPECT_EQ(at(sh.ext(), "selected_version").text, "TLS 1.3");
  EXPECT_EQ(sh.decoded.facts.negotiated_version, 0x0304);

  EXPECT_EQ(decode_one(ht::client_hello, 43, Builder().u8(0)).decoded.reason(), "versions is empty");
  EXPECT_EQ(decode_one(ht::client_hello, 43, Builder().vec8(Builder().u16(0x0304).u8(3))).decoded.reason(),
            "versions length 3 is odd");
  EXPECT_EQ(decode_one(ht::server_hello, 43, Builder().u16(0x0304).u8(0)).decoded.reason(),
            "1 byte left over in the supported_versions extension");
}

TEST(KeyShareExtension, HasAFormPerMessage) {
  One ch = decode_one(
      ht::client_hello, 51,
      Builder().vec16(Builder().u16(0x001D).vec16(Builder().fill(32, 1)).u16(0x0017).vec16(Builder().fill(65, 4))));
  ASSERT_TRUE(ch.decoded.ok()) << ch.decoded.reason();
  EXPECT_EQ(at(ch.ext(), "client_shares_length").show, Show::with_all);
  EXPECT_EQ(at(ch.ext(), "client_shares/1/group").text, "secp256r1");
  EXPECT_EQ(at(ch.ext(), "client_shares/1/key_exchange_length").number, 65u);
  EXPECT_EQ(at(ch.ext(), "client_shares/0/key_exchange").offset, 12u);
  EXPECT_EQ(ch.decoded.facts.client_key_share_groups, (std::vector<uint16_t>{0x001D, 0x0017}));

  One empty_offer = decode_one(ht::client_hello, 51, Builder().u16(0));  // asks for an HRR
  EXPECT_TRUE(empty_offer.decoded.ok());

  One sh =
      decode_one(ht::server_hello, 51, Builder().u16(0x001D).vec16(Builder().fill(32, 2)), Direction::server_to_client);
  ASSERT_TRUE(sh.decoded.ok());
  EXPECT_EQ(at(sh.ext(), "group").text, "x25519");
  EXPECT_EQ(sh.decoded.facts.key_exchange_group, 0x001D);

  One hrr = decode_one(ht::hello_retry_request, 51, Builder().u16(0x0018), Direction::server_to_client);
  EXPECT_EQ(at(hrr.ext(), "selected_group").text, "secp384r1");
  EXPECT_EQ(hrr.decoded.facts.hrr_selected_group, 0x0018);

  One empty_key = decode_one(ht::client_hello, 51, Builder().vec16(Builder().u16(0x001D).u16(0)));
  EXPECT_EQ(empty_key.decoded.reason(), "key_exchange is empty");
  One cut = decode_one(ht::client_hello, 51, Builder().vec16(Builder().u16(0x001D).u16(32).fill(8, 0)));
  EXPECT_EQ(cut.decoded.reason(), "key_exchange length 32 exceeds the 8 bytes left");
}

TEST(PskKeyExchangeModesExtension, ListsModes) {
  One one = decode_one(ht::client_hello, 45, Builder().vec8(Builder().u8(0x2A).u8(0).u8(1)));
  ASSERT_TRUE(one.decoded.ok());
  EXPECT_EQ(at(one.ext(), "ke_modes/0").text, "GREASE");
  EXPECT_EQ(at(one.ext(), "ke_modes/1").text, "psk_ke");
  EXPECT_EQ(at(one.ext(), "ke_modes/2").text, "psk_dhe_ke");
}

Builder offered_psks(int identities, int binders, size_t binder_length = 32) {
  Builder ids;
  for (int i = 0; i < identities; ++i) ids.vec16(Builder().fill(16, static_cast<uint8_t>(i))).u32(1000);
  Builder list;
  for (int i = 0; i < binders; ++i) list.vec8(Builder().fill(binder_length, 0xB0));
  return Builder().vec16(ids).vec16(list);
}

TEST(PreSharedKeyExtension, DecodesTheOfferAndTheSelection) {
  One ch = decode_one(ht::client_hello, 41, offered_psks(2, 2));
  ASSERT_TRUE(ch.decoded.ok()) << ch.decoded.reason();
  EXPECT_EQ(at(ch.ext(), "identities").children.size(), 2u);
  EXPECT_EQ(at(ch.ext(), "identities/1/identity_length").number, 16u);
  EXPECT_EQ(at(ch.ext(), "identities/1/obfuscated_ticket_age").number, 1000u);
  EXPECT_EQ(at(ch.ext(), "binders").children.size(), 2u);
  EXPECT_EQ(at(ch.ext(), "binders/1").show, Show::with_all);
  EXPECT_EQ(ch.decoded.facts.client_psk_identities, 2);
  EXPECT_TRUE(ch.decoded.facts.client_ext.pre_shared_key);

  One sh = decode_one(ht::server_hello, 41, Builder().u16(1), Direction::server_to_client);
  EXPECT_EQ(at(sh.ext(), "selected_identity").number, 1u);
  EXPECT_EQ(sh.decoded.facts.psk_selected_identity, std::optional<uint16_t>(1));

  EXPECT_EQ(decode_one(ht::client_hello, 41, offered_psks(2, 1)).decoded.reason(),
            "pre_shared_key has 2 identities but 1 binders");
  EXPECT_EQ(decode_one(ht::client_hello, 41, offered_psks(1, 1, 16)).decoded.reason(),
            "binders length 17 is below the minimum of 33");
  EXPECT_EQ(
      decode_one(ht::client_hello, 41, Builder().u16(0).vec16(Builder().vec8(Builder().fill(32, 0)))).decoded.reason(),
      "identities is empty");
}

TEST(EarlyDataExtension, HasAFormPerMessage) {
  One ch = decode_one(ht::client_hello, 42, Builder());
  EXPECT_TRUE(ch.decoded.ok());
  EXPECT_TRUE(ch.decoded.facts.client_ext.early_data);
  One ee = decode_one(ht::encrypted_extensions, 42, Builder(), Direction::server_to_client);
  EXPECT_TRUE(ee.decoded.facts.early_data_accepted);
  EXPECT_TRUE(ee.decoded.facts.server_ext.early_data);
  One nst = decode_one(ht::new_session_ticket, 42, Builder().u32(16384), Direction::server_to_client);
  EXPECT_EQ(at(nst.ext(), "max_early_data_size").number, 16384u);
  EXPECT_FALSE(nst.decoded.facts.early_data_accepted);
  One draft = decode_one(ht::new_session_ticket, 46, Builder().u32(1), Direction::server_to_client);
  EXPECT_EQ(at(draft.ext(), "max_early_data_size").number, 1u);
  EXPECT_EQ(decode_one(ht::client_hello, 42, Builder().u8(0)).decoded.reason(),
            "the early_data extension should be empty but has 1 byte");
  EXPECT_EQ(decode_one(ht::new_session_ticket, 42, Builder().u16(0)).decoded.reason(),
            "truncated max_early_data_size: needs 4 bytes, 2 left");
}

TEST(CookieExtension, ShowsItsLength) {
  One one = decode_one(ht::client_hello, 44, Builder().vec16(Builder().fill(40, 0xCC)));
  ASSERT_TRUE(one.decoded.ok());
  EXPECT_EQ(at(one.ext(), "cookie_length").number, 40u);
  EXPECT_EQ(at(one.ext(), "cookie_length").show, Show::always);
  EXPECT_EQ(at(one.ext(), "cookie").show, Show::with_all);
  EXPECT_EQ(decode_one(ht::client_hello, 44, Builder().u16(0)).decoded.reason(), "cookie is empty");
}

TEST(EncryptedClientHelloExtension, HasAFormPerMessage) {
  Builder outer =
      Builder().u8(0).u16(1).u16(3).u8(0x42).vec16(Builder().fill(32, 0xE0)).vec16(Builder().fill(200, 0xE1));
  One ch = decode_one(ht::client_hello, 0xFE0D, outer);
  ASSERT_TRUE(ch.decoded.ok()) << ch.decoded.reason();
  EXPECT_EQ(at(ch.ext(), "client_hello_type").text, "outer");
  EXPECT_EQ(at(ch.ext(), "kdf_id").text, "HKDF-SHA256");
  EXPECT_EQ(at(ch.ext(), "aead_id").text, "ChaCha20Poly1305");
  EXPECT_EQ(at(ch.ext(), "config_id").number, 0x42u);
  EXPECT_EQ(at(ch.ext(), "enc_length").number, 32u);
  EXPECT_EQ(at(ch.ext(), "payload_length").number, 200u);
  EXPECT_EQ(at(ch.ext(), "payload").show, Show::with_all);
  EXPECT_TRUE(ch.decoded.facts.client_ext.encrypted_client_hello);

  One inner = decode_one(ht::client_hello, 0xFE0D, Builder().u8(1));
  ASSERT_TRUE(inner.decoded.ok());
  EXPECT_EQ(at(inner.ext(), "client_hello_type").text, "inner");

  Builder config = Builder().u16(0xFE0D).vec16(Builder().fill(60, 1));
  One ee = decode_one(ht::encrypted_extensions, 0xFE0D, Builder().vec16(config), Direction::server_to_client);
  ASSERT_TRUE(ee.decoded.ok()) << ee.decoded.reason();
  EXPECT_EQ(at(ee.ext(), "retry_configs_length").number, 64u);
  EXPECT_EQ(at(ee.ext(), "retry_configs/0/version").number, 0xFE0Du);
  EXPECT_EQ(at(ee.ext(), "retry_configs/0/length").number, 60u);

  One hrr = decode_one(ht::hello_retry_request, 0xFE0D, Builder().fill(8, 0xAC), Direction::server_to_client);
  EXPECT_EQ(bytes_of(at(hrr.ext(), "accept_confirmation")), std::vector<uint8_t>(8, 0xAC));

  One no_payload = decode_one(ht::client_hello, 0xFE0D, Builder().u8(0).u16(1).u16(1).u8(0).vec16(Builder()).u16(0));
  EXPECT_EQ(no_payload.decoded.reason(), "payload is empty");

  One outer_exts = decode_one(ht::client_hello, 0xFD00, Builder().vec8(Builder().u16(10).u16(51)));
  EXPECT_EQ(at(outer_exts.ext(), "outer_extensions/1").text, "key_share");
}

// ---- every truncation of every extension

struct Sample {
  uint8_t handshake_type;
  uint16_t type;
  Builder data;
  bool every_cut_fails;         // false when shorter data is also valid (opaque data, padding)
  bool empty_is_valid = false;  // the empty extension is another valid form
};

std::string label(const Sample& s) {
  return "extension " + std::to_string(s.type) + " in message " + std::to_string(s.handshake_type);
}

std::vector<Sample> samples() {
  return {
      {ht::client_hello, 0, Builder().vec16(Builder().u8(0).vec16("example.com")), true, true},
      {ht::client_hello, 1, Builder().u8(1), true},
      {ht::client_hello, 5, Builder().u8(1).vec16(Builder().vec16("id")).vec16(Builder().u8(0)), true, true},
      {ht::certificate, 5, Builder().u8(1).vec24(Builder().fill(5, 1)), true, true},
      {ht::client_hello, 10, Builder().vec16(Builder().u16(29).u16(23)), true},
      {ht::client_hello, 11, Builder().vec8(Builder().u8(0)), true},
      {ht::client_hello, 12, Builder().vec8("bob"), true},
      {ht::client_hello, 13, Builder().vec16(Builder().u16(0x0403)), true},
      {ht::client_hello, 14, Builder().vec16(Builder().u16(1)).vec8(Builder()), true},
      {ht::client_hello, 15, Builder().u8(1), true},
      {ht::client_hello, 16, Builder().vec16(Builder().vec8("h2")), true},
      {ht::client_hello, 17, Builder().vec16(Builder().u8(1).vec16(Builder().u8(0))), true, true},
      {ht::server_hello, 18, Builder().vec16(Builder().vec16(one_sct())), true, true},
      {ht::client_hello, 19, Builder().vec8(Builder().u8(0)), true},
      {ht::server_hello, 20, Builder().u8(0), true},
      {ht::client_hello, 21, Builder().fill(4, 0), false},
      {ht::client_hello, 24, Builder().u16(13).vec8(Builder().u8(2)), true},
      {ht::client_hello, 27, Builder().vec8(Builder().u16(2)), true},
      {ht::client_hello, 28, Builder().u16(0x4000), true},
      {ht::client_hello, 34, Builder().vec16(Builder().u16(0x0403)), true},
      {ht::certificate, 34, Builder().u32(1).u16(0x0807).vec24(Builder().u8(1)).u16(0x0807).vec16(Builder().u8(1)),
       true},
      {ht::client_hello, 35, Builder().fill(3, 1), false},
      {ht::client_hello, 41, offered_psks(1, 1), true},
      {ht::server_hello, 41, Builder().u16(0), true},
      {ht::new_session_ticket, 42, Builder().u32(5), true},
      {ht::client_hello, 43, Builder().vec8(Builder().u16(0x0304)), true},
      {ht::server_hello, 43, Builder().u16(0x0304), true},
      {ht::client_hello, 44, Builder().vec16("c"), true},
      {ht::client_hello, 45, Builder().vec8(Builder().u8(1)), true},
      {ht::certificate_request, 47, Builder().vec16(Builder().vec16(kTestCaName)), true},
      {ht::certificate_request, 48, Builder().vec16(Builder().vec8(Builder().u8(0x55)).vec16(Builder())), true},
      {ht::client_hello, 51, Builder().vec16(Builder().u16(29).vec16(Builder().u8(1))), true},
      {ht::server_hello, 51, Builder().u16(29).vec16(Builder().u8(1)), true},
      {ht::hello_retry_request, 51, Builder().u16(29), true},
      {ht::client_hello, 54, Builder().vec8(Builder().u8(1)), true},
      {ht::client_hello, 58, Builder().u8(1).u8(1), true},
      {ht::server_hello, 13172, Builder().vec8("h2"), true, true},
      {ht::client_hello, 17613, Builder().vec16(Builder().vec8("h2")), true},
      {ht::client_hello, 0xFD00, Builder().vec8(Builder().u16(10)), true},
      {ht::client_hello, 0xFE0D, Builder().u8(0).u16(1).u16(1).u8(0).vec16(Builder()).vec16(Builder().u8(1)), true},
      {ht::encrypted_extensions, 0xFE0D, Builder().vec16(Builder().u16(0xFE0D).vec16(Builder())), true},
      {ht::hello_retry_request, 0xFE0D, Builder().fill(8, 0), true},
      {ht::server_hello, 0xFF01, Builder().vec8(Builder().u8(1)), true},
  };
}

TEST(ExtensionSamples, DecodeWithoutProblems) {
  for (const Sample& s : samples()) {
    SCOPED_TRACE(label(s));
    One one = decode_one(s.handshake_type, s.type, s.data, Direction::server_to_client);
    EXPECT_TRUE(one.decoded.ok()) << one.decoded.reason();
    EXPECT_FALSE(has(one.ext(), "problem"));
  }
}

// Each sample with its data cut short (the lengths around it adjusted, so only the
// extension's own structure is wrong): a problem, inside the block, and no read past the
// data (each block is its own allocation, for ASan).
TEST(ExtensionSamples, EveryCutIsAProblem) {
  for (const Sample& s : samples()) {
    const std::vector<uint8_t>& full = s.data.bytes();
    for (size_t n = 0; n < full.size(); ++n) {
      SCOPED_TRACE(label(s) + " cut to " + std::to_string(n));
      Builder cut;
      for (size_t i = 0; i < n; ++i) cut.u8(full[i]);
      std::vector<uint8_t> block = block_of(Builder().extension(s.type, cut));
      Decoded d = decode_block(s.handshake_type, block, Direction::server_to_client);
      if (d.problem) {
        EXPECT_LE(d.problem->offset, block.size());
      }
      if (s.every_cut_fails && !(n == 0 && s.empty_is_valid)) {
        EXPECT_FALSE(d.ok());
      }
    }
  }
}

// The whole block cut at every byte, in every message form.
TEST(ExtensionSamples, EveryTruncatedBlockIsAProblem) {
  Builder all;
  for (const Sample& s : samples()) all.extension(s.type, s.data);
  std::vector<uint8_t> full = block_of(all);
  for (uint8_t type : {ht::client_hello, ht::server_hello, ht::hello_retry_request, ht::encrypted_extensions,
                       ht::new_session_ticket, ht::certificate, ht::certificate_request}) {
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> block(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      Decoded d = decode_block(type, block, Direction::server_to_client);
      ASSERT_FALSE(d.ok()) << "message type " << int(type) << " cut to " << n;
      EXPECT_LE(d.problem->offset, n);
    }
  }
}

}  // namespace
}  // namespace tlslens::tls
