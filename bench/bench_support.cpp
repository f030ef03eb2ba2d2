#include "bench_support.h"

#include <cstdlib>
#include <memory>

#include "core/capture/packet_source.h"
#include "core/crypto/key_material.h"
#include "core/crypto/providers.h"
#include "core/pipeline/analyzer.h"

#ifndef TLSLENS_SOURCE_DIR
#define TLSLENS_SOURCE_DIR "."
#endif

namespace tlslens::bench {

std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("TLSLENS_SOURCE_DIR");
  return std::string(dir && *dir ? dir : TLSLENS_SOURCE_DIR) + "/" + relative;
}

bool analyze_capture(benchmark::State& state, const std::string& capture, const std::string& keys, EventSink& sink) {
  const std::string path = source_path("captures/" + capture);
  AnalyzerOptions options;
  if (!keys.empty()) {
    crypto::load_crypto_providers();
    auto material = std::make_shared<crypto::KeyMaterial>();
    std::string error;
    if (!material->key_log.load_file(source_path("captures/" + keys), error)) {
      state.SkipWithError((error + " (set TLSLENS_SOURCE_DIR to the source tree)").c_str());
      return false;
    }
    options.keys = std::move(material);
  }
  try {
    auto source = open_capture_file(FileOptions{path, ""});
    Analyzer analyzer(options, sink);
    Packet packet;
    while (source->next(packet) == ReadStatus::packet) analyzer.process(packet);
    analyzer.finish();
  } catch (const CaptureError& e) {
    state.SkipWithError((path + ": " + e.what() + " (set TLSLENS_SOURCE_DIR to the source tree)").c_str());
    return false;
  }
  return true;
}

}  // namespace tlslens::bench
