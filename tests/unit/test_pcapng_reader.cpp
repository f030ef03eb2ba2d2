// PcapngReader, our own pcapng block reader: mixed link types (and the switch from libpcap
// to it), byte orders, timestamp resolutions, every packet block kind, DSBs, and the damage
// it must survive: truncation and lying block lengths.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/capture/compressed_stream.h"
#include "core/capture/file_source.h"
#include "core/capture/packet_source.h"
#include "core/capture/pcapng_reader.h"
#include "test_capture_helpers.h"

namespace tlslens {
namespace {

using capture_test::ByteVector;
using capture_test::ethernet_tcp;
using capture_test::first_bytes;
using capture_test::null_tcp;
using capture_test::PcapngWriter;
using capture_test::read_all;
using capture_test::read_file_capture;
using capture_test::ReadResult;
using capture_test::shared_corpus_dir;
using capture_test::TempDir;
using capture_test::write_file;

constexpr uint16_t kEthernet = 1;
constexpr uint16_t kNull = 0;
constexpr uint16_t kRaw = 101;

// Reads a file with PcapngReader directly (no libpcap), packets and final status.
struct OwnRead {
  std::vector<Packet> packets;  // data cleared: it does not outlive the next read
  std::vector<ByteVector> data;
  ReadStatus final_status = ReadStatus::error;
  std::string error;
  std::vector<DecryptionSecrets> secrets;
};

OwnRead read_with_own_reader(const std::string& path) {
  OwnRead result;
  auto reader = PcapngReader::open(CaptureFileStream::open(path), path);
  Packet packet;
  for (;;) {
    ReadStatus status = reader->next(packet);
    if (status != ReadStatus::packet) {
      result.final_status = status;
      result.error = reader->error();
      break;
    }
    result.data.emplace_back(packet.data.begin(), packet.data.end());
    packet.data = {};
    result.packets.push_back(packet);
  }
  result.secrets = reader->decryption_secrets();
  return result;
}

std::string write_pcapng(TempDir& dir, const std::string& name, PcapngWriter& writer) {
  std::string path = dir.file(name);
  write_file(path, writer.bytes());
  return path;
}

// An Ethernet and a NULL interface, packets alternating between them.
PcapngWriter mixed_link_types() {
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet).interface(kNull);
  pcapng.enhanced_packet(0, 1'000'000, ethernet_tcp(50000, 443));
  pcapng.enhanced_packet(1, 2'000'000, null_tcp(50001, 443));
  pcapng.enhanced_packet(0, 3'000'000, ethernet_tcp(50002, 80));
  pcapng.enhanced_packet(1, 4'000'000, null_tcp(50003, 80));
  return pcapng;
}

bool read_by_own_reader(const PacketSource& source) {
  auto* file_source = dynamic_cast<const FileSource*>(&source);
  return file_source != nullptr && dynamic_cast<const PcapngReader*>(&file_source->reader()) != nullptr;
}

TEST(PcapngReader, MixedLinkTypesGiveEachPacketItsInterfacesLinkType) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  std::string path = write_pcapng(dir, "mixed.pcapng", pcapng);

  auto source = open_capture_file(FileOptions{path, ""});
  ReadResult result = read_all(*source);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 4u);
  std::vector<int> link_types;
  for (const auto& packet : result.packets) link_types.push_back(packet.link_type);
  EXPECT_EQ(link_types, (std::vector<int>{kEthernet, kNull, kEthernet, kNull}));
  EXPECT_EQ(result.packets[1].data, null_tcp(50001, 443));
  EXPECT_EQ(result.packets[3].number, 4u);
  EXPECT_EQ(result.packets[2].ts_ns, 3'000'000'000LL);
  EXPECT_TRUE(read_by_own_reader(*source));
  EXPECT_EQ(source->link_type(), kEthernet);
}

TEST(PcapngReader, SwitchFromLibpcapKeepsPacketsAlreadyDelivered) {
  // libpcap reads the first two packets, then stops at the second interface.
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  pcapng.enhanced_packet(0, 1, ethernet_tcp(1, 443));
  pcapng.enhanced_packet(0, 2, ethernet_tcp(2, 443));
  pcapng.interface(kRaw);
  pcapng.enhanced_packet(1, 3, capture_test::ipv4_tcp(3, 443));
  pcapng.enhanced_packet(0, 4, ethernet_tcp(4, 443));
  std::string path = write_pcapng(dir, "late-interface.pcapng", pcapng);

  auto source = open_capture_file(FileOptions{path, ""});
  ReadResult result = read_all(*source);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(result.packets[i].number, i + 1);
  EXPECT_EQ(result.packets[1].data, ethernet_tcp(2, 443));
  EXPECT_EQ(result.packets[2].link_type, kRaw);
  EXPECT_EQ(result.packets[3].link_type, kEthernet);
  EXPECT_EQ(result.packets[3].data, ethernet_tcp(4, 443));
  EXPECT_EQ(result.stats.packets, 4u);
}

TEST(PcapngReader, FileLibpcapRefusesAtOpenIsReadToo) {
  // A 17 MiB custom block before the first interface is over libpcap's block size limit
  // but within ours; it is skipped without being held in memory.
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header();
  pcapng.block(0x00000bad, ByteVector(17 * 1024 * 1024, 0x5a));
  pcapng.interface(kEthernet).enhanced_packet(0, 7, ethernet_tcp(1, 2));
  std::string path = write_pcapng(dir, "big-block.pcapng", pcapng);

  auto source = open_capture_file(FileOptions{path, ""});
  ReadResult result = read_all(*source);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 1u);
  EXPECT_EQ(result.packets[0].ts_ns, 7'000);
  EXPECT_TRUE(read_by_own_reader(*source));
}

TEST(PcapngReader, BigEndianSection) {
  TempDir dir;
  PcapngWriter pcapng(/*little_endian=*/false);
  pcapng.section_header().interface(kEthernet, 65535, uint8_t{9});
  pcapng.enhanced_packet(0, 1'700'000'000'000'000'005ULL, ethernet_tcp(5, 6));
  pcapng.simple_packet(60, first_bytes(ethernet_tcp(7, 8), 60));
  std::string path = write_pcapng(dir, "big-endian.pcapng", pcapng);

  OwnRead own = read_with_own_reader(path);
  ASSERT_EQ(own.final_status, ReadStatus::end) << own.error;
  ASSERT_EQ(own.packets.size(), 2u);
  EXPECT_EQ(own.packets[0].ts.ns, 1'700'000'000'000'000'005LL);
  EXPECT_EQ(own.data[0], ethernet_tcp(5, 6));
  EXPECT_EQ(own.packets[1].wire_length, 60u);

  ReadResult through_libpcap = read_file_capture(path);
  ASSERT_EQ(through_libpcap.packets.size(), 2u);
  EXPECT_EQ(through_libpcap.packets[0].ts_ns, own.packets[0].ts.ns);
}

TEST(PcapngReader, SectionsInDifferentByteOrdersWithTheirOwnInterfaces) {
  TempDir dir;
  PcapngWriter little;
  little.section_header().interface(kEthernet).enhanced_packet(0, 1, ethernet_tcp(1, 2));
  PcapngWriter big(/*little_endian=*/false);
  big.section_header().interface(kNull).enhanced_packet(0, 2, null_tcp(3, 4));
  ByteVector bytes = little.bytes();
  bytes.insert(bytes.end(), big.bytes().begin(), big.bytes().end());
  std::string path = dir.file("two-sections.pcapng");
  write_file(path, bytes);

  ReadResult result = read_file_capture(path);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].link_type, kEthernet);
  EXPECT_EQ(result.packets[1].link_type, kNull);  // interface 0 of the second section
  EXPECT_EQ(result.packets[1].data, null_tcp(3, 4));
}

struct ResolutionCase {
  const char* name;
  std::optional<uint8_t> resolution;
  std::optional<int64_t> offset_seconds;
  uint64_t units;
  int64_t expected_ns;
};

class PcapngTimestampResolution : public testing::TestWithParam<ResolutionCase> {};

TEST_P(PcapngTimestampResolution, ComesOutInNanoseconds) {
  const ResolutionCase& c = GetParam();
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet, 0, c.resolution, c.offset_seconds);
  pcapng.enhanced_packet(0, c.units, ethernet_tcp(1, 2));
  std::string path = write_pcapng(dir, "resolution.pcapng", pcapng);
  OwnRead own = read_with_own_reader(path);
  ASSERT_EQ(own.packets.size(), 1u) << own.error;
  EXPECT_EQ(own.packets[0].ts.ns, c.expected_ns);
}

INSTANTIATE_TEST_SUITE_P(
    Resolutions, PcapngTimestampResolution,
    testing::Values(
        ResolutionCase{"microseconds_by_default", {}, {}, 1'600'000'000'123'456ULL, 1'600'000'000'123'456'000LL},
        ResolutionCase{"nanoseconds", uint8_t{9}, {}, 1'600'000'000'123'456'789ULL, 1'600'000'000'123'456'789LL},
        ResolutionCase{"milliseconds", uint8_t{3}, {}, 1'600'000'000'250ULL, 1'600'000'000'250'000'000LL},
        ResolutionCase{"picoseconds", uint8_t{12}, {}, 5'000'000'000'123'456ULL, 5'000'000'000'123LL},
        ResolutionCase{
            "power_of_two_10", uint8_t{0x80 | 10}, {}, (1'600'000'000ULL << 10) + 512, 1'600'000'000'500'000'000LL},
        ResolutionCase{"power_of_two_30", uint8_t{0x80 | 30}, {}, (3ULL << 30) + (1ULL << 28), 3'250'000'000LL},
        ResolutionCase{"power_of_two_40", uint8_t{0x80 | 40}, {}, (3ULL << 40) + (1ULL << 39), 3'500'000'000LL},
        ResolutionCase{"offset", {}, int64_t{100}, 1'000'000ULL, 101'000'000'000LL},
        ResolutionCase{"absurd_power_of_ten", uint8_t{127}, {}, ~0ULL, 0}),
    [](const testing::TestParamInfo<ResolutionCase>& info) { return std::string(info.param.name); });

TEST(PcapngReader, SimplePacketBlockIsBoundedByInterfaceZeroSnaplen) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet, 64).interface(kNull);
  ByteVector frame = ethernet_tcp(1, 2, 100);  // 154 bytes on the wire
  pcapng.simple_packet(static_cast<uint32_t>(frame.size()), first_bytes(frame, 64));
  pcapng.simple_packet(20, first_bytes(frame, 20));  // shorter than the snaplen: whole
  std::string path = write_pcapng(dir, "spb.pcapng", pcapng);

  ReadResult result = read_file_capture(path);  // mixed link types: our reader
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].data, first_bytes(frame, 64));
  EXPECT_EQ(result.packets[0].wire_length, frame.size());
  EXPECT_EQ(result.packets[0].link_type, kEthernet);
  EXPECT_EQ(result.packets[0].ts_ns, 0);
  EXPECT_EQ(result.packets[1].data.size(), 20u);
  EXPECT_EQ(result.stats.cut_by_snaplen, 1u);
}

TEST(PcapngReader, ObsoletePacketBlock) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet).interface(kNull);
  pcapng.obsolete_packet(1, 42'000'000, null_tcp(9, 10));
  std::string path = write_pcapng(dir, "pb.pcapng", pcapng);
  ReadResult result = read_file_capture(path);
  ASSERT_EQ(result.packets.size(), 1u) << result.error;
  EXPECT_EQ(result.packets[0].link_type, kNull);
  EXPECT_EQ(result.packets[0].ts_ns, 42'000'000'000LL);
  EXPECT_EQ(result.packets[0].data, null_tcp(9, 10));
}

TEST(PcapngReader, DecryptionSecretsBlocksAreRecorded) {
  TempDir dir;
  std::string key_log = "CLIENT_RANDOM 00112233 44556677\n";
  PcapngWriter pcapng;
  pcapng.section_header();
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, ByteVector(key_log.begin(), key_log.end()));
  pcapng.interface(kEthernet).enhanced_packet(0, 1, ethernet_tcp(1, 2));
  pcapng.decryption_secrets(0x57474b4c, ByteVector{1, 2, 3, 4, 5});  // WireGuard keys, unpadded length 5
  pcapng.enhanced_packet(0, 2, ethernet_tcp(3, 4));
  std::string path = write_pcapng(dir, "dsb.pcapng", pcapng);

  OwnRead own = read_with_own_reader(path);
  ASSERT_EQ(own.final_status, ReadStatus::end) << own.error;
  EXPECT_EQ(own.packets.size(), 2u);
  ASSERT_EQ(own.secrets.size(), 2u);
  EXPECT_EQ(own.secrets[0].type, DecryptionSecrets::tls_key_log);
  EXPECT_EQ(std::string(own.secrets[0].data.begin(), own.secrets[0].data.end()), key_log);
  EXPECT_EQ(own.secrets[1].type, 0x57474b4cu);
  EXPECT_EQ(own.secrets[1].data, (ByteVector{1, 2, 3, 4, 5}));
}

TEST(PcapngReader, OtherBlocksAreSkipped) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header();
  pcapng.block(4, ByteVector{0, 0, 0, 0});  // name resolution: end of records only
  pcapng.interface(kEthernet);
  pcapng.block(0x40000bad, ByteVector(40, 7));  // custom block
  pcapng.enhanced_packet(0, 1, ethernet_tcp(1, 2));
  pcapng.block(5, ByteVector(12, 0));  // interface statistics
  pcapng.block(0x12345678, {});        // unknown, empty body
  std::string path = write_pcapng(dir, "skips.pcapng", pcapng);
  OwnRead own = read_with_own_reader(path);
  EXPECT_EQ(own.final_status, ReadStatus::end) << own.error;
  EXPECT_EQ(own.packets.size(), 1u);
}

TEST(PcapngReader, TruncatedFileDeliversCompletePacketsThenSaysWhere) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  ByteVector bytes = pcapng.bytes();
  std::string path = dir.file("cut.pcapng");
  write_file(path, first_bytes(bytes, bytes.size() - 10));  // inside the 4th packet

  ReadResult result = read_file_capture(path);
  ASSERT_EQ(result.final_status, ReadStatus::truncated);
  EXPECT_EQ(result.packets.size(), 3u);
  EXPECT_EQ(result.error.rfind("capture file '" + path + "' is truncated after packet 3 (the block at offset ", 0), 0u)
      << result.error;
}

TEST(PcapngReader, TruncatedInsideBlockHeader) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  ByteVector bytes = pcapng.bytes();
  bytes.insert(bytes.end(), {6, 0, 0});  // three bytes of a fifth block
  std::string path = dir.file("cut-header.pcapng");
  write_file(path, bytes);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::truncated);
  EXPECT_EQ(result.packets.size(), 4u);
  EXPECT_NE(result.error.find("inside the header of the block"), std::string::npos) << result.error;
}

TEST(PcapngReader, TruncatedSingleLinkTypeFileThroughLibpcap) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  for (int i = 0; i < 4; ++i) pcapng.enhanced_packet(0, i, ethernet_tcp(1, 2, 50));
  ByteVector bytes = pcapng.bytes();
  std::string path = dir.file("cut.pcapng");
  write_file(path, first_bytes(bytes, bytes.size() - 30));
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::truncated) << result.error;
  EXPECT_EQ(result.packets.size(), 3u);
  EXPECT_NE(result.error.find("truncated after packet 3"), std::string::npos) << result.error;
}

// A file whose fourth block has the given framing; what comes out must be an error naming
// the block, not a crash or a giant allocation.
ReadResult read_with_bad_block(TempDir& dir, uint32_t leading, uint32_t trailing, size_t body_size) {
  PcapngWriter pcapng = mixed_link_types();
  pcapng.raw_block(6, leading, ByteVector(body_size, 0), trailing);
  pcapng.enhanced_packet(0, 1, ethernet_tcp(1, 2));
  std::string path = dir.file("bad.pcapng");
  write_file(path, pcapng.bytes());
  return read_file_capture(path);
}

TEST(PcapngReader, BlockLengthNotMultipleOfFour) {
  TempDir dir;
  ReadResult result = read_with_bad_block(dir, 30, 30, 18);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_EQ(result.packets.size(), 4u);
  EXPECT_NE(result.error.find("length 30, not a multiple of 4"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("after packet 4"), std::string::npos) << result.error;
}

TEST(PcapngReader, BlockLengthTooShort) {
  TempDir dir;
  ReadResult result = read_with_bad_block(dir, 8, 8, 0);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_NE(result.error.find("length 8, shorter than a block header"), std::string::npos) << result.error;
}

TEST(PcapngReader, BlockLengthOverLimit) {
  TempDir dir;
  ReadResult result = read_with_bad_block(dir, 0xfffffff0u, 0xfffffff0u, 16);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_NE(result.error.find("over the 256 MiB limit"), std::string::npos) << result.error;
}

TEST(PcapngReader, HugeLengthInShortFileIsTruncationNotAllocation) {
  TempDir dir;
  ReadResult result = read_with_bad_block(dir, 200u * 1024 * 1024, 0, 100);
  EXPECT_EQ(result.final_status, ReadStatus::truncated);
  EXPECT_EQ(result.packets.size(), 4u);
}

TEST(PcapngReader, TrailingLengthMustMatch) {
  TempDir dir;
  ReadResult result = read_with_bad_block(dir, 48, 52, 36);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_NE(result.error.find("trailing length 52 but leading length 48"), std::string::npos) << result.error;
}

TEST(PcapngReader, PacketForUnknownInterface) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  pcapng.enhanced_packet(7, 1, ethernet_tcp(1, 2));
  std::string path = write_pcapng(dir, "bad-interface.pcapng", pcapng);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_EQ(result.packets.size(), 4u);
  EXPECT_NE(result.error.find("refers to interface 7"), std::string::npos) << result.error;
}

TEST(PcapngReader, CapturedLengthBeyondBlock) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet).interface(kNull);
  ByteVector body(20, 0);
  body[12] = 0xff;  // captured length 255, in a block with no packet bytes
  pcapng.block(6, body);
  std::string path = write_pcapng(dir, "bad-caplen.pcapng", pcapng);
  OwnRead own = read_with_own_reader(path);
  EXPECT_EQ(own.final_status, ReadStatus::error);
  EXPECT_NE(own.error.find("more than the block holds"), std::string::npos) << own.error;
}

TEST(PcapngReader, PacketBeforeAnyInterface) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().enhanced_packet(0, 1, ethernet_tcp(1, 2));
  std::string path = write_pcapng(dir, "no-interface.pcapng", pcapng);
  OwnRead own = read_with_own_reader(path);
  EXPECT_EQ(own.final_status, ReadStatus::error);
  EXPECT_TRUE(own.packets.empty());
}

TEST(PcapngReader, RefusesContentThatIsNotPcapng) {
  TempDir dir;
  std::string path = dir.file("text");
  capture_test::write_text_file(path, "hello world, not a capture");
  try {
    PcapngReader::open(CaptureFileStream::open(path), path);
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
  }
}

TEST(PcapngReader, SectionHeaderWithBadByteOrderMagicIsNotACapture) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.raw_block(0x0a0d0d0a, 28, ByteVector{1, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 28);
  std::string path = write_pcapng(dir, "bad-magic.pcapng", pcapng);
  try {
    open_capture_file(FileOptions{path, ""});
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
    EXPECT_NE(std::string(error.what()).find("byte-order magic"), std::string::npos) << error.what();
  }
}

TEST(PcapngReader, FilterIsCompiledForEachLinkType) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  std::string path = write_pcapng(dir, "mixed.pcapng", pcapng);

  ReadResult result = read_file_capture(path, "tcp port 443");
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].number, 1u);
  EXPECT_EQ(result.packets[0].link_type, kEthernet);
  EXPECT_EQ(result.packets[1].number, 2u);
  EXPECT_EQ(result.packets[1].link_type, kNull);
  EXPECT_EQ(result.stats.filtered_out, 2u);
}

TEST(PcapngReader, FilterThatCannotApplyToALinkTypeRejectsItsPackets) {
  TempDir dir;
  PcapngWriter pcapng = mixed_link_types();
  std::string path = write_pcapng(dir, "mixed.pcapng", pcapng);
  // "ether" means nothing on DLT_NULL: libpcap will not compile it there.
  ReadResult result = read_file_capture(path, "ether src 00:01:02:03:04:06");
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].number, 1u);
  EXPECT_EQ(result.packets[1].number, 3u);
  EXPECT_EQ(result.stats.filtered_out, 2u);
}

TEST(PcapngReader, InvalidFilterOnOwnReaderPath) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header();
  pcapng.block(0x00000bad, ByteVector(17 * 1024 * 1024, 0));  // libpcap refuses at open
  pcapng.interface(kEthernet);
  std::string path = write_pcapng(dir, "own.pcapng", pcapng);
  try {
    open_capture_file(FileOptions{path, "port port"});
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::invalid_filter);
    EXPECT_EQ(std::string(error.what()).rfind("invalid filter 'port port': ", 0), 0u) << error.what();
  }
}

// ---- the shared corpus ------------------------------------------------------------------

TEST(PcapngReader, CorpusManyInterfacesMatchesTshark) {
  auto corpus = shared_corpus_dir();
  if (!corpus) GTEST_SKIP() << "shared corpus not found (set TLSLENS_SHARED_DIR)";
  std::string path = (*corpus / "wireshark/captures/many_interfaces.pcapng.1").string();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";

  ReadResult result = read_file_capture(path);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 64u);
  // tshark -T fields -e frame.number -e frame.interface_id -e frame.encap_type -e frame.time_epoch:
  // frames 3 and 4 come from interface 10 (NULL/Loopback), the others from Ethernet interfaces.
  for (const auto& packet : result.packets) {
    int expected = (packet.number == 3 || packet.number == 4) ? 0 : 1;
    EXPECT_EQ(packet.link_type, expected) << "frame " << packet.number;
  }
  EXPECT_EQ(result.packets[0].ts_ns, 1'439'753'725'701'607'000LL);
  EXPECT_EQ(result.packets[2].ts_ns, 1'439'753'725'701'568'000LL);
  EXPECT_EQ(result.packets[63].ts_ns, 1'439'753'728'292'345'000LL);
  EXPECT_EQ(result.packets[0].data.size(), 178u);
  EXPECT_EQ(result.packets[2].data.size(), 168u);
  EXPECT_EQ(result.packets[63].data.size(), 195u);
}

TEST(PcapngReader, CorpusDecryptionSecrets) {
  auto corpus = shared_corpus_dir();
  if (!corpus) GTEST_SKIP() << "shared corpus not found (set TLSLENS_SHARED_DIR)";
  std::string path = (*corpus / "wireshark/captures/tls12-dsb.pcapng").string();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";

  OwnRead own = read_with_own_reader(path);
  ASSERT_EQ(own.final_status, ReadStatus::end) << own.error;
  EXPECT_EQ(own.packets.size(), 17u);
  ASSERT_EQ(own.secrets.size(), 2u);
  EXPECT_EQ(own.secrets[0].type, DecryptionSecrets::tls_key_log);
  EXPECT_EQ(own.secrets[0].data.size(), 184u);
  std::string key_log(own.secrets[0].data.begin(), own.secrets[0].data.end());
  EXPECT_NE(key_log.find("CLIENT_RANDOM "), std::string::npos) << key_log;
  EXPECT_EQ(own.secrets[1].data.size(), 176u);
}

}  // namespace
}  // namespace tlslens
