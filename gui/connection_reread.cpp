#include "gui/connection_reread.h"

#include "gui/single_connection_sink.h"

namespace tlslens::gui {

namespace {

RereadOutcome pass_once(const QString& path, const PreparedAnalysis& analysis, uint64_t connection_id,
                        const PacketOffsetIndex::Entry* entry, EventSink& sink,
                        const std::function<bool()>& cancelled) {
  RereadOutcome outcome;
  SingleConnectionSink single =
      entry != nullptr ? SingleConnectionSink(connection_id, entry->start.first_number, entry->first_seen, sink)
                       : SingleConnectionSink(connection_id, sink);
  bool missed = false;
  CapturePassOptions options;
  if (entry != nullptr) options.start = entry->start;
  outcome.pass = run_capture_pass(
      path, analysis, single,
      [&](uint64_t packets) {
        outcome.cancelled = cancelled();
        // From the index, the very first packet must start the connection.
        missed = entry != nullptr && packets >= 1 && !single.found();
        return !outcome.cancelled && !missed && !single.done();
      },
      options);
  outcome.found = single.found() && !missed;
  outcome.from_index = entry != nullptr;
  outcome.packets_read = outcome.pass.packets;
  return outcome;
}

}  // namespace

RereadOutcome reread_connection(const QString& path, const PreparedAnalysis& analysis, uint64_t connection_id,
                                const PacketOffsetIndex* offsets, EventSink& sink,
                                const std::function<bool()>& cancelled) {
  if (offsets != nullptr) {
    if (const std::optional<PacketOffsetIndex::Entry> entry = offsets->find(connection_id)) {
      RereadOutcome outcome = pass_once(path, analysis, connection_id, &*entry, sink, cancelled);
      if (outcome.found || outcome.cancelled) return outcome;
      // The index did not lead to the connection: nothing was handed on, read from the start.
    }
  }
  return pass_once(path, analysis, connection_id, nullptr, sink, cancelled);
}

}  // namespace tlslens::gui
