// Fuzzes X.509 parsing (OpenSSL's d2i_X509 and every accessor Certificate::parse reads
// through), describe_certificate, and the lazy CA bundle's DER walk to the subject (which must
// find OpenSSL's subject whenever both parse). Input: the DER bytes of one certificate.
//
// Seeds (fuzz/corpus/certificate/): the project's certificates (captures/certs/*.pem as
// DER), EC P-256/P-384, Ed25519, RSA-1024 with MD5, SHA-1 and PSS signatures, many SAN kinds
// with EKU/KU/AIA, a CA with pathlen:3 (all `openssl req -x509`), and, made with python3's
// cryptography, validity from 1950 to 2150, a 9999-12-31 expiry, an empty subject,
// non-ASCII and BMPString names, and two embedded SCTs.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "core/audit/lazy_ca_file.h"
#include "core/tls/field.h"
#include "core/x509/certificate.h"

namespace {

// Every string the certificate code produces goes into JSON: it must be valid UTF-8.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<uint8_t>(s[i]);
    size_t n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}

void check_tree(const tlslens::tls::Field& field) {
  if (!valid_utf8(field.text)) std::abort();
  for (const auto& child : field.children) check_tree(child);
}

void check_subject_walk(std::span<const uint8_t> der, X509* parsed) {
  const std::span<const uint8_t> subject = tlslens::audit::certificate_subject_der(der);
  if (subject.empty()) return;
  if (subject.data() < der.data() || subject.data() + subject.size() > der.data() + der.size()) std::abort();
  if (parsed == nullptr) return;
  unsigned char* encoded = nullptr;
  const int n = i2d_X509_NAME(X509_get_subject_name(parsed), &encoded);
  const bool same = n == static_cast<int>(subject.size()) && std::equal(subject.begin(), subject.end(), encoded);
  OPENSSL_free(encoded);
  ERR_clear_error();
  if (!same) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto cert = tlslens::x509::Certificate::parse(std::span<const uint8_t>(data, size));
  // parse() promises an empty OpenSSL error queue, and a reason whenever it fails.
  if (ERR_peek_error() != 0) std::abort();
  if (cert.info().parsed != (cert.x509() != nullptr)) std::abort();
  if (!cert.info().parsed && cert.info().parse_error.empty()) std::abort();
  tlslens::tls::Field tree("certificate", tlslens::tls::FieldKind::group);
  tlslens::x509::describe_certificate(cert.info(), tree);
  check_tree(tree);
  check_subject_walk(std::span<const uint8_t>(data, size), cert.x509());
  // Shares the X509 through its reference count.
  tlslens::x509::Certificate copy = cert;  // NOLINT(performance-unnecessary-copy-initialization)
  if (copy.x509() != cert.x509()) std::abort();
  return 0;
}
