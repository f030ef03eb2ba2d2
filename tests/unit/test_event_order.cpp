// State shared across connections, looked up "as of" an event's position (core/util/event_order.h):
// the session cache and the audit's chain verifications give the answer a one-thread run gives,
// whatever the order in which worker threads reach them.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "core/audit/chain_verifications.h"
#include "core/tls/session_cache.h"
#include "core/util/event_order.h"

namespace tlslens {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> b) { return b; }

// A waiter that records the positions it was asked to wait for and, while "waiting", lets the
// test play the earlier events.
class ScriptedWaiter final : public event_order::Waiter {
 public:
  std::function<void()> earlier_events;
  std::vector<uint64_t> waits;
  void wait_for_earlier(uint64_t seq) override {
    waits.push_back(seq);
    if (earlier_events) {
      const uint64_t caller = event_order::current();
      earlier_events();
      earlier_events = nullptr;
      event_order::set_current(caller);
    }
  }
};

class EventOrderTest : public ::testing::Test {
 protected:
  void TearDown() override {
    event_order::set_waiter(nullptr);
    event_order::set_current(event_order::kUnordered);
  }
  void as_worker_at(uint64_t seq) {
    event_order::set_waiter(&waiter);
    event_order::set_current(seq);
  }
  ScriptedWaiter waiter;
};

TEST_F(EventOrderTest, OneThreadSeesEverythingAndNeverWaits) {
  tls::SessionCache cache;
  const auto id = bytes({1, 2, 3});
  EXPECT_FALSE(cache.find_session_id(id));
  cache.put_session_id(id, bytes({9}));
  cache.put_session_id(id, bytes({8}));  // stored again with another secret: the newest counts
  ASSERT_TRUE(cache.find_session_id(id));
  EXPECT_EQ(*cache.find_session_id(id), bytes({8}));
  EXPECT_FALSE(event_order::ordered());
}

TEST_F(EventOrderTest, SessionStoredByALaterEventIsNotSeenEarlier) {
  tls::SessionCache cache;
  const auto ticket = bytes({7, 7});
  as_worker_at(20);  // a worker ahead of the others stores a session at event 20
  cache.put_ticket(ticket, bytes({1}));
  as_worker_at(10);  // event 10 must not see it: with one thread it did not exist yet
  EXPECT_FALSE(cache.find_ticket(ticket));
  ASSERT_EQ(waiter.waits.size(), 1u);  // it missed, so it waited for events before 10
  EXPECT_EQ(waiter.waits[0], 10u);
  as_worker_at(21);
  ASSERT_TRUE(cache.find_ticket(ticket));
  EXPECT_EQ(waiter.waits.size(), 1u);  // found at once: no wait
}

TEST_F(EventOrderTest, MissWaitsForEarlierEventsThenFindsWhatTheyStored) {
  tls::SessionCache cache;
  const auto id = bytes({4, 5});
  as_worker_at(30);
  waiter.earlier_events = [&] {  // another worker handles event 12 meanwhile
    event_order::set_current(12);
    cache.put_session_id(id, bytes({0xAB}));
  };
  auto found = cache.find_session_id(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, bytes({0xAB}));
}

TEST_F(EventOrderTest, SameSecretStoredTwiceCountsFromTheEarlierEvent) {
  tls::SessionCache cache;
  const auto id = bytes({6});
  as_worker_at(50);
  cache.put_session_id(id, bytes({2}));
  as_worker_at(5);
  cache.put_session_id(id, bytes({2}));
  as_worker_at(6);
  EXPECT_TRUE(cache.find_session_id(id));
}

audit::ChainAudit window(int64_t from, int64_t until) {
  audit::ChainAudit a;
  a.stable_from = from;
  a.stable_until = until;
  return a;
}

TEST_F(EventOrderTest, ChainVerificationIsReusedOnlyInsideItsWindow) {
  audit::ChainVerifications v;
  v.store("k", window(100, 200), false);
  EXPECT_TRUE(v.reuse("k", 150));
  EXPECT_TRUE(v.reuse("k", 100));
  EXPECT_FALSE(v.reuse("k", 200));
  EXPECT_FALSE(v.reuse("other", 150));
  EXPECT_EQ(v.verifications(), 1u);
  EXPECT_EQ(v.reuses(), 2u);
}

TEST_F(EventOrderTest, ChainVerifiedByALaterEventIsNotReusedEarlier) {
  audit::ChainVerifications v;
  as_worker_at(40);
  v.store("k", window(0, 1000), false);
  as_worker_at(9);
  EXPECT_FALSE(v.reuse("k", 10));  // event 9 verifies it itself, as with one thread
  EXPECT_EQ(waiter.waits, std::vector<uint64_t>{9});
  as_worker_at(41);
  EXPECT_TRUE(v.reuse("k", 10));
  EXPECT_EQ(v.reuses(), 1u);
}

TEST_F(EventOrderTest, ResultThatDependsOnSeenIntermediatesWaitsBeforeReuse) {
  audit::ChainVerifications v;
  as_worker_at(3);
  v.store("k", window(0, 1000), true);
  as_worker_at(8);
  EXPECT_TRUE(v.reuse("k", 10));  // the seen set is unchanged: reusable, but only after waiting
  EXPECT_EQ(waiter.waits, std::vector<uint64_t>{8});
}

}  // namespace
}  // namespace tlslens
