#include "core/audit/lazy_ca_file.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/util/openssl_scope.h"

namespace tlslens::audit {
namespace {

using openssl::FreeWith;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using NamePtr = std::unique_ptr<X509_NAME, FreeWith<X509_NAME_free>>;

constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kExplicitVersion = 0xA0;  // [0] EXPLICIT Version

// One DER element: its tag and its contents; `whole`, if given, gets tag, length and contents.
// Definite lengths of up to four length bytes, low tag numbers: all a certificate uses.
bool der_element(Reader& in, uint8_t& tag, Reader& contents, Bytes* whole = nullptr) {
  Reader r = in;
  uint8_t first_length = 0;
  if (!r.u8(tag) || (tag & 0x1F) == 0x1F || !r.u8(first_length)) return false;
  size_t length = first_length;
  if (first_length >= 0x80) {
    const size_t length_bytes = first_length & 0x7F;
    if (length_bytes == 0 || length_bytes > 4) return false;
    length = 0;
    for (size_t i = 0; i < length_bytes; ++i) {
      uint8_t b = 0;
      if (!r.u8(b)) return false;
      length = (length << 8) | b;
    }
  }
  if (!r.sub(length, contents)) return false;
  if (whole != nullptr) *whole = in.rest().first(r.offset() - in.offset());
  in = r;
  return true;
}

struct Entry {
  NamePtr subject;
  std::vector<unsigned char> der;
};

struct Index {
  std::vector<Entry> entries;
};

// Points `ret` at the store's own certificate with this subject, without a reference of its
// own: OpenSSL's lookups hand back objects the store owns (its hashed-directory lookup copies
// the pointer), and the caller takes its own reference and never releases `ret`'s.
bool borrow_from_store(X509_STORE* store, const X509_NAME* name, X509_OBJECT* ret) {
  if (X509_STORE_lock(store) != 1) return false;
  X509_OBJECT* held =
      X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, const_cast<X509_NAME*>(name));
  X509* cert = held != nullptr ? X509_OBJECT_get0_X509(held) : nullptr;
  const bool ok = cert != nullptr && X509_OBJECT_set1_X509(ret, cert) == 1;
  if (ok) X509_free(cert);  // undo set1's reference: the store's keeps it alive
  X509_STORE_unlock(store);
  return ok;
}

// "Certificates with this subject": decodes the bundle's matching blocks and adds them to the
// store (a duplicate added by another thread at the same time is not an error); OpenSSL then
// finds every one of them in the store's cache.
int get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret) {
  const auto* index = static_cast<const Index*>(X509_LOOKUP_get_method_data(lookup));
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  if (index == nullptr || store == nullptr || type != X509_LU_X509 || name == nullptr) return 0;
  ERR_set_mark();  // whatever OpenSSL queues here is ours to drop, not the caller's
  bool added = false;
  for (const Entry& entry : index->entries) {
    if (X509_NAME_cmp(entry.subject.get(), name) != 0) continue;
    const unsigned char* p = entry.der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(entry.der.size())));
    if (cert && X509_STORE_add_cert(store, cert.get()) == 1) added = true;  // the store takes its own reference
  }
  const int ok = added && borrow_from_store(store, name, ret) ? 1 : 0;
  ERR_pop_to_mark();
  return ok;
}

void free_index(X509_LOOKUP* lookup) {
  delete static_cast<Index*>(X509_LOOKUP_get_method_data(lookup));
  X509_LOOKUP_set_method_data(lookup, nullptr);
}

X509_LOOKUP_METHOD* lazy_method() {
  static X509_LOOKUP_METHOD* const method = [] {
    X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("tlslens lazy CA bundle");
    if (m != nullptr && (X509_LOOKUP_meth_set_get_by_subject(m, get_by_subject) != 1 ||
                         X509_LOOKUP_meth_set_free(m, free_index) != 1)) {
      X509_LOOKUP_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

// Splits the bundle into blocks and indexes each by subject; false if any block is not a
// plain certificate whose subject can be read (the caller then loads the file eagerly).
bool build_index(const std::string& path, Index& index) {
  BioPtr bio(BIO_new_file(path.c_str(), "rb"));
  if (!bio) return false;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
      const unsigned long code = ERR_peek_last_error();
      // The end of the file is "no start line"; anything else is a broken block.
      return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE &&
             !index.entries.empty();
    }
    const bool plain_certificate =
        (std::strcmp(name, PEM_STRING_X509) == 0 || std::strcmp(name, PEM_STRING_X509_OLD) == 0) &&
        header[0] == '\0' && length > 0;
    Entry entry;
    if (plain_certificate) entry.der.assign(data, data + length);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (!plain_certificate) return false;
    const Bytes subject = certificate_subject_der(entry.der);
    if (subject.empty()) return false;
    const unsigned char* p = subject.data();
    entry.subject.reset(d2i_X509_NAME(nullptr, &p, static_cast<long>(subject.size())));
    if (!entry.subject) return false;
    index.entries.push_back(std::move(entry));
  }
}

}  // namespace

Bytes certificate_subject_der(Bytes der) {
  Reader in(der);
  Reader certificate;
  Reader tbs;
  Reader skipped;
  uint8_t tag = 0;
  if (!der_element(in, tag, certificate) || tag != kSequence) return {};
  if (!der_element(certificate, tag, tbs) || tag != kSequence) return {};
  uint8_t next = 0;
  if (tbs.peek_u8(next) && next == kExplicitVersion && !der_element(tbs, tag, skipped)) return {};
  // serialNumber, signature, issuer, validity; then the subject.
  for (const uint8_t expected : {kInteger, kSequence, kSequence, kSequence})
    if (!der_element(tbs, tag, skipped) || tag != expected) return {};
  Bytes subject;
  if (!der_element(tbs, tag, skipped, &subject) || tag != kSequence) return {};
  return subject;
}

bool add_lazy_ca_file(X509_STORE* store, const std::string& path) {
  X509_LOOKUP_METHOD* method = lazy_method();
  if (store == nullptr || method == nullptr) return false;
  ERR_set_mark();
  auto index = std::make_unique<Index>();
  const bool indexed = build_index(path, *index);
  ERR_pop_to_mark();
  if (!indexed) return false;
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store, method);
  if (lookup == nullptr) return false;
  delete static_cast<Index*>(X509_LOOKUP_get_method_data(lookup));  // a second bundle replaces the first
  X509_LOOKUP_set_method_data(lookup, index.release());
  return true;
}

}  // namespace tlslens::audit
