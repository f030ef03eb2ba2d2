#include "support/packet_builder.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <stdexcept>

#include "core/net/address.h"
#include "core/util/reader.h"

namespace tlslens::test {
namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kHopByHop = 0;
constexpr uint8_t kRouting = 43;
constexpr uint8_t kFragment = 44;
constexpr uint8_t kAh = 51;
constexpr uint8_t kDestinationOptions = 60;
constexpr size_t kIpv4HeaderLength = 20;
constexpr size_t kIpv6HeaderLength = 40;
constexpr size_t kEthernetMinimumFrame = 60;  // without the FCS, which captures do not carry

// Appends big-endian fields to a byte vector.
class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
  void u32le(uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8) u8(static_cast<uint8_t>(v >> shift));
  }
  void append(std::span<const uint8_t> bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void fill(size_t n, uint8_t value) { out_.insert(out_.end(), n, value); }
  void set_u16(size_t at, uint16_t v) {
    out_.at(at) = static_cast<uint8_t>(v >> 8);
    out_.at(at + 1) = static_cast<uint8_t>(v);
  }
  size_t size() const { return out_.size(); }
  std::span<const uint8_t> view() const { return out_; }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

struct AddressPair {
  IpAddress src;
  IpAddress dst;
  size_t length() const { return src.version == 4 ? 4 : 16; }
  std::span<const uint8_t> src_bytes() const { return std::span(src.bytes).first(length()); }
  std::span<const uint8_t> dst_bytes() const { return std::span(dst.bytes).first(length()); }
};

AddressPair parse_addresses(const std::string& src, const std::string& dst) {
  AddressPair pair{IpAddress::parse(src), IpAddress::parse(dst)};
  if (pair.src.version == 0) throw std::invalid_argument("packet_builder: bad source address " + src);
  if (pair.dst.version == 0) throw std::invalid_argument("packet_builder: bad destination address " + dst);
  if (pair.src.version != pair.dst.version) throw std::invalid_argument("packet_builder: mixed IPv4/IPv6 addresses");
  return pair;
}

// RFC 1071 Internet checksum, accumulated over several pieces.
class InternetChecksum {
 public:
  void add(std::span<const uint8_t> bytes) {
    for (uint8_t b : bytes) {
      sum_ += odd_ ? b : uint32_t{b} << 8;
      odd_ = !odd_;
    }
  }
  uint16_t value() const {
    uint32_t sum = sum_;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
  }

 private:
  uint32_t sum_ = 0;
  bool odd_ = false;
};

void require_fits_16_bits(size_t n, const char* what) {
  if (n > 0xffff) throw std::invalid_argument(std::string("packet_builder: ") + what + " exceeds 65535 bytes");
}

std::vector<uint8_t> ipv4_datagram(const AddressPair& addresses, uint8_t protocol, std::span<const uint8_t> upper,
                                   const IpSpec& ip) {
  size_t options_length = (ip.ipv4_options.size() + 3) / 4 * 4;
  size_t header_length = kIpv4HeaderLength + options_length;
  if (header_length > 60) throw std::invalid_argument("packet_builder: IPv4 options longer than 40 bytes");
  require_fits_16_bits(header_length + upper.size(), "IPv4 datagram");

  ByteWriter w;
  w.u8(static_cast<uint8_t>(0x40 | header_length / 4));
  w.u8(0);  // DSCP/ECN
  w.u16(static_cast<uint16_t>(header_length + upper.size()));
  w.u16(ip.ipv4_id);
  w.u16(ip.dont_fragment ? 0x4000 : 0);
  w.u8(ip.ttl);
  w.u8(protocol);
  w.u16(0);  // checksum, filled in below
  w.append(addresses.src_bytes());
  w.append(addresses.dst_bytes());
  w.append(ip.ipv4_options);
  w.fill(options_length - ip.ipv4_options.size(), 0);  // EOL
  InternetChecksum checksum;
  checksum.add(w.view());
  w.set_u16(10, checksum.value());
  w.append(upper);
  return w.take();
}

void append_extension_header(ByteWriter& w, const Ipv6ExtensionHeader& header, uint8_t following) {
  size_t unit = header.type == kAh ? 4 : 8;
  size_t length = (2 + header.body.size() + unit - 1) / unit * unit;
  if (header.type == kAh && length < 8) length = 8;  // AH has at least its SPI and sequence number
  size_t length_field = header.type == kAh ? length / 4 - 2 : length / 8 - 1;
  if (length_field > 255) throw std::invalid_argument("packet_builder: IPv6 extension header too long");
  w.u8(following);
  w.u8(static_cast<uint8_t>(length_field));
  w.append(header.body);
  w.fill(length - 2 - header.body.size(), 0);  // Pad1 options, or zero fields
}

std::vector<uint8_t> ipv6_datagram(const AddressPair& addresses, uint8_t protocol, std::span<const uint8_t> upper,
                                   const IpSpec& ip) {
  ByteWriter extensions;
  for (size_t i = 0; i < ip.ipv6_extensions.size(); ++i) {
    uint8_t following = i + 1 < ip.ipv6_extensions.size() ? ip.ipv6_extensions[i + 1].type : protocol;
    append_extension_header(extensions, ip.ipv6_extensions[i], following);
  }
  require_fits_16_bits(extensions.size() + upper.size(), "IPv6 payload");

  ByteWriter w;
  w.u32(0x60000000);  // version 6, traffic class 0, flow label 0
  w.u16(static_cast<uint16_t>(extensions.size() + upper.size()));
  w.u8(ip.ipv6_extensions.empty() ? protocol : ip.ipv6_extensions.front().type);
  w.u8(ip.ttl);
  w.append(addresses.src_bytes());
  w.append(addresses.dst_bytes());
  w.append(extensions.view());
  w.append(upper);
  return w.take();
}

// Where a packet built here divides into the part every fragment repeats and the part the
// fragments share out.
struct FragmentationLayout {
  int version = 0;
  size_t unfragmentable_length = 0;  // bytes from the start of the packet
  size_t type_field_offset = 0;      // the byte naming the first fragmentable header
  uint8_t first_fragmentable_type = 0;
  size_t packet_length = 0;  // from the IP length field
};

FragmentationLayout layout_of(std::span<const uint8_t> packet) {
  auto bad = [] { return std::invalid_argument("packet_builder: not an IP packet built by packet_builder"); };
  Reader r(packet);
  uint8_t first;
  if (!r.peek_u8(first)) throw bad();
  FragmentationLayout layout;
  layout.version = first >> 4;
  if (layout.version == 4) {
    uint16_t total_length;
    uint8_t protocol;
    if (!r.skip(2) || !r.u16(total_length) || !r.skip(5) || !r.u8(protocol)) throw bad();
    layout.unfragmentable_length = static_cast<size_t>(first & 0x0f) * 4;
    layout.type_field_offset = offsets::ipv4_protocol;
    layout.first_fragmentable_type = protocol;
    layout.packet_length = total_length;
  } else if (layout.version == 6) {
    uint16_t payload_length;
    uint8_t type;
    if (!r.skip(4) || !r.u16(payload_length) || !r.u8(type) || !r.skip(kIpv6HeaderLength - 7)) throw bad();
    layout.packet_length = kIpv6HeaderLength + payload_length;
    layout.unfragmentable_length = kIpv6HeaderLength;
    layout.type_field_offset = offsets::ipv6_next_header;
    layout.first_fragmentable_type = type;
    // RFC 8200: hop-by-hop and routing headers (and destination options before a routing
    // header) stay in every fragment; so everything up to the last of those is unfragmentable.
    while (type == kHopByHop || type == kRouting || type == kDestinationOptions || type == kAh) {
      size_t header_offset = r.offset();
      uint8_t following, length_field;
      if (!r.u8(following) || !r.u8(length_field)) throw bad();
      size_t length = type == kAh ? (length_field + 2u) * 4 : (length_field + 1u) * 8;
      if (!r.skip(length - 2)) throw bad();
      if (type == kHopByHop || type == kRouting) {
        layout.unfragmentable_length = r.offset();
        layout.type_field_offset = header_offset;
        layout.first_fragmentable_type = following;
      }
      type = following;
    }
  } else {
    throw bad();
  }
  if (layout.packet_length > packet.size() || layout.unfragmentable_length > layout.packet_length) throw bad();
  return layout;
}

std::span<const uint8_t> slice(std::span<const uint8_t> bytes, size_t offset, size_t length) {
  Reader r(bytes);
  std::span<const uint8_t> out;
  if (!r.skip(offset) || !r.bytes(length, out)) throw std::out_of_range("packet_builder: slice out of range");
  return out;
}

// The link-layer protocol field for an IP packet: its ethertype unless the spec overrides it.
uint16_t ethertype_for(std::span<const uint8_t> ip_packet, const LinkSpec& link) {
  if (link.ethertype != 0) return link.ethertype;
  Reader r(ip_packet);
  uint8_t first = 0;
  r.peek_u8(first);
  return (first >> 4) == 6 ? ethertype::ipv6 : ethertype::ipv4;
}

uint32_t family_for(std::span<const uint8_t> ip_packet, const LinkSpec& link) {
  if (link.family != 0) return link.family;
  return ethertype_for(ip_packet, LinkSpec{}) == ethertype::ipv6 ? link.ipv6_family : 2;
}

// After the first protocol field (which holds the outermost TPID when there are tags): each
// tag's TCI followed by the next protocol field.
void append_vlan_tags(ByteWriter& w, const LinkSpec& link, uint16_t ethertype) {
  for (size_t i = 0; i < link.vlan_tags.size(); ++i) {
    const VlanTag& tag = link.vlan_tags[i];
    w.u16(static_cast<uint16_t>((tag.priority & 0x7) << 13 | (tag.vlan_id & 0x0fff)));
    w.u16(i + 1 < link.vlan_tags.size() ? link.vlan_tags[i + 1].tpid : ethertype);
  }
}

uint16_t first_protocol_field(const LinkSpec& link, uint16_t ethertype) {
  return link.vlan_tags.empty() ? ethertype : link.vlan_tags.front().tpid;
}

constexpr uint8_t kSourceMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr uint8_t kDestinationMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr uint16_t kArphrdEther = 1;

}  // namespace

std::vector<uint8_t> bytes_of(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

std::vector<uint8_t> build_tcp_segment(const TcpPacketSpec& tcp) {
  AddressPair addresses = parse_addresses(tcp.src, tcp.dst);
  size_t options_length = (tcp.tcp_options.size() + 3) / 4 * 4;
  if (options_length > 40) throw std::invalid_argument("packet_builder: TCP options longer than 40 bytes");
  size_t header_length = 20 + options_length;

  ByteWriter w;
  w.u16(tcp.src_port);
  w.u16(tcp.dst_port);
  w.u32(tcp.seq);
  w.u32(tcp.ack);
  w.u8(static_cast<uint8_t>(header_length / 4 << 4));
  w.u8(tcp.flags);
  w.u16(tcp.window);
  w.u16(0);  // checksum, filled in below
  w.u16(0);  // urgent pointer
  w.append(tcp.tcp_options);
  w.fill(options_length - tcp.tcp_options.size(), 1);  // NOP
  w.append(tcp.payload);

  // The pseudo-header of RFC 793 / RFC 8200 section 8.1.
  InternetChecksum checksum;
  checksum.add(addresses.src_bytes());
  checksum.add(addresses.dst_bytes());
  ByteWriter pseudo;
  if (addresses.src.version == 4) {
    require_fits_16_bits(w.size(), "TCP segment");
    pseudo.u8(0);
    pseudo.u8(kTcp);
    pseudo.u16(static_cast<uint16_t>(w.size()));
  } else {
    pseudo.u32(static_cast<uint32_t>(w.size()));
    pseudo.fill(3, 0);
    pseudo.u8(kTcp);
  }
  checksum.add(pseudo.view());
  checksum.add(w.view());
  w.set_u16(16, checksum.value());
  return w.take();
}

std::vector<uint8_t> build_ip_datagram(const std::string& src, const std::string& dst, uint8_t protocol,
                                       std::span<const uint8_t> upper_layer, const IpSpec& ip) {
  AddressPair addresses = parse_addresses(src, dst);
  if (addresses.src.version == 4) return ipv4_datagram(addresses, protocol, upper_layer, ip);
  return ipv6_datagram(addresses, protocol, upper_layer, ip);
}

std::vector<uint8_t> build_ip_packet(const TcpPacketSpec& tcp, const IpSpec& ip) {
  return build_ip_datagram(tcp.src, tcp.dst, kTcp, build_tcp_segment(tcp), ip);
}

std::vector<uint8_t> wrap_in_link_layer(int dlt, std::span<const uint8_t> ip_packet, const LinkSpec& link) {
  ByteWriter w;
  uint16_t type = ethertype_for(ip_packet, link);
  switch (dlt) {
    case link_type::ethernet:
      w.append(kDestinationMac);
      w.append(kSourceMac);
      w.u16(first_protocol_field(link, type));
      append_vlan_tags(w, link, type);
      w.append(ip_packet);
      if (link.pad_ethernet && w.size() < kEthernetMinimumFrame) w.fill(kEthernetMinimumFrame - w.size(), 0);
      return w.take();
    case link_type::linux_sll:
      w.u16(0);  // packet type: sent to us
      w.u16(kArphrdEther);
      w.u16(sizeof kSourceMac);
      w.append(kSourceMac);
      w.fill(8 - sizeof kSourceMac, 0);
      w.u16(first_protocol_field(link, type));
      append_vlan_tags(w, link, type);
      w.append(ip_packet);
      return w.take();
    case link_type::linux_sll2:
      w.u16(first_protocol_field(link, type));
      w.u16(0);  // reserved
      w.u32(1);  // interface index
      w.u16(kArphrdEther);
      w.u8(0);  // packet type: sent to us
      w.u8(sizeof kSourceMac);
      w.append(kSourceMac);
      w.fill(8 - sizeof kSourceMac, 0);
      append_vlan_tags(w, link, type);
      w.append(ip_packet);
      return w.take();
    case link_type::null:
      if (link.null_big_endian) {
        w.u32(family_for(ip_packet, link));
      } else {
        w.u32le(family_for(ip_packet, link));
      }
      w.append(ip_packet);
      return w.take();
    case link_type::loop:
      w.u32(family_for(ip_packet, link));
      w.append(ip_packet);
      return w.take();
    case link_type::raw:
    case link_type::raw_bsd:
    case link_type::raw_file:
    case link_type::ipv4:
    case link_type::ipv6:
      w.append(ip_packet);
      return w.take();
    default:
      throw std::invalid_argument("packet_builder: link type " + std::to_string(dlt) + " is not supported");
  }
}

std::vector<uint8_t> build_frame(int dlt, const TcpPacketSpec& tcp, const LinkSpec& link, const IpSpec& ip) {
  return wrap_in_link_layer(dlt, build_ip_packet(tcp, ip), link);
}

size_t link_header_length(int dlt, const LinkSpec& link) {
  size_t tags = link.vlan_tags.size() * 4;
  switch (dlt) {
    case link_type::ethernet:
      return 14 + tags;
    case link_type::linux_sll:
      return 16 + tags;
    case link_type::linux_sll2:
      return 20 + tags;
    case link_type::null:
    case link_type::loop:
      return 4;
    default:
      return 0;
  }
}

std::vector<uint8_t> fragmentable_part(std::span<const uint8_t> ip_packet) {
  FragmentationLayout layout = layout_of(ip_packet);
  auto part = slice(ip_packet, layout.unfragmentable_length, layout.packet_length - layout.unfragmentable_length);
  return std::vector<uint8_t>(part.begin(), part.end());
}

std::vector<uint8_t> build_ip_fragment(std::span<const uint8_t> ip_packet, uint32_t offset,
                                       std::span<const uint8_t> data, bool more_fragments, uint32_t id) {
  if (offset % 8 != 0) throw std::invalid_argument("packet_builder: fragment offsets count 8-byte units");
  FragmentationLayout layout = layout_of(ip_packet);
  auto unfragmentable = slice(ip_packet, 0, layout.unfragmentable_length);
  ByteWriter w;
  w.append(unfragmentable);
  if (layout.version == 4) {
    if (offset / 8 > 0x1fff) throw std::invalid_argument("packet_builder: IPv4 fragment offset too large");
    require_fits_16_bits(unfragmentable.size() + data.size(), "IPv4 fragment");
    w.set_u16(offsets::ipv4_total_length, static_cast<uint16_t>(unfragmentable.size() + data.size()));
    w.set_u16(4, static_cast<uint16_t>(id));
    w.set_u16(offsets::ipv4_flags_and_fragment_offset,
              static_cast<uint16_t>((more_fragments ? 0x2000 : 0) | offset / 8));
    w.set_u16(10, 0);
    InternetChecksum checksum;
    checksum.add(w.view());
    w.set_u16(10, checksum.value());
    w.append(data);
    return w.take();
  }
  if (offset > 0xfff8) throw std::invalid_argument("packet_builder: IPv6 fragment offset too large");
  std::vector<uint8_t> bytes = w.take();
  bytes.at(layout.type_field_offset) = kFragment;
  ByteWriter fragment;
  fragment.append(bytes);
  fragment.u8(layout.first_fragmentable_type);
  fragment.u8(0);
  fragment.u16(static_cast<uint16_t>(offset | (more_fragments ? 1 : 0)));
  fragment.u32(id);
  fragment.append(data);
  require_fits_16_bits(fragment.size() - kIpv6HeaderLength, "IPv6 fragment");
  fragment.set_u16(offsets::ipv6_payload_length, static_cast<uint16_t>(fragment.size() - kIpv6HeaderLength));
  return fragment.take();
}

std::vector<std::vector<uint8_t>> fragment_ip_packet(std::span<const uint8_t> ip_packet, size_t max_data, uint32_t id) {
  size_t step = max_data / 8 * 8;
  if (step == 0) throw std::invalid_argument("packet_builder: fragments must carry at least 8 bytes");
  std::vector<uint8_t> part = fragmentable_part(ip_packet);
  std::vector<std::vector<uint8_t>> fragments;
  for (size_t offset = 0; offset < part.size(); offset += step) {
    size_t length = std::min(step, part.size() - offset);
    bool more = offset + length < part.size();
    fragments.push_back(
        build_ip_fragment(ip_packet, static_cast<uint32_t>(offset), slice(part, offset, length), more, id));
  }
  return fragments;
}

Packet make_packet(int dlt, std::span<const uint8_t> frame, const CaptureSpec& capture) {
  Packet packet;
  packet.ts = capture.ts;
  packet.link_type = dlt;
  packet.number = capture.number;
  size_t captured = capture.snaplen == 0 ? frame.size() : std::min(capture.snaplen, frame.size());
  packet.data = frame.first(captured);
  packet.wire_length = static_cast<uint32_t>(frame.size());
  return packet;
}

void write_pcap(const std::string& path, int dlt, const std::vector<CapturedFrame>& frames) {
  pcap_t* handle = pcap_open_dead_with_tstamp_precision(dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
  if (handle == nullptr) throw std::runtime_error("write_pcap: pcap_open_dead failed");
  pcap_dumper_t* dumper = pcap_dump_open(handle, path.c_str());
  if (dumper == nullptr) {
    std::string error = pcap_geterr(handle);
    pcap_close(handle);
    throw std::runtime_error("write_pcap: " + path + ": " + error);
  }
  for (const CapturedFrame& frame : frames) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(frame.ts.ns / 1'000'000'000);
    // With nanosecond precision, libpcap stores nanoseconds in the tv_usec field.
    header.ts.tv_usec = static_cast<suseconds_t>(frame.ts.ns % 1'000'000'000);
    header.caplen = header.len = static_cast<bpf_u_int32>(frame.bytes.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, frame.bytes.data());
  }
  pcap_dump_close(dumper);
  pcap_close(handle);
}

}  // namespace tlslens::test
