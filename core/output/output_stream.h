// OutputStream: buffered output to a FILE*, without a flush per line.
//
// Text is formatted into a growing memory buffer and written out in large blocks; a live
// capture asks for flush() after each batch of packets so lines appear promptly. Without a
// file (a worker thread's stream) the text stays in memory until the owner takes it.
#pragma once

#include <cstdio>
#include <span>
#include <string_view>

#include <fmt/format.h>

namespace tlslens {

class OutputStream {
 public:
  explicit OutputStream(std::FILE* file) : file_(file) {}
  OutputStream() : file_(nullptr) {}  // in memory: see buffered()
  ~OutputStream() { flush(); }
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    if (buffer_.size() >= kFlushThreshold) flush();
  }
  void write(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= kFlushThreshold) flush();
  }
  void flush() {
    if (buffer_.size() == 0 || file_ == nullptr) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    std::fflush(file_);
    buffer_.clear();
  }

  // Writes pieces of text that live elsewhere, in order, after what is buffered, without
  // copying them into the buffer: one writev() per up to 1024 pieces (the kernel reads them
  // where they are; for /dev/null it reads nothing). The pieces need stay valid only until it
  // returns. Worker threads' merged text goes out this way.
  void write_pieces(std::span<const std::string_view> pieces);

  // The text not written out yet (all of it, for a stream without a file).
  std::string_view buffered() const { return {buffer_.data(), buffer_.size()}; }
  void discard_buffered() { buffer_.clear(); }
  // Hands the text not written out yet to `into` and carries on in what `into` held (emptied):
  // a worker thread's text changes hands without a copy, and buffers are recycled.
  void take_buffered(fmt::memory_buffer& into) {
    into.clear();
    fmt::memory_buffer taken(std::move(buffer_));
    buffer_ = std::move(into);
    into = std::move(taken);
  }

 private:
  static constexpr size_t kFlushThreshold = 64 * 1024;
  std::FILE* file_;
  fmt::memory_buffer buffer_;
};

}  // namespace tlslens
