// FragmentLimits: the bounds on IP fragment reassembly (see FragmentReassembler).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tlslens {

struct FragmentLimits {
  size_t max_datagrams = 1024;          // datagrams being reassembled at once
  size_t max_bytes = 16 * 1024 * 1024;  // bytes held across all of them
  int64_t timeout_ns = 30'000'000'000;  // capture time after which an incomplete datagram is dropped
};

}  // namespace tlslens
