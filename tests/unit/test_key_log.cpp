// KeyLog: every NSS label, every malformed case (reported with its line, the rest still used),
// CRLF, comments, duplicates and conflicts, unknown labels, the problem cap and over-long lines,
// files (no final newline, growth across refreshes with a line completed in two steps,
// truncation, a pipe, reads across chunk boundaries), and the key logs of captures/ and of the
// shared corpus. Problems are checked never to quote key material.
#include "core/crypto/key_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tlslens::crypto {
namespace {

using ByteVector = std::vector<uint8_t>;
namespace fs = std::filesystem;

// ---- helpers --------------------------------------------------------------------------

ByteVector pattern(size_t n, uint8_t seed) {
  ByteVector v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed * 31 + i * 7 + 1);
  return v;
}

std::string hex(const ByteVector& v, bool upper = false) {
  static const char* lower_digits = "0123456789abcdef";
  static const char* upper_digits = "0123456789ABCDEF";
  const char* d = upper ? upper_digits : lower_digits;
  std::string s;
  for (uint8_t b : v) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

std::string line(std::string_view label, const ByteVector& id, const ByteVector& secret) {
  return std::string(label) + " " + hex(id) + " " + hex(secret) + "\n";
}

// No problem may quote key material: no run of 16 or more hex digits.
void expect_no_key_material(const KeyLog& log) {
  static const std::regex kHexRun("[0-9a-fA-F]{16,}");
  for (const KeyLogProblem& p : log.problems())
    EXPECT_FALSE(std::regex_search(p.reason, kHexRun)) << "problem quotes key material: " << p.to_string();
}

std::string all_problems(const KeyLog& log) {
  std::string s;
  for (const KeyLogProblem& p : log.problems()) s += p.to_string() + "\n";
  return s;
}

fs::path source_dir() {
  if (const char* env = std::getenv("TLSLENS_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  // This file is tests/unit/test_key_log.cpp in the source tree.
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

std::optional<fs::path> shared_dir() {
  fs::path shared;
  if (const char* env = std::getenv("TLSLENS_SHARED_DIR"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    shared = source_dir().parent_path() / "shared";
  }
  if (!fs::is_directory(shared / "corpus")) return std::nullopt;
  return shared;
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "tlslens-keylog-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

// ---- labels ---------------------------------------------------------------------------

TEST(KeyLog, ParsesEveryLabel) {
  ByteVector random = pattern(32, 1);
  ByteVector rsa_prefix = pattern(8, 2);
  std::string text;
  text += line("CLIENT_RANDOM", random, pattern(48, 10));
  text += line("RSA", rsa_prefix, pattern(48, 11));
  text += line("CLIENT_EARLY_TRAFFIC_SECRET", random, pattern(32, 12));
  text += line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, pattern(48, 13));
  text += line("SERVER_HANDSHAKE_TRAFFIC_SECRET", random, pattern(48, 14));
  text += line("CLIENT_TRAFFIC_SECRET_0", random, pattern(64, 15));
  text += line("SERVER_TRAFFIC_SECRET_0", random, pattern(32, 16));
  text += line("EARLY_EXPORTER_SECRET", random, pattern(32, 17));
  text += line("EXPORTER_SECRET", random, pattern(48, 18));
  KeyLog log;
  log.add_text(text, "all.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.size(), 9u);
  EXPECT_EQ(log.unknown_labels(), 0u);

  EXPECT_EQ(log.master_secret(random), pattern(48, 10));
  EXPECT_EQ(log.find(SecretLabel::client_random, random), pattern(48, 10));
  ByteVector encrypted = rsa_prefix;
  encrypted.resize(256, 0xee);  // only the first 8 bytes count
  EXPECT_EQ(log.rsa_premaster(encrypted), pattern(48, 11));
  EXPECT_EQ(log.find(SecretLabel::rsa, rsa_prefix), pattern(48, 11));
  EXPECT_EQ(log.find(SecretLabel::client_early_traffic_secret, random), pattern(32, 12));
  EXPECT_EQ(log.find(SecretLabel::client_handshake_traffic_secret, random), pattern(48, 13));
  EXPECT_EQ(log.find(SecretLabel::server_handshake_traffic_secret, random), pattern(48, 14));
  EXPECT_EQ(log.find(SecretLabel::client_traffic_secret_0, random), pattern(64, 15));
  EXPECT_EQ(log.find(SecretLabel::server_traffic_secret_0, random), pattern(32, 16));
  EXPECT_EQ(log.find(SecretLabel::early_exporter_secret, random), pattern(32, 17));
  EXPECT_EQ(log.find(SecretLabel::exporter_secret, random), pattern(48, 18));
  for (size_t i = 0; i < kSecretLabelCount; ++i) EXPECT_EQ(log.count(static_cast<SecretLabel>(i)), 1u) << i;
}

TEST(KeyLog, LabelNames) {
  EXPECT_EQ(secret_label_name(SecretLabel::client_random), "CLIENT_RANDOM");
  EXPECT_EQ(secret_label_name(SecretLabel::rsa), "RSA");
  EXPECT_EQ(secret_label_name(SecretLabel::client_traffic_secret_0), "CLIENT_TRAFFIC_SECRET_0");
  EXPECT_EQ(secret_label_name(SecretLabel::exporter_secret), "EXPORTER_SECRET");
}

TEST(KeyLog, LookupsNeedTheRightKey) {
  ByteVector random = pattern(32, 1);
  KeyLog log;
  log.add_text(line("CLIENT_RANDOM", random, pattern(48, 2)) + line("RSA", pattern(8, 3), pattern(48, 4)), "t");
  EXPECT_FALSE(log.master_secret(pattern(32, 9)));
  ByteVector short_random(random.begin(), random.begin() + 31);
  EXPECT_FALSE(log.master_secret(short_random));
  ByteVector long_random = random;
  long_random.push_back(0);
  EXPECT_FALSE(log.master_secret(long_random));
  EXPECT_FALSE(log.master_secret({}));
  // The same random under another label finds nothing.
  EXPECT_FALSE(log.find(SecretLabel::client_handshake_traffic_secret, random));
  ByteVector seven = pattern(7, 3);
  EXPECT_FALSE(log.rsa_premaster(seven));
  EXPECT_FALSE(log.rsa_premaster(pattern(8, 5)));
  // A client random whose first 8 bytes equal the RSA prefix is not the RSA entry.
  ByteVector like_prefix = pattern(8, 3);
  like_prefix.resize(32, 0);
  EXPECT_FALSE(log.master_secret(like_prefix));
}

TEST(KeyLog, UnusedEntriesAreThoseNeverLookedUp) {
  ByteVector a = pattern(32, 1);
  ByteVector b = pattern(32, 2);
  KeyLog log;
  EXPECT_EQ(log.decryption_entries(), 0u);
  EXPECT_EQ(log.unused_entries(), 0u);
  log.add_text(line("CLIENT_RANDOM", a, pattern(48, 2)) + line("CLIENT_RANDOM", b, pattern(48, 3)) +
                   line("SERVER_TRAFFIC_SECRET_0", a, pattern(32, 4)) + line("RSA", pattern(8, 3), pattern(48, 4)) +
                   line("EXPORTER_SECRET", a, pattern(32, 5)),
               "t");
  // Exporter secrets are held but never needed to decrypt: not counted.
  EXPECT_EQ(log.size(), 5u);
  EXPECT_EQ(log.decryption_entries(), 4u);
  EXPECT_EQ(log.unused_entries(), 4u);
  EXPECT_TRUE(log.master_secret(a));
  EXPECT_EQ(log.unused_entries(), 3u);
  EXPECT_TRUE(log.master_secret(a));  // twice is still one entry
  EXPECT_EQ(log.unused_entries(), 3u);
  EXPECT_FALSE(log.master_secret(pattern(32, 9)));  // a miss uses nothing
  EXPECT_FALSE(log.find(SecretLabel::client_traffic_secret_0, a));
  EXPECT_EQ(log.unused_entries(), 3u);
  EXPECT_TRUE(log.find(SecretLabel::server_traffic_secret_0, a));
  EXPECT_TRUE(log.rsa_premaster(pattern(8, 3)));
  EXPECT_EQ(log.unused_entries(), 1u);
  EXPECT_TRUE(log.master_secret(b));
  EXPECT_EQ(log.unused_entries(), 0u);
}

TEST(KeyLog, HexInEitherCase) {
  ByteVector random = pattern(32, 7);
  KeyLog log;
  log.add_text("CLIENT_RANDOM " + hex(random, true) + " " + hex(pattern(48, 8), true) + "\n", "upper.keys");
  std::string mixed = hex(pattern(32, 9));
  for (size_t i = 0; i < mixed.size(); i += 3) mixed[i] = static_cast<char>(std::toupper(mixed[i]));
  log.add_text("SERVER_TRAFFIC_SECRET_0 " + mixed + " " + hex(pattern(32, 10)) + "\n", "mixed.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.master_secret(random), pattern(48, 8));
  EXPECT_EQ(log.find(SecretLabel::server_traffic_secret_0, pattern(32, 9)), pattern(32, 10));
}

TEST(KeyLog, CommentsBlankLinesCrlfAndWhitespace) {
  ByteVector r1 = pattern(32, 1), r2 = pattern(32, 2), r3 = pattern(32, 3);
  std::string text = "# SSL/TLS secrets log file, generated by OpenSSL\r\n";
  text += "\r\n";
  text += "   \t \n";
  text += "CLIENT_RANDOM " + hex(r1) + " " + hex(pattern(48, 4)) + "\r\n";
  text += "  # an indented comment\n";
  text += "\tCLIENT_RANDOM\t" + hex(r2) + "\t\t" + hex(pattern(48, 5)) + " \t\r\n";
  text += "CLIENT_RANDOM  " + hex(r3) + "   " + hex(pattern(48, 6)) + "\n";
  KeyLog log;
  log.add_text(text, "crlf.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.master_secret(r1), pattern(48, 4));
  EXPECT_EQ(log.master_secret(r2), pattern(48, 5));
  EXPECT_EQ(log.master_secret(r3), pattern(48, 6));
}

TEST(KeyLog, ByteOrderMarkBeforeTheFirstLine) {
  KeyLog log;
  log.add_text("\xEF\xBB\xBF" + line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)), "bom.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.master_secret(pattern(32, 1)), pattern(48, 1));
  // Only before the first line.
  log.add_text("\n\xEF\xBB\xBF" + line("CLIENT_RANDOM", pattern(32, 2), pattern(48, 2)), "bom2.keys");
  EXPECT_EQ(log.problems().size(), 1u);
}

// ---- malformed lines ------------------------------------------------------------------

struct BadLine {
  std::string text;
  std::string reason;  // a substring of the expected reason
};

TEST(KeyLog, MalformedLinesAreReportedWithTheirLineAndTheRestIsUsed) {
  ByteVector r = pattern(32, 1);
  std::string good_random = hex(r);
  std::string ms = hex(pattern(48, 2));
  std::string s32 = hex(pattern(32, 3));
  std::vector<BadLine> bad = {
      {"CLIENT_RANDOM " + good_random.substr(0, 62) + "zz " + ms, "CLIENT_RANDOM: client random is not hex"},
      {"CLIENT_RANDOM " + good_random + " " + ms.substr(0, 94) + "g0", "CLIENT_RANDOM: master secret is not hex"},
      {"CLIENT_RANDOM " + good_random.substr(0, 63) + " " + ms, "client random has an odd number of hex digits (63)"},
      {"CLIENT_RANDOM " + good_random + " " + ms.substr(0, 95), "master secret has an odd number of hex digits (95)"},
      {"CLIENT_RANDOM " + good_random.substr(0, 62) + " " + ms, "client random must be 32 bytes, found 31"},
      {"CLIENT_RANDOM " + good_random + "00 " + ms, "client random must be 32 bytes, found 33"},
      {"CLIENT_RANDOM " + good_random + " " + s32, "master secret must be 48 bytes, found 32"},
      {"CLIENT_RANDOM " + good_random, "CLIENT_RANDOM: expected 3 fields (label, client random, secret), found 2"},
      {"CLIENT_RANDOM", "expected 3 fields (label, client random, secret), found 1"},
      {"CLIENT_RANDOM " + good_random + " " + ms + " extra", "found 4"},
      {"CLIENT_RANDOM " + good_random + " " + ms + " # comment", "found 5"},
      {"RSA " + hex(pattern(7, 4)) + " " + ms, "RSA: encrypted premaster prefix must be 8 bytes, found 7"},
      {"RSA " + hex(pattern(8, 4)) + " " + hex(pattern(47, 5)), "RSA: premaster secret must be 48 bytes, found 47"},
      {"RSA " + hex(pattern(8, 4)), "RSA: expected 3 fields (label, encrypted premaster prefix, premaster), found 2"},
      {"RSA Session-ID:" + s32 + " Master-Key:" + ms, "'RSA Session-ID:... Master-Key:...' form is not supported"},
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET " + good_random + " " + hex(pattern(40, 6)),
       "CLIENT_HANDSHAKE_TRAFFIC_SECRET: secret must be 32, 48 or 64 bytes, found 40"},
      {"SERVER_TRAFFIC_SECRET_0 " + good_random + " " + hex(pattern(16, 6)),
       "secret must be 32, 48 or 64 bytes, found 16"},
      {"EXPORTER_SECRET " + good_random + " " + hex(pattern(96, 6)), "found 96"},
      {"CLIENT_EARLY_TRAFFIC_SECRET " + good_random + " ", "found 2"},
      {"client_random " + good_random + " " + ms,
       "unknown label 'client_random' (labels are case-sensitive: CLIENT_RANDOM)"},
      {"Client_Traffic_Secret_0 " + good_random + " " + s32, "labels are case-sensitive: CLIENT_TRAFFIC_SECRET_0"},
      {"CLIENT_RANDOMX " + good_random + " nothex", "unknown label 'CLIENT_RANDOMX' on a malformed line"},
      {"SOME_LABEL", "unknown label 'SOME_LABEL' on a malformed line"},
      {"hello world", "unknown label 'hello'"},
      {good_random + " " + ms, "not a key log line (it does not start with a label)"},
      {"3CC9E5068E674393C10E540430F60AB794C028B277CAD9C7", "not a key log line"},
      {"CLIENT_RANDOM\xff " + good_random + " " + ms, "not a key log line"},
      {std::string("CLIENT_RANDOM ") + good_random + std::string(1, '\0') + " " + ms, "client random is not hex"},
  };
  // Good lines between the bad ones, each with its own random.
  std::string text;
  std::vector<size_t> bad_line_numbers;
  size_t line_number = 0;
  for (size_t i = 0; i < bad.size(); ++i) {
    text += line("CLIENT_RANDOM", pattern(32, static_cast<uint8_t>(100 + i)), pattern(48, static_cast<uint8_t>(i)));
    ++line_number;
    text += bad[i].text + (i % 2 ? "\r\n" : "\n");
    bad_line_numbers.push_back(++line_number);
  }
  text += line("CLIENT_RANDOM", pattern(32, 99), pattern(48, 99));
  KeyLog log;
  log.add_text(text, "bad.keys");
  ASSERT_EQ(log.problems().size(), bad.size()) << all_problems(log);
  for (size_t i = 0; i < bad.size(); ++i) {
    const KeyLogProblem& p = log.problems()[i];
    EXPECT_EQ(p.source, "bad.keys");
    EXPECT_EQ(p.line, bad_line_numbers[i]) << p.to_string();
    EXPECT_NE(p.reason.find(bad[i].reason), std::string::npos) << "line " << i << ": " << p.to_string();
  }
  expect_no_key_material(log);
  // Every good line was used; no bad one was.
  EXPECT_EQ(log.size(), bad.size() + 1);
  for (size_t i = 0; i < bad.size(); ++i)
    EXPECT_EQ(log.master_secret(pattern(32, static_cast<uint8_t>(100 + i))), pattern(48, static_cast<uint8_t>(i)));
  EXPECT_EQ(log.master_secret(pattern(32, 99)), pattern(48, 99));
  EXPECT_FALSE(log.master_secret(r));
  EXPECT_EQ(log.unknown_labels(), 0u);
}

TEST(KeyLog, ProblemToString) {
  KeyLogProblem p{"file.keys", 12, "CLIENT_RANDOM: master secret is not hex"};
  EXPECT_EQ(p.to_string(), "file.keys:12: CLIENT_RANDOM: master secret is not hex");
}

TEST(KeyLog, UnknownLabelsAreSkippedSilentlyAndCounted) {
  ByteVector r = pattern(32, 1);
  std::string text;
  text += line("CLIENT_TRAFFIC_SECRET_N", r, pattern(48, 2));  // OpenSSL 3.0 after a KeyUpdate
  text += line("SERVER_TRAFFIC_SECRET_N", r, pattern(48, 3));
  text += line("ECH_SECRET", r, pattern(32, 4));
  text += line("CLIENT_TRAFFIC_SECRET_1", r, pattern(32, 5));
  text += line("PMS_CLIENT_RANDOM", r, pattern(48, 6));
  text += line("CLIENT_TRAFFIC_SECRET_0", r, pattern(48, 7));
  KeyLog log;
  log.add_text(text, "unknown.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.unknown_labels(), 5u);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.find(SecretLabel::client_traffic_secret_0, r), pattern(48, 7));
}

TEST(KeyLog, DuplicatesAndConflicts) {
  ByteVector r = pattern(32, 1);
  std::string first = line("CLIENT_RANDOM", r, pattern(48, 2));
  KeyLog log;
  log.add_text(first + first + "# again\n" + first, "dup.keys");
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.size(), 1u);

  log.add_text("\n" + line("CLIENT_RANDOM", r, pattern(48, 3)), "other.keys");
  ASSERT_EQ(log.problems().size(), 1u);
  const KeyLogProblem& p = log.problems()[0];
  EXPECT_EQ(p.source, "other.keys");
  EXPECT_EQ(p.line, 2u);
  EXPECT_NE(p.reason.find("CLIENT_RANDOM: a different secret than dup.keys:1"), std::string::npos) << p.reason;
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.count(SecretLabel::client_random), 1u);
  EXPECT_EQ(log.master_secret(r), pattern(48, 3));  // the last one wins
  expect_no_key_material(log);

  // Within one source the earlier line is named by number.
  KeyLog same;
  same.add_text(line("RSA", pattern(8, 1), pattern(48, 1)) + line("RSA", pattern(8, 1), pattern(48, 2)), "s.keys");
  ASSERT_EQ(same.problems().size(), 1u);
  EXPECT_NE(same.problems()[0].reason.find("than line 1 for the same encrypted premaster"), std::string::npos)
      << same.problems()[0].reason;
  EXPECT_EQ(same.rsa_premaster(pattern(8, 1)), pattern(48, 2));
}

TEST(KeyLog, AddTextIgnoresAPartialLastLineAndAddBlockUsesIt) {
  ByteVector r1 = pattern(32, 1), r2 = pattern(32, 2);
  std::string text = line("CLIENT_RANDOM", r1, pattern(48, 1));
  text += "CLIENT_RANDOM " + hex(r2) + " " + hex(pattern(48, 2));  // no line end
  KeyLog log;
  log.add_text(text, "partial");
  EXPECT_EQ(log.size(), 1u);
  EXPECT_FALSE(log.master_secret(r2));
  log.add_block(text, "dsb");
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.master_secret(r2), pattern(48, 2));
  // A malformed unterminated last line of a block is reported.
  log.add_block("CLIENT_RANDOM 00", "dsb2");
  ASSERT_EQ(log.problems().size(), 1u);
  EXPECT_EQ(log.problems()[0].to_string(),
            "dsb2:1: CLIENT_RANDOM: expected 3 fields (label, client random, secret), found 2");
  log.add_text("", "empty");
  log.add_block("", "empty");
  EXPECT_EQ(log.size(), 2u);
}

TEST(KeyLog, ProblemsAreCapped) {
  std::string text;
  for (size_t i = 0; i < KeyLog::kMaxProblems + 500; ++i) text += "CLIENT_RANDOM zz zz\n";
  text += line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1));
  KeyLog log;
  log.add_text(text, "junk");
  EXPECT_EQ(log.problems().size(), KeyLog::kMaxProblems);
  EXPECT_EQ(log.suppressed_problems(), 500u);
  EXPECT_EQ(log.master_secret(pattern(32, 1)), pattern(48, 1));
}

TEST(KeyLog, OverlongLinesAreReported) {
  std::string text = "CLIENT_RANDOM " + std::string(KeyLog::kMaxLineLength, 'a') + " b\n";
  text += line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1));
  KeyLog log;
  log.add_text(text, "long");
  ASSERT_EQ(log.problems().size(), 1u);
  EXPECT_EQ(log.problems()[0].line, 1u);
  EXPECT_NE(log.problems()[0].reason.find("line too long"), std::string::npos);
  EXPECT_EQ(log.size(), 1u);
}

TEST(KeyLog, Moves) {
  KeyLog log;
  log.add_text(line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)), "m");
  KeyLog moved(std::move(log));
  EXPECT_EQ(moved.master_secret(pattern(32, 1)), pattern(48, 1));
  KeyLog assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 1u);
}

// ---- files ----------------------------------------------------------------------------

TEST(KeyLog, LoadFileErrors) {
  TempDir dir;
  KeyLog log;
  std::string error;
  EXPECT_FALSE(log.load_file((dir / "missing.keys").string(), error));
  EXPECT_NE(error.find("missing.keys"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
  error.clear();
  fs::create_directory(dir / "sub");
  EXPECT_FALSE(log.load_file((dir / "sub").string(), error));
  EXPECT_NE(error.find("directory"), std::string::npos) << error;
  EXPECT_FALSE(log.refresh());
}

TEST(KeyLog, LoadFileUsesALastLineWithoutNewline) {
  TempDir dir;
  fs::path path = dir / "nonl.keys";
  write_file(path, line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)) + "CLIENT_RANDOM " + hex(pattern(32, 2)) +
                       " " + hex(pattern(48, 2)));
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file(path.string(), error)) << error;
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  EXPECT_EQ(log.master_secret(pattern(32, 2)), pattern(48, 2));
  EXPECT_FALSE(log.refresh());
}

TEST(KeyLog, RefreshReadsAppendedLinesIncludingOneCompletedAcrossTwoRefreshes) {
  TempDir dir;
  fs::path path = dir / "live.keys";
  write_file(path, "# live\n" + line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)));
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file(path.string(), error)) << error;
  EXPECT_EQ(log.size(), 1u);
  EXPECT_FALSE(log.refresh());  // nothing changed

  write_file(path, line("SERVER_HANDSHAKE_TRAFFIC_SECRET", pattern(32, 2), pattern(48, 2)), true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.find(SecretLabel::server_handshake_traffic_secret, pattern(32, 2)), pattern(48, 2));
  EXPECT_FALSE(log.refresh());

  // A line written in two parts: the first part cannot be used yet and is not reported.
  std::string full = line("CLIENT_RANDOM", pattern(32, 3), pattern(48, 3));
  write_file(path, full.substr(0, 100), true);
  EXPECT_FALSE(log.refresh());
  EXPECT_FALSE(log.master_secret(pattern(32, 3)));
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);
  write_file(path, full.substr(100), true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.master_secret(pattern(32, 3)), pattern(48, 3));

  // A line whose first part already parses (a 48-byte secret cut after 32 bytes) is used at
  // once and corrected silently when its end arrives.
  std::string tls13 = line("CLIENT_TRAFFIC_SECRET_0", pattern(32, 4), pattern(48, 4));
  size_t cut = tls13.size() - 1 - 32;  // 16 bytes (32 hex digits) and the newline missing
  write_file(path, tls13.substr(0, cut), true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.find(SecretLabel::client_traffic_secret_0, pattern(32, 4))->size(), 32u);
  write_file(path, tls13.substr(cut), true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.find(SecretLabel::client_traffic_secret_0, pattern(32, 4)), pattern(48, 4));
  EXPECT_TRUE(log.problems().empty()) << all_problems(log);

  // Line numbers carry on across refreshes: this is line 6 (CRLF and all).
  write_file(path, "CLIENT_RANDOM nothex x\r\n", true);
  EXPECT_FALSE(log.refresh());
  ASSERT_EQ(log.problems().size(), 1u);
  EXPECT_EQ(log.problems()[0].source, path.string());
  EXPECT_EQ(log.problems()[0].line, 6u);
  EXPECT_EQ(log.size(), 4u);
}

TEST(KeyLog, RefreshStartsOverWhenTheFileShrinksOrIsReplaced) {
  TempDir dir;
  fs::path path = dir / "rotate.keys";
  write_file(path, line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)) +
                       line("CLIENT_RANDOM", pattern(32, 2), pattern(48, 2)));
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file(path.string(), error)) << error;
  write_file(path, line("CLIENT_RANDOM", pattern(32, 3), pattern(48, 3)));  // truncated and rewritten
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.master_secret(pattern(32, 3)), pattern(48, 3));
  EXPECT_EQ(log.master_secret(pattern(32, 1)), pattern(48, 1));  // what was read stays

  // Replaced by another file (a new inode) of a larger size.
  fs::path other = dir / "new.keys";
  write_file(other, "# new\n# file\n# here\n" + line("CLIENT_RANDOM", pattern(32, 4), pattern(48, 4)) + "bad\n");
  fs::rename(other, path);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.master_secret(pattern(32, 4)), pattern(48, 4));
  ASSERT_EQ(log.problems().size(), 1u);
  EXPECT_EQ(log.problems()[0].line, 5u);

  // Gone for a while, then back.
  fs::remove(path);
  EXPECT_FALSE(log.refresh());
  write_file(path, line("CLIENT_RANDOM", pattern(32, 5), pattern(48, 5)));
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.master_secret(pattern(32, 5)), pattern(48, 5));
}

TEST(KeyLog, AWatchedFileIsReadOnceItAppearsThenFollowed) {
  TempDir dir;
  fs::path path = dir / "later.keys";
  KeyLog log;
  ASSERT_TRUE(log.watch_file(path.string()));
  EXPECT_FALSE(log.watch_file(path.string()));  // already watched
  EXPECT_FALSE(log.watch_file(""));
  EXPECT_EQ(log.followed_files(), 1u);
  EXPECT_FALSE(log.refresh());  // not there yet: no error, nothing read
  EXPECT_TRUE(log.empty());

  // Created empty (as a browser opens it before writing), then written.
  write_file(path, "");
  EXPECT_FALSE(log.refresh());
  write_file(path, "# created by the client\n" + line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", pattern(32, 1), pattern(32, 1)),
             true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.find(SecretLabel::client_handshake_traffic_secret, pattern(32, 1)), pattern(32, 1));
  EXPECT_FALSE(log.refresh());

  // Appended to: only the new lines are read, with line numbers carrying on.
  write_file(path, line("CLIENT_TRAFFIC_SECRET_0", pattern(32, 1), pattern(32, 2)) + "bad line\n", true);
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.find(SecretLabel::client_traffic_secret_0, pattern(32, 1)), pattern(32, 2));
  EXPECT_EQ(log.size(), 2u);
  ASSERT_EQ(log.problems().size(), 1u);
  EXPECT_EQ(log.problems()[0].source, path.string());
  EXPECT_EQ(log.problems()[0].line, 4u);
  EXPECT_FALSE(log.refresh());
  expect_no_key_material(log);
}

TEST(KeyLog, AWatchedFileThatAlreadyExistsIsReadByTheFirstRefresh) {
  TempDir dir;
  fs::path path = dir / "exists.keys";
  write_file(path, line("CLIENT_RANDOM", pattern(32, 7), pattern(48, 7)));
  KeyLog log;
  ASSERT_TRUE(log.watch_file(path.string()));
  EXPECT_TRUE(log.empty());  // watch_file reads nothing itself
  EXPECT_TRUE(log.refresh());
  EXPECT_EQ(log.master_secret(pattern(32, 7)), pattern(48, 7));
  EXPECT_FALSE(log.refresh());
}

TEST(KeyLog, LargeFilesAreReadAcrossChunks) {
  TempDir dir;
  fs::path path = dir / "big.keys";
  std::string text;
  constexpr size_t kLines = 3000;  // ~500 KB: several read chunks, lines split across them
  for (size_t i = 0; i < kLines; ++i) {
    ByteVector random = pattern(32, static_cast<uint8_t>(i));
    random[0] = static_cast<uint8_t>(i >> 8);
    random[1] = static_cast<uint8_t>(i);
    text += line(i % 2 ? "CLIENT_RANDOM" : "CLIENT_RANDOM ", random, pattern(48, static_cast<uint8_t>(i * 3)));
  }
  // An over-long junk line longer than a chunk, then one more good line.
  text += std::string(100 * 1024, 'x') + "\n";
  text += line("EXPORTER_SECRET", pattern(32, 1), pattern(32, 2));
  write_file(path, text);
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file(path.string(), error)) << error;
  EXPECT_EQ(log.size(), kLines + 1);
  ASSERT_EQ(log.problems().size(), 1u) << all_problems(log);
  EXPECT_EQ(log.problems()[0].line, kLines + 1);
  EXPECT_NE(log.problems()[0].reason.find("line too long (102400 bytes)"), std::string::npos)
      << log.problems()[0].reason;
  for (size_t i = 0; i < kLines; i += 97) {
    ByteVector random = pattern(32, static_cast<uint8_t>(i));
    random[0] = static_cast<uint8_t>(i >> 8);
    random[1] = static_cast<uint8_t>(i);
    EXPECT_EQ(log.master_secret(random), pattern(48, static_cast<uint8_t>(i * 3))) << i;
  }
  EXPECT_EQ(log.find(SecretLabel::exporter_secret, pattern(32, 1)), pattern(32, 2));
}

TEST(KeyLog, ReadsAPipeToItsEnd) {
  TempDir dir;
  fs::path fifo = dir / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string text = line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1)) + "CLIENT_RANDOM " + hex(pattern(32, 2)) +
                     " " + hex(pattern(48, 2));  // the last line has no end: a pipe is complete at EOF
  std::thread writer([&] { write_file(fifo, text); });
  KeyLog log;
  std::string error;
  bool loaded = log.load_file(fifo.string(), error);
  writer.join();
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.master_secret(pattern(32, 2)), pattern(48, 2));
  EXPECT_FALSE(log.refresh());
}

// ---- real key logs --------------------------------------------------------------------

TEST(KeyLog, ProjectCapturesKeyLogsLoadCleanly) {
  fs::path captures = source_dir() / "captures";
  ASSERT_TRUE(fs::is_directory(captures)) << captures;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(captures)) {
    if (entry.path().extension() != ".keys") continue;
    ++files;
    KeyLog log;
    std::string error;
    ASSERT_TRUE(log.load_file(entry.path().string(), error)) << error;
    EXPECT_TRUE(log.problems().empty()) << entry.path() << "\n" << all_problems(log);
    EXPECT_GT(log.size(), 0u) << entry.path();
    if (entry.path().filename() == "tls13-keyupdate.keys") {
      // OpenSSL 3.0 writes CLIENT_TRAFFIC_SECRET_N / SERVER_TRAFFIC_SECRET_N after a KeyUpdate.
      EXPECT_EQ(log.unknown_labels(), 2u);
      EXPECT_EQ(log.size(), 5u);
    } else {
      EXPECT_EQ(log.unknown_labels(), 0u) << entry.path();
    }
  }
  EXPECT_GT(files, 10u);
}

TEST(KeyLog, RsaLineOfTheStaticRsaCapture) {
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file((source_dir() / "captures" / "tls12-rsa-aes128gcm.keys").string(), error)) << error;
  EXPECT_EQ(log.count(SecretLabel::rsa), 1u);
  ByteVector prefix = {0x66, 0x5d, 0x3d, 0xc4, 0x59, 0x7e, 0xb4, 0x34};
  auto premaster = log.rsa_premaster(prefix);
  ASSERT_TRUE(premaster);
  ASSERT_EQ(premaster->size(), 48u);
  EXPECT_EQ((*premaster)[0], 0x03);  // the client's version, as the premaster begins
  EXPECT_EQ((*premaster)[1], 0x03);
}

TEST(KeyLog, SharedCorpusKeyLogsLoadCleanly) {
  auto shared = shared_dir();
  if (!shared) GTEST_SKIP() << "shared corpus not found (set TLSLENS_SHARED_DIR)";
  fs::path keys = *shared / "corpus" / "wireshark" / "keys";
  if (!fs::is_directory(keys)) GTEST_SKIP() << "no wireshark key directory in the shared corpus";
  // Expected secrets per file (the corpus is read-only; these are its contents).
  const std::map<std::string, size_t> expected = {
      {"tls12-chacha20poly1305.keys", 8}, {"tls12-dsb-1.keys", 1},   {"tls12-dsb-2.keys", 1},
      {"tls13-rfc8446-noearly.keys", 8},  {"tls13-rfc8446.keys", 9}, {"dhe1_keylog.dat", 1},
  };
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(keys)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".keys" && ext != ".dat") continue;
    ++files;
    KeyLog log;
    std::string error;
    ASSERT_TRUE(log.load_file(entry.path().string(), error)) << error;
    EXPECT_TRUE(log.problems().empty()) << entry.path() << "\n" << all_problems(log);
    EXPECT_EQ(log.unknown_labels(), 0u) << entry.path();
    auto it = expected.find(entry.path().filename().string());
    if (it != expected.end()) {
      EXPECT_EQ(log.size(), it->second) << entry.path();
    }
  }
  EXPECT_GE(files, expected.size());

  KeyLog rfc;
  std::string error;
  ASSERT_TRUE(rfc.load_file((keys / "tls13-rfc8446.keys").string(), error)) << error;
  EXPECT_EQ(rfc.count(SecretLabel::client_early_traffic_secret), 1u);
  EXPECT_EQ(rfc.count(SecretLabel::client_handshake_traffic_secret), 2u);
  ByteVector rfc_random = {0x26, 0x35, 0xfa, 0xfc, 0x16, 0xc4, 0x9a, 0x3e, 0x99, 0x7e, 0xf7,
                           0x14, 0xc3, 0x03, 0x80, 0x6d, 0xc8, 0xdb, 0xf6, 0x34, 0xa2, 0x00,
                           0x5b, 0x0e, 0x01, 0x86, 0x52, 0x1c, 0x4a, 0xd6, 0xf9, 0xdf};
  auto chts = rfc.find(SecretLabel::client_handshake_traffic_secret, rfc_random);
  ASSERT_TRUE(chts);
  ASSERT_EQ(chts->size(), 32u);
  EXPECT_EQ((*chts)[0], 0x3a);
  EXPECT_EQ((*chts)[31], 0xdf);
  // dhe1_keylog.dat writes its master secret in upper case.
  ByteVector uppercase_random = {0x53, 0x1f, 0x88, 0xd1, 0x14, 0xfc, 0xf9, 0xce, 0x97, 0x29, 0xb5,
                                 0x45, 0x8f, 0x73, 0xe1, 0x80, 0x73, 0x24, 0x45, 0x90, 0x29, 0xee,
                                 0x4b, 0xea, 0x43, 0xf8, 0xee, 0x4c, 0xe0, 0x6c, 0x77, 0xc0};
  KeyLog dhe;
  ASSERT_TRUE(dhe.load_file((keys / "dhe1_keylog.dat").string(), error)) << error;
  auto ms = dhe.master_secret(uppercase_random);
  ASSERT_TRUE(ms);
  EXPECT_EQ((*ms)[0], 0x3c);
  EXPECT_EQ((*ms)[47], 0xdb);
}

}  // namespace
}  // namespace tlslens::crypto

namespace tlslens::crypto {
namespace {

TEST(KeyLog, LineObserverSeesEveryCompleteLineReadAfterItIsSet) {
  TempDir dir;
  fs::path path = dir / "observed.keys";
  const std::string first = line("CLIENT_RANDOM", pattern(32, 1), pattern(48, 1));
  write_file(path, first);
  KeyLog log;
  std::string error;
  ASSERT_TRUE(log.load_file(path.string(), error)) << error;
  std::vector<std::string> seen;
  log.set_line_observer([&](std::string_view l) { seen.emplace_back(l); });

  // A line written in two parts is passed once, when complete; comments and bad lines never.
  const std::string second = line("CLIENT_TRAFFIC_SECRET_0", pattern(32, 2), pattern(32, 2));
  write_file(path, "# comment\nCLIENT_RANDOM nothex\n" + second.substr(0, 50), true);
  log.refresh();
  EXPECT_TRUE(seen.empty());
  write_file(path, second.substr(50), true);
  log.refresh();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0] + "\n", second);
}

}  // namespace
}  // namespace tlslens::crypto
