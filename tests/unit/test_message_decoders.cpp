// Handshake message dispatch and the smaller messages: NewSessionTicket (both forms),
// EncryptedExtensions, Finished, KeyUpdate, CertificateVerify, CertificateStatus (OCSP),
// the empty messages, unknown types; alerts, ChangeCipherSpec and heartbeat (Heartbleed).
// Every message is decoded field by field, then swept for malformed lengths.
#include <gtest/gtest.h>

#include "core/tls/handshake_decoders.h"
#include "core/tls/ocsp.h"
#include "tests/unit/tls_message_builder.h"

namespace tlslens::tls {
namespace {

using namespace tlslens::tls::test;
namespace ht = handshake_type;

constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

// `openssl ocsp` response (responder: the captures' intermediate CA, no certificates
// included) for server.pem (serial 3001, good) and client.pem (serial 4001, revoked
// 2026-01-01 00:00:00, keyCompromise), produced 2026-11-29 17:20:17, valid 7 days.
const std::vector<uint8_t> kOcspResponse = from_hex(
    "308202790a0100a08202723082026e06092b06010505073001010482025f3082025b30820143"
    "a14d304b310b300906035504061302585831153013060355040a0c0c746c736c656e73207465"
    "73743125302306035504030c1c746c736c656e73205465737420496e7465726d656469617465"
    "204341180f32303236313132393137323031375a3081e03063303b300906052b0e03021a0500"
    "041409765643271f873eede61763749dee9c537b7ac804147786aa55fd70bc848b75e0a6abfb"
    "5cd6451aa928020230018000180f32303236313132393137323031375aa011180f3230323631"
    "3230363137323031375a3079303b300906052b0e03021a0500041409765643271f873eede617"
    "63749dee9c537b7ac804147786aa55fd70bc848b75e0a6abfb5cd6451aa92802024001a11618"
    "0f32303236303130313030303030305aa0030a0101180f32303236313132393137323031375a"
    "a011180f32303236313230363137323031375a300d06092a864886f70d01010b050003820101"
    "00a40f8758dfadf506ba7d882e90deb67dc06bb58c33fcdb535f335cdce7c652670b71ab1d0d"
    "bfcdfe45176854abb1b581fbc61d3dda7b608250e6b0550bc1e22dbcb2ce688d456605a9a820"
    "a7c6c682129b89bc550563c864344fe7ab4dadff20ac33369a0303997d400d07d51acda5b185"
    "9a60bc0fe7ac5d36ccb85c632a15e0356bebe0b849a305f2eab66c89437e44d31aa15972b8bf"
    "53e41248eeb16b4c3a16df899c5e009dc82e7754119d5c44d01995990e05644d9816d8f1980f"
    "a9cbf7a23ecba2524317081427083220a916b6570c2b1a339ecd2841441720ab1d87f347b7d8"
    "fc2074c660946da85ed1462629e666a5f7ffe9cc1365ac67a956f52aa0");

// OCSPResponse { responseStatus tryLater } with no responseBytes.
const std::vector<uint8_t> kOcspTryLater = {0x30, 0x03, 0x0a, 0x01, 0x03};

// ---- dispatch -----------------------------------------------------------------------------

TEST(HandshakeMessageTest, EmptyMessagesAreKeyedByNameWithHeaderAsDetail) {
  for (uint8_t type : {ht::hello_request, ht::server_hello_done, ht::end_of_early_data}) {
    TlsFacts facts = negotiated(kTls12);
    std::vector<uint8_t> message = handshake(type, {});
    Decoded d = decode_message(message, facts);
    EXPECT_FALSE(d.problem) << d.problem->reason;
    EXPECT_EQ(d.tree.kind, FieldKind::group);
    EXPECT_EQ(d.tree.offset, 0u);
    EXPECT_EQ(d.tree.length, 4u);
    EXPECT_EQ(child(d.tree, "handshake_type").number, type);
    EXPECT_EQ(child(d.tree, "handshake_type").show, Show::with_all);
    EXPECT_EQ(child(d.tree, "length").number, 0u);
  }
  TlsFacts facts;
  EXPECT_EQ(decode_message(handshake(ht::server_hello_done, {}), facts).tree.key, "server_hello_done");
  EXPECT_EQ(decode_message(handshake(ht::hello_request, {}), facts).tree.key, "hello_request");
  EXPECT_EQ(decode_message(handshake(ht::end_of_early_data, {}), facts).tree.key, "end_of_early_data");
}

TEST(HandshakeMessageTest, NonEmptyBodyOfAnEmptyMessageIsAProblem) {
  TlsFacts facts = negotiated(kTls12);
  Decoded d = decode_message(handshake(ht::server_hello_done, {1, 2, 3}), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 4u);
  EXPECT_EQ(d.problem->reason, "server_hello_done should have an empty body but has 3 bytes");
  EXPECT_EQ(child(d.tree, "body").length, 3u);
}

TEST(HandshakeMessageTest, UnknownTypeShowsTypeLengthAndBytes) {
  TlsFacts facts = negotiated(kTls12);
  std::vector<uint8_t> message = handshake(99, {0xAA, 0xBB});
  Decoded d = decode_message(message, facts);
  EXPECT_FALSE(d.problem);
  EXPECT_EQ(d.tree.key, "unknown_handshake_message");
  EXPECT_EQ(child(d.tree, "handshake_type").number, 99u);
  EXPECT_EQ(child(d.tree, "handshake_type").show, Show::always);
  EXPECT_EQ(child(d.tree, "length").number, 2u);
  EXPECT_EQ(bytes_of(child(d.tree, "body")), (std::vector<uint8_t>{0xAA, 0xBB}));
  EXPECT_EQ(child(d.tree, "body").show, Show::with_all);
  EXPECT_EQ(handshake_display_name(99), "UnknownHandshakeMessage");

  // A registered type without a decoder is keyed by its registry name.
  Decoded url = decode_message(handshake(ht::certificate_url, {1}), facts);
  EXPECT_FALSE(url.problem);
  EXPECT_EQ(url.tree.key, "certificate_url");
}

TEST(HandshakeMessageTest, LengthMismatchesAreProblems) {
  TlsFacts facts = negotiated(kTls12);
  std::vector<uint8_t> too_short = {ht::server_hello_done, 0, 0, 5, 0};
  Decoded a = decode_message(too_short, facts);
  ASSERT_TRUE(a.problem);
  EXPECT_EQ(a.problem->offset, 1u);
  EXPECT_EQ(a.problem->reason, "handshake length 5 exceeds the 1 bytes present");

  std::vector<uint8_t> too_long = {ht::finished, 0, 0, 2, 1, 2, 3};
  Decoded b = decode_message(too_long, facts);
  ASSERT_TRUE(b.problem);
  EXPECT_EQ(b.problem->offset, 6u);
  EXPECT_EQ(b.problem->reason, "1 bytes after the handshake message's declared length 2");
  // The declared body is still decoded.
  EXPECT_EQ(bytes_of(child(b.tree, "verify_data")), (std::vector<uint8_t>{1, 2}));

  Decoded c = decode_message({ht::finished, 0}, facts);
  ASSERT_TRUE(c.problem);
  EXPECT_EQ(c.problem->reason, "handshake header needs 4 bytes, 2 present");
  EXPECT_EQ(c.tree.key, "finished");
  Decoded empty = decode_message({}, facts);
  ASSERT_TRUE(empty.problem);
  EXPECT_EQ(empty.tree.key, "handshake_message");
}

TEST(HandshakeMessageTest, DisplayNamesFollowSsldump) {
  EXPECT_EQ(handshake_display_name(ht::client_hello), "ClientHello");
  EXPECT_EQ(handshake_display_name(ht::server_key_exchange), "ServerKeyExchange");
  EXPECT_EQ(handshake_display_name(ht::certificate_request), "CertificateRequest");
  EXPECT_EQ(handshake_display_name(ht::server_hello_done), "ServerHelloDone");
  EXPECT_EQ(handshake_display_name(ht::new_session_ticket), "NewSessionTicket");
  EXPECT_EQ(handshake_display_name(ht::hello_retry_request), "HelloRetryRequest");
  EXPECT_EQ(handshake_display_name(ht::compressed_certificate), "CompressedCertificate");
  EXPECT_EQ(handshake_display_name(ht::key_update), "KeyUpdate");
}

// ---- NewSessionTicket ---------------------------------------------------------------------

std::vector<uint8_t> tls12_ticket() {
  return handshake(ht::new_session_ticket, Body().u32(7200).vec16(filled(40, 0x5A)));
}

TEST(NewSessionTicketMessageTest, Tls12Form) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  std::vector<uint8_t> message = tls12_ticket();
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "new_session_ticket");
  EXPECT_EQ(child(d.tree, "ticket_lifetime_hint").number, 7200u);
  EXPECT_EQ(located(child(d.tree, "ticket_lifetime_hint"), message), (std::vector<uint8_t>{0, 0, 0x1C, 0x20}));
  EXPECT_EQ(child(d.tree, "ticket_length").number, 40u);
  EXPECT_EQ(child(d.tree, "ticket_length").offset, 8u);
  EXPECT_EQ(bytes_of(child(d.tree, "ticket")), filled(40, 0x5A));
  EXPECT_EQ(child(d.tree, "ticket").offset, 10u);
  EXPECT_EQ(child(d.tree, "ticket").show, Show::with_all);
  EXPECT_TRUE(facts.new_session_ticket_seen);
  expect_every_malformation_reported(message, negotiated(kTls12, 0xC02F));
}

TEST(NewSessionTicketMessageTest, TicketLengthBeyondTheMessageIsNamed) {
  TlsFacts facts = negotiated(kTls12);
  Decoded d = decode_message(handshake(ht::new_session_ticket, Body().u32(1).u16(400).raw(filled(200, 1))), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 8u);
  EXPECT_EQ(d.problem->reason, "ticket length 400 exceeds the 200 bytes left");
}

std::vector<uint8_t> tls13_ticket() {
  Body early_data = Body().u16(42).vec16(Body().u32(16384));
  return handshake(ht::new_session_ticket,
                   Body().u32(300).u32(0x01020304).vec8({0, 1}).vec16(filled(64, 0xC3)).vec16(early_data));
}

TEST(NewSessionTicketMessageTest, Tls13Form) {
  TlsFacts facts = negotiated(kTls13, 0x1302);
  std::vector<uint8_t> message = tls13_ticket();
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(child(d.tree, "ticket_lifetime").number, 300u);
  EXPECT_EQ(child(d.tree, "ticket_age_add").number, 0x01020304u);
  EXPECT_EQ(bytes_of(child(d.tree, "ticket_nonce")), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(child(d.tree, "ticket_nonce").offset, 13u);
  EXPECT_EQ(child(d.tree, "ticket_length").number, 64u);
  EXPECT_EQ(bytes_of(child(d.tree, "ticket")), filled(64, 0xC3));
  const Field& extensions = child(d.tree, "extensions");
  ASSERT_EQ(extensions.children.size(), 1u);
  EXPECT_EQ(child(extensions.children[0], "type").number, 42u);
  EXPECT_EQ(d.tree.find("ticket_lifetime_hint"), nullptr);
  EXPECT_TRUE(facts.new_session_ticket_seen);
  expect_every_malformation_reported(message, negotiated(kTls13, 0x1302));
}

TEST(NewSessionTicketMessageTest, Tls13EmptyTicketIsAProblem) {
  TlsFacts facts = negotiated(kTls13);
  Decoded d = decode_message(handshake(ht::new_session_ticket, Body().u32(1).u32(2).vec8({}).vec16({}).u16(0)), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->reason, "ticket length 0 is below the minimum of 1");
}

// ---- EncryptedExtensions, Finished, KeyUpdate ---------------------------------------------

TEST(EncryptedExtensionsMessageTest, ExtensionsAreDecoded) {
  TlsFacts facts = negotiated(kTls13);
  // server_name (empty acknowledgement), then ALPN "h2".
  Body extensions = Body().u16(0).u16(0).u16(16).vec16(Body().vec16(Body().vec8(Body().text("h2"))));
  std::vector<uint8_t> message = handshake(ht::encrypted_extensions, Body().vec16(extensions));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "encrypted_extensions");
  EXPECT_EQ(child(d.tree, "extensions").children.size(), 2u);
  expect_every_malformation_reported(message, negotiated(kTls13));
}

TEST(FinishedMessageTest, VerifyDataAndWhoFinished) {
  TlsFacts facts = negotiated(kTls12);
  std::vector<uint8_t> verify_data = filled(12, 0x42);
  std::vector<uint8_t> message = handshake(ht::finished, verify_data);
  Decoded client = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(client.problem);
  EXPECT_EQ(bytes_of(child(client.tree, "verify_data")), verify_data);
  EXPECT_EQ(child(client.tree, "verify_data").offset, 4u);
  EXPECT_TRUE(facts.finished_client);
  EXPECT_FALSE(facts.finished_server);
  decode_message(message, facts, Direction::server_to_client);
  EXPECT_TRUE(facts.finished_server);

  Decoded empty = decode_message(handshake(ht::finished, {}), facts);
  ASSERT_TRUE(empty.problem);
  EXPECT_EQ(empty.problem->reason, "Finished has no verify_data");
}

TEST(KeyUpdateMessageTest, RequestUpdate) {
  TlsFacts facts = negotiated(kTls13);
  std::vector<uint8_t> message = handshake(ht::key_update, {1});
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem);
  EXPECT_EQ(child(d.tree, "request_update").number, 1u);
  EXPECT_EQ(child(d.tree, "request_update").text, "update_requested");
  EXPECT_EQ(child(d.tree, "request_update").offset, 4u);
  expect_every_malformation_reported(message, negotiated(kTls13));
}

// ---- CertificateVerify --------------------------------------------------------------------

TEST(CertificateVerifyMessageTest, Tls13ServerSignatureRecordsTheScheme) {
  TlsFacts facts = negotiated(kTls13);
  std::vector<uint8_t> message = handshake(ht::certificate_verify, Body().u16(0x0804).vec16(filled(256, 7)));
  Decoded d = decode_message(message, facts, Direction::server_to_client);
  ASSERT_FALSE(d.problem);
  EXPECT_EQ(child(d.tree, "signature_scheme").number, 0x0804u);
  EXPECT_EQ(child(d.tree, "signature_scheme").text, "rsa_pss_rsae_sha256");
  EXPECT_EQ(child(d.tree, "signature_length").number, 256u);
  EXPECT_EQ(child(d.tree, "signature").length, 256u);
  EXPECT_EQ(child(d.tree, "signature").show, Show::with_all);
  EXPECT_EQ(facts.server_signature_scheme, 0x0804);
  expect_every_malformation_reported(message, negotiated(kTls13));
}

TEST(CertificateVerifyMessageTest, ClientSignatureLeavesTheServerSchemeAlone) {
  TlsFacts facts = negotiated(kTls12);
  decode_message(handshake(ht::certificate_verify, Body().u16(0x0401).vec16(filled(8, 7))), facts,
                 Direction::client_to_server);
  EXPECT_EQ(facts.server_signature_scheme, 0);
}

TEST(CertificateVerifyMessageTest, Tls10HasNoScheme) {
  TlsFacts facts = negotiated(0x0301);
  std::vector<uint8_t> message = handshake(ht::certificate_verify, Body().vec16(filled(128, 9)));
  Decoded d = decode_message(message, facts, Direction::client_to_server);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.find("signature_scheme"), nullptr);
  EXPECT_EQ(child(d.tree, "signature_length").number, 128u);
  expect_every_malformation_reported(message, negotiated(0x0301), Direction::client_to_server);
}

TEST(CertificateVerifyMessageTest, UnregisteredTls12PairIsNamedByItsParts) {
  TlsFacts facts = negotiated(kTls12);
  Decoded d = decode_message(handshake(ht::certificate_verify, Body().u16(0x0102).vec16({1})), facts);
  EXPECT_EQ(child(d.tree, "signature_scheme").text, "md5+dsa");
}

// ---- CertificateStatus / OCSP -------------------------------------------------------------

TEST(OcspResponseTest, DescribesEverySingleResponse) {
  Field out("ocsp_response", FieldKind::group);
  describe_ocsp_response(kOcspResponse, out);
  EXPECT_EQ(out.find("parse_error"), nullptr);
  EXPECT_EQ(child(out, "response_status").number, 0u);
  EXPECT_EQ(child(out, "response_status").text, "successful");
  EXPECT_EQ(child(out, "responder_name").text, "CN=tlslens Test Intermediate CA,O=tlslens test,C=XX");
  EXPECT_EQ(child(out, "produced_at").text, "2026-11-29 17:20:17 UTC");
  EXPECT_EQ(child(out, "signature_algorithm").text, "sha256WithRSAEncryption");
  EXPECT_EQ(child(out, "responder_certificates").number, 0u);
  const Field& responses = child(out, "responses");
  ASSERT_EQ(responses.children.size(), 2u);

  const Field& good = responses.children[0];
  EXPECT_EQ(child(good, "hash_algorithm").text, "sha1");
  EXPECT_EQ(child(good, "serial_number").text, "3001");
  EXPECT_EQ(child(good, "issuer_name_hash").text, "09765643271f873eede61763749dee9c537b7ac8");
  EXPECT_EQ(child(good, "cert_status").number, 0u);
  EXPECT_EQ(child(good, "cert_status").text, "good");
  EXPECT_EQ(child(good, "this_update").text, "2026-11-29 17:20:17 UTC");
  EXPECT_EQ(child(good, "next_update").text, "2026-12-06 17:20:17 UTC");
  EXPECT_EQ(good.find("revocation_time"), nullptr);

  const Field& revoked = responses.children[1];
  EXPECT_EQ(child(revoked, "serial_number").text, "4001");
  EXPECT_EQ(child(revoked, "cert_status").text, "revoked");
  EXPECT_EQ(child(revoked, "revocation_time").text, "2026-01-01 00:00:00 UTC");
  EXPECT_EQ(child(revoked, "revocation_reason").number, 1u);
  EXPECT_EQ(child(revoked, "revocation_reason").text, "keyCompromise");
}

TEST(OcspResponseTest, UnsuccessfulAndGarbage) {
  Field later("ocsp_response", FieldKind::group);
  describe_ocsp_response(kOcspTryLater, later);
  EXPECT_EQ(child(later, "response_status").text, "tryLater");
  EXPECT_EQ(later.find("responses"), nullptr);

  Field garbage("ocsp_response", FieldKind::group);
  const std::vector<uint8_t> junk = {0x30, 0x82, 0xFF, 0xFF, 0x01};
  describe_ocsp_response(junk, garbage);
  EXPECT_FALSE(child(garbage, "parse_error").text.empty());

  Field trailing("ocsp_response", FieldKind::group);
  std::vector<uint8_t> extra = kOcspTryLater;
  extra.push_back(0);
  describe_ocsp_response(extra, trailing);
  EXPECT_EQ(child(trailing, "parse_error").text, "1 bytes after the OCSP response");
}

std::vector<uint8_t> certificate_status_ocsp() {
  return handshake(ht::certificate_status, Body().u8(1).vec24(kOcspResponse));
}

TEST(CertificateStatusMessageTest, StapledOcspResponse) {
  TlsFacts facts = negotiated(kTls12, 0xC02F);
  std::vector<uint8_t> message = certificate_status_ocsp();
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  EXPECT_EQ(d.tree.key, "certificate_status");
  EXPECT_EQ(child(d.tree, "status_type").text, "ocsp");
  EXPECT_EQ(child(d.tree, "ocsp_response_length").number, kOcspResponse.size());
  const Field& response = child(d.tree, "ocsp_response");
  EXPECT_EQ(located(response, message), kOcspResponse);
  EXPECT_EQ(child(response, "responses").children.size(), 2u);
  EXPECT_TRUE(facts.ocsp_staple_seen);
  expect_every_malformation_reported(message, negotiated(kTls12, 0xC02F));
}

TEST(CertificateStatusMessageTest, EmptySingleResponseIsAProblem) {
  TlsFacts facts = negotiated(kTls12);
  Decoded d = decode_message(handshake(ht::certificate_status, Body().u8(1).u24(0)), facts);
  ASSERT_TRUE(d.problem);
  EXPECT_EQ(d.problem->offset, 5u);
  EXPECT_EQ(d.problem->reason, "empty ocsp_response");
  EXPECT_FALSE(facts.ocsp_staple_seen);
}

TEST(CertificateStatusMessageTest, OcspMultiWithAnEmptyEntry) {
  TlsFacts facts = negotiated(kTls12);
  Body list = Body().vec24(kOcspTryLater).vec24({});
  std::vector<uint8_t> message = handshake(ht::certificate_status, Body().u8(2).vec24(list));
  Decoded d = decode_message(message, facts);
  ASSERT_FALSE(d.problem) << d.problem->reason;
  const Field& entries = child(d.tree, "ocsp_response_list");
  ASSERT_EQ(entries.children.size(), 2u);
  EXPECT_EQ(child(child(entries.children[0], "ocsp_response"), "response_status").text, "tryLater");
  EXPECT_EQ(child(entries.children[1], "ocsp_response_length").number, 0u);
  EXPECT_EQ(entries.children[1].find("ocsp_response"), nullptr);
  expect_every_malformation_reported(message, negotiated(kTls12));
}

// ---- alerts, ChangeCipherSpec, heartbeat --------------------------------------------------

struct Fragment {
  Field tree;
  DecodeResult problem;
};

template <typename Decoder>
Fragment decode_fragment(Decoder decoder, const std::vector<uint8_t>& bytes) {
  TlsFacts facts;
  DecodeContext ctx{Direction::client_to_server, facts, Bytes(bytes)};
  Fragment out;
  out.problem = decoder(ctx, out.tree);
  return out;
}

TEST(AlertMessageTest, LevelAndDescription) {
  Fragment f = decode_fragment(decode_alert, {2, 40});
  ASSERT_FALSE(f.problem);
  EXPECT_EQ(f.tree.key, "alert");
  EXPECT_EQ(child(f.tree, "level").text, "fatal");
  EXPECT_EQ(child(f.tree, "description").number, 40u);
  EXPECT_EQ(child(f.tree, "description").text, "handshake_failure");
  EXPECT_EQ(child(f.tree, "description").offset, 1u);

  Fragment close = decode_fragment(decode_alert, {1, 0});
  EXPECT_EQ(child(close.tree, "description").text, "close_notify");
}

TEST(AlertMessageTest, OtherLengthsAreProblems) {
  EXPECT_TRUE(decode_fragment(decode_alert, {}).problem);
  Fragment one = decode_fragment(decode_alert, {2});
  ASSERT_TRUE(one.problem);
  EXPECT_EQ(one.problem->offset, 1u);
  Fragment four = decode_fragment(decode_alert, {1, 0, 1, 0});
  ASSERT_TRUE(four.problem);
  EXPECT_EQ(four.problem->offset, 2u);
  EXPECT_EQ(four.problem->reason, "alert fragment is 4 bytes; an alert is 2");
}

TEST(ChangeCipherSpecMessageTest, OneByteOfOne) {
  Fragment ok = decode_fragment(decode_change_cipher_spec, {1});
  EXPECT_FALSE(ok.problem);
  EXPECT_EQ(ok.tree.key, "change_cipher_spec");
  EXPECT_EQ(child(ok.tree, "type").number, 1u);
  Fragment wrong = decode_fragment(decode_change_cipher_spec, {2});
  ASSERT_TRUE(wrong.problem);
  EXPECT_EQ(wrong.problem->reason, "ChangeCipherSpec type 2, expected 1");
  EXPECT_TRUE(decode_fragment(decode_change_cipher_spec, {}).problem);
  EXPECT_TRUE(decode_fragment(decode_change_cipher_spec, {1, 1}).problem);
}

TEST(HeartbeatMessageTest, WellFormedRequest) {
  std::vector<uint8_t> bytes = Body().u8(1).vec16(Body().text("ping")).raw(filled(16, 0xEE));
  Fragment f = decode_fragment(decode_heartbeat, bytes);
  ASSERT_FALSE(f.problem) << f.problem->reason;
  EXPECT_EQ(f.tree.key, "heartbeat");
  EXPECT_EQ(child(f.tree, "type").text, "heartbeat_request");
  EXPECT_EQ(child(f.tree, "payload_length").number, 4u);
  EXPECT_EQ(bytes_of(child(f.tree, "payload")), (std::vector<uint8_t>{'p', 'i', 'n', 'g'}));
  EXPECT_EQ(child(f.tree, "payload").show, Show::with_all);
  EXPECT_EQ(child(f.tree, "padding_length").number, 16u);
  EXPECT_EQ(child(f.tree, "padding_length").offset, 7u);
}

TEST(HeartbeatMessageTest, HeartbleedRequestIsReported) {
  // The classic probe: type request, payload_length 0x4000, no payload at all.
  Fragment f = decode_fragment(decode_heartbeat, {0x01, 0x40, 0x00});
  ASSERT_TRUE(f.problem);
  EXPECT_EQ(f.problem->offset, 1u);
  EXPECT_EQ(f.problem->reason,
            "heartbeat payload_length 16384 exceeds the record (3 bytes): Heartbleed-style over-read request");
  EXPECT_EQ(child(f.tree, "payload_length").number, 16384u);
}

TEST(HeartbeatMessageTest, ShortPaddingAndTruncation) {
  Fragment f = decode_fragment(decode_heartbeat, Body().u8(2).vec16({1, 2}).raw(filled(3, 0)));
  ASSERT_TRUE(f.problem);
  EXPECT_EQ(f.problem->reason, "heartbeat padding is 3 bytes; RFC 6520 requires at least 16");
  EXPECT_EQ(child(f.tree, "type").text, "heartbeat_response");
  // Every cut of a well-formed heartbeat is a problem.
  std::vector<uint8_t> good = Body().u8(1).vec16({9, 9}).raw(filled(16, 0));
  for (size_t cut = 0; cut < good.size(); ++cut)
    EXPECT_TRUE(decode_fragment(decode_heartbeat, std::vector<uint8_t>(good.begin(), good.begin() + cut)).problem)
        << cut;
}

}  // namespace
}  // namespace tlslens::tls
