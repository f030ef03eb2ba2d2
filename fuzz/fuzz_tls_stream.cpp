// Fuzzes the TLS layer of one connection: record framing, handshake assembly, the session's
// state tracking and every decoder it calls. The input is a script of chunks: each chunk
// starts with a control byte (direction, gap or data, stream start known or not) and a
// 2-byte length. The first byte also says whether the sink reads application data's bytes
// (if not, records spanning segments have their bodies counted, not assembled).
#include <cstdint>
#include <span>

#include "core/output/event_sink.h"
#include "core/tls/tls_session.h"
#include "core/util/reader.h"

namespace {

// Walks every field tree it is given, so out-of-bounds views would be touched.
class TouchingSink final : public tlslens::EventSink {
 public:
  explicit TouchingSink(bool wants_opaque) : wants_opaque_(wants_opaque) {}
  bool wants_opaque_bytes() const override { return wants_opaque_; }
  void tls_record(const tlslens::Connection&, const tlslens::tls::RecordEvent& r) override {
    volatile uint8_t sink = 0;
    for (uint8_t b : r.header) sink = sink ^ b;
    for (uint8_t b : r.fragment) sink = sink ^ b;
    (void)sink;
  }
  void tls_message(const tlslens::Connection&, const tlslens::tls::RecordEvent&,
                   const tlslens::tls::MessageEvent& m) override {
    if (m.fields) touch(*m.fields);
  }

 private:
  void touch(const tlslens::tls::Field& f) {
    volatile uint8_t sink = 0;
    for (uint8_t b : f.bytes) sink = sink ^ b;
    for (char c : f.text) sink = sink ^ static_cast<uint8_t>(c);
    (void)sink;
    for (const auto& child : f.children) touch(child);
  }
  bool wants_opaque_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  uint8_t first;
  if (!in.u8(first)) return 0;
  tlslens::Connection conn;
  conn.id = 1;
  conn.handshake_seen = (first & 1) != 0;
  TouchingSink sink((first & 2) != 0);
  tlslens::tls::TlsSession session(conn, sink);
  uint8_t control;
  uint16_t length;
  tlslens::Bytes chunk;
  while (in.u8(control) && in.u16(length)) {
    auto dir = (control & 1) ? tlslens::Direction::server_to_client : tlslens::Direction::client_to_server;
    if (control & 2) {
      session.on_gap(dir, length, {});
      continue;
    }
    if (!in.bytes(std::min<size_t>(length, in.remaining()), chunk)) break;
    session.on_data(dir, chunk, {});
    if (control & 4) session.on_rst(dir, {});
  }
  session.finish({});
  return 0;
}
