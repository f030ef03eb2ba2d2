// Compressed capture files: gzip, zstd and lz4 recognised by magic bytes, decompressed as a
// stream under libpcap and under our pcapng reader; truncated and corrupt compressed data.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <thread>
#include <vector>

#include "core/capture/compressed_stream.h"
#include "core/capture/packet_source.h"
#include "test_capture_helpers.h"

namespace tlslens {
namespace {

using capture_test::ByteVector;
using capture_test::ethernet_tcp;
using capture_test::first_bytes;
using capture_test::gzip_compress;
using capture_test::lz4_compress;
using capture_test::null_tcp;
using capture_test::PcapngWriter;
using capture_test::read_file;
using capture_test::read_file_capture;
using capture_test::ReadResult;
using capture_test::TempDir;
using capture_test::TestRecord;
using capture_test::write_file;
using capture_test::write_pcap;
using capture_test::zstd_compress;

struct Codec {
  const char* name;
  Compression compression;
  ByteVector (*compress)(const ByteVector&);
};

const Codec kCodecs[] = {
    {"gzip", Compression::gzip, gzip_compress},
    {"zstd", Compression::zstd, zstd_compress},
    {"lz4", Compression::lz4, lz4_compress},
};

ByteVector pcap_bytes(TempDir& dir, int packets, size_t payload = 64) {
  std::vector<TestRecord> records;
  for (int i = 0; i < packets; ++i) {
    records.push_back({1'700'000'000 + i, i, ethernet_tcp(static_cast<uint16_t>(1000 + i), 443, payload), 0});
  }
  std::string path = dir.file("plain.pcap");
  write_pcap(path, 1, records);
  return read_file(path);
}

ByteVector mixed_pcapng_bytes(uint32_t packets = 6) {
  PcapngWriter pcapng;
  pcapng.section_header().interface(1).interface(0);
  pcapng.decryption_secrets(0x544c534b, ByteVector(10, 'k'));
  for (uint32_t i = 0; i < packets; ++i) {
    pcapng.enhanced_packet(i % 2, 1'000'000 * (i + 1), i % 2 == 0 ? ethernet_tcp(1, 2) : null_tcp(3, 4));
  }
  return pcapng.bytes();
}

void expect_same_reading(const ReadResult& actual, const ReadResult& expected) {
  ASSERT_EQ(actual.final_status, expected.final_status) << actual.error;
  ASSERT_EQ(actual.packets.size(), expected.packets.size());
  for (size_t i = 0; i < actual.packets.size(); ++i) {
    EXPECT_EQ(actual.packets[i].number, expected.packets[i].number);
    EXPECT_EQ(actual.packets[i].ts_ns, expected.packets[i].ts_ns);
    EXPECT_EQ(actual.packets[i].link_type, expected.packets[i].link_type);
    EXPECT_EQ(actual.packets[i].data, expected.packets[i].data);
  }
}

class CompressedCapture : public testing::TestWithParam<Codec> {};

TEST_P(CompressedCapture, PcapReadsAsUncompressed) {
  TempDir dir;
  ByteVector plain = pcap_bytes(dir, 20);
  std::string compressed = dir.file("capture.pcap");  // the name does not say: the magic does
  write_file(compressed, GetParam().compress(plain));
  ReadResult result = read_file_capture(compressed);
  expect_same_reading(result, read_file_capture(dir.file("plain.pcap")));
  EXPECT_EQ(result.packets.size(), 20u);
}

TEST_P(CompressedCapture, PcapngThroughLibpcap) {
  TempDir dir;
  PcapngWriter pcapng;
  pcapng.section_header().interface(1, 262144, uint8_t{9});
  for (uint32_t i = 0; i < 5; ++i) pcapng.enhanced_packet(0, 1'000'000'007ULL * (i + 1), ethernet_tcp(1, 2, i));
  std::string plain = dir.file("plain.pcapng");
  write_file(plain, pcapng.bytes());
  std::string compressed = dir.file("capture.bin");
  write_file(compressed, GetParam().compress(pcapng.bytes()));
  ReadResult result = read_file_capture(compressed);
  expect_same_reading(result, read_file_capture(plain));
  EXPECT_EQ(result.packets.size(), 5u);
}

TEST_P(CompressedCapture, MixedLinkTypePcapngThroughOwnReader) {
  TempDir dir;
  std::string plain = dir.file("plain.pcapng");
  write_file(plain, mixed_pcapng_bytes());
  std::string compressed = dir.file("mixed.pcapng");
  write_file(compressed, GetParam().compress(mixed_pcapng_bytes()));
  ReadResult result = read_file_capture(compressed, "tcp");
  expect_same_reading(result, read_file_capture(plain, "tcp"));
  ASSERT_EQ(result.packets.size(), 6u);
  EXPECT_EQ(result.packets[1].link_type, 0);
}

TEST_P(CompressedCapture, StreamKnowsItsCompressionAndContentMagic) {
  TempDir dir;
  std::string path = dir.file("x");
  write_file(path, GetParam().compress(mixed_pcapng_bytes()));
  CaptureFileStream stream = CaptureFileStream::open(path);
  EXPECT_EQ(stream.compression(), GetParam().compression);
  EXPECT_TRUE(stream.content_is_pcapng());
  // The peeked magic is still delivered to the reader.
  ByteVector content(64);
  ASSERT_EQ(std::fread(content.data(), 1, content.size(), stream.file()), content.size());
  EXPECT_EQ(content, first_bytes(mixed_pcapng_bytes(), 64));
}

TEST_P(CompressedCapture, TruncatedCompressedDataIsReportedAsTruncated) {
  TempDir dir;
  // Large enough for several zstd and lz4 blocks: those decode a block only once it is whole.
  ByteVector compressed = GetParam().compress(pcap_bytes(dir, 2000, 200));
  // Cut in the middle, and just before the end (gzip's CRC trailer, lz4's end mark, the last
  // zstd block): every complete packet comes out, then truncated — never a quiet end.
  for (size_t cut : {compressed.size() / 2, compressed.size() - 1, compressed.size() - 4}) {
    std::string path = dir.file("cut-" + std::to_string(cut));
    write_file(path, first_bytes(compressed, cut));
    ReadResult result = read_file_capture(path);
    EXPECT_EQ(result.final_status, ReadStatus::truncated) << "cut at " << cut << ": " << result.error;
    EXPECT_NE(result.error.find(std::string(GetParam().name) + " data ends early"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("is truncated after packet " + std::to_string(result.packets.size())),
              std::string::npos)
        << result.error;
    EXPECT_LE(result.packets.size(), 2000u);  // a cut trailer loses no packet, but is still reported
  }
}

TEST_P(CompressedCapture, TruncatedCompressedPcapngThroughOwnReader) {
  TempDir dir;
  ByteVector compressed = GetParam().compress(mixed_pcapng_bytes(4000));
  std::string path = dir.file("cut.pcapng");
  write_file(path, first_bytes(compressed, compressed.size() - 1));
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::truncated) << result.error;
  EXPECT_NE(result.error.find("data ends early"), std::string::npos) << result.error;
}

TEST_P(CompressedCapture, SmallFileCutShortIsTruncatedNeverAQuietEnd) {
  TempDir dir;
  ByteVector compressed = GetParam().compress(pcap_bytes(dir, 5));
  std::string path = dir.file("small-cut");
  write_file(path, first_bytes(compressed, compressed.size() - 2));
  try {
    ReadResult result = read_file_capture(path);
    EXPECT_EQ(result.final_status, ReadStatus::truncated);  // gzip streams out what it has
  } catch (const CaptureError& error) {
    // zstd and lz4 decode whole blocks: this file's only block is incomplete, so nothing
    // at all comes out, not even the capture header.
    EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
    EXPECT_EQ(std::string(error.what()), "capture file '" + path + "' is truncated before its first packet (" +
                                             GetParam().name + " data ends early)");
  }
}

TEST_P(CompressedCapture, EmptyContentIsNotACapture) {
  TempDir dir;
  std::string path = dir.file("empty");
  write_file(path, GetParam().compress({}));
  try {
    open_capture_file(FileOptions{path, ""});
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
    EXPECT_EQ(std::string(error.what()),
              "'" + path + "' is not a pcap or pcapng capture (the " + GetParam().name + " data is empty)");
  }
}

TEST_P(CompressedCapture, CompressedTextIsNotACapture) {
  TempDir dir;
  std::string path = dir.file("text");
  std::string text = "just some text, long enough to be more than a magic number\n";
  write_file(path, GetParam().compress(ByteVector(text.begin(), text.end())));
  try {
    open_capture_file(FileOptions{path, ""});
    FAIL() << "no exception";
  } catch (const CaptureError& error) {
    EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
    EXPECT_NE(std::string(error.what()).find("after " + std::string(GetParam().name) + " decompression"),
              std::string::npos)
        << error.what();
  }
}

TEST_P(CompressedCapture, LargeFileIsReadInFull) {
  TempDir dir;
  ByteVector plain = pcap_bytes(dir, 4000, 1400);  // ~5.8 MB, many decoder and stdio buffers
  std::string path = dir.file("large");
  write_file(path, GetParam().compress(plain));
  ReadResult result = read_file_capture(path);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 4000u);
  EXPECT_EQ(result.packets[3999].data, ethernet_tcp(static_cast<uint16_t>(1000 + 3999), 443, 1400));
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressedCapture, testing::ValuesIn(kCodecs),
                         [](const testing::TestParamInfo<Codec>& info) { return std::string(info.param.name); });

TEST(CompressedStream, UncompressedFileWithCompressedExtensionIsReadPlainly) {
  TempDir dir;
  ByteVector plain = pcap_bytes(dir, 3);
  std::string path = dir.file("misnamed.pcap.gz");
  write_file(path, plain);
  CaptureFileStream stream = CaptureFileStream::open(path);
  EXPECT_EQ(stream.compression(), Compression::none);
  EXPECT_EQ(read_file_capture(path).packets.size(), 3u);
}

TEST(CompressedStream, ConcatenatedGzipMembers) {
  TempDir dir;
  ByteVector plain = pcap_bytes(dir, 10);
  size_t half = plain.size() / 2;
  ByteVector first = gzip_compress(first_bytes(plain, half));
  ByteVector second = gzip_compress(ByteVector(plain.begin() + static_cast<std::ptrdiff_t>(half), plain.end()));
  first.insert(first.end(), second.begin(), second.end());
  std::string path = dir.file("two-members.gz");
  write_file(path, first);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::end) << result.error;
  EXPECT_EQ(result.packets.size(), 10u);
}

TEST(CompressedStream, ConcatenatedZstdFrames) {
  TempDir dir;
  ByteVector plain = pcap_bytes(dir, 10);
  size_t half = plain.size() / 3;
  ByteVector first = zstd_compress(first_bytes(plain, half));
  ByteVector second = zstd_compress(ByteVector(plain.begin() + static_cast<std::ptrdiff_t>(half), plain.end()));
  first.insert(first.end(), second.begin(), second.end());
  std::string path = dir.file("two-frames.zst");
  write_file(path, first);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::end) << result.error;
  EXPECT_EQ(result.packets.size(), 10u);
}

TEST(CompressedStream, GzipWithTrailingZerosIsReadLikeGzipDoes) {
  TempDir dir;
  ByteVector compressed = gzip_compress(pcap_bytes(dir, 4));
  compressed.insert(compressed.end(), 512, 0);  // tape-style padding
  std::string path = dir.file("padded.gz");
  write_file(path, compressed);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::end) << result.error;
  EXPECT_EQ(result.packets.size(), 4u);
}

TEST(CompressedStream, CorruptGzipChecksumIsAnError) {
  TempDir dir;
  ByteVector compressed = gzip_compress(pcap_bytes(dir, 6));
  compressed[compressed.size() - 6] ^= 0xff;  // inside the CRC-32
  std::string path = dir.file("bad-crc.gz");
  write_file(path, compressed);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_NE(result.error.find("gzip data is corrupt"), std::string::npos) << result.error;
}

ByteVector zstd_compress_with_checksum(const ByteVector& input) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  ByteVector output(ZSTD_compressBound(input.size()));
  size_t size = ZSTD_compress2(context, output.data(), output.size(), input.data(), input.size());
  ZSTD_freeCCtx(context);
  EXPECT_FALSE(ZSTD_isError(size));
  output.resize(size);
  return output;
}

TEST(CompressedStream, CorruptZstdDataIsAnErrorNotACrash) {
  TempDir dir;
  ByteVector compressed = zstd_compress_with_checksum(pcap_bytes(dir, 2000, 300));
  for (size_t i = compressed.size() / 2; i < compressed.size() / 2 + 40; ++i) compressed[i] ^= 0x5a;
  std::string path = dir.file("bad.zst");
  write_file(path, compressed);
  ReadResult result = read_file_capture(path);
  EXPECT_EQ(result.final_status, ReadStatus::error);
  EXPECT_NE(result.error.find("zstd data is corrupt"), std::string::npos) << result.error;
  EXPECT_LT(result.packets.size(), 2000u);
}

TEST(CompressedStream, PipeIsReadWithoutRewinding) {
  TempDir dir;
  for (bool compress : {false, true}) {
    ByteVector plain = pcap_bytes(dir, 7);
    ByteVector content = compress ? gzip_compress(plain) : plain;
    std::string fifo = dir.file(compress ? "pipe-gz" : "pipe");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    std::thread writer([&] { write_file(fifo, content); });
    ReadResult result = read_file_capture(fifo);
    writer.join();
    EXPECT_EQ(result.final_status, ReadStatus::end) << result.error;
    EXPECT_EQ(result.packets.size(), 7u) << (compress ? "gzip" : "plain");
  }
}

}  // namespace
}  // namespace tlslens
