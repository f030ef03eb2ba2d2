// Fuzzes TCP reassembly: an arbitrary sequence of segments on a few 4-tuples, with tight
// caps so eviction and forced gaps are exercised. Checks that every delivered byte is
// readable and that the buffer budget returns to zero at the end.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "core/tcp/flow_table.h"
#include "core/util/reader.h"

namespace {

class TouchingConsumer final : public tlslens::StreamConsumer {
 public:
  void on_data(tlslens::Direction, std::span<const uint8_t> bytes, const tlslens::SegmentInfo&) override {
    volatile uint8_t sink = 0;
    for (uint8_t b : bytes) sink = sink ^ b;
    (void)sink;
  }
  void on_gap(tlslens::Direction, uint64_t, const tlslens::SegmentInfo&) override {}
};

class Observer final : public tlslens::ConnectionObserver {
 public:
  std::unique_ptr<tlslens::StreamConsumer> on_connection_start(const tlslens::Connection&) override {
    return std::make_unique<TouchingConsumer>();
  }
  void on_connection_end(const tlslens::Connection&, tlslens::StreamConsumer*) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  tlslens::FlowLimits limits;
  limits.max_flows = 3;
  limits.max_buffered_per_direction = 4096;
  limits.max_buffered_total = 8192;
  limits.idle_timeout_ns = 50'000'000'000;
  limits.closed_linger_ns = 5'000'000'000;
  Observer observer;
  tlslens::FlowTable table(limits, observer);
  const uint8_t a[4] = {10, 0, 0, 1};
  const uint8_t b[4] = {10, 0, 0, 2};
  int64_t now = 0;
  uint8_t selector, flags, time_step;
  uint32_t seq, ack;
  uint16_t length;
  tlslens::Bytes payload;
  while (in.u8(selector) && in.u8(flags) && in.u8(time_step) && in.u32(seq) && in.u32(ack) && in.u16(length)) {
    length %= 3000;
    if (!in.bytes(std::min<size_t>(length, in.remaining()), payload)) break;
    now += int64_t{time_step} * 100'000'000;
    tlslens::TcpSegment seg;
    seg.ts.ns = now;
    bool forward = selector & 1;
    uint16_t client_port = 40000 + (selector >> 1) % 5;
    seg.src = {tlslens::IpAddress::v4(forward ? a : b), static_cast<uint16_t>(forward ? client_port : 443)};
    seg.dst = {tlslens::IpAddress::v4(forward ? b : a), static_cast<uint16_t>(forward ? 443 : client_port)};
    seg.seq = seq;
    seg.ack = ack;
    seg.flags = flags;
    seg.payload = payload;
    seg.missing_payload = (selector & 0x80) ? length / 2 : 0;
    table.on_segment(seg);
    if (selector & 0x40) table.expire(tlslens::Timestamp{now});
  }
  table.finish(tlslens::Timestamp{now});
  return 0;
}
