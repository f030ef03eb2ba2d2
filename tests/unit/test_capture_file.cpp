// Capture files through libpcap: timestamps, numbering, the BPF filter, statistics, opening
// errors and truncated files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/capture/file_source.h"
#include "core/capture/libpcap_file_reader.h"
#include "core/capture/packet_source.h"
#include "test_capture_helpers.h"

namespace tlslens {
namespace {

using capture_test::ByteVector;
using capture_test::ethernet_tcp;
using capture_test::first_bytes;
using capture_test::PcapngWriter;
using capture_test::read_all;
using capture_test::read_file;
using capture_test::read_file_capture;
using capture_test::TempDir;
using capture_test::TestRecord;
using capture_test::write_file;
using capture_test::write_pcap;
using capture_test::write_text_file;

constexpr int kEthernet = 1;
constexpr int64_t kBillion = 1'000'000'000;

std::vector<TestRecord> three_records(int64_t fraction_scale) {
  return {
      {1'700'000'000, 1 * fraction_scale, ethernet_tcp(50000, 443), 0},
      {1'700'000'001, 250 * fraction_scale, ethernet_tcp(443, 50000, 10), 0},
      {1'700'000'002, 999 * fraction_scale, ethernet_tcp(50000, 443, 100), 0},
  };
}

CaptureError open_error(const std::string& path, const std::string& filter = {}) {
  try {
    open_capture_file(FileOptions{path, filter});
  } catch (const CaptureError& error) {
    return error;
  }
  ADD_FAILURE() << "opening '" << path << "' did not throw";
  return CaptureError(CaptureErrorKind::other, "");
}

TEST(CaptureFile, PcapMicrosecondTimestampsComeOutInNanoseconds) {
  TempDir dir;
  std::string path = dir.file("micro.pcap");
  write_pcap(path, kEthernet, three_records(1000));  // fractions are µs: 1000 µs, 250000 µs, ...

  auto result = read_file_capture(path);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 3u);
  EXPECT_EQ(result.packets[0].ts_ns, 1'700'000'000 * kBillion + 1'000'000);
  EXPECT_EQ(result.packets[1].ts_ns, 1'700'000'001 * kBillion + 250'000'000);
  EXPECT_EQ(result.packets[2].ts_ns, 1'700'000'002 * kBillion + 999'000'000);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(result.packets[i].number, i + 1);
    EXPECT_EQ(result.packets[i].link_type, kEthernet);
  }
  EXPECT_EQ(result.packets[2].data, ethernet_tcp(50000, 443, 100));
  EXPECT_EQ(result.stats.packets, 3u);
  EXPECT_EQ(result.stats.cut_by_snaplen, 0u);
}

TEST(CaptureFile, PcapNanosecondTimestampsKeepTheirPrecision) {
  TempDir dir;
  std::string path = dir.file("nano.pcap");
  std::vector<TestRecord> records = three_records(1);
  records[0].fraction = 123'456'789;
  write_pcap(path, kEthernet, records, /*nanosecond=*/true);

  auto result = read_file_capture(path);
  ASSERT_EQ(result.packets.size(), 3u);
  EXPECT_EQ(result.packets[0].ts_ns, 1'700'000'000 * kBillion + 123'456'789);
  EXPECT_EQ(result.packets[1].ts_ns, 1'700'000'001 * kBillion + 250);
}

TEST(CaptureFile, SourceDescribesItself) {
  TempDir dir;
  std::string path = dir.file("x.pcap");
  write_pcap(path, 276, {{1, 0, ByteVector(30, 1), 0}}, false, 1500);
  auto source = open_capture_file(FileOptions{path, ""});
  EXPECT_EQ(source->description(), path);
  EXPECT_EQ(source->link_type(), 276);
  EXPECT_EQ(source->snaplen(), 1500);
  Packet packet;
  EXPECT_EQ(source->next(packet), ReadStatus::packet);
  EXPECT_EQ(packet.link_type, 276);
  EXPECT_EQ(source->next(packet), ReadStatus::end);
  EXPECT_EQ(source->next(packet), ReadStatus::end) << "the end is repeated";
}

TEST(CaptureFile, PcapngWithOneLinkTypeIsReadByLibpcap) {
  TempDir dir;
  std::string path = dir.file("one-link.pcapng");
  PcapngWriter pcapng;
  pcapng.section_header().interface(kEthernet, 262144, uint8_t{9});  // nanoseconds
  pcapng.enhanced_packet(0, 1'700'000'000'123'456'789ULL, ethernet_tcp(1, 2));
  pcapng.enhanced_packet(0, 1'700'000'001'000'000'001ULL, ethernet_tcp(3, 4));
  write_file(path, pcapng.bytes());

  auto source = open_capture_file(FileOptions{path, ""});
  auto result = read_all(*source);
  ASSERT_EQ(result.final_status, ReadStatus::end) << result.error;
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].ts_ns, 1'700'000'000'123'456'789LL);
  EXPECT_EQ(result.packets[1].ts_ns, 1'700'000'001'000'000'001LL);
  EXPECT_EQ(result.packets[1].data, ethernet_tcp(3, 4));
  auto* file_source = dynamic_cast<FileSource*>(source.get());
  ASSERT_NE(file_source, nullptr);
  EXPECT_NE(dynamic_cast<const LibpcapFileReader*>(&file_source->reader()), nullptr);
}

TEST(CaptureFile, PacketsCutBySnaplenAreCounted) {
  TempDir dir;
  std::string path = dir.file("snaplen.pcap");
  write_pcap(path, kEthernet,
             {{1, 0, first_bytes(ethernet_tcp(1, 2, 200), 96), 254},
              {2, 0, ethernet_tcp(1, 2), 0},
              {3, 0, first_bytes(ethernet_tcp(1, 2, 500), 96), 554}},
             false, 96);
  auto result = read_file_capture(path);
  ASSERT_EQ(result.packets.size(), 3u);
  EXPECT_EQ(result.packets[0].data.size(), 96u);
  EXPECT_EQ(result.packets[0].wire_length, 254u);
  EXPECT_EQ(result.stats.cut_by_snaplen, 2u);
  EXPECT_EQ(result.stats.packets, 3u);
}

TEST(CaptureFile, FilterKeepsFileNumbersOfThePacketsItPasses) {
  TempDir dir;
  std::string path = dir.file("filter.pcap");
  write_pcap(path, kEthernet,
             {{1, 0, ethernet_tcp(50000, 443), 0},
              {2, 0, ethernet_tcp(50001, 80), 0},
              {3, 0, ethernet_tcp(443, 50000), 0},
              {4, 0, ethernet_tcp(80, 50001), 0}});
  auto result = read_file_capture(path, "tcp port 443");
  ASSERT_EQ(result.final_status, ReadStatus::end);
  ASSERT_EQ(result.packets.size(), 2u);
  EXPECT_EQ(result.packets[0].number, 1u);
  EXPECT_EQ(result.packets[1].number, 3u);
  EXPECT_EQ(result.stats.filtered_out, 2u);
  EXPECT_EQ(result.stats.packets, 2u);
}

TEST(CaptureFile, InvalidFilterIsRejectedAtOpen) {
  TempDir dir;
  std::string path = dir.file("f.pcap");
  write_pcap(path, kEthernet, {{1, 0, ethernet_tcp(1, 2), 0}});
  CaptureError error = open_error(path, "tcp prt 443");
  EXPECT_EQ(error.kind(), CaptureErrorKind::invalid_filter);
  EXPECT_EQ(std::string(error.what()).rfind("invalid filter 'tcp prt 443': ", 0), 0u) << error.what();
  EXPECT_NE(std::string(error.what()).find("syntax error"), std::string::npos) << error.what();
}

TEST(CaptureFile, MissingFile) {
  CaptureError error = open_error("/nonexistent/dir/none.pcap");
  EXPECT_EQ(error.kind(), CaptureErrorKind::file_not_found);
  EXPECT_STREQ(error.what(), "cannot open '/nonexistent/dir/none.pcap': No such file or directory");
}

TEST(CaptureFile, UnreadableFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file; permission cannot be denied here";
  TempDir dir;
  std::string path = dir.file("secret.pcap");
  write_pcap(path, kEthernet, {{1, 0, ethernet_tcp(1, 2), 0}});
  chmod(path.c_str(), 0);
  CaptureError error = open_error(path);
  EXPECT_EQ(error.kind(), CaptureErrorKind::permission_denied);
  EXPECT_EQ(std::string(error.what()), "cannot open '" + path + "': Permission denied");
}

TEST(CaptureFile, DirectoryIsRefused) {
  TempDir dir;
  CaptureError error = open_error(dir.file(""));
  EXPECT_NE(std::string(error.what()).find("Is a directory"), std::string::npos) << error.what();
}

TEST(CaptureFile, TextFileIsNotACapture) {
  TempDir dir;
  std::string path = dir.file("notes.pcap");
  write_text_file(path, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  CaptureError error = open_error(path);
  EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
  std::string message = error.what();
  EXPECT_EQ(message.rfind("'" + path + "' is not a pcap or pcapng capture (", 0), 0u) << message;
  EXPECT_NE(message.find("unknown file format"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(CaptureFile, EmptyFileIsNotACapture) {
  TempDir dir;
  std::string path = dir.file("empty.pcap");
  write_text_file(path, "");
  CaptureError error = open_error(path);
  EXPECT_EQ(error.kind(), CaptureErrorKind::not_a_capture);
  EXPECT_EQ(std::string(error.what()), "'" + path + "' is not a pcap or pcapng capture (the file is empty)");
}

TEST(CaptureFile, TinyFileIsNotACapture) {
  TempDir dir;
  std::string path = dir.file("two-bytes");
  write_text_file(path, "ab");
  EXPECT_EQ(open_error(path).kind(), CaptureErrorKind::not_a_capture);
}

std::vector<TestRecord> numbered_records(int count) {
  std::vector<TestRecord> records;
  for (int i = 0; i < count; ++i) {
    records.push_back({1'700'000'000 + i, 0, ethernet_tcp(static_cast<uint16_t>(40000 + i), 443, 64), 0});
  }
  return records;
}

TEST(CaptureFile, TruncatedInsidePacketDataDeliversCompletePacketsFirst) {
  TempDir dir;
  std::string whole = dir.file("whole.pcap");
  write_pcap(whole, kEthernet, numbered_records(5));
  ByteVector bytes = read_file(whole);
  // Each record: 16-byte header + 118 bytes of frame; cut 10 bytes into the 5th frame.
  size_t record_size = 16 + ethernet_tcp(1, 1, 64).size();
  std::string cut = dir.file("cut.pcap");
  write_file(cut, first_bytes(bytes, 24 + 4 * record_size + 16 + 10));

  auto result = read_file_capture(cut);
  ASSERT_EQ(result.final_status, ReadStatus::truncated);
  ASSERT_EQ(result.packets.size(), 4u);
  EXPECT_EQ(result.packets[3].number, 4u);
  EXPECT_EQ(result.error.rfind("capture file '" + cut + "' is truncated after packet 4 (truncated dump file", 0), 0u)
      << result.error;
}

TEST(CaptureFile, TruncatedInsideRecordHeader) {
  TempDir dir;
  std::string whole = dir.file("whole.pcap");
  write_pcap(whole, kEthernet, numbered_records(3));
  ByteVector bytes = read_file(whole);
  size_t record_size = 16 + ethernet_tcp(1, 1, 64).size();
  std::string cut = dir.file("cut.pcap");
  write_file(cut, first_bytes(bytes, 24 + 2 * record_size + 7));

  auto result = read_file_capture(cut);
  EXPECT_EQ(result.final_status, ReadStatus::truncated);
  EXPECT_EQ(result.packets.size(), 2u);
  EXPECT_NE(result.error.find("after packet 2"), std::string::npos) << result.error;
}

TEST(CaptureFile, TruncatedWithFilterStillCountsEveryRecord) {
  TempDir dir;
  std::string whole = dir.file("whole.pcap");
  write_pcap(whole, kEthernet, numbered_records(4));
  ByteVector bytes = read_file(whole);
  std::string cut = dir.file("cut.pcap");
  write_file(cut, first_bytes(bytes, bytes.size() - 1));

  auto result = read_file_capture(cut, "tcp src port 40001");
  EXPECT_EQ(result.final_status, ReadStatus::truncated);
  ASSERT_EQ(result.packets.size(), 1u);
  EXPECT_EQ(result.packets[0].number, 2u);
  EXPECT_NE(result.error.find("after packet 3"), std::string::npos) << result.error;
}

TEST(CaptureFile, LinkTypeNames) {
  EXPECT_EQ(link_type_name(1), "EN10MB");
  EXPECT_EQ(link_type_name(276), "LINUX_SLL2");
  EXPECT_EQ(link_type_name(113), "LINUX_SLL");
  EXPECT_EQ(link_type_name(99999), "DLT 99999");
}

}  // namespace
}  // namespace tlslens
