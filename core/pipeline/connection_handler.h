// ConnectionHandler: where the Analyzer hands each TCP connection once the flow table has
// opened it, and hears that it ended. By default a TLS session on the analyzer's own thread
// (TlsConnections); ParallelAnalyzer's forwards the connection to a worker thread.
#pragma once

#include <memory>

#include "core/tcp/flow_table.h"

namespace tlslens {

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A new connection: the returned consumer (may be null) receives its bytes, gaps and resets.
  virtual std::unique_ptr<StreamConsumer> start(const Connection& conn) = 0;
  // The connection ended; `consumer` (what start() returned) has had everything.
  virtual void end(const Connection& conn, StreamConsumer* consumer) = 0;
};

}  // namespace tlslens
