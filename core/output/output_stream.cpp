#include "core/output/output_stream.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace tlslens {

namespace {

constexpr size_t kPiecesPerCall = 1024;  // IOV_MAX on Linux

// Writes every byte the iovecs name, continuing after short writes and interruptions. Errors
// end it quietly, as fwrite's are on this stream (a closed pipe ends the process by SIGPIPE).
void write_all(int fd, iovec* iov, size_t count) {
  while (count > 0) {
    const ssize_t n = ::writev(fd, iov, static_cast<int>(count));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    auto left = static_cast<size_t>(n);
    while (count > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
}

}  // namespace

void OutputStream::write_pieces(std::span<const std::string_view> pieces) {
  const int fd = file_ != nullptr ? ::fileno(file_) : -1;
  if (fd < 0) {  // in memory, or a FILE* without a descriptor: through the buffer
    for (std::string_view piece : pieces) write(piece);
    return;
  }
  flush();  // what is buffered comes first
  iovec iov[kPiecesPerCall];
  while (!pieces.empty()) {
    const size_t count = std::min(pieces.size(), kPiecesPerCall);
    for (size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<char*>(pieces[i].data());  // writev only reads them
      iov[i].iov_len = pieces[i].size();
    }
    write_all(fd, iov, count);
    pieces = pieces.subspan(count);
  }
}

}  // namespace tlslens
