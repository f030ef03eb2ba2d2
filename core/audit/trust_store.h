// TrustStore: the root certificates the chain audit trusts.
//
// Without --ca-file and --ca-path it is OpenSSL's system default (X509_STORE_set_default_paths:
// the bundle file and the hashed directory, /usr/lib/ssl/cert.pem and /usr/lib/ssl/certs on
// Debian, or SSL_CERT_FILE / SSL_CERT_DIR when set). With either option it is only what they
// name — the system roots are then not consulted at all, so a private CA can be audited alone.
//
// --ca-file: every certificate of a PEM file ("CERTIFICATE" and "TRUSTED CERTIFICATE" blocks;
// other blocks such as keys are skipped), or one DER certificate. --ca-path: a directory
// prepared with c_rehash / `openssl rehash` (hash-named links, looked up lazily as OpenSSL
// does); a directory without such links has its PEM/DER files loaded directly instead.
//
// Errors are one line that names the file and says which case it is: cannot be read (with the
// system's reason), holds no certificate, a certificate in it is corrupt; not a directory, a
// directory with no certificates. OpenSSL's error queue is left empty.
//
// Threads: fill the store first (load, add_certificate), then share it. After that it is only
// read: X509_verify_cert on contexts built over store() may run on several threads at once
// (OpenSSL locks the store internally, also for lazy lookups in a hashed directory, as libssl
// relies on for an SSL_CTX's store). Copies share the same X509_STORE (OpenSSL's reference
// count), so a copy is cheap and may be handed to each worker.
#pragma once

#include <openssl/x509_vfy.h>

#include <cstddef>
#include <optional>
#include <string>

namespace tlslens::audit {

class TrustStore {
 public:
  // The system default when both are empty; else only the file and/or the directory given.
  // nullopt, with `error` set (one line), when a given file or directory cannot be used.
  static std::optional<TrustStore> load(const std::string& ca_file, const std::string& ca_path, std::string& error);

  // An empty store: trusts nothing until add_certificate() (tests, roots from elsewhere).
  TrustStore();
  ~TrustStore();
  TrustStore(const TrustStore& other);
  TrustStore& operator=(const TrustStore& other);

  // Adds a trusted certificate (the store takes its own reference). Only while filling the
  // store, before it is shared. False if OpenSSL refuses it (null, out of memory).
  bool add_certificate(X509* certificate);

  // For X509_STORE_CTX_init. Never null. Do not modify it once the store is shared.
  X509_STORE* store() const { return store_; }

  // What was loaded, for messages: "system default (/usr/lib/ssl/cert.pem, /usr/lib/ssl/certs)",
  // "--ca-file roots.pem (3 certificates)", "--ca-path dir/ (hashed directory)".
  const std::string& description() const { return description_; }

  // Certificates held in memory (from --ca-file, an unhashed --ca-path, the system bundle file,
  // add_certificate); a hashed directory's are looked up on demand and counted once used.
  size_t certificate_count() const;

 private:
  X509_STORE* store_ = nullptr;
  std::string description_;
};

}  // namespace tlslens::audit
