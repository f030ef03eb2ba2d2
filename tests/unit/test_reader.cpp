// Reader: every read fails cleanly at the end and leaves the reader where it was;
// sub-readers are bounded; prefixed reads restore the position when they fail.
#include "core/util/reader.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace tlslens {
namespace {

const std::vector<uint8_t> kSample = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};

TEST(ReaderTest, BigEndianIntegers) {
  Reader r(kSample);
  uint8_t a;
  uint16_t b;
  uint32_t c;
  ASSERT_TRUE(r.u8(a));
  ASSERT_TRUE(r.u16(b));
  ASSERT_TRUE(r.u24(c));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0203);
  EXPECT_EQ(c, 0x040506u);
  ASSERT_TRUE(r.u32(c));
  EXPECT_EQ(c, 0x0708090au);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.offset(), kSample.size());

  Reader wide(kSample);
  uint64_t d;
  ASSERT_TRUE(wide.u64(d));
  EXPECT_EQ(d, 0x0102030405060708ull);
}

TEST(ReaderTest, LittleEndianIntegers) {
  Reader r(kSample);
  uint16_t a;
  uint32_t b;
  ASSERT_TRUE(r.u16le(a));
  ASSERT_TRUE(r.u32le(b));
  EXPECT_EQ(a, 0x0201);
  EXPECT_EQ(b, 0x06050403u);

  Reader wide(kSample);
  uint64_t c;
  ASSERT_TRUE(wide.u64le(c));
  EXPECT_EQ(c, 0x0807060504030201ull);
}

TEST(ReaderTest, HighBitsDoNotSignExtend) {
  std::vector<uint8_t> ones(8, 0xff);
  Reader r(ones);
  uint16_t a;
  uint32_t b;
  ASSERT_TRUE(r.u16(a));
  ASSERT_TRUE(r.u24(b));
  EXPECT_EQ(a, 0xffff);
  EXPECT_EQ(b, 0xffffffu);
  Reader wide(ones);
  uint64_t c;
  ASSERT_TRUE(wide.u64(c));
  EXPECT_EQ(c, ~0ull);
}

// Each read, tried with one byte fewer than it needs, must fail and change nothing: neither
// the position nor the output variable.
TEST(ReaderTest, EveryReadFailsCleanlyAtTheEnd) {
  struct Read {
    std::string name;
    size_t needs;
    std::function<bool(Reader&)> run;
  };
  std::vector<Read> reads = {
      {"u8", 1,
       [](Reader& r) {
         uint8_t v = 0x5a;
         return r.u8(v) || v != 0x5a;
       }},
      {"u16", 2,
       [](Reader& r) {
         uint16_t v = 0x5a;
         return r.u16(v) || v != 0x5a;
       }},
      {"u24", 3,
       [](Reader& r) {
         uint32_t v = 0x5a;
         return r.u24(v) || v != 0x5a;
       }},
      {"u32", 4,
       [](Reader& r) {
         uint32_t v = 0x5a;
         return r.u32(v) || v != 0x5a;
       }},
      {"u64", 8,
       [](Reader& r) {
         uint64_t v = 0x5a;
         return r.u64(v) || v != 0x5a;
       }},
      {"u16le", 2,
       [](Reader& r) {
         uint16_t v = 0x5a;
         return r.u16le(v) || v != 0x5a;
       }},
      {"u32le", 4,
       [](Reader& r) {
         uint32_t v = 0x5a;
         return r.u32le(v) || v != 0x5a;
       }},
      {"u64le", 8,
       [](Reader& r) {
         uint64_t v = 0x5a;
         return r.u64le(v) || v != 0x5a;
       }},
      {"peek_u8", 1,
       [](Reader& r) {
         uint8_t v = 0x5a;
         return r.peek_u8(v) || v != 0x5a;
       }},
      {"peek_u16", 2,
       [](Reader& r) {
         uint16_t v = 0x5a;
         return r.peek_u16(v) || v != 0x5a;
       }},
      {"bytes(5)", 5,
       [](Reader& r) {
         Bytes b;
         return r.bytes(5, b) || !b.empty();
       }},
      {"skip(5)", 5, [](Reader& r) { return r.skip(5); }},
      {"sub(5)", 5,
       [](Reader& r) {
         Reader s;
         return r.sub(5, s) || !s.empty();
       }},
  };
  for (const Read& read : reads) {
    for (size_t available = 0; available < read.needs; ++available) {
      std::vector<uint8_t> data(available + 3, 0xee);
      Reader r(data);
      ASSERT_TRUE(r.skip(3));  // start mid-span: the end, not the start, is what limits
      EXPECT_FALSE(read.run(r)) << read.name << " with " << available << " bytes";
      EXPECT_EQ(r.offset(), 3u) << read.name;
      EXPECT_EQ(r.remaining(), available) << read.name;
    }
  }
}

TEST(ReaderTest, EmptyReaderFailsEverythingButZeroLengthReads) {
  Reader r;
  uint8_t v;
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_FALSE(r.u8(v));
  EXPECT_FALSE(r.peek_u8(v));
  Bytes b;
  EXPECT_TRUE(r.bytes(0, b));
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(r.skip(0));
  Reader s;
  EXPECT_TRUE(r.sub(0, s));
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(r.rest().empty());
}

TEST(ReaderTest, HugeLengthsFailWithoutOverflow) {
  Reader r(kSample);
  ASSERT_TRUE(r.skip(2));
  Bytes b;
  EXPECT_FALSE(r.bytes(SIZE_MAX, b));
  EXPECT_FALSE(r.skip(SIZE_MAX - 1));
  Reader s;
  EXPECT_FALSE(r.sub(SIZE_MAX, s));
  EXPECT_EQ(r.offset(), 2u);
}

TEST(ReaderTest, PeekDoesNotMove) {
  Reader r(kSample);
  uint8_t a;
  uint16_t b;
  ASSERT_TRUE(r.peek_u8(a));
  ASSERT_TRUE(r.peek_u16(b));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0102);
  EXPECT_EQ(r.offset(), 0u);
}

TEST(ReaderTest, BytesAndRestAreViewsIntoTheInput) {
  Reader r(kSample);
  Bytes b;
  ASSERT_TRUE(r.skip(1));
  ASSERT_TRUE(r.bytes(3, b));
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.data(), kSample.data() + 1);
  EXPECT_EQ(r.rest().data(), kSample.data() + 4);
  EXPECT_EQ(r.rest().size(), 6u);
  EXPECT_EQ(r.remaining(), 6u);
}

TEST(ReaderTest, SubReaderIsBoundedAndMovesTheParent) {
  Reader r(kSample);
  Reader s;
  ASSERT_TRUE(r.skip(2));
  ASSERT_TRUE(r.sub(4, s));
  EXPECT_EQ(r.offset(), 6u);
  EXPECT_EQ(s.remaining(), 4u);
  EXPECT_EQ(s.offset(), 0u);
  uint32_t v;
  ASSERT_TRUE(s.u24(v));
  EXPECT_EQ(v, 0x030405u);
  uint16_t w;
  EXPECT_FALSE(s.u16(w));  // one byte left in the sub-reader, though the parent has more
  uint8_t last;
  ASSERT_TRUE(s.u8(last));
  EXPECT_EQ(last, 0x06);
  EXPECT_TRUE(s.empty());
}

TEST(ReaderTest, PrefixedReadsYieldTheField) {
  std::vector<uint8_t> data = {0x02, 0xaa, 0xbb, 0x00, 0x01, 0xcc, 0x00, 0x00, 0x02, 0xdd, 0xee, 0x99};
  Reader r(data);
  Reader a, b, c;
  ASSERT_TRUE(r.prefixed8(a));
  ASSERT_TRUE(r.prefixed16(b));
  ASSERT_TRUE(r.prefixed24(c));
  EXPECT_EQ(a.remaining(), 2u);
  EXPECT_EQ(b.remaining(), 1u);
  EXPECT_EQ(c.remaining(), 2u);
  uint16_t v;
  ASSERT_TRUE(c.u16(v));
  EXPECT_EQ(v, 0xddee);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ReaderTest, PrefixedReadsRestoreThePositionOnFailure) {
  struct Case {
    std::string name;
    std::vector<uint8_t> data;
    std::function<bool(Reader&, Reader&)> read;
  };
  std::vector<Case> cases = {
      {"prefixed8 length only", {0x03}, [](Reader& r, Reader& s) { return r.prefixed8(s); }},
      {"prefixed8 short body", {0x03, 1, 2}, [](Reader& r, Reader& s) { return r.prefixed8(s); }},
      {"prefixed16 half a length", {0x00}, [](Reader& r, Reader& s) { return r.prefixed16(s); }},
      {"prefixed16 short body", {0x00, 0x04, 1, 2, 3}, [](Reader& r, Reader& s) { return r.prefixed16(s); }},
      {"prefixed24 two thirds of a length", {0x00, 0x00}, [](Reader& r, Reader& s) { return r.prefixed24(s); }},
      {"prefixed24 short body", {0x00, 0x00, 0x02, 1}, [](Reader& r, Reader& s) { return r.prefixed24(s); }},
      {"prefixed24 huge length", {0xff, 0xff, 0xff, 1, 2}, [](Reader& r, Reader& s) { return r.prefixed24(s); }},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> data = {0x77};  // a byte before, so the position to restore is not 0
    data.insert(data.end(), c.data.begin(), c.data.end());
    Reader r(data);
    ASSERT_TRUE(r.skip(1));
    Reader s;
    EXPECT_FALSE(c.read(r, s)) << c.name;
    EXPECT_EQ(r.offset(), 1u) << c.name;
    EXPECT_EQ(r.remaining(), c.data.size()) << c.name;
  }
}

TEST(ReaderTest, PrefixedZeroLengthFieldIsEmpty) {
  std::vector<uint8_t> data = {0x00, 0x00, 0x00};
  Reader r(data);
  Reader a, b;
  ASSERT_TRUE(r.prefixed8(a));
  ASSERT_TRUE(r.prefixed16(b));
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(r.empty());
}

TEST(ReaderTest, CopiesAreIndependentCursors) {
  Reader r(kSample);
  ASSERT_TRUE(r.skip(2));
  Reader copy = r;
  uint8_t v;
  ASSERT_TRUE(copy.u8(v));
  EXPECT_EQ(v, 0x03);
  EXPECT_EQ(r.offset(), 2u);
  EXPECT_EQ(copy.offset(), 3u);
}

}  // namespace
}  // namespace tlslens
