// SessionCache: master secrets of TLS <= 1.2 sessions, shared across the connections of one
// analysis, so that a resumed session (by session ID or by ticket) can be decrypted when the
// full handshake that created it was decrypted earlier in the capture.
//
// Bounded: at most `capacity` entries of each kind; the oldest is forgotten first.
// Thread-safe. With worker threads, what a lookup finds does not depend on the threads: each
// secret is tagged with the position of the event that stored it (core/util/event_order.h), a
// lookup sees only secrets stored before its own event, and a miss first waits until every
// earlier event has been handled, then looks again.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::tls {

class SessionCache {
 public:
  explicit SessionCache(size_t capacity = 65536) : capacity_(capacity) {}

  void put_session_id(Bytes session_id, Bytes master_secret) { put(by_id_, order_id_, session_id, master_secret); }
  void put_ticket(Bytes ticket, Bytes master_secret) { put(by_ticket_, order_ticket_, ticket, master_secret); }
  std::optional<std::vector<uint8_t>> find_session_id(Bytes session_id) { return find(by_id_, session_id); }
  std::optional<std::vector<uint8_t>> find_ticket(Bytes ticket) { return find(by_ticket_, ticket); }
  size_t size() const;

 private:
  using Key = std::string;  // the bytes (std::string: GCC 12 warns on std::map of vectors)
  struct Version {
    uint64_t stored_at;  // event_order position of the event that stored it
    std::vector<uint8_t> secret;
  };
  // Almost always one version; a key stored again with another secret keeps a few, so that
  // each lookup can take the newest one stored before its own event.
  using Map = std::map<Key, std::vector<Version>>;

  void put(Map& map, std::deque<Key>& order, Bytes key, Bytes secret);
  std::optional<std::vector<uint8_t>> find(const Map& map, Bytes key);
  std::optional<std::vector<uint8_t>> find_visible(const Map& map, const Key& key) const;

  size_t capacity_;
  mutable std::mutex mutex_;
  Map by_id_;
  Map by_ticket_;
  std::deque<Key> order_id_;
  std::deque<Key> order_ticket_;
};

}  // namespace tlslens::tls
