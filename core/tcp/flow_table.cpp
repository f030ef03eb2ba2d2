#include "core/tcp/flow_table.h"

#include <algorithm>
#include <list>
#include <unordered_map>
#include <vector>

namespace tlslens {

const char* to_string(EndReason r) {
  switch (r) {
    case EndReason::fin:
      return "fin";
    case EndReason::rst:
      return "rst";
    case EndReason::idle_timeout:
      return "idle_timeout";
    case EndReason::evicted:
      return "evicted";
    case EndReason::port_reuse:
      return "port_reuse";
    case EndReason::end_of_capture:
      return "end_of_capture";
  }
  return "unknown";
}

namespace {

// The two endpoints in a fixed order, so that both directions of a connection find it.
struct FlowKey {
  Endpoint low;
  Endpoint high;

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const noexcept {
    const EndpointHash hash;
    const size_t a = hash(k.low);
    const size_t b = hash(k.high);
    return a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  }
};

FlowKey key_of(const Endpoint& a, const Endpoint& b) {
  return b < a ? FlowKey{b, a} : FlowKey{a, b};
}

// Which of the key's two endpoints sent the segment: 0 for `low`, 1 for `high`.
int side_of(const FlowKey& key, const Endpoint& sender) {
  return sender == key.low ? 0 : 1;
}

constexpr uint16_t kEphemeralPortStart = 32768;

// Role of the sender of a connection's first captured segment.
bool sender_is_client(const TcpSegment& seg) {
  if (seg.has(tcp_flags::syn)) return !seg.has(tcp_flags::ack);
  const bool src_well_known = seg.src.port < 1024;
  const bool dst_well_known = seg.dst.port < 1024;
  if (src_well_known != dst_well_known) return dst_well_known;
  // Clients take ports from the ephemeral range (Linux 32768-60999, IANA 49152-65535);
  // services such as 4433 or 8443 sit below it.
  const bool src_ephemeral = seg.src.port >= kEphemeralPortStart;
  const bool dst_ephemeral = seg.dst.port >= kEphemeralPortStart;
  if (src_ephemeral != dst_ephemeral) return src_ephemeral;
  return true;
}

// Hands one direction's reassembled stream to the connection's consumer.
class ConsumerOutput final : public StreamReassembler::Output {
 public:
  ConsumerOutput(StreamConsumer* consumer, Direction dir) : consumer_(consumer), dir_(dir) {}

  void data(std::span<const uint8_t> bytes, const SegmentInfo& at) override {
    if (consumer_ != nullptr) consumer_->on_data(dir_, bytes, at);
  }
  void gap(uint64_t missing_bytes, const SegmentInfo& at) override {
    if (consumer_ != nullptr) consumer_->on_gap(dir_, missing_bytes, at);
  }
  void fin(const SegmentInfo& at) override {
    if (consumer_ != nullptr) consumer_->on_fin(dir_, at);
  }

 private:
  StreamConsumer* consumer_;
  Direction dir_;
};

}  // namespace

struct FlowTable::Impl {
  // What an open connection needs; freed as soon as it ends.
  struct OpenConnection {
    OpenConnection(size_t max_buffered, ReassemblyBudget* budget)
        : streams{{max_buffered, budget}, {max_buffered, budget}} {}

    Connection conn;  // consumers may keep a reference: it stays put until the end
    std::unique_ptr<StreamConsumer> consumer;
    StreamReassembler streams[2];  // indexed by index_of(Direction)
    int client_side = 0;           // which side of the FlowKey is the client
    uint64_t last_packet = 0;

    Direction direction_of(int side) const {
      return side == client_side ? Direction::client_to_server : Direction::server_to_client;
    }
    SegmentInfo last_info() const { return {conn.last_seen, last_packet}; }
  };

  struct Flow {
    FlowKey key;
    // tshark's base sequence number per side of the key (see flow_table.h): kept after the
    // connection closes, so that a new SYN is told from a retransmitted one the same way.
    uint32_t base_seq[2] = {};
    bool base_seq_known[2] = {};
    bool closed = false;
    Timestamp closed_at;
    std::list<Flow*>::iterator lru_pos;    // in open_lru, or in lingering once closed
    std::unique_ptr<OpenConnection> open;  // null once closed
  };

  Impl(const FlowLimits& l, ConnectionObserver& o) : limits(l), observer(o) {
    budget.max_total_bytes = limits.max_buffered_total;
  }

  void on_segment(const TcpSegment& seg);
  Flow& create(const FlowKey& key, const TcpSegment& seg);
  void process(Flow& flow, const TcpSegment& seg);
  void end_connection(Flow& flow, EndReason reason, const SegmentInfo& at);
  void linger(Flow& flow, Timestamp now);
  void drop(Flow& flow);
  void make_room_for_one();
  void expire(Timestamp now);
  void finish();

  static void note_base_seqs(Flow& flow, const TcpSegment& seg, int side);
  static bool starts_new_connection(const Flow& flow, const TcpSegment& seg, int side);
  static void copy_stats(OpenConnection& c) {
    for (int i = 0; i < 2; ++i) c.conn.stats[i] = c.streams[i].stats();
  }

  FlowLimits limits;
  ConnectionObserver& observer;
  ReassemblyBudget budget;  // declared before `flows`: reassemblers return their bytes to it
  std::unordered_map<FlowKey, Flow, FlowKeyHash> flows;
  std::list<Flow*> open_lru;   // open connections, least recently active first
  std::list<Flow*> lingering;  // closed connections, earliest closed first
  uint64_t next_id = 1;
  FlowTableStats stats;
};

void FlowTable::Impl::note_base_seqs(Flow& flow, const TcpSegment& seg, int side) {
  if (!flow.base_seq_known[side]) {
    flow.base_seq[side] = seg.has(tcp_flags::syn) ? seg.seq : seg.seq - 1;
    flow.base_seq_known[side] = true;
  }
  const int other = 1 - side;
  if (seg.has(tcp_flags::ack) && !flow.base_seq_known[other]) {
    flow.base_seq[other] = seg.ack - 1;
    flow.base_seq_known[other] = true;
  }
}

bool FlowTable::Impl::starts_new_connection(const Flow& flow, const TcpSegment& seg, int side) {
  const bool opening_syn = (seg.flags & (tcp_flags::syn | tcp_flags::ack)) == tcp_flags::syn;
  return opening_syn && flow.base_seq_known[side] && flow.base_seq[side] != seg.seq;
}

void FlowTable::Impl::on_segment(const TcpSegment& seg) {
  const FlowKey key = key_of(seg.src, seg.dst);
  const int side = side_of(key, seg.src);
  auto it = flows.find(key);
  if (it != flows.end()) {
    Flow& flow = it->second;
    if (starts_new_connection(flow, seg, side)) {
      if (!flow.closed) end_connection(flow, EndReason::port_reuse, flow.open->last_info());
      drop(flow);
      it = flows.end();
    } else if (flow.closed) {
      ++stats.stragglers;
      note_base_seqs(flow, seg, side);
      return;
    }
  }
  Flow& flow = it != flows.end() ? it->second : create(key, seg);
  process(flow, seg);
}

FlowTable::Impl::Flow& FlowTable::Impl::create(const FlowKey& key, const TcpSegment& seg) {
  make_room_for_one();
  Flow& flow = flows.try_emplace(key).first->second;
  flow.key = key;
  flow.open = std::make_unique<OpenConnection>(limits.max_buffered_per_direction, &budget);
  OpenConnection& c = *flow.open;
  const bool client_sent = sender_is_client(seg);
  c.client_side = client_sent ? side_of(key, seg.src) : 1 - side_of(key, seg.src);
  c.conn.id = next_id++;
  c.conn.client = client_sent ? seg.src : seg.dst;
  c.conn.server = client_sent ? seg.dst : seg.src;
  c.conn.handshake_seen = seg.has(tcp_flags::syn);
  c.conn.first_seen = seg.ts;
  c.conn.last_seen = seg.ts;
  c.conn.first_packet = seg.packet_number;
  c.last_packet = seg.packet_number;
  flow.lru_pos = open_lru.insert(open_lru.end(), &flow);
  ++stats.connections;
  ++stats.active;
  stats.peak_active = std::max(stats.peak_active, stats.active);
  c.consumer = observer.on_connection_start(c.conn);
  return flow;
}

void FlowTable::Impl::process(Flow& flow, const TcpSegment& seg) {
  OpenConnection& c = *flow.open;
  const int side = side_of(flow.key, seg.src);
  note_base_seqs(flow, seg, side);
  const Direction dir = c.direction_of(side);
  c.conn.last_seen = seg.ts;
  c.last_packet = seg.packet_number;
  open_lru.splice(open_lru.end(), open_lru, flow.lru_pos);
  if (seg.has(tcp_flags::syn) && seg.has(tcp_flags::ack) == (dir == Direction::server_to_client)) {
    c.conn.handshake_seen = true;
  }

  const SegmentInfo at{seg.ts, seg.packet_number};
  StreamReassembler& sent = c.streams[index_of(dir)];
  if (seg.has(tcp_flags::rst)) {
    sent.on_rst(seg);
    // Everything captured before the reset is delivered first, then the reset itself.
    for (Direction d : {Direction::client_to_server, Direction::server_to_client}) {
      ConsumerOutput out(c.consumer.get(), d);
      c.streams[index_of(d)].flush(at, out);
    }
    if (c.consumer != nullptr) c.consumer->on_rst(dir, at);
    end_connection(flow, EndReason::rst, at);
    linger(flow, seg.ts);
    return;
  }

  ConsumerOutput forward(c.consumer.get(), dir);
  sent.on_segment(seg, forward);
  if (seg.has(tcp_flags::ack)) {
    ConsumerOutput backward(c.consumer.get(), opposite(dir));
    c.streams[index_of(opposite(dir))].on_peer_ack(seg.ack, at, backward);
  }
  copy_stats(c);
  if (c.streams[0].fin_delivered() && c.streams[1].fin_delivered()) {
    end_connection(flow, EndReason::fin, at);
    linger(flow, seg.ts);
  }
}

// Gives the consumer everything still held, then tells the observer. The flow stays in
// the table (in open_lru); the caller decides whether it lingers or goes.
void FlowTable::Impl::end_connection(Flow& flow, EndReason reason, const SegmentInfo& at) {
  OpenConnection& c = *flow.open;
  for (Direction d : {Direction::client_to_server, Direction::server_to_client}) {
    ConsumerOutput out(c.consumer.get(), d);
    c.streams[index_of(d)].flush(at, out);
  }
  copy_stats(c);
  c.conn.end_reason = reason;
  observer.on_connection_end(c.conn, c.consumer.get());
  flow.open.reset();
  --stats.active;
}

void FlowTable::Impl::linger(Flow& flow, Timestamp now) {
  flow.closed = true;
  flow.closed_at = now;
  lingering.splice(lingering.end(), open_lru, flow.lru_pos);
}

void FlowTable::Impl::drop(Flow& flow) {
  (flow.closed ? lingering : open_lru).erase(flow.lru_pos);
  const FlowKey key = flow.key;  // erase() must not read the key from the node it frees
  flows.erase(key);
}

void FlowTable::Impl::make_room_for_one() {
  const size_t cap = std::max<size_t>(1, limits.max_flows);
  while (flows.size() >= cap) {
    if (!lingering.empty()) {
      drop(*lingering.front());
      continue;
    }
    if (open_lru.empty()) return;
    Flow& victim = *open_lru.front();
    ++stats.evicted_by_cap;
    end_connection(victim, EndReason::evicted, victim.open->last_info());
    drop(victim);
  }
}

void FlowTable::Impl::expire(Timestamp now) {
  while (!open_lru.empty()) {
    Flow& flow = *open_lru.front();
    if ((now - flow.open->conn.last_seen).ns <= limits.idle_timeout_ns) break;
    ++stats.ended_idle;
    end_connection(flow, EndReason::idle_timeout, flow.open->last_info());
    // No lingering: a connection that resumes after this long is followed as a new one.
    drop(flow);
  }
  while (!lingering.empty()) {
    Flow& flow = *lingering.front();
    if ((now - flow.closed_at).ns <= limits.closed_linger_ns) break;
    drop(flow);
  }
}

void FlowTable::Impl::finish() {
  std::vector<Flow*> open;
  open.reserve(open_lru.size());
  for (Flow* flow : open_lru) open.push_back(flow);
  std::sort(open.begin(), open.end(), [](const Flow* a, const Flow* b) { return a->open->conn.id < b->open->conn.id; });
  for (Flow* flow : open) end_connection(*flow, EndReason::end_of_capture, flow->open->last_info());
  open_lru.clear();
  lingering.clear();
  flows.clear();
}

FlowTable::FlowTable(const FlowLimits& limits, ConnectionObserver& observer)
    : impl_(std::make_unique<Impl>(limits, observer)) {}

FlowTable::~FlowTable() = default;

void FlowTable::on_segment(const TcpSegment& seg) {
  impl_->on_segment(seg);
}

void FlowTable::expire(Timestamp now) {
  impl_->expire(now);
}

void FlowTable::finish(Timestamp /*now*/) {
  impl_->finish();
}

FlowTableStats FlowTable::stats() const {
  FlowTableStats s = impl_->stats;
  s.forced_gaps = impl_->budget.forced_gaps;
  s.forced_gap_bytes = impl_->budget.forced_gap_bytes;
  return s;
}

size_t FlowTable::tracked() const {
  return impl_->flows.size();
}

size_t FlowTable::buffered_bytes() const {  // bytes held plus the per-piece overhead
  return impl_->budget.used_bytes;
}

}  // namespace tlslens
