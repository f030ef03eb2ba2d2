#include "core/crypto/key_log.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <utility>

namespace tlslens::crypto {

namespace {

constexpr std::array<std::string_view, kSecretLabelCount> kLabelNames = {
    "CLIENT_RANDOM",
    "RSA",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EARLY_EXPORTER_SECRET",
    "EXPORTER_SECRET",
};

std::optional<SecretLabel> label_from_name(std::string_view name) {
  for (size_t i = 0; i < kLabelNames.size(); ++i)
    if (kLabelNames[i] == name) return static_cast<SecretLabel>(i);
  return std::nullopt;
}

// A known label written in another case ("client_random"), for a helpful reason.
std::optional<SecretLabel> label_ignoring_case(std::string_view name) {
  for (size_t i = 0; i < kLabelNames.size(); ++i) {
    std::string_view known = kLabelNames[i];
    if (known.size() != name.size()) continue;
    bool same = std::equal(known.begin(), known.end(), name.begin(), [](char a, char b) {
      auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
      return upper(a) == upper(b);
    });
    if (same) return static_cast<SecretLabel>(i);
  }
  return std::nullopt;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return hex_value(c) >= 0; });
}

// Could this token be a label, and is it safe to quote in a problem? Labels are identifiers;
// key material is hex (or, from some odd tool, base64, which is mixed case). Quote only
// identifiers of one case or with an underscore, that are not all hex digits.
bool quotable_label(std::string_view token) {
  if (token.empty() || token.size() > 40) return false;
  if (!((token[0] >= 'A' && token[0] <= 'Z') || (token[0] >= 'a' && token[0] <= 'z'))) return false;
  bool underscore = false, upper = false, lower = false;
  for (char c : token) {
    if (c == '_') {
      underscore = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (!(c >= '0' && c <= '9')) {
      return false;
    }
  }
  if (upper && lower && !underscore) return false;
  return !is_hex(token);
}

// The shape NSS labels have: upper-case letters, digits and underscores.
bool label_shaped(std::string_view token) {
  return quotable_label(token) && std::none_of(token.begin(), token.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

enum class HexStatus { ok, not_hex, odd };

// Decodes `hex` into `out` (which must have room for hex.size() / 2 bytes).
HexStatus decode_hex(std::string_view hex, uint8_t* out) {
  if (!is_hex(hex)) return HexStatus::not_hex;
  if (hex.size() % 2 != 0) return HexStatus::odd;
  for (size_t i = 0; i < hex.size(); i += 2)
    out[i / 2] = static_cast<uint8_t>(hex_value(hex[i]) << 4 | hex_value(hex[i + 1]));
  return HexStatus::ok;
}

// Checks one hex field's syntax and length; on failure says why, naming the field.
bool check_field(std::string_view hex, std::string_view what, std::initializer_list<size_t> lengths,
                 std::string& reason) {
  if (!is_hex(hex)) {
    reason = std::string(what) + " is not hex";
    return false;
  }
  if (hex.size() % 2 != 0) {
    reason = std::string(what) + " has an odd number of hex digits (" + std::to_string(hex.size()) + ")";
    return false;
  }
  size_t bytes = hex.size() / 2;
  if (std::find(lengths.begin(), lengths.end(), bytes) != lengths.end()) return true;
  reason = std::string(what) + " must be ";
  size_t i = 0;
  for (size_t n : lengths) {
    if (i > 0) reason += i + 1 == lengths.size() ? " or " : ", ";
    reason += std::to_string(n);
    ++i;
  }
  reason += " bytes, found " + std::to_string(bytes);
  return false;
}

void cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

// A read buffer that may hold secrets: zeroed before it is freed.
struct CleansedBuffer {
  std::vector<char> bytes;
  explicit CleansedBuffer(size_t n) : bytes(n) {}
  ~CleansedBuffer() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  CleansedBuffer(const CleansedBuffer&) = delete;
  CleansedBuffer& operator=(const CleansedBuffer&) = delete;
};

constexpr size_t kReadChunk = size_t{64} * 1024;

}  // namespace

std::string_view secret_label_name(SecretLabel label) {
  size_t i = static_cast<size_t>(label);
  return i < kLabelNames.size() ? kLabelNames[i] : std::string_view("?");
}

std::string KeyLogProblem::to_string() const {
  return source + ":" + std::to_string(line) + ": " + reason;
}

// ---- storage ----------------------------------------------------------------------------

size_t KeyLog::KeyHash::operator()(const Key& k) const noexcept {
  std::string_view id(reinterpret_cast<const char*>(k.id.data()), k.id.size());
  return std::hash<std::string_view>{}(id) ^ (static_cast<size_t>(k.label) * 0x9e3779b97f4a7c15ULL);
}

KeyLog::Secret::~Secret() {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

struct KeyLog::WatchedFile {
  std::string path;
  uint32_t source = 0;
  bool regular = true;  // false: a pipe or device, read once
  bool pending = false;  // watch_file(): not read yet (did not exist when registered)
  uint64_t device = 0;  // identity at the last read, to notice a replaced file
  uint64_t inode = 0;
  uint64_t offset = 0;         // bytes consumed: complete lines and skipped over-long bytes
  size_t lines = 0;            // complete lines consumed
  std::string tail;            // the last line so far, without its end (offset + tail = read position)
  bool skipping = false;       // inside an over-long line, discarding until its end
  uint64_t skipped_bytes = 0;  // its length so far

  WatchedFile() = default;
  WatchedFile(WatchedFile&&) noexcept = default;
  WatchedFile& operator=(WatchedFile&&) noexcept = default;
  ~WatchedFile() { cleanse(tail); }

  void restart() {
    offset = 0;
    lines = 0;
    cleanse(tail);
    skipping = false;
    skipped_bytes = 0;
  }
};

struct KeyLog::ParsedLine {
  enum class Kind { skip, secret, unknown_label, problem };
  Kind kind = Kind::skip;
  Key key{};
  Secret secret;
  std::string reason;
};

KeyLog::KeyLog() = default;
KeyLog::~KeyLog() = default;
KeyLog::KeyLog(KeyLog&&) noexcept = default;
KeyLog& KeyLog::operator=(KeyLog&&) noexcept = default;

uint32_t KeyLog::source_index(const std::string& source) {
  auto it = std::find(sources_.begin(), sources_.end(), source);
  if (it != sources_.end()) return static_cast<uint32_t>(it - sources_.begin());
  sources_.push_back(source);
  return static_cast<uint32_t>(sources_.size() - 1);
}

void KeyLog::report(uint32_t source, size_t line, std::string reason) {
  if (problems_.size() >= kMaxProblems) {
    ++suppressed_problems_;
    return;
  }
  problems_.push_back(KeyLogProblem{sources_[source], line, std::move(reason)});
}

void KeyLog::store(const Key& key, const Secret& secret) {
  auto [it, inserted] = secrets_.try_emplace(key, secret);
  if (inserted) {
    ++counts_[static_cast<size_t>(key.label)];
    changed_ = true;
    return;
  }
  Secret& old = it->second;
  bool same = old.size == secret.size &&
              std::equal(secret.bytes.begin(), secret.bytes.begin() + secret.size, old.bytes.begin());
  if (same) return;  // a repeated line
  bool same_line = old.source == secret.source && old.line == secret.line;
  if (!same_line) {
    // The line that was used until now, named so the user can find both.
    std::string where = old.source == secret.source ? "line " + std::to_string(old.line)
                                                    : sources_[old.source] + ":" + std::to_string(old.line);
    report(secret.source, secret.line,
           std::string(secret_label_name(key.label)) + ": a different secret than " + where + " for the same " +
               (key.label == SecretLabel::rsa ? "encrypted premaster" : "client random") + "; this line's is used");
  }
  // On the same line: a last line that was still being written has been completed.
  old = secret;
  changed_ = true;
}

// ---- parsing ----------------------------------------------------------------------------

namespace {

struct Fields {
  std::array<std::string_view, 3> field;
  size_t count = 0;  // all fields, even beyond three
};

Fields split_fields(std::string_view line) {
  Fields f;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (f.count < f.field.size()) f.field[f.count] = line.substr(start, i - start);
    ++f.count;
  }
  return f;
}

}  // namespace

void KeyLog::handle_line(std::string_view line, uint32_t source, size_t line_number, bool tentative) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Some Windows tools start the file with a UTF-8 byte order mark.
  if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (line.size() > kMaxLineLength) {
    if (!tentative) report(source, line_number, "line too long (" + std::to_string(line.size()) + " bytes)");
    return;
  }
  Fields f = split_fields(line);
  if (f.count == 0 || f.field[0].front() == '#') return;

  std::string_view token = f.field[0];
  std::optional<SecretLabel> label = label_from_name(token);
  std::string reason;

  if (!label) {
    if (tentative) return;
    if (auto known = label_ignoring_case(token)) {
      report(source, line_number,
             "unknown label '" + std::string(token) +
                 "' (labels are case-sensitive: " + std::string(secret_label_name(*known)) + ")");
      return;
    }
    if (label_shaped(token)) {
      // The usual shape: a 32-byte client random and a secret, both hex.
      if (f.count == 3 && f.field[1].size() == 64 && is_hex(f.field[1]) && !f.field[2].empty() &&
          f.field[2].size() % 2 == 0 && is_hex(f.field[2])) {
        ++unknown_labels_;  // a label tlslens does not use, on a line of the usual shape
        return;
      }
      report(source, line_number, "unknown label '" + std::string(token) + "' on a malformed line");
      return;
    }
    if (quotable_label(token)) {
      report(source, line_number, "unknown label '" + std::string(token) + "'");
    } else {
      report(source, line_number, "not a key log line (it does not start with a label)");
    }
    return;
  }

  std::string_view name = secret_label_name(*label);
  auto fail = [&](const std::string& why) {
    if (!tentative) report(source, line_number, std::string(name) + ": " + why);
  };
  bool rsa = *label == SecretLabel::rsa;
  if (rsa && f.count >= 2 && f.field[1].starts_with("Session-ID:")) {
    fail("the 'RSA Session-ID:... Master-Key:...' form is not supported; use CLIENT_RANDOM lines");
    return;
  }
  if (f.count != 3) {
    fail(std::string("expected 3 fields (label, ") +
         (rsa ? "encrypted premaster prefix, premaster" : "client random, secret") + "), found " +
         std::to_string(f.count));
    return;
  }

  Key key{};
  key.label = *label;
  Secret secret;
  secret.source = source;
  secret.line = static_cast<uint32_t>(line_number);
  std::string_view id = f.field[1];
  std::string_view value = f.field[2];
  bool ok;
  switch (*label) {
    case SecretLabel::client_random:
      ok = check_field(id, "client random", {32}, reason) && check_field(value, "master secret", {48}, reason);
      break;
    case SecretLabel::rsa:
      ok = check_field(id, "encrypted premaster prefix", {8}, reason) &&
           check_field(value, "premaster secret", {48}, reason);
      break;
    default:
      ok = check_field(id, "client random", {32}, reason) && check_field(value, "secret", {32, 48, 64}, reason);
      break;
  }
  if (!ok) {
    fail(reason);
    return;
  }
  decode_hex(id, key.id.data());
  decode_hex(value, secret.bytes.data());
  secret.size = static_cast<uint8_t>(value.size() / 2);
  store(key, secret);
  if (observer_ && !tentative) observer_(line);
}

void KeyLog::add_lines(std::string_view text, uint32_t source, bool last_line_complete) {
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    ++line_number;
    if (end == std::string_view::npos) {
      if (last_line_complete) handle_line(text.substr(pos), source, line_number, false);
      break;
    }
    handle_line(text.substr(pos, end - pos), source, line_number, false);
    pos = end + 1;
  }
}

void KeyLog::add_text(std::string_view text, const std::string& source) {
  add_lines(text, source_index(source), false);
}

void KeyLog::add_block(std::string_view text, const std::string& source) {
  add_lines(text, source_index(source), true);
}

// ---- files ------------------------------------------------------------------------------

// Reads `fd` from its current position to the end, handling complete lines as they come and
// keeping the last partial one in file.tail. `to_the_end`: the stream will not grow (a pipe),
// so the last line is complete even without its end.
bool KeyLog::read_file(WatchedFile& file, int fd, bool to_the_end) {
  CleansedBuffer buffer(kReadChunk + kMaxLineLength + 1);
  char* buf = buffer.bytes.data();
  size_t have = 0;
  if (!file.tail.empty()) {
    std::memcpy(buf, file.tail.data(), file.tail.size());
    have = file.tail.size();
    cleanse(file.tail);
  }
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(fd, buf + have, kReadChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (n == 0) break;
    size_t scan_from = have;
    have += static_cast<size_t>(n);
    size_t pos = 0;
    for (;;) {
      auto* nl = static_cast<char*>(std::memchr(buf + scan_from, '\n', have - scan_from));
      if (nl == nullptr) break;
      size_t end = static_cast<size_t>(nl - buf);
      ++file.lines;
      if (file.skipping) {
        report(file.source, file.lines,
               "line too long (" + std::to_string(file.skipped_bytes + (end - pos)) + " bytes)");
        file.skipping = false;
        file.skipped_bytes = 0;
      } else {
        handle_line(std::string_view(buf + pos, end - pos), file.source, file.lines, false);
      }
      pos = end + 1;
      scan_from = pos;
    }
    file.offset += pos;
    size_t rest = have - pos;
    if (file.skipping || rest > kMaxLineLength) {
      // An over-long line: drop its bytes now so the buffer stays bounded, report it at its end.
      file.skipping = true;
      file.skipped_bytes += rest;
      file.offset += rest;
      rest = 0;
    }
    std::memmove(buf, buf + pos, rest);
    have = rest;
  }
  if (to_the_end) {
    if (file.skipping) {
      report(file.source, file.lines + 1, "line too long (" + std::to_string(file.skipped_bytes) + " bytes)");
    } else if (have > 0) {
      handle_line(std::string_view(buf, have), file.source, file.lines + 1, false);
    }
    file.offset += have;
    if (have > 0 || file.skipping) ++file.lines;
    file.skipping = false;
    return ok;
  }
  if (have > 0) {
    file.tail.assign(buf, have);
    handle_line(file.tail, file.source, file.lines + 1, true);
  }
  return ok;
}

bool KeyLog::load_file(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open key log " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = "cannot read key log " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "cannot read key log " + path + ": it is a directory";
    ::close(fd);
    return false;
  }
  WatchedFile file;
  file.path = path;
  file.source = source_index(path);
  file.regular = S_ISREG(st.st_mode);
  file.device = static_cast<uint64_t>(st.st_dev);
  file.inode = static_cast<uint64_t>(st.st_ino);
  bool ok = read_file(file, fd, !file.regular);
  int read_errno = errno;
  ::close(fd);
  if (!ok) {
    error = "cannot read key log " + path + ": " + std::strerror(read_errno);
    return false;
  }
  if (file.regular) files_.push_back(std::move(file));
  return true;
}

bool KeyLog::watch_file(const std::string& path) {
  if (path.empty()) return false;
  for (const WatchedFile& file : files_)
    if (file.path == path) return false;
  WatchedFile file;
  file.path = path;
  file.source = source_index(path);
  file.regular = true;
  file.pending = true;  // not read yet: refresh() reads it from the start once it exists
  files_.push_back(std::move(file));
  return true;
}

size_t KeyLog::followed_files() const {
  return files_.size();
}

bool KeyLog::refresh() {
  changed_ = false;
  for (WatchedFile& file : files_) {
    struct stat st {};
    if (::stat(file.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t read_position = file.offset + file.tail.size();
    bool replaced = file.pending || static_cast<uint64_t>(st.st_dev) != file.device ||
                    static_cast<uint64_t>(st.st_ino) != file.inode;
    if (!replaced && size == read_position) continue;  // the common case: nothing new
    if (replaced || size < read_position) {
      // Replaced or truncated: the old lines are gone; read the new content from the start
      // (the secrets already held stay).
      file.restart();
      file.device = static_cast<uint64_t>(st.st_dev);
      file.inode = static_cast<uint64_t>(st.st_ino);
      read_position = 0;
    }
    int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    file.pending = false;
    if (::lseek(fd, static_cast<off_t>(read_position), SEEK_SET) == static_cast<off_t>(read_position)) {
      read_file(file, fd, false);
    }
    ::close(fd);
  }
  bool changed = changed_;
  changed_ = false;
  return changed;
}

// ---- lookups ----------------------------------------------------------------------------

std::optional<std::vector<uint8_t>> KeyLog::lookup(const Key& key) const {
  auto it = secrets_.find(key);
  if (it == secrets_.end()) return std::nullopt;
  const Secret& s = it->second;
  std::atomic_ref<bool>(s.used).store(true, std::memory_order_relaxed);
  return std::vector<uint8_t>(s.bytes.begin(), s.bytes.begin() + s.size);
}

namespace {
bool used_for_decryption(SecretLabel label) {
  return label != SecretLabel::exporter_secret && label != SecretLabel::early_exporter_secret;
}
}  // namespace

size_t KeyLog::decryption_entries() const {
  size_t n = 0;
  for (size_t i = 0; i < kSecretLabelCount; ++i)
    if (used_for_decryption(static_cast<SecretLabel>(i))) n += counts_[i];
  return n;
}

size_t KeyLog::unused_entries() const {
  size_t n = 0;
  for (const auto& [key, secret] : secrets_)
    if (!secret.used && used_for_decryption(key.label)) ++n;
  return n;
}

std::optional<std::vector<uint8_t>> KeyLog::find(SecretLabel label, Bytes client_random) const {
  Key key{};
  key.label = label;
  if (label == SecretLabel::rsa) {
    if (client_random.size() < 8) return std::nullopt;
    std::copy_n(client_random.begin(), 8, key.id.begin());
  } else {
    if (client_random.size() != key.id.size()) return std::nullopt;
    std::copy(client_random.begin(), client_random.end(), key.id.begin());
  }
  return lookup(key);
}

std::optional<std::vector<uint8_t>> KeyLog::master_secret(Bytes client_random) const {
  return find(SecretLabel::client_random, client_random);
}

std::optional<std::vector<uint8_t>> KeyLog::rsa_premaster(Bytes encrypted_premaster) const {
  return find(SecretLabel::rsa, encrypted_premaster);
}

}  // namespace tlslens::crypto
