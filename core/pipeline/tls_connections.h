// TlsConnections: what the pipeline does with each TCP connection by default — report it to
// the sink and run a TLS session over its bytes (decrypting when there is key material).
//
// Analyzer uses one on its own thread; ParallelAnalyzer gives each worker thread one, all of
// them sharing one session cache (thread-safe; see core/tls/session_cache.h).
#pragma once

#include <memory>

#include "core/output/event_sink.h"
#include "core/pipeline/connection_handler.h"
#include "core/tls/session_cache.h"
#include "core/tls/session_decryptor.h"

namespace tlslens {

struct AnalyzerOptions;

class TlsConnections final : public ConnectionHandler {
 public:
  TlsConnections(EventSink& sink, const AnalyzerOptions& options, std::shared_ptr<tls::SessionCache> sessions);

  std::unique_ptr<StreamConsumer> start(const Connection& conn) override;
  void end(const Connection& conn, StreamConsumer* consumer) override;

 private:
  EventSink& sink_;
  std::shared_ptr<const crypto::KeyMaterial> keys_;
  std::shared_ptr<tls::SessionCache> sessions_;  // TLS <= 1.2 sessions across connections, for resumption
  tls::DecryptionContext decryption_;
};

}  // namespace tlslens
