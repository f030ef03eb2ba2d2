// tlslens_bench, output formatting: the printers alone, on a fixed set of events.
//
//   BM_Print/<printer>  the events of captures/demo.pcapng, decrypted with captures/demo.keys (6
//                       connections, TLS 1.2 and 1.3, resumption, mutual TLS: every record,
//                       message, note and summary the analyzer reported), recorded once with deep
//                       copies, then replayed into a fresh printer per iteration writing to an
//                       in-memory OutputStream (discarded after each pass, so no I/O is timed).
//                       Printers: text (tlslens -r), text -q, text -x -A -N, text -d (decrypted
//                       data), JSON lines (-j).
//
// items/s: events; bytes/s: output bytes; output_bytes: one pass's output.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "core/output/event_sink.h"
#include "core/output/json_printer.h"
#include "core/output/output_stream.h"
#include "core/output/text_printer.h"

namespace {

using namespace tlslens;

// One event as the analyzer reported it, with everything it points to owned here.
struct RecordedEvent {
  enum class Kind {
    connection_started,
    connection_ended,
    gap,
    malformed_packet,
    record,
    message,
    note,
    summary,
    finished
  };
  Kind kind = Kind::connection_started;
  Connection conn;
  // gap, malformed_packet
  Direction dir = Direction::client_to_server;
  uint64_t number = 0;  // missing bytes, or the packet number
  SegmentInfo at;
  std::string reason;
  // record (also the record of a message)
  tls::RecordEvent record;
  std::vector<uint8_t> header, fragment, plaintext;
  std::string decrypt_error;
  // message
  tls::MessageEvent message;
  std::vector<uint8_t> message_bytes;
  std::optional<tls::Field> fields;
  std::optional<tls::DecodeProblem> problem;
  std::optional<tls::TlsFacts> facts;  // also the summary's
  // note
  tls::NoteEvent note;
  // summary
  tls::SessionSummary summary;
  AnalysisSummary analysis;
};

class RecordingSink final : public EventSink {
 public:
  void connection_started(const Connection& conn) override { add(RecordedEvent::Kind::connection_started, conn); }
  void connection_ended(const Connection& conn) override { add(RecordedEvent::Kind::connection_ended, conn); }
  void gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) override {
    RecordedEvent& e = add(RecordedEvent::Kind::gap, conn);
    e.dir = dir;
    e.number = missing_bytes;
    e.at = at;
  }
  void malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) override {
    RecordedEvent& e = add(RecordedEvent::Kind::malformed_packet, Connection{});
    e.number = packet_number;
    e.at.ts = ts;
    e.reason = reason;
  }
  void tls_record(const Connection& conn, const tls::RecordEvent& record) override {
    copy_record(add(RecordedEvent::Kind::record, conn), record);
  }
  void tls_message(const Connection& conn, const tls::RecordEvent& record, const tls::MessageEvent& message) override {
    RecordedEvent& e = add(RecordedEvent::Kind::message, conn);
    copy_record(e, record);
    e.message = message;
    e.message_bytes.assign(message.bytes.begin(), message.bytes.end());
    e.message.bytes = Bytes(e.message_bytes);
    if (message.fields) {
      e.fields = *message.fields;
      own(*e.fields);
      e.message.fields = &*e.fields;
    }
    if (message.problem) {
      e.problem = *message.problem;
      e.message.problem = &*e.problem;
    }
    if (message.facts) {
      e.facts = *message.facts;
      e.message.facts = &*e.facts;
    }
  }
  void tls_note(const Connection& conn, const tls::NoteEvent& note) override {
    add(RecordedEvent::Kind::note, conn).note = note;
  }
  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override {
    RecordedEvent& e = add(RecordedEvent::Kind::summary, conn);
    e.summary = summary;
    e.summary.audit = nullptr;  // no audit in this run
    if (summary.facts) {
      e.facts = *summary.facts;
      e.summary.facts = &*e.facts;
    }
  }
  void finished(const AnalysisSummary& summary) override {
    add(RecordedEvent::Kind::finished, Connection{}).analysis = summary;
  }

  void replay(EventSink& sink) const {
    for (const auto& p : events) {
      const RecordedEvent& e = *p;
      switch (e.kind) {
        case RecordedEvent::Kind::connection_started:
          sink.connection_started(e.conn);
          break;
        case RecordedEvent::Kind::connection_ended:
          sink.connection_ended(e.conn);
          break;
        case RecordedEvent::Kind::gap:
          sink.gap(e.conn, e.dir, e.number, e.at);
          break;
        case RecordedEvent::Kind::malformed_packet:
          sink.malformed_packet(e.number, e.at.ts, e.reason.c_str());
          break;
        case RecordedEvent::Kind::record:
          sink.tls_record(e.conn, e.record);
          break;
        case RecordedEvent::Kind::message:
          sink.tls_message(e.conn, e.record, e.message);
          break;
        case RecordedEvent::Kind::note:
          sink.tls_note(e.conn, e.note);
          break;
        case RecordedEvent::Kind::summary:
          sink.tls_summary(e.conn, e.summary);
          break;
        case RecordedEvent::Kind::finished:
          sink.finished(e.analysis);
          break;
      }
    }
  }

  // Heap-allocated so the pointers between an event's parts stay valid.
  std::vector<std::unique_ptr<RecordedEvent>> events;
  uint64_t records = 0, decrypted = 0, messages = 0;

 private:
  RecordedEvent& add(RecordedEvent::Kind kind, const Connection& conn) {
    events.push_back(std::make_unique<RecordedEvent>());
    events.back()->kind = kind;
    events.back()->conn = conn;
    if (kind == RecordedEvent::Kind::message) ++messages;
    return *events.back();
  }
  void copy_record(RecordedEvent& e, const tls::RecordEvent& record) {
    if (e.kind == RecordedEvent::Kind::record) {
      ++records;
      if (record.decrypted) ++decrypted;
    }
    e.record = record;
    e.header.assign(record.header.begin(), record.header.end());
    e.fragment.assign(record.fragment.begin(), record.fragment.end());
    e.plaintext.assign(record.plaintext.begin(), record.plaintext.end());
    e.decrypt_error = std::string(record.decrypt_error);
    e.record.header = Bytes(e.header);
    e.record.fragment = Bytes(e.fragment);
    e.record.plaintext = Bytes(e.plaintext);
    e.record.decrypt_error = e.decrypt_error;
  }
  // A Field tree's keys and byte spans point into the decoder's buffers: copy them here.
  void own(tls::Field& f) {
    keys_.emplace_back(f.key);
    f.key = keys_.back();
    if (!f.bytes.empty()) {
      bytes_.emplace_back(f.bytes.begin(), f.bytes.end());
      f.bytes = Bytes(bytes_.back());
    }
    for (tls::Field& c : f.children) own(c);
  }
  std::deque<std::string> keys_;  // a deque: elements never move
  std::deque<std::vector<uint8_t>> bytes_;
};

const RecordingSink* recorded_demo(benchmark::State& state) {
  static std::unique_ptr<RecordingSink> recorded;
  if (recorded) return recorded.get();
  auto sink = std::make_unique<RecordingSink>();
  if (!bench::analyze_capture(state, "demo.pcapng", "demo.keys", *sink)) return nullptr;
  if (sink->decrypted == 0) {
    state.SkipWithError("demo.pcapng: nothing was decrypted with demo.keys");
    return nullptr;
  }
  recorded = std::move(sink);
  return recorded.get();
}

enum class Printer { text, text_quiet, text_hex_all_certs, text_data, json };

void BM_Print(benchmark::State& state, Printer which) {
  const RecordingSink* events = recorded_demo(state);
  if (!events) return;
  TextOptions text;
  text.quiet = which == Printer::text_quiet;
  text.hex = text.all_fields = text.cert_details = which == Printer::text_hex_all_certs;
  text.show_data = which == Printer::text_data;
  OutputStream out;  // in memory
  size_t output_bytes = 0;
  for (auto _ : state) {
    {
      std::unique_ptr<EventSink> printer;
      if (which == Printer::json)
        printer = std::make_unique<JsonPrinter>(out, JsonOptions{});
      else
        printer = std::make_unique<TextPrinter>(out, text);
      events->replay(*printer);
    }  // the text printer closes its last record when destroyed
    output_bytes = out.buffered().size();
    benchmark::DoNotOptimize(out.buffered().data());
    out.discard_buffered();
  }
  if (output_bytes == 0) {
    state.SkipWithError("the printer wrote nothing");
    return;
  }
  state.counters["events"] = static_cast<double>(events->events.size());
  state.counters["output_bytes"] = static_cast<double>(output_bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events->events.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(output_bytes));
}
BENCHMARK_CAPTURE(BM_Print, text, Printer::text);
BENCHMARK_CAPTURE(BM_Print, text_q, Printer::text_quiet);
BENCHMARK_CAPTURE(BM_Print, text_x_A_N, Printer::text_hex_all_certs);
BENCHMARK_CAPTURE(BM_Print, text_d, Printer::text_data);
BENCHMARK_CAPTURE(BM_Print, json, Printer::json);

}  // namespace
