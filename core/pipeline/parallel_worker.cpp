#include "core/pipeline/parallel_worker.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace tlslens::parallel {

bool WorkerProgress::earlier_pending(uint64_t seq) const {
  for (const auto& w : workers_)
    if (w->unfinished_from() < seq) return true;  // the caller's own worker is at `seq`: not earlier
  return false;
}

void WorkerProgress::wait_for_earlier(uint64_t seq) {
  if (!earlier_pending(seq)) return;
  waits_.fetch_add(1, std::memory_order_relaxed);
  waiting_.fetch_add(1);  // before the check under the lock: a worker that sees it wakes us
  {
    std::unique_lock lock(mutex_);
    while (earlier_pending(seq)) changed_.wait_for(lock, kRecheck);
  }
  waiting_.fetch_sub(1);
}

ParallelWorker::ParallelWorker(unsigned index, const AnalyzerOptions& options,
                               std::shared_ptr<tls::SessionCache> sessions, const WorkerOutputFactory& make_output,
                               OrderedWriter& writer, WorkerProgress& progress)
    : index_(index),
      output_(make_output(out_)),
      connections_(output_->sink(), options, std::move(sessions)),
      writer_(writer),
      progress_(progress) {}

ParallelWorker::~ParallelWorker() { join(); }

void ParallelWorker::start() {
  thread_ = std::thread([this] { run(); });
}

void ParallelWorker::join() {
  if (thread_.joinable()) thread_.join();
}

void ParallelWorker::run() {
  pthread_setname_np(pthread_self(), ("tlslens-work" + std::to_string(index_)).c_str());  // for top -H, perf
  event_order::set_waiter(&progress_);
  for (;;) {
    WorkBatch batch = queue_.pop();
    if (batch.stop) break;
    run_batch(batch);
    batch.clear();
    spent_.try_push(std::move(batch));
  }
  event_order::set_current(event_order::kUnordered);
  event_order::set_waiter(nullptr);
}

void ParallelWorker::run_inline(WorkBatch& batch) {
  event_order::set_waiter(&progress_);
  run_batch(batch);
  event_order::set_current(event_order::kUnordered);
  event_order::set_waiter(nullptr);
  batch.clear();
}

namespace {

// The reading thread copied every task's bytes in on the other core, so the first touch here
// waits for each cache line to cross over (~200 ns on these machines). Asking for a task's
// lines a few tasks ahead overlaps that wait with work: decrypting, where every byte is read,
// 3-4 % less CPU and wall time on two threads; decoding, where most bodies are only counted,
// no change either way (200 MB capture, 30 interleaved runs each).
constexpr size_t kPrefetchAhead = 4;
constexpr size_t kPrefetchBytes = 4096;  // a packet's worth; reassembled runs can be longer

void prefetch_bytes(const Task& task, const WorkBatch& batch) {
  if (task.kind != TaskKind::data || task.length == 0) return;
  const uint8_t* bytes = task.external != nullptr ? task.external : batch.bytes.data() + task.offset;
  const size_t n = std::min<uint64_t>(task.length, kPrefetchBytes);
  for (size_t off = 0; off < n; off += 64) __builtin_prefetch(bytes + off);
}

}  // namespace

void ParallelWorker::run_batch(const WorkBatch& batch) {
  const auto started = std::chrono::steady_clock::now();
  EventSink& sink = output_->sink();
  OutputBatch printed;
  writer_.take_spent(index_, printed);  // or a new one
  size_t printed_size = 0;
  uint64_t bytes = 0;
  const size_t count = batch.tasks.size();
  const bool other_core = index_ != 0;  // worker 0's bytes were read on its own core
  for (size_t i = 0; i < count; ++i) {
    const Task& task = batch.tasks[i];
    if (other_core && i + kPrefetchAhead < count) prefetch_bytes(batch.tasks[i + kPrefetchAhead], batch);
    if (task.kind == TaskKind::data) bytes += task.length;
    unfinished_from_.store(task.seq, std::memory_order_release);
    progress_.moved();
    event_order::set_current(task.seq);
    execute(task, batch);
    sink.flush_pending();
    const size_t size = out_.buffered().size();
    if (size > printed_size) {
      printed.chunks.emplace_back(task.seq, size);
      printed_size = size;
    }
  }
  unfinished_from_.store(batch.horizon + 1, std::memory_order_release);
  progress_.moved();
  out_.take_buffered(printed.text);
  printed.through = batch.horizon;
  writer_.push(index_, std::move(printed));
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started);
  busy_ns_.fetch_add(static_cast<uint64_t>(took.count()), std::memory_order_relaxed);
  done_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void ParallelWorker::execute(const Task& task, const WorkBatch& batch) {
  if (task.kind == TaskKind::malformed) {
    output_->sink().malformed_packet(task.at.packet_number, task.at.ts, task.reason);
    return;
  }
  if (task.kind == TaskKind::start) {
    if (task.slot >= live_.size()) live_.resize(task.slot + 1);
    if (!live_[task.slot]) live_[task.slot] = std::make_unique<Live>();
    Live& l = *live_[task.slot];
    l.conn = batch.snapshots[task.snapshot];
    l.consumer = connections_.start(l.conn);
    return;
  }
  if (task.slot >= live_.size() || !live_[task.slot]) return;  // cannot happen: every connection starts first
  Live& l = *live_[task.slot];
  if (task.snapshot != Task::kNoSnapshot) l.conn = batch.snapshots[task.snapshot];
  switch (task.kind) {
    case TaskKind::data:
      if (l.consumer) {
        const auto bytes = task.external != nullptr ? std::span<const uint8_t>(task.external, task.length)
                                                    : std::span<const uint8_t>(batch.bytes).subspan(task.offset, task.length);
        l.consumer->on_data(task.dir, bytes, task.at);
      }
      break;
    case TaskKind::gap:
      if (l.consumer) l.consumer->on_gap(task.dir, task.length, task.at);
      break;
    case TaskKind::rst:
      if (l.consumer) l.consumer->on_rst(task.dir, task.at);
      break;
    case TaskKind::end:
      connections_.end(l.conn, l.consumer.get());
      l.consumer.reset();  // the slot waits for its next connection
      break;
    case TaskKind::start:
    case TaskKind::malformed:
      break;
  }
}

}  // namespace tlslens::parallel
