#include "core/util/event_order.h"

namespace tlslens::event_order {

namespace {
thread_local uint64_t t_current = kUnordered;
thread_local Waiter* t_waiter = nullptr;
}  // namespace

uint64_t current() { return t_current; }
void set_current(uint64_t seq) { t_current = seq; }
void set_waiter(Waiter* waiter) { t_waiter = waiter; }
bool ordered() { return t_waiter != nullptr; }

void wait_for_earlier() {
  if (t_waiter != nullptr && t_current != kUnordered) t_waiter->wait_for_earlier(t_current);
}

}  // namespace tlslens::event_order
