#include "core/pipeline/reader_share.h"

#include <algorithm>

namespace tlslens::parallel {

namespace {
// Each round's measurement weighs this much against the past: rounds take about a
// millisecond, so the costs follow a change (a slower core, bulk data after handshakes) within
// tens of milliseconds.
constexpr double kWeight = 1.0 / 16;
// Per round of backlog off the target, the share moves by 1/kBacklogSteps of an equal share.
constexpr double kBacklogSteps = 16;
}  // namespace

void ReaderShare::Rate::add(uint64_t n, uint64_t b) {
  ns = ns * (1 - kWeight) + static_cast<double>(n) * kWeight;
  bytes = bytes * (1 - kWeight) + static_cast<double>(b) * kWeight;
}

// Until costs are known, half an equal share: the reading thread also reads.
ReaderShare::ReaderShare(unsigned workers, size_t queue_rounds)
    : workers_(workers < 1 ? 1 : workers),
      target_backlog_(queue_rounds / 2),
      share_(workers_ < 2 ? kScale : kScale / workers_ / 2) {}

unsigned ReaderShare::update(const Round& r) {
  if (workers_ < 2) return share_;
  if (r.round_bytes > 0) read_.add(r.read_ns, r.round_bytes);
  if (r.own_bytes > 0) own_.add(r.own_ns, r.own_bytes);
  if (r.others_bytes > 0) others_.add(r.others_ns, r.others_bytes);
  if (!read_.known() || (!own_.known() && !others_.known())) return share_;
  // A side with no bytes yet is taken to cost what the other does.
  const double own = own_.known() ? own_.per_byte() : others_.per_byte();
  const double others = others_.known() ? others_.per_byte() : own;
  // The other workers run side by side: per byte of theirs, the wall time is others / (workers - 1).
  const double others_wall = others / static_cast<double>(workers_ - 1);
  const double model = (others_wall - read_.per_byte()) / (own + others_wall);
  const double equal = 1.0 / static_cast<double>(workers_);
  const double off_target = static_cast<double>(r.backlog) - static_cast<double>(target_backlog_);
  const double s = model + off_target * equal / kBacklogSteps;
  share_ = static_cast<unsigned>(std::clamp(s, 0.0, 1.0) * kScale + 0.5);
  return share_;
}

}  // namespace tlslens::parallel
