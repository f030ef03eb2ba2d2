// Tests of TlsSession: which records are protected, what messages are reported, and the
// handshake outcome, on hand-built record streams.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/tls/tls_session.h"

namespace tlslens::tls {
namespace {

using ByteVector = std::vector<uint8_t>;

ByteVector record(uint8_t type, const ByteVector& fragment, uint16_t version = 0x0303) {
  ByteVector r = {type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                  static_cast<uint8_t>(fragment.size() >> 8), static_cast<uint8_t>(fragment.size())};
  r.insert(r.end(), fragment.begin(), fragment.end());
  return r;
}

ByteVector handshake(uint8_t type, const ByteVector& body) {
  ByteVector m = {type, static_cast<uint8_t>(body.size() >> 16), static_cast<uint8_t>(body.size() >> 8),
                  static_cast<uint8_t>(body.size())};
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

void append(ByteVector& out, const ByteVector& more) { out.insert(out.end(), more.begin(), more.end()); }

ByteVector client_hello(const ByteVector& session_id = {}, bool offer_tls13 = false) {
  ByteVector body = {0x03, 0x03};
  body.insert(body.end(), 32, 0x11);
  body.push_back(static_cast<uint8_t>(session_id.size()));
  append(body, session_id);
  append(body, {0x00, 0x04, 0x13, 0x01, 0x00, 0x2f});  // TLS_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA
  append(body, {0x01, 0x00});                          // null compression
  if (offer_tls13) append(body, {0x00, 0x07, 0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04});  // supported_versions
  return handshake(1, body);
}

ByteVector server_hello(uint16_t suite, const ByteVector& session_id = {}, bool tls13 = false) {
  ByteVector body = {0x03, 0x03};
  body.insert(body.end(), 32, 0x22);
  body.push_back(static_cast<uint8_t>(session_id.size()));
  append(body, session_id);
  append(body, {static_cast<uint8_t>(suite >> 8), static_cast<uint8_t>(suite), 0x00});
  if (tls13) append(body, {0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04});
  return handshake(2, body);
}

const ByteVector kCcs = record(20, {0x01});
const ByteVector kEncryptedFinished = record(22, ByteVector(40, 0x5a));

class RecordingSink final : public EventSink {
 public:
  void tls_record(const Connection&, const RecordEvent& r) override {
    log.push_back(fmt::format("{} record {} type={}{}", arrow(r.dir), r.number, r.content_type,
                              r.encrypted ? " encrypted" : ""));
  }
  void tls_message(const Connection&, const RecordEvent&, const MessageEvent& m) override {
    log.push_back(fmt::format("  message {}/{}{}", m.content_type, m.handshake_type,
                              m.problem ? " problem: " + m.problem->reason : ""));
  }
  void tls_note(const Connection&, const NoteEvent& n) override { log.push_back(fmt::format("note {}", to_string(n.kind))); }
  void tls_summary(const Connection&, const SessionSummary& s) override {
    outcome = s.outcome;
    resumed = s.resumed;
    fatal_alert = s.fatal_alert_seen ? s.fatal_alert : -1;
    cipher_suite = s.facts->cipher_suite;
    version = s.facts->negotiated_version;
  }
  std::vector<std::string> log;
  HandshakeOutcome outcome = HandshakeOutcome::not_tls;
  bool resumed = false;
  int fatal_alert = -1;
  uint16_t cipher_suite = 0;
  uint16_t version = 0;
};

struct Session {
  Connection conn;
  RecordingSink sink;
  TlsSession tls{init(), sink};

  const Connection& init() {
    conn.id = 1;
    conn.handshake_seen = true;
    return conn;
  }
  void c2s(const ByteVector& bytes) { tls.on_data(Direction::client_to_server, bytes, {}); }
  void s2c(const ByteVector& bytes) { tls.on_data(Direction::server_to_client, bytes, {}); }
};

TEST(TlsSession, FullTls12HandshakeCompletesAndLaterRecordsAreEncrypted) {
  Session s;
  s.c2s(record(22, client_hello()));
  ByteVector flight = server_hello(0x002f);
  append(flight, handshake(14, {}));  // ServerHelloDone in the same record
  s.s2c(record(22, flight));
  s.c2s(record(22, handshake(16, {0x00, 0x02, 0xaa, 0xbb})));  // ClientKeyExchange, RSA
  s.c2s(kCcs);
  s.c2s(kEncryptedFinished);
  s.s2c(kCcs);
  s.s2c(kEncryptedFinished);
  s.c2s(record(23, ByteVector(30, 1)));
  s.tls.finish({});
  EXPECT_EQ(s.sink.log, (std::vector<std::string>{
                            "C>S record 1 type=22", "  message 22/1", "S>C record 2 type=22", "  message 22/2",
                            "  message 22/14", "C>S record 3 type=22", "  message 22/16", "C>S record 4 type=20",
                            "  message 20/0", "C>S record 5 type=22 encrypted", "S>C record 6 type=20",
                            "  message 20/0", "S>C record 7 type=22 encrypted", "C>S record 8 type=23 encrypted"}));
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::complete);
  EXPECT_FALSE(s.sink.resumed);
  EXPECT_EQ(s.sink.cipher_suite, 0x002f);
  EXPECT_EQ(s.sink.version, 0x0303);
}

TEST(TlsSession, AbbreviatedHandshakeIsResumed) {
  Session s;
  ByteVector sid(32, 0x77);
  s.c2s(record(22, client_hello(sid)));
  s.s2c(record(22, server_hello(0x002f, sid)));
  s.s2c(kCcs);
  s.s2c(kEncryptedFinished);
  s.c2s(kCcs);
  s.c2s(kEncryptedFinished);
  s.tls.finish({});
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::resumed);
  EXPECT_TRUE(s.sink.resumed);
}

TEST(TlsSession, Tls13ProtectsApplicationDataRecordsOnly) {
  Session s;
  s.c2s(record(22, client_hello({}, true), 0x0301));
  s.s2c(record(22, server_hello(0x1301, {}, true)));
  s.s2c(kCcs);
  s.s2c(record(23, ByteVector(100, 3)));
  s.c2s(kCcs);
  s.c2s(record(23, ByteVector(50, 4)));
  s.tls.finish({});
  EXPECT_EQ(s.sink.version, 0x0304);
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::complete);
  EXPECT_EQ(s.sink.log[4], "S>C record 3 type=20");  // the compatibility CCS changes nothing
  EXPECT_EQ(s.sink.log[6], "S>C record 4 type=23 encrypted");
}

TEST(TlsSession, FatalAlertInTheClearEndsTheHandshake) {
  Session s;
  s.c2s(record(22, client_hello()));
  s.s2c(record(21, {0x02, 0x28}));  // fatal handshake_failure
  s.tls.finish({});
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::alert);
  EXPECT_EQ(s.sink.fatal_alert, 40);
  EXPECT_EQ(s.sink.log.back(), "  message 21/0");
}

TEST(TlsSession, ResetBeforeTheHandshakeCompletes) {
  Session s;
  s.c2s(record(22, client_hello()));
  s.tls.on_rst(Direction::server_to_client, {});
  s.tls.finish({});
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::reset);
}

TEST(TlsSession, GapBeforeTheHandshakeCompletes) {
  Session s;
  s.c2s(record(22, client_hello()));
  s.tls.on_gap(Direction::server_to_client, 1000, {});
  s.tls.finish({});
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::gap);
}

TEST(TlsSession, HandshakeMessageSpanningRecordsIsReportedOnceAtTheRecordThatCompletesIt) {
  Session s;
  ByteVector hello = client_hello();
  ByteVector first(hello.begin(), hello.begin() + 10), second(hello.begin() + 10, hello.end());
  s.c2s(record(22, first));
  s.c2s(record(22, second));
  s.tls.finish({});
  EXPECT_EQ(s.sink.log, (std::vector<std::string>{"C>S record 1 type=22", "C>S record 2 type=22", "  message 22/1"}));
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::incomplete);
}

TEST(TlsSession, MalformedMessageCarriesItsProblem) {
  Session s;
  ByteVector bad = handshake(1, {0x03, 0x03, 0x00});  // a ClientHello cut after 3 bytes
  s.c2s(record(22, bad));
  s.tls.finish({});
  ASSERT_EQ(s.sink.log.size(), 2u);
  EXPECT_NE(s.sink.log[1].find("  message 22/1 problem: "), std::string::npos) << s.sink.log[1];
}

TEST(TlsSession, NonTlsStreamIsNotTls) {
  Session s;
  std::string http = "HTTP/1.1 200 OK\r\n\r\n";
  s.s2c(ByteVector(http.begin(), http.end()));
  s.c2s(ByteVector(http.begin(), http.end()));
  s.tls.finish({});
  EXPECT_EQ(s.sink.outcome, HandshakeOutcome::not_tls);
  EXPECT_EQ(s.sink.log, (std::vector<std::string>{"note not_tls", "note not_tls"}));
}

TEST(TlsSession, MidStreamPickupJudgesNothing) {
  Connection conn;
  conn.id = 1;
  conn.handshake_seen = false;
  RecordingSink sink;
  TlsSession tls(conn, sink);
  ByteVector stream(13, 0x00);
  append(stream, record(23, ByteVector(40, 1)));
  append(stream, record(23, ByteVector(40, 2)));
  tls.on_data(Direction::server_to_client, stream, {});
  tls.finish({});
  EXPECT_EQ(sink.outcome, HandshakeOutcome::midstream);
  EXPECT_EQ(sink.log[0], "note resynchronized");
  EXPECT_EQ(sink.log[1], "S>C record 1 type=23 encrypted");
}

}  // namespace
}  // namespace tlslens::tls
