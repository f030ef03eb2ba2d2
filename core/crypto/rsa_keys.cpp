#include "core/crypto/rsa_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/crypto/providers.h"
#include "core/util/openssl_scope.h"

namespace tlslens::crypto {

namespace {

using openssl::FreeWith;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, FreeWith<PKCS12_free>>;
using X509SigPtr = std::unique_ptr<X509_SIG, FreeWith<X509_SIG_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, FreeWith<PKCS8_PRIV_KEY_INFO_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;

void free_certificates(STACK_OF(X509) * certs) {
  sk_X509_pop_free(certs, X509_free);
}
using X509StackPtr = std::unique_ptr<STACK_OF(X509), FreeWith<free_certificates>>;

// Key files are small; anything bigger is not one (and is not read into memory whole).
constexpr long kMaxKeyFileSize = 1 << 20;

// File bytes that may be a private key: zeroed when dropped.
struct SecretFile {
  std::vector<uint8_t> bytes;
  ~SecretFile() {
    if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
  }
};

bool read_key_file(const std::string& path, SecretFile& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = "cannot read RSA key " + path + ": " + std::strerror(errno);
    return false;
  }
  out.bytes.resize(static_cast<size_t>(kMaxKeyFileSize) + 1);
  size_t n = std::fread(out.bytes.data(), 1, out.bytes.size(), f);
  bool failed = std::ferror(f) != 0;
  int read_errno = errno;
  std::fclose(f);
  if (failed) {
    error = "cannot read RSA key " + path + ": " + std::strerror(read_errno);
    return false;
  }
  if (n > static_cast<size_t>(kMaxKeyFileSize)) {
    error = path + " is not a private key (it is larger than any key file)";
    return false;
  }
  // Shrinking in place keeps the one buffer, so every byte read is zeroed by ~SecretFile.
  OPENSSL_cleanse(out.bytes.data() + n, out.bytes.size() - n);
  out.bytes.resize(n);
  if (n == 0) {
    error = path + " is empty, not a private key";
    return false;
  }
  return true;
}

// OpenSSL's reason for the newest error, for messages of last resort.
std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  if (e == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "error " + std::to_string(ERR_GET_REASON(e));
}

bool is_unsupported_error() {
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    int reason = ERR_GET_REASON(e);
    // A decoder's "unsupported" only says the bytes were not a key it knows: after a
    // decryption with a wrong password that is what garbage looks like, not a missing cipher.
    if ((reason == ERR_R_UNSUPPORTED && ERR_GET_LIB(e) != ERR_LIB_OSSL_DECODER) ||
        (ERR_GET_LIB(e) == ERR_LIB_EVP && reason == EVP_R_UNSUPPORTED_ALGORITHM) ||
        (ERR_GET_LIB(e) == ERR_LIB_EVP && reason == EVP_R_UNSUPPORTED_CIPHER))
      return true;
  }
  return false;
}

struct PasswordState {
  const std::string* password;
  bool asked = false;
};

int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* state = static_cast<PasswordState*>(user);
  state->asked = true;
  const std::string& password = *state->password;
  if (password.empty() || password.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, password.data(), password.size());
  return static_cast<int>(password.size());
}

std::string encrypted_message(const std::string& path, const std::string& password) {
  if (password.empty()) return "RSA key " + path + " is encrypted: give its password (-p)";
  return "wrong password for RSA key " + path;
}

// The PEM block names in a file ("CERTIFICATE", "PRIVATE KEY"), to say what it holds instead.
std::vector<std::string> pem_block_names(std::string_view text) {
  std::vector<std::string> names;
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t pos = 0;
  while ((pos = text.find(kBegin, pos)) != std::string_view::npos) {
    pos += kBegin.size();
    size_t end = text.find("-----", pos);
    if (end == std::string_view::npos || end - pos > 64) break;
    names.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return names;
}

EvpPkeyPtr load_pem(const std::string& path, const SecretFile& file, const std::string& password, std::string& error) {
  BioPtr bio(BIO_new_mem_buf(file.bytes.data(), static_cast<int>(file.bytes.size())));
  if (!bio) {
    error = "cannot read RSA key " + path + ": out of memory";
    return nullptr;
  }
  PasswordState state{&password};
  EvpPkeyPtr key(PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, password_callback, &state, nullptr, nullptr));
  if (key) return key;
  std::string_view text(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size());
  std::vector<std::string> names = pem_block_names(text);
  bool has_key_block = false;
  for (const std::string& name : names)
    if (name.find("PRIVATE KEY") != std::string::npos) has_key_block = true;
  if (state.asked) {
    error = is_unsupported_error() ? path + " is encrypted with an algorithm OpenSSL cannot use here"
                                   : encrypted_message(path, password);
  } else if (!has_key_block) {
    std::string found;
    for (const std::string& name : names) found += (found.empty() ? "" : ", ") + name;
    error = path + " holds no private key (it holds: " + found + ")";
  } else {
    error = "cannot read the private key in " + path + ": " + openssl_reason();
  }
  return nullptr;
}

EvpPkeyPtr load_pkcs12(const std::string& path, PKCS12* p12, const std::string& password, std::string& error) {
  if (PKCS12_mac_present(p12)) {
    bool mac_ok = password.empty() ? PKCS12_verify_mac(p12, nullptr, 0) == 1 || PKCS12_verify_mac(p12, "", 0) == 1
                                   : PKCS12_verify_mac(p12, password.c_str(), static_cast<int>(password.size())) == 1;
    if (!mac_ok) {
      error = password.empty() ? "PKCS#12 file " + path + " is protected by a password: give it (-p)"
                               : "wrong password for PKCS#12 file " + path;
      return nullptr;
    }
  }
  EVP_PKEY* raw_key = nullptr;
  X509* raw_cert = nullptr;
  STACK_OF(X509)* raw_ca = nullptr;
  int ok = PKCS12_parse(p12, password.c_str(), &raw_key, &raw_cert, &raw_ca);
  EvpPkeyPtr key(raw_key);
  X509Ptr cert(raw_cert);
  X509StackPtr ca(raw_ca);
  if (ok != 1) {
    if (is_unsupported_error()) {
      error = legacy_provider_available()
                  ? "PKCS#12 file " + path + " is encrypted with an algorithm OpenSSL does not support"
                  : "PKCS#12 file " + path +
                        " is encrypted with a legacy algorithm (RC2, RC4 or DES) and OpenSSL's legacy provider "
                        "is not available";
    } else {
      error = "cannot read PKCS#12 file " + path + ": " + openssl_reason();
    }
    return nullptr;
  }
  if (!key) {
    error = "PKCS#12 file " + path + " holds no private key";
    return nullptr;
  }
  return key;
}

EvpPkeyPtr load_der(const std::string& path, const SecretFile& file, const std::string& password, std::string& error) {
  const unsigned char* begin = file.bytes.data();
  long size = static_cast<long>(file.bytes.size());

  const unsigned char* p = begin;
  if (Pkcs12Ptr p12{d2i_PKCS12(nullptr, &p, size)}) return load_pkcs12(path, p12.get(), password, error);
  ERR_clear_error();

  p = begin;
  if (X509SigPtr encrypted{d2i_X509_SIG(nullptr, &p, size)}) {
    if (password.empty()) {
      error = encrypted_message(path, password);
      return nullptr;
    }
    Pkcs8Ptr info(
        PKCS8_decrypt_ex(encrypted.get(), password.data(), static_cast<int>(password.size()), nullptr, nullptr));
    if (!info) {
      error = is_unsupported_error() ? path + " is encrypted with an algorithm OpenSSL cannot use here"
                                     : encrypted_message(path, password);
      return nullptr;
    }
    EvpPkeyPtr key(EVP_PKCS82PKEY_ex(info.get(), nullptr, nullptr));
    if (!key) error = "cannot read the private key in " + path + ": " + openssl_reason();
    return key;
  }
  ERR_clear_error();

  p = begin;
  if (EvpPkeyPtr key{d2i_AutoPrivateKey_ex(nullptr, &p, size, nullptr, nullptr)}) return key;
  ERR_clear_error();

  p = begin;
  if (X509Ptr cert{d2i_X509(nullptr, &p, size)}) {
    error = path + " is a certificate, not a private key";
    return nullptr;
  }
  error = path + " is not a private key (neither PEM nor DER PKCS#1, PKCS#8 or PKCS#12)";
  return nullptr;
}

bool looks_like_pem(const SecretFile& file) {
  std::string_view text(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size());
  return text.find("-----BEGIN ") != std::string_view::npos;
}

std::string key_type_name(EVP_PKEY* key) {
  const char* name = EVP_PKEY_get0_type_name(key);
  return name != nullptr ? name : "unknown";
}

}  // namespace

EvpPkeyPtr load_private_key(const std::string& path, const std::string& password, std::string& error) {
  load_crypto_providers();
  SecretFile file;
  if (!read_key_file(path, file, error)) return nullptr;
  EvpPkeyPtr key = looks_like_pem(file) ? load_pem(path, file, password, error) : load_der(path, file, password, error);
  ERR_clear_error();
  return key;
}

// ---- the store --------------------------------------------------------------------------

RsaKeyStore::RsaKeyStore() = default;
RsaKeyStore::~RsaKeyStore() = default;
RsaKeyStore::RsaKeyStore(RsaKeyStore&&) noexcept = default;
RsaKeyStore& RsaKeyStore::operator=(RsaKeyStore&&) noexcept = default;

bool RsaKeyStore::add_file(const std::string& path, const std::string& password, std::optional<Endpoint> bound_to,
                           std::string& error) {
  EvpPkeyPtr key = load_private_key(path, password, error);
  if (!key) return false;
  if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    error = path + " holds a key of type " + key_type_name(key.get()) +
            ", not RSA: only RSA key exchange can be decrypted with a private key";
    ERR_clear_error();
    return false;
  }
  keys_.push_back(Entry{std::move(key), bound_to});
  return true;
}

bool RsaKeyStore::add_key(EVP_PKEY* key, std::optional<Endpoint> bound_to, std::string& error) {
  if (key == nullptr || !EVP_PKEY_is_a(key, "RSA")) {
    error = key == nullptr ? "no key" : "not an RSA key (" + key_type_name(key) + ")";
    ERR_clear_error();
    return false;
  }
  if (EVP_PKEY_up_ref(key) != 1) {
    error = "cannot take a reference to the key";
    ERR_clear_error();
    return false;
  }
  keys_.push_back(Entry{EvpPkeyPtr(key), bound_to});
  return true;
}

EVP_PKEY* RsaKeyStore::find(const Endpoint& server, X509* server_certificate) const {
  for (const Entry& e : keys_)
    if (e.bound && *e.bound == server) return e.key.get();
  if (server_certificate != nullptr) {
    for (const Entry& e : keys_)
      if (matches_certificate(e.key.get(), server_certificate)) return e.key.get();
  }
  EVP_PKEY* only_unbound = nullptr;
  size_t unbound = 0;
  for (const Entry& e : keys_) {
    if (e.bound) continue;
    ++unbound;
    only_unbound = e.key.get();
  }
  return unbound == 1 ? only_unbound : nullptr;
}

bool RsaKeyStore::matches_certificate(EVP_PKEY* key, X509* certificate) {
  if (key == nullptr || certificate == nullptr) return false;
  ERR_set_mark();
  EVP_PKEY* public_key = X509_get0_pubkey(certificate);
  // EVP_PKEY_eq compares the public components only, so a private key equals its public half.
  bool same = public_key != nullptr && EVP_PKEY_eq(key, public_key) == 1;
  ERR_pop_to_mark();
  return same;
}

std::optional<std::vector<uint8_t>> RsaKeyStore::decrypt_premaster(EVP_PKEY* key, Bytes encrypted) {
  if (key == nullptr || encrypted.empty()) return std::nullopt;
  ERR_set_mark();
  std::optional<std::vector<uint8_t>> result;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx && EVP_PKEY_decrypt_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1) {
    bool params_ok = true;
#ifdef OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION
    // OpenSSL >= 3.2 answers bad padding with a random plaintext (against Bleichenbacher
    // oracles); a passive analyser needs to know that the key is wrong instead.
    unsigned int implicit_rejection = 0;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION, &implicit_rejection),
                           OSSL_PARAM_construct_end()};
    params_ok = EVP_PKEY_CTX_set_params(ctx.get(), params) == 1;
#endif
    size_t size = 0;
    if (params_ok && EVP_PKEY_decrypt(ctx.get(), nullptr, &size, encrypted.data(), encrypted.size()) == 1) {
      std::vector<uint8_t> plain(size);
      if (EVP_PKEY_decrypt(ctx.get(), plain.data(), &size, encrypted.data(), encrypted.size()) == 1 && size == 48)
        result.emplace(plain.begin(), plain.begin() + 48);
      OPENSSL_cleanse(plain.data(), plain.size());
    }
  }
  ERR_pop_to_mark();
  return result;
}

// ---- -k FILE / IP:PORT:FILE -------------------------------------------------------------

namespace {

bool parse_port(std::string_view text, uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

bool parse_rsa_key_spec(const std::string& spec, std::string& path, std::optional<Endpoint>& bound,
                        std::string& error) {
  bound.reset();
  path.clear();
  if (spec.empty()) {
    error = "empty RSA key argument";
    return false;
  }
  IpAddress address;
  size_t after_address = std::string::npos;  // index of the ':' after the address
  if (spec.front() == '[') {
    size_t close = spec.find(']');
    if (close != std::string::npos && close + 1 < spec.size() && spec[close + 1] == ':') {
      address = IpAddress::parse(spec.substr(1, close - 1));
      if (address.version == 6) after_address = close + 1;
    }
  } else if (size_t colon = spec.find(':'); colon != std::string::npos) {
    address = IpAddress::parse(spec.substr(0, colon));
    if (address.version == 4) after_address = colon;
  }
  if (after_address == std::string::npos) {
    path = spec;  // a plain path, colons and all
    return true;
  }
  std::string_view rest = std::string_view(spec).substr(after_address + 1);
  size_t colon = rest.find(':');
  uint16_t port = 0;
  if (colon == std::string_view::npos || !parse_port(rest.substr(0, colon), port)) {
    error = "bad RSA key argument '" + spec + "': expected IP:PORT:FILE with a port from 1 to 65535";
    return false;
  }
  if (colon + 1 == rest.size()) {
    error = "bad RSA key argument '" + spec + "': no file after IP:PORT:";
    return false;
  }
  path = std::string(rest.substr(colon + 1));
  bound = Endpoint{address, port};
  return true;
}

}  // namespace tlslens::crypto
