#include "core/pipeline/analyzer.h"

#include "core/pipeline/tls_connections.h"


namespace tlslens {

namespace {

// How often (in capture time) idle connections are looked for: often enough that memory
// stays bounded on a long live capture, rarely enough to cost nothing per packet.
constexpr int64_t kExpiryCheckIntervalNs = 1'000'000'000;

}  // namespace

// Hands connections to the handler and adds up their TCP statistics for the summary.
class Analyzer::Connections final : public ConnectionObserver {
 public:
  explicit Connections(ConnectionHandler& handler) : handler_(handler) {}

  std::unique_ptr<StreamConsumer> on_connection_start(const Connection& conn) override {
    return handler_.start(conn);
  }

  void on_connection_end(const Connection& conn, StreamConsumer* consumer) override {
    handler_.end(conn, consumer);
    for (const auto& s : conn.stats) {
      gaps += s.gaps;
      gap_bytes += s.gap_bytes;
      retransmitted_bytes += s.retransmitted_bytes;
      out_of_order_segments += s.out_of_order_segments;
      overlap_conflict_bytes += s.overlap_conflicts;
    }
  }

  uint64_t gaps = 0;
  uint64_t gap_bytes = 0;
  uint64_t retransmitted_bytes = 0;
  uint64_t out_of_order_segments = 0;
  uint64_t overlap_conflict_bytes = 0;

 private:
  ConnectionHandler& handler_;
};

Analyzer::Analyzer(const AnalyzerOptions& options, EventSink& sink, ConnectionHandler* handler)
    : sink_(sink),
      own_handler_(handler == nullptr ? std::make_unique<TlsConnections>(sink, options, nullptr) : nullptr),
      decoder_(options.fragment_limits),
      connections_(std::make_unique<Connections>(handler != nullptr ? *handler : *own_handler_)),
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
  s.forced_gap_bytes = f.forced_gap_bytes;
  s.gaps = connections_->gaps;
  s.gap_bytes = connections_->gap_bytes;
  s.retransmitted_bytes = connections_->retransmitted_bytes;
  s.out_of_order_segments = connections_->out_of_order_segments;
  s.overlap_conflict_bytes = connections_->overlap_conflict_bytes;
  s.ip_fragments = d.fragments;
  s.ip_reassembled = d.reassembled;
  s.ip_fragments_dropped = d.fragments_expired + d.fragments_evicted + d.fragments_pending;
  return s;
}

}  // namespace tlslens
