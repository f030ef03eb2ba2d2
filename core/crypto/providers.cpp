#include "core/crypto/providers.h"

#include <openssl/err.h>
#include <openssl/provider.h>

#include <atomic>
#include <mutex>

namespace tlslens::crypto {
namespace {

std::once_flag g_load_once;
std::atomic<bool> g_legacy_loaded{false};

// Unloads the providers at exit, so that OpenSSL's own cleanup finds nothing still held (and
// leak checkers stay quiet).
struct LoadedProviders {
  OSSL_PROVIDER* default_provider;
  OSSL_PROVIDER* legacy_provider;
  ~LoadedProviders() {
    if (legacy_provider != nullptr) OSSL_PROVIDER_unload(legacy_provider);
    if (default_provider != nullptr) OSSL_PROVIDER_unload(default_provider);
  }
};

void load_once() {
  // Errors of a failed load are OpenSSL's business, not the caller's: keep the queue clean.
  ERR_set_mark();
  OSSL_PROVIDER* default_provider = OSSL_PROVIDER_load(nullptr, "default");
  OSSL_PROVIDER* legacy_provider = OSSL_PROVIDER_load(nullptr, "legacy");
  ERR_pop_to_mark();
  // Constructed after OpenSSL registered its atexit cleanup (the loads above initialised it),
  // so destroyed before that cleanup runs.
  static LoadedProviders loaded{default_provider, legacy_provider};
  g_legacy_loaded.store(loaded.legacy_provider != nullptr, std::memory_order_release);
}

}  // namespace

void load_crypto_providers() {
  std::call_once(g_load_once, load_once);
}

bool legacy_provider_available() {
  load_crypto_providers();
  return g_legacy_loaded.load(std::memory_order_acquire);
}

}  // namespace tlslens::crypto
