#include "cli/options.h"

#include "core/audit/finding.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <string>
#include <vector>

namespace tlslens::cli {

namespace {

// CLI::PositiveNumber's own message prints the largest double in full; say it plainly.
const CLI::Validator kPositive(
    [](std::string& value) -> std::string {
      double number = 0;
      try {
        size_t used = 0;
        number = std::stod(value, &used);
        if (used != value.size()) number = 0;
      } catch (const std::exception&) {
        number = 0;
      }
      return number > 0 ? std::string() : "must be a number above 0, not '" + value + "'";
    },
    "POSITIVE");

constexpr const char* kDescription =
    "tlslens - a diagnostic TLS traffic analyzer.\n"
    "Reads packets from a capture file (pcap, pcapng; also .gz/.zst/.lz4 compressed) or a live\n"
    "interface, reassembles TCP, frames and decodes every TLS record and handshake message\n"
    "(SSLv2-compatible hello, SSLv3, TLS 1.0-1.3) and prints them ssldump style, or as JSON lines.\n"
    "With key material (-l, -k, --psk, or secrets embedded in pcapng) it decrypts. It audits what\n"
    "it saw: certificate chains verified as of the capture time, the name against the SNI, weak\n"
    "protocol choices; findings follow the message that showed them (see docs/audit.md).\n"
    "A BPF filter expression (as for tcpdump) may follow the options.\n";

constexpr const char* kFooter =
    "\nExamples:\n"
    "  tlslens -r capture.pcapng\n"
    "  tlslens -r capture.pcap.gz port 443\n"
    "  tlslens -i eth0 'tcp port 443 and host 10.0.0.1'\n"
    "\nExit codes: 0 success; 2 usage or input error (missing or unreadable file, not a capture,\n"
    "unsupported link type, invalid filter, capture permission denied, truncated capture).\n";

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options o;
  std::vector<std::string> filter_words;
  CLI::App app{kDescription, "tlslens"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("tlslens ") + TLSLENS_VERSION);
  app.get_formatter()->column_width(34);

  auto* read = app.add_option("-r,--read", o.read_file, "Read packets from FILE (pcap or pcapng, may be compressed)")
                   ->option_text("FILE");
  auto* iface = app.add_option("-i,--interface", o.interface, "Capture live on interface IFACE")->option_text("IFACE");
  read->excludes(iface);
  app.add_flag("-D,--list-interfaces", o.list_interfaces, "List the interfaces available for live capture and exit");
  app.add_flag("-P,--no-promiscuous", o.no_promiscuous, "Live capture: do not put the interface in promiscuous mode");
  app.add_option("-s,--snaplen", o.snaplen, "Live capture: bytes to capture per packet (default 262144)")
      ->check(CLI::Range(64, 262144))
      ->option_text("BYTES");
  app.add_option("-B,--buffer-size", o.buffer_mib, "Live capture: kernel buffer size in MiB (default 16)")
      ->check(CLI::Range(1, 4096))
      ->option_text("MIB");
  app.add_flag("-n,--no-resolve", o.no_resolve,
               "Do not resolve addresses to names (the default; accepted for ssldump users)");
  app.add_flag("-e,--absolute-times", o.absolute_times, "Print absolute UTC timestamps instead of relative times");
  app.add_option("-t,--idle-timeout", o.idle_timeout_s,
                 "End connections idle for SECONDS of capture time (default 900)")
      ->check(kPositive)
      ->option_text("SECONDS");
  app.add_option("--max-flows", o.max_flows, "Connections tracked at once; the least recently active is evicted "
                                             "beyond this (default 1000000)")
      ->check(kPositive)
      ->option_text("N");
  app.add_option("--max-buffer", o.max_buffer_kib,
                 "Out-of-order bytes held per connection direction, in KiB (default 4096)")
      ->check(kPositive)
      ->option_text("KIB");
  app.add_option("--max-total-buffer", o.max_total_buffer_mib,
                 "Out-of-order bytes held across all connections, in MiB (default 256)")
      ->check(kPositive)
      ->option_text("MIB");
  app.add_flag("-q,--quiet", o.quiet, "One line per TLS record (message names on the same line), no field lines");
  app.add_flag("-x,--hex", o.hex, "Print a hex dump of each TLS record (JSON: include the record bytes)");
  app.add_flag("-A,--all-fields", o.all_fields, "Print every decoded field (lengths, raw keys, record versions)");
  app.add_flag("-N,--cert-details", o.cert_details, "Print certificate details (validity, key, SANs, usages, fingerprints)");
  app.add_flag("-j,--json", o.json, "Write JSON lines (one object per event; see docs/json.md) instead of text");
  app.add_flag("-d,--data", o.show_data,
               "Show decrypted application data (text as text, anything else as a hex + ASCII dump; "
               "JSON: hex and a text preview)");
  app.add_flag("-X,--hex-data", o.hex_data, "Show decrypted application data as a hex + ASCII dump only (implies -d)");
  app.add_option("-l,--keylog", o.keylogs,
                 "Decrypt with this SSLKEYLOGFILE key log (repeatable; re-read as it grows in live capture)")
      ->option_text("FILE");
  app.add_option("-k,--rsa-key", o.rsa_keys,
                 "Decrypt static-RSA sessions with this private key (PEM/DER, PKCS#1/#8, PKCS#12); "
                 "IP:PORT:FILE binds it to one server (repeatable)")
      ->option_text("[IP:PORT:]FILE");
  app.add_option("-p,--password", o.password, "Password of encrypted private keys given with -k")
      ->option_text("PASSWORD");
  app.add_option("--psk", o.psks, "Pre-shared key for TLS 1.2 PSK suites, as hex (repeatable)")
      ->option_text("[IDENTITY:]HEX");
  app.add_flag("--debug-keys", o.debug_keys,
               "Print every secret and key derived, per connection, to standard error (for debugging "
               "decryption; nothing else ever prints key material)");
  app.add_option("--threads", o.threads,
                 "Threads analysing a file, the reading thread included (default: one per core; 1: no "
                 "threads). The output is the same whatever the number. Live capture, -w, --write-decrypted, --audit and --debug-keys "
                 "run on one thread")
      ->check(CLI::Range(0, 256))
      ->option_text("N");
  app.add_flag("!--no-embedded-secrets", o.embedded_secrets,
               "Ignore the key logs embedded in pcapng files (Decryption Secrets Blocks)");
  app.add_option("--export-dsb", o.export_dsb,
                 "Also write the packets read to OUT.pcapng with the key logs (-l and the input's own "
                 "Decryption Secrets Blocks) embedded, so Wireshark and tlslens decrypt it without -l. "
                 "RSA keys (-k) and PSKs are not exported: a Decryption Secrets Block holds key log text, "
                 "not private keys. In live capture, secrets a key log gains are embedded as they come")
      ->option_text("OUT.pcapng");
  app.add_option("--write-decrypted", o.write_decrypted,
                 "Write the decrypted application data to DIR, one file per connection and direction "
                 "(connN-CLIENT_PORT-SERVER_PORT-c2s.bin / -s2c.bin); needs key material")
      ->option_text("DIR");
  app.add_option("-w,--write-plaintext", o.write_plaintext,
                 "Write the decrypted application data to FILE as a pcap of synthetic TCP with the real "
                 "addresses and ports; needs key material")
      ->option_text("FILE");
  // ---- audit
  app.add_flag("!--no-audit", o.audit,
               "Do not audit (no chain verification, no findings; the audit runs by default)");
  app.add_flag("--audit", o.audit_report,
               "Print only the audit report: one block per server (SNI, address) with its chains, "
               "their verification and every finding (with -j: one server_audit object per server)");
  app.add_option("--ca-file", o.ca_file, "Trust these roots (PEM) instead of the system's")->option_text("FILE");
  app.add_option("--ca-path", o.ca_path, "Trust the roots in this directory (hashed, as c_rehash makes it)")
      ->option_text("DIR");
  app.add_option("--expect-host", o.expect_host,
                 "Check server certificates against NAME instead of the SNI")
      ->option_text("NAME");
  app.add_flag("--use-seen-intermediates", o.use_seen_intermediates,
               "Also complete chains with intermediates sent on other connections of the capture "
               "(CHAIN_ONLY_WITH_SEEN_INTERMEDIATES says when that was needed)");
  app.add_option("--fail-on", o.fail_on,
                 "Exit with code 1 when a finding reaches SEVERITY (info, low, medium, high, critical)")
      ->option_text("SEVERITY")
      ->check([](const std::string& v) {
        return audit::parse_severity(v) ? std::string() : "must be info, low, medium, high or critical";
      });
  app.add_option("--now", o.now,
                 "What \"today\" means when the audit says whether a certificate is valid today "
                 "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; default: the system clock). Verification "
                 "itself always uses the capture time")
      ->option_text("TIME");
  app.add_flag("--stats", o.print_stats, "Print packet, connection and reassembly counts at the end");
  app.add_option("filter", filter_words, "BPF filter expression (tcpdump syntax), e.g. 'port 443'")
      ->expected(0, -1);

  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "tlslens: " + CLI::FailureMessage::simple(failed, e);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    if (exit_code != 0) exit_code = 2;
    return std::nullopt;
  }
  for (size_t i = 0; i < filter_words.size(); ++i) {
    if (i) o.filter += ' ';
    o.filter += filter_words[i];
  }
  if (!o.audit && (o.audit_report || !o.fail_on.empty())) {
    fmt::print(stderr, "tlslens: --audit and --fail-on need the audit: drop --no-audit\n");
    exit_code = 2;
    return std::nullopt;
  }
  if (!o.list_interfaces && o.read_file.empty() && o.interface.empty()) {
    fmt::print(stderr, "tlslens: nothing to read: give -r FILE or -i IFACE (see --help)\n");
    exit_code = 2;
    return std::nullopt;
  }
  return o;
}

}  // namespace tlslens::cli
