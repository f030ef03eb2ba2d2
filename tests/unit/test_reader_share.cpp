// ReaderShare: the reading thread's share of connections makes both sides take equally long,
// from measured costs, and keeps the other workers' queues neither empty nor full.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <numeric>

#include "core/pipeline/reader_share.h"

namespace tlslens::parallel {
namespace {

constexpr size_t kQueue = 16;
constexpr uint64_t kRoundBytes = 512 * 1024;

// A round of kRoundBytes with these costs per byte, the reading thread running `own_fraction`.
ReaderShare::Round round_of(double read, double own, double others, double own_fraction, size_t backlog) {
  ReaderShare::Round r;
  r.round_bytes = kRoundBytes;
  r.read_ns = static_cast<uint64_t>(read * kRoundBytes);
  r.own_bytes = static_cast<uint64_t>(own_fraction * kRoundBytes);
  r.own_ns = static_cast<uint64_t>(own * static_cast<double>(r.own_bytes));
  r.others_bytes = kRoundBytes - r.own_bytes;
  r.others_ns = static_cast<uint64_t>(others * static_cast<double>(r.others_bytes));
  r.backlog = backlog;
  return r;
}

// Costs per byte held steady for enough rounds that the smoothing has settled.
unsigned settle(ReaderShare& share, double read, double own, double others, size_t backlog = kQueue / 2,
                double own_fraction = 0.3) {
  for (int i = 0; i < 200; ++i) share.update(round_of(read, own, others, own_fraction, backlog));
  return share.share();
}

double fraction(unsigned share) { return static_cast<double>(share) / ReaderShare::kScale; }

TEST(ReaderShare, StartsAtHalfAnEqualShareUntilCostsAreKnown) {
  EXPECT_EQ(ReaderShare(2, kQueue).share(), ReaderShare::kScale / 4);
  EXPECT_EQ(ReaderShare(4, kQueue).share(), ReaderShare::kScale / 8);
  EXPECT_EQ(ReaderShare(1, kQueue).share(), ReaderShare::kScale);  // alone, it does everything
  ReaderShare s(2, kQueue);
  EXPECT_EQ(s.update(ReaderShare::Round{}), ReaderShare::kScale / 4);  // an empty round says nothing
}

TEST(ReaderShare, EqualsTheShareThatMakesBothSidesTakeAsLong) {
  // read 1 ns/B, TLS 3 ns/B on both cores: 1 + 3s = 3(1 - s) -> s = 1/3.
  ReaderShare two(2, kQueue);
  EXPECT_NEAR(fraction(settle(two, 1, 3, 3)), 1.0 / 3, 0.01);
  // The other core runs slower (4.5 ns/B): 1 + 3s = 4.5(1 - s) -> s = 3.5/7.5.
  ReaderShare slow(2, kQueue);
  EXPECT_NEAR(fraction(settle(slow, 1, 3, 4.5)), 3.5 / 7.5, 0.01);
  // Three workers: 1 + 3s = 3(1 - s)/2 -> s = 0.5/4.5.
  ReaderShare three(3, kQueue);
  EXPECT_NEAR(fraction(settle(three, 1, 3, 3)), 0.5 / 4.5, 0.01);
}

TEST(ReaderShare, NothingWhenReadingAloneTakesLongerThanTheOthersWork) {
  ReaderShare s(2, kQueue);
  EXPECT_EQ(settle(s, 4, 3, 3), 0u);
}

TEST(ReaderShare, MoreWhenTheOthersFallBehindLessWhenTheyRunDry) {
  ReaderShare at_target(2, kQueue), behind(2, kQueue), dry(2, kQueue);
  const unsigned base = settle(at_target, 1, 3, 3);
  EXPECT_GT(settle(behind, 1, 3, 3, kQueue), base);
  EXPECT_LT(settle(dry, 1, 3, 3, 0), base);
}

TEST(ReaderShare, AssumesTheSideWithNoBytesYetCostsWhatTheOtherDoes) {
  ReaderShare s(2, kQueue);
  EXPECT_NEAR(fraction(settle(s, 1, 0, 3, kQueue / 2, 0.0)), 1.0 / 3, 0.01);
}

// Closed loop: a share applies to new connections, whose bytes come over the next `lag`
// rounds, and the other worker's queue fills or drains by the difference in time. The
// backlog must stay off both ends (neither side waiting) once the costs are learnt, also
// when the other core's speed changes in the middle.
TEST(ReaderShare, KeepsTheQueueOffBothEndsDespiteTheLag) {
  ReaderShare share(2, kQueue);
  const double read = 1.0, own = 3.0;
  double others = 3.0;
  const size_t lag = 40;
  std::deque<double> recent(lag, fraction(share.share()));
  double pending_rounds = kQueue / 2.0;  // the other worker's queue, in rounds
  size_t starved = 0, blocked = 0;
  for (int round = 0; round < 3000; ++round) {
    if (round == 1500) others = 4.5;  // its core slows down
    const double own_fraction = std::accumulate(recent.begin(), recent.end(), 0.0) / lag;
    const double reader_ns = (read + own * own_fraction) * kRoundBytes;
    const double worker_ns_per_round = others * (1 - own_fraction) * kRoundBytes;
    // The worker gets one round and works for as long as the reader took.
    pending_rounds = std::clamp(pending_rounds + 1 - reader_ns / worker_ns_per_round, 0.0, double(kQueue));
    if (round > 300 && (round < 1500 || round > 1800)) {
      starved += pending_rounds < 0.5;
      blocked += pending_rounds > kQueue - 0.5;
    }
    const auto backlog = static_cast<size_t>(pending_rounds);
    recent.pop_front();
    recent.push_back(fraction(share.update(round_of(read, own, others, own_fraction, backlog))));
  }
  EXPECT_EQ(starved, 0u);
  EXPECT_EQ(blocked, 0u);
  EXPECT_NEAR(fraction(share.share()), 3.5 / 7.5, 0.08);
}

}  // namespace
}  // namespace tlslens::parallel
