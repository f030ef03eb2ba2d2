// JsonPrinter: every event type becomes one line that parses (nlohmann::json as the
// referee) and carries "schema" and "event"; the members documented in docs/json.md are
// there with the right values; Field trees map kind by kind whatever their Show level;
// certificates get lines of their own; -x adds hex; text from the wire is escaped.
#include "core/output/json_printer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <deque>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/tls/handshake_decoders.h"

namespace tlslens {
namespace {

using nlohmann::json;
using tls::Field;
using tls::FieldKind;

constexpr int64_t kStartSeconds = 1795971491;  // 2026-11-29 16:58:11 UTC

Timestamp at_us(int64_t us) {
  return Timestamp::from_sec_usec(kStartSeconds, us);
}

Connection make_connection(uint64_t id = 1) {
  Connection conn;
  conn.id = id;
  conn.client = Endpoint{IpAddress::parse("2001:db8::1"), 51234};
  conn.server = Endpoint{IpAddress::parse("10.0.0.2"), 443};
  conn.handshake_seen = true;
  conn.first_seen = at_us(791655);
  conn.last_seen = at_us(800374);
  conn.first_packet = 1;
  conn.end_reason = EndReason::rst;
  conn.stats[0].delivered_bytes = 732;
  conn.stats[0].segments = 9;
  conn.stats[1].delivered_bytes = 7125;
  conn.stats[1].gaps = 1;
  conn.stats[1].gap_bytes = 1448;
  conn.stats[1].rst_seen = true;
  return conn;
}

// Runs `events` against a JsonPrinter writing to a temporary file; returns the raw lines.
std::vector<std::string> print_lines(const JsonOptions& options, const std::function<void(JsonPrinter&)>& events) {
  std::FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  {
    OutputStream out(file);
    JsonPrinter printer(out, options);
    events(printer);
  }
  std::string text;
  std::rewind(file);
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  std::fclose(file);
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line is not terminated";
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The same, parsed; every line must parse and carry the schema version and an event name.
std::vector<json> print(const JsonOptions& options, const std::function<void(JsonPrinter&)>& events) {
  std::vector<json> parsed;
  for (const std::string& line : print_lines(options, events)) {
    json object;
    EXPECT_NO_THROW(object = json::parse(line)) << line;
    EXPECT_TRUE(object.is_object()) << line;
    EXPECT_EQ(object.value("schema", 0), 1) << line;
    EXPECT_TRUE(object.contains("event") && object["event"].is_string()) << line;
    parsed.push_back(std::move(object));
  }
  return parsed;
}

class Records {
 public:
  tls::RecordEvent make(uint64_t number, Direction dir, int64_t us, uint8_t content_type, std::vector<uint8_t> fragment,
                        uint16_t version = 0x0303) {
    const std::vector<uint8_t>& body = storage_.emplace_back(std::move(fragment));
    const std::vector<uint8_t>& header = storage_.emplace_back(
        std::vector<uint8_t>{content_type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                             static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())});
    tls::RecordEvent r;
    r.number = number;
    r.dir = dir;
    r.at = SegmentInfo{at_us(us), number + 3};
    r.stream_offset = 100 * number;
    r.content_type = content_type;
    r.version = version;
    r.header = header;
    r.fragment = body;
    return r;
  }

 private:
  std::deque<std::vector<uint8_t>> storage_;
};

constexpr Direction c2s = Direction::client_to_server;
constexpr Direction s2c = Direction::server_to_client;

TEST(JsonPrinter, GapLineIsExact) {
  const Connection conn = make_connection();
  const std::vector<std::string> lines = print_lines({}, [&](JsonPrinter& p) {
    p.gap(conn, s2c, 1448, SegmentInfo{at_us(801000), 12});
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], R"({"schema":1,"event":"gap","connection":1,"ts":"2026-11-29T16:58:11.801000Z",)"
                      R"("ts_epoch":1795971491.801000,"packet":12,"dir":"S>C","missing_bytes":1448})");
}

TEST(JsonPrinter, ConnectionLines) {
  const Connection conn = make_connection();
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) {
    p.connection_started(conn);
    p.connection_ended(conn);
  });
  ASSERT_EQ(lines.size(), 2u);
  const json& start = lines[0];
  EXPECT_EQ(start["event"], "connection_start");
  EXPECT_EQ(start["connection"], 1);
  EXPECT_EQ(start["ts"], "2026-11-29T16:58:11.791655Z");
  EXPECT_DOUBLE_EQ(start["ts_epoch"].get<double>(), 1795971491.791655);
  EXPECT_EQ(start["packet"], 1);
  EXPECT_EQ(start["client"], json::parse(R"({"ip":"2001:db8::1","port":51234})"));
  EXPECT_EQ(start["server"], json::parse(R"({"ip":"10.0.0.2","port":443})"));
  EXPECT_EQ(start["handshake_seen"], true);

  const json& end = lines[1];
  EXPECT_EQ(end["event"], "connection_end");
  EXPECT_EQ(end["ts"], "2026-11-29T16:58:11.800374Z");
  EXPECT_EQ(end["reason"], "rst");
  EXPECT_DOUBLE_EQ(end["duration"].get<double>(), 0.008719);
  EXPECT_EQ(end["stats"]["C>S"]["bytes"], 732);
  EXPECT_EQ(end["stats"]["C>S"]["segments"], 9);
  EXPECT_EQ(end["stats"]["S>C"]["bytes"], 7125);
  EXPECT_EQ(end["stats"]["S>C"]["gaps"], 1);
  EXPECT_EQ(end["stats"]["S>C"]["gap_bytes"], 1448);
  EXPECT_EQ(end["stats"]["S>C"]["rst"], true);
  EXPECT_EQ(end["stats"]["C>S"]["fin"], false);
}

TEST(JsonPrinter, MalformedPacketAndCaptureEnd) {
  AnalysisSummary summary;
  summary.packets = 157;
  summary.connections = 6;
  summary.gap_bytes = 1448;
  summary.ip_fragments_dropped = 2;
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) {
    p.malformed_packet(42, at_us(5), "IPv4 header length below 20");
    p.finished(summary);
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["event"], "malformed_packet");
  EXPECT_EQ(lines[0]["packet"], 42);
  EXPECT_EQ(lines[0]["ts"], "2026-11-29T16:58:11.000005Z");
  EXPECT_EQ(lines[0]["reason"], "IPv4 header length below 20");
  EXPECT_EQ(lines[1]["event"], "capture_end");
  EXPECT_EQ(lines[1]["packets"], 157);
  EXPECT_EQ(lines[1]["connections"], 6);
  EXPECT_EQ(lines[1]["gap_bytes"], 1448);
  EXPECT_EQ(lines[1]["ip_fragments_dropped"], 2);
  for (const char* key :
       {"tcp_segments", "not_tcp", "malformed", "unsupported_link", "cut_by_snaplen", "peak_active_connections",
        "evicted_by_cap", "ended_idle", "forced_gaps", "forced_gap_bytes", "gaps", "retransmitted_bytes",
        "out_of_order_segments", "overlap_conflict_bytes", "ip_fragments", "ip_reassembled"})
    EXPECT_TRUE(lines[1].contains(key)) << key;
}

TEST(JsonPrinter, DecryptedDataIsHexWithATextPreview) {
  const Connection conn = make_connection();
  Records records;
  std::vector<uint8_t> text = {'G', 'E', 'T', ' ', '/', '\r', '\n'};
  std::vector<uint8_t> binary = {0x00, 0xff, 'a', 0x80};
  std::vector<uint8_t> big(300, 'x');
  tls::RecordEvent r1 = records.make(1, c2s, 1, tls::content_type::application_data, {1, 2, 3});
  tls::RecordEvent r2 = records.make(2, s2c, 2, tls::content_type::application_data, {1, 2, 3});
  tls::RecordEvent r3 = records.make(3, s2c, 3, tls::content_type::application_data, {1, 2, 3});
  for (tls::RecordEvent* r : {&r1, &r2, &r3}) {
    r->encrypted = true;
    r->decrypted = true;
    r->inner_content_type = tls::content_type::application_data;
  }
  r1.plaintext = text;
  r2.plaintext = binary;
  r3.plaintext = big;
  const auto events = [&](JsonPrinter& p) {
    p.tls_record(conn, r1);
    p.tls_record(conn, r2);
    p.tls_record(conn, r3);
  };
  std::vector<json> lines = print({}, events);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(lines[0].contains("data_hex"));  // only with -d
  EXPECT_FALSE(lines[0].contains("data"));
  JsonOptions data;
  data.show_data = true;
  lines = print(data, events);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(lines[0].contains("data"));
  EXPECT_EQ(lines[0]["data_hex"], "474554202f0d0a");
  EXPECT_EQ(lines[0]["data_preview"], "GET /\r\n");
  EXPECT_EQ(lines[1]["data_hex"], "00ff6180");
  EXPECT_EQ(lines[1]["data_preview"], std::string("\0\xEF\xBF\xBD" "a\xEF\xBF\xBD", 8));  // never raw bytes
  std::string big_hex;
  for (int i = 0; i < 300; ++i) big_hex += "78";
  EXPECT_EQ(lines[2]["data_hex"], big_hex);  // all of it
  EXPECT_EQ(lines[2]["data_preview"], std::string(256, 'x'));  // the first 256 bytes
}

TEST(JsonPrinter, CaptureEndCarriesDecryptionCoverageWithKeyMaterial) {
  const Connection conn = make_connection();
  tls::SessionSummary decrypted;
  decrypted.outcome = tls::HandshakeOutcome::complete;
  decrypted.decryption_attempted = true;
  decrypted.decrypted_records[1] = 3;
  tls::SessionSummary undecrypted;
  undecrypted.outcome = tls::HandshakeOutcome::complete;
  undecrypted.decryption_attempted = true;
  tls::SessionSummary not_tls;
  not_tls.outcome = tls::HandshakeOutcome::not_tls;
  const auto events = [&](JsonPrinter& p) {
    p.tls_summary(conn, decrypted);
    p.tls_summary(conn, undecrypted);
    p.tls_summary(conn, not_tls);
    p.finished(AnalysisSummary{});
  };
  std::vector<json> lines = print({}, events);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(lines[3].contains("decryption"));  // no key material
  JsonOptions keys;
  keys.key_log_usage = [] { return KeyLogUsage{10, 4}; };
  lines = print(keys, events);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3]["event"], "capture_end");
  EXPECT_EQ(lines[3]["decryption"],
            json::parse(R"({"tls_connections":2,"decrypted_connections":1,"key_log_entries":10,"unused_key_log_entries":4})"));
}

TEST(JsonPrinter, RecordsCarryTheirHeaderAndHexOnlyWithDashX) {
  const Connection conn = make_connection();
  Records records;
  tls::RecordEvent record = records.make(3, s2c, 900000, tls::content_type::application_data, {0xde, 0xad}, 0x0303);
  record.encrypted = true;
  tls::RecordEvent unknown = records.make(4, c2s, 900001, 99, {}, 0x1234);
  const auto events = [&](JsonPrinter& p) {
    p.tls_record(conn, record);
    p.tls_record(conn, unknown);
  };
  std::vector<json> lines = print({}, events);
  ASSERT_EQ(lines.size(), 2u);
  const json& r = lines[0];
  EXPECT_EQ(r["event"], "record");
  EXPECT_EQ(r["connection"], 1);
  EXPECT_EQ(r["dir"], "S>C");
  EXPECT_EQ(r["packet"], 6);
  EXPECT_EQ(r["number"], 3);
  EXPECT_EQ(r["content_type"], json::parse(R"({"code":23,"name":"application_data"})"));
  EXPECT_EQ(r["version"], json::parse(R"({"code":771,"name":"TLS 1.2"})"));
  EXPECT_EQ(r["length"], 2);
  EXPECT_EQ(r["encrypted"], true);
  EXPECT_EQ(r["sslv2"], false);
  EXPECT_EQ(r["stream_offset"], 300);
  EXPECT_FALSE(r.contains("fragment_hex"));
  // Unknown codes keep their number and have no name.
  EXPECT_EQ(lines[1]["content_type"], json::parse(R"({"code":99})"));
  EXPECT_EQ(lines[1]["version"], json::parse(R"({"code":4660})"));

  lines = print(JsonOptions{true}, events);
  EXPECT_EQ(lines[0]["fragment_hex"], "dead");
  EXPECT_EQ(lines[1]["fragment_hex"], "");
}

// A tree with every field kind at every Show level: JSON shows them all.
struct Tree {
  std::vector<uint8_t> random = {0x00, 0x01, 0xfe, 0xff};
  std::vector<uint8_t> message = {1, 0, 0, 4, 0x00, 0x01, 0xfe, 0xff};
  Field root{"client_hello", FieldKind::group};

  Tree() {
    root.add_code("handshake_type", 1, "client_hello").at(0, 1).set_detail();
    root.add_uint("length", 4).at(1, 3).set_detail();
    root.add_bytes("random", random).at(4, 4);
    Field& suites = root.add_list("cipher_suites");
    suites.add_code("cipher_suite", 0x1301, "TLS_AES_128_GCM_SHA256");
    suites.add_code("cipher_suite", 0x5600, "");
    Field& extensions = root.add_list("extensions");
    Field& sni = extensions.add_group("extension");
    sni.add_code("type", 0, "server_name");
    sni.add_text("host_name", "caf\xC3\xA9\n\"x\"\\\xFF");
    root.add_bool("flag", true);
    root.add_bool("other_flag", false);
    root.add_list("empty");
    root.add_group("nothing").set_cert_detail();
  }
};

TEST(JsonPrinter, MessagesCarryTheWholeTree) {
  const Connection conn = make_connection();
  Records records;
  Tree tree;
  tls::MessageEvent message;
  message.content_type = tls::content_type::handshake;
  message.handshake_type = tls::handshake_type::client_hello;
  message.bytes = tree.message;
  message.fields = &tree.root;
  const tls::RecordEvent record = records.make(1, c2s, 1000, tls::content_type::handshake, tree.message, 0x0301);
  const auto events = [&](JsonPrinter& p) { p.tls_message(conn, record, message); };
  std::vector<json> lines = print({}, events);
  ASSERT_EQ(lines.size(), 1u);
  const json& m = lines[0];
  EXPECT_EQ(m["event"], "message");
  EXPECT_EQ(m["record"], 1);
  EXPECT_EQ(m["dir"], "C>S");
  EXPECT_EQ(m["content_type"], json::parse(R"({"code":22,"name":"handshake"})"));
  EXPECT_EQ(m["handshake_type"], json::parse(R"({"code":1,"name":"client_hello"})"));
  EXPECT_EQ(m["message"], "ClientHello");
  EXPECT_EQ(m["length"], 8);
  EXPECT_FALSE(m.contains("problem"));
  EXPECT_FALSE(m.contains("message_hex"));
  const json expected_fields = json::parse(R"({
    "handshake_type": {"code": 1, "name": "client_hello"},
    "length": 4,
    "random": "0001feff",
    "cipher_suites": [{"code": 4865, "name": "TLS_AES_128_GCM_SHA256"}, {"code": 22016}],
    "extensions": [{"type": {"code": 0, "name": "server_name"}, "host_name": "café\n\"x\"\\\ufffd"}],
    "flag": true,
    "other_flag": false,
    "empty": [],
    "nothing": {}
  })");
  EXPECT_EQ(m["fields"], expected_fields);

  lines = print(JsonOptions{true}, events);
  EXPECT_EQ(lines[0]["message_hex"], "010000040001feff");
}

TEST(JsonPrinter, ProblemsAlertsAndMessagesWithoutTrees) {
  const Connection conn = make_connection();
  Records records;
  const std::vector<uint8_t> alert_bytes = {2, 40};
  Field alert("alert", FieldKind::group);
  alert.add_code("level", 2, "fatal");
  alert.add_code("description", 40, "handshake_failure");
  tls::MessageEvent alert_message;
  alert_message.content_type = tls::content_type::alert;
  alert_message.bytes = alert_bytes;
  alert_message.fields = &alert;
  tls::DecodeProblem problem{6, "random needs 32 bytes, 3 present"};
  tls::MessageEvent broken;
  broken.content_type = tls::content_type::handshake;
  broken.handshake_type = tls::handshake_type::server_hello;
  broken.problem = &problem;
  const tls::RecordEvent record = records.make(5, s2c, 2000, tls::content_type::alert, alert_bytes);
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) {
    p.tls_message(conn, record, alert_message);
    p.tls_message(conn, record, broken);
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["message"], "Alert");
  EXPECT_FALSE(lines[0].contains("handshake_type"));
  EXPECT_EQ(lines[0]["fields"]["description"], json::parse(R"({"code":40,"name":"handshake_failure"})"));
  EXPECT_EQ(lines[1]["message"], "ServerHello");
  EXPECT_TRUE(lines[1]["fields"].is_null());
  EXPECT_EQ(lines[1]["problem"], json::parse(R"({"offset":6,"reason":"random needs 32 bytes, 3 present"})"));
}

TEST(JsonPrinter, EachCertificateGetsALineOfItsOwn) {
  const Connection conn = make_connection();
  Records records;
  std::vector<uint8_t> der = {0x30, 0x82};
  Field root("certificate", FieldKind::group);
  root.add_bytes("certificate_request_context", {});
  Field& list = root.add_list("certificate_list");
  for (const char* subject : {"CN=example.com", "CN=Example CA"}) {
    Field& cert = list.add_group("certificate");
    cert.add_text("subject", subject);
    cert.add_text("issuer", "CN=Root");
    Field& key = cert.add_group("public_key").set_cert_detail();
    key.add_text("type", "EC");
    cert.add_bytes("der", der).set_detail();
    // A TLS 1.3 entry's extensions sit inside the certificate group.
    cert.add_list("extensions");
  }
  tls::MessageEvent message;
  message.content_type = tls::content_type::handshake;
  message.handshake_type = tls::handshake_type::certificate;
  message.fields = &root;
  const tls::RecordEvent record = records.make(3, s2c, 3000, tls::content_type::handshake, {});
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) { p.tls_message(conn, record, message); });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["event"], "message");
  EXPECT_EQ(lines[0]["fields"]["certificate_list"].size(), 2u);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(lines[i]["event"], "certificate");
    EXPECT_EQ(lines[i]["connection"], 1);
    EXPECT_EQ(lines[i]["record"], 3);
    EXPECT_EQ(lines[i]["dir"], "S>C");
    EXPECT_EQ(lines[i]["index"], i - 1);
    EXPECT_EQ(lines[i]["fields"]["issuer"], "CN=Root");
    EXPECT_EQ(lines[i]["fields"]["public_key"]["type"], "EC");
    EXPECT_EQ(lines[i]["fields"]["der"], "3082");
  }
  EXPECT_EQ(lines[1]["fields"]["subject"], "CN=example.com");
  EXPECT_EQ(lines[2]["fields"]["subject"], "CN=Example CA");
}

TEST(JsonPrinter, NotesEscapeTextFromTheWire) {
  const Connection conn = make_connection();
  tls::NoteEvent note;
  note.kind = tls::NoteKind::not_tls;
  note.dir = c2s;
  note.at = SegmentInfo{at_us(795000), 4};
  note.stream_offset = 0;
  note.text = "starts with \"GET /\x01\xC3\x28\" and a tab\t";
  const std::vector<std::string> raw = print_lines({}, [&](JsonPrinter& p) { p.tls_note(conn, note); });
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_NE(raw[0].find(R"("text":"starts with \"GET /\u0001)"
                        "\xEF\xBF\xBD"
                        R"((\" and a tab\t")"),
            std::string::npos)
      << raw[0];
  const json line = json::parse(raw[0]);
  EXPECT_EQ(line["event"], "note");
  EXPECT_EQ(line["kind"], "not_tls");
  EXPECT_EQ(line["dir"], "C>S");
  EXPECT_EQ(line["stream_offset"], 0);
}

TEST(JsonPrinter, SummaryCarriesTheFacts) {
  const Connection conn = make_connection();
  tls::TlsFacts facts;
  facts.client_hello_seen = true;
  facts.server_hello_seen = true;
  facts.client_hello_count = 2;
  facts.client_legacy_version = 0x0303;
  facts.client_supported_versions = {0x0304, 0x0303};
  facts.negotiated_version = 0x0304;
  facts.cipher_suite = 0x1301;
  facts.offered_cipher_suites = {0x1301, 0x1302};
  facts.sni = "example.com";
  facts.alpn_offered = {"h2", "http/1.1"};
  facts.alpn = "h2";
  facts.offered_groups = {0x001d, 0x0017};
  facts.client_key_share_groups = {0x0017};
  facts.signature_algorithms = {0x0804};
  facts.key_exchange_group = 0x001d;
  facts.hello_retry_request = true;
  facts.hrr_selected_group = 0x001d;
  facts.psk_selected_identity = 0;
  facts.server_chain = {{1}, {2}, {3}};
  facts.certificate_request_seen = true;
  facts.client_chain = {{4}};
  facts.client_ext.extended_master_secret = true;
  facts.server_ext.extended_master_secret = true;
  facts.finished_server = true;
  tls::SessionSummary summary;
  summary.facts = &facts;
  summary.outcome = tls::HandshakeOutcome::alert;
  summary.fatal_alert_seen = true;
  summary.fatal_alert = 42;
  summary.records[0] = 5;
  summary.records[1] = 8;
  summary.application_data_bytes[1] = 4096;
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) { p.tls_summary(conn, summary); });
  ASSERT_EQ(lines.size(), 1u);
  const json& s = lines[0];
  EXPECT_EQ(s["event"], "summary");
  EXPECT_EQ(s["connection"], 1);
  EXPECT_EQ(s["outcome"], "alert");
  EXPECT_EQ(s["resumed"], false);
  EXPECT_EQ(s["fatal_alert"], json::parse(R"({"code":42,"name":"bad_certificate"})"));
  EXPECT_EQ(s["records"], json::parse(R"({"C>S":5,"S>C":8})"));
  EXPECT_EQ(s["application_data_bytes"], json::parse(R"({"C>S":0,"S>C":4096})"));
  EXPECT_EQ(s["version"], json::parse(R"({"code":772,"name":"TLS 1.3"})"));
  EXPECT_EQ(s["cipher_suite"], json::parse(R"({"code":4865,"name":"TLS_AES_128_GCM_SHA256"})"));
  EXPECT_EQ(s["sni"], "example.com");
  EXPECT_EQ(s["alpn"], "h2");
  EXPECT_EQ(s["alpn_offered"], json::parse(R"(["h2","http/1.1"])"));
  EXPECT_EQ(s["client_legacy_version"]["code"], 0x0303);
  EXPECT_EQ(s["versions_offered"], json::parse(R"([{"code":772,"name":"TLS 1.3"},{"code":771,"name":"TLS 1.2"}])"));
  EXPECT_EQ(s["cipher_suites_offered"].size(), 2u);
  EXPECT_EQ(s["groups_offered"][1], json::parse(R"({"code":23,"name":"secp256r1"})"));
  EXPECT_EQ(s["key_share_groups"].size(), 1u);
  EXPECT_EQ(s["signature_algorithms_offered"][0]["name"], "rsa_pss_rsae_sha256");
  EXPECT_EQ(s["key_exchange_group"]["name"], "x25519");
  EXPECT_TRUE(s["dhe_prime_bits"].is_null());
  EXPECT_TRUE(s["server_signature_scheme"].is_null());
  EXPECT_EQ(s["hello_retry_request"], true);
  EXPECT_EQ(s["hrr_group"]["code"], 0x001d);
  EXPECT_EQ(s["client_hello_count"], 2);
  EXPECT_EQ(s["psk_selected_identity"], 0);
  EXPECT_EQ(s["extended_master_secret"], true);
  EXPECT_EQ(s["encrypt_then_mac"], false);
  EXPECT_EQ(s["server_certificates"], 3);
  EXPECT_EQ(s["certificate_requested"], true);
  EXPECT_EQ(s["client_certificate"], "sent");
  EXPECT_EQ(s["client_certificates"], 1);
  EXPECT_EQ(s["server_finished"], true);
  EXPECT_EQ(s["client_finished"], false);
}

TEST(JsonPrinter, SummaryWithoutFactsHasEveryKey) {
  const Connection conn = make_connection();
  tls::SessionSummary with_facts;
  tls::TlsFacts facts;
  with_facts.facts = &facts;
  with_facts.outcome = tls::HandshakeOutcome::incomplete;
  tls::SessionSummary without;
  without.outcome = tls::HandshakeOutcome::not_tls;
  const std::vector<json> lines = print({}, [&](JsonPrinter& p) {
    p.tls_summary(conn, with_facts);
    p.tls_summary(conn, without);
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["outcome"], "not_tls");
  EXPECT_TRUE(lines[1]["version"].is_null());
  EXPECT_TRUE(lines[1]["sni"].is_null());
  EXPECT_TRUE(lines[1]["fatal_alert"].is_null());
  EXPECT_EQ(lines[1]["versions_offered"], json::array());
  EXPECT_EQ(lines[1]["client_certificate"], "none");
  // The same keys whether or not the session had facts.
  std::vector<std::string> keys_with, keys_without;
  for (const auto& [key, value] : lines[0].items()) keys_with.push_back(key);
  for (const auto& [key, value] : lines[1].items()) keys_without.push_back(key);
  EXPECT_EQ(keys_with, keys_without);
}

}  // namespace
}  // namespace tlslens
