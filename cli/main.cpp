// tlslens: the command-line front end. It chooses a packet source and sinks; the pipeline
// lives in core/.
#include <csignal>
#include <ctime>
#include <filesystem>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <iterator>
#include <string_view>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>

#include "cli/cli_output.h"
#include "cli/options.h"
#include "core/capture/packet_source.h"
#include "core/capture/pcapng_writer.h"
#include "core/capture/secrets_scan.h"
#include "core/crypto/key_material.h"
#include "core/crypto/providers.h"
#include "core/audit/auditor.h"
#include "core/output/decrypted_stream_writer.h"
#include "core/output/output_stream.h"
#include "core/output/plaintext_pcap_writer.h"
#include "core/output/text_printer.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/parallel_analyzer.h"

namespace {

using namespace tlslens;

constexpr int kExitOk = 0;
constexpr int kExitInputError = 2;
constexpr int kExitFindings = 1;  // --fail-on: a finding reached the threshold

// --now: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[Z]" (UTC); empty: the system clock, the audit's
// only use of it (to say whether a certificate is valid today).
bool parse_now(const std::string& text, Timestamp& out) {
  if (text.empty()) {
    out = Timestamp::from_sec_nsec(static_cast<int64_t>(std::time(nullptr)), 0);
    return true;
  }
  struct tm t {};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute, &second,
                            &tail);
  if (!(n == 3 && text.size() == 10) && !(n == 6 && text.size() == 19) && !(n == 7 && tail == 'Z' && text.size() == 20))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = second;
  out = Timestamp::from_sec_nsec(static_cast<int64_t>(timegm(&t)), 0);
  return true;
}

std::atomic<PacketSource*> g_live_source{nullptr};

void stop_live_capture(int) {
  if (PacketSource* s = g_live_source.load()) s->stop();
}

int list_interfaces_command() {
  try {
    int n = 0;
    for (const InterfaceInfo& i : list_interfaces()) {
      std::string flags;
      if (i.up) flags += "Up";
      if (i.running) flags += flags.empty() ? "Running" : ", Running";
      if (i.loopback) flags += flags.empty() ? "Loopback" : ", Loopback";
      fmt::print("{}.{}{}{}\n", ++n, i.name, i.description.empty() ? "" : " (" + i.description + ")",
                 flags.empty() ? "" : " [" + flags + "]");
    }
    return kExitOk;
  } catch (const CaptureError& e) {
    fmt::print(stderr, "tlslens: {}\n", e.what());
    return kExitInputError;
  }
}

std::unique_ptr<PacketSource> open_source(const cli::Options& o) {
  if (!o.read_file.empty()) return open_capture_file(FileOptions{o.read_file, o.filter});
  LiveOptions live;
  live.interface = o.interface;
  live.filter = o.filter;
  live.snaplen = o.snaplen;
  live.promiscuous = !o.no_promiscuous;
  live.buffer_size = o.buffer_mib * 1024 * 1024;
  return open_live_capture(live);
}

AnalyzerOptions analyzer_options(const cli::Options& o) {
  AnalyzerOptions a;
  a.flow_limits.max_flows = o.max_flows;
  a.flow_limits.max_buffered_per_direction = o.max_buffer_kib * 1024;
  a.flow_limits.max_buffered_total = o.max_total_buffer_mib * 1024 * 1024;
  a.flow_limits.idle_timeout_ns = static_cast<int64_t>(o.idle_timeout_s * 1e9);
  return a;
}

// TLSLENS_READER_SHARE=F (0..1) fixes the reading thread's share of connections instead of
// balancing it as the run goes: for tests that must put connections on every thread, and for
// measuring the balance. Not a user option: the output is the same whatever it says.
std::optional<double> reader_share_override() {
  const char* value = std::getenv("TLSLENS_READER_SHARE");
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  const double share = std::strtod(value, &end);
  if (*end != '\0' || !(share >= 0.0 && share <= 1.0)) return std::nullopt;
  return share;
}

void print_stats(OutputStream& out, const AnalysisSummary& s, const CaptureStats& c) {
  out.print("\nStatistics:\n");
  out.print("  {:<34}{:>12}\n", "packets", s.packets);
  out.print("  {:<34}{:>12}\n", "TCP segments", s.tcp_segments);
  out.print("  {:<34}{:>12}\n", "other packets (not TCP)", s.not_tcp);
  out.print("  {:<34}{:>12}\n", "malformed packets", s.malformed);
  out.print("  {:<34}{:>12}\n", "packets of unsupported link type", s.unsupported_link);
  out.print("  {:<34}{:>12}\n", "packets cut by the snap length", s.cut_by_snaplen);
  out.print("  {:<34}{:>12}\n", "IP fragments", s.ip_fragments);
  out.print("  {:<34}{:>12}\n", "IP datagrams reassembled", s.ip_reassembled);
  out.print("  {:<34}{:>12}\n", "IP datagrams dropped incomplete", s.ip_fragments_dropped);
  out.print("  {:<34}{:>12}\n", "TCP connections", s.connections);
  out.print("  {:<34}{:>12}\n", "peak concurrent connections", s.peak_active_connections);
  out.print("  {:<34}{:>12}\n", "connections ended idle", s.ended_idle);
  out.print("  {:<34}{:>12}\n", "connections evicted (flow cap)", s.evicted_by_cap);
  out.print("  {:<34}{:>12}\n", "gaps (bytes missing)", fmt::format("{} ({})", s.gaps, s.gap_bytes));
  out.print("  {:<34}{:>12}\n", "forced gaps (bytes given up)",
            fmt::format("{} ({})", s.forced_gaps, s.forced_gap_bytes));
  out.print("  {:<34}{:>12}\n", "out-of-order segments", s.out_of_order_segments);
  out.print("  {:<34}{:>12}\n", "retransmitted bytes", s.retransmitted_bytes);
  out.print("  {:<34}{:>12}\n", "conflicting retransmitted bytes", s.overlap_conflict_bytes);
  if (c.kernel_dropped || c.interface_dropped) {
    out.print("  {:<34}{:>12}\n", "dropped by the kernel", c.kernel_dropped);
    out.print("  {:<34}{:>12}\n", "dropped by the interface", c.interface_dropped);
  }
}

// Warnings a user must see even without --stats: data we could not analyse.
void print_warnings(const AnalysisSummary& s, const CaptureStats& c) {
  if (s.cut_by_snaplen)
    fmt::print(stderr, "tlslens: warning: {} packet(s) were cut by the snap length; their missing bytes are gaps\n",
               s.cut_by_snaplen);
  if (s.unsupported_link)
    fmt::print(stderr, "tlslens: warning: {} packet(s) of an unsupported link type were skipped\n",
               s.unsupported_link);
  if (s.evicted_by_cap)
    fmt::print(stderr, "tlslens: warning: {} connection(s) evicted by the flow cap (--max-flows)\n", s.evicted_by_cap);
  if (s.forced_gaps)
    fmt::print(stderr,
               "tlslens: warning: {} gap(s) forced by the reassembly buffer caps (--max-buffer, "
               "--max-total-buffer): {} bytes given up\n",
               s.forced_gaps, s.forced_gap_bytes);
  if (c.kernel_dropped || c.interface_dropped)
    fmt::print(stderr, "tlslens: warning: {} packet(s) dropped by the kernel, {} by the interface\n",
               c.kernel_dropped, c.interface_dropped);
}

// The key logs embedded in the input (pcapng Decryption Secrets Blocks), unless the user said
// to ignore them.
std::vector<DecryptionSecrets> embedded_key_logs(const cli::Options& o) {
  std::vector<DecryptionSecrets> key_logs;
  if (!o.embedded_secrets || o.read_file.empty()) return key_logs;
  // A large file is walked by two threads unless --threads says one.
  const unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads) : std::thread::hardware_concurrency();
  for (DecryptionSecrets& dsb : scan_decryption_secrets(o.read_file, threads))
    if (dsb.type == DecryptionSecrets::tls_key_log) key_logs.push_back(std::move(dsb));
  return key_logs;
}

// Loads every key the user gave (and the secrets embedded in a pcapng file). Returns null
// when there is nothing to decrypt with; exits the run (returns false) on unusable input.
bool load_key_material(const cli::Options& o, const std::vector<DecryptionSecrets>& embedded,
                       std::shared_ptr<crypto::KeyMaterial>& out) {
  auto keys = std::make_shared<crypto::KeyMaterial>();
  crypto::load_crypto_providers();
  const bool live = o.read_file.empty();
  for (const std::string& path : o.keylogs) {
    std::string error;
    std::error_code ec;
    if (live && !std::filesystem::exists(path, ec) && !ec) {
      // Live capture: the browser or curl may create the key log only once it starts; the
      // capture loop's refresh() reads it when it appears.
      fmt::print(stderr, "tlslens: warning: key log '{}' does not exist yet; it will be read when it appears\n",
                 path);
      keys->key_log.watch_file(path);
      continue;
    }
    if (!keys->key_log.load_file(path, error)) {
      fmt::print(stderr, "tlslens: {}\n", error);
      return false;
    }
  }
  int dsb_number = 0;
  for (const DecryptionSecrets& dsb : embedded)
    keys->key_log.add_block(std::string_view(reinterpret_cast<const char*>(dsb.data.data()), dsb.data.size()),
                           fmt::format("{} (Decryption Secrets Block {})", o.read_file, ++dsb_number));
  for (const auto& problem : keys->key_log.problems())
    fmt::print(stderr, "tlslens: warning: {}\n", problem.to_string());
  if (keys->key_log.suppressed_problems() > 0)
    fmt::print(stderr, "tlslens: warning: {} more key log problems not shown (the first {} are above)\n",
               keys->key_log.suppressed_problems(), keys->key_log.problems().size());
  for (const std::string& spec : o.rsa_keys) {
    std::string path, error;
    std::optional<Endpoint> bound;
    if (!crypto::parse_rsa_key_spec(spec, path, bound, error) ||
        !keys->rsa_keys.add_file(path, o.password, bound, error)) {
      fmt::print(stderr, "tlslens: {}\n", error);
      return false;
    }
  }
  for (const std::string& spec : o.psks) {
    crypto::PresharedKey psk;
    std::string error;
    if (!crypto::parse_psk_spec(spec, psk, error)) {
      fmt::print(stderr, "tlslens: --psk: {}\n", error);
      return false;
    }
    keys->psks.push_back(std::move(psk));
  }
  // Live capture follows its key logs as they grow: keep them even while they hold nothing yet.
  if (!keys->empty() || (live && keys->key_log.followed_files() > 0)) out = std::move(keys);
  return true;
}

// The key log text --export-dsb embeds: every -l file, then the key logs already embedded in
// the input, each line once (re-exporting an exported capture must not double its secrets).
bool export_key_log_text(const cli::Options& o, const std::vector<DecryptionSecrets>& embedded, std::string& out) {
  std::string all;
  for (const std::string& path : o.keylogs) {
    // Live: a key log that does not exist yet is followed; its lines are embedded as they come.
    if (o.read_file.empty() && !std::filesystem::exists(path)) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "tlslens: cannot read key log {}\n", path);
      return false;
    }
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    all += '\n';  // a file without a final newline must not run into the next one
  }
  for (const DecryptionSecrets& dsb : embedded) {
    all.append(reinterpret_cast<const char*>(dsb.data.data()), dsb.data.size());
    all += '\n';
  }
  std::unordered_set<std::string_view> seen;
  std::string_view rest = all;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || !seen.insert(line).second) continue;
    out.append(line);
    out += '\n';
  }
  return true;
}

// Opens the --export-dsb file and writes its secrets; false (after saying why) when it cannot.
bool open_export(const cli::Options& o, const std::vector<DecryptionSecrets>& embedded, const PacketSource& source,
                 PcapngWriter& writer, std::string& key_log_text) {
  if (!export_key_log_text(o, embedded, key_log_text)) return false;
  try {
    writer.open(o.export_dsb, static_cast<uint32_t>(source.snaplen() > 0 ? source.snaplen() : 0));
    writer.add_secrets(key_log_text);
  } catch (const CaptureError& e) {
    fmt::print(stderr, "tlslens: {}\n", e.what());
    return false;
  }
  if (key_log_text.empty() && !(o.read_file.empty() && !o.keylogs.empty()))
    fmt::print(stderr, "tlslens: warning: {} holds no secrets: no key log was given (-l) or used from the input\n",
               o.export_dsb);
  if (!o.rsa_keys.empty() || !o.psks.empty())
    fmt::print(stderr,
               "tlslens: warning: {}: RSA keys (-k) and PSKs (--psk) are not exported; a Decryption Secrets "
               "Block holds key log text only\n",
               o.export_dsb);
  return true;
}

int run(const cli::Options& o) {
  const std::vector<DecryptionSecrets> embedded = embedded_key_logs(o);
  std::shared_ptr<crypto::KeyMaterial> keys;
  if (!load_key_material(o, embedded, keys)) return kExitInputError;

  std::unique_ptr<PacketSource> source;
  try {
    source = open_source(o);
  } catch (const CaptureError& e) {
    fmt::print(stderr, "tlslens: {}\n", e.what());
    return kExitInputError;
  }
  if (!PacketDecoder::supports_link_type(source->link_type())) {
    fmt::print(stderr, "tlslens: {}: unsupported link type {} ({})\n", source->description(),
               link_type_name(source->link_type()), source->link_type());
    return kExitInputError;
  }

  PcapngWriter exporter;
  std::string exported_text;
  if (!o.export_dsb.empty() && !open_export(o, embedded, *source, exporter, exported_text)) return kExitInputError;
  // Live: lines the key log gains during the capture go into the export as they come, each once,
  // in a Decryption Secrets Block written before the next packet.
  std::unordered_set<std::string> exported_lines;
  std::string secrets_to_export;
  if (exporter.is_open() && keys && o.read_file.empty()) {
    for (std::string_view rest = exported_text; !rest.empty();) {
      const size_t end = rest.find('\n');
      exported_lines.emplace(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    keys->key_log.set_line_observer([&](std::string_view line) {
      if (exported_lines.emplace(line).second) {
        secrets_to_export.append(line);
        secrets_to_export += '\n';
      }
    });
  }
  const auto export_new_secrets = [&] {
    if (secrets_to_export.empty()) return;
    exporter.append_secrets(secrets_to_export);
    secrets_to_export.clear();
  };

  const bool live = o.read_file.empty();
  OutputStream out(stdout);
  if ((!o.write_decrypted.empty() || !o.write_plaintext.empty()) && !keys)
    fmt::print(stderr,
               "tlslens: warning: --write-decrypted/-w need key material (-l, -k, --psk or embedded "
               "secrets); nothing will be decrypted\n");

  std::optional<audit::AuditOptions> audit_options;
  if (o.audit) {
    std::string error;
    auto trust = audit::TrustStore::load(o.ca_file, o.ca_path, error);
    if (!trust) {
      fmt::print(stderr, "tlslens: {}\n", error);
      return kExitInputError;
    }
    audit_options.emplace();
    audit_options->trust = std::make_shared<const audit::TrustStore>(std::move(*trust));
    audit_options->expect_host = o.expect_host;
    audit_options->use_seen_intermediates = o.use_seen_intermediates;
    audit_options->verifications = std::make_shared<audit::ChainVerifications>();
    if (!parse_now(o.now, audit_options->now)) {
      fmt::print(stderr, "tlslens: --now {}: not a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n", o.now);
      return kExitInputError;
    }
  }
  std::string output_error;
  const WorkerOutputFactory make_output = [&](OutputStream& stream) -> std::unique_ptr<WorkerOutput> {
    return cli::CliOutput::build(o, keys, audit_options ? &*audit_options : nullptr, stream, output_error);
  };

  AnalyzerOptions options = analyzer_options(o);
  options.keys = keys;
  // Live: the key log grows as the client writes it; records without keys look again.
  if (live && keys) options.refresh_keys = [keys] { keys->key_log.refresh(); };
  if (o.debug_keys) {
    options.debug_keys = [](const Connection& conn, std::string_view line) {
      fmt::print(stderr, "tlslens: keys: connection {}: {}\n", conn.id, line);
    };
  }
  std::string one_thread_reason;
  const unsigned threads = cli::worker_threads(o, one_thread_reason);
  // One thread: the pipeline prints straight into `out`. Several: each worker prints into
  // memory and ParallelAnalyzer's writer merges their text into `out` in the same order.
  std::unique_ptr<WorkerOutput> single_output;
  std::unique_ptr<Analyzer> single;
  std::unique_ptr<ParallelAnalyzer> parallel;
  if (threads <= 1) {
    single_output = make_output(out);
    if (single_output) single = std::make_unique<Analyzer>(options, single_output->sink());
  } else {
    parallel = std::make_unique<ParallelAnalyzer>(options, threads, make_output, out, reader_share_override());
  }
  if (!output_error.empty() || (threads <= 1 && !single_output)) {
    fmt::print(stderr, "tlslens: {}\n", output_error);
    return kExitInputError;
  }
  if (o.print_stats && o.threads > 0)  // asked for: say what it got (the default depends on the machine)
    fmt::print(stderr, "tlslens: worker threads: {}{}\n", threads,
               one_thread_reason.empty() ? "" : " (" + one_thread_reason + " runs on one)");
  const auto process = [&](const Packet& p) { single ? single->process(p) : parallel->process(p); };
  const auto finish = [&] { single ? single->finish() : parallel->finish(); };

  if (live) {
    g_live_source = source.get();
    std::signal(SIGINT, stop_live_capture);
    std::signal(SIGTERM, stop_live_capture);
  }

  int exit_code = kExitOk;
  uint64_t packets_since_refresh = 0;
  Packet packet;
  for (bool more = true; more;) {
    switch (source->next(packet)) {
      case ReadStatus::packet:
        // Live: the key log grows while we capture; re-read it (a size check when unchanged)
        // every few packets so a new connection's secrets are there when its records come.
        if (live && keys && (++packets_since_refresh & 31) == 0) keys->key_log.refresh();
        if (exporter.is_open()) {
          export_new_secrets();
          exporter.write(packet);
        }
        process(packet);
        if (live) out.flush();
        break;
      case ReadStatus::timeout:
        // Idle live capture: a browser may have appended to the key log meanwhile.
        if (keys) keys->key_log.refresh();
        if (exporter.is_open()) export_new_secrets();
        out.flush();
        break;
      case ReadStatus::end:
        more = false;
        break;
      case ReadStatus::truncated:
      case ReadStatus::error:
        finish();
        out.flush();
        fmt::print(stderr, "tlslens: {}\n", source->error());
        exit_code = kExitInputError;
        more = false;
        break;
    }
  }
  g_live_source = nullptr;
  finish();
  const AnalysisSummary summary = single ? single->summary() : parallel->summary();
  auto& output = static_cast<cli::CliOutput&>(single ? *single_output : parallel->primary_output());
  const audit::AuditingSink* auditor = output.auditor();
  const TextPrinter* text_printer = output.text_printer();
  DecryptedStreamWriter* stream_writer = output.stream_writer();
  PlaintextPcapWriter* pcap_writer = output.pcap_writer();
  CaptureStats capture_stats = source->stats();
  if (o.print_stats && !o.json) {
    print_stats(out, summary, capture_stats);
    if (auditor) {
      out.print("  {:<34}{:>12}\n", "chains verified", auditor->chain_verifications());
      out.print("  {:<34}{:>12}\n", "chain verifications reused", auditor->chain_verification_reuses());
      out.print("  {:<34}{:>12}\n", "audit findings", auditor->findings_reported());
    }
  }
  out.flush();
  if (o.print_stats && o.threads > 0 && parallel) {  // how the work was shared (it depends on timing)
    std::string shares;
    for (uint64_t n : parallel->connections_per_worker()) shares += (shares.empty() ? "" : ", ") + std::to_string(n);
    fmt::print(stderr,
               "tlslens: worker threads: connections per thread (the reading thread first): {}; "
               "waits for other threads' earlier events: {}\n",
               shares, parallel->waits_for_earlier_events());
  }
  if (keys && text_printer != nullptr) {
    // Never key material: counts only.
    fmt::print(stderr, "decryption: {} of {} TLS connections decrypted; {} of {} key log entries unused\n",
               text_printer->decrypted_connections(), text_printer->tls_connections(),
               keys->key_log.unused_entries(), keys->key_log.decryption_entries());
  }
  print_warnings(summary, capture_stats);
  if (stream_writer != nullptr && !stream_writer->error().empty()) {
    fmt::print(stderr, "tlslens: {}\n", stream_writer->error());
    exit_code = kExitInputError;
  }
  if (pcap_writer != nullptr && !pcap_writer->close()) {
    fmt::print(stderr, "tlslens: {}\n", pcap_writer->error());
    exit_code = kExitInputError;
  }
  try {
    if (exporter.is_open()) export_new_secrets();
    exporter.close();
  } catch (const CaptureError& e) {
    fmt::print(stderr, "tlslens: {}\n", e.what());
    exit_code = kExitInputError;
  }
  if (auto threshold = audit::parse_severity(o.fail_on); threshold && auditor && auditor->worst() &&
                                                          *auditor->worst() >= *threshold) {
    fmt::print(stderr, "tlslens: audit: a {} finding reaches --fail-on {}\n", audit::to_string(*auditor->worst()),
               audit::to_string(*threshold));
    if (exit_code == kExitOk) exit_code = kExitFindings;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<cli::Options> options = cli::parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  if (options->list_interfaces) return list_interfaces_command();
  return run(*options);
}
