#include "core/net/fragment_reassembler.h"

#include <algorithm>

namespace tlslens {

size_t FragmentKeyHash::operator()(const FragmentKey& key) const noexcept {
  // FNV-1a over every field; IPv4 addresses leave their unused bytes zero, so hashing all 16
  // is harmless.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t byte) { h = (h ^ byte) * 1099511628211ull; };
  for (uint8_t b : key.src.bytes) mix(b);
  for (uint8_t b : key.dst.bytes) mix(b);
  for (int shift = 0; shift < 32; shift += 8) mix((key.id >> shift) & 0xff);
  mix(key.protocol);
  mix(key.src.version);
  return static_cast<size_t>(h);
}

void FragmentReassembler::expire(Timestamp now) {
  // Datagrams are listed in arrival order, so the oldest is at the front. Capture times that
  // run backwards only delay expiry of the ones behind; they are never lost.
  while (!datagrams_.empty() && now.ns - datagrams_.front().first_seen.ns >= limits_.timeout_ns) {
    discard(datagrams_.begin());
    ++stats_.expired;
  }
}

FragmentResult FragmentReassembler::add(const FragmentKey& key, const Fragment& fragment, Timestamp now) {
  FragmentResult result;
  uint64_t fragment_end = uint64_t{fragment.offset} + fragment.data.size();
  if (fragment_end > kMaxPayload) {
    result.status = FragmentStatus::rejected;
    result.reason = "IP fragment beyond 65535 bytes";
    return result;
  }
  auto end = static_cast<uint32_t>(fragment_end);

  auto it = find_or_start(key, now);
  if (it == datagrams_.end()) {
    result.status = FragmentStatus::dropped;
    result.reason = "fragment reassembly caps reached";
    return result;
  }
  Datagram& datagram = *it;

  bool disagrees_on_end = false;
  if (!fragment.more_fragments) {
    disagrees_on_end = (datagram.end_known && datagram.end != end) || datagram.buffer.size() > end;
    datagram.end = end;
    datagram.end_known = true;
  } else {
    disagrees_on_end = datagram.end_known && end > datagram.end;
  }
  if (disagrees_on_end) {
    discard(it);
    result.status = FragmentStatus::rejected;
    result.reason = "IP fragments disagree on the datagram's length";
    return result;
  }

  if (end > datagram.buffer.size()) {
    size_t growth = end - datagram.buffer.size();
    if (!make_room(it, growth)) {
      discard(it);
      ++stats_.evicted;
      result.status = FragmentStatus::dropped;
      result.reason = "fragment reassembly caps reached";
      return result;
    }
    datagram.buffer.resize(end);
    bytes_held_ += growth;
  }
  if (fragment.offset == 0) datagram.next_header = fragment.next_header;
  if (store(datagram, fragment)) ++stats_.overlaps;

  if (!is_complete(datagram)) return result;  // held
  // The finished bytes move to completed_; the datagram is left with an empty buffer, so
  // discard() below releases nothing more from the byte count.
  completed_.clear();
  completed_.swap(datagram.buffer);
  bytes_held_ -= completed_.size();
  result.status = FragmentStatus::completed;
  result.payload = Bytes(completed_);
  result.next_header = datagram.next_header;
  discard(it);
  ++stats_.completed;
  return result;
}

FragmentReassembler::DatagramList::iterator FragmentReassembler::find_or_start(const FragmentKey& key, Timestamp now) {
  if (auto found = index_.find(key); found != index_.end()) return found->second;
  if (limits_.max_datagrams == 0) {
    ++stats_.evicted;
    return datagrams_.end();
  }
  while (datagrams_.size() >= limits_.max_datagrams) {
    discard(datagrams_.begin());
    ++stats_.evicted;
  }
  auto it = datagrams_.emplace(datagrams_.end());
  it->key = key;
  it->first_seen = now;
  index_.emplace(key, it);
  return it;
}

bool FragmentReassembler::make_room(DatagramList::iterator keep, size_t extra_bytes) {
  while (bytes_held_ + extra_bytes > limits_.max_bytes) {
    auto oldest = datagrams_.begin();
    if (oldest == keep) ++oldest;
    if (oldest == datagrams_.end()) return false;
    discard(oldest);
    ++stats_.evicted;
  }
  return true;
}

void FragmentReassembler::discard(DatagramList::iterator it) {
  bytes_held_ -= it->buffer.size();
  index_.erase(it->key);
  datagrams_.erase(it);
}

bool FragmentReassembler::store(Datagram& datagram, const Fragment& fragment) {
  uint32_t begin = fragment.offset;
  auto end = static_cast<uint32_t>(begin + fragment.data.size());
  if (begin == end) return false;

  // Fill the gaps of [begin, end) between the ranges already received.
  auto copy_range = [&](uint32_t from, uint32_t to) {
    Reader piece(fragment.data);
    Bytes bytes;
    if (piece.skip(from - begin) && piece.bytes(to - from, bytes)) {
      std::copy(bytes.begin(), bytes.end(), datagram.buffer.begin() + from);
    }
  };
  bool overlapped = false;
  uint32_t cursor = begin;
  for (const Range& range : datagram.received) {
    if (range.second <= begin) continue;
    if (range.first >= end) break;
    overlapped = true;
    if (range.first > cursor) copy_range(cursor, range.first);
    cursor = std::max(cursor, range.second);
  }
  if (cursor < end) copy_range(cursor, end);

  // Insert [begin, end) and merge it with every range it touches or adjoins.
  auto& ranges = datagram.received;
  auto first = std::lower_bound(ranges.begin(), ranges.end(), begin,
                                [](const Range& r, uint32_t value) { return r.second < value; });
  auto last = first;
  Range merged{begin, end};
  while (last != ranges.end() && last->first <= end) {
    merged.first = std::min(merged.first, last->first);
    merged.second = std::max(merged.second, last->second);
    ++last;
  }
  first = ranges.erase(first, last);
  ranges.insert(first, merged);
  return overlapped;
}

bool FragmentReassembler::is_complete(const Datagram& datagram) {
  if (!datagram.end_known) return false;
  if (datagram.end == 0) return true;
  return datagram.received.size() == 1 && datagram.received.front() == Range{0, datagram.end};
}

}  // namespace tlslens
