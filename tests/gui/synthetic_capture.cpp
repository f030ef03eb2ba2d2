#include "tests/gui/synthetic_capture.h"

#include <cstdint>

#include <QByteArray>
#include <QFile>

namespace tlslens::gui::tests {

namespace {

constexpr uint32_t kPcapMagicMicroseconds = 0xa1b2c3d4;
constexpr uint32_t kLinkTypeEthernet = 1;

void put_le32(QByteArray& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.append(static_cast<char>((v >> shift) & 0xff));
}
void put_le16(QByteArray& out, uint16_t v) {
  out.append(static_cast<char>(v & 0xff));
  out.append(static_cast<char>(v >> 8));
}
void put_be16(QByteArray& out, uint16_t v) {
  out.append(static_cast<char>(v >> 8));
  out.append(static_cast<char>(v & 0xff));
}
void put_be32(QByteArray& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.append(static_cast<char>((v >> shift) & 0xff));
}

uint16_t ipv4_header_checksum(const QByteArray& header) {
  uint32_t sum = 0;
  for (qsizetype i = 0; i + 1 < header.size(); i += 2)
    sum += (static_cast<uint8_t>(header[i]) << 8) | static_cast<uint8_t>(header[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

struct Segment {
  uint32_t src_ip, dst_ip;
  uint16_t src_port, dst_port;
  uint32_t seq, ack;
  uint8_t flags;
  int payload_bytes;
};

// One Ethernet/IPv4/TCP frame with its pcap record header. The TCP checksum is left zero:
// tlslens, like Wireshark by default, does not verify it.
void append_frame(QByteArray& out, uint32_t ts_usec_total, const Segment& s) {
  QByteArray tcp;
  put_be16(tcp, s.src_port);
  put_be16(tcp, s.dst_port);
  put_be32(tcp, s.seq);
  put_be32(tcp, s.ack);
  tcp.append(static_cast<char>(5 << 4));  // data offset: 20 bytes, no options
  tcp.append(static_cast<char>(s.flags));
  put_be16(tcp, 65535);  // window
  put_be16(tcp, 0);      // checksum
  put_be16(tcp, 0);      // urgent pointer
  tcp.append(QByteArray(s.payload_bytes, 'x'));

  QByteArray ip;
  ip.append(static_cast<char>(0x45));
  ip.append('\0');
  put_be16(ip, static_cast<uint16_t>(20 + tcp.size()));
  put_be16(ip, 0);       // identification
  put_be16(ip, 0x4000);  // don't fragment
  ip.append(static_cast<char>(64));
  ip.append(static_cast<char>(6));  // TCP
  put_be16(ip, 0);
  put_be32(ip, s.src_ip);
  put_be32(ip, s.dst_ip);
  const uint16_t checksum = ipv4_header_checksum(ip);
  ip[10] = static_cast<char>(checksum >> 8);
  ip[11] = static_cast<char>(checksum & 0xff);

  QByteArray frame(12, '\x02');  // destination and source MAC
  put_be16(frame, 0x0800);
  frame += ip + tcp;

  put_le32(out, ts_usec_total / 1'000'000 + 1'700'000'000);
  put_le32(out, ts_usec_total % 1'000'000);
  put_le32(out, static_cast<uint32_t>(frame.size()));
  put_le32(out, static_cast<uint32_t>(frame.size()));
  out += frame;
}

}  // namespace

bool write_synthetic_capture(const QString& path, int connections, int payload_bytes) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return false;
  QByteArray out;
  put_le32(out, kPcapMagicMicroseconds);
  put_le16(out, 2);
  put_le16(out, 4);
  put_le32(out, 0);  // thiszone
  put_le32(out, 0);  // sigfigs
  put_le32(out, 65535);
  put_le32(out, kLinkTypeEthernet);

  constexpr uint32_t server_ip = 0x0a020001;  // 10.2.0.1
  constexpr uint8_t syn = 0x02, fin = 0x01, ack = 0x10, psh = 0x08;
  uint32_t now_usec = 0;
  for (int i = 0; i < connections; ++i) {
    const uint32_t client_ip = 0x0a010000 | static_cast<uint32_t>(i / 50000);  // 10.1.0.x
    const auto client_port = static_cast<uint16_t>(10000 + i % 50000);
    const uint32_t c = 1000, s = 5000;  // initial sequence numbers
    const auto data = static_cast<uint32_t>(payload_bytes);
    const Segment frames[] = {
        {client_ip, server_ip, client_port, 443, c, 0, syn, 0},
        {server_ip, client_ip, 443, client_port, s, c + 1, syn | ack, 0},
        {client_ip, server_ip, client_port, 443, c + 1, s + 1, ack | psh, payload_bytes},
        {client_ip, server_ip, client_port, 443, c + 1 + data, s + 1, fin | ack, 0},
        {server_ip, client_ip, 443, client_port, s + 1, c + 2 + data, fin | ack, 0},
        {client_ip, server_ip, client_port, 443, c + 2 + data, s + 2, ack, 0},
    };
    for (const Segment& f : frames) append_frame(out, now_usec += 10, f);
    if (out.size() > (1 << 20)) {
      if (file.write(out) != out.size()) return false;
      out.clear();
    }
  }
  return file.write(out) == out.size();
}

}  // namespace tlslens::gui::tests
