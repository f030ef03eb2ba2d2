// run_capture_pass: one pass of the core pipeline over a capture file, as the CLI runs it —
// the packet source, the Analyzer with the prepared key material, and the AuditingSink in
// front of `sink` when the analysis has a trust store.
//
// Both the CaptureLoader (the whole capture, rows only) and the ConnectionDetailLoader (one
// connection's timeline, on demand) use it, so a connection re-read later is numbered, decrypted
// and audited exactly as it was the first time.
//
// `keep_going` is called after every packet with the count read so far; returning false stops
// the pass at once (the open connections are then not ended). It is the place to check for
// cancellation and to hand batches over.
//
// CapturePassOptions can start the pass at a packet record of a classic pcap (a connection's
// first packet, from the PacketOffsetIndex) and report where each packet is in the file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include <QString>

#include "core/output/event_sink.h"
#include "gui/analysis_settings.h"
#include "gui/capture_file_position.h"
#include "gui/seeked_pcap_source.h"

namespace tlslens::gui {

struct CapturePassOutcome {
  enum class Status { finished, stopped, failed };
  Status status = Status::finished;
  QString error;    // failed: why the file could not be opened at all
  QString problem;  // finished: why reading stopped early (truncated file); what was read was analysed
  uint64_t packets = 0;
  AnalysisSummary summary;
};

struct CapturePassOptions {
  // Read from this record of a classic pcap file instead of the first (open_classic_pcap_at).
  std::optional<SeekPoint> start;
  // When set, advanced with every packet before the pipeline sees it, so sinks can ask where
  // the packet they are told about came from.
  CaptureFilePosition* position = nullptr;
};

CapturePassOutcome run_capture_pass(const QString& path, const PreparedAnalysis& analysis, EventSink& sink,
                                    const std::function<bool(uint64_t packets)>& keep_going,
                                    const CapturePassOptions& options = {});

}  // namespace tlslens::gui
