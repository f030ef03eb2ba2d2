#include "core/audit/chain_verifications.h"

#include <algorithm>

#include "core/util/event_order.h"

namespace tlslens::audit {

uint64_t ChainVerifications::seen_generation() const {
  // Changes whenever the visible set changes: one more visible, or one forgotten.
  uint64_t visible = 0;
  for (const Seen& s : seen_)
    if (event_order::visible(s.seen_at)) ++visible;
  return visible + seen_evicted_;
}

std::optional<ChainAudit> ChainVerifications::usable(const std::string& key, int64_t captured) const {
  auto it = verified_.find(key);
  if (it == verified_.end()) return std::nullopt;
  const Stored& s = it->second;
  if (!event_order::visible(s.stored_at)) return std::nullopt;
  if (captured < s.audit.stable_from || captured >= s.audit.stable_until) return std::nullopt;
  if (s.depends_on_seen && s.seen_generation != seen_generation()) return std::nullopt;
  return s.audit;
}

std::optional<ChainAudit> ChainVerifications::reuse(const std::string& key, int64_t captured) {
  {
    std::lock_guard lock(mutex_);
    // Without worker threads everything is in order already. With them, a result that does
    // not depend on the seen intermediates may be taken at once (an entry visible to us was
    // stored by an earlier event); anything else waits for the earlier events first.
    auto it = verified_.find(key);
    const bool may_take_now = !event_order::ordered() || (it != verified_.end() && !it->second.depends_on_seen);
    if (may_take_now) {
      if (auto found = usable(key, captured)) {
        ++reuses_;
        return found;
      }
      if (!event_order::ordered()) return std::nullopt;
    }
  }
  event_order::wait_for_earlier();
  std::lock_guard lock(mutex_);
  auto found = usable(key, captured);
  if (found) ++reuses_;
  return found;
}

void ChainVerifications::store(std::string key, const ChainAudit& audit, bool depends_on_seen) {
  std::lock_guard lock(mutex_);
  ++verifications_;
  if (verified_.size() >= kMaxVerifiedChains) verified_.clear();
  verified_.insert_or_assign(std::move(key), Stored{audit, depends_on_seen, seen_generation(), event_order::current()});
}

std::vector<x509::Certificate> ChainVerifications::seen_intermediates() const {
  std::lock_guard lock(mutex_);
  std::vector<x509::Certificate> out;
  for (const Seen& s : seen_)
    if (event_order::visible(s.seen_at)) out.push_back(s.cert);
  return out;
}

void ChainVerifications::remember_intermediates(const std::vector<x509::Certificate>& chain) {
  const uint64_t now = event_order::current();
  std::lock_guard lock(mutex_);
  for (size_t i = 1; i < chain.size(); ++i) {
    const x509::Certificate& cert = chain[i];
    if (!cert.info().parsed || cert.info().self_issued) continue;
    auto known = std::find_if(seen_.begin(), seen_.end(), [&](const Seen& s) {
      return s.cert.info().sha256_fingerprint == cert.info().sha256_fingerprint;
    });
    if (known != seen_.end()) {
      known->seen_at = std::min(known->seen_at, now);  // a later event's worker may have been first
      continue;
    }
    if (seen_.size() >= kMaxSeenIntermediates) {
      seen_.erase(seen_.begin());
      ++seen_evicted_;
    }
    seen_.push_back(Seen{cert, now});
  }
}

uint64_t ChainVerifications::verifications() const {
  std::lock_guard lock(mutex_);
  return verifications_;
}

uint64_t ChainVerifications::reuses() const {
  std::lock_guard lock(mutex_);
  return reuses_;
}

}  // namespace tlslens::audit
