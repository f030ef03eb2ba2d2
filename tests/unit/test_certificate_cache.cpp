// CertificateCache: one parse per distinct DER, bounded size.
#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/x509/certificate_cache.h"

namespace tlslens::x509 {
namespace {

std::vector<uint8_t> der_of(const std::string& pem_path) {
  std::FILE* f = std::fopen(pem_path.c_str(), "r");
  if (f == nullptr) return {};
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (x == nullptr) return {};
  int n = i2d_X509(x, nullptr);
  std::vector<uint8_t> der(static_cast<size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(x, &p);
  X509_free(x);
  return der;
}

std::string certs_dir() {
  std::string file = __FILE__;
  return file.substr(0, file.rfind("/tests/")) + "/captures/certs/";
}

TEST(CertificateCache, ParsesEachDistinctCertificateOnce) {
  std::vector<uint8_t> server = der_of(certs_dir() + "server.pem");
  std::vector<uint8_t> ca = der_of(certs_dir() + "ca.pem");
  ASSERT_FALSE(server.empty());
  ASSERT_FALSE(ca.empty());
  CertificateCache cache(8);
  const Certificate& a = cache.parse(server);
  EXPECT_EQ(a.info().subject_cn, "localhost");
  const Certificate& b = cache.parse(server);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.parse(ca).info().subject_cn, "tlslens Test Root CA");
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CertificateCache, StaysWithinItsCapacity) {
  CertificateCache cache(4);
  for (int i = 0; i < 50; ++i) {
    std::vector<uint8_t> junk(10, static_cast<uint8_t>(i));
    EXPECT_FALSE(cache.parse(junk).info().parsed);
  }
  EXPECT_EQ(cache.size(), 4u);
}

}  // namespace
}  // namespace tlslens::x509
