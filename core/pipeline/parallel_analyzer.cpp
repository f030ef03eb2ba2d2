#include "core/pipeline/parallel_analyzer.h"

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

unsigned worker_for_connection(const Endpoint& client, const Endpoint& server, unsigned workers) {
  // FNV's low bits follow the parity of the ports alone (a multiply by an odd number keeps
  // the low bit), and a traffic generator's ports can follow its kinds of connection: one
  // worker got 44 % more work. So mix all bits in (splitmix64's finaliser) and use the high ones.
  const EndpointHash hash;
  uint64_t h = hash(client) * 0x9E3779B97F4A7C15ull ^ hash(server);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  h ^= h >> 31;
  return static_cast<unsigned>((h >> 32) % (workers == 0 ? 1 : workers));
}

// The calling thread's side: the flow table's calls become tasks for the connection's worker.
class ParallelAnalyzer::Impl final : public EventSink, public ConnectionHandler {
 public:
  Impl(const AnalyzerOptions& options, unsigned workers, const WorkerOutputFactory& make_output, OutputStream& out)
      : writer_(workers, out), progress_(workers_), out_(out), rounds_(workers) {
    auto sessions = std::make_shared<tls::SessionCache>();
    for (unsigned i = 0; i < workers; ++i)
      workers_.push_back(std::make_unique<ParallelWorker>(i, options, sessions, make_output, writer_, progress_));
    for (auto& w : workers_) w->start();
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
  WorkerOutput& primary_output() { return workers_[0]->output(); }

  // ---- ConnectionHandler
  std::unique_ptr<StreamConsumer> start(const Connection& conn) override {
    const unsigned worker = worker_for(conn);
    add(worker, TaskKind::start, conn);
    return std::make_unique<Forwarder>(*this, conn, worker);
  }
  void end(const Connection& conn, StreamConsumer* consumer) override {
    add(static_cast<Forwarder*>(consumer)->worker(), TaskKind::end, conn);
  }

  // ---- EventSink: what the analyzer reports itself
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override {
    Task& t = add_task(0, TaskKind::malformed, 0);
    t.at = SegmentInfo{ts, packet_number};
    t.reason = reason;
  }
  void finished(const AnalysisSummary& /*summary*/) override {}  // reported by finish()

 private:
  class Forwarder final : public StreamConsumer {
   public:
    Forwarder(Impl& impl, const Connection& conn, unsigned worker) : impl_(impl), conn_(conn), worker_(worker) {}
    unsigned worker() const { return worker_; }
    void on_data(Direction dir, std::span<const uint8_t> bytes, const SegmentInfo& at) override {
      Task& t = impl_.add(worker_, TaskKind::data, conn_, dir, at);
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
      impl_.add(worker_, TaskKind::gap, conn_, dir, at).length = missing_bytes;
    }
    void on_rst(Direction dir, const SegmentInfo& at) override { impl_.add(worker_, TaskKind::rst, conn_, dir, at); }

   private:
    Impl& impl_;
    const Connection& conn_;
    unsigned worker_;
  };

  unsigned worker_for(const Connection& conn) const {
    return worker_for_connection(conn.client, conn.server, static_cast<unsigned>(workers_.size()));
  }

  Task& add_task(unsigned worker, TaskKind kind, uint64_t conn_id) {
    WorkBatch& b = rounds_[worker];
    Task& t = b.tasks.emplace_back();
    t.seq = ++seq_;
    t.kind = kind;
    t.conn_id = conn_id;
    ++round_tasks_;
    return t;
  }
  Task& add(unsigned worker, TaskKind kind, const Connection& conn, Direction dir = Direction::client_to_server,
            const SegmentInfo& at = {}) {
    WorkBatch& b = rounds_[worker];
    Task& t = add_task(worker, kind, conn.id);
    t.dir = dir;
    t.at = at;
    if (kind != TaskKind::data) {
      t.snapshot = static_cast<uint32_t>(b.snapshots.size());
      b.snapshots.push_back(conn);
    }
    return t;
  }

  // Every worker gets its share of the round, with the same horizon, so that each worker's
  // progress says how far it is in the whole order (see WorkBatch).
  void hand_over_round() {
    writer_.write_ready();
    for (size_t i = 0; i < workers_.size(); ++i) {
      WorkBatch batch = std::move(rounds_[i]);
      batch.horizon = seq_;
      workers_[i]->push(std::move(batch));
      rounds_[i] = WorkBatch{};
      if (!workers_[i]->take_spent(rounds_[i])) rounds_[i].reserve(kRoundTasks);
    }
    round_bytes_ = 0;
    round_tasks_ = 0;
  }

  void stop_threads() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& w : workers_) {
      WorkBatch stop;
      stop.stop = true;
      w->push(std::move(stop));
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
  bool finished_ = false;
  bool stopped_ = false;
};

ParallelAnalyzer::ParallelAnalyzer(const AnalyzerOptions& options, unsigned workers,
                                   const WorkerOutputFactory& make_output, OutputStream& out)
    : impl_(std::make_unique<Impl>(options, workers == 0 ? 1 : workers, make_output, out)) {}

ParallelAnalyzer::~ParallelAnalyzer() = default;

void ParallelAnalyzer::process(const Packet& packet) { impl_->process(packet); }
void ParallelAnalyzer::finish() { impl_->finish(); }
AnalysisSummary ParallelAnalyzer::summary() const { return impl_->summary(); }
WorkerOutput& ParallelAnalyzer::primary_output() { return impl_->primary_output(); }

}  // namespace tlslens
