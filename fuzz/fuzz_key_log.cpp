// Fuzzes the key log parser: the input is key log text, fed three ways — whole to add_text
// (partial last line ignored), whole to add_block (last line used), and split at an
// input-chosen point into two add_text calls — then every secret found is looked up again.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/crypto/key_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tlslens::crypto::KeyLog log;
  log.add_text(text, "fuzz.keys");
  log.add_block(text, "fuzz-block");
  size_t split = size == 0 ? 0 : data[0] % size;
  log.add_text(text.substr(0, split), "fuzz-a");
  log.add_text(text.substr(split), "fuzz-b");

  // Look up with 32-byte windows of the input, so lookups sometimes hit.
  for (size_t i = 0; i + 32 <= size && i < 4096; i += 7) {
    std::span<const uint8_t> window(data + i, 32);
    for (size_t label = 0; label < tlslens::crypto::kSecretLabelCount; ++label) {
      auto secret = log.find(static_cast<tlslens::crypto::SecretLabel>(label), window);
      if (secret && secret->size() > 64) __builtin_trap();
    }
    (void)log.rsa_premaster(window);
  }
  for (const auto& problem : log.problems()) {
    if (problem.line == 0 || problem.reason.empty()) __builtin_trap();
    (void)problem.to_string();
  }
  if (log.problems().size() > tlslens::crypto::KeyLog::kMaxProblems) __builtin_trap();
  return 0;
}
