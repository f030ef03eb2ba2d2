#include "core/tls/handshake_assembler.h"

#include <algorithm>

namespace tlslens::tls {

namespace {
constexpr size_t kHeader = 4;

// Total length (header + body) of the message starting at `bytes`, or 0 if the header is incomplete.
size_t message_total(Bytes bytes) {
  Reader r(bytes);
  uint8_t type;
  uint32_t length;
  if (!(r.u8(type) && r.u24(length))) return 0;
  return kHeader + length;
}
}  // namespace

size_t HandshakeAssembler::pending_total() const { return message_total(partial_); }

size_t HandshakeAssembler::reset() {
  size_t n = partial_.size();
  partial_.clear();
  return n;
}

void HandshakeAssembler::feed(Bytes fragment, Handler& handler) {
  while (!fragment.empty() && !partial_.empty()) {
    size_t total = message_total(partial_);
    size_t target = total == 0 ? kHeader : total;
    size_t take = std::min(target - partial_.size(), fragment.size());
    partial_.insert(partial_.end(), fragment.begin(), fragment.begin() + static_cast<ptrdiff_t>(take));
    fragment = fragment.subspan(take);
    total = message_total(partial_);  // the header may have just completed (an empty body is complete at once)
    if (total != 0 && partial_.size() == total) {
      std::vector<uint8_t> whole;
      whole.swap(partial_);
      handler.message(whole);
    }
  }
  while (!fragment.empty()) {
    size_t total = message_total(fragment);
    if (total == 0 || fragment.size() < total) {
      partial_.assign(fragment.begin(), fragment.end());
      return;
    }
    handler.message(fragment.subspan(0, total));
    fragment = fragment.subspan(total);
  }
}

}  // namespace tlslens::tls
