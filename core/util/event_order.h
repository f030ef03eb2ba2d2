// event_order: where the calling thread stands in the capture's order of events, for the few
// pieces of state that connections share (the TLS session cache, the audit's chain
// verifications and the intermediates seen so far).
//
// With one thread, events are handled in capture order and nothing here does anything:
// current() is kUnordered and wait_for_earlier() returns at once.
//
// With worker threads (ParallelAnalyzer), each event carries its position in the order the
// one-thread pipeline would have handled it. A worker sets current() before handling one;
// shared state tags what it learns with current() and, when it lacks something an earlier
// event might have taught it, calls wait_for_earlier(): that blocks until every event
// ordered before the caller's has been handled by every worker. So a lookup sees exactly
// what it would have seen with one thread, and the output does not depend on the threads.
#pragma once

#include <cstdint>
#include <limits>

namespace tlslens::event_order {

inline constexpr uint64_t kUnordered = std::numeric_limits<uint64_t>::max();

// Blocks until every event ordered before `seq` has been handled.
class Waiter {
 public:
  virtual ~Waiter() = default;
  virtual void wait_for_earlier(uint64_t seq) = 0;
};

// The calling thread's position: kUnordered outside a worker (then everything is visible).
uint64_t current();
void set_current(uint64_t seq);

// The calling thread's waiter (null: one thread, nothing to wait for).
void set_waiter(Waiter* waiter);
bool ordered();  // a waiter is set: the caller is one of several workers

// Waits for every event before current(); a no-op with one thread.
void wait_for_earlier();

// Whether state tagged `tag` is visible to the calling thread (learnt by an earlier event).
inline bool visible(uint64_t tag) { return tag < current() || current() == kUnordered; }

}  // namespace tlslens::event_order
