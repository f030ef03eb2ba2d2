// EventSink: how the pipeline reports what it saw. No pipeline stage prints; front ends
// (text printer, JSON lines, GUI models) implement this interface.
#pragma once

#include <cstdint>
#include <string>

#include "core/audit/connection_audit.h"
#include "core/tcp/flow_table.h"
#include "core/tls/tls_events.h"

namespace tlslens {

struct AnalysisSummary {
  uint64_t packets = 0;
  uint64_t tcp_segments = 0;
  uint64_t not_tcp = 0;
  uint64_t malformed = 0;
  uint64_t unsupported_link = 0;
  uint64_t cut_by_snaplen = 0;
  uint64_t connections = 0;
  uint64_t peak_active_connections = 0;
  uint64_t evicted_by_cap = 0;
  uint64_t ended_idle = 0;
  uint64_t forced_gaps = 0;
  uint64_t forced_gap_bytes = 0;  // bytes the forced gaps declared missing
  uint64_t gaps = 0;
  uint64_t gap_bytes = 0;
  uint64_t retransmitted_bytes = 0;
  uint64_t out_of_order_segments = 0;
  uint64_t overlap_conflict_bytes = 0;
  uint64_t ip_fragments = 0;
  uint64_t ip_reassembled = 0;
  uint64_t ip_fragments_dropped = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void connection_started(const Connection& /*conn*/) {}
  virtual void connection_ended(const Connection& /*conn*/) {}
  // Bytes of one direction that were never captured.
  virtual void gap(const Connection& /*conn*/, Direction /*dir*/, uint64_t /*missing_bytes*/,
                   const SegmentInfo& /*at*/) {}
  // A packet that could not be decoded (malformed header); `reason` is a short phrase.
  virtual void malformed_packet(uint64_t /*packet_number*/, Timestamp /*ts*/, const char* /*reason*/) {}

  // ---- TLS (see core/tls/tls_events.h). Per connection, in stream order: a record, then
  // the messages it completed; notes where something went wrong; the summary just before
  // connection_ended.
  virtual void tls_record(const Connection& /*conn*/, const tls::RecordEvent& /*record*/) {}
  virtual void tls_message(const Connection& /*conn*/, const tls::RecordEvent& /*record*/,
                           const tls::MessageEvent& /*message*/) {}
  virtual void tls_note(const Connection& /*conn*/, const tls::NoteEvent& /*note*/) {}
  virtual void tls_summary(const Connection& /*conn*/, const tls::SessionSummary& /*summary*/) {}

  // ---- Audit (core/audit/auditor.h), when it runs: a peer's certificate chain verified
  // (right after its Certificate message), and each finding right after the event that
  // showed it; the summary's `audit` then holds them all.
  virtual void audit_chain(const Connection& /*conn*/, const audit::ChainEvent& /*chain*/) {}
  virtual void audit_finding(const Connection& /*conn*/, const audit::FindingEvent& /*finding*/) {}
  virtual void finished(const AnalysisSummary& /*summary*/) {}

  // The events one packet caused are all reported: finish any output held open for events
  // that might have followed (e.g. -q's record line awaiting message names). Called by the
  // threaded pipeline after each unit of work, so that each unit's output is complete in itself.
  virtual void flush_pending() {}

  // Whether this sink reads the bytes of records it cannot decrypt (a hex dump, say). When no
  // sink does and nothing can decrypt, an application-data record that spans segments is
  // counted rather than assembled, and its `fragment` reads as zeros of the right length
  // (RecordReader::Handler::wants_body). Sinks that forward must ask their downstreams.
  virtual bool wants_opaque_bytes() const { return true; }
};

}  // namespace tlslens
