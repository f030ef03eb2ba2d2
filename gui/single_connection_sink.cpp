#include "gui/single_connection_sink.h"

namespace tlslens::gui {

SingleConnectionSink::SingleConnectionSink(uint64_t id, EventSink& downstream) : downstream_(downstream), id_(id) {}

SingleConnectionSink::SingleConnectionSink(uint64_t id, uint64_t first_packet, Timestamp first_seen,
                                           EventSink& downstream)
    : downstream_(downstream), id_(id), first_packet_(first_packet), first_seen_(first_seen) {}

const Connection* SingleConnectionSink::wanted(const Connection& conn) {
  if (done_) return nullptr;
  if (!pass_id_) {
    const bool match =
        first_packet_ ? conn.first_packet == *first_packet_ && conn.first_seen == first_seen_ : conn.id == id_;
    if (!match) return nullptr;
    pass_id_ = conn.id;
  } else if (conn.id != *pass_id_) {
    return nullptr;
  }
  if (conn.id == id_) return &conn;
  // Events carry a reference valid for the call only; the copy is refreshed for each event so
  // that its counters are the current ones.
  renumbered_ = conn;
  renumbered_.id = id_;
  return &renumbered_;
}

void SingleConnectionSink::connection_started(const Connection& conn) {
  if (const Connection* c = wanted(conn)) downstream_.connection_started(*c);
}

void SingleConnectionSink::connection_ended(const Connection& conn) {
  if (const Connection* c = wanted(conn)) {
    downstream_.connection_ended(*c);
    done_ = true;
  }
}

void SingleConnectionSink::gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  if (const Connection* c = wanted(conn)) downstream_.gap(*c, dir, missing_bytes, at);
}

void SingleConnectionSink::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  if (const Connection* c = wanted(conn)) downstream_.tls_record(*c, record);
}

void SingleConnectionSink::tls_message(const Connection& conn, const tls::RecordEvent& record,
                                       const tls::MessageEvent& message) {
  if (const Connection* c = wanted(conn)) downstream_.tls_message(*c, record, message);
}

void SingleConnectionSink::tls_note(const Connection& conn, const tls::NoteEvent& note) {
  if (const Connection* c = wanted(conn)) downstream_.tls_note(*c, note);
}

void SingleConnectionSink::tls_summary(const Connection& conn, const tls::SessionSummary& summary) {
  if (const Connection* c = wanted(conn)) downstream_.tls_summary(*c, summary);
}

void SingleConnectionSink::audit_chain(const Connection& conn, const audit::ChainEvent& chain) {
  if (const Connection* c = wanted(conn)) downstream_.audit_chain(*c, chain);
}

void SingleConnectionSink::audit_finding(const Connection& conn, const audit::FindingEvent& finding) {
  if (const Connection* c = wanted(conn)) downstream_.audit_finding(*c, finding);
}

void SingleConnectionSink::finished(const AnalysisSummary& summary) {
  downstream_.finished(summary);
}

}  // namespace tlslens::gui
