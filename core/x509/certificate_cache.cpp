#include "core/x509/certificate_cache.h"

namespace tlslens::x509 {

const Certificate& CertificateCache::parse(Bytes der) {
  std::string key(reinterpret_cast<const char*>(der.data()), der.size());
  auto it = by_der_.find(key);
  if (it != by_der_.end()) {
    ++hits_;
    return it->second;
  }
  while (by_der_.size() >= capacity_ && !order_.empty()) {
    by_der_.erase(order_.front());
    order_.pop_front();
  }
  auto [inserted, ok] = by_der_.emplace(key, Certificate::parse(der));
  (void)ok;
  order_.push_back(std::move(key));
  return inserted->second;
}

CertificateCache& CertificateCache::for_this_thread() {
  thread_local CertificateCache cache;
  return cache;
}

}  // namespace tlslens::x509
