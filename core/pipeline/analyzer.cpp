#include "core/pipeline/analyzer.h"

#include "core/tls/tls_session.h"


namespace tlslens {

namespace {

// How often (in capture time) idle connections are looked for: often enough that memory
// stays bounded on a long live capture, rarely enough to cost nothing per packet.
constexpr int64_t kExpiryCheckIntervalNs = 1'000'000'000;

// Per-connection consumer: reports gaps and hands the bytes to the connection's TLS session.
class ConnectionConsumer final : public StreamConsumer {
 public:
  ConnectionConsumer(const Connection& conn, EventSink& sink, const tls::DecryptionContext* decryption)
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

class Analyzer::Connections final : public ConnectionObserver {
 public:
  Connections(EventSink& sink, const AnalyzerOptions& options) : sink_(sink), keys_(options.keys) {
    decryption_.keys = keys_.get();
    decryption_.sessions = &sessions_;
    decryption_.refresh_keys = options.refresh_keys;
    decryption_.debug_keys = options.debug_keys;
  }

  std::unique_ptr<StreamConsumer> on_connection_start(const Connection& conn) override {
    sink_.connection_started(conn);
    return std::make_unique<ConnectionConsumer>(conn, sink_, keys_ ? &decryption_ : nullptr);
  }

  void on_connection_end(const Connection& conn, StreamConsumer* consumer) override {
    if (consumer != nullptr) static_cast<ConnectionConsumer*>(consumer)->finish();
    for (const auto& s : conn.stats) {
      gaps += s.gaps;
      gap_bytes += s.gap_bytes;
      retransmitted_bytes += s.retransmitted_bytes;
      out_of_order_segments += s.out_of_order_segments;
      overlap_conflict_bytes += s.overlap_conflicts;
    }
    sink_.connection_ended(conn);
  }

  uint64_t gaps = 0;
  uint64_t gap_bytes = 0;
  uint64_t retransmitted_bytes = 0;
  uint64_t out_of_order_segments = 0;
  uint64_t overlap_conflict_bytes = 0;

 private:
  EventSink& sink_;
  std::shared_ptr<const crypto::KeyMaterial> keys_;
  tls::SessionCache sessions_;  // TLS <= 1.2 sessions across connections, for resumption
  tls::DecryptionContext decryption_;
};

Analyzer::Analyzer(const AnalyzerOptions& options, EventSink& sink)
    : sink_(sink),
      decoder_(options.fragment_limits),
      connections_(std::make_unique<Connections>(sink, options)),
      flows_(std::make_unique<FlowTable>(options.flow_limits, *connections_)) {}

Analyzer::~Analyzer() = default;

void Analyzer::process(const Packet& packet) {
  ++packets_;
  if (packet.cut_by_snaplen()) ++cut_by_snaplen_;
  // Capture time only moves forward for expiry purposes, even if the file's timestamps jump back.
  if (packet.ts > last_ts_) last_ts_ = packet.ts;

  TcpSegment segment;
  DecodeResult result = decoder_.decode(packet, segment);
  if (result.status == DecodeStatus::tcp) {
    flows_->on_segment(segment);
  } else if (result.status == DecodeStatus::malformed) {
    sink_.malformed_packet(packet.number, packet.ts, result.reason);
  }

  if (last_ts_ >= next_expiry_check_) {
    flows_->expire(last_ts_);
    next_expiry_check_ = Timestamp{last_ts_.ns + kExpiryCheckIntervalNs};
  }
}

void Analyzer::finish() {
  if (finished_) return;
  finished_ = true;
  flows_->finish(last_ts_);
  sink_.finished(summary());
}

AnalysisSummary Analyzer::summary() const {
  const DecoderStats& d = decoder_.stats();
  FlowTableStats f = flows_->stats();
  AnalysisSummary s;
  s.packets = packets_;
  s.tcp_segments = d.tcp;
  s.not_tcp = d.not_tcp;
  s.malformed = d.malformed;
  s.unsupported_link = d.unsupported_link;
  s.cut_by_snaplen = cut_by_snaplen_;
  s.connections = f.connections;
  s.peak_active_connections = f.peak_active;
  s.evicted_by_cap = f.evicted_by_cap;
  s.ended_idle = f.ended_idle;
  s.forced_gaps = f.forced_gaps;
  s.gaps = connections_->gaps;
  s.gap_bytes = connections_->gap_bytes;
  s.retransmitted_bytes = connections_->retransmitted_bytes;
  s.out_of_order_segments = connections_->out_of_order_segments;
  s.overlap_conflict_bytes = connections_->overlap_conflict_bytes;
  s.ip_fragments = d.fragments;
  s.ip_reassembled = d.reassembled;
  s.ip_fragments_dropped = d.fragments_expired + d.fragments_evicted;
  return s;
}

}  // namespace tlslens
