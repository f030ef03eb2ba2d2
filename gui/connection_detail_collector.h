// ConnectionDetailCollector: the EventSink that builds the ConnectionDetail of one connection
// while the pipeline runs over the capture again, ignoring every other connection.
//
// It copies what each event carries (field trees, bytes) because events are valid only during
// the callback, and stops keeping records at ConnectionDetail's caps. done() is true once the
// connection has ended, so the pass can stop there instead of reading the rest of the file.
#pragma once

#include <cstdint>

#include "core/output/event_sink.h"
#include "gui/connection_detail.h"

namespace tlslens::gui {

class ConnectionDetailCollector final : public EventSink {
 public:
  explicit ConnectionDetailCollector(uint64_t connection_id);

  void connection_ended(const Connection& conn) override;
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override;
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override;
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override;
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void audit_chain(const Connection& conn, const audit::ChainEvent& chain) override;
  void audit_finding(const Connection& conn, const audit::FindingEvent& finding) override;

  bool done() const { return done_; }
  ConnectionDetail take() { return std::move(detail_); }

 private:
  bool mine(const Connection& conn) const { return conn.id == detail_.id; }
  bool room_for(qsizetype bytes) const;

  ConnectionDetail detail_;
  bool last_record_kept_ = false;
  bool done_ = false;
};

}  // namespace tlslens::gui
