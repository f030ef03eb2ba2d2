#include "core/pipeline/tls_connections.h"

#include "core/pipeline/analyzer.h"
#include "core/tls/tls_session.h"

namespace tlslens {

namespace {

// Per-connection consumer: reports gaps and hands the bytes to the connection's TLS session.
class TlsConsumer final : public StreamConsumer {
 public:
  TlsConsumer(const Connection& conn, EventSink& sink, const tls::DecryptionContext* decryption)
      : conn_(conn), sink_(sink), tls_(conn, sink, decryption) {}

  void on_data(Direction dir, std::span<const uint8_t> bytes, const SegmentInfo& at) override {
    last_at_ = at;
    tls_.on_data(dir, bytes, at);
  }
  void on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override {
    last_at_ = at;
    sink_.gap(conn_, dir, missing_bytes, at);
    tls_.on_gap(dir, missing_bytes, at);
  }
  void on_rst(Direction dir, const SegmentInfo& at) override {
    last_at_ = at;
    tls_.on_rst(dir, at);
  }
  // The connection ended: the TLS session reports what was left and its summary.
  void finish() { tls_.finish(SegmentInfo{conn_.last_seen, last_at_.packet_number}); }

 private:
  const Connection& conn_;
  EventSink& sink_;
  tls::TlsSession tls_;
  SegmentInfo last_at_;
};

}  // namespace

TlsConnections::TlsConnections(EventSink& sink, const AnalyzerOptions& options,
                               std::shared_ptr<tls::SessionCache> sessions)
    : sink_(sink), keys_(options.keys), sessions_(std::move(sessions)) {
  if (!sessions_) sessions_ = std::make_shared<tls::SessionCache>();
  decryption_.keys = keys_.get();
  decryption_.sessions = sessions_.get();
  decryption_.refresh_keys = options.refresh_keys;
  decryption_.debug_keys = options.debug_keys;
}

std::unique_ptr<StreamConsumer> TlsConnections::start(const Connection& conn) {
  sink_.connection_started(conn);
  return std::make_unique<TlsConsumer>(conn, sink_, keys_ ? &decryption_ : nullptr);
}

void TlsConnections::end(const Connection& conn, StreamConsumer* consumer) {
  if (consumer != nullptr) static_cast<TlsConsumer*>(consumer)->finish();
  sink_.connection_ended(conn);
}

}  // namespace tlslens
