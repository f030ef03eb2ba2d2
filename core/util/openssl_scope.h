// RAII for OpenSSL, shared by every module that calls it: unique_ptr deleters for OpenSSL's
// free functions, and a scope that keeps OpenSSL's thread-local error queue empty.
#pragma once

#include <openssl/err.h>

#include <memory>

namespace tlslens::openssl {

// std::unique_ptr<X509, FreeWith<X509_free>>: the deleter for any OpenSSL free function.
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

// Clears the calling thread's OpenSSL error queue on entry and on exit, so that errors a
// function provokes on purpose (a failed lookup, the end of a PEM file) never reach the next
// OpenSSL caller on this thread as if they were its own.
class ErrorQueueScope {
 public:
  ErrorQueueScope() { ERR_clear_error(); }
  ~ErrorQueueScope() { ERR_clear_error(); }
  ErrorQueueScope(const ErrorQueueScope&) = delete;
  ErrorQueueScope& operator=(const ErrorQueueScope&) = delete;
};

}  // namespace tlslens::openssl
