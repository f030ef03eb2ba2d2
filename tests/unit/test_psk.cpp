// Pre-shared keys: --psk argument parsing (HEX, IDENTITY:HEX, identities with colons, errors
// that never quote the key) and the RFC 4279 / RFC 5489 premaster layouts.
#include "core/crypto/psk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlslens::crypto {
namespace {

using ByteVector = std::vector<uint8_t>;

TEST(Psk, ParsesBareHex) {
  PresharedKey psk;
  std::string error;
  ASSERT_TRUE(parse_psk_spec("0102aBcD", psk, error)) << error;
  EXPECT_EQ(psk.identity, "");
  EXPECT_EQ(psk.key, (ByteVector{0x01, 0x02, 0xab, 0xcd}));
  EXPECT_TRUE(psk.matches("anyone"));
  EXPECT_TRUE(psk.matches(""));
}

TEST(Psk, ParsesIdentityAndHex) {
  PresharedKey psk;
  std::string error;
  ASSERT_TRUE(parse_psk_spec("Client_identity:1a2b3c4d5e6f", psk, error)) << error;
  EXPECT_EQ(psk.identity, "Client_identity");
  EXPECT_EQ(psk.key, (ByteVector{0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f}));
  EXPECT_TRUE(psk.matches("Client_identity"));
  EXPECT_FALSE(psk.matches("someone else"));

  // The key follows the last colon: identities may contain colons.
  ASSERT_TRUE(parse_psk_spec("urn:device:42:0x00ff", psk, error)) << error;
  EXPECT_EQ(psk.identity, "urn:device:42");
  EXPECT_EQ(psk.key, (ByteVector{0x00, 0xff}));

  // An empty identity before the colon means any identity.
  ASSERT_TRUE(parse_psk_spec(":abcd", psk, error)) << error;
  EXPECT_EQ(psk.identity, "");
  EXPECT_EQ(psk.key, (ByteVector{0xab, 0xcd}));
}

TEST(Psk, RejectsBadKeysWithoutQuotingThem) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "no key"},
      {"id:", "no key"},
      {"0x", "no key"},
      {"secretword", "not hex"},
      {"id:12 34", "not hex"},
      {"id:abc", "odd number of hex digits"},
      {std::string(2 * 65536, 'a'), "longer than 65535 bytes"},
      {std::string(65536, 'i') + ":00", "identity is longer than 65535 bytes"},
  };
  for (const auto& [spec, reason] : bad) {
    PresharedKey psk;
    psk.key = {1, 2, 3};
    std::string error;
    EXPECT_FALSE(parse_psk_spec(spec, psk, error)) << spec.substr(0, 40);
    EXPECT_NE(error.find(reason), std::string::npos) << error;
    EXPECT_EQ(error.find("secretword"), std::string::npos) << error;
    EXPECT_EQ(psk.key, (ByteVector{1, 2, 3})) << "the output is untouched on failure";
  }
}

TEST(Psk, PlainPskPremaster) {
  // RFC 4279 section 2: other_secret is N zero bytes, N = length of the PSK.
  ByteVector key = {0x01, 0x02, 0x03, 0x04};
  ByteVector expected = {0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(psk_premaster(key, {}), expected);
  EXPECT_EQ(plain_psk_premaster(key), expected);
}

TEST(Psk, DhePskAndRsaPskPremaster) {
  // RFC 4279 s.3 / RFC 5489: other_secret = the (EC)DH shared secret.
  ByteVector key = {0xaa, 0xbb};
  ByteVector shared = {0x11, 0x22, 0x33};
  EXPECT_EQ(psk_premaster(key, shared), (ByteVector{0x00, 0x03, 0x11, 0x22, 0x33, 0x00, 0x02, 0xaa, 0xbb}));

  // RFC 4279 s.4: other_secret = the 48-byte premaster sent RSA-encrypted.
  ByteVector rsa_premaster(48);
  for (size_t i = 0; i < rsa_premaster.size(); ++i) rsa_premaster[i] = static_cast<uint8_t>(i);
  ByteVector out = psk_premaster(key, rsa_premaster);
  ASSERT_EQ(out.size(), 2u + 48u + 2u + 2u);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 48);
  EXPECT_TRUE(std::equal(rsa_premaster.begin(), rsa_premaster.end(), out.begin() + 2));
  EXPECT_EQ(out[50], 0x00);
  EXPECT_EQ(out[51], 0x02);
  EXPECT_EQ(out[52], 0xaa);
  EXPECT_EQ(out[53], 0xbb);
}

TEST(Psk, LongKeysUseBothLengthBytes) {
  ByteVector key(300, 0x5a);
  ByteVector out = plain_psk_premaster(key);
  ASSERT_EQ(out.size(), 4u + 600u);
  EXPECT_EQ(out[0], 0x01);
  EXPECT_EQ(out[1], 0x2c);
  EXPECT_EQ(out[302], 0x01);
  EXPECT_EQ(out[303], 0x2c);
  EXPECT_EQ(out[304], 0x5a);
  EXPECT_TRUE(psk_premaster(ByteVector(65536, 1), {}).empty());
}

TEST(Psk, CopiesAndMoves) {
  PresharedKey a;
  std::string error;
  ASSERT_TRUE(parse_psk_spec("id:0011", a, error));
  PresharedKey b = a;
  EXPECT_EQ(b.key, a.key);
  PresharedKey c = std::move(a);
  EXPECT_EQ(c.identity, "id");
  EXPECT_EQ(c.key, (ByteVector{0x00, 0x11}));
  std::vector<PresharedKey> keys;
  keys.push_back(std::move(c));
  keys.push_back(b);
  EXPECT_EQ(keys.size(), 2u);
}

}  // namespace
}  // namespace tlslens::crypto
