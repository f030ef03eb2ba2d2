#include "core/tls/record_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace tlslens::tls {

namespace {

constexpr size_t kTlsHeaderLength = 5;
// Search window: enough for one maximal record plus the next header.
constexpr size_t kSearchWindow = 2 * (kMaxRecordFragment + kTlsHeaderLength);

bool plausible_content_type(uint8_t type) { return type >= 20 && type <= 24; }
bool plausible_version(uint16_t version) { return (version >> 8) == 3 && (version & 0xff) <= 4; }

// A record whose body is counted, not kept: its header followed by zeros. One per thread
// (workers frame records in parallel); the handler reads it only during the call.
Bytes header_then_zeros(Bytes header, size_t body_length) {
  thread_local std::vector<uint8_t> buffer(kTlsHeaderLength + kMaxRecordFragment);
  std::copy(header.begin(), header.end(), buffer.begin());  // the body's bytes are never written
  return Bytes(buffer.data(), header.size() + body_length);
}

}  // namespace

RecordReader::HeaderCheck RecordReader::check_header(Bytes bytes, bool allow_sslv2, Header& out) const {
  Reader r(bytes);
  uint8_t b0;
  if (!r.peek_u8(b0)) return HeaderCheck::need_more;
  if (allow_sslv2 && (b0 & 0x80)) {
    // SSLv2-compatible ClientHello: 2-byte length with the high bit set, then msg_type 1
    // and the client's highest version (RFC 5246 appendix E.2).
    uint16_t length, version;
    uint8_t msg_type;
    if (!(r.u16(length) && r.u8(msg_type) && r.u16(version))) return HeaderCheck::need_more;
    length &= 0x7fff;
    bool version_ok = version == 0x0002 || plausible_version(version);
    if (msg_type != 1 || !version_ok || length < 9) return HeaderCheck::invalid;
    out = Header{1, version, 2, length, true};
    return HeaderCheck::valid;
  }
  if (!plausible_content_type(b0)) return HeaderCheck::invalid;
  uint8_t type, major;
  if (!(r.u8(type) && r.u8(major))) return HeaderCheck::need_more;
  if (major != 3) return HeaderCheck::invalid;
  uint8_t minor;
  if (!r.u8(minor)) return HeaderCheck::need_more;
  if (minor > 4) return HeaderCheck::invalid;
  uint16_t length;
  if (!r.u16(length)) return HeaderCheck::need_more;
  if (length > kMaxRecordFragment) return HeaderCheck::invalid;
  out = Header{type, static_cast<uint16_t>(0x0300 | minor), kTlsHeaderLength, length, false};
  return HeaderCheck::valid;
}

void RecordReader::feed(Bytes data, const SegmentInfo& at, Handler& handler) {
  if (state_ == State::not_tls) {
    offset_ += data.size();
    return;
  }
  if (skip_remaining_ > 0) {
    size_t n = std::min(skip_remaining_, data.size());
    skip_remaining_ -= n;
    skipped_bytes_ += n;
    offset_ += n;
    data = data.subspan(n);
  }
  if (state_ == State::searching) {
    feed_search(data, at, handler);
    return;
  }

  // Complete a record begun in an earlier segment, copying only what it still needs (and of
  // a body nobody reads, nothing: it is counted).
  while (!data.empty() && !partial_.empty()) {
    Header h;
    HeaderCheck c = check_header(partial_, first_record_, h);
    if (c == HeaderCheck::invalid) break;  // handled below by frame() on the joined bytes
    size_t target = c == HeaderCheck::need_more ? kTlsHeaderLength : h.header_length + h.fragment_length;
    if (c == HeaderCheck::need_more && partial_.size() >= kTlsHeaderLength) break;
    size_t take = std::min(target - partial_size(), data.size());
    // partial_ holds just the header while a counted body comes in (see frame()).
    const bool counted = c == HeaderCheck::valid && partial_.size() == h.header_length && counts_body(h, handler);
    if (counted) {
      uncopied_ += take;
    } else {
      if (c == HeaderCheck::valid) partial_.reserve(target);  // once: growing by doubling copies it all again
      partial_.insert(partial_.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(take));
    }
    data = data.subspan(take);
    offset_ += take;
    if (c == HeaderCheck::valid && partial_size() == target) {
      if (uncopied_ > 0) {
        frame_uncopied(at, handler);
      } else {
        std::vector<uint8_t> whole = std::move(partial_);
        clear_partial();
        frame(whole, partial_offset_, at, handler);  // exactly one complete record
      }
      if (state_ != State::framing) {
        // The record made the reader give up (not TLS); drop the rest.
        if (state_ == State::not_tls) offset_ += data.size();
        if (state_ == State::searching) feed_search(data, at, handler);
        return;
      }
    }
  }
  if (!partial_.empty()) {
    // Header bytes that turned out invalid once more arrived.
    Header h;
    if (check_header(partial_, first_record_, h) == HeaderCheck::invalid) {
      std::vector<uint8_t> bad = std::move(partial_);
      clear_partial();
      uint64_t bad_offset = partial_offset_;
      bad.insert(bad.end(), data.begin(), data.end());
      offset_ += data.size();
      size_t used = frame(bad, bad_offset, at, handler);
      (void)used;
    }
    return;
  }
  if (data.empty()) return;
  uint64_t base = offset_;
  offset_ += data.size();
  frame(data, base, at, handler);
}

size_t RecordReader::frame(Bytes data, uint64_t offset, const SegmentInfo& at, Handler& handler) {
  size_t pos = 0;
  while (pos < data.size()) {
    Bytes rest = data.subspan(pos);
    Header h;
    HeaderCheck c = check_header(rest, first_record_, h);
    if (c == HeaderCheck::invalid) {
      if (state_ == State::start) {
        state_ = State::not_tls;
        size_t shown = std::min<size_t>(rest.size(), 8);
        std::string preview;
        for (size_t i = 0; i < shown; ++i) preview += fmt::format("{:02x}", rest[i]);
        handler.note(NoteKind::not_tls, offset + pos,
                     fmt::format("stream does not look like TLS (starts with {}); not decoded", preview), at);
        return data.size();
      }
      std::string why = fmt::format("malformed record header at stream offset {}", offset + pos);
      Reader r(rest);
      uint8_t type = 0, major = 0, minor = 0;
      uint16_t length = 0;
      if (r.u8(type) && r.u8(major) && r.u8(minor) && r.u16(length)) {
        if (!plausible_content_type(type))
          why = fmt::format("record at stream offset {} has content type {} (not TLS)", offset + pos, type);
        else if (major != 3 || minor > 4)
          why = fmt::format("record at stream offset {} has version 0x{:02x}{:02x}", offset + pos, major, minor);
        else
          why = fmt::format("record at stream offset {} claims {} bytes, over the maximum {}", offset + pos, length,
                            kMaxRecordFragment);
      }
      handler.note(NoteKind::malformed_record, offset + pos, why, at);
      state_ = State::searching;
      // Search from the byte after the bad header start.
      clear_partial();
      partial_offset_ = offset + pos + 1;
      feed_search(rest.subspan(1), at, handler, /*arriving=*/false);
      return data.size();
    }
    size_t total = c == HeaderCheck::valid ? h.header_length + h.fragment_length : 0;
    if (c == HeaderCheck::need_more || rest.size() < total) {
      clear_partial();
      if (c == HeaderCheck::valid && counts_body(h, handler)) {
        partial_.assign(rest.begin(), rest.begin() + static_cast<ptrdiff_t>(h.header_length));
        uncopied_ = rest.size() - h.header_length;  // the body is counted, not kept
      } else {
        partial_.reserve(std::max(total, rest.size()));  // the whole record, at once
        partial_.assign(rest.begin(), rest.end());
      }
      partial_offset_ = offset + pos;
      return data.size();
    }
    FramedRecord record;
    record.content_type = h.content_type;
    record.version = h.version;
    record.header = rest.subspan(0, h.header_length);
    record.fragment = rest.subspan(h.header_length, h.fragment_length);
    record.stream_offset = offset + pos;
    record.sslv2 = h.sslv2;
    state_ = State::framing;
    first_record_ = false;
    ++records_;
    handler.record(record, at);
    pos += total;
  }
  return pos;
}

void RecordReader::frame_uncopied(const SegmentInfo& at, Handler& handler) {
  Header h;
  check_header(partial_, first_record_, h);  // valid: checked when its body began
  const Bytes whole = header_then_zeros(partial_, h.fragment_length);
  const uint64_t offset = partial_offset_;
  clear_partial();
  frame(whole, offset, at, handler);
}

void RecordReader::feed_search(Bytes data, const SegmentInfo& at, Handler& handler, bool arriving) {
  if (arriving) {
    if (partial_.empty()) partial_offset_ = offset_;
    offset_ += data.size();
  }
  partial_.insert(partial_.end(), data.begin(), data.end());

  size_t i = 0;
  bool found = false;
  while (i + kTlsHeaderLength <= partial_.size()) {
    Header h;
    Bytes candidate(partial_.data() + i, partial_.size() - i);
    if (check_header(candidate, false, h) == HeaderCheck::valid) {
      size_t next = i + kTlsHeaderLength + h.fragment_length;
      // A record that ends exactly where the bytes so far end is confirmed too: segments
      // end at record boundaries far more often than random bytes fake a header that does.
      if (next == partial_.size()) {
        found = true;
        break;
      }
      if (next + kTlsHeaderLength > partial_.size()) break;  // wait for the bytes that confirm it
      Header h2;
      Bytes confirm(partial_.data() + next, partial_.size() - next);
      if (check_header(confirm, false, h2) == HeaderCheck::valid) {
        found = true;
        break;
      }
    }
    ++i;
  }
  // The window is bounded: bytes before a candidate that cannot be confirmed in time go.
  if (!found && partial_.size() - i > kSearchWindow) i = partial_.size() - kSearchWindow;
  if (i > 0) {
    skipped_bytes_ += i;
    partial_.erase(partial_.begin(), partial_.begin() + static_cast<ptrdiff_t>(i));
    partial_offset_ += i;
  }
  if (!found) return;

  handler.note(NoteKind::resynchronized, partial_offset_,
               fmt::format("record framing found again at stream offset {}", partial_offset_), at);
  state_ = State::framing;
  first_record_ = false;
  std::vector<uint8_t> window = std::move(partial_);
  clear_partial();
  frame(window, partial_offset_, at, handler);
}

void RecordReader::gap(uint64_t missing_bytes, const SegmentInfo& at, Handler& handler) {
  if (state_ == State::not_tls) {
    offset_ += missing_bytes;
    return;
  }
  uint64_t gap_start = offset_;
  offset_ += missing_bytes;
  if (skip_remaining_ > 0) {
    if (missing_bytes <= skip_remaining_) {
      skip_remaining_ -= missing_bytes;
      return;
    }
    missing_bytes -= skip_remaining_;
    skip_remaining_ = 0;
  }
  if ((state_ == State::framing || state_ == State::start) && !partial_.empty()) {
    Header h;
    if (check_header(partial_, true, h) == HeaderCheck::valid) {
      uint64_t total = h.header_length + h.fragment_length;
      uint64_t remaining = total - partial_size();
      if (missing_bytes <= remaining) {
        // The record's length is known: skip what is left of it and frame on after it.
        handler.note(NoteKind::gap, partial_offset_,
                     fmt::format("record at stream offset {} damaged: {} of its {} bytes missing; skipped",
                                 partial_offset_, missing_bytes, total),
                     at);
        skip_remaining_ = remaining - missing_bytes;
        clear_partial();
        handler.records_lost(1);
        return;
      }
    }
  }
  if (state_ == State::searching && !partial_.empty()) {
    skipped_bytes_ += partial_.size();
  }
  clear_partial();
  const bool was_framing = state_ != State::searching;
  state_ = State::searching;
  if (was_framing) handler.records_lost(0);
  handler.note(NoteKind::gap, gap_start,
               fmt::format("{} bytes missing at stream offset {}; looking for the next record", missing_bytes,
                           gap_start),
               at);
}

void RecordReader::finish(const SegmentInfo& at, Handler& handler) {
  if ((state_ == State::framing || state_ == State::start) && !partial_.empty()) {
    Header h;
    std::string what = "a record header";
    if (check_header(partial_, true, h) == HeaderCheck::valid)
      what = fmt::format("a record ({} of {} bytes)", partial_size(), h.header_length + h.fragment_length);
    handler.note(NoteKind::incomplete, partial_offset_,
                 fmt::format("stream ended inside {} at stream offset {}", what, partial_offset_), at);
  } else if (state_ == State::searching && !partial_.empty()) {
    // At the end no more bytes will confirm a candidate: accept the first whose record is
    // wholly there.
    for (size_t i = 0; i + kTlsHeaderLength <= partial_.size(); ++i) {
      Header h;
      Bytes candidate(partial_.data() + i, partial_.size() - i);
      if (check_header(candidate, false, h) == HeaderCheck::valid &&
          i + kTlsHeaderLength + h.fragment_length <= partial_.size()) {
        skipped_bytes_ += i;
        uint64_t start = partial_offset_ + i;
        handler.note(NoteKind::resynchronized, start,
                     fmt::format("record framing found again at stream offset {}", start), at);
        state_ = State::framing;
        first_record_ = false;
        std::vector<uint8_t> window(partial_.begin() + static_cast<ptrdiff_t>(i), partial_.end());
        clear_partial();
        frame(window, start, at, handler);
        break;
      }
    }
  }
  clear_partial();
}

}  // namespace tlslens::tls
