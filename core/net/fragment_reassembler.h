// FragmentReassembler: puts IPv4 and IPv6 fragments back together, in bounded memory.
//
// What it promises:
//  * Fragments are grouped by FragmentKey (IPv4: source, destination, identification and
//    protocol; IPv6: source, destination and identification). They may arrive in any order.
//    A datagram is complete when every byte from 0 to the end set by its last fragment (the
//    one without "more fragments") is present; add() then returns it, contiguous.
//  * Overlaps: the first copy of a byte wins; later copies are ignored and each fragment that
//    overlapped counts once in FragmentStats::overlaps (exact duplicates included).
//  * Inconsistent fragments (two different ends, data past the end, a datagram that would
//    exceed 65535 bytes) are rejected; for the first two the datagram in progress is dropped.
//  * Memory: at most FragmentLimits::max_datagrams datagrams and max_bytes bytes are held;
//    the oldest datagram is evicted to make room (counted in `evicted`). A datagram whose
//    first fragment is older than timeout_ns in capture time is dropped by expire()
//    (counted in `expired`). Expiry walks from the oldest datagram and stops at the first
//    young one, so a call costs O(1) plus the datagrams it drops.
//  * The completed datagram lives in a buffer owned by the reassembler: the span add()
//    returns stays valid until the next call to add().
//
// It does not look inside the payload: the caller decodes what comes after reassembly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/net/address.h"
#include "core/net/fragment_limits.h"
#include "core/util/reader.h"
#include "core/util/timestamp.h"

namespace tlslens {

struct FragmentKey {
  IpAddress src;
  IpAddress dst;
  uint32_t id = 0;
  uint8_t protocol = 0;  // IPv4 protocol; 0 for IPv6, whose key does not include it

  friend bool operator==(const FragmentKey&, const FragmentKey&) = default;
};

struct FragmentKeyHash {
  size_t operator()(const FragmentKey& key) const noexcept;
};

struct Fragment {
  uint32_t offset = 0;          // byte offset of `data` within the reassembled payload
  Bytes data;                   // this fragment's share of the payload
  bool more_fragments = false;  // false on the last fragment: it fixes the payload's length
  uint8_t next_header = 0;      // IPv6: type of the first header in the payload; kept from offset 0
};

enum class FragmentStatus {
  held,       // stored; the datagram is not complete yet
  completed,  // `payload` is the whole reassembled payload
  dropped,    // the memory caps left no room for this datagram; it was discarded
  rejected,   // inconsistent or oversized; `reason` says why
};

struct FragmentResult {
  FragmentStatus status = FragmentStatus::held;
  const char* reason = "";  // static string, for rejected and dropped
  Bytes payload;            // completed only: valid until the next add()
  uint8_t next_header = 0;  // completed only: from the fragment at offset 0
};

struct FragmentStats {
  uint64_t completed = 0;
  uint64_t expired = 0;   // datagrams dropped by the timeout
  uint64_t evicted = 0;   // datagrams dropped by the count or byte caps
  uint64_t overlaps = 0;  // fragments that overlapped bytes already held
};

class FragmentReassembler {
 public:
  // The largest payload an IP datagram can carry after reassembly: the 16-bit length fields
  // of both versions bound it (IPv6 jumbograms cannot be fragmented).
  static constexpr uint32_t kMaxPayload = 65535;

  explicit FragmentReassembler(FragmentLimits limits) : limits_(limits) {}

  // Drops the datagrams whose first fragment arrived timeout_ns or more before `now`.
  void expire(Timestamp now);

  FragmentResult add(const FragmentKey& key, const Fragment& fragment, Timestamp now);

  size_t datagrams_in_progress() const { return datagrams_.size(); }
  size_t bytes_held() const { return bytes_held_; }
  const FragmentStats& stats() const { return stats_; }

 private:
  // Half-open byte range [first, second) of the payload that has arrived.
  using Range = std::pair<uint32_t, uint32_t>;

  struct Datagram {
    FragmentKey key;
    Timestamp first_seen;
    std::vector<uint8_t> buffer;  // sized to the highest byte received so far
    std::vector<Range> received;  // sorted, disjoint, non-adjacent
    uint32_t end = 0;             // payload length, once the last fragment has arrived
    bool end_known = false;
    uint8_t next_header = 0;
  };
  using DatagramList = std::list<Datagram>;  // oldest first

  DatagramList::iterator find_or_start(const FragmentKey& key, Timestamp now);
  bool make_room(DatagramList::iterator keep, size_t extra_bytes);
  void discard(DatagramList::iterator it);
  // Copies the bytes of `fragment` no earlier fragment supplied; true if any were already there.
  static bool store(Datagram& datagram, const Fragment& fragment);
  static bool is_complete(const Datagram& datagram);

  FragmentLimits limits_;
  DatagramList datagrams_;
  std::unordered_map<FragmentKey, DatagramList::iterator, FragmentKeyHash> index_;
  size_t bytes_held_ = 0;
  std::vector<uint8_t> completed_;
  FragmentStats stats_;
};

}  // namespace tlslens
