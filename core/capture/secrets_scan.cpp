#include "core/capture/secrets_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <span>
#include <thread>
#include <utility>

#include "core/capture/compressed_stream.h"
#include "core/capture/pcapng_format.h"
#include "core/util/reader.h"

namespace tlslens {

namespace {

using pcapng::kBlockFramingSize;
using pcapng::kByteOrderMagic;
using pcapng::kDecryptionSecretsBlock;
using pcapng::kSectionHeaderBlock;

// One pread() fills this much. The walk touches only block headers, so what it costs is the
// kernel's copy of the file: on the 1 GB bench capture as pcapng, 0.15 s (0.11 s on two
// threads) where `dd bs=1M` takes 0.11 s, and PcapngReader reading every block took 0.28 s.
// A window that stays in the core's cache after the copy was a little faster than 1 MiB.
constexpr size_t kWindowBytes = 256u << 10;

// Fills `out` from `offset` on; how many bytes it got (fewer at the end of the file or on an
// error).
size_t read_at(int fd, std::span<uint8_t> out, uint64_t offset) {
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t r = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

// A regular file read at any offset through one recycled window of memory.
class WindowedFile {
 public:
  WindowedFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  uint64_t size() const { return size_; }

  // The bytes [offset, offset + n), or nothing when the file ends before them (or a read
  // fails). Valid until the next call.
  std::optional<Bytes> at(uint64_t offset, size_t n) {
    if (offset > size_ || n > size_ - offset) return std::nullopt;
    if (offset < window_offset_ || offset + n > window_offset_ + window_.size()) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(n, kWindowBytes), size_ - offset));
      window_.resize(want);
      const size_t got = read_at(fd_, window_, offset);
      window_.resize(got);
      window_offset_ = offset;
      if (got < n) return std::nullopt;
    }
    return Bytes(window_).subspan(static_cast<size_t>(offset - window_offset_), n);
  }

 private:
  int fd_;
  uint64_t size_;
  std::vector<uint8_t> window_;
  uint64_t window_offset_ = 0;
};

// The bytes of a buffer already read, for read_block(): the second walker's search for a
// block boundary looks at candidates in memory only.
class BufferSource {
 public:
  explicit BufferSource(Bytes bytes) : bytes_(bytes) {}
  std::optional<Bytes> at(uint64_t offset, size_t n) const {
    if (offset > bytes_.size() || n > bytes_.size() - offset) return std::nullopt;
    return bytes_.subspan(static_cast<size_t>(offset), n);
  }

 private:
  Bytes bytes_;
};

// One block, as far as the walk cares.
struct Block {
  uint32_t length = 0;
  std::optional<DecryptionSecrets> secrets;
};

// Reads the block at `offset` and checks it as PcapngReader does: its framing (lengths,
// trailing length), a section header's byte-order magic (which sets `little_endian`) and
// version, a secrets block's own length. Nothing where the walk must stop: broken framing or
// a cut block. Packet blocks are not looked into.
template <typename Source>
std::optional<Block> read_block(Source& source, uint64_t offset, bool& little_endian) {
  const auto header = source.at(offset, kBlockFramingSize);
  if (!header) return std::nullopt;
  uint32_t type = 0;
  Reader(*header).u32(type);  // a section header's type reads the same in both orders
  bool order = little_endian;
  if (type == kSectionHeaderBlock) {
    uint32_t magic = 0;
    if (Reader(header->subspan(8)).u32(magic) && magic == kByteOrderMagic) {
      order = false;
    } else if (Reader(header->subspan(8)).u32le(magic) && magic == kByteOrderMagic) {
      order = true;
    } else {
      return std::nullopt;
    }
  } else if (order) {
    Reader(*header).u32le(type);
  }
  Block block;
  Reader length_field(header->subspan(4));
  if (!pcapng::read_u32(length_field, order, block.length)) return std::nullopt;
  const uint32_t length = block.length;
  if (length < kBlockFramingSize || length % 4 != 0 || length > PcapngReader::max_block_length) return std::nullopt;
  if (type == kSectionHeaderBlock && length < kBlockFramingSize + 4 + 12) return std::nullopt;  // magic, version, length
  const auto trailer = source.at(offset + length - 4, 4);
  if (!trailer) return std::nullopt;
  Reader trailer_field(*trailer);
  uint32_t trailing = 0;
  if (!pcapng::read_u32(trailer_field, order, trailing) || trailing != length) return std::nullopt;
  if (type == kSectionHeaderBlock) {
    const auto version = source.at(offset + 12, 2);  // after the magic: the major version
    uint16_t major = 0;
    if (!version || !(order ? Reader(*version).u16le(major) : Reader(*version).u16(major)) || major != 1)
      return std::nullopt;
  } else if (type == kDecryptionSecretsBlock) {
    const auto body = source.at(offset + 8, length - kBlockFramingSize);
    DecryptionSecrets secrets;
    if (!body || !pcapng::parse_decryption_secrets(Reader(*body), order, secrets)) return std::nullopt;
    block.secrets = std::move(secrets);
  }
  little_endian = order;
  return block;
}

// Walks the blocks of an uncompressed pcapng file by their lengths from one block on,
// keeping the secrets blocks' content. It stops where PcapngReader would find the framing
// broken and keeps what it found before; unlike PcapngReader it does not look inside packet
// blocks, so a malformed packet does not hide the secrets after it.
//
// Two walkers can split a large file: the second starts at a block boundary it finds in the
// middle (a run of well-framed blocks); the first walks from the start and, if it reaches that
// very block in the same byte order, stops there and takes the second's secrets: a walk
// depends only on where it is and the byte order, so from there both are the same walk.
// Otherwise the boundary was a false one (inside a packet's data) and the first walks on
// alone: the result never depends on the split. (A false chain cannot run into the real one
// later in the same byte order: a block is well framed only if its trailing length is its
// own, and ending where a real block ends means reading that block's length, so starting
// where it starts. Nothing about the second walk needs keeping but its start.)
class BlockWalker {
 public:
  BlockWalker(WindowedFile& file, uint64_t offset, bool little_endian)
      : file_(file), offset_(offset), start_(offset), start_little_endian_(little_endian),
        little_endian_(little_endian) {}

  // Walks on until the next block would start at or after `until`, or the walk ends.
  void walk_until(uint64_t until) {
    while (!ended_ && offset_ < until) step();
  }
  // Walks on to the end, handing over to `second` (a walk of the rest of the file from a
  // boundary found, finished) if it reaches where `second` started.
  void walk_to_end(const BlockWalker* second) {
    while (!ended_) {
      if (second != nullptr && offset_ == second->start_ && little_endian_ == second->start_little_endian_) {
        secrets_.insert(secrets_.end(), second->secrets_.begin(), second->secrets_.end());
        return;
      }
      step();
    }
  }
  std::vector<DecryptionSecrets> take_secrets() { return std::move(secrets_); }

 private:
  void step() {
    std::optional<Block> block = offset_ < file_.size() ? read_block(file_, offset_, little_endian_) : std::nullopt;
    if (!block) {
      ended_ = true;
      return;
    }
    if (block->secrets) secrets_.push_back(std::move(*block->secrets));
    offset_ += block->length;
  }

  WindowedFile& file_;
  uint64_t offset_;
  const uint64_t start_;
  const bool start_little_endian_;
  bool little_endian_;
  bool ended_ = false;
  std::vector<DecryptionSecrets> secrets_;
};

// A block boundary at or after `from`, for the second walker: the first position (block
// offsets are multiples of 4) where, in one byte order or the other, kResyncBlocks blocks
// in a row are well framed (or fewer that end the file exactly), found within
// kResyncSearchBytes; nothing otherwise.
constexpr size_t kResyncSearchBytes = 1u << 20;
constexpr size_t kResyncBlocks = 8;
std::optional<std::pair<uint64_t, bool>> find_block_boundary(int fd, uint64_t file_size, uint64_t from) {
  if (from >= file_size) return std::nullopt;
  std::vector<uint8_t> buffer(static_cast<size_t>(std::min<uint64_t>(2 * kResyncSearchBytes, file_size - from)));
  if (read_at(fd, buffer, from) < buffer.size()) return std::nullopt;
  const bool reaches_end = from + buffer.size() == file_size;
  BufferSource source{Bytes(buffer)};
  for (size_t candidate = (4 - from % 4) % 4; candidate < std::min(kResyncSearchBytes, buffer.size()); candidate += 4) {
    for (const bool little_endian : {true, false}) {
      bool order = little_endian;
      uint64_t at = candidate;
      size_t blocks = 0;
      while (blocks < kResyncBlocks && at < buffer.size()) {
        const std::optional<Block> block = read_block(source, at, order);
        if (!block) break;
        at += block->length;
        ++blocks;
      }
      if (blocks == kResyncBlocks || (reaches_end && at == buffer.size() && blocks > 0))
        return std::make_pair(from + candidate, little_endian);
    }
  }
  return std::nullopt;
}

// The whole walk, in two halves when `split_at` is inside the file (0: one walker).
std::vector<DecryptionSecrets> walk_file(int fd, WindowedFile& first_file, uint64_t split_at) {
  const uint64_t file_size = first_file.size();
  BlockWalker first(first_file, 0, true);
  const auto boundary = split_at > 0 ? find_block_boundary(fd, file_size, split_at) : std::nullopt;
  if (!boundary) {
    first.walk_to_end(nullptr);
    return first.take_secrets();
  }
  WindowedFile second_file(fd, file_size);
  BlockWalker second(second_file, boundary->first, boundary->second);
  std::thread other([&second] { second.walk_to_end(nullptr); });
  first.walk_until(boundary->first);
  other.join();
  first.walk_to_end(&second);
  return first.take_secrets();
}

// The slow way, for compressed files: every block through PcapngReader.
std::vector<DecryptionSecrets> read_all_blocks(const std::string& path) {
  CaptureFileStream stream = CaptureFileStream::open(path);
  if (!stream.content_is_pcapng()) return {};
  std::unique_ptr<PcapngReader> reader = PcapngReader::open(std::move(stream), path);
  Packet packet;
  while (reader->next(packet) == ReadStatus::packet) {
  }
  return reader->decryption_secrets();
}

// Below this, one walker: a second thread would save less than it costs to start.
constexpr uint64_t kSplitMinBytes = 32u << 20;

// The scan of `path` with the walk split at `split_at` (0: not split; ignored for files
// that are not uncompressed pcapng).
std::vector<DecryptionSecrets> scan(const std::string& path, std::optional<uint64_t> split_at, unsigned threads) {
  // Standard input, a pipe or a FIFO can be read only once: scanning it first would eat the
  // capture. Their embedded key logs are not used (a file is read twice; a stream once).
  // (Opened without waiting for a writer, so that a FIFO is only looked at.)
  if (path == "-") return {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return {};
  }
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  WindowedFile file(fd, size);
  const auto magic = file.at(0, 4);
  uint32_t type = 0;
  const bool plain_pcapng = magic && Reader(*magic).u32(type) && type == kSectionHeaderBlock;
  std::vector<DecryptionSecrets> found;
  if (plain_pcapng) found = walk_file(fd, file, split_at.value_or(threads > 1 && size >= kSplitMinBytes ? size / 2 : 0));
  ::close(fd);
  if (plain_pcapng) return found;
  try {
    return read_all_blocks(path);  // compressed (or not pcapng at all: nothing)
  } catch (const CaptureError&) {
    return {};
  }
}

}  // namespace

std::vector<DecryptionSecrets> scan_decryption_secrets(const std::string& path, unsigned threads) {
  return scan(path, std::nullopt, threads);
}

std::vector<DecryptionSecrets> detail::scan_decryption_secrets_split(const std::string& path, uint64_t split_at) {
  return scan(path, split_at, 2);
}

}  // namespace tlslens
