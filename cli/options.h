// Command-line options of `tlslens`: ssldump-compatible short flags plus long options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlslens::cli {

struct Options {
  std::string read_file;        // -r
  std::string interface;        // -i
  std::string filter;           // trailing arguments, joined with spaces
  bool list_interfaces = false;  // -D
  bool no_promiscuous = false;   // -P
  bool no_resolve = true;        // -n (we never resolve names; accepted for ssldump users)
  bool absolute_times = false;   // -e
  bool print_stats = false;      // --stats
  std::string export_dsb;        // --export-dsb: a pcapng copy with the key logs embedded
  std::string write_decrypted;   // --write-decrypted DIR: decrypted data, one file per direction
  std::string write_plaintext;   // -w: decrypted data as a pcap of synthetic TCP
  bool quiet = false;            // -q: one line per record
  bool hex = false;              // -x: hex dump of each record
  bool all_fields = false;       // -A: every decoded field
  bool cert_details = false;     // -N: certificate details
  bool json = false;             // -j: JSON lines
  bool show_data = false;        // -d: decrypted application data
  bool hex_data = false;         // -X: decrypted application data as a hex dump only (implies -d)
  std::vector<std::string> keylogs;    // -l
  std::vector<std::string> rsa_keys;   // -k [IP:PORT:]FILE
  std::string password;                // -p
  std::vector<std::string> psks;       // --psk [IDENTITY:]HEX
  // Audit
  bool audit = true;                   // off: --no-audit
  bool audit_report = false;           // --audit: the per-server report only
  std::string ca_file;                 // --ca-file
  std::string ca_path;                 // --ca-path
  std::string expect_host;             // --expect-host
  bool use_seen_intermediates = false;
  std::string fail_on;                 // --fail-on SEVERITY
  std::string now;                     // --now TIME ("today" for the audit)
  bool debug_keys = false;             // --debug-keys: print derived secrets and keys to stderr
  int threads = 0;                     // --threads: worker threads (0: one per core)
  bool embedded_secrets = true;        // pcapng Decryption Secrets Blocks (off: --no-embedded-secrets)
  int snaplen = 262144;          // -s
  int buffer_mib = 16;           // -B
  double idle_timeout_s = 900;   // -t
  uint64_t max_flows = 1'000'000;
  uint64_t max_buffer_kib = 4096;        // per direction
  uint64_t max_total_buffer_mib = 256;   // all directions
};

// Parses argv. On --help/--version or a usage error it prints and returns the exit code to
// use (0 or 2) in `exit_code`, and returns nullopt.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace tlslens::cli
