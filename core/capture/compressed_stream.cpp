#include "core/capture/compressed_stream.h"

#define ZLIB_CONST
#include <lz4frame.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "core/capture/packet_source.h"
#include "core/util/reader.h"

namespace tlslens {
namespace {

constexpr size_t kInputChunkSize = 64 * 1024;
// The file's stdio buffer: one read() per 256 KiB instead of glibc's 4 KiB.
constexpr size_t kStdioBufferSize = 256 * 1024;

// The outcome of one decoder call: how far it got through its input and output.
struct DecodeStep {
  size_t consumed = 0;
  size_t produced = 0;
  std::string error;  // non-empty when the data is corrupt
};

// One decompression format, driven incrementally: any amount of input, any output space.
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual DecodeStep decode(Bytes input, std::span<uint8_t> output) = 0;
  // True when the input seen so far ends exactly after a complete frame (or gzip member),
  // so that running out of input here is a clean end rather than a truncation.
  virtual bool at_frame_boundary() const = 0;
};

// Passes bytes through unchanged: used for uncompressed input that cannot be rewound (a pipe).
class CopyDecoder final : public Decoder {
 public:
  DecodeStep decode(Bytes input, std::span<uint8_t> output) override {
    size_t n = std::min(input.size(), output.size());
    std::copy_n(input.begin(), n, output.begin());
    return {n, n, {}};
  }
  bool at_frame_boundary() const override { return true; }
};

// gzip, including files made of several concatenated members (pigz, `cat a.gz b.gz`).
// Bytes after a complete member that do not start a new member are ignored, as gzip(1) does.
class GzipDecoder final : public Decoder {
 public:
  GzipDecoder() {
    // 16 + MAX_WBITS: expect a gzip header and trailer, and check the trailer's CRC.
    initialised_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipDecoder() override {
    if (initialised_) inflateEnd(&stream_);
  }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  DecodeStep decode(Bytes input, std::span<uint8_t> output) override {
    if (!initialised_) return {0, 0, "cannot initialise zlib"};
    if (ignoring_trailing_bytes_) return {input.size(), 0, {}};
    if (member_complete_ && !input.empty()) {
      uint8_t first = 0;
      Reader(input).peek_u8(first);
      if (first != 0x1f) {
        ignoring_trailing_bytes_ = true;
        return {input.size(), 0, {}};
      }
      inflateReset(&stream_);
      member_complete_ = false;
    }
    stream_.next_in = input.data();
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = output.data();
    stream_.avail_out = static_cast<uInt>(output.size());
    int rc = inflate(&stream_, Z_NO_FLUSH);
    DecodeStep step{input.size() - stream_.avail_in, output.size() - stream_.avail_out, {}};
    if (rc == Z_STREAM_END) {
      member_complete_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_BUF_ERROR only means "no progress possible yet"
      step.error = stream_.msg != nullptr ? stream_.msg : zError(rc);
    }
    return step;
  }
  bool at_frame_boundary() const override { return member_complete_ || ignoring_trailing_bytes_; }

 private:
  z_stream stream_{};
  bool initialised_ = false;
  bool member_complete_ = false;
  bool ignoring_trailing_bytes_ = false;
};

class ZstdDecoder final : public Decoder {
 public:
  ZstdDecoder() : stream_(ZSTD_createDStream()) {
    if (stream_ != nullptr) ZSTD_initDStream(stream_);
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(stream_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  DecodeStep decode(Bytes input, std::span<uint8_t> output) override {
    if (stream_ == nullptr) return {0, 0, "cannot create a zstd decompression stream"};
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    ZSTD_outBuffer out{output.data(), output.size(), 0};
    size_t rc = ZSTD_decompressStream(stream_, &out, &in);
    DecodeStep step{in.pos, out.pos, {}};
    if (ZSTD_isError(rc)) {
      step.error = ZSTD_getErrorName(rc);
    } else if (in.pos > 0 || out.pos > 0) {
      // 0 = a frame was completely decoded and flushed.
      frame_complete_ = rc == 0;
    }
    return step;
  }
  bool at_frame_boundary() const override { return frame_complete_; }

 private:
  ZSTD_DStream* stream_;
  bool frame_complete_ = false;
};

class Lz4FrameDecoder final : public Decoder {
 public:
  Lz4FrameDecoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&context_, LZ4F_VERSION))) context_ = nullptr;
  }
  ~Lz4FrameDecoder() override { LZ4F_freeDecompressionContext(context_); }
  Lz4FrameDecoder(const Lz4FrameDecoder&) = delete;
  Lz4FrameDecoder& operator=(const Lz4FrameDecoder&) = delete;

  DecodeStep decode(Bytes input, std::span<uint8_t> output) override {
    if (context_ == nullptr) return {0, 0, "cannot create an lz4 decompression context"};
    size_t produced = output.size();
    size_t consumed = input.size();
    size_t rc = LZ4F_decompress(context_, output.data(), &produced, input.data(), &consumed, nullptr);
    DecodeStep step{consumed, produced, {}};
    if (LZ4F_isError(rc)) {
      step.error = LZ4F_getErrorName(rc);
    } else if (consumed > 0 || produced > 0) {
      // 0 = the frame is complete; the context is then ready for a following frame.
      frame_complete_ = rc == 0;
    }
    return step;
  }
  bool at_frame_boundary() const override { return frame_complete_; }

 private:
  LZ4F_dctx* context_ = nullptr;
  bool frame_complete_ = false;
};

// The state behind a fopencookie FILE*: pulls raw bytes from the underlying file, runs them
// through a Decoder, and serves the content magic that was peeked at open before the rest.
class DecodingReader {
 public:
  DecodingReader(FILE* raw, Compression compression, std::unique_ptr<Decoder> decoder, Bytes initial_input,
                 std::shared_ptr<StreamFault> fault)
      : raw_(raw),
        compression_(compression),
        decoder_(std::move(decoder)),
        input_(kInputChunkSize),
        fault_(std::move(fault)) {
    std::copy(initial_input.begin(), initial_input.end(), input_.begin());
    input_end_ = initial_input.size();
  }
  ~DecodingReader() { std::fclose(raw_); }
  DecodingReader(const DecodingReader&) = delete;
  DecodingReader& operator=(const DecodingReader&) = delete;

  // Decodes up to output.size() bytes without touching the peeked bytes. Returns the number
  // of bytes produced, 0 at a clean end, -1 on a fault (recorded in fault_).
  ssize_t decode_into(std::span<uint8_t> output) {
    if (fault_->kind != StreamFault::Kind::none) return -1;
    for (;;) {
      Bytes input = Bytes(input_).subspan(input_begin_, input_end_ - input_begin_);
      if (input.empty() && !raw_eof_) {
        if (!refill()) return -1;
        continue;
      }
      DecodeStep step = decoder_->decode(input, output);
      input_begin_ += step.consumed;
      if (!step.error.empty()) {
        // Bytes decoded before the problem (e.g. all of them, before a bad checksum) are
        // still delivered; the fault stops the next read.
        fail(StreamFault::Kind::corrupt, "data is corrupt: " + step.error);
        return step.produced > 0 ? static_cast<ssize_t>(step.produced) : -1;
      }
      if (step.produced > 0) return static_cast<ssize_t>(step.produced);
      if (step.consumed > 0) continue;
      if (!input.empty()) return fail(StreamFault::Kind::corrupt, "decoder made no progress");
      // No input left and none to come: a clean end only between frames.
      if (decoder_->at_frame_boundary()) return 0;
      return fail(StreamFault::Kind::truncated, "data ends early");
    }
  }

  // Decodes the first bytes of the content into a small store that read() serves first, so
  // the caller can look at the magic without consuming it. Returns the bytes peeked.
  Bytes peek_content() {
    std::span<uint8_t> store(peek_storage_);
    size_t filled = 0;
    while (filled < store.size()) {
      ssize_t n = decode_into(store.subspan(filled));
      if (n <= 0) break;
      filled += static_cast<size_t>(n);
    }
    peeked_ = store.first(filled);
    peeked_served_ = 0;
    return peeked_;
  }

  // The fopencookie read function's body: peeked bytes first, then decoded ones.
  ssize_t read(std::span<uint8_t> output) {
    size_t served = 0;
    while (peeked_served_ < peeked_.size() && served < output.size()) {
      output[served++] = peeked_[peeked_served_++];
    }
    if (served == output.size()) return static_cast<ssize_t>(served);
    ssize_t n = decode_into(output.subspan(served));
    if (n < 0) {
      if (served > 0) return static_cast<ssize_t>(served);  // the fault shows on the next call
      errno = EIO;
      return -1;
    }
    return static_cast<ssize_t>(served) + n;
  }

 private:
  bool refill() {
    input_begin_ = 0;
    input_end_ = std::fread(input_.data(), 1, input_.size(), raw_);
    if (input_end_ == 0) {
      if (std::ferror(raw_)) {
        fail(StreamFault::Kind::read_error, std::string("read error: ") + std::strerror(errno));
        return false;
      }
      raw_eof_ = true;
    }
    return true;
  }

  ssize_t fail(StreamFault::Kind kind, const std::string& what) {
    fault_->kind = kind;
    fault_->message =
        compression_ == Compression::none ? what : std::string(compression_name(compression_)) + " " + what;
    return -1;
  }

  FILE* raw_;
  Compression compression_;
  std::unique_ptr<Decoder> decoder_;
  std::vector<uint8_t> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  bool raw_eof_ = false;
  std::shared_ptr<StreamFault> fault_;
  // The start of the content, decoded at open to learn its magic, delivered by read() first.
  std::array<uint8_t, 4> peek_storage_{};
  Bytes peeked_;
  size_t peeked_served_ = 0;
};

ssize_t cookie_read(void* cookie, char* buffer, size_t size) {
  auto* reader = static_cast<DecodingReader*>(cookie);
  return reader->read(std::span<uint8_t>(reinterpret_cast<uint8_t*>(buffer), size));
}

int cookie_close(void* cookie) {
  delete static_cast<DecodingReader*>(cookie);
  return 0;
}

Compression compression_from_magic(Bytes magic) {
  Reader reader(magic);
  uint32_t first4 = 0;
  if (reader.u32(first4)) {
    if (first4 == 0x28b52ffd) return Compression::zstd;
    if (first4 == 0x04224d18) return Compression::lz4;
  }
  uint16_t first2 = 0;
  if (Reader(magic).peek_u16(first2) && first2 == 0x1f8b) return Compression::gzip;
  return Compression::none;
}

std::unique_ptr<Decoder> make_decoder(Compression compression) {
  switch (compression) {
    case Compression::gzip:
      return std::make_unique<GzipDecoder>();
    case Compression::zstd:
      return std::make_unique<ZstdDecoder>();
    case Compression::lz4:
      return std::make_unique<Lz4FrameDecoder>();
    case Compression::none:
      break;
  }
  return std::make_unique<CopyDecoder>();
}

[[noreturn]] void throw_open_error(const std::string& path, int error_number) {
  CaptureErrorKind kind = CaptureErrorKind::other;
  if (error_number == ENOENT || error_number == ENOTDIR) kind = CaptureErrorKind::file_not_found;
  if (error_number == EACCES || error_number == EPERM) kind = CaptureErrorKind::permission_denied;
  throw CaptureError(kind, "cannot open '" + path + "': " + std::strerror(error_number));
}

}  // namespace

const char* compression_name(Compression compression) {
  switch (compression) {
    case Compression::gzip:
      return "gzip";
    case Compression::zstd:
      return "zstd";
    case Compression::lz4:
      return "lz4";
    case Compression::none:
      break;
  }
  return "uncompressed";
}

CaptureFileStream CaptureFileStream::open(const std::string& path) {
  FILE* raw = nullptr;
  if (path == "-") {
    // A duplicate, so that closing the stream leaves descriptor 0 alone.
    const int fd = dup(STDIN_FILENO);
    if (fd < 0) throw_open_error(path, errno);
    raw = fdopen(fd, "rb");
    if (raw == nullptr) {
      const int error_number = errno;
      close(fd);
      throw_open_error(path, error_number);
    }
  } else {
    raw = std::fopen(path.c_str(), "rb");
  }
  if (raw == nullptr) throw_open_error(path, errno);
  struct stat info {};
  if (fstat(fileno(raw), &info) == 0 && S_ISDIR(info.st_mode)) {
    std::fclose(raw);
    throw_open_error(path, EISDIR);
  }

  CaptureFileStream stream;
  stream.stdio_buffers_ = std::shared_ptr<char[]>(new char[kStdioBufferSize]);
  std::setvbuf(raw, stream.stdio_buffers_.get(), _IOFBF, kStdioBufferSize);  // before the first read
  std::array<uint8_t, 4> raw_magic{};
  size_t raw_magic_size = std::fread(raw_magic.data(), 1, raw_magic.size(), raw);
  if (raw_magic_size < raw_magic.size() && std::ferror(raw)) {
    int error_number = errno;
    std::fclose(raw);
    throw_open_error(path, error_number);
  }
  Bytes raw_magic_bytes = Bytes(raw_magic).first(raw_magic_size);
  stream.compression_ = compression_from_magic(raw_magic_bytes);

  // The common case, an uncompressed regular file, is handed over as is: rewinding it costs
  // nothing and keeps libpcap reading straight from the file.
  if (stream.compression_ == Compression::none && std::fseek(raw, 0, SEEK_SET) == 0) {
    stream.content_magic_ = raw_magic;
    stream.content_magic_size_ = raw_magic_size;
    stream.file_ = raw;
    return stream;
  }

  auto* reader =
      new DecodingReader(raw, stream.compression_, make_decoder(stream.compression_), raw_magic_bytes, stream.fault_);
  Bytes content_start = reader->peek_content();
  std::copy(content_start.begin(), content_start.end(), stream.content_magic_.begin());
  stream.content_magic_size_ = content_start.size();

  cookie_io_functions_t functions{};
  functions.read = cookie_read;
  functions.close = cookie_close;
  stream.file_ = fopencookie(reader, "rb", functions);
  if (stream.file_ == nullptr) {
    int error_number = errno;
    delete reader;
    throw_open_error(path, error_number);
  }
  // The decompressed stream keeps glibc's default buffer: its reads are no system calls, and
  // small reads let a corrupt block show after the packets before it.
  std::setvbuf(stream.file_, nullptr, _IOFBF, 64 * 1024);
  return stream;
}

CaptureFileStream::CaptureFileStream(CaptureFileStream&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      compression_(other.compression_),
      content_magic_(other.content_magic_),
      content_magic_size_(other.content_magic_size_),
      fault_(other.fault_),
      stdio_buffers_(std::move(other.stdio_buffers_)) {}

CaptureFileStream& CaptureFileStream::operator=(CaptureFileStream&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    compression_ = other.compression_;
    content_magic_ = other.content_magic_;
    content_magic_size_ = other.content_magic_size_;
    fault_ = other.fault_;
    stdio_buffers_ = std::move(other.stdio_buffers_);
  }
  return *this;
}

CaptureFileStream::~CaptureFileStream() {
  if (file_ != nullptr) std::fclose(file_);
}

FILE* CaptureFileStream::release() {
  return std::exchange(file_, nullptr);
}

bool CaptureFileStream::content_is_pcapng() const {
  uint32_t magic = 0;
  return Reader(Bytes(content_magic_).first(content_magic_size_)).u32(magic) && magic == 0x0a0d0d0a;
}

}  // namespace tlslens
