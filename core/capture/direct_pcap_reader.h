// DirectPcapReader: the records of an uncompressed classic pcap file, read with large read()s
// into blocks of our own instead of through stdio and libpcap.
//
// Why: libpcap copies every record twice more (stdio buffer -> its own buffer) with two freads
// per packet — about a tenth of a whole run without keys, and with several threads most of
// the reading thread's time. Here a packet's bytes are used where read() put them, and they
// stay readable after the next read for as long as someone holds Packet::memory->keep:
// ParallelAnalyzer hands them to its workers that way, without a copy. (Mapping the file was
// tried first: the first touch of every mapped page, through 4 KiB pages in this VM, cost more
// than the kernel's copy.)
//
// Promises (beyond PacketRecordReader's): the same packets, timestamps and errors as
// LibpcapFileReader for the same file. It takes only the common case — native byte order,
// version 2.4, the usec or nsec magic, a regular file — and reads only records it judges
// exactly as libpcap would (capture length within the snapshot length and 262,144 bytes,
// record complete within the size the file had when opened). At the first record it does not
// take (cut short, an odd length, or the file has grown since), it hands over to libpcap,
// positioned at that record, which reads — and judges — the rest. Memory: blocks of about
// 0.8 MiB, recycled; as many as are held by Packet::memory at once, plus two.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/capture/libpcap_file_reader.h"
#include "core/capture/packet_record_reader.h"

namespace tlslens {

class DirectPcapReader final : public PacketRecordReader {
 public:
  // `libpcap` has opened the same file and read its header (and nothing else). Returns
  // `libpcap` itself when the file is not one this reader takes.
  static std::unique_ptr<PacketRecordReader> wrap(const std::string& path, std::unique_ptr<LibpcapFileReader> libpcap);

  ~DirectPcapReader() override;
  DirectPcapReader(const DirectPcapReader&) = delete;
  DirectPcapReader& operator=(const DirectPcapReader&) = delete;

  ReadStatus next(Packet& out) override;
  const std::string& error() const override { return libpcap_->error(); }
  int link_type() const override { return libpcap_->link_type(); }
  int snaplen() const override { return snaplen_; }

  // Where libpcap took over (the file offset of the first record it read), or 0 while this
  // reader still reads; for tests.
  uint64_t handed_over_at() const { return handed_over_at_; }

 private:
  class BlockPool;
  DirectPcapReader(int fd, uint64_t file_size, bool nanosecond_file, std::unique_ptr<LibpcapFileReader> libpcap);
  // Makes [offset_, offset_ + bytes) readable in the current block, reading on (into a fresh
  // block that starts with the unread rest) if needed; false on a read failure.
  bool ensure_available(uint64_t bytes);
  // Lets libpcap read from offset_ on, this record first.
  ReadStatus hand_over(Packet& out);

  int fd_;
  uint64_t file_size_;  // at open: later bytes are libpcap's
  bool nanosecond_file_;
  int snaplen_;
  int link_type_;
  uint32_t max_caplen_;  // larger records go to libpcap (it errs or cuts them)
  std::unique_ptr<LibpcapFileReader> libpcap_;
  std::shared_ptr<BlockPool> pool_;
  std::shared_ptr<PacketMemory> block_;  // holds file bytes [block_offset_, block_offset_ + block size)
  uint64_t block_offset_ = 0;
  uint64_t read_to_ = 0;  // file offset up to which blocks have been filled
  uint64_t offset_ = 0;   // file offset of the next record
  uint64_t handed_over_at_ = 0;
  bool handed_over_ = false;
};

}  // namespace tlslens
