// Certificates made in memory with OpenSSL's API for the audit tests: roots, intermediates and
// leaves with chosen keys, validity, names, key usages and signature digests.
//
// Keys are generated once per process and shared (RSA generation is slow); each test picks
// distinct keys by index where certificates must not share one.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/x509/certificate.h"

namespace tlslens::audit_test {

// The n-th P-256 key of the process (n < 16), the same object on every call.
EVP_PKEY* ec_key(int n);
EVP_PKEY* ec_p192_key();  // a weak EC key
EVP_PKEY* rsa_1024_key();
EVP_PKEY* rsa_2048_key();

// Seconds since the Unix epoch.
constexpr int64_t kDaySeconds = 86400;

class CertBuilder {
 public:
  explicit CertBuilder(std::string cn);

  CertBuilder& key(EVP_PKEY* key);
  // Signed by `issuer`'s subject with `issuer_key` (which need not be the issuer's key, to make
  // a bad signature). Without it the certificate is self-signed.
  CertBuilder& issued_by(const x509::Certificate& issuer, EVP_PKEY* issuer_key);
  // Keeps the issuer name but no authority key identifier (a name-only link).
  CertBuilder& issuer_name_only(const std::string& issuer_cn, EVP_PKEY* issuer_key);
  CertBuilder& validity(int64_t not_before, int64_t not_after);
  CertBuilder& dns(std::string name);
  CertBuilder& ip(std::string address);
  CertBuilder& no_subject_alt_name();  // no SAN extension even if the CN is a host
  // An extension in OpenSSL's configuration syntax: (NID_key_usage, "critical,digitalSignature").
  // Setting one twice replaces the first value.
  CertBuilder& extension(int nid, std::string value);
  // basicConstraints critical CA:TRUE (pathlen when >= 0) and keyUsage keyCertSign, cRLSign.
  CertBuilder& ca(int path_length = -1);
  CertBuilder& digest(const EVP_MD* digest);  // nullptr for Ed25519
  CertBuilder& no_key_identifiers();

  x509::Certificate build() const;
  std::vector<uint8_t> der() const;

 private:
  std::string cn_;
  EVP_PKEY* key_ = nullptr;
  X509* issuer_ = nullptr;
  std::string issuer_cn_;
  EVP_PKEY* issuer_key_ = nullptr;
  int64_t not_before_ = 0;
  int64_t not_after_ = 0;
  std::vector<std::string> san_;
  bool no_san_ = false;
  std::vector<std::pair<int, std::string>> extensions_;
  const EVP_MD* digest_ = nullptr;
  bool key_identifiers_ = true;
};

// PEM text of a certificate.
std::string pem(const x509::Certificate& cert);

}  // namespace tlslens::audit_test
