// Tests of TLS record framing: records across and within segments, SSLv2 hellos, non-TLS
// streams, malformed headers, gaps and resynchronisation.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/tls/handshake_assembler.h"
#include "core/tls/record_reader.h"

namespace tlslens::tls {
namespace {

using ByteVector = std::vector<uint8_t>;

ByteVector record(uint8_t type, size_t length, uint8_t fill = 0xab, uint16_t version = 0x0303) {
  ByteVector r = {type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                  static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  r.insert(r.end(), length, fill);
  return r;
}

ByteVector concat(std::initializer_list<ByteVector> parts) {
  ByteVector out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Records every callback as a short string.
class Recorder final : public RecordReader::Handler {
 public:
  void record(const FramedRecord& r, const SegmentInfo&) override {
    log.push_back(fmt::format("record type={} len={} off={}{}", r.content_type, r.fragment.size(), r.stream_offset,
                              r.sslv2 ? " sslv2" : ""));
    fragments.emplace_back(r.fragment.begin(), r.fragment.end());
  }
  void note(NoteKind kind, uint64_t offset, std::string text, const SegmentInfo&) override {
    log.push_back(fmt::format("note {} off={}", to_string(kind), offset));
    texts.push_back(std::move(text));
  }
  bool wants_body(uint8_t content_type) const override { return application_data_bodies || content_type != 23; }
  std::vector<std::string> log;
  std::vector<std::string> texts;
  std::vector<ByteVector> fragments;
  bool application_data_bodies = true;  // false: application data is only counted
};

void feed_in_pieces(RecordReader& reader, const ByteVector& bytes, size_t piece, Recorder& rec) {
  for (size_t i = 0; i < bytes.size(); i += piece) {
    size_t n = std::min(piece, bytes.size() - i);
    reader.feed(Bytes(bytes.data() + i, n), SegmentInfo{}, rec);
  }
}

TEST(RecordReader, FramesSeveralRecordsInOneSpan) {
  ByteVector stream = concat({record(22, 10), record(20, 1, 1), record(23, 100)});
  RecordReader reader(true);
  Recorder rec;
  reader.feed(stream, {}, rec);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"record type=22 len=10 off=0", "record type=20 len=1 off=15",
                                               "record type=23 len=100 off=21"}));
  EXPECT_EQ(reader.state(), RecordReader::State::framing);
}

TEST(RecordReader, AssemblesRecordsSplitAtEveryPieceSize) {
  ByteVector stream = concat({record(22, 300, 0x11), record(23, 17, 0x22), record(21, 2, 0x33)});
  for (size_t piece = 1; piece <= stream.size(); ++piece) {
    RecordReader reader(true);
    Recorder rec;
    feed_in_pieces(reader, stream, piece, rec);
    ASSERT_EQ(rec.log.size(), 3u) << "piece " << piece;
    EXPECT_EQ(rec.log[0], "record type=22 len=300 off=0") << "piece " << piece;
    EXPECT_EQ(rec.log[1], "record type=23 len=17 off=305") << "piece " << piece;
    EXPECT_EQ(rec.log[2], "record type=21 len=2 off=327") << "piece " << piece;
    EXPECT_EQ(rec.fragments[0], ByteVector(300, 0x11));
    EXPECT_EQ(rec.fragments[2], ByteVector(2, 0x33));
  }
}

TEST(RecordReader, RecognisesAnSslv2CompatibleClientHello) {
  // 2-byte header 0x80 0x2e (46 bytes), msg_type 1, version 3.1, then the rest.
  ByteVector hello = {0x80, 0x2e, 0x01, 0x03, 0x01};
  hello.resize(2 + 46, 0x00);
  ByteVector stream = concat({hello, record(22, 4)});
  RecordReader reader(true);
  Recorder rec;
  reader.feed(stream, {}, rec);
  ASSERT_EQ(rec.log.size(), 2u);
  EXPECT_EQ(rec.log[0], "record type=1 len=46 off=0 sslv2");
  EXPECT_EQ(rec.log[1], "record type=22 len=4 off=48");
}

TEST(RecordReader, LeavesANonTlsStreamAloneAfterOneNote) {
  std::string http = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
  RecordReader reader(true);
  Recorder rec;
  reader.feed(Bytes(reinterpret_cast<const uint8_t*>(http.data()), http.size()), {}, rec);
  reader.feed(record(22, 10), {}, rec);  // even TLS-looking bytes later are ignored
  EXPECT_EQ(rec.log, (std::vector<std::string>{"note not_tls off=0"}));
  EXPECT_NE(rec.texts[0].find("474554202f204854"), std::string::npos) << rec.texts[0];
  EXPECT_EQ(reader.state(), RecordReader::State::not_tls);
}

TEST(RecordReader, OversizedRecordIsMalformedThenFramingIsFoundAgain) {
  ByteVector bad = {23, 3, 3, 0xff, 0xff};  // 65535 > maximum
  bad.resize(40, 0x00);
  ByteVector stream = concat({record(22, 8), bad, record(23, 30), record(23, 20), record(21, 2)});
  RecordReader reader(true);
  Recorder rec;
  reader.feed(stream, {}, rec);
  ASSERT_GE(rec.log.size(), 5u);
  EXPECT_EQ(rec.log[0], "record type=22 len=8 off=0");
  EXPECT_EQ(rec.log[1], "note malformed_record off=13");
  EXPECT_NE(rec.texts[0].find("over the maximum"), std::string::npos) << rec.texts[0];
  EXPECT_EQ(rec.log[2], "note resynchronized off=53");
  EXPECT_EQ(rec.log[3], "record type=23 len=30 off=53");
  EXPECT_EQ(rec.log[4], "record type=23 len=20 off=88");
}

TEST(RecordReader, GapInsideARecordOfKnownLengthSkipsJustThatRecord) {
  ByteVector first = record(23, 1000, 0x01);
  ByteVector second = record(23, 50, 0x02);
  RecordReader reader(true);
  Recorder rec;
  reader.feed(Bytes(first.data(), 300), {}, rec);
  reader.gap(400, {}, rec);  // bytes 300..699 of the first record are lost
  reader.feed(Bytes(first.data() + 700, first.size() - 700), {}, rec);
  reader.feed(second, {}, rec);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"note gap off=0", "record type=23 len=50 off=1005"}));
  EXPECT_NE(rec.texts[0].find("400 of its 1005 bytes missing"), std::string::npos) << rec.texts[0];
}

TEST(RecordReader, GapSwallowingARecordBoundaryResynchronises) {
  ByteVector stream = concat({record(23, 100), record(23, 100), record(23, 60), record(23, 40)});
  RecordReader reader(true);
  Recorder rec;
  reader.feed(Bytes(stream.data(), 50), {}, rec);
  reader.gap(120, {}, rec);  // the end of record 1 and the start of record 2
  reader.feed(Bytes(stream.data() + 170, stream.size() - 170), {}, rec);
  ASSERT_EQ(rec.log.size(), 4u) << fmt::format("{}", fmt::join(rec.log, " | "));
  EXPECT_EQ(rec.log[0], "note gap off=50");
  EXPECT_EQ(rec.log[1], "note resynchronized off=210");
  EXPECT_EQ(rec.log[2], "record type=23 len=60 off=210");
  EXPECT_EQ(rec.log[3], "record type=23 len=40 off=275");
}

TEST(RecordReader, MidStreamPickupFindsTheFirstConfirmedRecord) {
  ByteVector tail_of_previous(37, 0x17);  // looks like nothing in particular
  ByteVector stream = concat({tail_of_previous, record(23, 64), record(23, 64), record(21, 2)});
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, stream.size()}) {
    RecordReader reader(false);
    Recorder rec;
    feed_in_pieces(reader, stream, piece, rec);
    ASSERT_EQ(rec.log.size(), 4u) << "piece " << piece << ": " << fmt::format("{}", fmt::join(rec.log, " | "));
    EXPECT_EQ(rec.log[0], "note resynchronized off=37");
    EXPECT_EQ(rec.log[1], "record type=23 len=64 off=37");
    EXPECT_EQ(rec.log[3], "record type=21 len=2 off=175");
    EXPECT_EQ(reader.skipped_bytes(), 37u);
  }
}

TEST(RecordReader, SearchAcceptsARecordThatEndsExactlyWithTheData) {
  // A mid-stream capture whose first segment holds exactly one record (a ClientHello, say)
  // is framed at once, without waiting for the next record to confirm it.
  ByteVector stream = concat({ByteVector(5, 0x00), record(21, 2, 0x01)});
  RecordReader reader(false);
  Recorder rec;
  reader.feed(stream, {}, rec);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"note resynchronized off=5", "record type=21 len=2 off=5"}));
  reader.finish({}, rec);
  EXPECT_EQ(rec.log.size(), 2u);
}

TEST(RecordReader, FinishAcceptsALastRecordThatEndsTheStream) {
  // Bytes that look like a record header but end short of it delay the search; at the end
  // of the stream a record ending exactly there is accepted.
  ByteVector stream = concat({ByteVector(5, 0x00), record(21, 2, 0x01), {0x17, 0x03}});
  RecordReader reader(false);
  Recorder rec;
  reader.feed(stream, {}, rec);
  reader.finish({}, rec);
  ASSERT_GE(rec.log.size(), 2u);
  EXPECT_EQ(rec.log[0], "note resynchronized off=5");
  EXPECT_EQ(rec.log[1], "record type=21 len=2 off=5");
}

TEST(RecordReader, FinishReportsARecordCutShort) {
  ByteVector r = record(22, 200);
  RecordReader reader(true);
  Recorder rec;
  reader.feed(Bytes(r.data(), 120), {}, rec);
  reader.finish({}, rec);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"note incomplete off=0"}));
  EXPECT_NE(rec.texts[0].find("120 of 205 bytes"), std::string::npos) << rec.texts[0];
}

// Application data nobody reads is counted, not assembled: every event — records, offsets,
// lengths, gaps, resynchronisation, a record cut short — is the same as when it is assembled;
// only the counted bodies read as zeros. Other content types keep their bytes.
TEST(RecordReader, CountedBodiesGiveTheSameEventsAsAssembledOnes) {
  const ByteVector stream = concat({record(22, 300, 0x11), record(23, 1000, 0x22), record(23, 0), record(21, 2, 0x33),
                                    record(23, 17, 0x44), record(23, 4000, 0x55)});
  // Each scenario: feed pieces, with a gap of `gap_bytes` at `gap_at` (0: none), from
  // `start` (mid-stream when > 0), and finish after `end` bytes.
  struct Scenario {
    size_t gap_at, gap_bytes, start, end;
  };
  const std::vector<Scenario> scenarios = {
      {0, 0, 0, stream.size()},        // everything
      {0, 0, 0, stream.size() - 100},  // the last record cut short
      {600, 200, 0, stream.size()},    // a gap inside a counted body
      {1300, 30, 0, stream.size()},    // a gap across a record boundary: framing searched again
      {0, 0, 40, stream.size()},       // picked up mid-stream
  };
  for (const Scenario& sc : scenarios) {
    for (size_t piece : {size_t{1}, size_t{3}, size_t{100}, size_t{1460}, stream.size()}) {
      SCOPED_TRACE(fmt::format("gap {}+{} start {} end {} piece {}", sc.gap_at, sc.gap_bytes, sc.start, sc.end, piece));
      Recorder assembled, counted;
      counted.application_data_bodies = false;
      for (Recorder* rec : {&assembled, &counted}) {
        RecordReader reader(sc.start == 0);
        for (size_t i = sc.start; i < sc.end;) {
          if (sc.gap_bytes > 0 && i == sc.gap_at) {
            reader.gap(sc.gap_bytes, {}, *rec);
            i += sc.gap_bytes;
            continue;
          }
          size_t n = std::min(piece, sc.end - i);
          if (sc.gap_bytes > 0 && i < sc.gap_at) n = std::min(n, sc.gap_at - i);
          reader.feed(Bytes(stream.data() + i, n), {}, *rec);
          i += n;
        }
        reader.finish({}, *rec);
      }
      EXPECT_EQ(counted.log, assembled.log);
      EXPECT_EQ(counted.texts, assembled.texts);
      ASSERT_EQ(counted.fragments.size(), assembled.fragments.size());
      for (size_t r = 0; r < counted.fragments.size(); ++r) {
        const ByteVector& got = counted.fragments[r];
        const ByteVector& real = assembled.fragments[r];
        ASSERT_EQ(got.size(), real.size());
        // Bytes the reader had anyway (a record inside one piece) are real; counted ones zeros.
        EXPECT_TRUE(got == real || got == ByteVector(real.size(), 0)) << "record " << r;
      }
    }
  }
}

TEST(RecordReader, OnlyApplicationDataIsCounted) {
  const ByteVector stream = concat({record(22, 3000, 0x11), record(23, 3000, 0x22), record(21, 2, 0x33)});
  RecordReader reader(true);
  Recorder rec;
  rec.application_data_bodies = false;
  feed_in_pieces(reader, stream, 1000, rec);
  ASSERT_EQ(rec.fragments.size(), 3u);
  EXPECT_EQ(rec.fragments[0], ByteVector(3000, 0x11));  // handshake: assembled
  EXPECT_EQ(rec.fragments[1], ByteVector(3000, 0x00));  // application data: counted
  EXPECT_EQ(rec.fragments[2], ByteVector(2, 0x33));
}

TEST(RecordReader, SearchMemoryStaysBoundedOnEndlessGarbage) {
  RecordReader reader(false);
  Recorder rec;
  ByteVector garbage(4096, 0x00);
  for (int i = 0; i < 200; ++i) reader.feed(garbage, {}, rec);
  EXPECT_TRUE(rec.log.empty());
  EXPECT_GE(reader.skipped_bytes(), 4096u * 200 - 2 * (kMaxRecordFragment + 5));
}

// ---- HandshakeAssembler

class MessageLog final : public HandshakeAssembler::Handler {
 public:
  void message(Bytes m) override { messages.emplace_back(m.begin(), m.end()); }
  std::vector<ByteVector> messages;
};

ByteVector handshake(uint8_t type, size_t body, uint8_t fill) {
  ByteVector m = {type, static_cast<uint8_t>(body >> 16), static_cast<uint8_t>(body >> 8), static_cast<uint8_t>(body)};
  m.insert(m.end(), body, fill);
  return m;
}

TEST(HandshakeAssembler, SplitsAndJoinsMessagesAcrossAnyFragmentation) {
  ByteVector stream = concat({handshake(2, 70, 1), handshake(11, 3000, 2), handshake(14, 0, 0)});
  for (size_t piece : {size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{100}, size_t{16384}}) {
    HandshakeAssembler assembler;
    MessageLog log;
    for (size_t i = 0; i < stream.size(); i += piece)
      assembler.feed(Bytes(stream.data() + i, std::min(piece, stream.size() - i)), log);
    ASSERT_EQ(log.messages.size(), 3u) << "piece " << piece;
    EXPECT_EQ(log.messages[0], handshake(2, 70, 1));
    EXPECT_EQ(log.messages[1], handshake(11, 3000, 2));
    EXPECT_EQ(log.messages[2], handshake(14, 0, 0));
    EXPECT_FALSE(assembler.pending());
  }
}

TEST(HandshakeAssembler, ResetDropsAPartialMessage) {
  HandshakeAssembler assembler;
  MessageLog log;
  ByteVector big = handshake(11, 100, 9);
  assembler.feed(Bytes(big.data(), 50), log);
  EXPECT_TRUE(assembler.pending());
  EXPECT_EQ(assembler.pending_total(), 104u);
  EXPECT_EQ(assembler.reset(), 50u);
  assembler.feed(handshake(20, 12, 7), log);
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(log.messages[0], handshake(20, 12, 7));
}

TEST(HandshakeAssembler, HugeClaimedLengthHoldsOnlyWhatArrived) {
  HandshakeAssembler assembler;
  MessageLog log;
  ByteVector header = {11, 0xff, 0xff, 0xff};
  assembler.feed(header, log);
  assembler.feed(ByteVector(1000, 0), log);
  EXPECT_EQ(assembler.pending_bytes(), 1004u);
  EXPECT_TRUE(log.messages.empty());
}

}  // namespace
}  // namespace tlslens::tls
