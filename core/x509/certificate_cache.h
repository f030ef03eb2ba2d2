// CertificateCache: parsed certificates by their exact DER bytes.
//
// A capture usually shows the same few chains over and over (13 000 connections to one
// server send one chain 13 000 times), and parsing with OpenSSL 3 is the dominant cost of
// decoding. Bounded: at most `capacity` certificates, the oldest forgotten first. One cache
// per thread (certificates share their X509 by reference count, which is thread-safe).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "core/x509/certificate.h"

namespace tlslens::x509 {

class CertificateCache {
 public:
  explicit CertificateCache(size_t capacity = 512) : capacity_(capacity) {}

  // The parsed certificate for these DER bytes (parsed now when not cached).
  const Certificate& parse(Bytes der);

  size_t size() const { return by_der_.size(); }
  uint64_t hits() const { return hits_; }

  // The calling thread's cache.
  static CertificateCache& for_this_thread();

 private:
  size_t capacity_;
  std::unordered_map<std::string, Certificate> by_der_;
  std::deque<std::string> order_;
  uint64_t hits_ = 0;
};

}  // namespace tlslens::x509
