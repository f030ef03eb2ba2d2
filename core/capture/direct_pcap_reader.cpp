#include "core/capture/direct_pcap_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/util/reader.h"

namespace tlslens {

namespace {

constexpr uint64_t kFileHeaderBytes = 24;
constexpr uint64_t kRecordHeaderBytes = 16;
// libpcap's MAXIMUM_SNAPLEN: no link type allows less, so a record within it is one libpcap
// takes as it is (larger ones it refuses or cuts: those it reads itself).
constexpr uint32_t kLibpcapMaximumCaplen = 262144;
// Each block is filled by one read() (the kernel's copy is the only one). Large enough that the
// system call costs nothing per packet and any record fits in a fresh block; small enough that
// blocks held by queued work stay a few MiB.
constexpr size_t kBlockBytes = 1u << 20;
static_assert(kBlockBytes >= kRecordHeaderBytes + kLibpcapMaximumCaplen);
// Returned blocks kept for reuse (fresh memory would fault its pages in again).
constexpr size_t kKeptFreeBlocks = 12;
// The first blocks come from one region backed by 2 MiB pages where the kernel allows it
// (transparent huge pages, "madvise" mode on Debian): with worker threads a dozen blocks are in
// flight, read by two cores, and with 4 KiB pages the TLB misses of that (costly in a VM,
// whose page walks are two-level) were ~5 % of all CPU. Blocks beyond it come from the heap.
constexpr size_t kHugePageBytes = 2u << 20;
constexpr size_t kRegionBlocks = 16;
static_assert((kRegionBlocks * kBlockBytes) % kHugePageBytes == 0);

constexpr uint32_t kMicrosecondMagic = 0xa1b2c3d4;
constexpr uint32_t kNanosecondMagic = 0xa1b23c4d;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);  // native byte order: the only order this reader takes
  return v;
}

}  // namespace

// Blocks come back from whichever thread drops the last hold on them.
class DirectPcapReader::BlockPool : public std::enable_shared_from_this<BlockPool> {
 public:
  BlockPool() = default;
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;
  ~BlockPool() {
    for (uint8_t* block : free_)
      if (!in_region(block)) delete[] block;
    std::free(region_);
  }

  std::shared_ptr<PacketMemory> take(size_t filled_from_tail, const uint8_t* tail) {
    uint8_t* block = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        block = free_.back();
        free_.pop_back();
      } else {
        block = from_region();
      }
    }
    if (block == nullptr) block = new uint8_t[kBlockBytes];
    if (filled_from_tail > 0) std::memcpy(block, tail, filled_from_tail);
    auto memory = std::make_shared<PacketMemory>();
    memory->begin = block;
    memory->end = block + filled_from_tail;
    memory->keep = std::shared_ptr<const void>(block, [pool = shared_from_this()](const void* p) {
      pool->give_back(static_cast<uint8_t*>(const_cast<void*>(p)));
    });
    return memory;
  }

 private:
  bool in_region(const uint8_t* block) const {
    return region_ != nullptr && block >= region_ && block < region_ + kRegionBlocks * kBlockBytes;
  }
  // The region's next unused block (under mutex_), or null once it is used up.
  uint8_t* from_region() {
    if (region_used_ == kRegionBlocks) return nullptr;
    if (region_ == nullptr) {
      region_ = static_cast<uint8_t*>(std::aligned_alloc(kHugePageBytes, kRegionBlocks * kBlockBytes));
      if (region_ == nullptr) {
        region_used_ = kRegionBlocks;  // no region: the heap serves every block
        return nullptr;
      }
      madvise(region_, kRegionBlocks * kBlockBytes, MADV_HUGEPAGE);  // a hint: refused, pages stay 4 KiB
    }
    return region_ + (region_used_++) * kBlockBytes;
  }
  void give_back(uint8_t* block) {
    std::lock_guard lock(mutex_);
    if (in_region(block) || free_.size() < kKeptFreeBlocks) {
      free_.push_back(block);  // the region's blocks are always kept: they are freed with it
      return;
    }
    delete[] block;
  }

  std::mutex mutex_;
  std::vector<uint8_t*> free_;
  uint8_t* region_ = nullptr;  // kRegionBlocks blocks, allocated on first need
  size_t region_used_ = 0;
};

std::unique_ptr<PacketRecordReader> DirectPcapReader::wrap(const std::string& path,
                                                           std::unique_ptr<LibpcapFileReader> libpcap) {
  struct stat by_path {};
  // Only regular files: opening a FIFO would wait for a writer (and take its bytes from libpcap).
  if (path == "-" || stat(path.c_str(), &by_path) != 0 || !S_ISREG(by_path.st_mode)) return libpcap;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return libpcap;
  struct stat st {};
  uint8_t header[kFileHeaderBytes];
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                       static_cast<uint64_t>(st.st_size) >= kFileHeaderBytes &&
                       pread(fd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header);
  const uint32_t magic = regular ? load_u32(header) : 0;
  const bool version_2_4 = regular && header[4] == 2 && header[5] == 0 && header[6] == 4 && header[7] == 0;
  if (!version_2_4 || (magic != kMicrosecondMagic && magic != kNanosecondMagic)) {
    ::close(fd);
    return libpcap;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<PacketRecordReader>(new DirectPcapReader(fd, static_cast<uint64_t>(st.st_size),
                                                                  magic == kNanosecondMagic, std::move(libpcap)));
}

DirectPcapReader::DirectPcapReader(int fd, uint64_t file_size, bool nanosecond_file,
                                   std::unique_ptr<LibpcapFileReader> libpcap)
    : fd_(fd),
      file_size_(file_size),
      nanosecond_file_(nanosecond_file),
      snaplen_(libpcap->snaplen()),
      link_type_(libpcap->link_type()),
      max_caplen_(std::min<uint32_t>(static_cast<uint32_t>(std::max(snaplen_, 0)), kLibpcapMaximumCaplen)),
      libpcap_(std::move(libpcap)),
      pool_(std::make_shared<BlockPool>()),
      read_to_(kFileHeaderBytes),
      offset_(kFileHeaderBytes) {}

DirectPcapReader::~DirectPcapReader() {
  block_.reset();  // packets handed out may still hold blocks: they go back to the pool they keep alive
  ::close(fd_);
}

bool DirectPcapReader::ensure_available(uint64_t bytes) {
  if (block_ && offset_ + bytes <= read_to_) return true;
  const size_t tail = static_cast<size_t>(read_to_ - offset_);  // read, not yet used: < one record
  std::shared_ptr<PacketMemory> next = pool_->take(tail, block_ ? block_->begin + (offset_ - block_offset_) : nullptr);
  auto* fill = const_cast<uint8_t*>(next->end);
  const uint64_t want = std::min<uint64_t>(kBlockBytes - tail, file_size_ - read_to_);
  uint64_t got = 0;
  while (got < want) {
    const ssize_t n = pread(fd_, fill + got, want - got, static_cast<off_t>(read_to_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // an error or the file shrank: libpcap will say what it finds there
    got += static_cast<uint64_t>(n);
  }
  next->end = fill + got;
  block_ = std::move(next);
  block_offset_ = offset_;
  read_to_ += got;
  return offset_ + bytes <= read_to_;
}

ReadStatus DirectPcapReader::hand_over(Packet& out) {
  handed_over_ = true;
  handed_over_at_ = offset_;
  block_.reset();
  // Cannot fail on the regular file this reader took; if it did, libpcap would read on from
  // after the file header and the packet numbers would be wrong, so say so instead.
  if (!libpcap_->seek_to_record(offset_)) return ReadStatus::error;
  return libpcap_->next(out);
}

ReadStatus DirectPcapReader::next(Packet& out) {
  if (handed_over_) return libpcap_->next(out);
  // The clean end, a cut header or bytes appended since opening: libpcap's to read.
  if (offset_ + kRecordHeaderBytes > file_size_ || !ensure_available(kRecordHeaderBytes)) return hand_over(out);
  const uint32_t caplen = load_u32(block_->begin + (offset_ - block_offset_) + 8);
  const uint64_t record_bytes = kRecordHeaderBytes + caplen;
  if (caplen > max_caplen_ || offset_ + record_bytes > file_size_ || !ensure_available(record_bytes)) {
    return hand_over(out);
  }
  const uint8_t* record = block_->begin + (offset_ - block_offset_);
  // As libpcap: 32-bit signed seconds and fraction; microseconds scaled to nanoseconds.
  const auto seconds = static_cast<int32_t>(load_u32(record));
  const auto fraction = static_cast<int64_t>(static_cast<int32_t>(load_u32(record + 4)));
  out.ts = Timestamp::from_sec_nsec(seconds, nanosecond_file_ ? fraction : fraction * 1000);
  out.link_type = link_type_;
  out.data = Bytes(record + kRecordHeaderBytes, caplen);
  out.wire_length = std::max(load_u32(record + 12), caplen);
  out.memory = block_.get();
  offset_ += record_bytes;
  return ReadStatus::packet;
}

}  // namespace tlslens
