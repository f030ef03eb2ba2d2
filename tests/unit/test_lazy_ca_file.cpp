// The system CA bundle read lazily (core/audit/lazy_ca_file.h): the subject found by the DER
// walk is OpenSSL's own, nothing is decoded before a chain asks, chains verify as with the
// whole bundle loaded (a private bundle, and every root of the real system bundle), bundles
// with anything but plain certificates are loaded whole, and lookups from several threads.
#include "core/audit/lazy_ca_file.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit_cert_factory.h"
#include "core/audit/chain_audit.h"
#include "core/audit/trust_store.h"

namespace tlslens::audit {
namespace {

using audit_test::CertBuilder;
using audit_test::ec_key;
using x509::Certificate;

constexpr int64_t kCapture = 1717200000;  // 2024-06-01 00:00:00 UTC
constexpr int64_t kDay = audit_test::kDaySeconds;

std::vector<unsigned char> subject_of(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509_NAME(X509_get_subject_name(cert), &der);
  std::vector<unsigned char> out(der, der + (n > 0 ? n : 0));
  OPENSSL_free(der);
  return out;
}

// SSL_CERT_FILE / SSL_CERT_DIR point at this test's own files while it runs.
class LazyCaFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tlslens-lazy-ca-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "empty-dir");
    save("SSL_CERT_FILE", saved_file_);
    save("SSL_CERT_DIR", saved_dir_);
    ::setenv("SSL_CERT_DIR", (dir_ / "empty-dir").c_str(), 1);
  }
  void TearDown() override {
    restore("SSL_CERT_FILE", saved_file_);
    restore("SSL_CERT_DIR", saved_dir_);
    std::filesystem::remove_all(dir_);
    EXPECT_EQ(ERR_peek_error(), 0UL) << "OpenSSL's error queue is not empty";
  }

  // The system default store with `bundle` as the system bundle.
  TrustStore system_default_with(const std::string& bundle) {
    const std::string path = (dir_ / "bundle.pem").string();
    std::ofstream(path, std::ios::binary) << bundle;
    ::setenv("SSL_CERT_FILE", path.c_str(), 1);
    std::string error;
    auto trust = TrustStore::load("", "", error);
    EXPECT_TRUE(trust) << error;
    return trust ? *trust : TrustStore();
  }

  bool verifies(const TrustStore& trust) {
    ChainAuditInput in;
    std::vector<Certificate> chain = {leaf, intermediate};
    in.chain = chain;
    in.captured = Timestamp::from_sec_nsec(kCapture, 0);
    in.now = in.captured;
    return audit_chain(in, trust).trusted;
  }

  Certificate root =
      CertBuilder("Lazy Root CA").key(ec_key(1)).validity(kCapture - 2000 * kDay, kCapture + 4000 * kDay).ca().build();
  Certificate other_root =
      CertBuilder("Other Root CA").key(ec_key(6)).validity(kCapture - 2000 * kDay, kCapture + 4000 * kDay).ca().build();
  Certificate intermediate = CertBuilder("Lazy Intermediate CA")
                                 .key(ec_key(2))
                                 .issued_by(root, ec_key(1))
                                 .validity(kCapture - 1000 * kDay, kCapture + 2000 * kDay)
                                 .ca(0)
                                 .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(intermediate, ec_key(2))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  std::filesystem::path dir_;

 private:
  struct Saved {
    bool set = false;
    std::string value;
  };
  static void save(const char* name, Saved& saved) {
    const char* v = std::getenv(name);
    saved.set = v != nullptr;
    saved.value = v != nullptr ? v : "";
  }
  static void restore(const char* name, const Saved& saved) {
    if (saved.set)
      ::setenv(name, saved.value.c_str(), 1);
    else
      ::unsetenv(name);
  }
  Saved saved_file_;
  Saved saved_dir_;
};

TEST_F(LazyCaFileTest, SubjectIsTheOneOpenSslReads) {
  for (const Certificate* cert : {&root, &intermediate, &leaf}) {
    const Bytes subject = certificate_subject_der(cert->der());
    EXPECT_EQ(std::vector<unsigned char>(subject.begin(), subject.end()), subject_of(cert->x509()));
  }
}

TEST_F(LazyCaFileTest, CutOrBrokenCertificatesHaveNoSubject) {
  const std::vector<uint8_t>& der = leaf.der();
  const Bytes whole = certificate_subject_der(der);
  const size_t subject_end = static_cast<size_t>(whole.data() + whole.size() - der.data());
  // Cut anywhere before the subject's end, the outer lengths no longer fit: no subject.
  for (size_t n = 0; n < subject_end; ++n) EXPECT_TRUE(certificate_subject_der(Bytes(der).first(n)).empty()) << n;
  std::vector<uint8_t> wrong_tag = der;
  wrong_tag[0] = 0x31;  // a SET, not a SEQUENCE
  EXPECT_TRUE(certificate_subject_der(wrong_tag).empty());
  const std::vector<uint8_t> long_length = {0x30, 0x85, 1, 0, 0, 0, 0};  // five length bytes
  EXPECT_TRUE(certificate_subject_der(long_length).empty());
}

TEST_F(LazyCaFileTest, NothingIsDecodedUntilAChainAsks) {
  TrustStore trust = system_default_with("a comment\n" + audit_test::pem(other_root) + audit_test::pem(root));
  EXPECT_TRUE(trust.description().starts_with("system default (" + (dir_ / "bundle.pem").string() + ", "))
      << trust.description();
  EXPECT_EQ(trust.certificate_count(), 0U);
  EXPECT_TRUE(verifies(trust));
  EXPECT_EQ(trust.certificate_count(), 1U);  // the root the chain needed, not the other one
  EXPECT_TRUE(verifies(trust));              // now from the store's cache
  EXPECT_EQ(trust.certificate_count(), 1U);
}

TEST_F(LazyCaFileTest, ABundleWithoutTheRootTrustsNothing) {
  TrustStore trust = system_default_with(audit_test::pem(other_root));
  EXPECT_FALSE(verifies(trust));
}

TEST_F(LazyCaFileTest, BundlesWithMoreThanPlainCertificatesAreLoadedWhole) {
  // A "TRUSTED CERTIFICATE" block carries trust settings: OpenSSL's own loader reads it.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_X509_AUX(bio.get(), other_root.x509()), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  const std::string trusted_block(data, static_cast<size_t>(n));
  ASSERT_NE(trusted_block.find("BEGIN TRUSTED CERTIFICATE"), std::string::npos);

  TrustStore trust = system_default_with(audit_test::pem(root) + trusted_block);
  EXPECT_EQ(trust.certificate_count(), 2U);
  EXPECT_TRUE(verifies(trust));

  // So is a bundle with a broken block, with OpenSSL's outcome: such a file adds nothing.
  TrustStore broken =
      system_default_with(audit_test::pem(root) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(broken.certificate_count(), 0U);
  EXPECT_FALSE(verifies(broken));
}

TEST_F(LazyCaFileTest, EveryRootOfTheSystemBundleIsFound) {
  const std::string system_bundle = X509_get_default_cert_file();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(system_bundle.c_str(), "rb"), BIO_free);
  if (!bio) {
    ERR_clear_error();
    GTEST_SKIP() << "no system CA bundle at " << system_bundle;
  }
  std::vector<std::unique_ptr<X509, decltype(&X509_free)>> roots;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) roots.emplace_back(cert, X509_free);
  ERR_clear_error();  // the end of the file
  ASSERT_GT(roots.size(), 10U);

  ::setenv("SSL_CERT_FILE", system_bundle.c_str(), 1);  // the directory stays empty: only the bundle answers
  std::string error;
  auto trust = TrustStore::load("", "", error);
  ASSERT_TRUE(trust) << error;
  ASSERT_EQ(trust->certificate_count(), 0U);
  size_t found = 0;
  for (const auto& cert : roots) {
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
    ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), trust->store(), cert.get(), nullptr), 1);
    X509* issuer = nullptr;
    if (X509_STORE_CTX_get1_issuer(&issuer, ctx.get(), cert.get()) == 1) {
      ++found;
      X509_free(issuer);
    }
  }
  ERR_clear_error();
  EXPECT_EQ(found, roots.size());  // each root, self-issued, is found as its own issuer
  EXPECT_EQ(trust->certificate_count(), roots.size());
}

TEST_F(LazyCaFileTest, LookupsFromSeveralThreads) {
  TrustStore trust = system_default_with(audit_test::pem(other_root) + audit_test::pem(root));
  std::atomic<int> trusted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 20; ++j)
        if (verifies(trust)) ++trusted;
      ERR_clear_error();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(trusted.load(), 80);
  EXPECT_EQ(trust.certificate_count(), 1U);
}

}  // namespace
}  // namespace tlslens::audit
