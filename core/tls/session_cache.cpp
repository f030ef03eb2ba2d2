#include "core/tls/session_cache.h"

#include <algorithm>

#include "core/util/event_order.h"

namespace tlslens::tls {

namespace {
constexpr size_t kMaxVersions = 4;
}

size_t SessionCache::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size() + by_ticket_.size();
}

void SessionCache::put(Map& map, std::deque<Key>& order, Bytes key, Bytes secret) {
  if (key.empty() || secret.empty()) return;
  const uint64_t now = event_order::current();
  std::lock_guard lock(mutex_);
  Key k(reinterpret_cast<const char*>(key.data()), key.size());
  auto [it, inserted] = map.try_emplace(k);
  std::vector<Version>& versions = it->second;
  auto same = std::find_if(versions.begin(), versions.end(), [&](const Version& v) {
    return std::equal(v.secret.begin(), v.secret.end(), secret.begin(), secret.end());
  });
  if (same != versions.end()) {
    same->stored_at = std::min(same->stored_at, now);
  } else {
    if (versions.size() >= kMaxVersions) {
      versions.erase(std::min_element(versions.begin(), versions.end(),
                                      [](const Version& a, const Version& b) { return a.stored_at < b.stored_at; }));
    }
    versions.push_back(Version{now, std::vector<uint8_t>(secret.begin(), secret.end())});
  }
  if (inserted) order.push_back(std::move(k));
  while (map.size() > capacity_ && !order.empty()) {
    map.erase(order.front());
    order.pop_front();
  }
}

std::optional<std::vector<uint8_t>> SessionCache::find_visible(const Map& map, const Key& key) const {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  const Version* best = nullptr;
  for (const Version& v : it->second)  // the newest visible; among equals the last stored
    if (event_order::visible(v.stored_at) && (best == nullptr || v.stored_at >= best->stored_at)) best = &v;
  if (best == nullptr) return std::nullopt;
  return best->secret;
}

std::optional<std::vector<uint8_t>> SessionCache::find(const Map& map, Bytes key) {
  const Key k(reinterpret_cast<const char*>(key.data()), key.size());
  {
    std::lock_guard lock(mutex_);
    if (auto found = find_visible(map, k)) return found;
  }
  if (!event_order::ordered()) return std::nullopt;
  event_order::wait_for_earlier();  // an earlier connection may not have stored it yet
  std::lock_guard lock(mutex_);
  return find_visible(map, k);
}

}  // namespace tlslens::tls
