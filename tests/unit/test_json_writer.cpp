// JsonWriter: structure and commas, string escaping (control characters, quotes, the
// UTF-8 rules with U+FFFD for every kind of ill-formed sequence), exact numbers, hex — and
// that whatever bytes go in, the output parses (nlohmann::json as the referee).
#include "core/output/json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace tlslens {
namespace {

std::string to_std_string(const fmt::memory_buffer& buffer) {
  return std::string(buffer.data(), buffer.size());
}

// The JSON string literal JsonWriter makes of `text`.
std::string json_literal(std::string_view text) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.string(text);
  return to_std_string(buffer);
}

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(JsonWriter, PlacesCommasAndNestsContainers) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.begin_object();
  json.member("a", "x");
  json.key("list");
  json.begin_array();
  json.uint(1);
  json.begin_object();
  json.member_bool("t", true);
  json.key("n");
  json.null();
  json.end_object();
  json.begin_array();
  json.end_array();
  json.end_array();
  json.key("empty");
  json.begin_object();
  json.end_object();
  json.member_uint("last", 7);
  json.end_object();
  EXPECT_EQ(json.depth(), 0u);
  EXPECT_EQ(to_std_string(buffer), R"({"a":"x","list":[1,{"t":true,"n":null},[]],"empty":{},"last":7})");
}

TEST(JsonWriter, ResetStartsANewTextInTheSameBuffer) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.begin_object();
  json.member_uint("a", 1);
  json.end_object();
  buffer.push_back('\n');
  json.reset();
  json.begin_object();
  json.member_uint("b", 2);
  json.end_object();
  EXPECT_EQ(to_std_string(buffer), "{\"a\":1}\n{\"b\":2}");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_literal("plain text"), "\"plain text\"");
  EXPECT_EQ(json_literal("say \"hi\" \\ bye"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(json_literal("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_literal(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(json_literal("\x1b[31mred"), R"("\u001b[31mred")");
  EXPECT_EQ(json_literal("del\x7f"), R"("del\u007f")");
  EXPECT_EQ(json_literal("/<>&'"), R"("/<>&'")");  // nothing else needs escaping
}

TEST(JsonWriter, CopiesWellFormedUtf8Unchanged) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(json_literal(text), "\"" + text + "\"");
}

TEST(JsonWriter, ReplacesEachMaximalIllFormedSubpartByOneReplacementCharacter) {
  const std::string r = kReplacement;
  // A continuation byte without a lead, and bytes that never occur in UTF-8.
  EXPECT_EQ(json_literal("a\x80z"), "\"a" + r + "z\"");
  EXPECT_EQ(json_literal("\xFF\xFE"), "\"" + r + r + "\"");
  // Overlong forms: C0/C1 leads are invalid; E0 80..9F and F0 80..8F are not continuations.
  EXPECT_EQ(json_literal("\xC0\xAF"), "\"" + r + r + "\"");
  EXPECT_EQ(json_literal("\xE0\x80\xAF"), "\"" + r + r + r + "\"");
  EXPECT_EQ(json_literal("\xF0\x80\x80\xAF"), "\"" + r + r + r + r + "\"");
  // Surrogates (ED A0..BF) and values above U+10FFFF (F4 90.., F5..).
  EXPECT_EQ(json_literal("\xED\xA0\x80"), "\"" + r + r + r + "\"");
  EXPECT_EQ(json_literal("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");
  EXPECT_EQ(json_literal("\xF5\x80"), "\"" + r + r + "\"");
  // A truncated sequence is one subpart, whether the text ends or another character follows.
  EXPECT_EQ(json_literal("\xE2\x82"), "\"" + r + "\"");
  EXPECT_EQ(json_literal("\xE2\x82"
                         "A"),
            "\"" + r + "A\"");
  EXPECT_EQ(json_literal("\xF0\x9F\x98"), "\"" + r + "\"");
  EXPECT_EQ(json_literal("\xF0\x9F\x98\xC3\xA9"), "\"" + r + "\xC3\xA9\"");
}

TEST(JsonWriter, ScanUtf8ReportsCodePointsAndSubparts) {
  Utf8Sequence euro = scan_utf8("\xE2\x82\xAC", 0);
  EXPECT_TRUE(euro.valid);
  EXPECT_EQ(euro.length, 3u);
  EXPECT_EQ(euro.code_point, 0x20ACu);
  Utf8Sequence c1 = scan_utf8("\xC2\x85", 0);
  EXPECT_TRUE(c1.valid);
  EXPECT_EQ(c1.code_point, 0x85u);
  Utf8Sequence truncated = scan_utf8("\xF0\x9F\x98", 0);
  EXPECT_FALSE(truncated.valid);
  EXPECT_EQ(truncated.length, 3u);
}

TEST(JsonWriter, WritesNumbersExactly) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.begin_array();
  json.uint(0);
  json.uint(std::numeric_limits<uint64_t>::max());
  json.integer(-42);
  json.integer(std::numeric_limits<int64_t>::min());
  json.decimal(1795971491791655, 6);
  json.decimal(-1500000, 6);
  json.decimal(5, 6);
  json.decimal(-5, 3);
  json.decimal(12, 0);
  json.end_array();
  EXPECT_EQ(to_std_string(buffer),
            "[0,18446744073709551615,-42,-9223372036854775808,1795971491.791655,-1.500000,0.000005,-0.005,12]");
  const nlohmann::json parsed = nlohmann::json::parse(to_std_string(buffer));
  EXPECT_EQ(parsed[1].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parsed[3].get<int64_t>(), std::numeric_limits<int64_t>::min());
}

TEST(JsonWriter, WritesBytesAsLowercaseHex) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  const std::vector<uint8_t> bytes = {0x00, 0x0f, 0xab, 0xff};
  json.begin_array();
  json.hex(bytes);
  json.hex({});
  json.end_array();
  EXPECT_EQ(to_std_string(buffer), R"(["000fabff",""])");
}

TEST(JsonWriter, EscapesKeysToo) {
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.begin_object();
  json.member("k\"\n\xFF", "v");
  json.end_object();
  EXPECT_EQ(to_std_string(buffer), "{\"k\\\"\\n" + kReplacement + "\":\"v\"}");
}

// Whatever bytes a string holds, the result is valid JSON, and a well-formed UTF-8 string
// comes back exactly.
TEST(JsonWriter, AnyBytesGiveValidJson) {
  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) text.push_back(static_cast<char>(byte(random)));
    buffer.clear();
    json.reset();
    json.begin_object();
    json.member("text", text);
    json.end_object();
    const std::string line = to_std_string(buffer);
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(line)) << line;
    const std::string back = parsed["text"].get<std::string>();
    bool well_formed = true;
    for (size_t i = 0; i < text.size();) {
      const Utf8Sequence seq = scan_utf8(text, i);
      well_formed = well_formed && seq.valid;
      i += seq.length;
    }
    if (well_formed) {
      EXPECT_EQ(back, text);
    }
  }
}

TEST(JsonWriter, RoundTripsEveryControlCharacter) {
  std::string text;
  for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
  text += "\x7f\"\\";
  fmt::memory_buffer buffer;
  JsonWriter json(buffer);
  json.string(text);
  const std::string line = to_std_string(buffer);
  for (char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in " << line;
  EXPECT_EQ(nlohmann::json::parse(line).get<std::string>(), text);
}

}  // namespace
}  // namespace tlslens
