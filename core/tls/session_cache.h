// SessionCache: master secrets of TLS <= 1.2 sessions, shared across the connections of one
// analysis, so that a resumed session (by session ID or by ticket) can be decrypted when the
// full handshake that created it was decrypted earlier in the capture.
//
// Bounded: at most `capacity` entries of each kind; the oldest is forgotten first.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::tls {

class SessionCache {
 public:
  explicit SessionCache(size_t capacity = 65536) : capacity_(capacity) {}

  void put_session_id(Bytes session_id, Bytes master_secret) { put(by_id_, order_id_, session_id, master_secret); }
  void put_ticket(Bytes ticket, Bytes master_secret) { put(by_ticket_, order_ticket_, ticket, master_secret); }
  std::optional<std::vector<uint8_t>> find_session_id(Bytes session_id) const { return find(by_id_, session_id); }
  std::optional<std::vector<uint8_t>> find_ticket(Bytes ticket) const { return find(by_ticket_, ticket); }
  size_t size() const { return by_id_.size() + by_ticket_.size(); }

 private:
  using Key = std::vector<uint8_t>;
  using Map = std::map<Key, std::vector<uint8_t>>;

  void put(Map& map, std::deque<Key>& order, Bytes key, Bytes secret) {
    if (key.empty() || secret.empty()) return;
    Key k(key.begin(), key.end());
    auto [it, inserted] = map.insert_or_assign(k, std::vector<uint8_t>(secret.begin(), secret.end()));
    (void)it;
    if (inserted) order.push_back(std::move(k));
    while (map.size() > capacity_ && !order.empty()) {
      map.erase(order.front());
      order.pop_front();
    }
  }
  static std::optional<std::vector<uint8_t>> find(const Map& map, Bytes key) {
    auto it = map.find(Key(key.begin(), key.end()));
    if (it == map.end()) return std::nullopt;
    return it->second;
  }

  size_t capacity_;
  Map by_id_;
  Map by_ticket_;
  std::deque<Key> order_id_;
  std::deque<Key> order_ticket_;
};

}  // namespace tlslens::tls
