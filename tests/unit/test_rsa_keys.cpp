// RsaKeyStore: captures/certs/server.key converted here into every form a key comes in (PKCS#1
// and PKCS#8, PEM and DER, encrypted PKCS#8, encrypted traditional PEM, PKCS#12, a PEM bundle
// with the certificate first) — each loads and matches server.pem; the error of each failure
// (missing, empty, a certificate, not a key, no password, wrong password, not RSA); choosing
// a key by binding, by modulus, or as the only one; the premaster round trip; the corpus's
// key.p12 (RC2-40, legacy provider) and rsasnakeoil2.key; the -k argument parser.
#include "core/crypto/rsa_keys.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/crypto/providers.h"
#include "core/util/openssl_scope.h"

namespace tlslens::crypto {
namespace {

using ByteVector = std::vector<uint8_t>;
namespace fs = std::filesystem;

using openssl::FreeWith;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, FreeWith<PKCS12_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;

constexpr const char* kPassword = "correct horse";

fs::path source_dir() {
  if (const char* env = std::getenv("TLSLENS_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  // This file is tests/unit/test_rsa_keys.cpp in the source tree.
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

fs::path certs_dir() {
  return source_dir() / "captures" / "certs";
}

std::optional<fs::path> corpus_keys_dir() {
  fs::path shared;
  if (const char* env = std::getenv("TLSLENS_SHARED_DIR"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    shared = source_dir().parent_path() / "shared";
  }
  fs::path keys = shared / "corpus" / "wireshark" / "keys";
  if (!fs::is_directory(keys)) return std::nullopt;
  return keys;
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "tlslens-rsa-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Runs `write` on a memory BIO and returns what it wrote.
template <typename Write>
std::string bio_output(Write write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!write(bio.get())) throw std::runtime_error("OpenSSL could not write the test key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

EvpPkeyPtr read_key(const fs::path& path) {
  std::string pem = read_text(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

X509Ptr read_certificate(const fs::path& path) {
  std::string pem = read_text(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

ByteVector rsa_encrypt(EVP_PKEY* public_key, const ByteVector& plain) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, public_key, nullptr));
  EXPECT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  size_t n = 0;
  EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), nullptr, &n, plain.data(), plain.size()), 1);
  ByteVector out(n);
  EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &n, plain.data(), plain.size()), 1);
  out.resize(n);
  return out;
}

ByteVector premaster_bytes(size_t n = 48) {
  ByteVector premaster(n);
  EXPECT_EQ(RAND_bytes(premaster.data(), static_cast<int>(premaster.size())), 1);
  premaster[0] = 0x03;
  premaster[1] = 0x03;
  return premaster;
}

// The server key in every form, written into a temporary directory.
class RsaKeyForms : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = read_key(certs_dir() / "server.key");
    certificate_ = read_certificate(certs_dir() / "server.pem");
    ASSERT_TRUE(key_) << "cannot read captures/certs/server.key";
    ASSERT_TRUE(certificate_) << "cannot read captures/certs/server.pem";
  }

  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = dir_ / name;
    write_bytes(path, bytes);
    return path;
  }

  // Loads `path` into a fresh store and checks it is server.key.
  void expect_loads(const std::string& path, const std::string& password = "") {
    RsaKeyStore store;
    std::string error;
    ASSERT_TRUE(store.add_file(path, password, std::nullopt, error)) << path << ": " << error;
    EXPECT_EQ(store.size(), 1u);
    EVP_PKEY* found = store.find(Endpoint{}, certificate_.get());
    ASSERT_NE(found, nullptr);
    EXPECT_TRUE(RsaKeyStore::matches_certificate(found, certificate_.get()));
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is left empty";
  }

  // add_file fails with an error containing `expected`, and the store stays empty.
  void expect_error(const std::string& path, const std::string& password, const std::string& expected) {
    RsaKeyStore store;
    std::string error;
    EXPECT_FALSE(store.add_file(path, password, std::nullopt, error)) << path;
    EXPECT_NE(error.find(expected), std::string::npos) << path << ": " << error;
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is left empty";
  }

  TempDir dir_;
  EvpPkeyPtr key_;
  X509Ptr certificate_;
};

TEST_F(RsaKeyForms, Pkcs8Pem) {
  expect_loads((certs_dir() / "server.key").string());
}

TEST_F(RsaKeyForms, Pkcs1Pem) {
  std::string pem = bio_output([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  ASSERT_NE(pem.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  expect_loads(write("pkcs1.pem", pem));
}

TEST_F(RsaKeyForms, Pkcs1Der) {
  std::string der = bio_output([&](BIO* b) { return i2d_PrivateKey_bio(b, key_.get()) == 1; });
  expect_loads(write("pkcs1.der", der));
}

TEST_F(RsaKeyForms, Pkcs8Der) {
  std::string der = bio_output(
      [&](BIO* b) { return i2d_PKCS8PrivateKey_bio(b, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; });
  expect_loads(write("pkcs8.der", der));
}

TEST_F(RsaKeyForms, EncryptedPkcs8Pem) {
  std::string pem = bio_output([&](BIO* b) {
    return PEM_write_bio_PKCS8PrivateKey(b, key_.get(), EVP_aes_256_cbc(), kPassword, 13, nullptr, nullptr) == 1;
  });
  ASSERT_NE(pem.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  std::string path = write("encrypted.pem", pem);
  expect_loads(path, kPassword);
  expect_error(path, "wrong horse", "wrong password for RSA key " + path);
  expect_error(path, "", "is encrypted: give its password (-p)");
}

TEST_F(RsaKeyForms, EncryptedPkcs8Der) {
  std::string der = bio_output([&](BIO* b) {
    return i2d_PKCS8PrivateKey_bio(b, key_.get(), EVP_aes_128_cbc(), kPassword, 13, nullptr, nullptr) == 1;
  });
  std::string path = write("encrypted.der", der);
  expect_loads(path, kPassword);
  expect_error(path, "wrong horse", "wrong password");
  expect_error(path, "", "give its password (-p)");
}

TEST_F(RsaKeyForms, EncryptedTraditionalPem) {
  // The old OpenSSL form: "RSA PRIVATE KEY" with Proc-Type/DEK-Info headers.
  std::string pem = bio_output([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, key_.get(), EVP_aes_128_cbc(),
                                                reinterpret_cast<const unsigned char*>(kPassword), 13, nullptr,
                                                nullptr) == 1;
  });
  ASSERT_NE(pem.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  std::string path = write("traditional.pem", pem);
  expect_loads(path, kPassword);
  expect_error(path, "wrong horse", "wrong password");
  expect_error(path, "", "give its password (-p)");
}

TEST_F(RsaKeyForms, Pkcs12) {
  Pkcs12Ptr p12(PKCS12_create(kPassword, "server", key_.get(), certificate_.get(), nullptr, 0, 0, 0, 0, 0));
  ASSERT_TRUE(p12);
  std::string der = bio_output([&](BIO* b) { return i2d_PKCS12_bio(b, p12.get()) == 1; });
  std::string path = write("server.p12", der);
  expect_loads(path, kPassword);
  expect_error(path, "wrong horse", "wrong password for PKCS#12 file");
  expect_error(path, "", "is protected by a password: give it (-p)");
}

TEST_F(RsaKeyForms, Pkcs12WithoutPassword) {
  Pkcs12Ptr p12(PKCS12_create(nullptr, "server", key_.get(), certificate_.get(), nullptr, -1, -1, 0, 0, 0));
  ASSERT_TRUE(p12);
  std::string der = bio_output([&](BIO* b) { return i2d_PKCS12_bio(b, p12.get()) == 1; });
  expect_loads(write("open.p12", der));
}

TEST_F(RsaKeyForms, PemBundleWithTheCertificateFirst) {
  std::string bundle = read_text(certs_dir() / "server.pem") + read_text(certs_dir() / "server.key");
  expect_loads(write("bundle.pem", bundle));
}

TEST_F(RsaKeyForms, Errors) {
  std::string missing = dir_ / "missing.key";
  expect_error(missing, "", "cannot read RSA key " + missing + ": No such file or directory");
  expect_error(write("empty.key", ""), "", "is empty, not a private key");
  expect_error((certs_dir() / "server.pem").string(), "", "holds no private key (it holds: CERTIFICATE)");
  expect_error(write("text.key", "hello, this is not a key\n"), "", "is not a private key");
  std::string der_cert = bio_output([&](BIO* b) { return i2d_X509_bio(b, certificate_.get()) == 1; });
  expect_error(write("cert.der", der_cert), "", "is a certificate, not a private key");
  expect_error(write("big.key", std::string(2 << 20, 'x')), "", "is not a private key");
  std::string broken = read_text(certs_dir() / "server.key");
  broken[100] = broken[100] == 'A' ? 'B' : 'A';
  broken.erase(200, 300);
  expect_error(write("broken.key", broken), "", "cannot read the private key in");
  expect_error(dir_ / "", "", "cannot read RSA key");  // a directory
}

TEST_F(RsaKeyForms, NotRsa) {
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(ec);
  std::string pem = bio_output(
      [&](BIO* b) { return PEM_write_bio_PrivateKey(b, ec.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; });
  expect_error(write("ec.pem", pem), "", "holds a key of type EC, not RSA");
  RsaKeyStore store;
  std::string error;
  EXPECT_FALSE(store.add_key(ec.get(), std::nullopt, error));
  EXPECT_NE(error.find("not an RSA key (EC)"), std::string::npos) << error;
  EXPECT_EQ(load_private_key(dir_ / "ec.pem", "", error) != nullptr, true) << "any key type loads";
}

// ---- choosing a key -------------------------------------------------------------------

Endpoint endpoint(const std::string& ip, uint16_t port) {
  return Endpoint{IpAddress::parse(ip), port};
}

TEST(RsaKeyStore, FindsByBindingThenModulusThenTheOnlyUnboundKey) {
  X509Ptr server_cert = read_certificate(certs_dir() / "server.pem");
  X509Ptr client_cert = read_certificate(certs_dir() / "client.pem");
  X509Ptr ca_cert = read_certificate(certs_dir() / "ca.pem");
  ASSERT_TRUE(server_cert && client_cert && ca_cert);
  std::string server_key = (certs_dir() / "server.key").string();
  std::string client_key = (certs_dir() / "client.key").string();
  std::string error;

  RsaKeyStore store;
  EXPECT_EQ(store.find(endpoint("10.0.0.1", 443), server_cert.get()), nullptr);
  ASSERT_TRUE(store.add_file(server_key, "", std::nullopt, error)) << error;
  EVP_PKEY* server = store.find(endpoint("10.0.0.1", 443), server_cert.get());
  ASSERT_NE(server, nullptr);
  // The only unbound key is used even without a certificate.
  EXPECT_EQ(store.find(endpoint("10.0.0.1", 443), nullptr), server);

  ASSERT_TRUE(store.add_file(client_key, "", std::nullopt, error)) << error;
  EXPECT_EQ(store.size(), 2u);
  EVP_PKEY* client = store.find(endpoint("10.0.0.1", 443), client_cert.get());
  ASSERT_NE(client, nullptr);
  EXPECT_NE(client, server);
  EXPECT_EQ(store.find(endpoint("10.0.0.1", 443), server_cert.get()), server);
  // Two unbound keys and no certificate (or one neither matches): no guess.
  EXPECT_EQ(store.find(endpoint("10.0.0.1", 443), nullptr), nullptr);
  EXPECT_EQ(store.find(endpoint("10.0.0.1", 443), ca_cert.get()), nullptr);

  // A bound key wins for its endpoint, whatever the certificate.
  RsaKeyStore bound;
  ASSERT_TRUE(bound.add_file(client_key, "", endpoint("192.0.2.7", 8443), error)) << error;
  ASSERT_TRUE(bound.add_file(server_key, "", std::nullopt, error)) << error;
  EVP_PKEY* bound_client = bound.find(endpoint("192.0.2.7", 8443), server_cert.get());
  EXPECT_TRUE(RsaKeyStore::matches_certificate(bound_client, client_cert.get()));
  // Elsewhere: the modulus, or the only unbound key.
  EXPECT_TRUE(
      RsaKeyStore::matches_certificate(bound.find(endpoint("192.0.2.7", 443), server_cert.get()), server_cert.get()));
  EXPECT_TRUE(
      RsaKeyStore::matches_certificate(bound.find(endpoint("192.0.2.8", 8443), client_cert.get()), client_cert.get()));
  EXPECT_TRUE(RsaKeyStore::matches_certificate(bound.find(endpoint("::1", 8443), nullptr), server_cert.get()));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(RsaKeyStore, MatchesCertificate) {
  EvpPkeyPtr server = read_key(certs_dir() / "server.key");
  X509Ptr server_cert = read_certificate(certs_dir() / "server.pem");
  X509Ptr client_cert = read_certificate(certs_dir() / "client.pem");
  EXPECT_TRUE(RsaKeyStore::matches_certificate(server.get(), server_cert.get()));
  EXPECT_FALSE(RsaKeyStore::matches_certificate(server.get(), client_cert.get()));
  EXPECT_FALSE(RsaKeyStore::matches_certificate(nullptr, server_cert.get()));
  EXPECT_FALSE(RsaKeyStore::matches_certificate(server.get(), nullptr));
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_FALSE(RsaKeyStore::matches_certificate(ec.get(), server_cert.get()));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(RsaKeyStore, AddKeyTakesItsOwnReference) {
  RsaKeyStore store;
  std::string error;
  {
    EvpPkeyPtr key = read_key(certs_dir() / "server.key");
    ASSERT_TRUE(store.add_key(key.get(), endpoint("10.0.0.1", 443), error)) << error;
  }
  X509Ptr cert = read_certificate(certs_dir() / "server.pem");
  EXPECT_TRUE(RsaKeyStore::matches_certificate(store.find(endpoint("10.0.0.1", 443), nullptr), cert.get()));
  // Bound keys are not "the only unbound key".
  EXPECT_EQ(store.find(endpoint("10.0.0.2", 443), nullptr), nullptr);
  RsaKeyStore moved(std::move(store));
  EXPECT_EQ(moved.size(), 1u);
}

// ---- decrypting the premaster ---------------------------------------------------------

TEST(RsaKeyStore, DecryptPremasterRoundTrip) {
  RsaKeyStore store;
  std::string error;
  ASSERT_TRUE(store.add_file((certs_dir() / "server.key").string(), "", std::nullopt, error)) << error;
  X509Ptr cert = read_certificate(certs_dir() / "server.pem");
  EVP_PKEY* key = store.find(Endpoint{}, cert.get());
  ASSERT_NE(key, nullptr);

  ByteVector premaster = premaster_bytes();
  ByteVector encrypted = rsa_encrypt(X509_get0_pubkey(cert.get()), premaster);
  EXPECT_EQ(encrypted.size(), 256u);
  auto decrypted = RsaKeyStore::decrypt_premaster(key, encrypted);
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(*decrypted, premaster);

  // The wrong key: bad padding is noticed (no implicit-rejection random plaintext).
  EvpPkeyPtr client = read_key(certs_dir() / "client.key");
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(client.get(), encrypted));
  // Damaged ciphertext, truncated ciphertext, nothing, no key.
  ByteVector damaged = encrypted;
  damaged[100] ^= 0x01;
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(key, damaged));
  ByteVector truncated(encrypted.begin(), encrypted.end() - 1);
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(key, truncated));
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(key, {}));
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(nullptr, encrypted));
  // A well-padded plaintext that is not 48 bytes is not a premaster.
  EXPECT_FALSE(RsaKeyStore::decrypt_premaster(key, rsa_encrypt(X509_get0_pubkey(cert.get()), premaster_bytes(47))));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// ---- the shared corpus ----------------------------------------------------------------

TEST(RsaKeyStore, CorpusPkcs12NeedsTheLegacyProvider) {
  auto keys = corpus_keys_dir();
  if (!keys) GTEST_SKIP() << "shared corpus not found (set TLSLENS_SHARED_DIR)";
  std::string path = (*keys / "key.p12").string();
  RsaKeyStore store;
  std::string error;
  if (!legacy_provider_available()) {
    EXPECT_FALSE(store.add_file(path, "WebAS", std::nullopt, error));
    EXPECT_NE(error.find("legacy provider"), std::string::npos) << error;
    GTEST_SKIP() << "OpenSSL's legacy provider is not available: key.p12 (RC2-40) cannot be opened";
  }
  ASSERT_TRUE(store.add_file(path, "WebAS", std::nullopt, error)) << error;
  EXPECT_EQ(store.size(), 1u);
  EVP_PKEY* key = store.find(Endpoint{}, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(EVP_PKEY_is_a(key, "RSA"));
  // Its own round trip: encrypt to the key's public half.
  ByteVector premaster = premaster_bytes();
  auto decrypted = RsaKeyStore::decrypt_premaster(key, rsa_encrypt(key, premaster));
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(*decrypted, premaster);

  RsaKeyStore wrong;
  EXPECT_FALSE(wrong.add_file(path, "webas", std::nullopt, error));
  EXPECT_NE(error.find("wrong password"), std::string::npos) << error;
  EXPECT_FALSE(wrong.add_file(path, "", std::nullopt, error));
  EXPECT_NE(error.find("give it (-p)"), std::string::npos) << error;
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(RsaKeyStore, CorpusSnakeoilKeys) {
  auto keys = corpus_keys_dir();
  if (!keys) GTEST_SKIP() << "shared corpus not found (set TLSLENS_SHARED_DIR)";
  RsaKeyStore store;
  std::string error;
  ASSERT_TRUE(store.add_file((*keys / "rsasnakeoil2.key").string(), "", std::nullopt, error)) << error;
  ASSERT_TRUE(store.add_file((*keys / "snakeoil-rsa.key").string(), "", endpoint("127.0.0.1", 443), error)) << error;
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(EVP_PKEY_get_bits(store.find(Endpoint{}, nullptr)), 1024);
}

// ---- -k arguments ---------------------------------------------------------------------

TEST(RsaKeySpec, PlainPaths) {
  std::string path, error;
  std::optional<Endpoint> bound;
  for (std::string spec : {"server.key", "/etc/ssl/private/server.key", "keys/with:colon.pem", "C:server.key",
                           "10.0.0:443:x.key", "[zz]:443:x.key", "[::1]x", "::1:443:x.key", "host:443:x.key"}) {
    ASSERT_TRUE(parse_rsa_key_spec(spec, path, bound, error)) << spec << ": " << error;
    EXPECT_EQ(path, spec);
    EXPECT_FALSE(bound) << spec;
  }
}

TEST(RsaKeySpec, BoundToAnEndpoint) {
  std::string path, error;
  std::optional<Endpoint> bound;
  ASSERT_TRUE(parse_rsa_key_spec("10.0.0.1:443:server.key", path, bound, error)) << error;
  EXPECT_EQ(path, "server.key");
  ASSERT_TRUE(bound);
  EXPECT_EQ(bound->to_string(), "10.0.0.1:443");

  ASSERT_TRUE(parse_rsa_key_spec("[2001:db8::1]:8443:/keys/a:b.pem", path, bound, error)) << error;
  EXPECT_EQ(path, "/keys/a:b.pem");
  ASSERT_TRUE(bound);
  EXPECT_EQ(bound->to_string(), "[2001:db8::1]:8443");

  ASSERT_TRUE(parse_rsa_key_spec("192.0.2.1:65535:k", path, bound, error)) << error;
  EXPECT_EQ(bound->port, 65535);
}

TEST(RsaKeySpec, Errors) {
  std::string path, error;
  std::optional<Endpoint> bound;
  for (std::string spec : {"10.0.0.1:0:k", "10.0.0.1:65536:k", "10.0.0.1:https:k", "10.0.0.1:443",
                           "10.0.0.1:443:", "10.0.0.1:server.key", "[::1]:99999:k", "[::1]:443:"}) {
    EXPECT_FALSE(parse_rsa_key_spec(spec, path, bound, error)) << spec;
    EXPECT_NE(error.find(spec), std::string::npos) << error;
    EXPECT_FALSE(bound);
  }
  EXPECT_FALSE(parse_rsa_key_spec("", path, bound, error));
}

TEST(CryptoProviders, LoadOnceAndReportLegacy) {
  load_crypto_providers();
  load_crypto_providers();
  bool legacy = legacy_provider_available();
  EXPECT_EQ(legacy, legacy_provider_available());
  // Both providers serve what they should: AES from default, RC4 from legacy when present.
  EVP_CIPHER* aes = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  EXPECT_NE(aes, nullptr);
  EVP_CIPHER_free(aes);
  EVP_CIPHER* rc4 = EVP_CIPHER_fetch(nullptr, "RC4", nullptr);
  EXPECT_EQ(rc4 != nullptr, legacy);
  EVP_CIPHER_free(rc4);
  ERR_clear_error();
}

}  // namespace
}  // namespace tlslens::crypto
