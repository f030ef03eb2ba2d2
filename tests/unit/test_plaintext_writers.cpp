// DecryptedStreamWriter, PlaintextPcapWriter and TeeSink fed hand-made events; the pcap is read
// back with libpcap.
#include <gtest/gtest.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/output/decrypted_stream_writer.h"
#include "core/output/plaintext_pcap_writer.h"
#include "core/output/tee_sink.h"

namespace tlslens {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const char* name) {
  fs::path p = fs::temp_directory_path() / (std::string("tlslens-test-") + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

Connection make_conn(uint64_t id, bool v6) {
  Connection c;
  c.id = id;
  c.client.addr = IpAddress::parse(v6 ? "2001:db8::1" : "10.0.0.1");
  c.server.addr = IpAddress::parse(v6 ? "2001:db8::2" : "10.0.0.2");
  c.client.port = 51234;
  c.server.port = 443;
  c.first_seen = Timestamp::from_sec_usec(100, 0);
  c.last_seen = Timestamp::from_sec_usec(105, 0);
  return c;
}

// A decrypted record carrying `data` as application data (or another inner type).
tls::RecordEvent record(Direction dir, const std::vector<uint8_t>& data, int64_t usec, uint8_t inner = 23) {
  tls::RecordEvent r;
  r.dir = dir;
  r.content_type = 23;
  r.encrypted = true;
  r.decrypted = true;
  r.inner_content_type = inner;
  r.plaintext = data;
  r.at.ts = Timestamp::from_sec_usec(101, usec);
  return r;
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr Direction c2s = Direction::client_to_server;
constexpr Direction s2c = Direction::server_to_client;

TEST(DecryptedStreamWriter, FileNames) {
  EXPECT_EQ(DecryptedStreamWriter::file_name(make_conn(3, false), c2s), "conn3-10.0.0.1_51234-10.0.0.2_443-c2s.bin");
  EXPECT_EQ(DecryptedStreamWriter::file_name(make_conn(4, true), s2c),
            "conn4-2001_db8__1_51234-2001_db8__2_443-s2c.bin");
}

TEST(DecryptedStreamWriter, WritesApplicationDataPerDirection) {
  const fs::path dir = temp_dir("streams");
  DecryptedStreamWriter w;
  std::string error;
  ASSERT_TRUE(w.open(dir.string(), error)) << error;
  const Connection conn = make_conn(1, false);
  w.connection_started(conn);
  const auto get = bytes_of("GET / HTTP/1.1\r\n\r\n");
  const auto ok1 = bytes_of("HTTP/1.1 200 OK\r\n"), ok2 = bytes_of("\r\nbody");
  const auto handshake = bytes_of("not application data");
  w.tls_record(conn, record(c2s, handshake, 0, 22));  // TLS 1.3 post-handshake message: skipped
  w.tls_record(conn, record(c2s, get, 1));
  w.tls_record(conn, record(s2c, ok1, 2));
  w.tls_record(conn, record(s2c, ok2, 3));
  tls::RecordEvent undecrypted = record(s2c, ok2, 4);
  undecrypted.decrypted = false;
  w.tls_record(conn, undecrypted);
  // A connection without decrypted data gets no files.
  const Connection other = make_conn(2, false);
  w.connection_started(other);
  w.connection_ended(other);
  w.connection_ended(conn);
  EXPECT_TRUE(w.error().empty()) << w.error();
  EXPECT_EQ(w.files_written(), 2u);
  EXPECT_EQ(read_all(dir / "conn1-10.0.0.1_51234-10.0.0.2_443-c2s.bin"), "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(read_all(dir / "conn1-10.0.0.1_51234-10.0.0.2_443-s2c.bin"), "HTTP/1.1 200 OK\r\n\r\nbody");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 2);
  fs::remove_all(dir);
}

struct Packet {
  pcap_pkthdr hdr;
  std::vector<uint8_t> data;
};

std::vector<Packet> read_pcap(const fs::path& p, int& linktype) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* pc = pcap_open_offline(p.string().c_str(), err);
  EXPECT_NE(pc, nullptr) << err;
  std::vector<Packet> out;
  if (pc == nullptr) return out;
  linktype = pcap_datalink(pc);
  pcap_pkthdr* hdr;
  const u_char* data;
  while (pcap_next_ex(pc, &hdr, &data) == 1) out.push_back({*hdr, std::vector<uint8_t>(data, data + hdr->caplen)});
  pcap_close(pc);
  return out;
}

uint32_t be16(const uint8_t* p) { return static_cast<uint32_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return be16(p) << 16 | be16(p + 2); }

// RFC 1071 sum over data, with `acc` added; a correct checksum sums to 0xffff.
uint32_t csum(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += be16(p + i);
  if (n & 1) acc += static_cast<uint32_t>(p[n - 1] << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return acc;
}

struct Seg {
  std::string src, dst;
  uint32_t sport, dport, seq, ack, flags;
  std::string payload;
  bool checksums_ok;
};

Seg parse(const Packet& p) {
  const uint8_t* ip = p.data.data();
  Seg s{};
  size_t ip_len;
  uint32_t pseudo;
  size_t tcp_len;
  if ((ip[0] >> 4) == 6) {
    ip_len = 40;
    s.src = IpAddress::v6(std::span<const uint8_t, 16>(ip + 8, 16)).to_string();
    s.dst = IpAddress::v6(std::span<const uint8_t, 16>(ip + 24, 16)).to_string();
    tcp_len = be16(ip + 4);
    pseudo = csum(ip + 8, 32) + 6 + static_cast<uint32_t>(tcp_len);
    s.checksums_ok = true;
  } else {
    ip_len = 20;
    s.src = IpAddress::v4(std::span<const uint8_t, 4>(ip + 12, 4)).to_string();
    s.dst = IpAddress::v4(std::span<const uint8_t, 4>(ip + 16, 4)).to_string();
    tcp_len = be16(ip + 2) - 20;
    pseudo = csum(ip + 12, 8) + 6 + static_cast<uint32_t>(tcp_len);
    s.checksums_ok = csum(ip, 20) == 0xffff;
  }
  EXPECT_EQ(ip_len + tcp_len, p.data.size());
  const uint8_t* tcp = ip + ip_len;
  s.sport = be16(tcp);
  s.dport = be16(tcp + 2);
  s.seq = be32(tcp + 4);
  s.ack = be32(tcp + 8);
  s.flags = tcp[13];
  s.payload.assign(tcp + 20, tcp + tcp_len);
  s.checksums_ok = s.checksums_ok && csum(tcp, tcp_len, pseudo) == 0xffff;
  return s;
}

void check_pcap(bool v6) {
  const fs::path dir = temp_dir(v6 ? "pcap6" : "pcap4");
  fs::create_directories(dir);
  const fs::path file = dir / "out.pcap";
  const std::string cli = v6 ? "2001:db8::1" : "10.0.0.1", srv = v6 ? "2001:db8::2" : "10.0.0.2";
  const auto get = bytes_of("GET / HTTP/1.1\r\n\r\n");
  const auto ok = bytes_of("HTTP/1.1 200 OK\r\n\r\n");
  std::vector<uint8_t> big(PlaintextPcapWriter::kMaxSegmentPayload + 100);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  {
    // Through a tee, as the CLI runs it: both sinks see every event.
    TeeSink tee;
    auto owned = std::make_unique<PlaintextPcapWriter>();
    PlaintextPcapWriter* w = owned.get();
    std::string error;
    ASSERT_TRUE(w->open(file.string(), error)) << error;
    tee.add(std::move(owned));
    tee.add(std::make_unique<EventSink>());
    const Connection conn = make_conn(1, v6);
    tee.connection_started(conn);
    tee.tls_record(conn, record(c2s, get, 10));
    tee.tls_record(conn, record(s2c, bytes_of("alert"), 15, 21));  // not application data
    tee.tls_record(conn, record(s2c, ok, 20));
    tee.tls_record(conn, record(s2c, big, 30));
    tee.connection_ended(conn);
    ASSERT_TRUE(w->close()) << w->error();
  }
  int linktype = 0;
  const std::vector<Packet> packets = read_pcap(file, linktype);
  EXPECT_EQ(linktype, DLT_RAW);
  ASSERT_EQ(packets.size(), 3u + 4u + 3u);
  std::vector<Seg> s;
  for (const Packet& p : packets) s.push_back(parse(p));
  for (const Seg& g : s) {
    EXPECT_TRUE(g.checksums_ok);
    const bool from_client = g.src == cli;
    EXPECT_EQ(from_client ? g.dst : g.src, srv);
    EXPECT_EQ(from_client ? g.sport : g.dport, 51234u);
    EXPECT_EQ(from_client ? g.dport : g.sport, 443u);
  }
  // Handshake.
  EXPECT_EQ(s[0].flags, 0x02u);
  EXPECT_EQ(s[0].src, cli);
  EXPECT_EQ(s[1].flags, 0x12u);
  EXPECT_EQ(s[1].src, srv);
  EXPECT_EQ(s[1].ack, 1u);
  EXPECT_EQ(s[2].flags, 0x10u);
  EXPECT_EQ(packets[0].hdr.ts.tv_sec, 100);
  // Data: sequence numbers count plaintext bytes per direction, from 1.
  EXPECT_EQ(s[3].src, cli);
  EXPECT_EQ(s[3].seq, 1u);
  EXPECT_EQ(s[3].ack, 1u);
  EXPECT_EQ(s[3].payload, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(packets[3].hdr.ts.tv_sec, 101);
  EXPECT_EQ(packets[3].hdr.ts.tv_usec, 10);
  EXPECT_EQ(s[4].src, srv);
  EXPECT_EQ(s[4].seq, 1u);
  EXPECT_EQ(s[4].ack, 1u + get.size());
  EXPECT_EQ(s[4].payload, "HTTP/1.1 200 OK\r\n\r\n");
  // The large record is split.
  EXPECT_EQ(s[5].seq, 1u + ok.size());
  EXPECT_EQ(s[5].payload.size(), PlaintextPcapWriter::kMaxSegmentPayload);
  EXPECT_EQ(s[6].seq, 1u + ok.size() + PlaintextPcapWriter::kMaxSegmentPayload);
  EXPECT_EQ(s[6].payload.size(), 100u);
  EXPECT_EQ(s[5].payload + s[6].payload, std::string(big.begin(), big.end()));
  // Close: FIN from each side, then the last ACK.
  const uint32_t c_end = 1 + static_cast<uint32_t>(get.size());
  const uint32_t s_end = 1 + static_cast<uint32_t>(ok.size() + big.size());
  EXPECT_EQ(s[7].src, cli);
  EXPECT_EQ(s[7].flags, 0x11u);
  EXPECT_EQ(s[7].seq, c_end);
  EXPECT_EQ(s[7].ack, s_end);
  EXPECT_EQ(s[8].src, srv);
  EXPECT_EQ(s[8].flags, 0x11u);
  EXPECT_EQ(s[8].seq, s_end);
  EXPECT_EQ(s[8].ack, c_end + 1);
  EXPECT_EQ(s[9].flags, 0x10u);
  EXPECT_EQ(s[9].seq, c_end + 1);
  EXPECT_EQ(s[9].ack, s_end + 1);
  EXPECT_EQ(packets[9].hdr.ts.tv_sec, 105);
  fs::remove_all(dir);
}

TEST(PlaintextPcapWriter, Ipv4) { check_pcap(false); }
TEST(PlaintextPcapWriter, Ipv6) { check_pcap(true); }

TEST(PlaintextPcapWriter, UnwritableFileIsAnError) {
  PlaintextPcapWriter w;
  std::string error;
  EXPECT_FALSE(w.open("/nonexistent-dir/x.pcap", error));
  EXPECT_NE(error.find("/nonexistent-dir/x.pcap"), std::string::npos);
}

}  // namespace
}  // namespace tlslens
