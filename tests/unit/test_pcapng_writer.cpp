// PcapngWriter: the bytes it writes (block order, lengths, padding, little-endian fields), and
// that tlslens's own PcapngReader, libpcap (through open_capture_file) and tshark read them back.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture/compressed_stream.h"
#include "core/capture/pcapng_reader.h"
#include "core/capture/pcapng_writer.h"
#include "test_capture_helpers.h"

namespace tlslens {
namespace {

using capture_test::ByteVector;
using capture_test::TempDir;

constexpr std::string_view kKeyLog = "CLIENT_RANDOM 0102 0304\n";  // 24 bytes
constexpr std::string_view kTwentyByteKeyLog = "CLIENT_RANDOM 01 02\n";  // 20 bytes
constexpr int64_t kFirstTimestampNs = 1'700'000'000'123'456'789LL;

struct TestPacket {
  int link_type;
  ByteVector bytes;
  int64_t ts_ns;
  uint32_t wire_length;
};

// Two link types, interleaved, one packet cut by the snap length; odd sizes to need padding.
std::vector<TestPacket> two_link_type_packets() {
  ByteVector ethernet = capture_test::ethernet_tcp(50000, 443, 3);
  ByteVector raw = capture_test::ipv4_tcp(50001, 443, 1);
  ByteVector cut = capture_test::ethernet_tcp(50000, 443, 5);
  return {
      {DLT_EN10MB, ethernet, kFirstTimestampNs, static_cast<uint32_t>(ethernet.size())},
      {DLT_RAW, raw, kFirstTimestampNs + 1, static_cast<uint32_t>(raw.size())},
      {DLT_EN10MB, cut, kFirstTimestampNs + 2'000'000'001LL, static_cast<uint32_t>(cut.size() + 1000)},
  };
}

void write_capture(const std::string& path, std::string_view secrets, const std::vector<TestPacket>& packets) {
  PcapngWriter writer;
  writer.open(path, 262144);
  writer.add_secrets(secrets);
  for (const TestPacket& p : packets) {
    Packet packet;
    packet.link_type = p.link_type;
    packet.ts = Timestamp{p.ts_ns};
    packet.data = p.bytes;
    packet.wire_length = p.wire_length;
    writer.write(packet);
  }
  EXPECT_EQ(writer.packets_written(), packets.size());
  writer.close();
}

uint32_t le32(const ByteVector& bytes, size_t at) {
  return static_cast<uint32_t>(bytes[at]) | static_cast<uint32_t>(bytes[at + 1]) << 8 |
         static_cast<uint32_t>(bytes[at + 2]) << 16 | static_cast<uint32_t>(bytes[at + 3]) << 24;
}

uint16_t le16(const ByteVector& bytes, size_t at) {
  return static_cast<uint16_t>(bytes[at] | bytes[at + 1] << 8);
}

struct Block {
  uint32_t type;
  size_t offset;  // of the block type field
  uint32_t length;
};

// Walks the blocks, checking what every block must satisfy: length a multiple of 4, at least
// 12, inside the file, and the same at both ends.
std::vector<Block> walk_blocks(const ByteVector& bytes) {
  std::vector<Block> blocks;
  size_t at = 0;
  while (at < bytes.size()) {
    EXPECT_LE(at + 12, bytes.size());
    if (at + 12 > bytes.size()) break;
    Block block{le32(bytes, at), at, le32(bytes, at + 4)};
    EXPECT_EQ(block.length % 4, 0u) << "block at " << at;
    EXPECT_GE(block.length, 12u);
    EXPECT_LE(at + block.length, bytes.size());
    if (block.length < 12 || block.length % 4 != 0 || at + block.length > bytes.size()) break;
    EXPECT_EQ(le32(bytes, at + block.length - 4), block.length) << "trailing length of block at " << at;
    blocks.push_back(block);
    at += block.length;
  }
  return blocks;
}

std::vector<uint32_t> types_of(const std::vector<Block>& blocks) {
  std::vector<uint32_t> types;
  for (const Block& b : blocks) types.push_back(b.type);
  return types;
}

TEST(PcapngWriter, WritesSectionSecretsInterfacesAndPacketsInOrder) {
  TempDir dir;
  const std::string path = dir.file("out.pcapng");
  const auto packets = two_link_type_packets();
  write_capture(path, kTwentyByteKeyLog, packets);
  const ByteVector bytes = capture_test::read_file(path);
  ASSERT_EQ(bytes.size() % 4, 0u);
  const auto blocks = walk_blocks(bytes);

  // The secrets come right after the section header, before any interface or packet.
  EXPECT_EQ(types_of(blocks), (std::vector<uint32_t>{PcapngWriter::section_header_block,
                                                     PcapngWriter::decryption_secrets_block,
                                                     PcapngWriter::interface_description_block,
                                                     PcapngWriter::enhanced_packet_block,
                                                     PcapngWriter::interface_description_block,
                                                     PcapngWriter::enhanced_packet_block,
                                                     PcapngWriter::enhanced_packet_block}));
  ASSERT_EQ(blocks.size(), 7u);

  // Section header: byte-order magic written little-endian, version 1.0, unknown length.
  EXPECT_EQ(le32(bytes, 8), 0x1A2B3C4Du);
  EXPECT_EQ(bytes[8], 0x4D);
  EXPECT_EQ(le16(bytes, 12), 1);
  EXPECT_EQ(le16(bytes, 14), 0);
  for (size_t i = 16; i < 24; ++i) EXPECT_EQ(bytes[i], 0xFF);

  // Secrets: type TLSK, the exact text length, zero padding to 4.
  const size_t dsb = blocks[1].offset;
  EXPECT_EQ(le32(bytes, dsb + 8), 0x544c534bu);
  EXPECT_EQ(le32(bytes, dsb + 12), kTwentyByteKeyLog.size());
  EXPECT_EQ(std::string(bytes.begin() + static_cast<std::ptrdiff_t>(dsb + 16),
                        bytes.begin() + static_cast<std::ptrdiff_t>(dsb + 16 + kTwentyByteKeyLog.size())),
            kTwentyByteKeyLog);
  EXPECT_EQ(blocks[1].length, 16 + kTwentyByteKeyLog.size() + 4);  // 20 bytes need no padding

  // Interfaces: link type (raw IP as LINKTYPE_RAW 101), snaplen, if_tsresol = 9.
  const size_t ethernet_idb = blocks[2].offset;
  EXPECT_EQ(le16(bytes, ethernet_idb + 8), DLT_EN10MB);
  EXPECT_EQ(le32(bytes, ethernet_idb + 12), 262144u);
  EXPECT_EQ(le16(bytes, ethernet_idb + 16), 9);  // option code if_tsresol
  EXPECT_EQ(le16(bytes, ethernet_idb + 18), 1);  // option length
  EXPECT_EQ(bytes[ethernet_idb + 20], 9);
  EXPECT_EQ(le16(bytes, blocks[4].offset + 8), 101);

  // Packets: interface id, 64-bit nanosecond timestamp split high/low, lengths, padded data.
  const size_t interface_ids[] = {0, 1, 0};
  const size_t packet_blocks[] = {3, 5, 6};
  for (size_t i = 0; i < packets.size(); ++i) {
    const size_t epb = blocks[packet_blocks[i]].offset;
    const auto ts = static_cast<uint64_t>(packets[i].ts_ns);
    EXPECT_EQ(le32(bytes, epb + 8), interface_ids[i]) << "packet " << i;
    EXPECT_EQ(le32(bytes, epb + 12), static_cast<uint32_t>(ts >> 32)) << "packet " << i;
    EXPECT_EQ(le32(bytes, epb + 16), static_cast<uint32_t>(ts)) << "packet " << i;
    EXPECT_EQ(le32(bytes, epb + 20), packets[i].bytes.size()) << "packet " << i;
    EXPECT_EQ(le32(bytes, epb + 24), packets[i].wire_length) << "packet " << i;
    const size_t padded = (packets[i].bytes.size() + 3) / 4 * 4;
    EXPECT_EQ(blocks[packet_blocks[i]].length, 28 + padded + 4) << "packet " << i;
    for (size_t pad = packets[i].bytes.size(); pad < padded; ++pad) EXPECT_EQ(bytes[epb + 28 + pad], 0);
  }
}

TEST(PcapngWriter, SecretsArePaddedToFourBytes) {
  TempDir dir;
  const std::string path = dir.file("padded.pcapng");
  const std::string secrets = std::string(kKeyLog) + "#";  // 25 bytes: 3 bytes of padding
  write_capture(path, secrets, {});
  const ByteVector bytes = capture_test::read_file(path);
  const auto blocks = walk_blocks(bytes);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[1].length, 16 + 28 + 4u);
  EXPECT_EQ(le32(bytes, blocks[1].offset + 12), 25u);
  for (size_t i = 25; i < 28; ++i) EXPECT_EQ(bytes[blocks[1].offset + 16 + i], 0);
}

TEST(PcapngWriter, OwnReaderReadsPacketsAndSecretsBack) {
  TempDir dir;
  const std::string path = dir.file("roundtrip.pcapng");
  const auto packets = two_link_type_packets();
  write_capture(path, kKeyLog, packets);

  auto reader = PcapngReader::open(CaptureFileStream::open(path), path);
  Packet packet;
  for (size_t i = 0; i < packets.size(); ++i) {
    ASSERT_EQ(reader->next(packet), ReadStatus::packet) << reader->error();
    EXPECT_EQ(packet.link_type, packets[i].link_type == DLT_RAW ? 101 : packets[i].link_type) << "packet " << i;
    EXPECT_EQ(packet.ts.ns, packets[i].ts_ns) << "packet " << i;
    EXPECT_EQ(ByteVector(packet.data.begin(), packet.data.end()), packets[i].bytes) << "packet " << i;
    EXPECT_EQ(packet.wire_length, packets[i].wire_length) << "packet " << i;
  }
  EXPECT_EQ(reader->next(packet), ReadStatus::end) << reader->error();
  ASSERT_EQ(reader->decryption_secrets().size(), 1u);
  const DecryptionSecrets& secrets = reader->decryption_secrets()[0];
  EXPECT_EQ(secrets.type, DecryptionSecrets::tls_key_log);
  EXPECT_EQ(std::string(secrets.data.begin(), secrets.data.end()), kKeyLog);
  ASSERT_EQ(reader->interfaces().size(), 2u);
  EXPECT_EQ(reader->interfaces()[0].resolution_exponent, 9);
  EXPECT_EQ(reader->interfaces()[0].snaplen, 262144u);
}

TEST(PcapngWriter, OneLinkTypeFileOpensThroughLibpcap) {
  TempDir dir;
  const std::string path = dir.file("ethernet.pcapng");
  auto packets = two_link_type_packets();
  std::erase_if(packets, [](const TestPacket& p) { return p.link_type != DLT_EN10MB; });
  write_capture(path, kKeyLog, packets);
  auto result = capture_test::read_all(*open_capture_file(FileOptions{path, ""}));
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[1].ts_ns, packets[1].ts_ns);
  EXPECT_EQ(result.packets[1].data, packets[1].bytes);
}

TEST(PcapngWriter, NoSecretsWritesNoDecryptionSecretsBlock) {
  TempDir dir;
  const std::string path = dir.file("plain.pcapng");
  write_capture(path, "", two_link_type_packets());
  const auto types = types_of(walk_blocks(capture_test::read_file(path)));
  EXPECT_EQ(std::count(types.begin(), types.end(), PcapngWriter::decryption_secrets_block), 0);
  EXPECT_EQ(std::count(types.begin(), types.end(), PcapngWriter::enhanced_packet_block), 3);
}

TEST(PcapngWriter, SecretsAfterTheFirstPacketAreRefused) {
  TempDir dir;
  PcapngWriter writer;
  writer.open(dir.file("late.pcapng"));
  const ByteVector frame = capture_test::ethernet_tcp(1, 2);
  Packet packet;
  packet.link_type = DLT_EN10MB;
  packet.data = frame;
  packet.wire_length = static_cast<uint32_t>(frame.size());
  writer.write(packet);
  EXPECT_THROW(writer.add_secrets(kKeyLog), std::logic_error);
  writer.close();
}

TEST(PcapngWriter, OpeningADirectoryThrowsCaptureErrorNamingIt) {
  TempDir dir;
  const std::string path = dir.file("");
  PcapngWriter writer;
  try {
    writer.open(path);
    FAIL() << "open of a directory succeeded";
  } catch (const CaptureError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(writer.is_open());
}

TEST(PcapngWriter, WriteErrorsAreReportedByClose) {
  std::FILE* probe = std::fopen("/dev/full", "wb");
  if (!probe) GTEST_SKIP() << "/dev/full is not available";
  std::fclose(probe);
  PcapngWriter writer;
  writer.open("/dev/full");
  writer.add_secrets(kKeyLog);
  EXPECT_THROW(writer.close(), CaptureError);
}

TEST(PcapngWriter, TsharkReadsEveryPacket) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark is not installed";
  TempDir dir;
  const std::string path = dir.file("tshark.pcapng");
  write_capture(path, kKeyLog, two_link_type_packets());
  const std::string command = "tshark -r '" + path + "' -T fields -e frame.number 2>/dev/null";
  std::FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char chunk[256];
  while (size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "1\n2\n3\n");
}

TEST(PcapngWriter, SecretsAppendedBetweenPacketsAreReadBackInOrder) {
  TempDir dir;
  const std::string path = dir.file("live.pcapng");
  const auto packets = two_link_type_packets();
  PcapngWriter writer;
  writer.open(path, 262144);
  writer.add_secrets(kKeyLog);
  for (size_t i = 0; i < packets.size(); ++i) {
    Packet packet;
    packet.link_type = packets[i].link_type;
    packet.ts = Timestamp{packets[i].ts_ns};
    packet.data = packets[i].bytes;
    packet.wire_length = packets[i].wire_length;
    writer.write(packet);
    if (i == 0) {
      EXPECT_THROW(writer.add_secrets("late\n"), std::logic_error);  // add_secrets is for the start only
      writer.append_secrets("CLIENT_RANDOM appended-after-the-first-packet\n");
    }
  }
  writer.close();
  const auto blocks = walk_blocks(capture_test::read_file(path));
  std::vector<uint32_t> types;
  for (const auto& b : blocks) types.push_back(b.type);
  ASSERT_GE(types.size(), 5u);
  // SHB, DSB, IDB, EPB, then the appended DSB before the second packet.
  EXPECT_EQ(types[1], PcapngWriter::decryption_secrets_block);
  EXPECT_EQ(types[3], PcapngWriter::enhanced_packet_block);
  EXPECT_EQ(types[4], PcapngWriter::decryption_secrets_block);
  auto reader = PcapngReader::open(CaptureFileStream::open(path), path);
  Packet packet;
  while (reader->next(packet) == ReadStatus::packet) {
  }
  ASSERT_EQ(reader->decryption_secrets().size(), 2u);
  const auto& appended = reader->decryption_secrets()[1].data;
  EXPECT_EQ(std::string(appended.begin(), appended.end()), "CLIENT_RANDOM appended-after-the-first-packet\n");
}

}  // namespace
}  // namespace tlslens
