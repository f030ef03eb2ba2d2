// x509::Certificate: every fact read from the project's own certificates (captures/certs),
// EC/Ed25519/RSA-PSS keys and old signature hashes (the fuzz seeds), certificates built here
// with OpenSSL's API to reach the odd corners (validity before 1970 and after 2100, year
// 9999, no subject, thousands of SANs, hostile strings, negative serials, duplicate and
// undecodable extensions, embedded SCTs), bytes that are not a certificate (garbage, every
// truncation, trailing bytes) — each leaving OpenSSL's error queue empty — and the Field
// tree describe_certificate builds.
#include "core/x509/certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/tls/field.h"
#include "core/util/openssl_scope.h"
#include "core/x509/display_text.h"

namespace tlslens::x509 {
namespace {

using ByteVector = std::vector<uint8_t>;
using tls::Field;
using tls::FieldKind;
using tls::Show;

using openssl::FreeWith;
template <typename T, auto Free>
using Owned = std::unique_ptr<T, FreeWith<Free>>;
using KeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;

// ---- where things are -----------------------------------------------------------------

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("TLSLENS_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  // This file is tests/unit/test_certificate.cpp in the source tree.
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

ByteVector read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return ByteVector(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first certificate of a PEM file, as DER (through OpenSSL's PEM reader, not ours).
ByteVector pem_der(const std::string& name) {
  std::filesystem::path path = source_dir() / "captures" / "certs" / name;
  Owned<BIO, BIO_free> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) {
    ADD_FAILURE() << "no certificate in " << path;
    return {};
  }
  int length = i2d_X509(x.get(), nullptr);
  ByteVector der(static_cast<size_t>(length));
  unsigned char* p = der.data();
  i2d_X509(x.get(), &p);
  return der;
}

ByteVector seed(const std::string& name) {
  ByteVector der = read_file(source_dir() / "fuzz" / "corpus" / "certificate" / name);
  EXPECT_FALSE(der.empty()) << name;
  return der;
}

// Parses and checks the promise every parse keeps: OpenSSL's error queue is empty after it.
Certificate parse(const ByteVector& der) {
  Certificate cert = Certificate::parse(der);
  EXPECT_EQ(ERR_peek_error(), 0u) << "parse left an error on OpenSSL's queue";
  return cert;
}

bool valid_utf8(const std::string& s) {
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

void expect_all_utf8(const CertificateInfo& info) {
  std::vector<std::string> all = {info.parse_error, info.serial_hex,          info.subject,
                                  info.issuer,      info.subject_cn,          info.public_key_type,
                                  info.ec_curve,    info.signature_algorithm, info.signature_hash};
  for (const auto* list :
       {&info.san_dns, &info.san_ip, &info.san_email, &info.san_uri, &info.san_other, &info.key_usage,
        &info.extended_key_usage, &info.ocsp_urls, &info.ca_issuer_urls, &info.warnings})
    all.insert(all.end(), list->begin(), list->end());
  for (const std::string& s : all) EXPECT_TRUE(valid_utf8(s)) << s;
}

// ---- certificates built with OpenSSL's API --------------------------------------------

KeyPtr ec_key(const char* curve) {
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}
KeyPtr ed25519_key() {
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

// One shared P-256 key: key generation is the slow part of these tests.
EVP_PKEY* test_key() {
  static KeyPtr key = ec_key("P-256");
  return key.get();
}

// A v3 certificate, CN=test.example issued by CN=Test Issuer, valid 2024..2025, that tests
// then bend out of shape.
class Builder {
 public:
  explicit Builder(EVP_PKEY* key = test_key()) : key_(key), x_(X509_new()) {
    X509_set_version(x_.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x_.get()), 1);
    X509_set_pubkey(x_.get(), key_);
    validity("20240101000000Z", "20250101000000Z");
    name_entry(X509_get_subject_name(x_.get()), "CN", MBSTRING_UTF8, "test.example");
    name_entry(X509_get_issuer_name(x_.get()), "CN", MBSTRING_UTF8, "Test Issuer");
  }

  X509* get() { return x_.get(); }

  Builder& version(long v) {
    X509_set_version(x_.get(), v);
    return *this;
  }
  // UTCTime for 13 characters, GeneralizedTime for 15, as given (no normalisation).
  Builder& validity(const char* not_before, const char* not_after) {
    EXPECT_EQ(ASN1_TIME_set_string(X509_getm_notBefore(x_.get()), not_before), 1) << not_before;
    EXPECT_EQ(ASN1_TIME_set_string(X509_getm_notAfter(x_.get()), not_after), 1) << not_after;
    return *this;
  }
  Builder& serial(const ByteVector& magnitude, bool negative) {
    ASN1_INTEGER* serial = X509_get_serialNumber(x_.get());
    ASN1_STRING_set(serial, magnitude.data(), static_cast<int>(magnitude.size()));
    serial->type = negative ? V_ASN1_NEG_INTEGER : V_ASN1_INTEGER;
    return *this;
  }
  Builder& clear_subject() {
    Owned<X509_NAME, X509_NAME_free> empty(X509_NAME_new());
    X509_set_subject_name(x_.get(), empty.get());
    return *this;
  }
  // `type`: MBSTRING_UTF8 (checked, converted) or a V_ASN1_* string type (bytes as given).
  Builder& subject(const char* field, int type, std::string_view value) {
    name_entry(X509_get_subject_name(x_.get()), field, type, value);
    return *this;
  }
  // An extension in OpenSSL's configuration syntax ("DNS:a.example,IP:10.0.0.1").
  Builder& extension(int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x_.get(), x_.get(), nullptr, nullptr, 0);
    Owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    EXPECT_TRUE(ext) << value;
    if (ext) X509_add_ext(x_.get(), ext.get(), -1);
    ERR_clear_error();
    return *this;
  }
  // An extension whose extnValue holds exactly `value` (which need not decode).
  Builder& raw_extension(int nid, const ByteVector& value) {
    Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> octets(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size()));
    Owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509_EXTENSION_create_by_NID(nullptr, nid, 0, octets.get()));
    X509_add_ext(x_.get(), ext.get(), -1);
    return *this;
  }
  // A subjectAltName built name by name, so tests can put in what the config syntax refuses.
  Builder& alt_names(GENERAL_NAMES* names) {
    X509_add1_ext_i2d(x_.get(), NID_subject_alt_name, names, 0, X509V3_ADD_APPEND);
    GENERAL_NAMES_free(names);
    return *this;
  }

  ByteVector der(const EVP_MD* digest = EVP_sha256()) {
    // Ed25519 and Ed448 sign without a separate digest.
    int id = EVP_PKEY_get_base_id(key_);
    if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) digest = nullptr;
    EXPECT_GT(X509_sign(x_.get(), key_, digest), 0);
    return encode();
  }
  ByteVector encode() {
    int length = i2d_X509(x_.get(), nullptr);
    EXPECT_GT(length, 0);
    if (length <= 0) return {};
    ByteVector out(static_cast<size_t>(length));
    unsigned char* p = out.data();
    i2d_X509(x_.get(), &p);
    ERR_clear_error();
    return out;
  }

 private:
  static void name_entry(X509_NAME* name, const char* field, int type, std::string_view value) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(name, field, type, reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0),
              1)
        << field;
  }

  EVP_PKEY* key_;
  X509Ptr x_;
};

GENERAL_NAME* string_name(int type, std::string_view bytes) {
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* value = ASN1_IA5STRING_new();
  ASN1_STRING_set(value, bytes.data(), static_cast<int>(bytes.size()));
  GENERAL_NAME_set0_value(name, type, value);
  return name;
}

GENERAL_NAME* ip_name(const ByteVector& bytes) {
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(value, bytes.data(), static_cast<int>(bytes.size()));
  GENERAL_NAME_set0_value(name, GEN_IPADD, value);
  return name;
}

// ---- Field helpers --------------------------------------------------------------------

const Field& child(const Field& parent, std::string_view key) {
  const Field* f = parent.find(key);
  if (f == nullptr) {
    ADD_FAILURE() << "no field " << key;
    static const Field kMissing;
    return kMissing;
  }
  return *f;
}

std::vector<std::string> keys(const Field& f) {
  std::vector<std::string> out;
  for (const Field& c : f.children) out.emplace_back(c.key);
  return out;
}

std::vector<std::string> texts(const Field& list) {
  std::vector<std::string> out;
  for (const Field& c : list.children) out.emplace_back(c.text);
  return out;
}

using Strings = std::vector<std::string>;

// ---- the project's certificates -------------------------------------------------------

TEST(X509CertificateTest, ServerCertificate) {
  ByteVector der = pem_der("server.pem");
  Certificate cert = parse(der);
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_TRUE(info.parse_error.empty());
  ASSERT_NE(cert.x509(), nullptr);
  EXPECT_EQ(cert.der(), der);

  EXPECT_EQ(info.version, 3);
  EXPECT_EQ(info.serial_hex, "3001");
  EXPECT_EQ(info.subject, "CN=localhost,O=tlslens test,C=XX");
  EXPECT_EQ(info.issuer, "CN=tlslens Test Intermediate CA,O=tlslens test,C=XX");
  EXPECT_EQ(info.subject_cn, "localhost");
  EXPECT_FALSE(info.self_issued);

  EXPECT_TRUE(info.not_before_readable);
  EXPECT_TRUE(info.not_after_readable);
  EXPECT_EQ(info.not_before_seconds, 1704067200);  // 2024-01-01 00:00:00 UTC
  EXPECT_EQ(info.not_after_seconds, 4859740800);   // 2124-01-01 00:00:00 UTC
  EXPECT_EQ(info.not_before, Timestamp::from_sec_nsec(1704067200, 0));
  EXPECT_EQ(info.not_after, Timestamp::from_sec_nsec(4859740800, 0));

  EXPECT_EQ(info.public_key_type, "RSA");
  EXPECT_EQ(info.public_key_bits, 2048);
  EXPECT_EQ(info.ec_curve, "");
  EXPECT_EQ(info.signature_algorithm, "sha256WithRSAEncryption");
  EXPECT_EQ(info.signature_hash, "SHA256");
  EXPECT_EQ(info.signature_security_bits, 128);  // SHA-256's collision resistance

  EXPECT_EQ(info.san_dns, Strings{"localhost"});
  EXPECT_EQ(info.san_ip, (Strings{"127.0.0.1", "::1"}));
  EXPECT_TRUE(info.san_email.empty());
  EXPECT_TRUE(info.san_uri.empty());
  EXPECT_TRUE(info.san_other.empty());
  EXPECT_TRUE(info.has_key_usage);
  EXPECT_EQ(info.key_usage, (Strings{"digitalSignature", "keyEncipherment"}));
  EXPECT_TRUE(info.has_extended_key_usage);
  EXPECT_EQ(info.extended_key_usage, Strings{"serverAuth"});
  EXPECT_TRUE(info.has_basic_constraints);
  EXPECT_FALSE(info.is_ca);
  EXPECT_EQ(info.path_length, -1);
  EXPECT_TRUE(info.ocsp_urls.empty());
  EXPECT_TRUE(info.ca_issuer_urls.empty());
  EXPECT_EQ(info.sct_count, 0);
  EXPECT_TRUE(info.warnings.empty());

  // What `openssl x509 -in captures/certs/server.pem -noout -fingerprint -sha256` (and -sha1)
  // print; captures/certs is made once (tools/mkcerts.py keeps an existing PKI).
  EXPECT_EQ(info.sha256_fingerprint,
            "4F:C7:CE:C2:FD:A8:66:A6:2F:6F:F9:42:D1:B9:36:F7:2E:25:CF:FE:C2:C3:B8:37:48:A4:21:73:3E:77:5B:29");
  EXPECT_EQ(info.sha1_fingerprint, "18:ED:09:99:FC:16:DF:E3:E3:80:C7:1F:15:6A:59:48:DA:8A:C8:59");
  // And what OpenSSL's X509_digest says, in case the PKI is ever remade.
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  ASSERT_EQ(X509_digest(cert.x509(), EVP_sha256(), md, &md_length), 1);
  EXPECT_EQ(md_length, 32u);
  char first[3];
  std::snprintf(first, sizeof first, "%02X", md[0]);
  EXPECT_EQ(info.sha256_fingerprint.substr(0, 2), first);
  expect_all_utf8(info);
}

TEST(X509CertificateTest, ChainCertificates) {
  Certificate root = parse(pem_der("ca.pem"));
  ASSERT_TRUE(root.info().parsed) << root.info().parse_error;
  EXPECT_EQ(root.info().subject, "CN=tlslens Test Root CA,O=tlslens test,C=XX");
  EXPECT_EQ(root.info().subject, root.info().issuer);
  EXPECT_TRUE(root.info().self_issued);
  EXPECT_TRUE(root.info().is_ca);
  EXPECT_EQ(root.info().path_length, 1);
  EXPECT_EQ(root.info().key_usage, (Strings{"digitalSignature", "keyCertSign", "cRLSign"}));
  EXPECT_FALSE(root.info().has_extended_key_usage);
  EXPECT_EQ(root.info().serial_hex, "1001");
  EXPECT_EQ(root.info().sha256_fingerprint,
            "D7:14:E8:6F:C6:8D:97:12:C9:F0:DC:1D:D3:B8:1A:16:44:4A:9A:85:73:15:28:21:97:2E:74:E2:3D:B7:ED:65");

  Certificate intermediate = parse(pem_der("intermediate.pem"));
  ASSERT_TRUE(intermediate.info().parsed);
  EXPECT_EQ(intermediate.info().subject_cn, "tlslens Test Intermediate CA");
  EXPECT_EQ(intermediate.info().issuer, root.info().subject);
  EXPECT_FALSE(intermediate.info().self_issued);
  EXPECT_TRUE(intermediate.info().is_ca);
  EXPECT_EQ(intermediate.info().path_length, 0);

  Certificate client = parse(pem_der("client.pem"));
  ASSERT_TRUE(client.info().parsed);
  EXPECT_EQ(client.info().subject_cn, "tlslens test client");
  EXPECT_EQ(client.info().extended_key_usage, Strings{"clientAuth"});
  EXPECT_TRUE(client.info().san_dns.empty());
  EXPECT_EQ(client.info().sha1_fingerprint, "1C:A6:76:57:08:95:6B:FA:50:1D:3D:2C:BE:76:41:7B:BA:C3:DB:02");

  // The chain file starts with the leaf.
  EXPECT_EQ(parse(pem_der("server-chain.pem")).info().sha256_fingerprint,
            parse(pem_der("server.pem")).info().sha256_fingerprint);
}

// ---- keys and signatures (the fuzz seeds, made with `openssl req -x509`) -----------------

TEST(X509CertificateTest, EllipticCurveKeys) {
  Certificate p256 = parse(seed("ec-p256.der"));
  ASSERT_TRUE(p256.info().parsed) << p256.info().parse_error;
  EXPECT_EQ(p256.info().public_key_type, "EC");
  EXPECT_EQ(p256.info().public_key_bits, 256);
  EXPECT_EQ(p256.info().ec_curve, "prime256v1");
  EXPECT_EQ(p256.info().signature_algorithm, "ecdsa-with-SHA256");
  EXPECT_EQ(p256.info().signature_hash, "SHA256");
  EXPECT_TRUE(p256.info().self_issued);

  Certificate p384 = parse(seed("ec-p384.der"));
  ASSERT_TRUE(p384.info().parsed);
  EXPECT_EQ(p384.info().public_key_bits, 384);
  EXPECT_EQ(p384.info().ec_curve, "secp384r1");
  EXPECT_EQ(p384.info().signature_algorithm, "ecdsa-with-SHA384");
  EXPECT_EQ(p384.info().signature_hash, "SHA384");
}

TEST(X509CertificateTest, Ed25519Key) {
  Certificate cert = parse(seed("ed25519.der"));
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().public_key_type, "Ed25519");
  EXPECT_EQ(cert.info().public_key_bits, 256);  // what EVP_PKEY_get_bits reports for Ed25519
  EXPECT_EQ(cert.info().ec_curve, "");
  EXPECT_EQ(cert.info().signature_algorithm, "ED25519");
  EXPECT_EQ(cert.info().signature_hash, "");  // no separate digest
  EXPECT_EQ(cert.info().signature_security_bits, 128);

  // And one built here, with a non-ASCII subject.
  KeyPtr key = ed25519_key();
  ASSERT_TRUE(key);
  Certificate built = parse(Builder(key.get()).subject("O", MBSTRING_UTF8, "Ünïcødé 日本").der());
  ASSERT_TRUE(built.info().parsed) << built.info().parse_error;
  EXPECT_EQ(built.info().public_key_type, "Ed25519");
  EXPECT_EQ(built.info().subject, "O=Ünïcødé 日本,CN=test.example");
}

TEST(X509CertificateTest, OldSignatureHashesAndPss) {
  Certificate md5 = parse(seed("rsa1024-md5.der"));
  ASSERT_TRUE(md5.info().parsed) << md5.info().parse_error;
  EXPECT_EQ(md5.info().public_key_type, "RSA");
  EXPECT_EQ(md5.info().public_key_bits, 1024);
  EXPECT_EQ(md5.info().signature_algorithm, "md5WithRSAEncryption");
  EXPECT_EQ(md5.info().signature_hash, "MD5");

  Certificate sha1 = parse(seed("rsa1024-sha1.der"));
  ASSERT_TRUE(sha1.info().parsed);
  EXPECT_EQ(sha1.info().signature_algorithm, "sha1WithRSAEncryption");
  EXPECT_EQ(sha1.info().signature_hash, "SHA1");

  Certificate pss = parse(seed("rsa1024-pss.der"));
  ASSERT_TRUE(pss.info().parsed);
  EXPECT_EQ(pss.info().signature_algorithm, "rsassaPss");
  EXPECT_EQ(pss.info().signature_hash, "SHA256");
}

TEST(X509CertificateTest, RsaPssKey) {
  Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
  ASSERT_TRUE(ctx);
  ASSERT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 1024), 1);
  EVP_PKEY* generated = nullptr;
  ASSERT_EQ(EVP_PKEY_generate(ctx.get(), &generated), 1);
  KeyPtr key(generated);
  Certificate cert = parse(Builder(key.get()).der());
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().public_key_type, "RSA-PSS");
  EXPECT_EQ(cert.info().public_key_bits, 1024);
  EXPECT_EQ(cert.info().signature_algorithm, "rsassaPss");
}

TEST(X509CertificateTest, EverySeedParses) {
  size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "fuzz" / "corpus" / "certificate")) {
    Certificate cert = parse(read_file(entry.path()));
    EXPECT_TRUE(cert.info().parsed) << entry.path() << ": " << cert.info().parse_error;
    EXPECT_TRUE(cert.info().warnings.empty()) << entry.path() << ": " << cert.info().warnings.front();
    expect_all_utf8(cert.info());
    ++seeds;
  }
  EXPECT_GE(seeds, 12u);
}

// ---- extensions -----------------------------------------------------------------------

TEST(X509CertificateTest, ManyKindsOfNames) {
  Certificate cert = parse(seed("many-sans.der"));
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_EQ(info.san_dns, (Strings{"a.example", "*.b.example"}));
  EXPECT_EQ(info.san_ip, (Strings{"10.1.2.3", "2001:db8::1"}));
  EXPECT_EQ(info.san_email, Strings{"admin@example.com"});
  EXPECT_EQ(info.san_uri, Strings{"https://example.com/x"});
  EXPECT_EQ(info.san_other,
            (Strings{"RID:1.2.3.4", "DirName:O=Dir Org,CN=Directory Name", "othername:msUPN:user@example.com"}));
  EXPECT_EQ(info.extended_key_usage, (Strings{"serverAuth", "clientAuth", "codeSigning", "1.3.6.1.4.1.99999.1"}));
  EXPECT_EQ(info.key_usage, (Strings{"digitalSignature", "keyAgreement"}));
  EXPECT_EQ(info.ocsp_urls, Strings{"http://ocsp.example.com"});
  EXPECT_EQ(info.ca_issuer_urls, Strings{"http://ca.example.com/ca.der"});
  EXPECT_FALSE(info.has_basic_constraints);
  EXPECT_EQ(info.path_length, -1);

  Certificate ca = parse(seed("ca-pathlen3.der"));
  ASSERT_TRUE(ca.info().parsed);
  EXPECT_TRUE(ca.info().is_ca);
  EXPECT_EQ(ca.info().path_length, 3);
  EXPECT_EQ(ca.info().key_usage, (Strings{"keyCertSign", "cRLSign"}));
}

TEST(X509CertificateTest, ThousandsOfAltNames) {
  Builder builder;
  GENERAL_NAMES* names = GENERAL_NAMES_new();
  for (int i = 0; i < 3000; ++i)
    sk_GENERAL_NAME_push(names, string_name(GEN_DNS, "host" + std::to_string(i) + ".example"));
  sk_GENERAL_NAME_push(names, ip_name({192, 0, 2, 1}));
  sk_GENERAL_NAME_push(names, ip_name({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}));
  sk_GENERAL_NAME_push(names, ip_name({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  sk_GENERAL_NAME_push(names, string_name(GEN_EMAIL, "a@example.com"));
  sk_GENERAL_NAME_push(names, string_name(GEN_URI, "spiffe://example/x"));
  Certificate cert = parse(builder.alt_names(names).der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  ASSERT_EQ(info.san_dns.size(), 3000u);
  EXPECT_EQ(info.san_dns.front(), "host0.example");
  EXPECT_EQ(info.san_dns.back(), "host2999.example");
  EXPECT_EQ(info.san_ip, (Strings{"192.0.2.1", "::ffff:192.0.2.1", "fe80::1"}));
  EXPECT_EQ(info.san_email, Strings{"a@example.com"});
  EXPECT_EQ(info.san_uri, Strings{"spiffe://example/x"});

  Field tree("certificate", FieldKind::group);
  describe_certificate(info, tree);
  const Field& sans = child(tree, "subject_alt_names");
  ASSERT_EQ(sans.children.size(), 3005u);
  EXPECT_EQ(sans.children[0].text, "DNS:host0.example");
  EXPECT_EQ(sans.children[3000].text, "IP:192.0.2.1");
  EXPECT_EQ(sans.children[3003].text, "email:a@example.com");
  EXPECT_EQ(sans.children[3004].text, "URI:spiffe://example/x");
}

TEST(X509CertificateTest, HostileStringsAreEscaped) {
  Builder builder;
  builder
      .subject("O", V_ASN1_UTF8STRING, std::string_view("\x1b[31mred\x00", 9))  // escape sequence, NUL
      .subject("OU", V_ASN1_UTF8STRING,
               "c1\xc2\x9b"
               "x")  // a C1 control (CSI)
      .subject("CN", V_ASN1_UTF8STRING, std::string_view("evil\x07\\name\x00.example", 19));
  GENERAL_NAMES* names = GENERAL_NAMES_new();
  sk_GENERAL_NAME_push(names, string_name(GEN_DNS, std::string_view("a\xff\xfe\x00"
                                                                    "b\\.example",
                                                                    14)));
  sk_GENERAL_NAME_push(names, string_name(GEN_URI, "http://x/\xe2\x80\xae"));  // U+202E is printable: kept
  sk_GENERAL_NAME_push(names, ip_name({1, 2, 3, 4, 5}));                       // neither IPv4 nor IPv6
  Certificate cert = parse(builder.alt_names(names).der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  // The last CN wins (the builder's CN=test.example comes first).
  EXPECT_EQ(info.subject_cn, "evil\\x07\\x5cname\\x00.example");
  // OpenSSL's RFC 2253 escapes (\1B, \5C...) stay; the C1 control is escaped by us.
  EXPECT_EQ(info.subject, "CN=evil\\07\\\\name\\00.example,OU=c1\\xc2\\x9bx,O=\\1B[31mred\\00,CN=test.example");
  EXPECT_EQ(info.san_dns, Strings{"a\\xff\\xfe\\x00b\\x5c.example"});
  EXPECT_EQ(info.san_uri, Strings{"http://x/\xe2\x80\xae"});
  EXPECT_TRUE(info.san_ip.empty());
  EXPECT_EQ(info.san_other, Strings{"IP:#0102030405"});
  EXPECT_EQ(info.warnings, Strings{"an IP address in subjectAltName is neither 4 nor 16 bytes long"});
  expect_all_utf8(info);
}

TEST(X509CertificateTest, StringTypesConvertToUtf8) {
  // BMPString "名前" and a T61String read as Latin-1.
  Certificate cert = parse(Builder()
                               .subject("O", V_ASN1_BMPSTRING, std::string_view("\x54\x0d\x52\x4d", 4))
                               .subject("CN", V_ASN1_T61STRING, "caf\xe9")
                               .der());
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().subject, "CN=caf\xc3\xa9,O=\xe5\x90\x8d\xe5\x89\x8d,CN=test.example");
  EXPECT_EQ(cert.info().subject_cn, "caf\xc3\xa9");

  Certificate seeded = parse(seed("unicode-names.der"));
  ASSERT_TRUE(seeded.info().parsed);
  EXPECT_EQ(seeded.info().subject, "CN=bmp-名前.example,O=Ünïcødé 日本");
  EXPECT_EQ(seeded.info().subject_cn, "bmp-名前.example");
}

TEST(X509CertificateTest, ExtensionsFromConfiguration) {
  Certificate cert = parse(Builder()
                               .extension(NID_basic_constraints, "critical,CA:TRUE,pathlen:7")
                               .extension(NID_key_usage, "critical,keyCertSign,cRLSign,decipherOnly")
                               .extension(NID_ext_key_usage, "OCSPSigning,anyExtendedKeyUsage,1.2.3.4.5")
                               .extension(NID_info_access,
                                          "OCSP;URI:http://o1.example,OCSP;URI:http://o2.example,"
                                          "caIssuers;URI:http://c.example/ca.crt,caIssuers;DNS:odd.example")
                               .der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_TRUE(info.has_basic_constraints);
  EXPECT_TRUE(info.is_ca);
  EXPECT_EQ(info.path_length, 7);
  EXPECT_EQ(info.key_usage, (Strings{"keyCertSign", "cRLSign", "decipherOnly"}));
  EXPECT_EQ(info.extended_key_usage, (Strings{"OCSPSigning", "anyExtendedKeyUsage", "1.2.3.4.5"}));
  EXPECT_EQ(info.ocsp_urls, (Strings{"http://o1.example", "http://o2.example"}));
  EXPECT_EQ(info.ca_issuer_urls, (Strings{"http://c.example/ca.crt", "DNS:odd.example"}));
  EXPECT_TRUE(info.warnings.empty());
}

TEST(X509CertificateTest, EmptyKeyUsageIsPresent) {
  // A KeyUsage BIT STRING with no bits set: present, permits nothing.
  Certificate cert = parse(Builder().raw_extension(NID_key_usage, {0x03, 0x01, 0x00}).der());
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_TRUE(cert.info().has_key_usage);
  EXPECT_TRUE(cert.info().key_usage.empty());
  EXPECT_FALSE(cert.info().has_extended_key_usage);
}

TEST(X509CertificateTest, EmbeddedScts) {
  Certificate seeded = parse(seed("embedded-scts.der"));
  ASSERT_TRUE(seeded.info().parsed) << seeded.info().parse_error;
  EXPECT_EQ(seeded.info().sct_count, 2);

  // Three SCTs v1 with dummy signatures: tlslens counts, it does not verify.
  ByteVector list;
  for (uint8_t i = 1; i <= 3; ++i) {
    ByteVector sct = {0};                             // v1
    sct.insert(sct.end(), 32, i);                     // log id
    sct.insert(sct.end(), 8, 0x01);                   // timestamp
    sct.insert(sct.end(), {0, 0});                    // no extensions
    sct.insert(sct.end(), {4, 3, 0, 2, 0xaa, 0xbb});  // ecdsa-sha256, 2-byte signature
    list.push_back(0);
    list.push_back(static_cast<uint8_t>(sct.size()));
    list.insert(list.end(), sct.begin(), sct.end());
  }
  ASSERT_GT(list.size() + 2, 127u);  // the OCTET STRING needs a long-form length
  ASSERT_LT(list.size() + 2, 256u);
  ByteVector value = {0x04, 0x81, static_cast<uint8_t>(list.size() + 2), 0, static_cast<uint8_t>(list.size())};
  value.insert(value.end(), list.begin(), list.end());
  Certificate cert = parse(Builder().raw_extension(NID_ct_precert_scts, value).der());
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().sct_count, 3);
  EXPECT_TRUE(cert.info().warnings.empty());

  // A list that does not decode is a warning, not a failure.
  Certificate bad = parse(Builder().raw_extension(NID_ct_precert_scts, {0x04, 0x03, 0x00, 0x09, 0x00}).der());
  ASSERT_TRUE(bad.info().parsed) << bad.info().parse_error;
  EXPECT_EQ(bad.info().sct_count, 0);
  EXPECT_EQ(bad.info().warnings, Strings{"the CT Precertificate SCTs extension could not be decoded"});
}

TEST(X509CertificateTest, DuplicateAndUndecodableExtensions) {
  Certificate duplicate = parse(Builder()
                                    .extension(NID_subject_alt_name, "DNS:a.example")
                                    .extension(NID_subject_alt_name, "DNS:b.example")
                                    .der());
  ASSERT_TRUE(duplicate.info().parsed) << duplicate.info().parse_error;
  EXPECT_TRUE(duplicate.info().san_dns.empty());
  EXPECT_EQ(duplicate.info().warnings, Strings{"the X509v3 Subject Alternative Name extension appears more than once"});

  // A GeneralNames SEQUENCE whose content is cut short.
  Certificate broken = parse(Builder().raw_extension(NID_subject_alt_name, {0x30, 0x05, 0x82, 0x03, 'a'}).der());
  ASSERT_TRUE(broken.info().parsed) << broken.info().parse_error;
  EXPECT_TRUE(broken.info().san_dns.empty());
  EXPECT_EQ(broken.info().warnings, Strings{"the X509v3 Subject Alternative Name extension could not be decoded"});

  Certificate negative =
      parse(Builder().raw_extension(NID_basic_constraints, {0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0xff}).der());
  ASSERT_TRUE(negative.info().parsed) << negative.info().parse_error;
  EXPECT_TRUE(negative.info().is_ca);
  EXPECT_EQ(negative.info().path_length, -1);
  EXPECT_EQ(negative.info().warnings, Strings{"basicConstraints has a negative pathLenConstraint"});
}

TEST(X509CertificateTest, OpenSslFlagsExtensionsItDecodesItself) {
  // Name constraints are not among the facts read here, but OpenSSL's own pass over the
  // extensions finds this one undecodable.
  Certificate cert = parse(Builder().raw_extension(NID_name_constraints, {0x30, 0x05, 0xa0}).der());
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().warnings,
            Strings{"OpenSSL found the extensions invalid (a duplicate or an undecodable one)"});
}

// ---- validity, serials, names, versions -------------------------------------------------

TEST(X509CertificateTest, ValidityBefore1970AndAfter2100) {
  Certificate cert = parse(Builder().validity("19500601120000Z", "21500101000000Z").der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_EQ(info.not_before_seconds, -618062400);
  EXPECT_EQ(info.not_after_seconds, 5680281600);
  EXPECT_EQ(info.not_before, Timestamp::from_sec_nsec(-618062400, 0));
  EXPECT_EQ(info.not_after, Timestamp::from_sec_nsec(5680281600, 0));

  // UTCTime: 50..99 are 19xx, 00..49 are 20xx (RFC 5280 4.1.2.5.1).
  Certificate utc = parse(Builder().validity("500101000000Z", "491231235959Z").der());
  ASSERT_TRUE(utc.info().parsed) << utc.info().parse_error;
  EXPECT_EQ(utc.info().not_before_seconds, -631152000);  // 1950-01-01
  EXPECT_EQ(utc.info().not_after_seconds, 2524607999);   // 2049-12-31 23:59:59

  // One second before the epoch: timegm's -1 error value, a valid time here.
  Certificate edge = parse(Builder().validity("19691231235959Z", "19700101000000Z").der());
  ASSERT_TRUE(edge.info().parsed);
  EXPECT_EQ(edge.info().not_before_seconds, -1);
  EXPECT_EQ(edge.info().not_after_seconds, 0);
  EXPECT_TRUE(edge.info().not_before_readable);

  Certificate seeded = parse(seed("old-and-far.der"));
  ASSERT_TRUE(seeded.info().parsed);
  EXPECT_EQ(seeded.info().not_before_seconds, -618062400);
  EXPECT_EQ(seeded.info().not_after_seconds, 5680281600);
}

TEST(X509CertificateTest, NoExpiryDateAndYearZero) {
  Certificate cert = parse(Builder().validity("00000101000000Z", "99991231235959Z").der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_EQ(info.not_after_seconds, 253402300799);
  EXPECT_EQ(info.not_before_seconds, -62167219200);
  // The Timestamps clamp to what int64 nanoseconds hold.
  EXPECT_EQ(info.not_after.ns, INT64_MAX / 1'000'000'000 * 1'000'000'000);
  EXPECT_EQ(info.not_before.ns, -(INT64_MAX / 1'000'000'000) * 1'000'000'000);
  EXPECT_LT(info.not_before, info.not_after);

  Field tree("certificate", FieldKind::group);
  describe_certificate(info, tree);
  EXPECT_EQ(child(tree, "not_before").text, "0000-01-01 00:00:00 UTC");
  EXPECT_EQ(child(tree, "not_after").text, "9999-12-31 23:59:59 UTC");
}

TEST(X509CertificateTest, UnreadableTime) {
  // A GeneralizedTime with month 13: d2i takes it, ASN1_TIME_to_tm does not.
  Builder builder;
  ASN1_TIME* not_after = X509_getm_notAfter(builder.get());
  ASN1_STRING_set(not_after, "20251301000000Z", 15);
  not_after->type = V_ASN1_GENERALIZEDTIME;
  Certificate cert = parse(builder.der());
  if (!cert.info().parsed) GTEST_SKIP() << "this OpenSSL rejects the time while parsing: " << cert.info().parse_error;
  EXPECT_TRUE(cert.info().not_before_readable);
  EXPECT_FALSE(cert.info().not_after_readable);
  EXPECT_EQ(cert.info().not_after_seconds, 0);
  EXPECT_EQ(cert.info().warnings, Strings{"notAfter could not be read"});
  Field tree("certificate", FieldKind::group);
  describe_certificate(cert.info(), tree);
  EXPECT_EQ(child(tree, "not_after").text, "unreadable");
}

TEST(X509CertificateTest, Serials) {
  EXPECT_EQ(parse(Builder().serial({0x01}, false).der()).info().serial_hex, "01");
  EXPECT_EQ(parse(Builder().serial({}, false).der()).info().serial_hex, "00");
  EXPECT_EQ(parse(Builder().serial({0xab, 0xcd}, true).der()).info().serial_hex, "-abcd");
  ByteVector twenty(20, 0xfe);
  twenty[0] = 0x7f;
  Certificate big = parse(Builder().serial(twenty, false).der());
  ASSERT_TRUE(big.info().parsed) << big.info().parse_error;
  EXPECT_EQ(big.info().serial_hex, "7ffefefefefefefefefefefefefefefefefefefe");
}

TEST(X509CertificateTest, NoSubject) {
  Certificate cert =
      parse(Builder().clear_subject().extension(NID_subject_alt_name, "critical,DNS:only-san.example").der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_EQ(info.subject, "");
  EXPECT_EQ(info.subject_cn, "");
  EXPECT_EQ(info.issuer, "CN=Test Issuer");
  EXPECT_FALSE(info.self_issued);
  EXPECT_EQ(info.san_dns, Strings{"only-san.example"});

  Field tree("certificate", FieldKind::group);
  describe_certificate(info, tree);
  EXPECT_EQ(child(tree, "subject").text, "");
}

TEST(X509CertificateTest, VersionOneWithoutExtensions) {
  Certificate cert = parse(Builder().version(X509_VERSION_1).der());
  const CertificateInfo& info = cert.info();
  ASSERT_TRUE(info.parsed) << info.parse_error;
  EXPECT_EQ(info.version, 1);
  EXPECT_FALSE(info.has_basic_constraints);
  EXPECT_FALSE(info.has_key_usage);
  EXPECT_TRUE(info.key_usage.empty());
  EXPECT_TRUE(info.san_dns.empty());
  EXPECT_TRUE(info.warnings.empty());
}

TEST(X509CertificateTest, UnknownPublicKeyAlgorithm) {
  // Replace the key's algorithm OID (id-ecPublicKey, 1.2.840.10045.2.1) with an unknown one
  // of the same length: the certificate parses, the key does not decode.
  ByteVector der = Builder().der();
  const ByteVector oid = {0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
  auto at = std::search(der.begin(), der.end(), oid.begin(), oid.end());
  ASSERT_NE(at, der.end());
  at[8] = 0x7f;  // 1.2.840.10045.2.127
  Certificate cert = parse(der);
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().public_key_type, "1.2.840.10045.2.127");
  EXPECT_EQ(cert.info().public_key_bits, 0);
  EXPECT_EQ(cert.info().warnings, Strings{"the public key could not be decoded"});
}

TEST(X509CertificateTest, SignatureAlgorithmMismatch) {
  // Sign with SHA-256, then change the inner (signed) algorithm to SHA-384 without re-signing.
  ByteVector der = Builder().der();
  const ByteVector sha256_oid = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
  auto inner = std::search(der.begin(), der.end(), sha256_oid.begin(), sha256_oid.end());
  ASSERT_NE(inner, der.end());
  inner[9] = 0x03;  // ecdsa-with-SHA384
  Certificate cert = parse(der);
  ASSERT_TRUE(cert.info().parsed) << cert.info().parse_error;
  EXPECT_EQ(cert.info().signature_algorithm, "ecdsa-with-SHA256");  // the outer one
  EXPECT_EQ(cert.info().warnings, Strings{"the signature algorithm differs inside and outside the signed part"});
}

// ---- not certificates ----------------------------------------------------------------

TEST(X509CertificateTest, GarbageIsRejectedWithAReason) {
  std::mt19937 rng(20240101);
  std::vector<ByteVector> inputs = {{}, {0x00}, {0x30}, {0x30, 0x00}, {0x30, 0x80, 0x00, 0x00}, {0xff, 0xff, 0xff}};
  std::string text = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  inputs.emplace_back(text.begin(), text.end());
  for (int i = 0; i < 200; ++i) {
    ByteVector random(static_cast<size_t>(rng() % 600));
    for (uint8_t& b : random) b = static_cast<uint8_t>(rng());
    if (i % 2 == 0 && random.size() >= 4) random[0] = 0x30, random[1] = 0x82;  // looks like a SEQUENCE
    inputs.push_back(std::move(random));
  }
  for (const ByteVector& input : inputs) {
    Certificate cert = parse(input);
    EXPECT_FALSE(cert.info().parsed);
    EXPECT_FALSE(cert.info().parse_error.empty());
    EXPECT_EQ(cert.x509(), nullptr);
    EXPECT_EQ(cert.der(), input);
    expect_all_utf8(cert.info());
  }
  EXPECT_EQ(parse({}).info().parse_error, "no certificate bytes");
  // OpenSSL's reason, as ERR_error_string_n writes it.
  std::string reason = parse({0x30, 0x82, 0x10, 0x00, 0x01}).info().parse_error;
  EXPECT_NE(reason.find("error:"), std::string::npos) << reason;
  EXPECT_NE(reason.find("asn1"), std::string::npos) << reason;
}

TEST(X509CertificateTest, EveryTruncationIsRejected) {
  ByteVector der = pem_der("server.pem");
  ASSERT_GT(der.size(), 100u);
  for (size_t length = 0; length < der.size(); ++length) {
    ByteVector cut(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(length));
    Certificate cert = Certificate::parse(cut);
    ASSERT_EQ(ERR_peek_error(), 0u) << "length " << length;
    EXPECT_FALSE(cert.info().parsed) << "length " << length;
    EXPECT_FALSE(cert.info().parse_error.empty()) << "length " << length;
    EXPECT_EQ(cert.x509(), nullptr);
  }
}

TEST(X509CertificateTest, TrailingBytesAreAnError) {
  ByteVector der = pem_der("server.pem");
  der.push_back(0x00);
  Certificate one = parse(der);
  EXPECT_FALSE(one.info().parsed);
  EXPECT_EQ(one.info().parse_error, "1 trailing byte after the certificate");
  EXPECT_EQ(one.x509(), nullptr);
  ByteVector two = pem_der("server.pem");
  ByteVector ca = pem_der("ca.pem");
  two.insert(two.end(), ca.begin(), ca.end());  // two certificates back to back
  EXPECT_EQ(parse(two).info().parse_error, std::to_string(ca.size()) + " trailing bytes after the certificate");
}

TEST(X509CertificateTest, StaleErrorsDoNotBecomeTheReason) {
  // Something else left an error on this thread's queue.
  ERR_raise_data(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE, "stale");
  ASSERT_NE(ERR_peek_error(), 0u);
  Certificate good = parse(pem_der("server.pem"));
  EXPECT_TRUE(good.info().parsed);
  ERR_raise_data(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE, "stale");
  Certificate bad = parse({0x30, 0x03, 0x02, 0x01});
  EXPECT_FALSE(bad.info().parsed);
  EXPECT_EQ(bad.info().parse_error.find("already in hash table"), std::string::npos) << bad.info().parse_error;
}

TEST(X509CertificateTest, CopiesShareTheX509) {
  Certificate cert = parse(pem_der("server.pem"));
  ASSERT_NE(cert.x509(), nullptr);
  Certificate copy = cert;
  EXPECT_EQ(copy.x509(), cert.x509());
  EXPECT_EQ(copy.info().sha256_fingerprint, cert.info().sha256_fingerprint);
  Certificate assigned;
  assigned = copy;
  EXPECT_EQ(assigned.x509(), cert.x509());
  cert = Certificate();  // the others keep the object alive
  EXPECT_EQ(X509_get_version(assigned.x509()), X509_VERSION_3);
  Certificate moved = std::move(assigned);
  EXPECT_EQ(moved.x509(), copy.x509());
  std::vector<Certificate> chain(3, copy);
  EXPECT_EQ(chain[2].x509(), copy.x509());
}

// ---- describe_certificate --------------------------------------------------------------

TEST(X509DescribeCertificateTest, KeysAndShowLevels) {
  Certificate cert = parse(pem_der("server.pem"));
  Field tree("certificate", FieldKind::group);
  describe_certificate(cert.info(), tree);
  EXPECT_EQ(keys(tree),
            (Strings{"subject", "issuer", "version", "serial_number", "not_before", "not_after", "public_key",
                     "signature_algorithm", "signature_hash", "subject_alt_names", "key_usage", "extended_key_usage",
                     "basic_constraints", "sha256_fingerprint", "sha1_fingerprint", "self_issued"}));
  for (const Field& f : tree.children) {
    EXPECT_EQ(f.offset, 0u);
    EXPECT_EQ(f.length, 0u);
    if (f.key == "subject" || f.key == "issuer") {
      EXPECT_EQ(f.show, Show::always) << f.key;
    } else if (f.key == "signature_hash") {
      EXPECT_EQ(f.show, Show::with_all);
    } else {
      EXPECT_EQ(f.show, Show::with_cert_details) << f.key;
      for (const Field& c : f.children) EXPECT_EQ(c.show, Show::with_cert_details) << f.key << "." << c.key;
    }
  }
  EXPECT_EQ(child(tree, "subject").kind, FieldKind::text);
  EXPECT_EQ(child(tree, "subject").text, "CN=localhost,O=tlslens test,C=XX");
  EXPECT_EQ(child(tree, "issuer").text, "CN=tlslens Test Intermediate CA,O=tlslens test,C=XX");
  EXPECT_EQ(child(tree, "version").kind, FieldKind::uint);
  EXPECT_EQ(child(tree, "version").number, 3u);
  EXPECT_EQ(child(tree, "serial_number").text, "3001");
  EXPECT_EQ(child(tree, "not_before").text, "2024-01-01 00:00:00 UTC");
  EXPECT_EQ(child(tree, "not_after").text, "2124-01-01 00:00:00 UTC");
  const Field& key = child(tree, "public_key");
  EXPECT_EQ(key.kind, FieldKind::group);
  EXPECT_EQ(keys(key), (Strings{"type", "bits"}));
  EXPECT_EQ(child(key, "type").text, "RSA");
  EXPECT_EQ(child(key, "bits").number, 2048u);
  EXPECT_EQ(child(tree, "signature_algorithm").text, "sha256WithRSAEncryption");
  const Field& sans = child(tree, "subject_alt_names");
  EXPECT_EQ(sans.kind, FieldKind::list);
  EXPECT_EQ(texts(sans), (Strings{"DNS:localhost", "IP:127.0.0.1", "IP:::1"}));
  EXPECT_EQ(texts(child(tree, "key_usage")), (Strings{"digitalSignature", "keyEncipherment"}));
  EXPECT_EQ(texts(child(tree, "extended_key_usage")), Strings{"serverAuth"});
  const Field& constraints = child(tree, "basic_constraints");
  EXPECT_EQ(keys(constraints), Strings{"ca"});
  EXPECT_EQ(child(constraints, "ca").kind, FieldKind::boolean);
  EXPECT_EQ(child(constraints, "ca").number, 0u);
  EXPECT_EQ(child(tree, "sha256_fingerprint").text, cert.info().sha256_fingerprint);
  EXPECT_EQ(child(tree, "sha1_fingerprint").text, cert.info().sha1_fingerprint);
  EXPECT_EQ(child(tree, "self_issued").number, 0u);
}

TEST(X509DescribeCertificateTest, OptionalFields) {
  Certificate root = parse(pem_der("ca.pem"));
  Field ca_tree("certificate", FieldKind::group);
  describe_certificate(root.info(), ca_tree);
  EXPECT_EQ(child(child(ca_tree, "basic_constraints"), "ca").number, 1u);
  EXPECT_EQ(child(child(ca_tree, "basic_constraints"), "path_length").number, 1u);
  EXPECT_EQ(ca_tree.find("subject_alt_names"), nullptr);
  EXPECT_EQ(ca_tree.find("extended_key_usage"), nullptr);
  EXPECT_EQ(child(ca_tree, "self_issued").number, 1u);

  Certificate ec = parse(seed("many-sans.der"));
  Field tree("certificate", FieldKind::group);
  describe_certificate(ec.info(), tree);
  EXPECT_EQ(child(child(tree, "public_key"), "curve").text, "prime256v1");
  EXPECT_EQ(texts(child(tree, "subject_alt_names")),
            (Strings{"DNS:a.example", "DNS:*.b.example", "IP:10.1.2.3", "IP:2001:db8::1", "email:admin@example.com",
                     "URI:https://example.com/x", "RID:1.2.3.4", "DirName:O=Dir Org,CN=Directory Name",
                     "othername:msUPN:user@example.com"}));
  EXPECT_EQ(texts(child(tree, "ocsp_urls")), Strings{"http://ocsp.example.com"});
  EXPECT_EQ(texts(child(tree, "ca_issuer_urls")), Strings{"http://ca.example.com/ca.der"});
  EXPECT_EQ(tree.find("sct_count"), nullptr);
  EXPECT_EQ(tree.find("basic_constraints"), nullptr);
  EXPECT_EQ(tree.find("warnings"), nullptr);

  Certificate scts = parse(seed("embedded-scts.der"));
  Field sct_tree("certificate", FieldKind::group);
  describe_certificate(scts.info(), sct_tree);
  EXPECT_EQ(child(sct_tree, "sct_count").number, 2u);
  EXPECT_EQ(child(sct_tree, "sct_count").show, Show::with_cert_details);

  Certificate ed = parse(seed("ed25519.der"));
  Field ed_tree("certificate", FieldKind::group);
  describe_certificate(ed.info(), ed_tree);
  EXPECT_EQ(ed_tree.find("signature_hash"), nullptr);

  Certificate odd = parse(Builder().raw_extension(NID_subject_alt_name, {0x30, 0x05, 0x82, 0x03, 'a'}).der());
  Field odd_tree("certificate", FieldKind::group);
  describe_certificate(odd.info(), odd_tree);
  const Field& warnings = child(odd_tree, "warnings");
  EXPECT_EQ(warnings.kind, FieldKind::list);
  EXPECT_EQ(warnings.show, Show::with_cert_details);
  EXPECT_EQ(texts(warnings), odd.info().warnings);
}

TEST(X509DescribeCertificateTest, ParseErrorOnly) {
  Certificate cert = parse({0x30, 0x03, 0x02, 0x01, 0x01});
  Field tree("certificate", FieldKind::group);
  describe_certificate(cert.info(), tree);
  ASSERT_EQ(keys(tree), Strings{"parse_error"});
  EXPECT_EQ(tree.children[0].kind, FieldKind::text);
  EXPECT_EQ(tree.children[0].show, Show::always);
  EXPECT_EQ(tree.children[0].text, cert.info().parse_error);
}

TEST(X509DescribeCertificateTest, FormatUtcSeconds) {
  EXPECT_EQ(format_utc_seconds(0), "1970-01-01 00:00:00 UTC");
  EXPECT_EQ(format_utc_seconds(-1), "1969-12-31 23:59:59 UTC");
  EXPECT_EQ(format_utc_seconds(-86400), "1969-12-31 00:00:00 UTC");
  EXPECT_EQ(format_utc_seconds(-618062400), "1950-06-01 12:00:00 UTC");
  EXPECT_EQ(format_utc_seconds(951782400), "2000-02-29 00:00:00 UTC");
  EXPECT_EQ(format_utc_seconds(4102444799), "2099-12-31 23:59:59 UTC");
  EXPECT_EQ(format_utc_seconds(253402300799), "9999-12-31 23:59:59 UTC");
  EXPECT_EQ(format_utc_seconds(-62167219200), "0000-01-01 00:00:00 UTC");
  EXPECT_EQ(format_utc_seconds(253402300800), "253402300800 s since 1970 UTC");
  EXPECT_EQ(format_utc_seconds(INT64_MIN), std::to_string(INT64_MIN) + " s since 1970 UTC");
}

// ---- display_text ----------------------------------------------------------------------

TEST(X509CertificateDisplayTextTest, KeepsPrintableUtf8) {
  EXPECT_EQ(display_text("plain ascii.example"), "plain ascii.example");
  EXPECT_EQ(display_text("Ünïcødé 日本 😀"), "Ünïcødé 日本 😀");
  EXPECT_EQ(display_text(""), "");
}

TEST(X509CertificateDisplayTextTest, EscapesWhatIsNotPrintableUtf8) {
  EXPECT_EQ(display_text(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(display_text("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
  EXPECT_EQ(display_text("\xc2\x9b"), "\\xc2\\x9b");                    // C1 control
  EXPECT_EQ(display_text("caf\xe9"), "caf\\xe9");                       // Latin-1, not UTF-8
  EXPECT_EQ(display_text("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(display_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(display_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(display_text("\xe6\x97"), "\\xe6\\x97");                    // cut short
  EXPECT_EQ(display_text("\x80x"), "\\x80x");                           // a lone continuation byte
}

TEST(X509CertificateDisplayTextTest, Backslashes) {
  EXPECT_EQ(display_text("a\\b"), "a\\x5cb");
  EXPECT_EQ(display_text("CN=a\\,b", Backslash::keep), "CN=a\\,b");
  EXPECT_EQ(display_text("\\\x01", Backslash::keep), "\\\\x01");
}

}  // namespace
}  // namespace tlslens::x509
