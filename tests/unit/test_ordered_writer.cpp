// OrderedWriter: chunks from several workers are written in the order of their positions, a
// chunk only once no other worker can still send an earlier one, and written batches go back
// to their own worker emptied, their buffers reused without old text reappearing. And the
// gathered write (OutputStream::write_pieces) to files and pipes: order, many pieces, short
// writes.
#include "core/pipeline/ordered_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tlslens::parallel {
namespace {

// A batch of chunks given as (position, text) pairs, done through `through`.
OutputBatch batch(const std::vector<std::pair<uint64_t, std::string>>& chunks, uint64_t through,
                  OutputBatch reused) {
  OutputBatch b = std::move(reused);
  for (const auto& [seq, text] : chunks) {
    b.text.append(text.data(), text.data() + text.size());
    b.chunks.emplace_back(seq, b.text.size());
  }
  b.through = through;
  return b;
}
OutputBatch batch(const std::vector<std::pair<uint64_t, std::string>>& chunks, uint64_t through) {
  return batch(chunks, through, OutputBatch());
}

TEST(OrderedWriter, MergesByPositionAndWaitsForEarlierWork) {
  OutputStream out;
  OrderedWriter writer(2, out);
  writer.push(0, batch({{1, "a1 "}, {4, "a4 "}}, 5));
  writer.write_ready();
  // Worker 1 has reported nothing: for all the writer knows, it may still send position 1.
  EXPECT_EQ(out.buffered(), "");
  writer.push(1, batch({{2, "b2 "}, {3, "b3 "}}, 5));
  writer.write_ready();
  EXPECT_EQ(out.buffered(), "a1 b2 b3 a4 ");
  writer.push(1, batch({{7, "b7 "}}, 9));
  writer.write_ready();
  EXPECT_EQ(out.buffered(), "a1 b2 b3 a4 ");  // worker 0 may still send 6
  writer.close();
  EXPECT_EQ(out.buffered(), "a1 b2 b3 a4 b7 ");
}

TEST(OrderedWriter, WrittenBatchesComeBackEmptiedToTheirWorker) {
  OutputStream out;
  OrderedWriter writer(2, out);
  OutputBatch spent;
  EXPECT_FALSE(writer.take_spent(0, spent));  // nothing written yet

  writer.push(0, batch({{1, std::string(300, 'x')}}, 2));
  writer.push(1, batch({{2, "second "}}, 2));
  writer.write_ready();
  EXPECT_EQ(out.buffered().size(), 300U + 7U);

  ASSERT_TRUE(writer.take_spent(0, spent));
  EXPECT_EQ(spent.text.size(), 0U);
  EXPECT_TRUE(spent.chunks.empty());
  EXPECT_GE(spent.text.capacity(), 300U);  // the buffer is the one that was written
  EXPECT_FALSE(writer.take_spent(0, spent)) << "only one batch of worker 0 was written";

  OutputBatch other;
  ASSERT_TRUE(writer.take_spent(1, other));

  // Filled again, it carries only its new text.
  out.discard_buffered();
  writer.push(0, batch({{3, "third "}}, 4, std::move(spent)));
  writer.push(1, batch({{4, "fourth"}}, 4, std::move(other)));
  writer.write_ready();
  EXPECT_EQ(out.buffered(), "third fourth");
}

TEST(OrderedWriter, KeepsOnlyAFewSpentBatchesPerWorker) {
  OutputStream out;
  OrderedWriter writer(1, out);
  for (uint64_t seq = 1; seq <= 10; ++seq) writer.push(0, batch({{seq, "t"}}, seq));
  writer.write_ready();
  EXPECT_EQ(out.buffered(), std::string(10, 't'));
  size_t kept = 0;
  OutputBatch spent;
  while (writer.take_spent(0, spent)) ++kept;
  EXPECT_GT(kept, 0U);
  EXPECT_LT(kept, 10U);
}

TEST(OrderedWriter, StreamHandsOverItsTextWithoutCopying) {
  OutputStream out;
  out.write(std::string(1000, 'y'));
  const char* text = out.buffered().data();
  fmt::memory_buffer recycled;
  recycled.append(std::string_view("stale"));
  out.take_buffered(recycled);
  EXPECT_EQ(recycled.data(), text);  // the same memory, now the batch's
  EXPECT_EQ(recycled.size(), 1000U);
  EXPECT_TRUE(out.buffered().empty());  // carries on in the emptied recycled buffer
  out.write("z");
  EXPECT_EQ(out.buffered(), "z");
}

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
}

TEST(OutputStreamPieces, FollowWhatIsBufferedAndPrecedeWhatComesAfter) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    OutputStream out(f);
    out.write("head ");
    const std::string a = "alpha ";
    const std::string b = "beta";
    const std::vector<std::string_view> pieces = {a, b};
    out.write_pieces(pieces);
    out.write(" tail");
  }  // flushed
  EXPECT_EQ(read_all(f), "head alpha beta tail");
  std::fclose(f);
}

TEST(OutputStreamPieces, ManyPiecesThroughAPipeReadSlowly) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::FILE* w = ::fdopen(fds[1], "w");
  ASSERT_NE(w, nullptr);
  std::string expected;
  std::vector<std::string> texts;
  for (int i = 0; i < 5000; ++i) texts.push_back(std::to_string(i) + std::string(97, 'a' + i % 26) + "\n");
  std::vector<std::string_view> pieces(texts.begin(), texts.end());
  for (const std::string& t : texts) expected += t;
  std::string got;
  std::thread reader([&] {  // the pipe holds 64 KiB: writev returns short and must go on
    char buf[1000];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  });
  {
    OutputStream out(w);
    out.write("first\n");
    out.write_pieces(pieces);
  }
  std::fclose(w);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(got.size(), expected.size() + 6);
  EXPECT_TRUE(got == "first\n" + expected);
}

TEST(OutputStreamPieces, InMemoryStreamAppendsThem) {
  OutputStream out;
  const std::vector<std::string_view> pieces = {"x", "", "yz"};
  out.write_pieces(pieces);
  EXPECT_EQ(out.buffered(), "xyz");
}

}  // namespace
}  // namespace tlslens::parallel
