// How ParallelAnalyzer spreads connections over its workers: evenly, even when the ports follow
// a pattern, and the reading thread (worker 0) exactly the share it is given. (The first hash sent every connection whose ports had the same parity to one
// worker: on the bench capture one worker had 44 % more work than the other.)
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "core/pipeline/parallel_analyzer.h"

namespace tlslens {
namespace {

Endpoint endpoint(const char* address, uint16_t port) { return Endpoint{IpAddress::parse(address), port}; }

// Share of connections per worker for client ports made by `port_of(i)`.
std::vector<double> shares(unsigned workers, const std::function<uint16_t(int)>& port_of, const char* server,
                           uint16_t server_port, int connections = 4000) {
  std::vector<int> counts(workers);
  for (int i = 0; i < connections; ++i) {
    const unsigned w =
        worker_for_connection(endpoint("10.0.0.1", port_of(i)), endpoint(server, server_port), workers);
    EXPECT_LT(w, workers);
    if (w < workers) ++counts[w];
  }
  std::vector<double> out;
  for (int c : counts) out.push_back(static_cast<double>(c) / connections);
  return out;
}

void expect_even(const std::vector<double>& got, double tolerance) {
  for (double share : got) EXPECT_NEAR(share, 1.0 / static_cast<double>(got.size()), tolerance);
}

TEST(WorkerChoice, SequentialEvenAndStridedPortsSpreadEvenly) {
  for (unsigned workers : {2u, 3u, 4u}) {
    SCOPED_TRACE(workers);
    expect_even(shares(workers, [](int i) { return static_cast<uint16_t>(40000 + i); }, "10.0.0.2", 443), 0.05);
    expect_even(shares(workers, [](int i) { return static_cast<uint16_t>(40000 + 2 * i); }, "10.0.0.2", 443), 0.05);
    expect_even(shares(workers, [](int i) { return static_cast<uint16_t>(30000 + 4 * i); }, "10.0.0.2", 4432), 0.05);
    expect_even(shares(workers, [](int i) { return static_cast<uint16_t>(20001 + 2 * i); }, "2001:db8::2", 443), 0.05);
  }
}

TEST(WorkerChoice, SameConnectionSameWorkerAndOneWorkerTakesAll) {
  const Endpoint c = endpoint("192.0.2.7", 51515);
  const Endpoint s = endpoint("198.51.100.1", 443);
  EXPECT_EQ(worker_for_connection(c, s, 5), worker_for_connection(c, s, 5));
  EXPECT_EQ(worker_for_connection(c, s, 1), 0u);
  EXPECT_EQ(worker_for_connection(c, s, 0), 0u);
}

// The reading thread (worker 0) takes the share it is given; the others split the rest evenly.
std::vector<double> shares_with_reader(unsigned workers, unsigned reader_share, int connections = 8000) {
  std::vector<int> counts(workers);
  for (int i = 0; i < connections; ++i) {
    const uint64_t h = connection_hash(endpoint("10.0.0.1", static_cast<uint16_t>(40000 + i)), endpoint("10.0.0.2", 443));
    const unsigned w = worker_for_connection(h, workers, reader_share);
    EXPECT_LT(w, workers);
    if (w < workers) ++counts[w];
  }
  std::vector<double> out;
  for (int c : counts) out.push_back(static_cast<double>(c) / connections);
  return out;
}

TEST(WorkerChoice, ReaderTakesItsShareAndTheOthersSplitTheRest) {
  for (unsigned workers : {2u, 3u}) {
    SCOPED_TRACE(workers);
    for (unsigned share : {0u, 128u, 256u, 512u}) {
      SCOPED_TRACE(share);
      const std::vector<double> got = shares_with_reader(workers, share);
      const double reader = static_cast<double>(share) / kShareScale;
      EXPECT_NEAR(got[0], reader, 0.02);
      for (unsigned w = 1; w < workers; ++w) EXPECT_NEAR(got[w], (1.0 - reader) / (workers - 1), 0.03);
    }
    const std::vector<double> all = shares_with_reader(workers, kShareScale);
    EXPECT_EQ(all[0], 1.0);
  }
  const std::vector<double> none = shares_with_reader(2, 0);
  EXPECT_EQ(none[0], 0.0);  // not one connection: the reader only reads
}

TEST(WorkerChoice, AConnectionLeavesTheReaderOnlyWhenItsShareShrinksBelowIt) {
  // Shares change between rounds; a connection keeps the worker it started on, but a new one
  // with the same hash must land consistently: a larger share keeps everything a smaller one took.
  const uint64_t h = connection_hash(endpoint("192.0.2.7", 51515), endpoint("198.51.100.1", 443));
  bool was_reader = false;
  for (unsigned share = 0; share <= kShareScale; share += 8) {
    const bool reader = worker_for_connection(h, 2, share) == 0;
    EXPECT_TRUE(reader || !was_reader) << share;
    was_reader = reader;
  }
  EXPECT_TRUE(was_reader);
}

}  // namespace
}  // namespace tlslens
