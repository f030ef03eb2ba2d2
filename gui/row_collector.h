// RowCollector: the EventSink that turns the pipeline's events into connection rows and finding
// rows for the connection table and the audit panel, batch by batch (the file loader and the
// live capture both use it).
//
// Each ended connection becomes a row at once, because the Connection it is given is only valid
// during the callback. What it keeps between a connection's start and end is a few counters and
// its summary's columns: nothing per record. With `report_started` (live capture), a connection
// also becomes a row when it starts, marked open, which its final row replaces when it ends.
//
// With a PacketOffsetIndex it records where each connection's first packet is in the file (from
// the CaptureFilePosition the pass advances), and forgets resumed sessions, which cannot be
// re-read alone.
#pragma once

#include <cstdint>
#include <unordered_map>

#include <QList>
#include <QString>

#include "core/output/event_sink.h"
#include "gui/capture_file_position.h"
#include "gui/connection_row.h"
#include "gui/finding_row.h"
#include "gui/packet_offset_index.h"

namespace tlslens::gui {

class RowCollector final : public EventSink {
 public:
  struct Options {
    const CaptureFilePosition* position = nullptr;  // with offsets: where the current packet is
    PacketOffsetIndex* offsets = nullptr;
    bool report_started = false;
  };

  explicit RowCollector(Options options) : options_(options) {}

  void connection_started(const Connection& connection) override;
  void tls_record(const Connection& connection, const tls::RecordEvent& record) override;
  void tls_summary(const Connection& connection, const tls::SessionSummary& summary) override;
  void connection_ended(const Connection& connection) override;

  bool has_full_batch(qsizetype max_rows) const { return pending_.size() >= max_rows; }
  bool has_pending() const { return !pending_.isEmpty() || !pending_findings_.isEmpty(); }
  QList<ConnectionRow> take_rows();
  QList<FindingRow> take_findings();

 private:
  struct OpenConnection {
    uint64_t encrypted_records = 0;
    TlsColumns tls;
  };
  Options options_;
  std::unordered_map<uint64_t, OpenConnection> open_;
  QList<ConnectionRow> pending_;
  QList<FindingRow> pending_findings_;
};

// The conditions the CLI warns about: results that are incomplete for a reason the user can act
// on (capture with a larger snap length, raise a cap).
QList<QString> analysis_warnings(const AnalysisSummary& summary);

}  // namespace tlslens::gui
