// scan_decryption_secrets: the pre-pass that finds a pcapng file's Decryption Secrets Blocks.
// An uncompressed file is walked block by block with large reads; every result is checked
// against what PcapngReader, which reads every block, records for the same file.
#include "core/capture/secrets_scan.h"

#include <gtest/gtest.h>

#include "tests/unit/test_capture_helpers.h"

namespace tlslens {
namespace {

using namespace capture_test;

constexpr uint16_t kEthernet = 1;
constexpr uint32_t kWireGuardKeys = 0x57474b4c;

ByteVector text_bytes(const std::string& text) { return ByteVector(text.begin(), text.end()); }

std::string write_capture(TempDir& dir, const std::string& name, const ByteVector& bytes) {
  std::string path = dir.file(name);
  write_file(path, bytes);
  return path;
}

// What PcapngReader records reading the whole file (the scan's reference).
std::vector<DecryptionSecrets> read_by_pcapng_reader(const std::string& path) {
  auto reader = PcapngReader::open(CaptureFileStream::open(path), path);
  Packet packet;
  while (reader->next(packet) == ReadStatus::packet) {
  }
  return reader->decryption_secrets();
}

void expect_same(const std::vector<DecryptionSecrets>& got, const std::vector<DecryptionSecrets>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].type, want[i].type) << "block " << i;
    EXPECT_EQ(got[i].data, want[i].data) << "block " << i;
  }
}

// A capture with `packets` full-size packets (about 1.5 KB each) and a key log before,
// between and after them: reads cross many 1 MiB windows.
PcapngWriter many_packets_with_secrets(size_t packets, bool little_endian = true) {
  PcapngWriter pcapng(little_endian);
  pcapng.section_header();
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 00 11\n"));
  pcapng.interface(kEthernet);
  for (size_t i = 0; i < packets; ++i) {
    pcapng.enhanced_packet(0, i, ethernet_tcp(1000, 443, 1400 + i % 7));
    if (i == packets / 2) pcapng.decryption_secrets(kWireGuardKeys, ByteVector{1, 2, 3, 4, 5});
  }
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
  return pcapng;
}

TEST(SecretsScan, FindsEveryBlockInFileOrderAcrossReadWindows) {
  TempDir dir;
  PcapngWriter pcapng = many_packets_with_secrets(2000);  // ~3 MB
  ASSERT_GT(pcapng.bytes().size(), 2u << 20);
  std::string path = write_capture(dir, "many.pcapng", pcapng.bytes());
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].type, DecryptionSecrets::tls_key_log);
  EXPECT_EQ(std::string(found[0].data.begin(), found[0].data.end()), "CLIENT_RANDOM 00 11\n");
  EXPECT_EQ(found[1].type, kWireGuardKeys);
  EXPECT_EQ(found[1].data, (ByteVector{1, 2, 3, 4, 5}));  // unpadded length kept
  EXPECT_EQ(std::string(found[2].data.begin(), found[2].data.end()), "CLIENT_RANDOM 22 33\n");
  expect_same(found, read_by_pcapng_reader(path));
}

TEST(SecretsScan, SecretsLargerThanTheReadWindow) {
  TempDir dir;
  std::string key_log;
  while (key_log.size() < (3u << 20) / 2) key_log += "CLIENT_RANDOM 0123456789abcdef 0123456789abcdef\n";
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  for (int i = 0; i < 500; ++i) pcapng.enhanced_packet(0, i, ethernet_tcp(1000, 443, 1400));
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes(key_log));
  pcapng.enhanced_packet(0, 501, ethernet_tcp(1000, 443, 10));
  std::string path = write_capture(dir, "big-dsb.pcapng", pcapng.bytes());
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].data.size(), key_log.size());
  expect_same(found, read_by_pcapng_reader(path));
}

TEST(SecretsScan, SectionsInEitherByteOrder) {
  TempDir dir;
  PcapngWriter big = many_packets_with_secrets(10, /*little_endian=*/false);
  PcapngWriter little = many_packets_with_secrets(10, /*little_endian=*/true);
  ByteVector bytes = big.bytes();
  bytes.insert(bytes.end(), little.bytes().begin(), little.bytes().end());
  std::string path = write_capture(dir, "two-sections.pcapng", bytes);
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  ASSERT_EQ(found.size(), 6u);
  EXPECT_EQ(found[1].type, kWireGuardKeys);  // read in the big-endian section's order
  EXPECT_EQ(found[4].type, kWireGuardKeys);
  expect_same(found, read_by_pcapng_reader(path));
}

TEST(SecretsScan, CutFileKeepsTheSecretsBeforeTheCut) {
  TempDir dir;
  PcapngWriter pcapng = many_packets_with_secrets(100);
  ByteVector bytes = pcapng.bytes();
  // Inside the last key log's block: the first two are whole.
  std::string path = write_capture(dir, "cut.pcapng", first_bytes(bytes, bytes.size() - 10));
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  EXPECT_EQ(found.size(), 2u);
  expect_same(found, read_by_pcapng_reader(path));
  // Inside a block header.
  path = write_capture(dir, "cut-header.pcapng", first_bytes(bytes, bytes.size() - 38));
  EXPECT_EQ(scan_decryption_secrets(path).size(), 2u);
}

TEST(SecretsScan, BrokenFramingEndsTheScanWherePcapngReaderStops) {
  TempDir dir;
  for (const auto& [name, leading, trailing] : std::vector<std::tuple<std::string, uint32_t, uint32_t>>{
           {"trailing-differs", 32, 36}, {"not-multiple-of-4", 30, 30}, {"too-short", 8, 8}}) {
    PcapngWriter pcapng;
    pcapng.section_header().interface(kEthernet);
    pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 00 11\n"));
    pcapng.raw_block(0x40000bad, leading, ByteVector(20, 0), trailing);
    pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
    std::string path = write_capture(dir, name + ".pcapng", pcapng.bytes());
    std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
    EXPECT_EQ(found.size(), 1u) << name;
    expect_same(found, read_by_pcapng_reader(path));
  }
}

TEST(SecretsScan, MalformedSecretsBlockEndsTheScan) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 00 11\n"));
  ByteVector body = {0x4b, 0x53, 0x4c, 0x54, 0xff, 0, 0, 0, 1, 2, 3, 4};  // claims 255 bytes, holds 4
  pcapng.block(0x0a, body);
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
  std::string path = write_capture(dir, "bad-dsb.pcapng", pcapng.bytes());
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  EXPECT_EQ(found.size(), 1u);
  expect_same(found, read_by_pcapng_reader(path));
}

// PcapngReader stops at a packet it cannot interpret; the scan does not look inside packets,
// so the secrets after one still count.
TEST(SecretsScan, MalformedPacketDoesNotHideLaterSecrets) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  pcapng.enhanced_packet(7, 1, ethernet_tcp(1, 2));  // interface 7 does not exist
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
  std::string path = write_capture(dir, "bad-packet.pcapng", pcapng.bytes());
  EXPECT_TRUE(read_by_pcapng_reader(path).empty());
  EXPECT_EQ(scan_decryption_secrets(path).size(), 1u);
}

TEST(SecretsScan, UnsupportedSectionVersionEndsTheScan) {
  TempDir dir;
  PcapngWriter pcapng = many_packets_with_secrets(3);
  ByteVector bytes = pcapng.bytes();
  PcapngWriter second;
  second.block(0x0a0d0d0a, ByteVector{0x4d, 0x3c, 0x2b, 0x1a, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  second.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 44 55\n"));
  bytes.insert(bytes.end(), second.bytes().begin(), second.bytes().end());
  std::string path = write_capture(dir, "version-2.pcapng", bytes);
  std::vector<DecryptionSecrets> found = scan_decryption_secrets(path);
  EXPECT_EQ(found.size(), 3u);
  expect_same(found, read_by_pcapng_reader(path));
}

// Every split point of the two-thread walk gives the one-thread result.
void expect_same_at_every_split(const std::string& path, size_t size) {
  const std::vector<DecryptionSecrets> whole = scan_decryption_secrets(path);
  for (uint64_t split = 1; split <= size + 4; split += 1)
    expect_same(detail::scan_decryption_secrets_split(path, split), whole);
}

TEST(SecretsScan, SplitWalkGivesTheSameSecretsAtEverySplit) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  for (int i = 0; i < 30; ++i) {
    pcapng.enhanced_packet(0, i, ethernet_tcp(1000, 443, i % 5));
    if (i % 7 == 3) pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM " + std::to_string(i) + "\n"));
  }
  PcapngWriter big_endian = many_packets_with_secrets(12, /*little_endian=*/false);  // a second section
  ByteVector bytes = pcapng.bytes();
  bytes.insert(bytes.end(), big_endian.bytes().begin(), big_endian.bytes().end());
  std::string path = write_capture(dir, "split.pcapng", bytes);
  ASSERT_EQ(scan_decryption_secrets(path).size(), 4u + 3u);  // i = 3, 10, 17, 24; then the second section's
  expect_same_at_every_split(path, bytes.size());
}

// A packet whose data is itself a run of well-framed blocks, one of them a secrets block: a
// walker that starts inside it sees a boundary there and a key log that is not in the file's
// blocks. The walk from the start never steps into the packet, and the result is the same.
TEST(SecretsScan, SplitWalkIsNotFooledByBlocksInsidePacketData) {
  TempDir dir;
  PcapngWriter fake;
  for (int i = 0; i < 10; ++i) fake.block(0x40000bad, ByteVector(8, 0));
  fake.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM fake fake\n"));
  for (int i = 0; i < 10; ++i) fake.block(0x40000bad, ByteVector(8, 0));
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 00 11\n"));
  pcapng.enhanced_packet(0, 1, fake.bytes());
  pcapng.enhanced_packet(0, 2, ethernet_tcp(1000, 443, 3));
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
  for (int i = 0; i < 10; ++i) pcapng.enhanced_packet(0, 3 + i, ethernet_tcp(1000, 443, i));
  std::string path = write_capture(dir, "fake-blocks.pcapng", pcapng.bytes());
  std::vector<DecryptionSecrets> whole = scan_decryption_secrets(path);
  ASSERT_EQ(whole.size(), 2u);
  EXPECT_EQ(std::string(whole[1].data.begin(), whole[1].data.end()), "CLIENT_RANDOM 22 33\n");
  expect_same_at_every_split(path, pcapng.bytes().size());
}

TEST(SecretsScan, SplitWalkStopsAtBrokenFramingBeforeTheSplit) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet);
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 00 11\n"));
  pcapng.raw_block(0x40000bad, 32, ByteVector(20, 0), 36);  // trailing length differs
  for (int i = 0; i < 20; ++i) pcapng.enhanced_packet(0, i, ethernet_tcp(1000, 443, i));
  pcapng.decryption_secrets(DecryptionSecrets::tls_key_log, text_bytes("CLIENT_RANDOM 22 33\n"));
  std::string path = write_capture(dir, "broken-then-more.pcapng", pcapng.bytes());
  EXPECT_EQ(scan_decryption_secrets(path).size(), 1u);
  expect_same_at_every_split(path, pcapng.bytes().size());
}

TEST(SecretsScan, LargeFileOnTwoThreads) {
  TempDir dir;
  PcapngWriter pcapng = many_packets_with_secrets(24000);  // ~36 MB: over the size walked in halves
  ASSERT_GT(pcapng.bytes().size(), 32u << 20);
  std::string path = write_capture(dir, "large.pcapng", pcapng.bytes());
  const std::vector<DecryptionSecrets> one = scan_decryption_secrets(path, 1);
  ASSERT_EQ(one.size(), 3u);
  expect_same(scan_decryption_secrets(path, 2), one);
}

TEST(SecretsScan, CompressedFileIsScannedToo) {
  TempDir dir;
  PcapngWriter pcapng = many_packets_with_secrets(50);
  std::string path = write_capture(dir, "dsb.pcapng.gz", gzip_compress(pcapng.bytes()));
  EXPECT_EQ(scan_decryption_secrets(path).size(), 3u);
}

TEST(SecretsScan, NotPcapngOrNotAFileGivesNothing) {
  TempDir dir;
  std::string path = dir.file("classic.pcap");
  write_pcap(path, kEthernet, {TestRecord{1, 0, ethernet_tcp(1, 2)}});
  EXPECT_TRUE(scan_decryption_secrets(path).empty());
  EXPECT_TRUE(scan_decryption_secrets(dir.file("missing.pcapng")).empty());
  EXPECT_TRUE(scan_decryption_secrets("-").empty());
  EXPECT_TRUE(scan_decryption_secrets(dir.file("")).empty());  // a directory
}

}  // namespace
}  // namespace tlslens
