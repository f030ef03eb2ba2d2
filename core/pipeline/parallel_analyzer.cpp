#include "core/pipeline/parallel_analyzer.h"

#include <algorithm>
#include <chrono>

#include "core/net/address.h"
#include "core/pipeline/ordered_writer.h"
#include "core/pipeline/parallel_worker.h"

namespace tlslens {

using parallel::OrderedWriter;
using parallel::ParallelWorker;
using parallel::Task;
using parallel::TaskKind;
using parallel::WorkBatch;

namespace {

// A round ends after the packet that brings its payload past this (or its tasks past
// kRoundTasks); then every worker gets its share. Big enough that handing over costs nothing
// per packet, small enough that the queues stay small.
constexpr size_t kRoundBytes = 512u << 10;
constexpr size_t kRoundTasks = 2048;

}  // namespace

uint64_t connection_hash(const Endpoint& client, const Endpoint& server) {
  // FNV's low bits follow the parity of the ports alone (a multiply by an odd number keeps
  // the low bit), and a traffic generator's ports can follow its kinds of connection: one
  // worker got 44 % more work. So mix all bits in (splitmix64's finaliser).
  const EndpointHash hash;
  uint64_t h = hash(client) * 0x9E3779B97F4A7C15ull ^ hash(server);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

unsigned worker_for_connection(uint64_t hash, unsigned workers, unsigned reader_share) {
  if (workers <= 1 || (hash & (kShareScale - 1)) < reader_share) return 0;
  return 1 + static_cast<unsigned>((hash >> 32) % (workers - 1));  // bits independent of the share's
}

unsigned worker_for_connection(const Endpoint& client, const Endpoint& server, unsigned workers) {
  const unsigned even = workers == 0 ? kShareScale : kShareScale / workers;
  return worker_for_connection(connection_hash(client, server), workers, even);
}

// The calling thread's side: the flow table's calls become tasks for the connection's worker.
class ParallelAnalyzer::Impl final : public EventSink, public ConnectionHandler {
  using Clock = std::chrono::steady_clock;

 public:
  Impl(const AnalyzerOptions& options, unsigned workers, const WorkerOutputFactory& make_output, OutputStream& out,
       std::optional<double> reader_share)
      : writer_(workers, out),
        progress_(workers_),
        out_(out),
        rounds_(workers),
        started_(workers),
        slots_(workers),
        share_model_(workers, ParallelWorker::kQueuedRounds),
        fixed_share_(reader_share.has_value()) {
    auto sessions = std::make_shared<tls::SessionCache>();
    for (unsigned i = 0; i < workers; ++i)
      workers_.push_back(std::make_unique<ParallelWorker>(i, options, sessions, make_output, writer_, progress_));
    for (size_t i = 1; i < workers_.size(); ++i) workers_[i]->start();  // worker 0 is this thread
    reader_share_ = fixed_share_ ? static_cast<unsigned>(std::clamp(*reader_share, 0.0, 1.0) * kShareScale)
                                 : share_model_.share();
    round_started_ = Clock::now();
    for (auto& r : rounds_) r.reserve(kRoundTasks);
    analyzer_ = std::make_unique<Analyzer>(options, *this, this);
  }

  ~Impl() override { stop_threads(); }

  void process(const Packet& packet) {
    memory_ = packet.memory;
    analyzer_->process(packet);
    memory_ = nullptr;
    if (round_bytes_ >= kRoundBytes || round_tasks_ >= kRoundTasks) hand_over_round();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    analyzer_->finish();  // ends every connection (tasks) and calls finished() below
    hand_over_round();
    stop_threads();
    WorkerOutput& first = workers_[0]->output();
    for (size_t i = 1; i < workers_.size(); ++i) first.absorb(workers_[i]->output());
    first.sink().finished(analyzer_->summary());
    out_.write(workers_[0]->stream().buffered());
    workers_[0]->stream().discard_buffered();
  }

  AnalysisSummary summary() const { return analyzer_->summary(); }
  std::vector<uint64_t> connections_per_worker() const { return started_; }
  uint64_t waits_for_earlier_events() const { return progress_.waits(); }
  WorkerOutput& primary_output() { return workers_[0]->output(); }

  // ---- ConnectionHandler
  std::unique_ptr<StreamConsumer> start(const Connection& conn) override {
    const unsigned worker = worker_for_connection(connection_hash(conn.client, conn.server),
                                                  static_cast<unsigned>(workers_.size()), reader_share_);
    ++started_[worker];
    const uint32_t slot = slots_[worker].take();
    add(worker, TaskKind::start, conn, slot);
    return std::make_unique<Forwarder>(*this, conn, worker, slot);
  }
  void end(const Connection& conn, StreamConsumer* consumer) override {
    const auto* forwarder = static_cast<Forwarder*>(consumer);
    add(forwarder->worker(), TaskKind::end, conn, forwarder->slot());
    slots_[forwarder->worker()].give_back(forwarder->slot());
  }

  // ---- EventSink: what the analyzer reports itself
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override {
    Task& t = add_task(0, TaskKind::malformed, 0);  // no connection: the slot is not read
    t.at = SegmentInfo{ts, packet_number};
    t.reason = reason;
  }
  void finished(const AnalysisSummary& /*summary*/) override {}  // reported by finish()

 private:
  class Forwarder final : public StreamConsumer {
   public:
    Forwarder(Impl& impl, const Connection& conn, unsigned worker, uint32_t slot)
        : impl_(impl), conn_(conn), worker_(worker), slot_(slot) {}
    unsigned worker() const { return worker_; }
    uint32_t slot() const { return slot_; }
    void on_data(Direction dir, std::span<const uint8_t> bytes, const SegmentInfo& at) override {
      Task& t = impl_.add(worker_, TaskKind::data, conn_, slot_, dir, at);
      WorkBatch& b = impl_.rounds_[worker_];
      t.length = bytes.size();
      impl_.round_bytes_ += bytes.size();
      const PacketMemory* memory = impl_.memory_;
      if (memory != nullptr && memory->holds(bytes)) {  // the packet's own bytes, in a read block
        t.external = bytes.data();
        if (b.kept.empty() || b.kept.back() != memory->keep) b.kept.push_back(memory->keep);
        return;
      }
      t.offset = b.bytes.size();  // reassembled or defragmented bytes: copied
      b.bytes.insert(b.bytes.end(), bytes.begin(), bytes.end());
    }
    void on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override {
      impl_.add(worker_, TaskKind::gap, conn_, slot_, dir, at).length = missing_bytes;
    }
    void on_rst(Direction dir, const SegmentInfo& at) override {
      impl_.add(worker_, TaskKind::rst, conn_, slot_, dir, at);
    }

   private:
    Impl& impl_;
    const Connection& conn_;
    unsigned worker_;
    uint32_t slot_;
  };

  // Each worker's connection slots (Task::slot): a freed number is taken again before a new
  // one, so the worker's table grows only to its most connections at once.
  class Slots {
   public:
    uint32_t take() {
      if (free_.empty()) return next_++;
      const uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    void give_back(uint32_t slot) { free_.push_back(slot); }

   private:
    std::vector<uint32_t> free_;
    uint32_t next_ = 0;
  };

  Task& add_task(unsigned worker, TaskKind kind, uint32_t slot) {
    WorkBatch& b = rounds_[worker];
    Task& t = b.tasks.emplace_back();
    t.seq = ++seq_;
    t.kind = kind;
    t.slot = slot;
    ++round_tasks_;
    return t;
  }
  Task& add(unsigned worker, TaskKind kind, const Connection& conn, uint32_t slot,
            Direction dir = Direction::client_to_server, const SegmentInfo& at = {}) {
    WorkBatch& b = rounds_[worker];
    Task& t = add_task(worker, kind, slot);
    t.dir = dir;
    t.at = at;
    if (kind != TaskKind::data) {
      t.snapshot = static_cast<uint32_t>(b.snapshots.size());
      b.snapshots.push_back(conn);
    }
    return t;
  }

  // Every worker gets its share of the round, with the same horizon, so that each worker's
  // progress says how far it is in the whole order (see WorkBatch). The other workers get
  // theirs first: worker 0's tasks (run here, now) may wait for their earlier events.
  void hand_over_round() {
    const Clock::time_point read_done = Clock::now();
    for (size_t i = 1; i < workers_.size(); ++i) {
      WorkBatch batch = std::move(rounds_[i]);
      batch.horizon = seq_;
      workers_[i]->push(std::move(batch));
      rounds_[i] = WorkBatch{};
      if (!workers_[i]->take_spent(rounds_[i])) rounds_[i].reserve(kRoundTasks);
    }
    rounds_[0].horizon = seq_;
    workers_[0]->run_inline(rounds_[0]);
    balance(read_done - round_started_);
    round_started_ = Clock::now();  // the writing below counts as this thread's reading: all but its share
    writer_.write_ready();
    round_bytes_ = 0;
    round_tasks_ = 0;
  }

  // The calling thread's share of new connections, from what a byte cost each side (ReaderShare):
  // its reading time this round, and every worker's batches since the last (worker 0's are its own).
  void balance(Clock::duration read) {
    if (fixed_share_ || workers_.size() < 2) return;
    parallel::WorkDone others;
    for (size_t i = 1; i < workers_.size(); ++i) others += workers_[i]->done();
    const parallel::WorkDone own = workers_[0]->done();
    parallel::ReaderShare::Round round;
    round.read_ns = static_cast<uint64_t>(std::chrono::nanoseconds(read).count());
    round.round_bytes = round_bytes_;
    round.own_ns = own.ns - own_seen_.ns;
    round.own_bytes = own.bytes - own_seen_.bytes;
    round.others_ns = others.ns - others_seen_.ns;
    round.others_bytes = others.bytes - others_seen_.bytes;
    for (size_t i = 1; i < workers_.size(); ++i) round.backlog = std::max(round.backlog, workers_[i]->backlog());
    reader_share_ = share_model_.update(round);
    own_seen_ = own;
    others_seen_ = others;
  }

  void stop_threads() {
    if (stopped_) return;
    stopped_ = true;
    for (size_t i = 1; i < workers_.size(); ++i) {
      WorkBatch stop;
      stop.stop = true;
      workers_[i]->push(std::move(stop));
    }
    for (auto& w : workers_) w->join();
    writer_.close();
  }

  OrderedWriter writer_;
  std::vector<std::unique_ptr<ParallelWorker>> workers_;
  parallel::WorkerProgress progress_;
  OutputStream& out_;
  std::vector<WorkBatch> rounds_;  // the round being filled, per worker
  std::unique_ptr<Analyzer> analyzer_;
  const PacketMemory* memory_ = nullptr;  // where the packet being processed lives, if kept memory
  uint64_t seq_ = 0;
  size_t round_bytes_ = 0;
  size_t round_tasks_ = 0;
  std::vector<uint64_t> started_;  // connections per worker
  std::vector<Slots> slots_;       // per worker
  parallel::ReaderShare share_model_;
  bool fixed_share_;
  unsigned reader_share_ = 0;  // of kShareScale
  Clock::time_point round_started_;  // when this thread began reading the round
  parallel::WorkDone own_seen_;     // worker 0's and the others' work at the last round
  parallel::WorkDone others_seen_;
  bool finished_ = false;
  bool stopped_ = false;
};

ParallelAnalyzer::ParallelAnalyzer(const AnalyzerOptions& options, unsigned workers,
                                   const WorkerOutputFactory& make_output, OutputStream& out,
                                   std::optional<double> reader_share)
    : impl_(std::make_unique<Impl>(options, workers == 0 ? 1 : workers, make_output, out, reader_share)) {}

ParallelAnalyzer::~ParallelAnalyzer() = default;

void ParallelAnalyzer::process(const Packet& packet) { impl_->process(packet); }
void ParallelAnalyzer::finish() { impl_->finish(); }
AnalysisSummary ParallelAnalyzer::summary() const { return impl_->summary(); }
std::vector<uint64_t> ParallelAnalyzer::connections_per_worker() const { return impl_->connections_per_worker(); }
uint64_t ParallelAnalyzer::waits_for_earlier_events() const { return impl_->waits_for_earlier_events(); }
WorkerOutput& ParallelAnalyzer::primary_output() { return impl_->primary_output(); }

}  // namespace tlslens
