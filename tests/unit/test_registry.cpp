// TLS registries: spot checks of names and record-protection sizes for the suites people
// actually meet, structural checks over every table (sorted, unique, self-consistent),
// coverage of everything this machine's OpenSSL knows, GREASE, and unknown values.
#include "core/tls/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace tlslens::tls {
namespace {

const CipherSuiteInfo& suite(uint16_t code) {
  const CipherSuiteInfo* s = cipher_suite_info(code);
  if (s == nullptr) {
    ADD_FAILURE() << "no suite 0x" << std::hex << code;
    static const CipherSuiteInfo kNone{};
    return kNone;
  }
  return *s;
}

// What `openssl ciphers -V -stdname ALL:COMPLEMENTOFALL:@SECLEVEL=0` listed with
// OpenSSL 3.0.19 (Debian) on the development machine: code, IANA name, OpenSSL name.
struct OpenSslCipher {
  uint16_t code;
  std::string_view iana;
  std::string_view openssl;
};
constexpr OpenSslCipher kOpenSslCiphers[] = {
    {0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5"},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA"},
    {0x002C, "TLS_PSK_WITH_NULL_SHA", "PSK-NULL-SHA"},
    {0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", "DHE-PSK-NULL-SHA"},
    {0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", "RSA-PSK-NULL-SHA"},
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"},
    {0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA"},
    {0x003B, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256"},
    {0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256"},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA"},
    {0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA"},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA"},
    {0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ADH-CAMELLIA128-SHA"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"},
    {0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256"},
    {0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"},
    {0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256"},
    {0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256"},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA"},
    {0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA"},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA"},
    {0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ADH-CAMELLIA256-SHA"},
    {0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA"},
    {0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA"},
    {0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA"},
    {0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA"},
    {0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA"},
    {0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA"},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"},
    {0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256"},
    {0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384"},
    {0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256"},
    {0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384"},
    {0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"},
    {0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384"},
    {0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256"},
    {0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384"},
    {0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256"},
    {0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384"},
    {0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256"},
    {0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384"},
    {0x00B0, "TLS_PSK_WITH_NULL_SHA256", "PSK-NULL-SHA256"},
    {0x00B1, "TLS_PSK_WITH_NULL_SHA384", "PSK-NULL-SHA384"},
    {0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256"},
    {0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384"},
    {0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", "DHE-PSK-NULL-SHA256"},
    {0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", "DHE-PSK-NULL-SHA384"},
    {0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256"},
    {0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384"},
    {0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", "RSA-PSK-NULL-SHA256"},
    {0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", "RSA-PSK-NULL-SHA384"},
    {0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256"},
    {0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256"},
    {0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256"},
    {0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "ADH-CAMELLIA128-SHA256"},
    {0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256"},
    {0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256"},
    {0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256"},
    {0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "ADH-CAMELLIA256-SHA256"},
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
    {0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA"},
    {0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA"},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", "AECDH-NULL-SHA"},
    {0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA"},
    {0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA"},
    {0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA"},
    {0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA"},
    {0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA"},
    {0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA"},
    {0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA"},
    {0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA"},
    {0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA"},
    {0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA"},
    {0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"},
    {0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384"},
    {0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", "ECDHE-PSK-NULL-SHA"},
    {0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", "ECDHE-PSK-NULL-SHA256"},
    {0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", "ECDHE-PSK-NULL-SHA384"},
    {0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256"},
    {0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384"},
    {0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256"},
    {0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384"},
    {0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256"},
    {0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384"},
    {0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256"},
    {0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384"},
    {0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256"},
    {0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384"},
    {0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "PSK-ARIA128-GCM-SHA256"},
    {0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", "PSK-ARIA256-GCM-SHA384"},
    {0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", "DHE-PSK-ARIA128-GCM-SHA256"},
    {0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", "DHE-PSK-ARIA256-GCM-SHA384"},
    {0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", "RSA-PSK-ARIA128-GCM-SHA256"},
    {0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", "RSA-PSK-ARIA256-GCM-SHA384"},
    {0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256"},
    {0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384"},
    {0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256"},
    {0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384"},
    {0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", "PSK-CAMELLIA128-SHA256"},
    {0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", "PSK-CAMELLIA256-SHA384"},
    {0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "DHE-PSK-CAMELLIA128-SHA256"},
    {0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "DHE-PSK-CAMELLIA256-SHA384"},
    {0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", "RSA-PSK-CAMELLIA128-SHA256"},
    {0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", "RSA-PSK-CAMELLIA256-SHA384"},
    {0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-PSK-CAMELLIA128-SHA256"},
    {0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-PSK-CAMELLIA256-SHA384"},
    {0xC09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM"},
    {0xC09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM"},
    {0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM"},
    {0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM"},
    {0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8"},
    {0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8"},
    {0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8"},
    {0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8"},
    {0xC0A4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM"},
    {0xC0A5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM"},
    {0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM"},
    {0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM"},
    {0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8"},
    {0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8"},
    {0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8"},
    {0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8"},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM"},
    {0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM"},
    {0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8"},
    {0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8"},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"},
    {0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305"},
    {0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305"},
    {0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305"},
    {0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305"},
};

TEST(RegistryCipherSuiteTest, RsaAesCbc) {
  const auto& s = suite(0x002F);
  EXPECT_EQ(s.name, "TLS_RSA_WITH_AES_128_CBC_SHA");
  EXPECT_EQ(s.openssl_name, "AES128-SHA");
  EXPECT_EQ(s.kx, KeyExchange::RSA);
  EXPECT_EQ(s.auth, Authentication::RSA);
  EXPECT_EQ(s.cipher, BulkCipher::AES_128_CBC);
  EXPECT_EQ(s.mode, CipherMode::CBC);
  EXPECT_EQ(s.mac, MacAlgorithm::HMAC_SHA1);
  EXPECT_EQ(s.prf, PrfHash::SHA256);
  EXPECT_EQ(s.key_material_length, 16);
  EXPECT_EQ(s.key_length, 16);
  EXPECT_EQ(s.iv_length, 16);
  EXPECT_EQ(s.record_iv_length, 16);
  EXPECT_EQ(s.block_size, 16);
  EXPECT_EQ(s.mac_key_length, 20);
  EXPECT_EQ(s.mac_length, 20);
  EXPECT_EQ(s.tag_length, 0);
  EXPECT_EQ(s.strength_bits, 128);
  EXPECT_TRUE(s.cbc);
  EXPECT_FALSE(s.aead || s.export_grade || s.anonymous || s.forward_secrecy || s.tls13 || s.scsv);
  EXPECT_TRUE(s.iana_registered);

  const auto& s256 = suite(0x0035);
  EXPECT_EQ(s256.name, "TLS_RSA_WITH_AES_256_CBC_SHA");
  EXPECT_EQ(s256.openssl_name, "AES256-SHA");
  EXPECT_EQ(s256.key_length, 32);
  EXPECT_EQ(s256.strength_bits, 256);
  EXPECT_EQ(s256.block_size, 16);
}

TEST(RegistryCipherSuiteTest, TripleDesAndDhe) {
  const auto& s = suite(0x000A);
  EXPECT_EQ(s.name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  EXPECT_EQ(s.openssl_name, "DES-CBC3-SHA");
  EXPECT_EQ(s.cipher, BulkCipher::DES_EDE3_CBC);
  EXPECT_EQ(to_string(s.cipher), "3DES_EDE_CBC");
  EXPECT_EQ(s.key_length, 24);
  EXPECT_EQ(s.block_size, 8);
  EXPECT_EQ(s.iv_length, 8);
  EXPECT_EQ(s.record_iv_length, 8);
  EXPECT_EQ(s.strength_bits, 112);

  const auto& dhe = suite(0x0039);
  EXPECT_EQ(dhe.name, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
  EXPECT_EQ(dhe.openssl_name, "DHE-RSA-AES256-SHA");
  EXPECT_EQ(dhe.kx, KeyExchange::DHE_RSA);
  EXPECT_EQ(dhe.auth, Authentication::RSA);
  EXPECT_TRUE(dhe.forward_secrecy);
  EXPECT_EQ(dhe.key_length, 32);
}

TEST(RegistryCipherSuiteTest, Rc4ExportAndAnonymous) {
  const auto& rc4 = suite(0x0004);
  EXPECT_EQ(rc4.name, "TLS_RSA_WITH_RC4_128_MD5");
  EXPECT_EQ(rc4.openssl_name, "RC4-MD5");
  EXPECT_EQ(rc4.mode, CipherMode::Stream);
  EXPECT_EQ(rc4.key_length, 16);
  EXPECT_EQ(rc4.iv_length, 0);
  EXPECT_EQ(rc4.record_iv_length, 0);
  EXPECT_EQ(rc4.block_size, 0);
  EXPECT_EQ(rc4.mac, MacAlgorithm::HMAC_MD5);
  EXPECT_EQ(rc4.mac_length, 16);

  const auto& exp = suite(0x0003);
  EXPECT_EQ(exp.name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
  EXPECT_EQ(exp.openssl_name, "EXP-RC4-MD5");
  EXPECT_EQ(exp.kx, KeyExchange::RSA_EXPORT);
  EXPECT_TRUE(exp.export_grade);
  EXPECT_EQ(exp.cipher, BulkCipher::RC4_40);
  EXPECT_EQ(exp.key_material_length, 5);  // 40 secret bits from the key block ...
  EXPECT_EQ(exp.key_length, 16);          // ... expanded to a 128-bit RC4 key
  EXPECT_EQ(exp.strength_bits, 40);

  const auto& exp1024 = suite(0x0062);
  EXPECT_EQ(exp1024.openssl_name, "EXP1024-DES-CBC-SHA");
  EXPECT_TRUE(exp1024.export_grade);
  EXPECT_FALSE(exp1024.iana_registered);
  EXPECT_EQ(exp1024.key_material_length, 7);
  EXPECT_EQ(exp1024.key_length, 8);

  const auto& anon = suite(0x0018);
  EXPECT_EQ(anon.name, "TLS_DH_anon_WITH_RC4_128_MD5");
  EXPECT_EQ(anon.openssl_name, "ADH-RC4-MD5");
  EXPECT_EQ(anon.kx, KeyExchange::DH_anon);
  EXPECT_EQ(anon.auth, Authentication::Anon);
  EXPECT_TRUE(anon.anonymous);
  EXPECT_FALSE(anon.export_grade);
}

TEST(RegistryCipherSuiteTest, EcdheGcm) {
  const auto& s = suite(0xC02F);
  EXPECT_EQ(s.name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(s.openssl_name, "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(s.kx, KeyExchange::ECDHE_RSA);
  EXPECT_EQ(s.auth, Authentication::RSA);
  EXPECT_EQ(s.mac, MacAlgorithm::AEAD);
  EXPECT_EQ(s.prf, PrfHash::SHA256);
  EXPECT_EQ(s.key_length, 16);
  EXPECT_EQ(s.iv_length, 4);         // implicit salt
  EXPECT_EQ(s.record_iv_length, 8);  // explicit nonce
  EXPECT_EQ(s.tag_length, 16);
  EXPECT_EQ(s.mac_key_length, 0);
  EXPECT_EQ(s.mac_length, 0);
  EXPECT_EQ(s.block_size, 0);
  EXPECT_TRUE(s.aead && s.forward_secrecy);
  EXPECT_FALSE(s.cbc || s.tls13);

  const auto& s384 = suite(0xC030);
  EXPECT_EQ(s384.name, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  EXPECT_EQ(s384.openssl_name, "ECDHE-RSA-AES256-GCM-SHA384");
  EXPECT_EQ(s384.prf, PrfHash::SHA384);
  EXPECT_EQ(s384.key_length, 32);
}

TEST(RegistryCipherSuiteTest, ChaCha20Poly1305) {
  struct Expect {
    uint16_t code;
    std::string_view name;
    std::string_view openssl;
    KeyExchange kx;
    Authentication auth;
  };
  const Expect expected[] = {
      {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", KeyExchange::ECDHE_RSA,
       Authentication::RSA},
      {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
       KeyExchange::ECDHE_ECDSA, Authentication::ECDSA},
      {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", KeyExchange::DHE_RSA,
       Authentication::RSA},
      {0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305", KeyExchange::PSK, Authentication::PSK},
      {0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305", KeyExchange::ECDHE_PSK,
       Authentication::PSK},
      {0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305", KeyExchange::DHE_PSK,
       Authentication::PSK},
      {0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305", KeyExchange::RSA_PSK,
       Authentication::RSA},
  };
  for (const Expect& e : expected) {
    SCOPED_TRACE(e.name);
    const auto& s = suite(e.code);
    EXPECT_EQ(s.name, e.name);
    EXPECT_EQ(s.openssl_name, e.openssl);
    EXPECT_EQ(s.kx, e.kx);
    EXPECT_EQ(s.auth, e.auth);
    EXPECT_EQ(s.cipher, BulkCipher::CHACHA20_POLY1305);
    EXPECT_EQ(s.key_length, 32);
    EXPECT_EQ(s.iv_length, 12);  // RFC 7905: whole nonce is fixed IV XOR sequence number
    EXPECT_EQ(s.record_iv_length, 0);
    EXPECT_EQ(s.tag_length, 16);
    EXPECT_EQ(s.prf, PrfHash::SHA256);
    EXPECT_TRUE(s.aead);
  }
  EXPECT_TRUE(suite(0xCCAC).forward_secrecy);
  EXPECT_FALSE(suite(0xCCAB).forward_secrecy);
  EXPECT_FALSE(suite(0xCCAE).forward_secrecy);

  // The pre-RFC code point: no fixed IV, the nonce is the sequence number.
  const auto& old = suite(0xCC13);
  EXPECT_EQ(old.cipher, BulkCipher::CHACHA20_POLY1305_OLD);
  EXPECT_EQ(old.iv_length, 0);
  EXPECT_FALSE(old.iana_registered);
}

TEST(RegistryCipherSuiteTest, Ccm) {
  const auto& ccm = suite(0xC0A4);
  EXPECT_EQ(ccm.name, "TLS_PSK_WITH_AES_128_CCM");
  EXPECT_EQ(ccm.openssl_name, "PSK-AES128-CCM");
  EXPECT_EQ(ccm.kx, KeyExchange::PSK);
  EXPECT_EQ(ccm.cipher, BulkCipher::AES_128_CCM);
  EXPECT_EQ(ccm.tag_length, 16);
  EXPECT_EQ(ccm.iv_length, 4);
  EXPECT_EQ(ccm.record_iv_length, 8);
  EXPECT_EQ(ccm.prf, PrfHash::SHA256);

  const auto& ccm8 = suite(0xC0A8);
  EXPECT_EQ(ccm8.name, "TLS_PSK_WITH_AES_128_CCM_8");
  EXPECT_EQ(ccm8.openssl_name, "PSK-AES128-CCM8");
  EXPECT_EQ(ccm8.cipher, BulkCipher::AES_128_CCM_8);
  EXPECT_EQ(ccm8.tag_length, 8);
  EXPECT_EQ(ccm8.key_length, 16);

  // RFC 6655 names the DHE-PSK CCM_8 suites "PSK_DHE"; they are still DHE_PSK key exchange.
  const auto& psk_dhe = suite(0xC0AA);
  EXPECT_EQ(psk_dhe.name, "TLS_PSK_DHE_WITH_AES_128_CCM_8");
  EXPECT_EQ(psk_dhe.kx, KeyExchange::DHE_PSK);
}

TEST(RegistryCipherSuiteTest, Tls13) {
  struct Expect {
    uint16_t code;
    std::string_view name;
    BulkCipher cipher;
    PrfHash prf;
    uint8_t key;
    uint8_t tag;
  };
  const Expect expected[] = {
      {0x1301, "TLS_AES_128_GCM_SHA256", BulkCipher::AES_128_GCM, PrfHash::SHA256, 16, 16},
      {0x1302, "TLS_AES_256_GCM_SHA384", BulkCipher::AES_256_GCM, PrfHash::SHA384, 32, 16},
      {0x1303, "TLS_CHACHA20_POLY1305_SHA256", BulkCipher::CHACHA20_POLY1305, PrfHash::SHA256, 32, 16},
      {0x1304, "TLS_AES_128_CCM_SHA256", BulkCipher::AES_128_CCM, PrfHash::SHA256, 16, 16},
      {0x1305, "TLS_AES_128_CCM_8_SHA256", BulkCipher::AES_128_CCM_8, PrfHash::SHA256, 16, 8},
  };
  for (const Expect& e : expected) {
    SCOPED_TRACE(e.name);
    const auto& s = suite(e.code);
    EXPECT_EQ(s.name, e.name);
    EXPECT_EQ(s.openssl_name, e.name);  // OpenSSL uses the IANA names for TLS 1.3
    EXPECT_EQ(s.kx, KeyExchange::TLS13);
    EXPECT_EQ(s.auth, Authentication::TLS13);
    EXPECT_EQ(s.cipher, e.cipher);
    EXPECT_EQ(s.prf, e.prf);
    EXPECT_EQ(s.key_length, e.key);
    EXPECT_EQ(s.iv_length, 12);
    EXPECT_EQ(s.record_iv_length, 0);
    EXPECT_EQ(s.tag_length, e.tag);
    EXPECT_TRUE(s.tls13 && s.aead && s.forward_secrecy);
  }
}

TEST(RegistryCipherSuiteTest, SignallingAndOtherFamilies) {
  const auto& reneg = suite(0x00FF);
  EXPECT_EQ(reneg.name, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_TRUE(reneg.scsv);
  const auto& fallback = suite(0x5600);
  EXPECT_EQ(fallback.name, "TLS_FALLBACK_SCSV");
  EXPECT_TRUE(fallback.scsv);

  EXPECT_EQ(suite(0x0000).name, "TLS_NULL_WITH_NULL_NULL");
  EXPECT_TRUE(suite(0x0000).null_encryption);
  EXPECT_TRUE(suite(0x0001).null_encryption);

  EXPECT_EQ(suite(0xC0B0).name, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suite(0xC0B0).kx, KeyExchange::ECCPWD);
  EXPECT_EQ(suite(0xC01D).kx, KeyExchange::SRP_SHA);
  EXPECT_EQ(suite(0xC01D).openssl_name, "SRP-AES-128-CBC-SHA");
  EXPECT_EQ(suite(0x0041).cipher, BulkCipher::CAMELLIA_128_CBC);
  EXPECT_EQ(suite(0xC050).cipher, BulkCipher::ARIA_128_GCM);
  EXPECT_EQ(suite(0x0096).cipher, BulkCipher::SEED_CBC);
  EXPECT_EQ(suite(0x0024).kx, KeyExchange::KRB5);
  EXPECT_EQ(suite(0x0030).auth, Authentication::DH);    // fixed-DH certificate
  EXPECT_EQ(suite(0xC004).auth, Authentication::ECDH);  // fixed-ECDH certificate
  EXPECT_EQ(suite(0xC100).kx, KeyExchange::GOSTR341112_256);
  EXPECT_EQ(suite(0xC100).prf, PrfHash::STREEBOG256);
  EXPECT_EQ(suite(0x00C6).name, "TLS_SM4_GCM_SM3");
  EXPECT_EQ(suite(0x00C6).prf, PrfHash::SM3);
  EXPECT_TRUE(suite(0x00C6).tls13);
  EXPECT_TRUE(suite(0xC0B4).tls13);
  EXPECT_TRUE(suite(0xC0B4).null_encryption);  // integrity-only
}

TEST(RegistryCipherSuiteTest, TableIsSortedUniqueAndConsistent) {
  const auto suites = all_cipher_suites();
  ASSERT_GT(suites.size(), 350u);
  std::set<std::string_view> registered_names;
  std::set<std::string_view> openssl_names;
  size_t registered = 0;
  for (size_t i = 0; i < suites.size(); ++i) {
    const CipherSuiteInfo& s = suites[i];
    SCOPED_TRACE(s.name);
    if (i > 0) {
      EXPECT_LT(suites[i - 1].code, s.code);
    }
    EXPECT_EQ(cipher_suite_info(s.code), &s);
    EXPECT_EQ(cipher_suite_name(s.code), s.name);
    EXPECT_FALSE(is_grease(s.code));
    EXPECT_TRUE(s.name.starts_with("TLS_") || s.name.starts_with("SSL_"));
    if (s.iana_registered) {
      ++registered;
      EXPECT_TRUE(s.name.starts_with("TLS_"));
      EXPECT_TRUE(registered_names.insert(s.name).second) << "duplicate name";
    }
    if (!s.openssl_name.empty()) {
      EXPECT_TRUE(openssl_names.insert(s.openssl_name).second) << "duplicate OpenSSL name";
    }

    // Every enum value the table uses has a printable name.
    EXPECT_FALSE(to_string(s.kx).empty());
    EXPECT_FALSE(to_string(s.auth).empty());
    EXPECT_FALSE(to_string(s.cipher).empty());
    EXPECT_FALSE(to_string(s.mode).empty());
    EXPECT_FALSE(to_string(s.mac).empty());
    EXPECT_FALSE(to_string(s.prf).empty());

    // Record-protection sizes must agree with the mode: the decryptor relies on them.
    EXPECT_EQ(s.aead, s.mode == CipherMode::AEAD);
    EXPECT_EQ(s.cbc, s.mode == CipherMode::CBC);
    if (s.aead) {
      EXPECT_EQ(s.mac, MacAlgorithm::AEAD);
      EXPECT_GT(s.tag_length, 0);
      EXPECT_EQ(s.mac_length, 0);
      EXPECT_EQ(s.mac_key_length, 0);
      EXPECT_EQ(s.block_size, 0);
    } else {
      EXPECT_NE(s.mac, MacAlgorithm::AEAD);
      EXPECT_EQ(s.tag_length, 0);
    }
    if (s.cbc) {
      EXPECT_GT(s.block_size, 0);
      EXPECT_EQ(s.iv_length, s.block_size);
      EXPECT_EQ(s.record_iv_length, s.block_size);
      EXPECT_GT(s.mac_length, 0);
    }
    if (s.mode == CipherMode::Stream) {
      EXPECT_EQ(s.block_size, 0);
      EXPECT_EQ(s.iv_length, 0);
    }
    if (s.tls13) {
      EXPECT_TRUE(s.aead);
      EXPECT_EQ(s.record_iv_length, 0);
      EXPECT_GE(s.iv_length, 8);
      EXPECT_EQ(s.kx, KeyExchange::TLS13);
    }
    if (s.export_grade) {
      EXPECT_LE(s.strength_bits, 56);
      EXPECT_LT(s.key_material_length, s.key_length);
    } else {
      EXPECT_EQ(s.key_material_length, s.key_length);
    }
    if (s.scsv) {
      EXPECT_EQ(s.kx, KeyExchange::Null);
    }
    EXPECT_EQ(s.anonymous, s.auth == Authentication::Anon);
    EXPECT_EQ(s.null_encryption, s.strength_bits == 0);
    // TLS 1.2 PRF hash follows the name's hash: *_SHA384 suites use SHA-384.
    if (s.name.ends_with("_SHA384")) {
      EXPECT_EQ(s.prf, PrfHash::SHA384);
    }
  }
  // The IANA registry (2025) assigns 352 suites counting the two SCSVs; keep this in step.
  EXPECT_EQ(registered, 352u);
}

TEST(RegistryCipherSuiteTest, CoversEveryOpenSslCipher) {
  for (const OpenSslCipher& c : kOpenSslCiphers) {
    SCOPED_TRACE(c.openssl);
    const CipherSuiteInfo* s = cipher_suite_info(c.code);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, c.iana);
    EXPECT_EQ(s->openssl_name, c.openssl);
  }
  EXPECT_EQ(std::size(kOpenSslCiphers), 158u);
}

TEST(RegistryCipherSuiteTest, Ssl2CipherKinds) {
  const Ssl2CipherKind* rc4 = ssl2_cipher_kind(0x010080);
  ASSERT_NE(rc4, nullptr);
  EXPECT_EQ(rc4->name, "SSL_CK_RC4_128_WITH_MD5");
  EXPECT_EQ(rc4->openssl_name, "RC4-MD5");
  EXPECT_EQ(rc4->strength_bits, 128);
  EXPECT_FALSE(rc4->export_grade);
  EXPECT_TRUE(ssl2_cipher_kind(0x020080)->export_grade);
  EXPECT_EQ(ssl2_cipher_kind_name(0x0700C0), "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
  EXPECT_EQ(ssl2_cipher_kind(0x0700C0)->cipher, BulkCipher::DES_EDE3_CBC);
  EXPECT_EQ(ssl2_cipher_kind_name(0x060040), "SSL_CK_DES_64_CBC_WITH_MD5");
  EXPECT_EQ(ssl2_cipher_kind(0x00002F), nullptr);  // a TLS suite in an SSLv2 hello, not a kind
  EXPECT_EQ(ssl2_cipher_kind_name(0x090080), "");
  const auto kinds = all_ssl2_cipher_kinds();
  EXPECT_EQ(kinds.size(), 8u);
  for (size_t i = 1; i < kinds.size(); ++i) EXPECT_LT(kinds[i - 1].code, kinds[i].code);
}

TEST(RegistryGreaseTest, SixteenValues) {
  int count = 0;
  for (uint32_t v = 0; v <= 0xFFFF; ++v) {
    if (is_grease(static_cast<uint16_t>(v))) ++count;
  }
  EXPECT_EQ(count, 16);
  for (uint16_t v : {0x0A0A, 0x1A1A, 0x2A2A, 0x3A3A, 0x4A4A, 0x5A5A, 0x6A6A, 0x7A7A, 0x8A8A, 0x9A9A, 0xAAAA, 0xBABA,
                     0xCACA, 0xDADA, 0xEAEA, 0xFAFA}) {
    SCOPED_TRACE(v);
    EXPECT_TRUE(is_grease(v));
    EXPECT_EQ(cipher_suite_info(v), nullptr);
    EXPECT_EQ(cipher_suite_name(v), "GREASE");
    EXPECT_EQ(extension_name(v), "GREASE");
    EXPECT_EQ(group_name(v), "GREASE");
    EXPECT_EQ(signature_scheme_name(v), "GREASE");
    EXPECT_EQ(version_name(v), "GREASE");
    EXPECT_EQ(group_info(v), nullptr);
  }
  EXPECT_FALSE(is_grease(0x0A1A));
  EXPECT_FALSE(is_grease(0x0A0B));
  EXPECT_FALSE(is_grease(0x0000));
  EXPECT_FALSE(is_grease(0xFFFF));

  int psk_grease = 0;
  for (int v = 0; v <= 0xFF; ++v) {
    if (is_grease_psk_ke_mode(static_cast<uint8_t>(v))) ++psk_grease;
  }
  EXPECT_EQ(psk_grease, 8);
  EXPECT_TRUE(is_grease_psk_ke_mode(0x0B));
  EXPECT_TRUE(is_grease_psk_ke_mode(0xE4));
  EXPECT_EQ(psk_key_exchange_mode_name(0x2A), "GREASE");
  EXPECT_EQ(psk_key_exchange_mode_name(1), "psk_dhe_ke");
}

TEST(RegistryUnknownTest, UnknownValuesHaveNoName) {
  EXPECT_EQ(cipher_suite_info(0x0047), nullptr);  // reserved, never assigned
  EXPECT_EQ(cipher_suite_name(0x0047), "");
  EXPECT_EQ(cipher_suite_name(0xFFFF), "");
  EXPECT_EQ(cipher_suite_name(0x1308), "");
  EXPECT_EQ(group_name(0), "");
  EXPECT_EQ(group_info(0x1234), nullptr);
  EXPECT_EQ(signature_scheme_name(0x0000), "");
  EXPECT_EQ(signature_scheme_info(0x0907), nullptr);
  EXPECT_EQ(extension_name(0x1234), "");
  EXPECT_EQ(version_name(0x0305), "");
  EXPECT_EQ(alert_description_name(200), "");
  EXPECT_EQ(handshake_type_name(7), "");
  EXPECT_EQ(content_type_name(19), "");
  EXPECT_EQ(hash_algorithm_name(7), "");
  EXPECT_EQ(signature_algorithm_name(4), "");
  EXPECT_EQ(lookup_name(Registry::ExtensionType, 0x0A0A), "");  // raw lookups do not name GREASE
  EXPECT_EQ(registry_entries(static_cast<Registry>(200)).size(), 0u);
}

TEST(RegistryGroupTest, NamesAndSizes) {
  EXPECT_EQ(group_name(23), "secp256r1");
  EXPECT_EQ(group_name(29), "x25519");
  EXPECT_EQ(group_name(30), "x448");
  EXPECT_EQ(group_name(31), "brainpoolP256r1tls13");
  EXPECT_EQ(group_name(256), "ffdhe2048");
  EXPECT_EQ(group_name(0x11EC), "X25519MLKEM768");
  EXPECT_EQ(group_name(0x11EB), "SecP256r1MLKEM768");
  EXPECT_EQ(group_name(0x11ED), "SecP384r1MLKEM1024");
  EXPECT_EQ(group_name(0x6399), "X25519Kyber768Draft00");
  EXPECT_EQ(group_name(0x0200), "MLKEM512");
  EXPECT_EQ(group_name(0x0202), "MLKEM1024");
  EXPECT_EQ(group_name(0xFF01), "arbitrary_explicit_prime_curves");
  EXPECT_EQ(group_name(0xFF02), "arbitrary_explicit_char2_curves");

  EXPECT_EQ(group_info(24)->bits, 384);
  EXPECT_EQ(group_info(25)->bits, 521);
  EXPECT_EQ(group_info(29)->kind, GroupKind::Montgomery);
  EXPECT_EQ(group_info(258)->bits, 4096);
  EXPECT_EQ(group_info(258)->kind, GroupKind::FiniteField);
  EXPECT_EQ(group_info(0x11EC)->kind, GroupKind::Hybrid);
  EXPECT_FALSE(group_info(0x11EC)->obsolete);
  EXPECT_TRUE(group_info(0x6399)->obsolete);
  EXPECT_EQ(group_info(513)->kind, GroupKind::PostQuantum);
  EXPECT_EQ(group_info(1)->kind, GroupKind::BinaryCurve);

  const auto groups = all_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    SCOPED_TRACE(groups[i].name);
    if (i > 0) {
      EXPECT_LT(groups[i - 1].code, groups[i].code);
    }
    EXPECT_EQ(group_info(groups[i].code), &groups[i]);
    EXPECT_FALSE(to_string(groups[i].kind).empty());
    EXPECT_FALSE(groups[i].name.empty());
  }
  // Every assigned value 1..41 is there.
  for (uint16_t v = 1; v <= 41; ++v) EXPECT_NE(group_info(v), nullptr) << v;
}

TEST(RegistrySignatureSchemeTest, NamesAndParts) {
  EXPECT_EQ(signature_scheme_name(0x0401), "rsa_pkcs1_sha256");
  EXPECT_EQ(signature_scheme_name(0x0403), "ecdsa_secp256r1_sha256");
  EXPECT_EQ(signature_scheme_name(0x0804), "rsa_pss_rsae_sha256");
  EXPECT_EQ(signature_scheme_name(0x0809), "rsa_pss_pss_sha256");
  EXPECT_EQ(signature_scheme_name(0x0807), "ed25519");
  EXPECT_EQ(signature_scheme_name(0x0808), "ed448");
  EXPECT_EQ(signature_scheme_name(0x0201), "rsa_pkcs1_sha1");
  EXPECT_EQ(signature_scheme_name(0x0203), "ecdsa_sha1");
  EXPECT_EQ(signature_scheme_name(0x0303), "ecdsa_sha224");
  EXPECT_EQ(signature_scheme_name(0x081A), "ecdsa_brainpoolP256r1tls13_sha256");
  EXPECT_EQ(signature_scheme_name(0x0708), "sm2sig_sm3");
  EXPECT_EQ(signature_scheme_name(0x0709), "gostr34102012_256a");
  EXPECT_EQ(signature_scheme_name(0x0905), "mldsa65");

  EXPECT_EQ(signature_scheme_info(0x0201)->hash, SignatureHash::SHA1);
  EXPECT_EQ(signature_scheme_info(0x0806)->kind, SignatureKind::RSA_PSS_RSAE);
  EXPECT_EQ(signature_scheme_info(0x0806)->hash, SignatureHash::SHA512);
  EXPECT_EQ(signature_scheme_info(0x0807)->hash, SignatureHash::Intrinsic);

  // A TLS 1.2 pair with no scheme name is shown from its two bytes.
  const uint16_t pair = 0x0103;  // md5 + ecdsa: never a scheme
  EXPECT_EQ(signature_scheme_name(pair), "");
  std::string shown =
      std::string(hash_algorithm_name(pair >> 8)) + "+" + std::string(signature_algorithm_name(pair & 0xFF));
  EXPECT_EQ(shown, "md5+ecdsa");
  EXPECT_EQ(hash_algorithm_name(4), "sha256");
  EXPECT_EQ(signature_algorithm_name(1), "rsa");
  EXPECT_EQ(hash_algorithm_name(8), "intrinsic");
  EXPECT_EQ(signature_algorithm_name(7), "ed25519");

  const auto schemes = all_signature_schemes();
  for (size_t i = 0; i < schemes.size(); ++i) {
    SCOPED_TRACE(schemes[i].name);
    if (i > 0) {
      EXPECT_LT(schemes[i - 1].code, schemes[i].code);
    }
    EXPECT_EQ(signature_scheme_info(schemes[i].code), &schemes[i]);
    EXPECT_FALSE(to_string(schemes[i].kind).empty());
    EXPECT_FALSE(to_string(schemes[i].hash).empty());
  }
}

TEST(RegistryNamesTest, Extensions) {
  EXPECT_EQ(extension_name(0), "server_name");
  EXPECT_EQ(extension_name(10), "supported_groups");
  EXPECT_EQ(extension_name(16), "application_layer_protocol_negotiation");
  EXPECT_EQ(extension_name(43), "supported_versions");
  EXPECT_EQ(extension_name(51), "key_share");
  EXPECT_EQ(extension_name(57), "quic_transport_parameters");
  EXPECT_EQ(extension_name(0xFE0D), "encrypted_client_hello");
  EXPECT_EQ(extension_name(0xFD00), "ech_outer_extensions");
  EXPECT_EQ(extension_name(0xFF01), "renegotiation_info");
  EXPECT_EQ(extension_name(13172), "next_protocol_negotiation");
  EXPECT_EQ(extension_name(17513), "application_settings_old");
  EXPECT_EQ(extension_name(17613), "application_settings");
  EXPECT_EQ(extension_name(30032), "channel_id");
  // Every value 0..62 is named (40 and 46 by their draft use).
  for (uint16_t v = 0; v <= 62; ++v) EXPECT_FALSE(extension_name(v).empty()) << v;
}

TEST(RegistryNamesTest, Versions) {
  EXPECT_EQ(version_name(0x0002), "SSL 2.0");
  EXPECT_EQ(version_name(0x0300), "SSL 3.0");
  EXPECT_EQ(version_name(0x0301), "TLS 1.0");
  EXPECT_EQ(version_name(0x0302), "TLS 1.1");
  EXPECT_EQ(version_name(0x0303), "TLS 1.2");
  EXPECT_EQ(version_name(0x0304), "TLS 1.3");
  EXPECT_EQ(version_name(0xFEFF), "DTLS 1.0");
  EXPECT_EQ(version_name(0xFEFD), "DTLS 1.2");
  EXPECT_EQ(version_name(0xFEFC), "DTLS 1.3");
  EXPECT_EQ(version_name(0x0100), "DTLS 1.0 (OpenSSL pre-0.9.8f)");
  for (int draft = 14; draft <= 28; ++draft) {
    EXPECT_EQ(version_name(static_cast<uint16_t>(0x7F00 | draft)), "TLS 1.3 (draft " + std::to_string(draft) + ")");
  }
  EXPECT_EQ(version_name(0x7F0D), "");
  EXPECT_EQ(version_name(0x7F1D), "");
}

TEST(RegistryNamesTest, AlertsHandshakesContentTypes) {
  EXPECT_EQ(alert_level_name(1), "warning");
  EXPECT_EQ(alert_level_name(2), "fatal");
  EXPECT_EQ(alert_description_name(0), "close_notify");
  EXPECT_EQ(alert_description_name(20), "bad_record_mac");
  EXPECT_EQ(alert_description_name(21), "decryption_failed");
  EXPECT_EQ(alert_description_name(40), "handshake_failure");
  EXPECT_EQ(alert_description_name(41), "no_certificate");
  EXPECT_EQ(alert_description_name(48), "unknown_ca");
  EXPECT_EQ(alert_description_name(70), "protocol_version");
  EXPECT_EQ(alert_description_name(86), "inappropriate_fallback");
  EXPECT_EQ(alert_description_name(112), "unrecognized_name");
  EXPECT_EQ(alert_description_name(116), "certificate_required");
  EXPECT_EQ(alert_description_name(120), "no_application_protocol");
  EXPECT_EQ(alert_description_name(121), "ech_required");

  EXPECT_EQ(handshake_type_name(0), "hello_request");
  EXPECT_EQ(handshake_type_name(1), "client_hello");
  EXPECT_EQ(handshake_type_name(2), "server_hello");
  EXPECT_EQ(handshake_type_name(3), "hello_verify_request");
  EXPECT_EQ(handshake_type_name(4), "new_session_ticket");
  EXPECT_EQ(handshake_type_name(5), "end_of_early_data");
  EXPECT_EQ(handshake_type_name(6), "hello_retry_request");
  EXPECT_EQ(handshake_type_name(8), "encrypted_extensions");
  EXPECT_EQ(handshake_type_name(11), "certificate");
  EXPECT_EQ(handshake_type_name(12), "server_key_exchange");
  EXPECT_EQ(handshake_type_name(13), "certificate_request");
  EXPECT_EQ(handshake_type_name(14), "server_hello_done");
  EXPECT_EQ(handshake_type_name(15), "certificate_verify");
  EXPECT_EQ(handshake_type_name(16), "client_key_exchange");
  EXPECT_EQ(handshake_type_name(20), "finished");
  EXPECT_EQ(handshake_type_name(21), "certificate_url");
  EXPECT_EQ(handshake_type_name(22), "certificate_status");
  EXPECT_EQ(handshake_type_name(23), "supplemental_data");
  EXPECT_EQ(handshake_type_name(24), "key_update");
  EXPECT_EQ(handshake_type_name(25), "compressed_certificate");
  EXPECT_EQ(handshake_type_name(26), "ekt_key");
  EXPECT_EQ(handshake_type_name(254), "message_hash");

  EXPECT_EQ(content_type_name(20), "change_cipher_spec");
  EXPECT_EQ(content_type_name(21), "alert");
  EXPECT_EQ(content_type_name(22), "handshake");
  EXPECT_EQ(content_type_name(23), "application_data");
  EXPECT_EQ(content_type_name(24), "heartbeat");
  EXPECT_EQ(content_type_name(25), "tls12_cid");
  EXPECT_EQ(content_type_name(26), "ACK");
}

TEST(RegistryNamesTest, SmallRegistries) {
  EXPECT_EQ(ec_point_format_name(0), "uncompressed");
  EXPECT_EQ(ec_point_format_name(2), "ansiX962_compressed_char2");
  EXPECT_EQ(ec_curve_type_name(3), "named_curve");
  EXPECT_EQ(ec_curve_type_name(1), "explicit_prime");
  EXPECT_EQ(psk_key_exchange_mode_name(0), "psk_ke");
  EXPECT_EQ(certificate_compression_algorithm_name(1), "zlib");
  EXPECT_EQ(certificate_compression_algorithm_name(2), "brotli");
  EXPECT_EQ(certificate_compression_algorithm_name(3), "zstd");
  EXPECT_EQ(certificate_status_type_name(1), "ocsp");
  EXPECT_EQ(certificate_status_type_name(2), "ocsp_multi");
  EXPECT_EQ(server_name_type_name(0), "host_name");
  EXPECT_EQ(heartbeat_mode_name(1), "peer_allowed_to_send");
  EXPECT_EQ(heartbeat_mode_name(2), "peer_not_allowed_to_send");
  EXPECT_EQ(heartbeat_message_type_name(1), "heartbeat_request");
  EXPECT_EQ(client_certificate_type_name(1), "rsa_sign");
  EXPECT_EQ(client_certificate_type_name(64), "ecdsa_sign");
  EXPECT_EQ(certificate_type_name(2), "RawPublicKey");
  EXPECT_EQ(key_update_request_name(0), "update_not_requested");
  EXPECT_EQ(key_update_request_name(1), "update_requested");
  EXPECT_EQ(compression_method_name(0), "null");
  EXPECT_EQ(compression_method_name(1), "DEFLATE");
  EXPECT_EQ(max_fragment_length_name(1), "2^9");
  EXPECT_EQ(max_fragment_length_name(4), "2^12");
  EXPECT_EQ(ssl2_message_type_name(1), "client_hello");
  EXPECT_EQ(ssl2_message_type_name(4), "server_hello");
}

TEST(RegistryNamesTest, EveryRegistryIsSortedUniqueAndNamed) {
  std::set<std::string_view> registry_names;
  for (int i = 0; i < kRegistryCount; ++i) {
    const auto r = static_cast<Registry>(i);
    const std::string_view rname = registry_name(r);
    SCOPED_TRACE(rname);
    EXPECT_FALSE(rname.empty());
    EXPECT_TRUE(registry_names.insert(rname).second);
    const auto entries = registry_entries(r);
    EXPECT_FALSE(entries.empty());
    std::set<std::string_view> names;
    for (size_t j = 0; j < entries.size(); ++j) {
      if (j > 0) {
        EXPECT_LT(entries[j - 1].code, entries[j].code);
      }
      EXPECT_FALSE(entries[j].name.empty());
      EXPECT_TRUE(names.insert(entries[j].name).second) << entries[j].name;
      EXPECT_EQ(lookup_name(r, entries[j].code), entries[j].name);
      // 8-bit registries must not hold values that do not fit a byte.
      if (r != Registry::ExtensionType && r != Registry::ProtocolVersion &&
          r != Registry::CertificateCompressionAlgorithm) {
        EXPECT_LE(entries[j].code, 0xFF);
      }
    }
  }
}

}  // namespace
}  // namespace tlslens::tls
