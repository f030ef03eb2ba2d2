// reread_connection: one pass over a capture that hands the events of one connection to a sink
// and stops as soon as the connection has ended — what the timeline, the connection's text
// output and its decrypted streams are made from.
//
// When the PacketOffsetIndex knows where the connection starts (classic pcap), the pass begins
// at that packet record: a late connection of a large file costs its own packets, not the file
// up to it. If the record read there does not start the expected connection (the file changed,
// or the connection's first packet needed earlier ones, like IP fragments), the pass is made
// again from the file's start, so the result never depends on the index being right.
#pragma once

#include <cstdint>
#include <functional>

#include <QString>

#include "core/output/event_sink.h"
#include "gui/analysis_settings.h"
#include "gui/capture_pass.h"
#include "gui/packet_offset_index.h"

namespace tlslens::gui {

struct RereadOutcome {
  CapturePassOutcome pass;  // of the pass that counted (status failed: the file cannot be read)
  bool found = false;       // the connection was in the capture
  bool cancelled = false;
  bool from_index = false;  // the pass began at the connection's first packet
  uint64_t packets_read = 0;
};

// `offsets` may be null (read from the start). `cancelled` is polled after every packet.
RereadOutcome reread_connection(const QString& path, const PreparedAnalysis& analysis, uint64_t connection_id,
                                const PacketOffsetIndex* offsets, EventSink& sink,
                                const std::function<bool()>& cancelled);

}  // namespace tlslens::gui
