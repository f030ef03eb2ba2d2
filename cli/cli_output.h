// CliOutput: the sink chain `tlslens` prints with, built from the options — the audit (unless
// --no-audit), then the printer (text, JSON lines or the --audit report), then the writers of
// decrypted data (--write-decrypted, -w). One per worker thread, over that thread's stream.
#pragma once

#include <memory>
#include <string>

#include "cli/options.h"
#include "core/audit/auditor.h"
#include "core/crypto/key_material.h"
#include "core/output/decrypted_stream_writer.h"
#include "core/output/json_printer.h"
#include "core/output/output_stream.h"
#include "core/output/plaintext_pcap_writer.h"
#include "core/output/text_printer.h"
#include "core/pipeline/parallel_analyzer.h"

namespace tlslens::cli {

class CliOutput final : public WorkerOutput {
 public:
  // Null with `error` set when a writer cannot be opened. `audit`: null with --no-audit.
  static std::unique_ptr<CliOutput> build(const Options& o, const std::shared_ptr<crypto::KeyMaterial>& keys,
                                          const audit::AuditOptions* audit, OutputStream& out, std::string& error);

  EventSink& sink() override { return auditor_ ? static_cast<EventSink&>(*auditor_) : *printer_; }
  void absorb(WorkerOutput& other) override;

  TextPrinter* text_printer() const { return text_; }
  audit::AuditingSink* auditor() const { return auditor_.get(); }
  DecryptedStreamWriter* stream_writer() const { return stream_writer_; }
  PlaintextPcapWriter* pcap_writer() const { return pcap_writer_; }

 private:
  std::unique_ptr<EventSink> printer_;
  TextPrinter* text_ = nullptr;
  JsonPrinter* json_ = nullptr;
  DecryptedStreamWriter* stream_writer_ = nullptr;
  PlaintextPcapWriter* pcap_writer_ = nullptr;
  std::unique_ptr<audit::AuditingSink> auditor_;
};

// How many worker threads a run gets: --threads (0: one per core), but one where the work
// needs one global order of its own (live capture, -w, --write-decrypted, --audit,
// --debug-keys); `why` then says which.
unsigned worker_threads(const Options& o, std::string& why);

}  // namespace tlslens::cli
