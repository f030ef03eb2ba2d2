// RecordReader: frames one direction's TCP byte stream into TLS records.
//
// What it promises:
//  * Records are recognised by content, not port: the first bytes of a stream that starts
//    at its beginning must be a plausible TLS record header (content type 20..26, version
//    3.0..3.4, length within the protocol maximum) or an SSLv2-compatible ClientHello;
//    otherwise the direction is reported once as not TLS and left alone.
//  * Records spanning segments are assembled (copied once into a bounded buffer); records
//    wholly inside one delivered span are handed out without a copy. A record whose body the
//    handler does not want (Handler::wants_body) is counted instead of assembled: its
//    fragment then reads as zeros of the right length, and everything else about it — when
//    it is reported, its offsets, gaps and notes — is as if it had been assembled.
//  * A record header claiming more than the protocol maximum (2^14 + 2048 bytes of
//    ciphertext) is reported as malformed; framing is then searched for again.
//  * Lost bytes (a TCP gap): inside a record whose length is known, the record is reported
//    damaged and framing continues right after it; elsewhere framing is searched for again.
//  * Searching (after a gap, a malformed header, or in a stream picked up mid-connection)
//    accepts a position only when a plausible header is followed by another plausible
//    header where the first record ends, so random bytes rarely fake a record. Memory for
//    the search is bounded; when nothing is found within it the search continues in later
//    bytes, and data skipped is counted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tcp/stream_consumer.h"
#include "core/tls/tls_events.h"
#include "core/util/reader.h"

namespace tlslens::tls {

// The largest TLSCiphertext fragment any version allows (RFC 5246: 2^14 + 2048).
inline constexpr size_t kMaxRecordFragment = (1u << 14) + 2048;

struct FramedRecord {
  uint8_t content_type = 0;
  uint16_t version = 0;
  Bytes header;
  Bytes fragment;
  uint64_t stream_offset = 0;
  bool sslv2 = false;
};

class RecordReader {
 public:
  class Handler {
   public:
    virtual void record(const FramedRecord& record, const SegmentInfo& at) = 0;
    virtual void note(NoteKind kind, uint64_t stream_offset, std::string text, const SegmentInfo& at) = 0;
    // Records were lost to a gap: `count` of them, or an unknown number when `count` is 0
    // (decryption must then find the sender's sequence number again).
    virtual void records_lost(uint64_t /*count*/) {}
    // Whether records of this content type need their body's bytes (false: only its length
    // is used). Asked once per record that spans segments; must not change during a stream.
    virtual bool wants_body(uint8_t /*content_type*/) const { return true; }

   protected:
    ~Handler() = default;
  };

  enum class State : uint8_t {
    start,      // nothing seen yet
    framing,    // in sync: the next byte is a record header
    searching,  // framing lost: looking for a record header
    not_tls,    // the stream is not TLS: everything is ignored
  };

  // `at_stream_start`: the first byte delivered is the first byte of the TCP stream (the
  // handshake was captured); otherwise the reader starts by searching.
  explicit RecordReader(bool at_stream_start) : state_(at_stream_start ? State::start : State::searching) {}

  void feed(Bytes data, const SegmentInfo& at, Handler& handler);
  void gap(uint64_t missing_bytes, const SegmentInfo& at, Handler& handler);
  // The stream ended: a partial record still buffered is reported as incomplete.
  void finish(const SegmentInfo& at, Handler& handler);

  State state() const { return state_; }
  uint64_t records() const { return records_; }
  uint64_t skipped_bytes() const { return skipped_bytes_; }

 private:
  // Result of looking at bytes that should start a record.
  enum class HeaderCheck : uint8_t { need_more, valid, invalid };
  struct Header {
    uint8_t content_type = 0;
    uint16_t version = 0;
    size_t header_length = 5;
    size_t fragment_length = 0;
    bool sslv2 = false;
  };

  HeaderCheck check_header(Bytes bytes, bool allow_sslv2, Header& out) const;
  // Frames as many records as possible from `data` (zero copy); returns bytes consumed.
  size_t frame(Bytes data, uint64_t offset, const SegmentInfo& at, Handler& handler);
  // Adds bytes to the search window and looks for a confirmed record header. `arriving`:
  // the bytes are new to the stream (false when re-searching bytes already counted).
  void feed_search(Bytes data, const SegmentInfo& at, Handler& handler, bool arriving = true);
  void lose_sync(const SegmentInfo& at, Handler& handler, const std::string& why);
  // Whether a valid record's body is counted rather than kept: application data (say) that
  // the handler does not read. Decided from the header alone, so both places that start
  // keeping a record decide alike.
  static bool counts_body(const Header& h, const Handler& handler) {
    return !h.sslv2 && !handler.wants_body(h.content_type);
  }
  // The incomplete record's bytes so far, kept or only counted.
  size_t partial_size() const { return partial_.size() + uncopied_; }
  void clear_partial() {
    partial_.clear();
    uncopied_ = 0;
  }
  // Frames the completed record whose body was counted, not kept: header + zeros.
  void frame_uncopied(const SegmentInfo& at, Handler& handler);

  State state_;
  uint64_t offset_ = 0;             // stream offset of the next byte to arrive
  std::vector<uint8_t> partial_;    // bytes of an incomplete record (framing) or search window
  size_t uncopied_ = 0;             // body bytes of the incomplete record counted, not kept
  uint64_t partial_offset_ = 0;     // stream offset of partial_[0]
  size_t skip_remaining_ = 0;       // bytes of a gap-damaged record still to discard
  uint64_t records_ = 0;
  uint64_t skipped_bytes_ = 0;
  bool first_record_ = true;
};

}  // namespace tlslens::tls
