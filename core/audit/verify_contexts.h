// VerifyContexts: signature verification contexts set up once per key and copied per signature.
//
// Why: with OpenSSL 3.0, EVP_DigestVerifyInit_ex fetches the signature algorithm and the digest
// by name and builds the provider's context every time; for a server that thousands of
// connections reach with the same certificate, that set-up cost as much as the RSA arithmetic.
// A context that was initialised once (digest, RSA-PSS padding, MGF1 digest and salt length
// included) is copied instead: EVP_MD_CTX_copy_ex duplicates the provider's state without any
// fetch, which is also how OpenSSL finishes a verification without consuming its context.
//
// Keys are told apart by identity: an entry holds a reference to its EVP_PKEY, so the key can
// neither be freed nor its address reused while the entry exists, and the same address always
// means the same key. (Certificates are parsed once per thread by x509::CertificateCache, so
// every connection to one server presents the same EVP_PKEY.)
//
// Bounded: at most `capacity` entries; the least recently used one is dropped to make room,
// so memory stays flat however many servers a capture holds. One cache per thread
// (for_this_thread()), so no locking and no context is ever shared between threads.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/openssl_scope.h"

namespace tlslens::audit {

class VerifyContexts {
 public:
  using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, openssl::FreeWith<EVP_MD_CTX_free>>;

  static constexpr size_t kDefaultCapacity = 64;

  explicit VerifyContexts(size_t capacity = kDefaultCapacity);
  ~VerifyContexts();
  VerifyContexts(const VerifyContexts&) = delete;
  VerifyContexts& operator=(const VerifyContexts&) = delete;

  // The context set up for `key` with `digest` (empty for EdDSA) and `pss`, or nullptr. Valid
  // until the next insert(). Never modify it: copy it with EVP_MD_CTX_copy_ex.
  const EVP_MD_CTX* find(EVP_PKEY* key, std::string_view digest, bool pss);

  // Keeps `ready` (initialised by EVP_DigestVerifyInit_ex for `key`, nothing fed to it yet) and
  // returns it; takes a reference to `key`. Drops the least recently used entry when full.
  const EVP_MD_CTX* insert(EVP_PKEY* key, std::string_view digest, bool pss, MdCtxPtr ready);

  size_t size() const { return entries_.size(); }
  size_t capacity() const { return capacity_; }

  // The calling thread's cache.
  static VerifyContexts& for_this_thread();

 private:
  struct Entry {
    EVP_PKEY* key = nullptr;  // one reference held
    std::string digest;
    bool pss = false;
    MdCtxPtr ready;
    uint64_t last_used = 0;
  };
  size_t capacity_;
  uint64_t clock_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace tlslens::audit
