// RsaKeyStore: the servers' RSA private keys (`-k FILE`), for TLS <= 1.2 static-RSA key
// exchange, where the ClientKeyExchange carries the premaster secret encrypted to the server
// certificate's key.
//
// Reads every usual way a key is stored: PEM or DER; PKCS#1 ("RSA PRIVATE KEY", also with the
// old Proc-Type encryption) or PKCS#8 ("PRIVATE KEY"); encrypted PKCS#8 ("ENCRYPTED PRIVATE
// KEY"); PKCS#12 (.p12/.pfx), whose older exports are encrypted with RC2-40 and need OpenSSL's
// legacy provider (loaded here; its absence is reported as such). A PEM file may hold other
// blocks too (a certificate before the key): the first private key is used.
//
// Errors name the file and say which case it is: cannot be read, not a key (or a certificate,
// or no private key in it), encrypted and no password given, wrong password, needs the legacy
// provider, not an RSA key. OpenSSL's error queue is left empty.
//
// Once filled, the store is read-only: find() and decrypt_premaster() may run on several
// threads at once.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/net/address.h"
#include "core/util/reader.h"

namespace tlslens::crypto {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// Reads one private key file (any of the forms above, any key type). `password` may be empty.
// Returns nullptr with `error` set on failure.
EvpPkeyPtr load_private_key(const std::string& path, const std::string& password, std::string& error);

class RsaKeyStore {
 public:
  RsaKeyStore();
  ~RsaKeyStore();
  RsaKeyStore(RsaKeyStore&&) noexcept;
  RsaKeyStore& operator=(RsaKeyStore&&) noexcept;
  RsaKeyStore(const RsaKeyStore&) = delete;
  RsaKeyStore& operator=(const RsaKeyStore&) = delete;

  // Loads an RSA private key. `bound_to`: use it for this server endpoint whatever its
  // certificate says. Returns false, with `error` set, when the file cannot be used.
  bool add_file(const std::string& path, const std::string& password, std::optional<Endpoint> bound_to,
                std::string& error);
  // Adds a key already loaded (it takes a reference of its own). False if it is not RSA.
  bool add_key(EVP_PKEY* key, std::optional<Endpoint> bound_to, std::string& error);

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

  // The key for a server: the first one bound to that endpoint; else one whose public key
  // (modulus and exponent) is the server certificate's (`server_certificate` may be null);
  // else, if exactly one key is unbound, that one. nullptr if none. The store keeps ownership.
  EVP_PKEY* find(const Endpoint& server, X509* server_certificate) const;

  // Whether `key` is the private half of the certificate's public key.
  static bool matches_certificate(EVP_PKEY* key, X509* certificate);

  // Decrypts an RSA-encrypted premaster secret (PKCS#1 v1.5, without OpenSSL 3.2's implicit
  // rejection so a wrong key is noticed): the 48-byte premaster, or nullopt (wrong key, bad
  // padding, a plaintext that is not 48 bytes). `encrypted` excludes TLS's 2-byte length.
  static std::optional<std::vector<uint8_t>> decrypt_premaster(EVP_PKEY* key, Bytes encrypted);

 private:
  struct Entry {
    EvpPkeyPtr key;
    std::optional<Endpoint> bound;
  };
  std::vector<Entry> keys_;
};

// Parses the argument of -k / --rsa-key: "FILE", "IP:PORT:FILE" or "[IPv6]:PORT:FILE". A
// value whose start is not an IPv4 address followed by ':' (or a bracketed IPv6 address) is a
// path, colons and all. An address followed by a bad port or no file is an error.
bool parse_rsa_key_spec(const std::string& spec, std::string& path, std::optional<Endpoint>& bound, std::string& error);

}  // namespace tlslens::crypto
