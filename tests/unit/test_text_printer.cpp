// TextPrinter: the exact text of every kind of line, fed hand-made events — the TCP lines
// as before TLS, record and note alignment, message field trees (every kind, Show levels
// with -N and -A), -q, -x, -e, malformed messages, summaries, and text from the wire that
// tries to drive the terminal.
#include "core/output/text_printer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/output/hex_dump.h"
#include "core/tls/handshake_decoders.h"

namespace tlslens {
namespace {

using tls::Field;
using tls::FieldKind;

constexpr int64_t kStartSeconds = 1795971491;  // 2026-11-29 16:58:11 UTC

Timestamp at_ms(int64_t ms) {
  return Timestamp::from_sec_usec(kStartSeconds, ms * 1000);
}

Connection make_connection(uint64_t id = 1) {
  Connection conn;
  conn.id = id;
  conn.client = Endpoint{IpAddress::parse("10.0.0.1"), 51234};
  conn.server = Endpoint{IpAddress::parse("10.0.0.2"), 443};
  conn.handshake_seen = true;
  conn.first_seen = at_ms(0);
  conn.last_seen = at_ms(71);
  conn.end_reason = EndReason::fin;
  conn.stats[0].delivered_bytes = 517;
  conn.stats[1].delivered_bytes = 3012;
  return conn;
}

// Runs `events` against a TextPrinter writing to a temporary file, and returns the text
// (after the printer is destroyed and the stream flushed, as at the end of a run).
std::string print(const TextOptions& options, const std::function<void(TextPrinter&)>& events) {
  std::FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  {
    OutputStream out(file);
    TextPrinter printer(out, options);
    events(printer);
  }
  std::string text;
  std::rewind(file);
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  std::fclose(file);
  return text;
}

// Record events over bytes that live as long as the test.
class Records {
 public:
  tls::RecordEvent make(uint64_t number, Direction dir, int64_t ms, uint8_t content_type, std::vector<uint8_t> fragment,
                        uint16_t version = 0x0303) {
    const std::vector<uint8_t>& body = storage_.emplace_back(std::move(fragment));
    const std::vector<uint8_t>& header = storage_.emplace_back(
        std::vector<uint8_t>{content_type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                             static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())});
    tls::RecordEvent r;
    r.number = number;
    r.dir = dir;
    r.at = SegmentInfo{at_ms(ms), number + 3};
    r.content_type = content_type;
    r.version = version;
    r.header = header;
    r.fragment = body;
    return r;
  }

 private:
  std::deque<std::vector<uint8_t>> storage_;
};

tls::MessageEvent handshake_message(uint8_t type, const Field* fields, Bytes bytes = {}) {
  tls::MessageEvent m;
  m.content_type = tls::content_type::handshake;
  m.handshake_type = type;
  m.fields = fields;
  m.bytes = bytes;
  return m;
}

tls::MessageEvent alert_message(Bytes bytes) {
  tls::MessageEvent m;
  m.content_type = tls::content_type::alert;
  m.bytes = bytes;
  return m;
}

constexpr Direction c2s = Direction::client_to_server;
constexpr Direction s2c = Direction::server_to_client;

// ---- TCP-level lines: exactly as before TLS decoding (the e2e goldens pin them too).

TEST(TextPrinter, TcpLinesKeepTheirLayout) {
  const Connection conn = make_connection();
  Connection ended = conn;
  ended.stats[1].gaps = 1;
  ended.stats[1].gap_bytes = 1448;
  EXPECT_EQ(print({},
                  [&](TextPrinter& p) {
                    p.connection_started(conn);
                    p.gap(conn, s2c, 1448, SegmentInfo{at_ms(52), 9});
                    p.connection_ended(ended);
                  }),
            "New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443)\n"
            "1        0.0520 (0.0520)  S>C  TCP gap: 1448 bytes missing from the capture\n"
            "Connection #1 ended (fin) after 0.0710 s: C>S 517 bytes, S>C 3012 bytes, 1 gap(s), 1448 bytes missing\n");
}

TEST(TextPrinter, AbsoluteTimesAndMidStream) {
  Connection conn = make_connection();
  conn.handshake_seen = false;
  Records records;
  TextOptions options;
  options.absolute_times = true;
  EXPECT_EQ(print(options,
                  [&](TextPrinter& p) {
                    p.connection_started(conn);
                    p.tls_record(conn, records.make(1, c2s, 12, tls::content_type::application_data, {1, 2, 3}));
                    p.connection_ended(conn);
                  }),
            "New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443) at 2026-11-29 16:58:11.000000 UTC "
            "(mid-stream: no handshake seen)\n"
            "1   1    2026-11-29 16:58:11.012000 UTC  C>S  application_data  3 bytes\n"
            "Connection #1 ended (fin) at 2026-11-29 16:58:11.071000 UTC after 0.0710 s: C>S 517 bytes, S>C 3012 "
            "bytes\n");
}

// ---- record and note lines

TEST(TextPrinter, RecordAndNoteColumnsLineUp) {
  const Connection one = make_connection(1);
  const Connection many = make_connection(123);
  Records records;
  EXPECT_EQ(print({},
                  [&](TextPrinter& p) {
                    p.connection_started(one);
                    p.connection_started(many);
                    p.tls_record(one, records.make(1, c2s, 1, tls::content_type::change_cipher_spec, {1}));
                    p.tls_record(many, records.make(10, s2c, 3, tls::content_type::change_cipher_spec, {1}));
                    p.tls_record(one, records.make(1234, s2c, 1200, tls::content_type::application_data,
                                                   std::vector<uint8_t>(1024)));
                    tls::NoteEvent note;
                    note.dir = s2c;
                    note.at = SegmentInfo{at_ms(1200), 7};
                    note.text = "stream does not look like TLS; not decoded";
                    p.tls_note(one, note);
                  }),
            "New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443)\n"
            "New TCP connection #123: 10.0.0.1(51234) <-> 10.0.0.2(443)\n"
            "1   1    0.0010 (0.0010)  C>S  ChangeCipherSpec\n"
            "123 10   0.0030 (0.0030)  S>C  ChangeCipherSpec\n"
            "1   1234 1.2000 (1.1990)  S>C  application_data  1024 bytes\n"
            "1        1.2000 (0.0000)  S>C  stream does not look like TLS; not decoded\n");
}

TEST(TextPrinter, RecordTypesEncryptionAndWireVersion) {
  const Connection conn = make_connection();
  Records records;
  tls::RecordEvent encrypted = records.make(2, c2s, 2, tls::content_type::handshake, std::vector<uint8_t>(40));
  encrypted.encrypted = true;
  tls::RecordEvent encrypted_data =
      records.make(3, s2c, 3, tls::content_type::application_data, std::vector<uint8_t>(1));
  encrypted_data.encrypted = true;
  const auto events = [&](TextPrinter& p) {
    p.tls_record(conn, records.make(1, c2s, 1, tls::content_type::heartbeat, {1, 0, 0}, 0x0301));
    p.tls_record(conn, encrypted);
    p.tls_record(conn, encrypted_data);
    p.tls_record(conn, records.make(4, c2s, 4, 26, {}));
    p.tls_record(conn, records.make(5, c2s, 5, 99, {7}, 0x1234));
  };
  EXPECT_EQ(print({}, events),
            "1   1    0.0010 (0.0010)  C>S  Heartbeat\n"
            "1   2    0.0020 (0.0010)  C>S  Handshake (encrypted)  40 bytes\n"
            "1   3    0.0030 (0.0010)  S>C  application_data (encrypted)  1 byte\n"
            "1   4    0.0040 (0.0010)  C>S  ACK\n"
            "1   5    0.0050 (0.0010)  C>S  unknown record type 99\n");
  TextOptions all;
  all.all_fields = true;
  // -A: every record's length and its version as on the wire (never the negotiated one).
  EXPECT_EQ(print(all, events),
            "1   1    0.0010 (0.0010)  C>S  Heartbeat  3 bytes  version TLS 1.0 (0x0301)\n"
            "1   2    0.0020 (0.0010)  C>S  Handshake (encrypted)  40 bytes  version TLS 1.2 (0x0303)\n"
            "1   3    0.0030 (0.0010)  S>C  application_data (encrypted)  1 byte  version TLS 1.2 (0x0303)\n"
            "1   4    0.0040 (0.0010)  C>S  ACK  0 bytes  version TLS 1.2 (0x0303)\n"
            "1   5    0.0050 (0.0010)  C>S  unknown record type 99  1 byte  version 0x1234\n");
}

// ---- message field trees

// A ClientHello-like tree using every field kind, with fields at each Show level.
struct HelloTree {
  std::vector<uint8_t> random = std::vector<uint8_t>(32);
  std::vector<uint8_t> padding = std::vector<uint8_t>(40, 0);
  std::vector<uint8_t> cookie = {0xde, 0xad, 0xbe, 0xef};
  Field root{"client_hello", FieldKind::group};

  HelloTree() {
    for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<uint8_t>(i);
    root.add_code("handshake_type", 1, "client_hello").at(0, 1).set_detail();
    root.add_uint("length", 508).at(1, 3).set_detail();
    root.add_code("legacy_version", 0x0303, "TLS 1.2").at(4, 2);
    root.add_bytes("random", random).at(6, 32);
    root.add_bytes("session_id", {}).at(39, 0);
    Field& suites = root.add_list("cipher_suites");
    suites.add_code("cipher_suite", 0x1301, "TLS_AES_128_GCM_SHA256").at(42, 2);
    suites.add_code("cipher_suite", 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV").at(44, 2);
    suites.add_code("cipher_suite", 0x5600, "").at(46, 2);
    Field& methods = root.add_list("compression_methods");
    methods.add_code("method", 0, "null").at(49, 1);
    Field& extensions = root.add_list("extensions");
    Field& sni = extensions.add_group("extension");
    sni.add_code("type", 0, "server_name").at(52, 2);
    sni.add_uint("length", 16).at(54, 2).set_detail();
    Field& names = sni.add_list("server_name_list");
    Field& name = names.add_group("server_name");
    name.add_code("name_type", 0, "host_name").at(58, 1);
    name.add_text("host_name", "example.com");
    Field& ems = extensions.add_group("extension");
    ems.add_code("type", 23, "extended_master_secret").at(70, 2);
    Field& unknown = extensions.add_group("extension");
    unknown.add_code("type", 0x4469, "").at(74, 2);
    unknown.add_bytes("data", cookie);
    root.add_list("empty_list");
    root.add_text("empty_text", "");
    root.add_bool("heartbeat_offered", false);
    root.add_bool("grease_seen", true);
    root.add_bytes("padding", padding).set_detail();
    root.add_code("code_without_location", 0x1d, "x25519");
  }
};

TEST(TextPrinter, RendersEveryFieldKind) {
  const Connection conn = make_connection();
  Records records;
  HelloTree tree;
  const std::string text = print({}, [&](TextPrinter& p) {
    const tls::RecordEvent record = records.make(1, c2s, 1, tls::content_type::handshake, {});
    p.tls_record(conn, record);
    p.tls_message(conn, record, handshake_message(tls::handshake_type::client_hello, &tree.root));
  });
  EXPECT_EQ(text,
            "1   1    0.0010 (0.0010)  C>S  Handshake\n"
            "      ClientHello\n"
            "        legacy version TLS 1.2 (0x0303)\n"
            "        random [32 bytes]\n"
            "          00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
            "          10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f\n"
            "        session id [0 bytes]\n"
            "        cipher suites\n"
            "          TLS_AES_128_GCM_SHA256 (0x1301)\n"
            "          TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff)\n"
            "          0x5600\n"
            "        compression methods\n"
            "          null (0x00)\n"
            "        extensions\n"
            "          extension server_name (0x0000)\n"
            "            server name list\n"
            "              server name host_name (0x00)\n"
            "                host name example.com\n"
            "          extension extended_master_secret (0x0017)\n"
            "          extension 0x4469\n"
            "            data [4 bytes]\n"
            "              de ad be ef\n"
            "        empty list (empty)\n"
            "        empty text \"\"\n"
            "        heartbeat offered no\n"
            "        grease seen yes\n"
            "        code without location x25519 (0x1d)\n");
}

TEST(TextPrinter, AllFieldsShowsDetailsAndLongBytes) {
  const Connection conn = make_connection();
  Records records;
  HelloTree tree;
  TextOptions all;
  all.all_fields = true;
  const std::string text = print(all, [&](TextPrinter& p) {
    const tls::RecordEvent record = records.make(1, c2s, 1, tls::content_type::handshake, {});
    p.tls_record(conn, record);
    p.tls_message(conn, record, handshake_message(tls::handshake_type::client_hello, &tree.root));
  });
  EXPECT_NE(text.find("      ClientHello\n"
                      "        handshake type client_hello (0x01)\n"
                      "        length 508\n"
                      "        legacy version TLS 1.2 (0x0303)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("          extension server_name (0x0000)\n"
                      "            length 16\n"
                      "            server name list\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("        padding [40 bytes]\n"
                      "          00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                      "          00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                      "          00 00 00 00 00 00 00 00\n"
                      "        code without location x25519 (0x1d)\n"),
            std::string::npos)
      << text;
}

// A Certificate message whose certificates carry -N details and -A details.
struct CertificateTree {
  std::vector<uint8_t> der = std::vector<uint8_t>(100, 0x30);
  Field root{"certificate", FieldKind::group};

  CertificateTree() {
    Field& list = root.add_list("certificate_list");
    for (const char* subject : {"CN=example.com", "CN=Example CA"}) {
      Field& cert = list.add_group("certificate");
      cert.add_text("subject", subject);
      cert.add_text("issuer", "CN=Example Root");
      cert.add_uint("version", 3).set_cert_detail();
      Field& key = cert.add_group("public_key").set_cert_detail();
      key.add_text("type", "RSA");
      key.add_uint("bits", 2048);
      cert.add_bytes("der", der).set_detail();
    }
  }
};

TEST(TextPrinter, CertificateDetailsNeedDashN) {
  const Connection conn = make_connection();
  Records records;
  CertificateTree tree;
  const auto events = [&](TextPrinter& p) {
    const tls::RecordEvent record = records.make(3, s2c, 2, tls::content_type::handshake, {});
    p.tls_record(conn, record);
    p.tls_message(conn, record, handshake_message(tls::handshake_type::certificate, &tree.root));
  };
  EXPECT_EQ(print({}, events),
            "1   3    0.0020 (0.0020)  S>C  Handshake\n"
            "      Certificate\n"
            "        certificate list\n"
            "          certificate\n"
            "            subject CN=example.com\n"
            "            issuer CN=Example Root\n"
            "          certificate\n"
            "            subject CN=Example CA\n"
            "            issuer CN=Example Root\n");
  TextOptions details;
  details.cert_details = true;
  EXPECT_EQ(print(details, events),
            "1   3    0.0020 (0.0020)  S>C  Handshake\n"
            "      Certificate\n"
            "        certificate list\n"
            "          certificate\n"
            "            subject CN=example.com\n"
            "            issuer CN=Example Root\n"
            "            version 3\n"
            "            public key\n"
            "              type RSA\n"
            "              bits 2048\n"
            "          certificate\n"
            "            subject CN=Example CA\n"
            "            issuer CN=Example Root\n"
            "            version 3\n"
            "            public key\n"
            "              type RSA\n"
            "              bits 2048\n");
  TextOptions all;
  all.all_fields = true;  // -A includes the certificate details and the DER
  const std::string text = print(all, events);
  EXPECT_NE(text.find("              bits 2048\n"
                      "            der [100 bytes]\n"
                      "              30 30 30"),
            std::string::npos)
      << text;
}

TEST(TextPrinter, MalformedMessageShowsWhatWasDecodedThenTheProblem) {
  const Connection conn = make_connection();
  Records records;
  Field root("server_hello", FieldKind::group);
  root.add_code("legacy_version", 0x0303, "TLS 1.2").at(4, 2);
  tls::DecodeProblem problem{38, "session_id length 40 exceeds 32"};
  tls::MessageEvent message = handshake_message(tls::handshake_type::server_hello, &root);
  message.problem = &problem;
  const auto events = [&](TextPrinter& p) {
    const tls::RecordEvent record = records.make(2, s2c, 2, tls::content_type::handshake, {});
    p.tls_record(conn, record);
    p.tls_message(conn, record, message);
  };
  EXPECT_EQ(print({}, events),
            "1   2    0.0020 (0.0020)  S>C  Handshake\n"
            "      ServerHello\n"
            "        legacy version TLS 1.2 (0x0303)\n"
            "        malformed: session_id length 40 exceeds 32 (offset 38)\n");
  TextOptions quiet;
  quiet.quiet = true;
  EXPECT_EQ(print(quiet, events),
            "1   2    0.0020 (0.0020)  S>C  Handshake  ServerHello (malformed: session_id length 40 exceeds 32 at "
            "offset 38)\n");
}

TEST(TextPrinter, AlertsChangeCipherSpecAndUnknownHandshakeTypes) {
  const Connection conn = make_connection();
  Records records;
  const std::vector<uint8_t> alert_bytes = {2, 40};
  Field alert("alert", FieldKind::group);
  alert.add_code("level", 2, "fatal").at(0, 1);
  alert.add_code("description", 40, "handshake_failure").at(1, 1);
  tls::MessageEvent alert_event = alert_message(alert_bytes);
  alert_event.fields = &alert;
  Field ccs("change_cipher_spec", FieldKind::group);
  ccs.add_uint("type", 1).set_detail();
  tls::MessageEvent ccs_event;
  ccs_event.content_type = tls::content_type::change_cipher_spec;
  ccs_event.fields = &ccs;
  Field unknown("unknown", FieldKind::group);
  const auto events = [&](TextPrinter& p) {
    const tls::RecordEvent r1 = records.make(1, s2c, 1, tls::content_type::alert, alert_bytes);
    p.tls_record(conn, r1);
    p.tls_message(conn, r1, alert_event);
    const tls::RecordEvent r2 = records.make(2, s2c, 2, tls::content_type::change_cipher_spec, {1});
    p.tls_record(conn, r2);
    p.tls_message(conn, r2, ccs_event);
    const tls::RecordEvent r3 = records.make(3, s2c, 3, tls::content_type::handshake, {});
    p.tls_record(conn, r3);
    p.tls_message(conn, r3, handshake_message(99, &unknown));
  };
  const std::string unknown_name = std::string(tls::handshake_display_name(99)) + " (type 99)";
  EXPECT_EQ(print({}, events),
            "1   1    0.0010 (0.0010)  S>C  Alert\n"
            "      Alert\n"
            "        level fatal (0x02)\n"
            "        description handshake_failure (0x28)\n"
            "1   2    0.0020 (0.0010)  S>C  ChangeCipherSpec\n"
            "1   3    0.0030 (0.0010)  S>C  Handshake\n"
            "      " +
                unknown_name + "\n");
  TextOptions quiet;
  quiet.quiet = true;
  EXPECT_EQ(print(quiet, events),
            "1   1    0.0010 (0.0010)  S>C  Alert  fatal handshake_failure\n"
            "1   2    0.0020 (0.0010)  S>C  ChangeCipherSpec\n"
            "1   3    0.0030 (0.0010)  S>C  Handshake  " +
                unknown_name + "\n");
}

TEST(TextPrinter, HelloRetryRequestIsNamedByItsTree) {
  const Connection conn = make_connection();
  Records records;
  Field hrr("hello_retry_request", FieldKind::group);
  TextOptions quiet;
  quiet.quiet = true;
  EXPECT_EQ(print(quiet,
                  [&](TextPrinter& p) {
                    const tls::RecordEvent record = records.make(2, s2c, 2, tls::content_type::handshake, {});
                    p.tls_record(conn, record);
                    p.tls_message(conn, record, handshake_message(tls::handshake_type::server_hello, &hrr));
                  }),
            "1   2    0.0020 (0.0020)  S>C  Handshake  HelloRetryRequest\n");
}

// ---- -q and -x

TEST(TextPrinter, QuietPutsEachRecordOnOneLine) {
  const Connection conn = make_connection();
  Records records;
  Field hello("server_hello", FieldKind::group);
  hello.add_code("legacy_version", 0x0303, "TLS 1.2");
  Field certificate("certificate", FieldKind::group);
  Field done("server_hello_done", FieldKind::group);
  TextOptions quiet;
  quiet.quiet = true;
  EXPECT_EQ(print(quiet,
                  [&](TextPrinter& p) {
                    p.connection_started(conn);
                    const tls::RecordEvent r1 = records.make(1, c2s, 1, tls::content_type::handshake, {});
                    p.tls_record(conn, r1);
                    p.tls_message(conn, r1, handshake_message(tls::handshake_type::client_hello, nullptr));
                    const tls::RecordEvent r2 = records.make(2, s2c, 2, tls::content_type::handshake, {});
                    p.tls_record(conn, r2);
                    p.tls_message(conn, r2, handshake_message(tls::handshake_type::server_hello, &hello));
                    p.tls_message(conn, r2, handshake_message(tls::handshake_type::certificate, &certificate));
                    p.tls_message(conn, r2, handshake_message(tls::handshake_type::server_hello_done, &done));
                    // A record that completes no message (the first part of a long one).
                    p.tls_record(conn, records.make(3, c2s, 3, tls::content_type::handshake, {}));
                    p.gap(conn, c2s, 100, SegmentInfo{at_ms(4), 9});
                    p.tls_record(conn, records.make(4, c2s, 5, tls::content_type::application_data, {1, 2}));
                    p.connection_ended(conn);
                  }),
            "New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443)\n"
            "1   1    0.0010 (0.0010)  C>S  Handshake  ClientHello\n"
            "1   2    0.0020 (0.0010)  S>C  Handshake  ServerHello, Certificate, ServerHelloDone\n"
            "1   3    0.0030 (0.0010)  C>S  Handshake\n"
            "1        0.0040 (0.0010)  C>S  TCP gap: 100 bytes missing from the capture\n"
            "1   4    0.0050 (0.0010)  C>S  application_data  2 bytes\n"
            "Connection #1 ended (fin) after 0.0710 s: C>S 517 bytes, S>C 3012 bytes\n");
}

TEST(TextPrinter, HexDumpFollowsTheRecordAndItsMessages) {
  const Connection conn = make_connection();
  Records records;
  const std::vector<uint8_t> alert_bytes = {1, 0};
  Field alert("alert", FieldKind::group);
  alert.add_code("level", 1, "warning").at(0, 1);
  TextOptions hex;
  hex.hex = true;
  const auto events = [&](TextPrinter& p) {
    const tls::RecordEvent r1 = records.make(1, c2s, 1, tls::content_type::alert, alert_bytes);
    p.tls_record(conn, r1);
    tls::MessageEvent m = alert_message(alert_bytes);
    m.fields = &alert;
    p.tls_message(conn, r1, m);
    std::vector<uint8_t> data(20);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>('a' + i);
    p.tls_record(conn, records.make(2, s2c, 2, tls::content_type::application_data, data));
  };
  EXPECT_EQ(print(hex, events),
            "1   1    0.0010 (0.0010)  C>S  Alert\n"
            "      Alert\n"
            "        level warning (0x01)\n"
            "    0000  15 03 03 00 02 01 00                              .......\n"
            "1   2    0.0020 (0.0010)  S>C  application_data  20 bytes\n"
            "    0000  17 03 03 00 14 61 62 63  64 65 66 67 68 69 6a 6b  .....abcdefghijk\n"
            "    0010  6c 6d 6e 6f 70 71 72 73  74                       lmnopqrst\n");
  hex.quiet = true;
  EXPECT_EQ(print(hex, events),
            "1   1    0.0010 (0.0010)  C>S  Alert  warning close_notify\n"
            "    0000  15 03 03 00 02 01 00                              .......\n"
            "1   2    0.0020 (0.0010)  S>C  application_data  20 bytes\n"
            "    0000  17 03 03 00 14 61 62 63  64 65 66 67 68 69 6a 6b  .....abcdefghijk\n"
            "    0010  6c 6d 6e 6f 70 71 72 73  74                       lmnopqrst\n");
}

TEST(TextPrinter, HexDumpLayout) {
  std::vector<uint8_t> bytes(33);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x70 + i);
  fmt::memory_buffer out;
  append_hex_dump(out, bytes, 2);
  EXPECT_EQ(std::string(out.data(), out.size()),
            "  0000  70 71 72 73 74 75 76 77  78 79 7a 7b 7c 7d 7e 7f  pqrstuvwxyz{|}~.\n"
            "  0010  80 81 82 83 84 85 86 87  88 89 8a 8b 8c 8d 8e 8f  ................\n"
            "  0020  90                                                .\n");
  out.clear();
  append_hex_rows(out, Bytes(bytes).first(17), 1);
  EXPECT_EQ(std::string(out.data(), out.size()),
            " 70 71 72 73 74 75 76 77 78 79 7a 7b 7c 7d 7e 7f\n"
            " 80\n");
  out.clear();
  append_hex_dump(out, {}, 4);
  EXPECT_EQ(out.size(), 0u);
}

// ---- text from the wire

TEST(TextPrinter, TextFromTheWireCannotDriveTheTerminal) {
  const Connection conn = make_connection();
  Records records;
  Field root("client_hello", FieldKind::group);
  root.add_text("host_name", "evil\x1b]0;owned\x07.com\r\n");
  root.add_text("utf8",
                "b\xC3\xBC"
                "cher.example");
  root.add_text("c1_and_invalid",
                "a\xC2\x9B"
                "b\xFF");
  EXPECT_EQ(print({},
                  [&](TextPrinter& p) {
                    const tls::RecordEvent record = records.make(1, c2s, 1, tls::content_type::handshake, {});
                    p.tls_record(conn, record);
                    p.tls_message(conn, record, handshake_message(tls::handshake_type::client_hello, &root));
                  }),
            "1   1    0.0010 (0.0010)  C>S  Handshake\n"
            "      ClientHello\n"
            "        host name evil\\x1b]0;owned\\x07.com\\x0d\\x0a\n"
            "        utf8 b\xC3\xBC"
            "cher.example\n"
            "        c1 and invalid a\\xc2\\x9bb\\xff\n");
}

// ---- summaries

// -d: text as text lines, binary as a hex + ASCII dump; -X: always the dump.
TEST(TextPrinter, DecryptedDataTextOrHexDump) {
  const Connection conn = make_connection();
  Records records;
  std::vector<uint8_t> text = {'G', 'E', 'T', ' ', '/', '\r', '\n', 'H', 0xc3, 0xa9, '\t', '!'};
  std::vector<uint8_t> binary = {0x00, 0x01, 'a', 'b'};
  std::vector<uint8_t> escape = {'h', 'i', 0x1b, '[', '2', 'J'};  // a terminal control: not text
  std::vector<uint8_t> bad_utf8 = {'h', 'i', 0xc3};
  std::vector<tls::RecordEvent> rs;
  for (const auto* bytes : {&text, &binary, &escape, &bad_utf8}) {
    tls::RecordEvent r = records.make(rs.size() + 1, s2c, 1, tls::content_type::application_data, {1, 2});
    r.encrypted = true;
    r.decrypted = true;
    r.inner_content_type = tls::content_type::application_data;
    r.plaintext = *bytes;
    rs.push_back(r);
  }
  const auto events = [&](TextPrinter& p) {
    for (const auto& r : rs) p.tls_record(conn, r);
  };
  const auto dump = [](const std::vector<uint8_t>& bytes) {
    fmt::memory_buffer out;
    append_hex_dump(out, bytes, 4);
    return fmt::to_string(out);
  };
  TextOptions data;
  data.show_data = true;
  const std::string shown = print(data, events);
  // Text lines: CR LF ends a line; a tab is text but shown escaped, as every control is.
  EXPECT_NE(shown.find("    | GET /\n    | H\xc3\xa9\\x09!\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find(dump(binary)), std::string::npos) << shown;
  EXPECT_NE(shown.find(dump(escape)), std::string::npos) << shown;
  EXPECT_NE(shown.find(dump(bad_utf8)), std::string::npos) << shown;
  EXPECT_EQ(shown.find('\x1b'), std::string::npos);
  TextOptions hex_only = data;
  hex_only.hex_data = true;
  const std::string hex = print(hex_only, events);
  EXPECT_NE(hex.find(dump(text)), std::string::npos) << hex;
  EXPECT_EQ(hex.find("    | "), std::string::npos) << hex;
  EXPECT_EQ(print({}, events).find("0000 "), std::string::npos);  // nothing without -d
}

TEST(TextPrinter, CountsTlsAndDecryptedConnections) {
  const Connection conn = make_connection();
  tls::SessionSummary decrypted;
  decrypted.outcome = tls::HandshakeOutcome::complete;
  decrypted.decryption_attempted = true;
  decrypted.decrypted_records[0] = 1;
  tls::SessionSummary undecrypted;
  undecrypted.outcome = tls::HandshakeOutcome::complete;
  undecrypted.decryption_attempted = true;
  tls::SessionSummary not_tls;
  not_tls.outcome = tls::HandshakeOutcome::not_tls;
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    OutputStream out(file);
    TextPrinter printer(out, {});
    printer.tls_summary(conn, decrypted);
    printer.tls_summary(conn, undecrypted);
    printer.tls_summary(conn, not_tls);
    EXPECT_EQ(printer.tls_connections(), 2u);
    EXPECT_EQ(printer.decrypted_connections(), 1u);
  }
  std::fclose(file);
}

TEST(TextPrinter, SummaryOfACompletedHandshake) {
  const Connection conn = make_connection();
  tls::TlsFacts facts;
  facts.client_hello_seen = true;
  facts.server_hello_seen = true;
  facts.client_legacy_version = 0x0303;
  facts.client_supported_versions = {0x0304, 0x0303};
  facts.negotiated_version = 0x0303;
  facts.cipher_suite = 0xc02f;
  facts.sni = "localhost";
  facts.alpn_offered = {"h2", "http/1.1"};
  facts.alpn = "http/1.1";
  facts.key_exchange_group = 0x001d;
  facts.hello_retry_request = true;
  facts.hrr_selected_group = 0x0017;
  facts.server_chain = {{1}, {2}};
  facts.certificate_request_seen = true;
  facts.client_certificate_empty = true;
  tls::SessionSummary summary;
  summary.facts = &facts;
  summary.outcome = tls::HandshakeOutcome::complete;
  summary.records[0] = 7;
  summary.records[1] = 9;
  summary.application_data_bytes[0] = 120;
  summary.application_data_bytes[1] = 4096;
  EXPECT_EQ(print({}, [&](TextPrinter& p) { p.tls_summary(conn, summary); }),
            "  TLS summary: TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, full handshake, completed\n"
            "    SNI                localhost\n"
            "    ALPN               offered h2, http/1.1; selected http/1.1\n"
            "    versions offered   TLS 1.3, TLS 1.2\n"
            "    key exchange       x25519\n"
            "    HelloRetryRequest  group secp256r1\n"
            "    server chain       2 certificates\n"
            "    client certificate requested, none sent\n"
            "    records            C>S 7, S>C 9; application data C>S 120 bytes, S>C 4096 bytes\n");
}

TEST(TextPrinter, SummaryOfFailedAndUnreadableConnections) {
  const Connection conn = make_connection();
  tls::TlsFacts facts;
  facts.client_hello_seen = true;
  facts.client_legacy_version = 0x0301;
  facts.alpn_offered = {"h2"};
  tls::SessionSummary failed;
  failed.facts = &facts;
  failed.outcome = tls::HandshakeOutcome::alert;
  failed.fatal_alert_seen = true;
  failed.fatal_alert = 40;
  failed.records[0] = 1;
  failed.records[1] = 1;
  EXPECT_EQ(print({}, [&](TextPrinter& p) { p.tls_summary(conn, failed); }),
            "  TLS summary: no ServerHello, failed: fatal alert handshake_failure\n"
            "    SNI                (none)\n"
            "    ALPN               offered h2\n"
            "    versions offered   TLS 1.0\n"
            "    records            C>S 1, S>C 1; application data C>S 0 bytes, S>C 0 bytes\n");

  tls::TlsFacts nothing;
  tls::SessionSummary midstream;
  midstream.facts = &nothing;
  midstream.outcome = tls::HandshakeOutcome::midstream;
  midstream.records[1] = 3;
  EXPECT_EQ(print({}, [&](TextPrinter& p) { p.tls_summary(conn, midstream); }),
            "  TLS summary: mid-stream: handshake not captured\n"
            "    records            C>S 0, S>C 3; application data C>S 0 bytes, S>C 0 bytes\n");

  tls::SessionSummary not_tls;
  not_tls.outcome = tls::HandshakeOutcome::not_tls;
  EXPECT_EQ(print({}, [&](TextPrinter& p) { p.tls_summary(conn, not_tls); }), "");
}

TEST(TextPrinter, SummaryOfTls13WithoutKeys) {
  const Connection conn = make_connection();
  tls::TlsFacts facts;
  facts.client_hello_seen = true;
  facts.server_hello_seen = true;
  facts.client_legacy_version = 0x0303;
  facts.client_supported_versions = {0x0304};
  facts.negotiated_version = 0x0304;
  facts.cipher_suite = 0x1302;
  facts.sni = "example.com";
  facts.alpn_offered = {"h2"};
  facts.key_exchange_group = 0x11ec;
  tls::SessionSummary summary;
  summary.facts = &facts;
  summary.outcome = tls::HandshakeOutcome::resumed;
  summary.resumed = true;
  EXPECT_EQ(print({}, [&](TextPrinter& p) { p.tls_summary(conn, summary); }),
            "  TLS summary: TLS 1.3, TLS_AES_256_GCM_SHA384, resumed handshake, completed\n"
            "    SNI                example.com\n"
            "    ALPN               offered h2; selection encrypted\n"
            "    versions offered   TLS 1.3\n"
            "    key exchange       X25519MLKEM768\n"
            "    records            C>S 0, S>C 0; application data C>S 0 bytes, S>C 0 bytes\n");
}

}  // namespace
}  // namespace tlslens
