#include "audit_cert_factory.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

#include "core/util/openssl_scope.h"


namespace tlslens::audit_test {
namespace {

using openssl::FreeWith;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, FreeWith<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;

EVP_PKEY* generate_rsa(unsigned bits) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (key == nullptr) ADD_FAILURE() << "RSA key generation failed";
  return key;
}

long next_serial() {
  static std::mutex mutex;
  static long serial = 1000;
  std::lock_guard lock(mutex);
  return ++serial;
}

}  // namespace

EVP_PKEY* ec_key(int n) {
  static std::array<KeyPtr, 16> keys;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  KeyPtr& key = keys.at(static_cast<size_t>(n));
  if (!key) key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  return key.get();
}

EVP_PKEY* ec_p192_key() {
  static KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-192"));
  return key.get();
}

EVP_PKEY* rsa_1024_key() {
  static KeyPtr key(generate_rsa(1024));
  return key.get();
}

EVP_PKEY* rsa_2048_key() {
  static KeyPtr key(generate_rsa(2048));
  return key.get();
}

CertBuilder::CertBuilder(std::string cn) : cn_(std::move(cn)), key_(ec_key(0)), digest_(EVP_sha256()) {}

CertBuilder& CertBuilder::key(EVP_PKEY* key) {
  key_ = key;
  return *this;
}

CertBuilder& CertBuilder::issued_by(const x509::Certificate& issuer, EVP_PKEY* issuer_key) {
  issuer_ = issuer.x509();
  issuer_key_ = issuer_key;
  return *this;
}

CertBuilder& CertBuilder::issuer_name_only(const std::string& issuer_cn, EVP_PKEY* issuer_key) {
  issuer_cn_ = issuer_cn;
  issuer_key_ = issuer_key;
  return *this;
}

CertBuilder& CertBuilder::validity(int64_t not_before, int64_t not_after) {
  not_before_ = not_before;
  not_after_ = not_after;
  return *this;
}

CertBuilder& CertBuilder::dns(std::string name) {
  san_.push_back("DNS:" + name);
  return *this;
}

CertBuilder& CertBuilder::ip(std::string address) {
  san_.push_back("IP:" + address);
  return *this;
}

CertBuilder& CertBuilder::no_subject_alt_name() {
  no_san_ = true;
  return *this;
}

CertBuilder& CertBuilder::extension(int nid, std::string value) {
  for (auto& [existing, text] : extensions_)
    if (existing == nid) {
      text = std::move(value);
      return *this;
    }
  extensions_.emplace_back(nid, std::move(value));
  return *this;
}

CertBuilder& CertBuilder::ca(int path_length) {
  extension(NID_basic_constraints,
            path_length >= 0 ? "critical,CA:TRUE,pathlen:" + std::to_string(path_length) : "critical,CA:TRUE");
  extension(NID_key_usage, "critical,keyCertSign,cRLSign");
  return *this;
}

CertBuilder& CertBuilder::digest(const EVP_MD* digest) {
  digest_ = digest;
  return *this;
}

CertBuilder& CertBuilder::no_key_identifiers() {
  key_identifiers_ = false;
  return *this;
}

std::vector<uint8_t> CertBuilder::der() const {
  x509::X509Ptr x(X509_new());
  X509_set_version(x.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), next_serial());
  X509_NAME* subject = X509_get_subject_name(x.get());
  if (!cn_.empty())
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn_.c_str()), -1,
                               -1, 0);
  if (issuer_ != nullptr) {
    X509_set_issuer_name(x.get(), X509_get_subject_name(issuer_));
  } else if (!issuer_cn_.empty()) {
    X509_NAME* issuer = X509_get_issuer_name(x.get());
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(issuer_cn_.c_str()),
                               -1, -1, 0);
  } else {
    X509_set_issuer_name(x.get(), subject);
  }
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(not_before_));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(not_after_));
  X509_set_pubkey(x.get(), key_);

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_ != nullptr ? issuer_ : x.get(), x.get(), nullptr, nullptr, 0);
  auto add = [&](int nid, const std::string& value) {
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext) {
      ADD_FAILURE() << "bad extension " << OBJ_nid2sn(nid) << " = " << value;
      return;
    }
    X509_add_ext(x.get(), ext.get(), -1);
  };
  bool self_issued = issuer_ == nullptr && issuer_cn_.empty();
  if (key_identifiers_) {
    add(NID_subject_key_identifier, "hash");
    if (issuer_ != nullptr) add(NID_authority_key_identifier, "keyid:always");
  }
  for (const auto& [nid, value] : extensions_) add(nid, value);
  if (!no_san_ && !san_.empty()) {
    std::string value;
    for (const std::string& name : san_) value += (value.empty() ? "" : ",") + name;
    add(NID_subject_alt_name, value);
  }
  EVP_PKEY* signer = self_issued ? key_ : issuer_key_;
  const EVP_MD* md = digest_;
  int id = EVP_PKEY_get_base_id(signer);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) md = nullptr;
  if (X509_sign(x.get(), signer, md) <= 0) ADD_FAILURE() << "X509_sign failed for " << cn_;
  int length = i2d_X509(x.get(), nullptr);
  std::vector<uint8_t> out(static_cast<size_t>(std::max(length, 0)));
  unsigned char* p = out.data();
  i2d_X509(x.get(), &p);
  return out;
}

x509::Certificate CertBuilder::build() const {
  std::vector<uint8_t> bytes = der();
  x509::Certificate cert = x509::Certificate::parse(bytes);
  EXPECT_TRUE(cert.info().parsed) << cn_ << ": " << cert.info().parse_error;
  return cert;
}

std::string pem(const x509::Certificate& cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.x509());
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

}  // namespace tlslens::audit_test
