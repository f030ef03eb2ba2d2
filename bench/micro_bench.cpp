// tlslens_bench: Google Benchmark micro-benchmarks of the pipeline's stages.
//
//   BM_Decode*            link + IP + TCP header decoding of one hand-built frame (PacketDecoder)
//   BM_Reassemble*        FlowTable + StreamReassembler on synthetic connections: 32 connections
//                         interleaved segment by segment, each SYN, request, response of N
//                         full-size segments (ACKed every two), FIN; in order, or with every pair
//                         of response segments swapped (out of order: one copy into the buffer each)
//   BM_RecordFraming      tls::RecordReader on one direction's stream of N-byte TLS records
//                         (N = 64, 1024, 16408: a full AES-GCM TLS 1.2 record) fed in 1448-byte
//                         pieces, as TCP delivers them; records spanning pieces are assembled
//   BM_Handshake*         tls::decode_handshake_message on real messages taken from the project's
//                         captures (captures/*.pcap, found through TLSLENS_SOURCE_DIR): a TLS 1.2
//                         and a TLS 1.3 ClientHello, and a TLS 1.2 Certificate (leaf +
//                         intermediate: both are parsed by OpenSSL and described)
//   BM_Certificate*       x509::Certificate::parse on captures/certs/server.pem as DER, beside
//                         OpenSSL's d2i_X509 alone (the floor) and describe_certificate (the Field
//                         tree the printers render)
//   BM_File*              a capture named by TLSLENS_BENCH_CAPTURE: libpcap reading alone, TCP
//                         reassembly alone on packets in memory, the analyzer (reassembly + TLS
//                         decoding) on packets in memory, the analyzer with each printer
//                         (text, -q, -j) writing to /dev/null, and the whole thing as `tlslens
//                         -r` does it minus the printing (skipped when the variable is unset)
//
// Bytes/s counts frame bytes for decoding, TCP payload bytes for reassembly, stream bytes for
// framing, message bytes for handshake decoding, DER bytes for certificates and file bytes for
// the file benchmarks; items/s counts packets (segments), records, messages or certificates.
//
// Also in tlslens_bench: micro_bench_crypto.cpp (BM_ChainAudit*: chain verification, fresh and
// from the cache; BM_Signature*: ServerKeyExchange and CertificateVerify signatures; BM_Decrypt:
// record decryption per suite) and micro_bench_output.cpp (BM_Print: the text and JSON printers
// on recorded events). bench_support.h: the source tree's path, running the analyzer on a capture.
#include <benchmark/benchmark.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench_support.h"
#include "core/capture/packet_source.h"
#include "core/net/packet_decoder.h"
#include "core/output/event_sink.h"
#include "core/output/json_printer.h"
#include "core/output/output_stream.h"
#include "core/output/text_printer.h"
#include "core/pipeline/analyzer.h"
#include "core/tcp/flow_table.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/record_reader.h"
#include "core/x509/certificate.h"

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

// ---- TLS record framing -----------------------------------------------------------------------

class CountingRecordHandler final : public tls::RecordReader::Handler {
 public:
  void record(const tls::FramedRecord& record, const SegmentInfo&) override {
    ++records;
    bytes += record.header.size() + record.fragment.size();
    benchmark::DoNotOptimize(record.fragment.data());
  }
  void note(tls::NoteKind, uint64_t, std::string, const SegmentInfo&) override { ++notes; }
  uint64_t records = 0, bytes = 0, notes = 0;
};

// About 1 MiB of application_data records of `fragment` bytes each, as one direction's stream.
std::vector<uint8_t> record_stream(size_t fragment) {
  const size_t count = std::max<size_t>(1, (1u << 20) / (fragment + 5));
  std::vector<uint8_t> s;
  s.reserve(count * (fragment + 5));
  for (size_t i = 0; i < count; ++i) {
    s.push_back(tls::content_type::application_data);
    s.push_back(0x03);
    s.push_back(0x03);
    s.push_back(static_cast<uint8_t>(fragment >> 8));
    s.push_back(static_cast<uint8_t>(fragment));
    for (size_t k = 0; k < fragment; ++k) s.push_back(static_cast<uint8_t>(i + k * 13));
  }
  return s;
}

void BM_RecordFraming(benchmark::State& state) {
  const size_t fragment = static_cast<size_t>(state.range(0));
  const std::vector<uint8_t> stream = record_stream(fragment);
  const uint64_t expected = stream.size() / (fragment + 5);
  const SegmentInfo at{Timestamp::from_sec_usec(1'700'000'000, 0), 1};
  CountingRecordHandler handler;
  for (auto _ : state) {
    tls::RecordReader reader(/*at_stream_start=*/true);
    for (size_t pos = 0; pos < stream.size(); pos += kMss) {
      const size_t n = std::min(kMss, stream.size() - pos);
      reader.feed(Bytes(stream.data() + pos, n), at, handler);
    }
    reader.finish(at, handler);
    if (reader.records() != expected || handler.notes != 0) {
      state.SkipWithError("the stream was not framed into its records");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(expected));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_RecordFraming)->Arg(64)->Arg(1024)->Arg(16408);

// ---- messages and certificates from the project's captures ------------------------------------

using bench::source_path;

struct CapturedMessage {
  std::vector<uint8_t> bytes;
  Direction dir = Direction::client_to_server;
  uint16_t negotiated_version = 0;  // of the connection, for messages whose form depends on it
};

// The first handshake message of `type` in a capture, as tlslens decoded it.
class MessageGrabber final : public EventSink {
 public:
  explicit MessageGrabber(uint8_t type) : type_(type) {}
  void tls_message(const Connection&, const tls::RecordEvent& record, const tls::MessageEvent& message) override {
    if (found_ || message.content_type != tls::content_type::handshake || message.handshake_type != type_) return;
    out.bytes.assign(message.bytes.begin(), message.bytes.end());
    out.dir = record.dir;
    found_ = true;
  }
  void tls_summary(const Connection&, const tls::SessionSummary& summary) override {
    if (found_ && !version_set_ && summary.facts) {
      out.negotiated_version = summary.facts->negotiated_version;
      version_set_ = true;
    }
  }
  CapturedMessage out;

 private:
  uint8_t type_;
  bool found_ = false, version_set_ = false;
};

const CapturedMessage* captured_message(benchmark::State& state, const std::string& capture, uint8_t type) {
  MessageGrabber grabber(type);
  if (!bench::analyze_capture(state, capture, "", grabber)) return nullptr;
  if (grabber.out.bytes.empty()) {
    state.SkipWithError((capture + ": no such handshake message").c_str());
    return nullptr;
  }
  static std::vector<std::unique_ptr<CapturedMessage>> kept;
  kept.push_back(std::make_unique<CapturedMessage>(std::move(grabber.out)));
  return kept.back().get();
}

size_t count_fields(const tls::Field& f) {
  size_t n = 1;
  for (const tls::Field& c : f.children) n += count_fields(c);
  return n;
}

void decode_handshake(benchmark::State& state, const std::string& capture, uint8_t type) {
  const CapturedMessage* m = captured_message(state, capture, type);
  if (!m) return;
  tls::TlsFacts facts_before;  // what the connection knew when the message arrived
  facts_before.negotiated_version = type == tls::handshake_type::client_hello ? 0 : m->negotiated_version;
  facts_before.server_hello_seen = type != tls::handshake_type::client_hello;
  size_t fields = 0;
  for (auto _ : state) {
    tls::TlsFacts facts = facts_before;
    tls::DecodeContext ctx{m->dir, facts, Bytes(m->bytes)};
    tls::Field out;
    tls::DecodeResult problem = tls::decode_handshake_message(ctx, out);
    if (problem) {
      state.SkipWithError(("decoding failed: " + problem->reason).c_str());
      return;
    }
    benchmark::DoNotOptimize(out.children.data());
    benchmark::ClobberMemory();
  }
  {  // once more outside the timing, to report the tree's size
    tls::TlsFacts facts = facts_before;
    tls::DecodeContext ctx{m->dir, facts, Bytes(m->bytes)};
    tls::Field out;
    (void)tls::decode_handshake_message(ctx, out);
    fields = count_fields(out);
  }
  state.counters["message_bytes"] = static_cast<double>(m->bytes.size());
  state.counters["fields"] = static_cast<double>(fields);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(m->bytes.size()));
}

// Python ssl, TLS 1.2 only: 2 suites, 7 extensions (164 bytes).
void BM_HandshakeClientHelloTls12(benchmark::State& state) {
  decode_handshake(state, "tls12-ecdhe-aes128gcm.pcap", tls::handshake_type::client_hello);
}
// TLS 1.3: key_share, supported_versions, psk modes, 10 groups, 14 signature schemes (249 bytes).
void BM_HandshakeClientHelloTls13(benchmark::State& state) {
  decode_handshake(state, "tls13-aes128gcm.pcap", tls::handshake_type::client_hello);
}
// TLS 1.2 server Certificate: leaf + intermediate, RSA 2048 (1,837 bytes).
void BM_HandshakeCertificate(benchmark::State& state) {
  decode_handshake(state, "tls12-ecdhe-aes128gcm.pcap", tls::handshake_type::certificate);
}
BENCHMARK(BM_HandshakeClientHelloTls12);
BENCHMARK(BM_HandshakeClientHelloTls13);
BENCHMARK(BM_HandshakeCertificate);

// captures/certs/server.pem as DER.
const std::vector<uint8_t>* server_certificate_der(benchmark::State& state) {
  static std::vector<uint8_t> der;
  if (!der.empty()) return &der;
  const std::string path = source_path("captures/certs/server.pem");
  std::FILE* f = std::fopen(path.c_str(), "r");
  X509* x = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!x) {
    state.SkipWithError((path + ": cannot read the certificate (set TLSLENS_SOURCE_DIR)").c_str());
    return nullptr;
  }
  unsigned char* p = nullptr;
  const int n = i2d_X509(x, &p);
  X509_free(x);
  if (n <= 0) {
    state.SkipWithError("i2d_X509 failed");
    return nullptr;
  }
  der.assign(p, p + n);
  OPENSSL_free(p);
  return &der;
}

void certificate_counters(benchmark::State& state, const std::vector<uint8_t>& der) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(der.size()));
}

// OpenSSL's DER decoding alone: the floor for Certificate::parse.
void BM_CertificateD2iOnly(benchmark::State& state) {
  const std::vector<uint8_t>* der = server_certificate_der(state);
  if (!der) return;
  for (auto _ : state) {
    const unsigned char* p = der->data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der->size()));
    benchmark::DoNotOptimize(x);
    X509_free(x);
  }
  certificate_counters(state, *der);
}
BENCHMARK(BM_CertificateD2iOnly);

// Certificate::parse: d2i_X509 plus every fact tlslens shows (names, SANs, usages, fingerprints...).
void BM_CertificateParse(benchmark::State& state) {
  const std::vector<uint8_t>* der = server_certificate_der(state);
  if (!der) return;
  for (auto _ : state) {
    x509::Certificate c = x509::Certificate::parse(Bytes(*der));
    if (!c.info().parsed) {
      state.SkipWithError(("parse failed: " + c.info().parse_error).c_str());
      return;
    }
    benchmark::DoNotOptimize(c.info().subject.data());
  }
  certificate_counters(state, *der);
}
BENCHMARK(BM_CertificateParse);

// Certificate::parse + describe_certificate: what the Certificate decoder does per certificate.
void BM_CertificateParseDescribe(benchmark::State& state) {
  const std::vector<uint8_t>* der = server_certificate_der(state);
  if (!der) return;
  for (auto _ : state) {
    x509::Certificate c = x509::Certificate::parse(Bytes(*der));
    tls::Field group("certificate", tls::FieldKind::group);
    x509::describe_certificate(c.info(), group);
    benchmark::DoNotOptimize(group.children.data());
  }
  certificate_counters(state, *der);
}
BENCHMARK(BM_CertificateParseDescribe);

// ---- whole capture files ----------------------------------------------------------------------

class NullSink final : public EventSink {
 public:
  void connection_started(const Connection&) override { ++connections; }
  void tls_record(const Connection&, const tls::RecordEvent&) override { ++records; }
  uint64_t connections = 0;
  uint64_t records = 0;
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

// The capture's packets held in memory (loaded once per process), so the analysis can be timed
// without I/O; `records` is the number of TLS records one pass reports.
struct InMemoryCapture {
  struct Rec {
    Timestamp ts;
    int link_type;
    size_t offset, size;
    uint32_t wire_length;
    uint64_t number;
  };
  std::vector<uint8_t> arena;
  std::vector<Rec> recs;
  uint64_t records = 0;

  template <typename F>
  void for_each(F&& f) const {
    Packet p;
    for (const Rec& r : recs) {
      p.ts = r.ts;
      p.link_type = r.link_type;
      p.data = std::span<const uint8_t>(arena.data() + r.offset, r.size);
      p.wire_length = r.wire_length;
      p.number = r.number;
      f(p);
    }
  }
};

const InMemoryCapture* load_in_memory(benchmark::State& state, const char* path) {
  static std::string loaded_path;
  static InMemoryCapture capture;
  if (loaded_path == path) return &capture;
  capture = InMemoryCapture{};
  try {
    auto source = open_capture_file(FileOptions{path, ""});
    Packet p;
    while (source->next(p) == ReadStatus::packet) {
      capture.recs.push_back({p.ts, p.link_type, capture.arena.size(), p.data.size(), p.wire_length, p.number});
      capture.arena.insert(capture.arena.end(), p.data.begin(), p.data.end());
    }
  } catch (const CaptureError& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
  NullSink sink;
  Analyzer analyzer(AnalyzerOptions{}, sink);
  capture.for_each([&](const Packet& p) { analyzer.process(p); });
  analyzer.finish();
  capture.records = sink.records;
  loaded_path = path;
  return &capture;
}

// Decode + TCP reassembly only (no TLS): what the foundation stage did, as a baseline.
void BM_FileReassembleInMemory(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  const InMemoryCapture* cap = load_in_memory(state, path);
  if (!cap) return;
  constexpr int64_t kExpiryIntervalNs = 1'000'000'000;
  for (auto _ : state) {
    NullObserver observer;
    FlowTable flows(FlowLimits{}, observer);
    PacketDecoder decoder;
    TcpSegment segment;
    Timestamp last{}, next_expiry{};
    cap->for_each([&](const Packet& p) {
      if (p.ts > last) last = p.ts;
      if (decoder.decode(p, segment).status == DecodeStatus::tcp) flows.on_segment(segment);
      if (last >= next_expiry) {
        flows.expire(last);
        next_expiry = Timestamp{last.ns + kExpiryIntervalNs};
      }
    });
    flows.finish(last);
    state.counters["connections"] = static_cast<double>(observer.started);
  }
  file_counters(state, path, cap->recs.size());
}
BENCHMARK(BM_FileReassembleInMemory)->Unit(benchmark::kMillisecond)->UseRealTime();

// Decode + reassembly + TLS record framing and message decoding on packets already in memory:
// the analysis cost without I/O and without output.
void BM_FileAnalyzeInMemory(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  const InMemoryCapture* cap = load_in_memory(state, path);
  if (!cap) return;
  for (auto _ : state) {
    NullSink sink;
    Analyzer analyzer(AnalyzerOptions{}, sink);
    cap->for_each([&](const Packet& p) { analyzer.process(p); });
    analyzer.finish();
    state.counters["connections"] = static_cast<double>(sink.connections);
  }
  file_counters(state, path, cap->recs.size());
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(cap->records) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FileAnalyzeInMemory)->Unit(benchmark::kMillisecond)->UseRealTime();

// The analyzer with a printer writing to /dev/null, packets in memory: 0 text (tlslens -r),
// 1 text -q, 2 JSON lines (-j). Minus BM_FileAnalyzeInMemory: the cost of formatting.
void BM_FilePrintInMemory(benchmark::State& state) {
  const char* path = capture_path(state);
  if (!path) return;
  const InMemoryCapture* cap = load_in_memory(state, path);
  if (!cap) return;
  std::FILE* devnull = std::fopen("/dev/null", "w");
  if (!devnull) {
    state.SkipWithError("cannot open /dev/null");
    return;
  }
  const int kind = static_cast<int>(state.range(0));
  state.SetLabel(kind == 0 ? "text" : kind == 1 ? "text -q" : "json");
  for (auto _ : state) {
    OutputStream out(devnull);
    std::unique_ptr<EventSink> printer;
    if (kind == 2) {
      printer = std::make_unique<JsonPrinter>(out, JsonOptions{});
    } else {
      TextOptions text;
      text.quiet = kind == 1;
      printer = std::make_unique<TextPrinter>(out, text);
    }
    Analyzer analyzer(AnalyzerOptions{}, *printer);
    cap->for_each([&](const Packet& p) { analyzer.process(p); });
    analyzer.finish();
  }
  std::fclose(devnull);
  file_counters(state, path, cap->recs.size());
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(cap->records) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FilePrintInMemory)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

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
