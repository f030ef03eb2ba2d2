// ParallelWorker: one of ParallelAnalyzer's workers. It replays the flow table's calls for its
// connections (WorkBatch tasks) through a TLS session per connection and its own sink chain,
// printing into memory, and hands each batch's text, cut by task, to the writer. Worker 0 has
// no thread of its own: the reading thread runs its batches (run_inline) between rounds.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

#include "core/output/output_stream.h"
#include "core/pipeline/ordered_writer.h"
#include "core/pipeline/parallel_analyzer.h"
#include "core/pipeline/tls_connections.h"
#include "core/pipeline/work_queue.h"
#include "core/util/event_order.h"

namespace tlslens::parallel {

class ParallelWorker;

// wait_for_earlier() for every worker: sleeps until no other worker has a task before `seq`
// left. Workers announce progress after each task with a plain (release) store and take the
// lock to wake a waiter only when they see one waiting. Seeing it for sure would need a full
// fence per task (a store then a load, Dekker-style: ~1 M per GB of capture) to serve about
// one wait per run, so a waiter instead re-checks every kRecheck: a missed wake-up costs it at
// most that, never a hang.
class WorkerProgress final : public event_order::Waiter {
 public:
  explicit WorkerProgress(const std::vector<std::unique_ptr<ParallelWorker>>& workers) : workers_(workers) {}
  void wait_for_earlier(uint64_t seq) override;
  // A worker's unfinished_from() moved: wake whoever waits.
  void moved() {
    if (waiting_.load(std::memory_order_relaxed) == 0) return;
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }
  uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }
  static constexpr std::chrono::microseconds kRecheck{500};

 private:
  bool earlier_pending(uint64_t seq) const;

  const std::vector<std::unique_ptr<ParallelWorker>>& workers_;
  std::atomic<int> waiting_{0};
  std::atomic<uint64_t> waits_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
};

// Time a worker spent running batches and the payload bytes they held.
struct WorkDone {
  uint64_t ns = 0;
  uint64_t bytes = 0;
  WorkDone& operator+=(const WorkDone& other) {
    ns += other.ns;
    bytes += other.bytes;
    return *this;
  }
};

class ParallelWorker {
 public:
  static constexpr size_t kQueuedRounds = 16;

  ParallelWorker(unsigned index, const AnalyzerOptions& options, std::shared_ptr<tls::SessionCache> sessions,
                 const WorkerOutputFactory& make_output, OrderedWriter& writer, WorkerProgress& progress);
  ~ParallelWorker();

  void start();  // not for worker 0, whose batches the reading thread runs itself
  void push(WorkBatch batch) { queue_.push(std::move(batch)); }
  // Runs a batch on the calling thread (worker 0's, by the reading thread), then empties it.
  void run_inline(WorkBatch& batch);
  // Rounds queued and not yet started: how far behind the reading thread this worker is.
  size_t backlog() { return queue_.size(); }
  // A spent batch to fill again, if the worker has one (false: allocate a new one).
  bool take_spent(WorkBatch& batch) { return spent_.try_pop(batch); }
  void join();

  // The work done so far, by this worker's thread or (worker 0) run inline.
  WorkDone done() const {
    return {busy_ns_.load(std::memory_order_relaxed), done_bytes_.load(std::memory_order_relaxed)};
  }

  // A lower bound on the position of any task this worker has not finished.
  uint64_t unfinished_from() const { return unfinished_from_.load(std::memory_order_acquire); }
  WorkerOutput& output() { return *output_; }
  OutputStream& stream() { return out_; }

 private:
  struct Live {
    Connection conn;  // the flow table's connection as of the task being replayed
    std::unique_ptr<StreamConsumer> consumer;
  };
  void run();
  void run_batch(const WorkBatch& batch);  // and adds its time and bytes to done()
  void execute(const Task& task, const WorkBatch& batch);

  unsigned index_;
  OutputStream out_;  // in memory
  std::unique_ptr<WorkerOutput> output_;
  TlsConnections connections_;
  OrderedWriter& writer_;
  WorkerProgress& progress_;
  BlockingQueue<WorkBatch> queue_{kQueuedRounds};
  // Emptied batches, back to the reader: as many as can be in flight, so that the steady state
  // allocates nothing (a batch not taken back in time would be a fresh one, faulting its pages in).
  BlockingQueue<WorkBatch> spent_{kQueuedRounds + 2};
  std::vector<std::unique_ptr<Live>> live_;  // by Task::slot; a Live is kept for the slot's next connection
  std::atomic<uint64_t> unfinished_from_{0};
  std::atomic<uint64_t> busy_ns_{0};
  std::atomic<uint64_t> done_bytes_{0};
  std::thread thread_;
};

}  // namespace tlslens::parallel
