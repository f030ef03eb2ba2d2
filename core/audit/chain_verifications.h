// ChainVerifications: the audit's memory across connections — chain verifications to reuse
// and the intermediates that servers sent — shared by every AuditingSink of one analysis.
//
// What it promises:
//  - A verification is reused for the same key (party, name, key use, fingerprints) only at
//    capture times inside the window where its result holds (ChainAudit::stable_from/until),
//    and, for a result that depended on the seen intermediates, only while they are unchanged.
//  - Thread-safe, and deterministic with worker threads: entries and intermediates are tagged
//    with the event that made them (core/util/event_order.h); a lookup that finds nothing it may
//    use waits for every earlier event and looks again, so the same connections verify and the
//    same reuse, with one thread or several. The verification itself runs outside the lock.
//  - Bounded: at most kMaxVerifiedChains verifications (forgotten all at once when full) and
//    kMaxSeenIntermediates intermediates (the oldest forgotten first).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/audit/chain_audit.h"
#include "core/x509/certificate.h"

namespace tlslens::audit {

class ChainVerifications {
 public:
  static constexpr size_t kMaxVerifiedChains = 512;
  static constexpr size_t kMaxSeenIntermediates = 256;

  // The stored verification of `key` usable at capture time `captured` (whole seconds); counts
  // a reuse when there is one.
  std::optional<ChainAudit> reuse(const std::string& key, int64_t captured);
  // Stores a fresh verification (counted). `depends_on_seen`: judged with seen intermediates.
  void store(std::string key, const ChainAudit& audit, bool depends_on_seen);

  // Intermediates other connections sent before the caller's event (parsed, not self-issued).
  std::vector<x509::Certificate> seen_intermediates() const;
  void remember_intermediates(const std::vector<x509::Certificate>& chain);

  uint64_t verifications() const;
  uint64_t reuses() const;

 private:
  struct Stored {
    ChainAudit audit;
    bool depends_on_seen = false;
    uint64_t seen_generation = 0;
    uint64_t stored_at = 0;  // event_order tag
  };
  struct Seen {
    x509::Certificate cert;
    uint64_t seen_at = 0;  // event_order tag: the first event that sent it
  };
  std::optional<ChainAudit> usable(const std::string& key, int64_t captured) const;  // lock held
  uint64_t seen_generation() const;                                                  // lock held

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Stored> verified_;
  std::vector<Seen> seen_;
  uint64_t seen_evicted_ = 0;
  uint64_t verifications_ = 0;
  uint64_t reuses_ = 0;
};

}  // namespace tlslens::audit
