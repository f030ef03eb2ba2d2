#include "core/audit/trust_store.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/audit/lazy_ca_file.h"
#include "core/util/openssl_scope.h"

namespace tlslens::audit {
namespace {

using openssl::FreeWith;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;

// Loading provokes OpenSSL errors on purpose (the end of a PEM file is an error); none may
// reach the next OpenSSL caller on this thread.
using openssl::ErrorQueueScope;

// A CA bundle is a few hundred kilobytes; anything far bigger is not one.
constexpr size_t kMaxCaFileSize = size_t{64} << 20;

std::string openssl_reason(std::string_view fallback) {
  unsigned long code = ERR_peek_error();
  if (code == 0) return std::string(fallback);
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : std::string(fallback);
}

bool read_whole_file(const std::string& path, std::vector<unsigned char>& out, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = fmt::format("CA file {} is a directory (use --ca-path for a directory of certificates)", path);
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = fmt::format("cannot read CA file {}: {}", path, std::strerror(errno));
    return false;
  }
  out.clear();
  std::array<unsigned char, 65536> chunk{};
  size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), f)) > 0 && out.size() <= kMaxCaFileSize)
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  bool failed = std::ferror(f) != 0;
  int read_errno = errno;
  std::fclose(f);
  if (failed) {
    error = fmt::format("cannot read CA file {}: {}", path, std::strerror(read_errno));
    return false;
  }
  if (out.size() > kMaxCaFileSize) {
    error = fmt::format("CA file {} is not a certificate bundle (larger than 64 MiB)", path);
    return false;
  }
  return true;
}

enum class FileResult { loaded, no_certificate, corrupt };

// Adds every certificate of a PEM buffer, or the one DER certificate the buffer is.
FileResult add_certificates(X509_STORE* store, const std::vector<unsigned char>& bytes, size_t& added,
                            std::string& detail) {
  static constexpr std::string_view kPemMarker = "-----BEGIN";
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find(kPemMarker) != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    if (!bio) {
      detail = "out of memory";
      return FileResult::corrupt;
    }
    size_t count = 0;
    for (;;) {
      ERR_clear_error();
      X509Ptr cert(PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr));
      if (!cert) {
        unsigned long code = ERR_peek_last_error();
        // The end of the file: no further BEGIN line.
        if (code == 0 || (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE)) break;
        detail = fmt::format("certificate #{} in it could not be read: {}", count + 1, openssl_reason("corrupt"));
        return FileResult::corrupt;
      }
      if (X509_STORE_add_cert(store, cert.get()) != 1) {
        detail = fmt::format("certificate #{} in it was refused: {}", count + 1, openssl_reason("refused"));
        return FileResult::corrupt;
      }
      ++count;
    }
    added += count;
    return count > 0 ? FileResult::loaded : FileResult::no_certificate;
  }
  if (bytes.empty() || bytes.size() > static_cast<size_t>(LONG_MAX)) return FileResult::no_certificate;
  const unsigned char* cursor = bytes.data();
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(bytes.size())));
  if (!cert || cursor != bytes.data() + bytes.size()) return FileResult::no_certificate;
  if (X509_STORE_add_cert(store, cert.get()) != 1) {
    detail = fmt::format("its certificate was refused: {}", openssl_reason("refused"));
    return FileResult::corrupt;
  }
  ++added;
  return FileResult::loaded;
}

bool load_ca_file(X509_STORE* store, const std::string& path, size_t& added, std::string& error) {
  std::vector<unsigned char> bytes;
  if (!read_whole_file(path, bytes, error)) return false;
  std::string detail;
  switch (add_certificates(store, bytes, added, detail)) {
    case FileResult::loaded:
      return true;
    case FileResult::no_certificate:
      error = bytes.empty() ? fmt::format("CA file {} is empty", path)
                            : fmt::format("CA file {} holds no certificate (neither PEM nor DER)", path);
      return false;
    case FileResult::corrupt:
      error = fmt::format("CA file {}: {}", path, detail);
      return false;
  }
  return false;
}

// c_rehash / `openssl rehash` names: 8 hex digits, a dot, a sequence number ("r" for CRLs).
bool is_hash_name(std::string_view name) {
  size_t dot = name.find('.');
  if (dot != 8 || dot + 1 >= name.size()) return false;
  for (size_t i = 0; i < 8; ++i)
    if (std::isxdigit(static_cast<unsigned char>(name[i])) == 0) return false;
  std::string_view suffix = name.substr(dot + 1);
  if (suffix.front() == 'r') suffix.remove_prefix(1);
  return !suffix.empty() && std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Returns the description's detail ("hashed directory", "5 certificates").
bool load_ca_path(X509_STORE* store, const std::string& path, size_t& added, std::string& how, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    error =
        fmt::format("cannot read CA directory {}: {}", path, ec ? ec.message() : std::string(std::strerror(ENOENT)));
    return false;
  }
  if (!fs::is_directory(status)) {
    error = fmt::format("CA directory {} is not a directory (use --ca-file for a file)", path);
    return false;
  }
  std::vector<fs::path> files;
  bool hashed = false;
  fs::directory_iterator it(path, ec);
  if (ec) {
    error = fmt::format("cannot read CA directory {}: {}", path, ec.message());
    return false;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (is_hash_name(name)) hashed = true;
    std::error_code file_ec;
    if (it->is_regular_file(file_ec)) files.push_back(it->path());
  }
  if (ec) {
    error = fmt::format("cannot read CA directory {}: {}", path, ec.message());
    return false;
  }
  if (hashed) {
    // Looked up on demand, by subject hash, as `openssl verify -CApath` does.
    if (X509_STORE_load_path(store, path.c_str()) != 1) {
      error = fmt::format("cannot use CA directory {}: {}", path, openssl_reason("refused"));
      return false;
    }
    how = "hashed directory";
    return true;
  }
  // Not prepared with c_rehash: read each file that holds certificates, skip the others.
  std::sort(files.begin(), files.end());
  size_t before = added;
  for (const fs::path& file : files) {
    std::vector<unsigned char> bytes;
    std::string ignored;
    if (!read_whole_file(file.string(), bytes, ignored)) continue;
    add_certificates(store, bytes, added, ignored);
  }
  if (added == before) {
    error =
        fmt::format("CA directory {} holds no certificates (no c_rehash links, no PEM or DER certificate files)", path);
    return false;
  }
  how = fmt::format("{} certificate{}", added - before, added - before == 1 ? "" : "s");
  return true;
}

std::string default_location(const char* env_name, const char* built_in) {
  const char* env = env_name != nullptr ? std::getenv(env_name) : nullptr;
  return env != nullptr && *env != '\0' ? env : (built_in != nullptr ? built_in : "");
}

// What X509_STORE_set_default_paths adds — the bundle file, the hashed directory, the
// directory as an OSSL_STORE URI, each from its environment variable or built-in default —
// with the bundle read lazily (lazy_ca_file.h); a bundle it refuses is loaded as OpenSSL does.
void add_system_default(X509_STORE* store, const std::string& bundle) {
  if (!add_lazy_ca_file(store, bundle)) {
    X509_STORE_set_default_paths(store);
    return;
  }
  if (X509_LOOKUP* dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()))
    X509_LOOKUP_add_dir(dir, nullptr, X509_FILETYPE_DEFAULT);
  if (X509_LOOKUP* uri = X509_STORE_add_lookup(store, X509_LOOKUP_store()))
    X509_LOOKUP_add_store_ex(uri, nullptr, nullptr, nullptr);
}

}  // namespace

std::optional<TrustStore> TrustStore::load(const std::string& ca_file, const std::string& ca_path, std::string& error) {
  ErrorQueueScope errors;
  TrustStore trust;
  if (ca_file.empty() && ca_path.empty()) {
    // Missing default locations are not an error: the store is then empty and every chain
    // untrusted, which the audit says.
    const std::string file = default_location(X509_get_default_cert_file_env(), X509_get_default_cert_file());
    add_system_default(trust.store_, file);
    trust.description_ = fmt::format("system default ({}, {})", file,
                                     default_location(X509_get_default_cert_dir_env(), X509_get_default_cert_dir()));
    return trust;
  }
  trust.description_.clear();
  std::vector<std::string> parts;
  if (!ca_file.empty()) {
    size_t added = 0;
    if (!load_ca_file(trust.store_, ca_file, added, error)) return std::nullopt;
    parts.push_back(fmt::format("--ca-file {} ({} certificate{})", ca_file, added, added == 1 ? "" : "s"));
  }
  if (!ca_path.empty()) {
    size_t added = 0;
    std::string how;
    if (!load_ca_path(trust.store_, ca_path, added, how, error)) return std::nullopt;
    parts.push_back(fmt::format("--ca-path {} ({})", ca_path, how));
  }
  for (const std::string& part : parts) {
    if (!trust.description_.empty()) trust.description_ += ", ";
    trust.description_ += part;
  }
  return trust;
}

TrustStore::TrustStore() : store_(X509_STORE_new()), description_("empty") {
  if (store_ == nullptr) throw std::bad_alloc();
}

TrustStore::~TrustStore() {
  X509_STORE_free(store_);
}

TrustStore::TrustStore(const TrustStore& other) : store_(other.store_), description_(other.description_) {
  X509_STORE_up_ref(store_);
}

TrustStore& TrustStore::operator=(const TrustStore& other) {
  if (this == &other) return *this;
  X509_STORE_up_ref(other.store_);
  X509_STORE_free(store_);
  store_ = other.store_;
  description_ = other.description_;
  return *this;
}

bool TrustStore::add_certificate(X509* certificate) {
  ErrorQueueScope errors;
  if (certificate == nullptr || X509_STORE_add_cert(store_, certificate) != 1) return false;
  description_ = fmt::format("{} certificate{} added", certificate_count(), certificate_count() == 1 ? "" : "s");
  return true;
}

size_t TrustStore::certificate_count() const {
  if (X509_STORE_lock(store_) != 1) return 0;
  size_t count = 0;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store_);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
    if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) ++count;
  X509_STORE_unlock(store_);
  return count;
}

}  // namespace tlslens::audit
