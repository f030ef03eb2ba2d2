// CaptureFileStream: a capture file opened for reading as a stdio FILE*, decompressed on the
// fly when its first bytes say it is gzip, zstd or lz4 (frame format).
//
// Promises:
//  * The compression is decided by the magic bytes (gzip 1f 8b, zstd 28 b5 2f fd, lz4 frame
//    04 22 4d 18), never by the file name.
//  * A compressed file is decompressed as a stream through a glibc fopencookie FILE*: memory
//    use is a few fixed buffers plus the decoder's window, whatever the file's size.
//  * The first four bytes of the (decompressed) content are known before anything else reads
//    the stream (`content_magic()`), and are still delivered to the first reader.
//  * When compressed data ends before its last frame is complete, or is corrupt, reads fail
//    (ferror on the FILE*, errno EIO) and `fault()` says which and why; the fault record
//    outlives the FILE*, so it can be consulted after libpcap has closed the stream.
//  * Opening failures throw CaptureError (file_not_found, permission_denied, other).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace tlslens {

enum class Compression { none, gzip, zstd, lz4 };

// "gzip", "zstd", "lz4", or "uncompressed".
const char* compression_name(Compression compression);

// What went wrong with the compressed data, if anything.
struct StreamFault {
  enum class Kind { none, truncated, corrupt, read_error };
  Kind kind = Kind::none;
  std::string message;  // e.g. "gzip data ends early"; empty when kind == none
};

class CaptureFileStream {
 public:
  // Opens `path` (following the promises above); "-" is standard input, read as a stream
  // (like a pipe: compressed or not, nothing is read twice). Throws CaptureError.
  static CaptureFileStream open(const std::string& path);

  CaptureFileStream(CaptureFileStream&& other) noexcept;
  CaptureFileStream& operator=(CaptureFileStream&& other) noexcept;
  CaptureFileStream(const CaptureFileStream&) = delete;
  CaptureFileStream& operator=(const CaptureFileStream&) = delete;
  ~CaptureFileStream();

  // The stream to read from; owned by this object until release().
  FILE* file() const { return file_; }
  // Hands ownership of the FILE* to the caller (libpcap's pcap_fopen_offline fcloses it).
  FILE* release();

  Compression compression() const { return compression_; }
  // The first bytes of the content after decompression; `content_magic_size()` of them are
  // valid (fewer than 4 when the content is that short).
  const std::array<uint8_t, 4>& content_magic() const { return content_magic_; }
  size_t content_magic_size() const { return content_magic_size_; }
  bool content_is_empty() const { return content_magic_size_ == 0; }
  bool content_is_pcapng() const;

  const StreamFault& fault() const { return *fault_; }
  std::shared_ptr<const StreamFault> shared_fault() const { return fault_; }
  // The memory behind the FILE*'s buffers (glibc ignores a size without a buffer, and its
  // default 4 KiB costs a read() per 4 KiB): whoever takes the FILE* with release() must keep
  // this alive until the FILE* is closed.
  std::shared_ptr<const void> stdio_buffers() const { return stdio_buffers_; }

 private:
  CaptureFileStream() = default;

  FILE* file_ = nullptr;
  Compression compression_ = Compression::none;
  std::array<uint8_t, 4> content_magic_{};
  size_t content_magic_size_ = 0;
  std::shared_ptr<StreamFault> fault_ = std::make_shared<StreamFault>();
  std::shared_ptr<char[]> stdio_buffers_;
};

}  // namespace tlslens
