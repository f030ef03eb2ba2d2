// Helpers shared by the micro-benchmark files: where the source tree's captures are, and
// running the analyzer over one of them into a sink (to take real messages and events from).
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "core/output/event_sink.h"

namespace tlslens::bench {

// `relative` under the source tree: TLSLENS_SOURCE_DIR from the environment, else the one
// compiled in.
std::string source_path(const std::string& relative);

// Runs the analyzer over captures/`capture`, decrypting with captures/`keys` when it is not
// empty, into `sink`. On an error the benchmark is skipped with the reason and false returned.
bool analyze_capture(benchmark::State& state, const std::string& capture, const std::string& keys, EventSink& sink);

}  // namespace tlslens::bench
