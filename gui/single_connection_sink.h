// SingleConnectionSink: passes on the events of one connection of a pass over the capture and
// drops the rest — what the connection's timeline, its text output and its decrypted streams
// are made from.
//
// Which connection: in a pass from the file's start, the one with the wanted id (the pass
// numbers connections as the first load did). In a pass that started at the connection's first
// packet (PacketOffsetIndex), the pass numbers it differently, so the wanted connection is the
// one that starts with the recorded first packet number and time; its events are passed on
// with the original id, so what the sinks downstream print or name files after is the same as
// from a pass over the whole file.
#pragma once

#include <cstdint>
#include <optional>

#include "core/output/event_sink.h"

namespace tlslens::gui {

class SingleConnectionSink final : public EventSink {
 public:
  // Wants connection `id` of a pass from the file's start.
  SingleConnectionSink(uint64_t id, EventSink& downstream);
  // Wants the connection that starts with packet `first_packet` at `first_seen`, reported as `id`.
  SingleConnectionSink(uint64_t id, uint64_t first_packet, Timestamp first_seen, EventSink& downstream);

  // The wanted connection has started (by id: has been seen at all).
  bool found() const { return pass_id_.has_value(); }
  // The wanted connection has ended: nothing more will be passed on.
  bool done() const { return done_; }

  void connection_started(const Connection& conn) override;
  void connection_ended(const Connection& conn) override;
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override;
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override;
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void audit_chain(const Connection& conn, const audit::ChainEvent& chain) override;
  void audit_finding(const Connection& conn, const audit::FindingEvent& finding) override;
  void finished(const AnalysisSummary& summary) override;

 private:
  // The connection as downstream sees it (the original id), or null when it is not the wanted one.
  const Connection* wanted(const Connection& conn);

  EventSink& downstream_;
  uint64_t id_;
  std::optional<uint64_t> first_packet_;  // set: match by first packet (a pass that seeked)
  Timestamp first_seen_;
  std::optional<uint64_t> pass_id_;  // the wanted connection's id in this pass, once seen
  Connection renumbered_;
  bool done_ = false;
};

}  // namespace tlslens::gui
