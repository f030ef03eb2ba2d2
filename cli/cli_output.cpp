#include "cli/cli_output.h"

#include <thread>

#include "core/output/audit_report.h"
#include "core/output/tee_sink.h"

namespace tlslens::cli {

std::unique_ptr<CliOutput> CliOutput::build(const Options& o, const std::shared_ptr<crypto::KeyMaterial>& keys,
                                            const audit::AuditOptions* audit, OutputStream& out, std::string& error) {
  auto c = std::make_unique<CliOutput>();
  if (o.audit_report) {
    c->printer_ = std::make_unique<AuditReport>(out, o.json);
  } else if (o.json) {
    JsonOptions json;
    json.hex = o.hex;
    json.show_data = o.show_data || o.hex_data;
    json.hex_data = o.hex_data;
    if (keys) {
      json.key_log_usage = [keys] {
        return KeyLogUsage{keys->key_log.decryption_entries(), keys->key_log.unused_entries()};
      };
    }
    auto owner = std::make_unique<JsonPrinter>(out, json);
    c->json_ = owner.get();
    c->printer_ = std::move(owner);
  } else {
    TextOptions text;
    text.absolute_times = o.absolute_times;
    text.quiet = o.quiet;
    text.hex = o.hex;
    text.all_fields = o.all_fields;
    text.cert_details = o.cert_details;
    text.show_data = o.show_data || o.hex_data;
    text.hex_data = o.hex_data;
    auto owner = std::make_unique<TextPrinter>(out, text);
    c->text_ = owner.get();
    c->printer_ = std::move(owner);
  }
  if (!o.write_decrypted.empty() || !o.write_plaintext.empty()) {
    auto tee = std::make_unique<TeeSink>();
    tee->add(std::move(c->printer_));
    if (!o.write_decrypted.empty()) {
      auto w = std::make_unique<DecryptedStreamWriter>();
      if (!w->open(o.write_decrypted, error)) return nullptr;
      c->stream_writer_ = w.get();
      tee->add(std::move(w));
    }
    if (!o.write_plaintext.empty()) {
      auto w = std::make_unique<PlaintextPcapWriter>();
      if (!w->open(o.write_plaintext, error)) return nullptr;
      c->pcap_writer_ = w.get();
      tee->add(std::move(w));
    }
    c->printer_ = std::move(tee);
  }
  if (audit != nullptr) c->auditor_ = std::make_unique<audit::AuditingSink>(*audit, *c->printer_);
  return c;
}

void CliOutput::absorb(WorkerOutput& other_output) {
  auto& other = static_cast<CliOutput&>(other_output);
  if (text_ && other.text_) text_->absorb_counts(*other.text_);
  if (json_ && other.json_) json_->absorb_counts(*other.json_);
  if (auditor_ && other.auditor_) auditor_->absorb_counts(*other.auditor_);
}

unsigned worker_threads(const Options& o, std::string& why) {
  if (o.read_file.empty()) why = "a live capture";
  else if (!o.write_plaintext.empty()) why = "-w";
  else if (!o.write_decrypted.empty()) why = "--write-decrypted";
  else if (o.audit_report) why = "--audit";
  else if (o.debug_keys) why = "--debug-keys";
  if (!why.empty()) return 1;
  if (o.threads > 0) return static_cast<unsigned>(o.threads);
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

}  // namespace tlslens::cli
