#include "core/output/text_printer.h"

#include <fmt/format.h>

namespace tlslens {

void TextPrinter::connection_started(const Connection& conn) {
  last_line_ts_[conn.id] = conn.first_seen;
  out_.print("New TCP connection #{}: {} <-> {}{}{}\n", conn.id, conn.client.to_ssldump_string(),
             conn.server.to_ssldump_string(),
             options_.absolute_times ? " at " + format_utc(conn.first_seen) : std::string(),
             conn.handshake_seen ? "" : " (mid-stream: no handshake seen)");
}

std::string TextPrinter::time_column(const Connection& conn, Timestamp ts) {
  Timestamp& last = last_line_ts_[conn.id];
  std::string column;
  if (options_.absolute_times) {
    column = format_utc(ts);
  } else {
    column = fmt::format("{:.4f} ({:.4f})", (ts - conn.first_seen).seconds(), (ts - last).seconds());
  }
  last = ts;
  return column;
}

void TextPrinter::gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  out_.print("{:<4} {}  {}  TCP gap: {} bytes missing from the capture\n", conn.id, time_column(conn, at.ts),
             arrow(dir), missing_bytes);
}

void TextPrinter::connection_ended(const Connection& conn) {
  const DirectionStats& c2s = conn.stats_of(Direction::client_to_server);
  const DirectionStats& s2c = conn.stats_of(Direction::server_to_client);
  // Only what deserves attention is added: data missing from the capture, and retransmitted
  // bytes that differ from the first copy (an inconsistent retransmission or an injection).
  std::string notes;
  if (c2s.gaps + s2c.gaps > 0) {
    notes += fmt::format(", {} gap(s), {} bytes missing", c2s.gaps + s2c.gaps, c2s.gap_bytes + s2c.gap_bytes);
  }
  if (c2s.overlap_conflicts + s2c.overlap_conflicts > 0) {
    notes += fmt::format(", {} retransmitted bytes differ from the first copy (kept)",
                         c2s.overlap_conflicts + s2c.overlap_conflicts);
  }
  out_.print("Connection #{} ended ({}){} after {:.4f} s: C>S {} bytes, S>C {} bytes{}\n", conn.id,
             to_string(conn.end_reason),
             options_.absolute_times ? " at " + format_utc(conn.last_seen) : std::string(),
             (conn.last_seen - conn.first_seen).seconds(), c2s.delivered_bytes, s2c.delivered_bytes, notes);
  last_line_ts_.erase(conn.id);
}

}  // namespace tlslens
