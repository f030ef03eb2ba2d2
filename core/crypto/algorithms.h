// OpenSSL algorithms fetched once per process.
//
// Why: in OpenSSL 3.0 every EVP_*_fetch (and every lookup by name, such as a digest name given
// to EVP_DigestVerifyInit_ex or as an OSSL_PARAM) walks the provider store under a global lock.
// Done per connection, per key derivation, that was several per cent of a decryption run.
// Fetched objects are immutable and reference-counted, so one fetch can serve every thread.
//
// What is promised: fetched_*("NAME") returns the algorithm OpenSSL's default library context
// provides under that name (after load_crypto_providers(), so legacy algorithms are found when
// the legacy provider loads), the same object on every call. nullptr when OpenSSL has no such
// algorithm: failures are not remembered, so a later call asks OpenSSL again, exactly as an
// uncached fetch would. The cache keeps one reference to each object until exit; callers
// borrow it (up_ref it to own one). Thread-safe. The error queue is left empty after a failed
// fetch.
#pragma once

#include <openssl/types.h>

#include <string_view>

namespace tlslens::crypto {

const EVP_MD* fetched_digest(std::string_view name);
const EVP_CIPHER* fetched_cipher(std::string_view name);
// Non-const only because EVP_MAC_CTX_new takes a non-const pointer.
EVP_MAC* fetched_mac(std::string_view name);

// A new HMAC context with `digest` already set and no key (EVP_MAC_init gives it one),
// duplicated from a per-digest template, so that neither HMAC nor the digest is fetched again.
// The caller owns it (EVP_MAC_CTX_free). nullptr when OpenSSL lacks HMAC with that digest.
EVP_MAC_CTX* new_hmac_context(std::string_view digest);

}  // namespace tlslens::crypto
