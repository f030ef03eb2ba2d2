// TeeSink: forwards every EventSink call to several sinks, in the order they were added, so
// file writers (--write-decrypted, -w) can run beside the printer without the pipeline knowing.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "core/output/event_sink.h"

namespace tlslens {

class TeeSink : public EventSink {
 public:
  // The tee owns its sinks; callers that need a sink afterwards keep a raw pointer to it.
  void add(std::unique_ptr<EventSink> sink) { sinks_.push_back(std::move(sink)); }

  void connection_started(const Connection& conn) override {
    for (auto& s : sinks_) s->connection_started(conn);
  }
  void connection_ended(const Connection& conn) override {
    for (auto& s : sinks_) s->connection_ended(conn);
  }
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override {
    for (auto& s : sinks_) s->gap(conn, dir, missing_bytes, at);
  }
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override {
    for (auto& s : sinks_) s->malformed_packet(packet_number, ts, reason);
  }
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override {
    for (auto& s : sinks_) s->tls_record(conn, record);
  }
  void tls_message(const Connection& conn, const tls::RecordEvent& record,
                   const tls::MessageEvent& message) override {
    for (auto& s : sinks_) s->tls_message(conn, record, message);
  }
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override {
    for (auto& s : sinks_) s->tls_note(conn, note);
  }
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override {
    for (auto& s : sinks_) s->tls_summary(conn, summary);
  }
  bool wants_opaque_bytes() const override {
    for (const auto& s : sinks_)
      if (s->wants_opaque_bytes()) return true;
    return false;
  }
  void flush_pending() override {
    for (auto& s : sinks_) s->flush_pending();
  }
  void finished(const AnalysisSummary& summary) override {
    for (auto& s : sinks_) s->finished(summary);
  }

 private:
  std::vector<std::unique_ptr<EventSink>> sinks_;
};

}  // namespace tlslens
