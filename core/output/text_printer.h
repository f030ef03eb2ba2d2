// TextPrinter: ssldump-style text output.
//
//   New TCP connection #1: 10.0.0.1(51234) <-> 10.0.0.2(443)
//   1    0.0523 (0.0523)  C>S  TCP gap: 1448 bytes missing
//   Connection #1 ended (FIN) after 0.0712 s: C>S 517 bytes, S>C 3012 bytes
//
// Times are relative to the connection's first packet (with the delta to the previous line
// of the same connection in parentheses), or absolute UTC with `absolute_times`.
#pragma once

#include <unordered_map>

#include "core/output/event_sink.h"
#include "core/output/output_stream.h"

namespace tlslens {

struct TextOptions {
  bool absolute_times = false;  // -e
};

class TextPrinter final : public EventSink {
 public:
  TextPrinter(OutputStream& out, const TextOptions& options) : out_(out), options_(options) {}

  void connection_started(const Connection& conn) override;
  void connection_ended(const Connection& conn) override;
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override;

 private:
  // "0.0523 (0.0523)" or an absolute time, and remembers `ts` as the connection's last line.
  std::string time_column(const Connection& conn, Timestamp ts);

  OutputStream& out_;
  TextOptions options_;
  std::unordered_map<uint64_t, Timestamp> last_line_ts_;  // per open connection
};

}  // namespace tlslens
