// Analyzer: the pipeline from packets to events — decode (link, IP, TCP), reassemble,
// and report to an EventSink. Front ends feed it packets from a PacketSource.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/capture/packet.h"
#include "core/crypto/key_material.h"
#include "core/net/packet_decoder.h"
#include "core/output/event_sink.h"
#include "core/pipeline/connection_handler.h"
#include "core/tcp/flow_table.h"

namespace tlslens {

struct AnalyzerOptions {
  FlowLimits flow_limits;
  FragmentLimits fragment_limits;
  // Key material to decrypt with (null or empty: no decryption). Shared, so a live capture's
  // key log can be refreshed by the front end between packets.
  std::shared_ptr<const crypto::KeyMaterial> keys;
  // Live capture: re-reads the key logs (they grow while we capture). Called, on the thread
  // that calls process(), when a record has no keys yet; null for files.
  std::function<void()> refresh_keys;
  // --debug-keys: one line per derived secret or key, for the connection. Null: key material
  // is never printed.
  std::function<void(const Connection&, std::string_view)> debug_keys;
};

class Analyzer {
 public:
  // `handler` (not owned; null: a TLS session per connection on this thread, TlsConnections)
  // receives each connection; `sink` gets everything else (malformed packets, the summary).
  Analyzer(const AnalyzerOptions& options, EventSink& sink, ConnectionHandler* handler = nullptr);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  void process(const Packet& packet);
  // Ends all connections and reports the summary. Call once, after the last packet.
  void finish();

  AnalysisSummary summary() const;

 private:
  class Connections;
  EventSink& sink_;
  std::unique_ptr<ConnectionHandler> own_handler_;
  PacketDecoder decoder_;
  std::unique_ptr<Connections> connections_;
  std::unique_ptr<FlowTable> flows_;
  Timestamp last_ts_{};
  Timestamp next_expiry_check_{};
  uint64_t packets_ = 0;
  uint64_t cut_by_snaplen_ = 0;
  bool finished_ = false;
};

}  // namespace tlslens
