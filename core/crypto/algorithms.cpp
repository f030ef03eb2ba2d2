#include "core/crypto/algorithms.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "core/crypto/providers.h"

namespace tlslens::crypto {
namespace {

// Name -> object, filled on first use. Lookups take a shared lock (workers hit it at once on
// every connection); a miss creates outside the lock, and a racing second creation is freed.
template <typename T, T* (*Create)(const std::string&), void (*Free)(T*)>
class Table {
 public:
  Table() = default;
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table() {
    for (auto& [name, object] : objects_) Free(object);
  }

  T* get(std::string_view name) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = objects_.find(name); it != objects_.end()) return it->second;
    }
    std::string key(name);
    T* created = Create(key);
    if (created == nullptr) {
      ERR_clear_error();
      return nullptr;
    }
    std::unique_lock lock(mutex_);
    auto [it, inserted] = objects_.emplace(std::move(key), created);
    if (!inserted) Free(created);
    return it->second;
  }

 private:
  std::shared_mutex mutex_;
  std::map<std::string, T*, std::less<>> objects_;
};

EVP_MD* fetch_md(const std::string& name) {
  return EVP_MD_fetch(nullptr, name.c_str(), nullptr);
}
EVP_CIPHER* fetch_cipher(const std::string& name) {
  return EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
}
EVP_MAC* fetch_mac(const std::string& name) {
  return EVP_MAC_fetch(nullptr, name.c_str(), nullptr);
}

EVP_MAC_CTX* make_hmac_template(const std::string& digest) {
  EVP_MAC* hmac = fetched_mac("HMAC");
  if (hmac == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest.c_str()), 0),
      OSSL_PARAM_construct_end(),
  };
  if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

// Each table is built after the providers are loaded, so it is destroyed (and its references
// dropped) before the providers are unloaded at exit.
template <typename T>
T& table() {
  load_crypto_providers();
  static T instance;
  return instance;
}

using MdTable = Table<EVP_MD, fetch_md, EVP_MD_free>;
using CipherTable = Table<EVP_CIPHER, fetch_cipher, EVP_CIPHER_free>;
using MacTable = Table<EVP_MAC, fetch_mac, EVP_MAC_free>;
using HmacTemplateTable = Table<EVP_MAC_CTX, make_hmac_template, EVP_MAC_CTX_free>;

}  // namespace

const EVP_MD* fetched_digest(std::string_view name) {
  return table<MdTable>().get(name);
}

const EVP_CIPHER* fetched_cipher(std::string_view name) {
  return table<CipherTable>().get(name);
}

EVP_MAC* fetched_mac(std::string_view name) {
  return table<MacTable>().get(name);
}

EVP_MAC_CTX* new_hmac_context(std::string_view digest) {
  // Touch the MAC table first, so that it outlives the templates that refer to HMAC.
  (void)table<MacTable>();
  EVP_MAC_CTX* templ = table<HmacTemplateTable>().get(digest);
  if (templ == nullptr) return nullptr;
  // Duplicating only reads the template (the HMAC provider copies its state and takes a new
  // reference to the digest), so threads may duplicate the same template at once.
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(templ);
  if (ctx == nullptr) ERR_clear_error();
  return ctx;
}

}  // namespace tlslens::crypto
