// The once-per-process algorithm cache (core/crypto/algorithms.h) and the per-thread
// verification contexts of the signature checks (core/audit/verify_contexts.h): the same
// object comes back on every call and from every thread, a missing algorithm stays missing
// (and is asked for again, with an empty error queue), HMAC contexts duplicated from the
// shared template compute RFC 4231's HMAC, and the context cache never grows past its capacity.
#include "core/crypto/algorithms.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/audit/verify_contexts.h"
#include "core/util/openssl_scope.h"

namespace tlslens::crypto {
namespace {

using openssl::FreeWith;

TEST(CryptoAlgorithms, SameObjectEveryTime) {
  const EVP_MD* sha256 = fetched_digest("SHA256");
  ASSERT_NE(sha256, nullptr);
  EXPECT_EQ(fetched_digest("SHA256"), sha256);
  EXPECT_EQ(EVP_MD_get_size(sha256), 32);
  const EVP_CIPHER* gcm = fetched_cipher("AES-128-GCM");
  ASSERT_NE(gcm, nullptr);
  EXPECT_EQ(fetched_cipher("AES-128-GCM"), gcm);
  EVP_MAC* hmac = fetched_mac("HMAC");
  ASSERT_NE(hmac, nullptr);
  EXPECT_EQ(fetched_mac("HMAC"), hmac);
}

TEST(CryptoAlgorithms, MissingAlgorithmIsNullWithEmptyErrorQueue) {
  ERR_clear_error();
  EXPECT_EQ(fetched_cipher("CAMELLIA-128-GCM"), nullptr);  // not in OpenSSL 3.0
  EXPECT_EQ(ERR_peek_error(), 0u);
  EXPECT_EQ(fetched_cipher("CAMELLIA-128-GCM"), nullptr);  // asked again, still missing
  EXPECT_EQ(fetched_digest("NO-SUCH-DIGEST"), nullptr);
  EXPECT_EQ(fetched_mac("NO-SUCH-MAC"), nullptr);
  EXPECT_EQ(new_hmac_context("NO-SUCH-DIGEST"), nullptr);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(CryptoAlgorithms, SameObjectFromSeveralThreads) {
  constexpr int kThreads = 8;
  std::array<const EVP_MD*, kThreads> seen{};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&seen, i] {
      for (int n = 0; n < 200; ++n) seen[static_cast<size_t>(i)] = fetched_digest(n % 2 ? "SHA384" : "SHA512-256");
      seen[static_cast<size_t>(i)] = fetched_digest("SHA384");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const EVP_MD* md : seen) EXPECT_EQ(md, fetched_digest("SHA384"));
}

// RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe".
TEST(CryptoAlgorithms, HmacContextsFromTheTemplateFromSeveralThreads) {
  static const std::string kKey = "Jefe";
  static const std::string kData = "what do ya want for nothing?";
  static const std::string kExpected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  auto hmac_hex = [] {
    std::unique_ptr<EVP_MAC_CTX, FreeWith<EVP_MAC_CTX_free>> ctx(new_hmac_context("SHA256"));
    std::array<unsigned char, 32> out{};
    size_t size = 0;
    if (!ctx ||
        EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(kKey.data()), kKey.size(), nullptr) != 1 ||
        EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(kData.data()), kData.size()) != 1 ||
        EVP_MAC_final(ctx.get(), out.data(), &size, out.size()) != 1 || size != out.size())
      return std::string("failed");
    std::string hex;
    for (unsigned char b : out) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
    return hex;
  };
  EXPECT_EQ(hmac_hex(), kExpected);
  std::array<std::string, 4> results;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 100; ++n) results[i] = hmac_hex();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, kExpected);
}

}  // namespace
}  // namespace tlslens::crypto

namespace tlslens::audit {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, openssl::FreeWith<EVP_PKEY_free>>;

VerifyContexts::MdCtxPtr ready_for(EVP_PKEY* key) {
  VerifyContexts::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1) return {};
  return ctx;
}

TEST(VerifyContexts, FindsWhatWasInsertedAndStaysBounded) {
  VerifyContexts contexts(3);
  std::vector<KeyPtr> keys;
  for (int i = 0; i < 5; ++i) keys.emplace_back(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  for (const KeyPtr& k : keys) ASSERT_TRUE(k);

  const EVP_MD_CTX* first = contexts.insert(keys[0].get(), "SHA256", false, ready_for(keys[0].get()));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(contexts.find(keys[0].get(), "SHA256", false), first);
  EXPECT_EQ(contexts.find(keys[0].get(), "SHA384", false), nullptr);
  EXPECT_EQ(contexts.find(keys[0].get(), "SHA256", true), nullptr);
  EXPECT_EQ(contexts.find(keys[1].get(), "SHA256", false), nullptr);

  for (size_t i = 1; i < keys.size(); ++i) {
    (void)contexts.find(keys[0].get(), "SHA256", false);  // keeps key 0 the most recently used
    ASSERT_NE(contexts.insert(keys[i].get(), "SHA256", false, ready_for(keys[i].get())), nullptr);
    EXPECT_LE(contexts.size(), contexts.capacity());
  }
  EXPECT_EQ(contexts.size(), 3u);
  EXPECT_NE(contexts.find(keys[0].get(), "SHA256", false), nullptr);  // used most, kept
  EXPECT_NE(contexts.find(keys[4].get(), "SHA256", false), nullptr);  // newest, kept
  EXPECT_EQ(contexts.find(keys[1].get(), "SHA256", false), nullptr);  // least recently used, dropped
}

TEST(VerifyContexts, HoldsItsOwnReferenceToTheKey) {
  VerifyContexts contexts(2);
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(key, nullptr);
  const EVP_MD_CTX* ready = contexts.insert(key, "SHA256", false, ready_for(key));
  ASSERT_NE(ready, nullptr);
  EVP_PKEY_free(key);  // the caller's reference: the cache's keeps the key (and its address) alive
  EXPECT_EQ(contexts.find(key, "SHA256", false), ready);
  VerifyContexts::MdCtxPtr copy(EVP_MD_CTX_new());
  EXPECT_EQ(EVP_MD_CTX_copy_ex(copy.get(), ready), 1);
}

}  // namespace
}  // namespace tlslens::audit
