// KeyLog: the secrets of an NSS key log file (SSLKEYLOGFILE), as browsers, curl, OpenSSL
// (`-keylogfile`, SSL_CTX_set_keylog_callback), Python's ssl module and Go's KeyLogWriter write it.
//
// One secret per line, three fields separated by spaces or tabs:
//
//   CLIENT_RANDOM <client random, 32 bytes> <master secret, 48 bytes>            TLS <= 1.2
//   RSA <first 8 bytes of the encrypted premaster> <premaster secret, 48 bytes>  TLS <= 1.2, static RSA
//   CLIENT_EARLY_TRAFFIC_SECRET / CLIENT_HANDSHAKE_TRAFFIC_SECRET / SERVER_HANDSHAKE_TRAFFIC_SECRET /
//   CLIENT_TRAFFIC_SECRET_0 / SERVER_TRAFFIC_SECRET_0 / EARLY_EXPORTER_SECRET / EXPORTER_SECRET
//       <client random, 32 bytes> <secret, 32, 48 or 64 bytes (the suite's hash length)>  TLS 1.3
//
// What this class promises:
//  - Labels are case-sensitive, as NSS writes them; hex is read in either case. Lines may end
//    in LF or CRLF; blank lines and lines starting with '#' are skipped; a UTF-8 byte order
//    mark before the first line is ignored.
//  - A malformed line (bad hex, odd or wrong length, too few or too many fields, a lowercase
//    label...) becomes a KeyLogProblem with its source, line number and reason; every other
//    line is still used. Problems never quote key material: at most the label.
//  - A well-formed line with a label tlslens does not use (OpenSSL 3.0's literal
//    CLIENT_TRAFFIC_SECRET_N, ECH_SECRET, a future label) is skipped silently and counted.
//  - The same line twice is fine. The same key with a different secret keeps the later one and
//    notes a problem.
//  - Files loaded with load_file() can be re-read as they grow (live capture): refresh() reads
//    only what was appended, and costs one stat() per file when nothing changed. A last line
//    without its line end may still be being written: it is used at once if it already parses
//    (so a finished file that lacks the final newline loses nothing) and parsed again when its
//    end arrives; it is reported only once complete. A file that shrinks or is replaced is read
//    again from the start. watch_file() follows a file that does not exist yet: refresh()
//    reads it once it appears.
//  - Lookups never allocate for the key: secrets live in a hash map keyed by (label, client
//    random). Secrets are zeroed when dropped. Nothing here prints key material.
//
// Lookups (find, master_secret, ...) may run on several threads at once; refresh()/add_text()
// must not run beside them (the pipeline refreshes only in a live capture, which runs on one
// thread, between packets).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::crypto {

enum class SecretLabel : uint8_t {
  client_random,
  rsa,
  client_early_traffic_secret,
  client_handshake_traffic_secret,
  server_handshake_traffic_secret,
  client_traffic_secret_0,
  server_traffic_secret_0,
  early_exporter_secret,
  exporter_secret,
};
inline constexpr size_t kSecretLabelCount = 9;

// The label as it appears in a key log ("CLIENT_RANDOM").
std::string_view secret_label_name(SecretLabel label);

struct KeyLogProblem {
  std::string source;  // the file name, or what add_text was told
  size_t line = 0;     // 1-based
  std::string reason;  // never contains key material

  // "file.keys:12: reason"
  std::string to_string() const;
};

class KeyLog {
 public:
  // At most this many problems are kept; the rest are only counted (a binary file given by
  // mistake would otherwise make one per "line").
  static constexpr size_t kMaxProblems = 1000;
  // Longer lines are reported and skipped (a real line is under 250 bytes).
  static constexpr size_t kMaxLineLength = 4096;

  KeyLog();
  ~KeyLog();
  KeyLog(KeyLog&&) noexcept;
  KeyLog& operator=(KeyLog&&) noexcept;
  KeyLog(const KeyLog&) = delete;
  KeyLog& operator=(const KeyLog&) = delete;

  // Adds the complete lines of `text`; a trailing partial line (no line end) is ignored.
  // Line numbers count from 1 at the start of `text`; `source` names it in problems.
  void add_text(std::string_view text, const std::string& source);
  // Like add_text, but `text` is a whole block (a pcapng Decryption Secrets Block's payload):
  // its last line counts even without a line end.
  void add_block(std::string_view text, const std::string& source);

  // Reads a key log file and remembers it for refresh(). Returns false, with `error` set, when
  // the file cannot be read at all; malformed lines are problems(), not errors. A pipe or other
  // non-regular file (`-l <(...)`) is read to its end once and is not refreshed.
  bool load_file(const std::string& path, std::string& error);
  // Remembers `path` for refresh() without reading it now: live capture with a key log that
  // the browser or curl has not created yet. The first refresh() after the file appears reads
  // it from the start, then it is followed like a loaded file. Returns false (and registers
  // nothing) for an empty path or a path already loaded or watched.
  bool watch_file(const std::string& path);
  // Called with each well-formed, complete line read from now on (without its line end; a
  // repeated line is passed again), e.g. to embed what a live capture's key log gains into an
  // export. Null: none.
  void set_line_observer(std::function<void(std::string_view line)> observer) { observer_ = std::move(observer); }
  // Files refresh() follows (loaded regular files and watched paths).
  size_t followed_files() const;
  // Reads what was appended to the loaded files since they were last read. Returns true if a
  // secret was added or changed. A file that has disappeared is skipped until it comes back.
  bool refresh();

  const std::vector<KeyLogProblem>& problems() const { return problems_; }
  // Problems beyond kMaxProblems, counted but not kept.
  size_t suppressed_problems() const { return suppressed_problems_; }
  // Distinct secrets held.
  size_t size() const { return secrets_.size(); }
  bool empty() const { return secrets_.empty(); }
  // Distinct secrets held with this label.
  size_t count(SecretLabel label) const { return counts_[static_cast<size_t>(label)]; }
  // Well-formed lines whose label tlslens does not use (skipped without a problem).
  size_t unknown_labels() const { return unknown_labels_; }
  // Secrets decryption can use: all but EXPORTER_SECRET and EARLY_EXPORTER_SECRET, which
  // tlslens holds but never needs.
  size_t decryption_entries() const;
  // Of decryption_entries(), those never looked up by find() (or master_secret(),
  // rsa_premaster()): secrets for connections the capture does not hold. A secret replaced
  // by a different one counts as not yet looked up. Walks the secrets; meant for the end.
  size_t unused_entries() const;

  // The secret logged for `label` and `client_random` (32 bytes; any other length finds
  // nothing). For SecretLabel::rsa the key is the first 8 bytes of the encrypted premaster
  // (give at least 8 bytes) and the value the 48-byte premaster.
  std::optional<std::vector<uint8_t>> find(SecretLabel label, Bytes client_random) const;
  // CLIENT_RANDOM: the 48-byte master secret.
  std::optional<std::vector<uint8_t>> master_secret(Bytes client_random) const;
  // RSA: the 48-byte premaster for an encrypted premaster (only its first 8 bytes are used).
  std::optional<std::vector<uint8_t>> rsa_premaster(Bytes encrypted_premaster) const;

 private:
  struct Key {
    SecretLabel label;
    std::array<uint8_t, 32> id;  // the client random, or the 8-byte RSA prefix then zeros
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  struct Secret {
    std::array<uint8_t, 64> bytes{};
    uint8_t size = 0;
    uint32_t source = 0;  // index into sources_, and the line that gave it
    uint32_t line = 0;
    // Set by lookup(): the secret was asked for (written through std::atomic_ref, as lookups
    // may run on several threads).
    mutable bool used = false;
    Secret() = default;
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    ~Secret();
  };
  struct ParsedLine;
  struct WatchedFile;

  uint32_t source_index(const std::string& source);
  void add_lines(std::string_view text, uint32_t source, bool last_line_complete);
  // One line (without its line end). `tentative`: a last line that may still grow — stored
  // only if it already parses, never reported or counted.
  void handle_line(std::string_view line, uint32_t source, size_t line_number, bool tentative);
  void store(const Key& key, const Secret& secret);
  void report(uint32_t source, size_t line, std::string reason);
  bool read_file(WatchedFile& file, int fd, bool to_the_end);
  std::optional<std::vector<uint8_t>> lookup(const Key& key) const;

  std::unordered_map<Key, Secret, KeyHash> secrets_;
  std::array<size_t, kSecretLabelCount> counts_{};
  std::vector<std::string> sources_;
  std::vector<WatchedFile> files_;
  std::vector<KeyLogProblem> problems_;
  size_t suppressed_problems_ = 0;
  size_t unknown_labels_ = 0;
  std::function<void(std::string_view)> observer_;
  bool changed_ = false;  // set by store(): a secret was added or replaced
};

}  // namespace tlslens::crypto
