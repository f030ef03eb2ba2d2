// tlslens_bench: Google Benchmark micro-benchmarks of the pipeline's stages.
//
//   BM_Decode*            link + IP + TCP header decoding of one hand-built frame (PacketDecoder)
//   BM_Reassemble*        FlowTable + StreamReassembler on synthetic connections: 32 connections
//                         interleaved segment by segment, each SYN, request, response of N
//                         full-size segments (ACKed every two), FIN; in order, or with every pair
//                         of response segments swapped (out of order: one copy into the buffer each)
//   BM_File*              a capture named by TLSLENS_BENCH_CAPTURE: libpcap reading alone, the
//                         analyzer on packets already in memory, and the whole thing as `tlslens -r`
//                         does it minus the printing (skipped when the variable is unset)
//
// Bytes/s counts frame bytes for decoding, TCP payload bytes for reassembly and file bytes
// for the file benchmarks; items/s counts packets (segments).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/capture/packet_source.h"
#include "core/net/packet_decoder.h"
#include "core/output/event_sink.h"
#include "core/pipeline/analyzer.h"
#include "core/tcp/flow_table.h"

namespace {

using namespace tlslens;

// ---- hand-built frames ------------------------------------------------------------------------

constexpr int kLinkEthernet = 1;  // DLT_EN10MB

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}

uint16_t ip_checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// TCP header with the timestamp option Linux puts on every segment (32 bytes).
void tcp_header(std::vector<uint8_t>& f, size_t at, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                uint8_t flags) {
  put16(f, at, sport);
  put16(f, at + 2, dport);
  put32(f, at + 4, seq);
  put32(f, at + 8, ack);
  f[at + 12] = 8 << 4;  // data offset: 8 words
  f[at + 13] = flags;
  put16(f, at + 14, 512);  // window
  // checksum (at + 16) left zero, as on a loopback capture; urgent pointer zero
  f[at + 20] = 1;  // NOP
  f[at + 21] = 1;  // NOP
  f[at + 22] = 8;  // timestamps
  f[at + 23] = 10;
  put32(f, at + 24, 0x01020304);
  put32(f, at + 28, 0x05060708);
}

// Ethernet / IPv4 / TCP (with timestamps) / payload.
std::vector<uint8_t> ipv4_frame(size_t payload) {
  const size_t tcp_len = 32, ip_len = 20 + tcp_len + payload;
  std::vector<uint8_t> f(14 + ip_len);
  for (int i = 0; i < 6; ++i) f[i] = static_cast<uint8_t>(0x02 + i), f[6 + i] = static_cast<uint8_t>(0x12 + i);
  put16(f, 12, 0x0800);
  const size_t ip = 14;
  f[ip] = 0x45;
  put16(f, ip + 2, static_cast<uint16_t>(ip_len));
  put16(f, ip + 4, 0x1234);  // id
  put16(f, ip + 6, 0x4000);  // DF
  f[ip + 8] = 64;
  f[ip + 9] = 6;
  const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {93, 184, 216, 34};
  std::memcpy(&f[ip + 12], src, 4);
  std::memcpy(&f[ip + 16], dst, 4);
  put16(f, ip + 10, ip_checksum(&f[ip], 20));
  tcp_header(f, ip + 20, 51234, 443, 0x10000000, 0x20000000, tcp_flags::ack | tcp_flags::psh);
  for (size_t i = 0; i < payload; ++i) f[ip + 20 + tcp_len + i] = static_cast<uint8_t>(i);
  return f;
}

// Ethernet / IPv6 / TCP (with timestamps) / payload.
std::vector<uint8_t> ipv6_frame(size_t payload) {
  const size_t tcp_len = 32;
  std::vector<uint8_t> f(14 + 40 + tcp_len + payload);
  for (int i = 0; i < 6; ++i) f[i] = static_cast<uint8_t>(0x02 + i), f[6 + i] = static_cast<uint8_t>(0x12 + i);
  put16(f, 12, 0x86DD);
  const size_t ip = 14;
  f[ip] = 0x60;
  put16(f, ip + 4, static_cast<uint16_t>(tcp_len + payload));
  f[ip + 6] = 6;  // next header: TCP
  f[ip + 7] = 64;
  f[ip + 8] = 0x20, f[ip + 9] = 0x01, f[ip + 10] = 0x0d, f[ip + 11] = 0xb8, f[ip + 23] = 1;   // 2001:db8::1
  f[ip + 24] = 0x20, f[ip + 25] = 0x01, f[ip + 26] = 0x0d, f[ip + 27] = 0xb8, f[ip + 39] = 2;  // 2001:db8::2
  tcp_header(f, ip + 40, 51234, 443, 0x10000000, 0x20000000, tcp_flags::ack | tcp_flags::psh);
  for (size_t i = 0; i < payload; ++i) f[ip + 40 + tcp_len + i] = static_cast<uint8_t>(i);
  return f;
}

void decode_loop(benchmark::State& state, const std::vector<uint8_t>& frame) {
  PacketDecoder decoder;
  Packet packet;
  packet.ts = Timestamp::from_sec_usec(1'700'000'000, 0);
  packet.link_type = kLinkEthernet;
  packet.data = std::span<const uint8_t>(frame.data(), frame.size());
  packet.wire_length = static_cast<uint32_t>(frame.size());
  TcpSegment segment;
  for (auto _ : state) {
    ++packet.number;
    DecodeResult r = decoder.decode(packet, segment);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(segment.payload.data());
  }
  if (decoder.stats().tcp != static_cast<uint64_t>(state.iterations())) state.SkipWithError("frame not decoded as TCP");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(frame.size()));
}

void BM_DecodeEthIpv4Tcp(benchmark::State& state) { decode_loop(state, ipv4_frame(static_cast<size_t>(state.range(0)))); }
BENCHMARK(BM_DecodeEthIpv4Tcp)->Arg(0)->Arg(100)->Arg(1448);

void BM_DecodeEthIpv6Tcp(benchmark::State& state) { decode_loop(state, ipv6_frame(static_cast<size_t>(state.range(0)))); }
BENCHMARK(BM_DecodeEthIpv6Tcp)->Arg(0)->Arg(1448);

// ---- TCP reassembly ---------------------------------------------------------------------------

class NullConsumer final : public StreamConsumer {
 public:
  void on_data(Direction, std::span<const uint8_t> bytes, const SegmentInfo&) override {
    delivered += bytes.size();
    benchmark::DoNotOptimize(bytes.data());
  }
  void on_gap(Direction, uint64_t, const SegmentInfo&) override { ++gaps; }
  uint64_t delivered = 0;
  uint64_t gaps = 0;
};

class NullObserver final : public ConnectionObserver {
 public:
  std::unique_ptr<StreamConsumer> on_connection_start(const Connection&) override {
    ++started;
    return std::make_unique<NullConsumer>();
  }
  void on_connection_end(const Connection&, StreamConsumer* consumer) override {
    ++ended;
    if (auto* c = static_cast<NullConsumer*>(consumer)) {
      delivered += c->delivered;
      gaps += c->gaps;
    }
  }
  uint64_t started = 0, ended = 0, delivered = 0, gaps = 0;
};

constexpr size_t kMss = 1448;
constexpr size_t kRequest = 300;
constexpr int kConcurrent = 32;
const std::vector<uint8_t>& payload_bytes() {
  static const std::vector<uint8_t> b = [] {
    std::vector<uint8_t> v(kMss);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 7);
    return v;
  }();
  return b;
}

// One connection's segments; `from_client` says which way each goes. Ports and times are
// filled in when replayed.
struct Step {
  bool from_client;
  TcpSegment seg;
};

std::vector<Step> connection_template(int response_segments, bool out_of_order) {
  const uint32_t ci = 0x1000'0000, si = 0x8000'0000;
  const auto& p = payload_bytes();
  std::vector<Step> steps;
  auto add = [&](bool from_client, uint32_t seq, uint32_t ack, uint8_t flags, size_t len) {
    Step s{from_client, {}};
    s.seg.seq = seq;
    s.seg.ack = ack;
    s.seg.flags = flags;
    s.seg.window = 512;
    s.seg.payload = std::span<const uint8_t>(p.data(), len);
    steps.push_back(s);
  };
  using namespace tcp_flags;
  add(true, ci, 0, syn, 0);
  add(false, si, ci + 1, syn | ack, 0);
  add(true, ci + 1, si + 1, ack, 0);
  add(true, ci + 1, si + 1, ack | psh, kRequest);
  const uint32_t c_next = ci + 1 + kRequest;
  uint32_t s_seq = si + 1;
  for (int i = 0; i < response_segments; i += 2) {
    const bool pair = i + 1 < response_segments;
    if (pair && out_of_order) {
      add(false, s_seq + kMss, c_next, ack, kMss);
      add(false, s_seq, c_next, ack, kMss);
    } else {
      add(false, s_seq, c_next, ack, kMss);
      if (pair) add(false, s_seq + kMss, c_next, ack | psh, kMss);
    }
    s_seq += static_cast<uint32_t>((pair ? 2 : 1) * kMss);
    add(true, c_next, s_seq, ack, 0);
  }
  add(false, s_seq, c_next, fin | ack, 0);
  add(true, c_next, s_seq + 1, fin | ack, 0);
  add(false, s_seq + 1, c_next + 1, ack, 0);
  return steps;
}

void reassemble(benchmark::State& state, bool out_of_order) {
  const int response_segments = static_cast<int>(state.range(0));
  const std::vector<Step> tmpl = connection_template(response_segments, out_of_order);
  NullObserver observer;
  FlowTable flows(FlowLimits{}, observer);

  Endpoint client, server;
  const uint8_t c4[4] = {10, 0, 0, 1}, s4[4] = {10, 0, 0, 2};
  client.addr = IpAddress::v4(std::span<const uint8_t, 4>(c4));
  server.addr = IpAddress::v4(std::span<const uint8_t, 4>(s4));
  server.port = 443;

  int64_t now = 1'700'000'000'000'000'000;
  constexpr int64_t kStepNs = 100'000;  // 100 µs of capture time per segment
  uint64_t connection = 0;
  uint64_t segments = 0;
  TcpSegment seg;
  for (auto _ : state) {
    // kConcurrent new connections, their segments interleaved round-robin.
    const uint64_t first = connection;
    connection += kConcurrent;
    for (const Step& step : tmpl) {
      for (int k = 0; k < kConcurrent; ++k) {
        client.port = static_cast<uint16_t>(1024 + (first + k) % 64000);
        seg = step.seg;
        seg.src = step.from_client ? client : server;
        seg.dst = step.from_client ? server : client;
        seg.ts = Timestamp{now};
        seg.packet_number = ++segments;
        now += kStepNs;
        flows.on_segment(seg);
      }
    }
    flows.expire(Timestamp{now});
  }
  flows.finish(Timestamp{now});
  const uint64_t expected = (kRequest + kMss * static_cast<uint64_t>(response_segments)) * connection;
  if (observer.delivered != expected || observer.gaps != 0 || observer.started != connection)
    state.SkipWithError("reassembly did not deliver every byte exactly once");
  state.SetItemsProcessed(static_cast<int64_t>(segments));
  state.SetBytesProcessed(static_cast<int64_t>(expected));
  state.counters["connections/s"] = benchmark::Counter(static_cast<double>(connection), benchmark::Counter::kIsRate);
}

void BM_ReassembleInOrder(benchmark::State& state) { reassemble(state, false); }
void BM_ReassembleOutOfOrder(benchmark::State& state) { reassemble(state, true); }
BENCHMARK(BM_ReassembleInOrder)->Arg(4)->Arg(64)->Arg(256);
BENCHMARK(BM_ReassembleOutOfOrder)->Arg(4)->Arg(64)->Arg(256);

// ---- whole capture files ----------------------------------------------------------------------

class NullSink final : public EventSink {
 public:
  void connection_started(const Connection&) override { ++connections; }
  uint64_t connections = 0;
};

const char* capture_path(benchmark::State& state) {
  const char* path = std::getenv("TLSLENS_BENCH_CAPTURE");
  if (!path || !*path) {
    state.SkipWithError("set TLSLENS_BENCH_CAPTURE to a capture file (bench/make_capture.sh makes one)");
    return nullptr;
  }
  return path;
}

void file_counters(benchmark::State& state, const char* path, uint64_t packets_per_pass) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(ec ? 0 : size));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(packets_per_pass));
}

// libpcap reading alone: the floor for anything that reads the file.
void BM_FileRead(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  uint64_t packets = 0;
  try {
    for (auto _ : state) {
      auto source = open_capture_file(FileOptions{path, ""});
      Packet packet;
      packets = 0;
      while (source->next(packet) == ReadStatus::packet) {
        benchmark::DoNotOptimize(packet.data.data());
        ++packets;
      }
    }
  } catch (const CaptureError& e) {
    state.SkipWithError(e.what());
    return;
  }
  file_counters(state, path, packets);
}
BENCHMARK(BM_FileRead)->Unit(benchmark::kMillisecond)->UseRealTime();

// Decode + reassembly on packets already in memory: the analysis cost without I/O.
void BM_FileAnalyzeInMemory(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  std::vector<uint8_t> arena;
  struct Rec {
    Timestamp ts;
    int link_type;
    size_t offset, size;
    uint32_t wire_length;
    uint64_t number;
  };
  std::vector<Rec> recs;
  try {
    auto source = open_capture_file(FileOptions{path, ""});
    Packet p;
    while (source->next(p) == ReadStatus::packet) {
      recs.push_back({p.ts, p.link_type, arena.size(), p.data.size(), p.wire_length, p.number});
      arena.insert(arena.end(), p.data.begin(), p.data.end());
    }
  } catch (const CaptureError& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) {
    NullSink sink;
    Analyzer analyzer(AnalyzerOptions{}, sink);
    Packet p;
    for (const Rec& r : recs) {
      p.ts = r.ts;
      p.link_type = r.link_type;
      p.data = std::span<const uint8_t>(arena.data() + r.offset, r.size);
      p.wire_length = r.wire_length;
      p.number = r.number;
      analyzer.process(p);
    }
    analyzer.finish();
    state.counters["connections"] = static_cast<double>(sink.connections);
  }
  file_counters(state, path, recs.size());
}
BENCHMARK(BM_FileAnalyzeInMemory)->Unit(benchmark::kMillisecond)->UseRealTime();

// Read + decode + reassembly, as `tlslens -r FILE` minus the printing.
void BM_FileAnalyze(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  uint64_t packets = 0;
  try {
    for (auto _ : state) {
      auto source = open_capture_file(FileOptions{path, ""});
      NullSink sink;
      Analyzer analyzer(AnalyzerOptions{}, sink);
      Packet packet;
      packets = 0;
      while (source->next(packet) == ReadStatus::packet) {
        analyzer.process(packet);
        ++packets;
      }
      analyzer.finish();
      state.counters["connections"] = static_cast<double>(sink.connections);
    }
  } catch (const CaptureError& e) {
    state.SkipWithError(e.what());
    return;
  }
  file_counters(state, path, packets);
}
BENCHMARK(BM_FileAnalyze)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
