// DirectPcapReader against libpcap itself: the same packets, timestamps, statuses and error
// messages for plain files, files spanning many blocks, and every case it hands to libpcap
// (cut records, capture lengths over the snapshot length or libpcap's maximum, a file that
// grew after opening); and packet memory that stays readable while held.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/capture/libpcap_file_reader.h"
#include "core/capture/direct_pcap_reader.h"
#include "test_capture_helpers.h"

namespace tlslens {
namespace {

using capture_test::ByteVector;
using capture_test::ethernet_tcp;
using capture_test::read_file;
using capture_test::TempDir;
using capture_test::TestRecord;
using capture_test::write_file;
using capture_test::write_pcap;

constexpr int kEthernet = 1;

std::unique_ptr<LibpcapFileReader> open_libpcap(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE] = "";
  pcap_t* handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, error);
  EXPECT_NE(handle, nullptr) << error;
  return handle == nullptr ? nullptr : std::make_unique<LibpcapFileReader>(handle, nullptr);
}

struct Record {
  int64_t ts_ns;
  ByteVector data;
  uint32_t wire_length;
  bool operator==(const Record&) const = default;
};

struct Reading {
  std::vector<Record> records;
  ReadStatus status = ReadStatus::packet;
  std::string error;
};

Reading read_everything(PacketRecordReader& reader) {
  Reading reading;
  Packet packet;
  for (;;) {
    packet.memory = nullptr;
    ReadStatus status = reader.next(packet);
    if (status != ReadStatus::packet) {
      reading.status = status;
      reading.error = reader.error();
      return reading;
    }
    reading.records.push_back(Record{packet.ts.ns, ByteVector(packet.data.begin(), packet.data.end()), packet.wire_length});
  }
}

// Reads `path` with libpcap alone and through the direct reader; they must agree.
DirectPcapReader* expect_same_as_libpcap(const std::string& path, std::unique_ptr<PacketRecordReader>& direct_out) {
  auto by_libpcap = open_libpcap(path);
  Reading expected = read_everything(*by_libpcap);
  direct_out = DirectPcapReader::wrap(path, open_libpcap(path));
  auto* direct = dynamic_cast<DirectPcapReader*>(direct_out.get());
  EXPECT_NE(direct, nullptr) << "the file was not read directly";
  Reading got = read_everything(*direct_out);
  EXPECT_EQ(got.status, expected.status);
  EXPECT_EQ(got.error, expected.error);
  EXPECT_EQ(got.records.size(), expected.records.size());
  EXPECT_TRUE(got.records == expected.records);
  return direct;
}

std::vector<TestRecord> varied_records(size_t count, int64_t fraction_scale) {
  std::vector<TestRecord> records;
  for (size_t i = 0; i < count; ++i) {
    const size_t payload = (i * 7919) % 1460;
    // Negative and large seconds: libpcap reads them as signed 32-bit.
    const int64_t seconds = i == 1 ? -5 : 1'700'000'000 + static_cast<int64_t>(i);
    records.push_back({seconds, static_cast<int64_t>(i % 1000) * fraction_scale,
                       ethernet_tcp(static_cast<uint16_t>(1000 + i), 443, payload), i % 3 == 0 ? 1514u : 0u});
  }
  return records;
}

TEST(DirectPcapReader, SameAsLibpcapMicrosecondAndNanosecondFiles) {
  TempDir dir;
  for (bool nano : {false, true}) {
    const std::string path = dir.file(nano ? "nano.pcap" : "micro.pcap");
    write_pcap(path, kEthernet, varied_records(50, nano ? 999'999 : 999), nano);
    std::unique_ptr<PacketRecordReader> reader;
    DirectPcapReader* direct = expect_same_as_libpcap(path, reader);
    ASSERT_NE(direct, nullptr);
    EXPECT_EQ(direct->handed_over_at(), read_file(path).size()) << "libpcap reads only the clean end";
  }
}

TEST(DirectPcapReader, RecordsAcrossManyBlocksIncludingMaximumSize) {
  TempDir dir;
  const std::string path = dir.file("big.pcap");
  std::vector<TestRecord> records = varied_records(6000, 1000);  // ~4.5 MB: blocks are 1 MiB
  for (size_t at : {10u, 1400u, 2800u, 4200u}) {
    records.insert(records.begin() + static_cast<std::ptrdiff_t>(at),
                   TestRecord{1'700'000'000, 5, ByteVector(262144, static_cast<uint8_t>(at)), 0});
  }
  write_pcap(path, kEthernet, records);
  std::unique_ptr<PacketRecordReader> reader;
  expect_same_as_libpcap(path, reader);
}

TEST(DirectPcapReader, CutRecordsAreLibpcapsToJudge) {
  TempDir dir;
  const std::string whole = dir.file("whole.pcap");
  write_pcap(whole, kEthernet, varied_records(20, 1000));
  const ByteVector bytes = read_file(whole);
  // Inside the last record's data, inside its header, and one byte of a header.
  const size_t last_record_size = 16 + ethernet_tcp(1019, 443, (19 * 7919) % 1460).size();
  for (size_t cut : {bytes.size() - 7, bytes.size() - last_record_size + 9, bytes.size() - last_record_size + 1}) {
    const std::string path = dir.file("cut.pcap");
    write_file(path, ByteVector(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
    std::unique_ptr<PacketRecordReader> reader;
    DirectPcapReader* direct = expect_same_as_libpcap(path, reader);
    ASSERT_NE(direct, nullptr);
    EXPECT_EQ(direct->handed_over_at(), bytes.size() - last_record_size) << "cut at " << cut;
  }
}

TEST(DirectPcapReader, CaptureLengthOverTheSnapshotLengthIsCutByLibpcap) {
  TempDir dir;
  const std::string path = dir.file("snaplen.pcap");
  std::vector<TestRecord> records = varied_records(5, 1000);
  records[2].data = ByteVector(200, 0xab);  // written whole, but the file says snaplen 100
  write_pcap(path, kEthernet, records, false, 100);
  std::unique_ptr<PacketRecordReader> reader;
  DirectPcapReader* direct = expect_same_as_libpcap(path, reader);
  ASSERT_NE(direct, nullptr);
  EXPECT_GT(direct->handed_over_at(), 24u);
}

TEST(DirectPcapReader, CaptureLengthOverLibpcapsMaximumIsLibpcapsError) {
  TempDir dir;
  const std::string path = dir.file("huge.pcap");
  write_pcap(path, kEthernet, varied_records(3, 1000));
  ByteVector bytes = read_file(path);
  const uint32_t huge = 300000;
  std::memcpy(bytes.data() + 24 + 8, &huge, sizeof huge);  // the first record's caplen
  write_file(path, bytes);
  std::unique_ptr<PacketRecordReader> reader;
  expect_same_as_libpcap(path, reader);
  Reading again = read_everything(*DirectPcapReader::wrap(path, open_libpcap(path)));
  EXPECT_EQ(again.status, ReadStatus::error);
  EXPECT_NE(again.error.find("invalid packet capture length 300000"), std::string::npos) << again.error;
}

TEST(DirectPcapReader, BytesAppendedAfterOpeningAreReadByLibpcap) {
  TempDir dir;
  const std::string path = dir.file("growing.pcap");
  write_pcap(path, kEthernet, varied_records(4, 1000));
  const ByteVector before = read_file(path);
  auto reader = DirectPcapReader::wrap(path, open_libpcap(path));
  ASSERT_NE(dynamic_cast<DirectPcapReader*>(reader.get()), nullptr);

  const std::string more = dir.file("more.pcap");
  write_pcap(more, kEthernet, varied_records(7, 1000));
  const ByteVector extra = read_file(more);
  std::ofstream(path, std::ios::binary | std::ios::app)
      .write(reinterpret_cast<const char*>(extra.data()) + before.size(),
             static_cast<std::streamsize>(extra.size() - before.size()));

  Reading got = read_everything(*reader);
  EXPECT_EQ(got.status, ReadStatus::end);
  EXPECT_EQ(got.records.size(), 7u);
}

TEST(DirectPcapReader, HeldPacketMemoryOutlivesLaterReads) {
  TempDir dir;
  const std::string path = dir.file("held.pcap");
  write_pcap(path, kEthernet, varied_records(8000, 1000));  // ~6 MB: several blocks
  auto reader = DirectPcapReader::wrap(path, open_libpcap(path));
  Packet packet;
  ASSERT_EQ(reader->next(packet), ReadStatus::packet);
  ASSERT_NE(packet.memory, nullptr);
  EXPECT_TRUE(packet.memory->holds(packet.data));
  const std::shared_ptr<const void> keep = packet.memory->keep;
  const std::span<const uint8_t> first = packet.data;
  const ByteVector first_copy(first.begin(), first.end());
  size_t blocks_seen = 1;
  const PacketMemory* last = packet.memory;
  while (reader->next(packet) == ReadStatus::packet) {
    if (packet.memory != last) ++blocks_seen;
    last = packet.memory;
  }
  EXPECT_GE(blocks_seen, 3u);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), first_copy.begin()));  // the block was not reused
}

// Holding more blocks than the huge-page region has (16) takes blocks from the heap as well;
// every held packet keeps its bytes, and blocks of both kinds come back and are reused (ASan
// checks that no region block is ever freed on its own).
TEST(DirectPcapReader, ManyHeldBlocksFromTheRegionAndTheHeap) {
  TempDir dir;
  const std::string path = dir.file("many.pcap");
  const std::vector<TestRecord> records = varied_records(40000, 1000);  // ~30 MB: 30 blocks
  write_pcap(path, kEthernet, records);
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reuses the returned blocks
    auto reader = DirectPcapReader::wrap(path, open_libpcap(path));
    std::vector<std::shared_ptr<const void>> held;
    std::vector<std::pair<std::span<const uint8_t>, size_t>> firsts;  // each block's first packet, its record
    Packet packet;
    const PacketMemory* last = nullptr;
    size_t index = 0;
    while (reader->next(packet) == ReadStatus::packet) {
      ASSERT_NE(packet.memory, nullptr);
      if (packet.memory != last) {
        held.push_back(packet.memory->keep);
        firsts.emplace_back(packet.data, index);
        last = packet.memory;
      }
      ++index;
    }
    ASSERT_EQ(index, records.size());
    EXPECT_GT(held.size(), 20U);
    for (const auto& [data, at] : firsts)
      EXPECT_TRUE(std::equal(data.begin(), data.end(), records[at].data.begin(), records[at].data.end())) << at;
  }
}

TEST(DirectPcapReader, UnusualFilesStayWithLibpcap) {
  TempDir dir;
  const std::string path = dir.file("old.pcap");
  write_pcap(path, kEthernet, varied_records(3, 1000));
  ByteVector bytes = read_file(path);
  bytes[6] = 3;  // version 2.3: libpcap may swap caplen and len
  write_file(path, bytes);
  auto reader = DirectPcapReader::wrap(path, open_libpcap(path));
  EXPECT_EQ(dynamic_cast<DirectPcapReader*>(reader.get()), nullptr);
  EXPECT_EQ(read_everything(*reader).records.size(), 3u);
}

}  // namespace
}  // namespace tlslens
