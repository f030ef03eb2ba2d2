#include "core/output/plaintext_pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace tlslens {

namespace {

constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10;
constexpr size_t kIpv4Header = 20, kIpv6Header = 40, kTcpHeader = 20;
constexpr uint8_t kProtoTcp = 6;

void put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

// One's-complement sum of big-endian 16-bit words (RFC 1071), not yet folded or inverted.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) acc += static_cast<uint32_t>(p[n - 1] << 8);
  return acc;
}
uint16_t fold(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(~acc & 0xffff);
}

}  // namespace

PlaintextPcapWriter::~PlaintextPcapWriter() { close(); }

bool PlaintextPcapWriter::open(const std::string& path, std::string& error) {
  // LINKTYPE_RAW: the packets are synthetic, an Ethernet header would only add made-up MACs.
  pcap_ = pcap_open_dead(DLT_RAW, 65535);
  if (pcap_ == nullptr) {
    error = "-w: cannot initialise libpcap";
    return false;
  }
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (dumper_ == nullptr) {
    // libpcap's message is "PATH: strerror" already.
    error = fmt::format("-w: cannot create {}", pcap_geterr(pcap_));
    pcap_close(pcap_);
    pcap_ = nullptr;
    return false;
  }
  path_ = path;
  return true;
}

bool PlaintextPcapWriter::close() {
  if (dumper_ != nullptr) {
    // pcap_dump() cannot report errors; a failed flush is where a full disk shows.
    if (pcap_dump_flush(dumper_) != 0 && error_.empty())
      error_ = fmt::format("-w: write error on {}: {}", path_, std::strerror(errno));
    pcap_dump_close(dumper_);
    dumper_ = nullptr;
  }
  if (pcap_ != nullptr) {
    pcap_close(pcap_);
    pcap_ = nullptr;
  }
  return error_.empty();
}

void PlaintextPcapWriter::write_segment(const Connection& conn, Direction dir, uint32_t seq, uint32_t ack,
                                        uint8_t flags, std::span<const uint8_t> payload, Timestamp ts) {
  const Endpoint& src = dir == Direction::client_to_server ? conn.client : conn.server;
  const Endpoint& dst = dir == Direction::client_to_server ? conn.server : conn.client;
  const bool v6 = src.addr.version == 6;
  const size_t ip_len = v6 ? kIpv6Header : kIpv4Header;
  const size_t tcp_len = kTcpHeader + payload.size();
  packet_.assign(ip_len + tcp_len, 0);
  uint8_t* ip = packet_.data();
  if (v6) {
    ip[0] = 0x60;
    put16(ip + 4, static_cast<uint32_t>(tcp_len));
    ip[6] = kProtoTcp;
    ip[7] = 64;  // hop limit
    std::memcpy(ip + 8, src.addr.bytes.data(), 16);
    std::memcpy(ip + 24, dst.addr.bytes.data(), 16);
  } else {
    ip[0] = 0x45;
    put16(ip + 2, static_cast<uint32_t>(ip_len + tcp_len));
    put16(ip + 4, ++ip_id_);
    ip[6] = 0x40;  // don't fragment
    ip[8] = 64;    // TTL
    ip[9] = kProtoTcp;
    std::memcpy(ip + 12, src.addr.bytes.data(), 4);
    std::memcpy(ip + 16, dst.addr.bytes.data(), 4);
    put16(ip + 10, fold(sum16(ip, kIpv4Header)));
  }
  uint8_t* tcp = ip + ip_len;
  put16(tcp, src.port);
  put16(tcp + 2, dst.port);
  put32(tcp + 4, seq);
  put32(tcp + 8, (flags & kAck) ? ack : 0);
  tcp[12] = (kTcpHeader / 4) << 4;
  tcp[13] = flags;
  put16(tcp + 14, 65535);  // window
  if (!payload.empty()) std::memcpy(tcp + kTcpHeader, payload.data(), payload.size());
  // Pseudo-header: addresses, protocol, TCP length (RFC 793 / RFC 8200 section 8.1).
  const size_t addr_len = v6 ? 16 : 4;
  uint32_t acc = sum16(src.addr.bytes.data(), addr_len);
  acc = sum16(dst.addr.bytes.data(), addr_len, acc);
  acc += kProtoTcp;
  acc += static_cast<uint32_t>(tcp_len & 0xffff) + static_cast<uint32_t>(tcp_len >> 16);
  put16(tcp + 16, fold(sum16(tcp, tcp_len, acc)));

  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts.whole_seconds());
  hdr.ts.tv_usec = static_cast<suseconds_t>((ts.ns - ts.whole_seconds() * 1'000'000'000) / 1000);
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(packet_.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, packet_.data());
}

void PlaintextPcapWriter::connection_started(const Connection& conn) {
  if (dumper_ == nullptr) return;
  flows_[conn.id] = Flow{};
  constexpr Direction c2s = Direction::client_to_server, s2c = Direction::server_to_client;
  write_segment(conn, c2s, 0, 0, kSyn, {}, conn.first_seen);
  write_segment(conn, s2c, 0, 1, kSyn | kAck, {}, conn.first_seen);
  write_segment(conn, c2s, 1, 1, kAck, {}, conn.first_seen);
}

void PlaintextPcapWriter::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  if (dumper_ == nullptr || !record.decrypted || record.inner_content_type != kApplicationData) return;
  auto it = flows_.find(conn.id);
  if (it == flows_.end()) return;
  Flow& flow = it->second;
  const int d = index_of(record.dir);
  std::span<const uint8_t> rest = record.plaintext;
  while (!rest.empty()) {
    const size_t n = std::min(rest.size(), kMaxSegmentPayload);
    write_segment(conn, record.dir, flow.next_seq[d], flow.next_seq[1 - d], kPsh | kAck, rest.first(n),
                  record.at.ts);
    flow.next_seq[d] += static_cast<uint32_t>(n);  // wraps modulo 2^32 like real TCP
    rest = rest.subspan(n);
  }
}

void PlaintextPcapWriter::connection_ended(const Connection& conn) {
  auto it = flows_.find(conn.id);
  if (it == flows_.end()) return;
  const uint32_t c = it->second.next_seq[0], s = it->second.next_seq[1];
  flows_.erase(it);
  if (dumper_ == nullptr) return;
  constexpr Direction c2s = Direction::client_to_server, s2c = Direction::server_to_client;
  // A clean close whatever really ended the connection: tools then see a complete stream.
  write_segment(conn, c2s, c, s, kFin | kAck, {}, conn.last_seen);
  write_segment(conn, s2c, s, c + 1, kFin | kAck, {}, conn.last_seen);
  write_segment(conn, c2s, c + 1, s + 1, kAck, {}, conn.last_seen);
}

}  // namespace tlslens
