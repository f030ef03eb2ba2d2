#include "core/audit/verify_contexts.h"

#include <algorithm>
#include <utility>

namespace tlslens::audit {

VerifyContexts::VerifyContexts(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
  entries_.reserve(capacity_);
}

VerifyContexts::~VerifyContexts() {
  for (Entry& e : entries_) {
    e.ready.reset();  // the context refers to the key: free it first
    EVP_PKEY_free(e.key);
  }
}

const EVP_MD_CTX* VerifyContexts::find(EVP_PKEY* key, std::string_view digest, bool pss) {
  // A linear scan: a few dozen pointer comparisons cost far less than one hash of a key.
  for (Entry& e : entries_) {
    if (e.key == key && e.pss == pss && e.digest == digest) {
      e.last_used = ++clock_;
      return e.ready.get();
    }
  }
  return nullptr;
}

const EVP_MD_CTX* VerifyContexts::insert(EVP_PKEY* key, std::string_view digest, bool pss, MdCtxPtr ready) {
  if (key == nullptr || !ready || EVP_PKEY_up_ref(key) != 1) return nullptr;
  Entry entry{key, std::string(digest), pss, std::move(ready), ++clock_};
  if (entries_.size() < capacity_) {
    entries_.push_back(std::move(entry));
    return entries_.back().ready.get();
  }
  auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                 [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
  oldest->ready.reset();
  EVP_PKEY_free(oldest->key);
  *oldest = std::move(entry);
  return oldest->ready.get();
}

VerifyContexts& VerifyContexts::for_this_thread() {
  thread_local VerifyContexts contexts;
  return contexts;
}

}  // namespace tlslens::audit
