// The units of work ParallelAnalyzer passes between its threads, and the queue that carries them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/tcp/flow_table.h"

namespace tlslens::parallel {

enum class TaskKind : uint8_t { start, data, gap, rst, end, malformed };

// One call the flow table made (or one malformed packet), to replay on a worker thread.
struct Task {
  uint64_t seq = 0;  // its position in the one-thread order of events (event_order)
  // The connection's slot on its worker: the reading thread numbers each worker's live
  // connections densely and reuses the number of one that ended (its end task runs before the
  // next start on that worker), so the worker finds the connection by index, not by a hash
  // lookup per packet.
  uint32_t slot = 0;
  TaskKind kind = TaskKind::data;
  Direction dir = Direction::client_to_server;
  // Index into WorkBatch::snapshots: the connection as it was then (start, gap, rst, end).
  // Data tasks carry none: what changes in a Connection while bytes flow (last_seen, stats) is
  // read only when it ends.
  uint32_t snapshot = kNoSnapshot;
  static constexpr uint32_t kNoSnapshot = 0xFFFFFFFF;
  const uint8_t* external = nullptr;  // data: its bytes, if they live in WorkBatch::kept memory
  uint64_t offset = 0;    // data: where its bytes start in WorkBatch::bytes (when not external)
  uint64_t length = 0;    // data: how many; gap: missing bytes
  SegmentInfo at;
  const char* reason = "";  // malformed: the decoder's (static) reason
};

// One round's work for one worker. Every task up to `horizon` meant for this worker is in this
// batch or an earlier one, so once it is done the worker has done everything up to `horizon`.
struct WorkBatch {
  std::vector<Task> tasks;
  std::vector<uint8_t> bytes;
  std::vector<Connection> snapshots;
  // Memory the external tasks' bytes live in (DirectPcapReader's read blocks), held until
  // the batch is done: bytes read from a classic pcap file reach the worker without a copy.
  std::vector<std::shared_ptr<const void>> kept;
  uint64_t horizon = 0;
  bool stop = false;  // no more work: the worker ends

  // Empties it for reuse (batches are recycled, so rounds allocate nothing), keeping the
  // capacity only up to a bound: one round that flushed megabytes of out-of-order data must
  // not make every recycled batch hold that much.
  static constexpr size_t kKeepBytes = 640u << 10;
  static constexpr size_t kKeepItems = 4096;

  // A new batch takes its usual capacity at once: growing by doubling would map fresh pages
  // (glibc serves big blocks with mmap) and fault on them every round — that, not the copy,
  // was most of the reading thread's cost.
  void reserve(size_t round_tasks) {
    bytes.reserve(kKeepBytes);
    tasks.reserve(round_tasks);
  }

  void clear() {
    tasks.clear();
    bytes.clear();
    snapshots.clear();
    kept.clear();
    if (bytes.capacity() > kKeepBytes) std::vector<uint8_t>().swap(bytes);
    if (tasks.capacity() > kKeepItems) std::vector<Task>().swap(tasks);
    if (snapshots.capacity() > kKeepItems) std::vector<Connection>().swap(snapshots);
    horizon = 0;
  }
};

// What one worker printed for one batch: `text`, cut into chunks by task (the task's seq and
// where its text ends), and `through`, the horizon of the batch.
// Written batches go back to their worker (OrderedWriter::take_spent), so that text buffers
// and chunk lists are reused rather than allocated and grown every round.
struct OutputBatch {
  fmt::memory_buffer text;
  std::vector<std::pair<uint64_t, size_t>> chunks;
  uint64_t through = 0;
};

// A FIFO with a capacity: push() waits while it is full, pop() while it is empty.
template <typename T>
class BlockingQueue {
 public:
  explicit BlockingQueue(size_t capacity) : capacity_(capacity) {}

  void push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  bool try_push(T item) {  // false (and the item dropped) when full
    std::lock_guard lock(mutex_);
    if (items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool try_pop(T& item) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  size_t size() {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  T pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
};

}  // namespace tlslens::parallel
