#include "core/tls/tls_session.h"

#include <fmt/format.h>

#include <functional>
#include <utility>

#include "core/tls/handshake_decoders.h"

namespace tlslens::tls {

struct TlsSession::Side {
  explicit Side(bool at_stream_start) : reader(at_stream_start) {}
  RecordReader reader;
  HandshakeAssembler handshakes;
  bool change_cipher_spec_seen = false;  // TLS <= 1.2: later records are protected
  uint64_t records = 0;
  uint64_t protected_records = 0;
  uint64_t protected_after_server_hello = 0;
  uint64_t application_data_bytes = 0;
  SegmentInfo last_at;
};

// Adapts RecordReader's callbacks to one direction of the session.
class TlsSession::RecordHandler final : public RecordReader::Handler {
 public:
  RecordHandler(TlsSession& session, Direction dir) : session_(session), dir_(dir) {}
  void record(const FramedRecord& record, const SegmentInfo& at) override { session_.handle_record(dir_, record, at); }
  void note(NoteKind kind, uint64_t offset, std::string text, const SegmentInfo& at) override {
    session_.note(dir_, kind, offset, std::move(text), at);
  }
  void records_lost(uint64_t count) override { session_.records_lost(dir_, count); }
  bool wants_body(uint8_t content_type) const override {
    return content_type != content_type::application_data || session_.opaque_bodies_wanted_;
  }

 private:
  TlsSession& session_;
  Direction dir_;
};

namespace {

// Collects the messages a record completes, so they can be reported after the record.
class MessageCollector final : public HandshakeAssembler::Handler {
 public:
  MessageCollector(Bytes content, std::vector<std::vector<uint8_t>>& copies, std::vector<Bytes>& views)
      : content_(content), copies_(copies), views_(views) {}
  void message(Bytes message) override {
    // A message inside this record's content stays valid while the record is handled: keep
    // the view. One assembled from several records lives in the assembler's buffer only
    // during this call: keep a copy.
    std::less_equal<const uint8_t*> not_after;
    const bool inside = !content_.empty() && not_after(content_.data(), message.data()) &&
                        not_after(message.data() + message.size(), content_.data() + content_.size());
    if (inside) {
      views_.push_back(message);
      return;
    }
    copies_.emplace_back(message.begin(), message.end());
    views_.push_back(copies_.back());
  }

 private:
  Bytes content_;
  std::vector<std::vector<uint8_t>>& copies_;
  std::vector<Bytes>& views_;
};

}  // namespace

TlsSession::TlsSession(const Connection& conn, EventSink& sink, const DecryptionContext* decryption)
    : conn_(conn), sink_(sink) {
  sides_[0] = std::make_unique<Side>(conn.handshake_seen);
  sides_[1] = std::make_unique<Side>(conn.handshake_seen);
  // A live capture following a key log that is still empty (or not yet written) decrypts
  // once its secrets appear.
  if (decryption != nullptr && decryption->keys != nullptr &&
      (!decryption->keys->empty() || decryption->refresh_keys))
    decryptor_ = std::make_unique<SessionDecryptor>(*decryption, conn);
  // Application data that nothing decrypts is only counted, unless a sink shows its bytes.
  opaque_bodies_wanted_ = decryptor_ != nullptr || sink.wants_opaque_bytes();
}

void TlsSession::records_lost(Direction dir, uint64_t count) {
  if (decryptor_) decryptor_->on_records_lost(dir, count);
}

TlsSession::~TlsSession() = default;

void TlsSession::on_data(Direction dir, Bytes bytes, const SegmentInfo& at) {
  Side& side = *sides_[index_of(dir)];
  side.last_at = at;
  RecordHandler handler(*this, dir);
  side.reader.feed(bytes, at, handler);
}

void TlsSession::on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  Side& side = *sides_[index_of(dir)];
  if (!handshake_complete()) gap_before_complete_ = true;
  size_t dropped = side.handshakes.reset();
  if (dropped > 0)
    note(dir, NoteKind::gap, 0, fmt::format("handshake message lost: {} bytes of it were captured", dropped), at);
  RecordHandler handler(*this, dir);
  side.reader.gap(missing_bytes, at, handler);
}

void TlsSession::on_rst(Direction, const SegmentInfo&) { reset_ = true; }

void TlsSession::note(Direction dir, NoteKind kind, uint64_t offset, std::string text, const SegmentInfo& at) {
  NoteEvent n;
  n.kind = kind;
  n.dir = dir;
  n.at = at;
  n.stream_offset = offset;
  n.text = std::move(text);
  sink_.tls_note(conn_, n);
}

bool TlsSession::is_protected(Direction dir, const FramedRecord& record) const {
  if (record.sslv2) return false;
  if (record.content_type == content_type::application_data) return true;
  if (facts_.tls13()) return false;  // TLS 1.3 protects records as application_data
  // After a side's ChangeCipherSpec everything it sends is protected, a renegotiation's own
  // ChangeCipherSpec included.
  if (sides_[index_of(dir)]->change_cipher_spec_seen) return true;
  if (record.content_type == content_type::change_cipher_spec) return false;
  if (facts_.client_hello_seen || facts_.server_hello_seen) return false;
  // Picked up after the hellos, the protection state is unknown; judge by shape. A handshake
  // record that does not start (or continue) a hello is almost surely an encrypted Finished or
  // renegotiation; an alert in the clear is 2 bytes, a ChangeCipherSpec the single byte 1.
  switch (record.content_type) {
    case content_type::handshake: {
      if (sides_[index_of(dir)]->handshakes.pending()) return false;
      uint8_t first = record.fragment.empty() ? 0xff : record.fragment[0];
      return first != handshake_type::client_hello && first != handshake_type::server_hello;
    }
    case content_type::alert:
      return record.fragment.size() != 2;
    case content_type::change_cipher_spec:
      return record.fragment.size() != 1 || record.fragment[0] != 1;
    default:
      return false;
  }
}

void TlsSession::handle_record(Direction dir, const FramedRecord& record, const SegmentInfo& at) {
  Side& side = *sides_[index_of(dir)];
  any_record_ = true;
  ++side.records;

  RecordEvent event;
  event.number = ++record_number_;
  event.dir = dir;
  event.at = at;
  event.stream_offset = record.stream_offset;
  event.content_type = record.content_type;
  event.version = record.version;
  event.header = record.header;
  event.fragment = record.fragment;
  event.sslv2 = record.sslv2;
  event.encrypted = is_protected(dir, record);
  DecryptOutcome decrypted;
  if (event.encrypted && decryptor_) {
    decrypted = decryptor_->decrypt(dir, record, facts_, plaintext_);
    if (decrypted.kind == DecryptOutcome::Kind::decrypted) {
      event.decrypted = true;
      event.plaintext = plaintext_;
      event.inner_content_type = decrypted.inner_content_type;
    } else if (decrypted.kind == DecryptOutcome::Kind::failed) {
      event.decrypt_error = crypto::to_string(decrypted.status);
    }
  }
  sink_.tls_record(conn_, event);

  if (event.encrypted && !event.decrypted) {
    ++side.protected_records;
    if (facts_.server_hello_seen) ++side.protected_after_server_hello;
    if (record.content_type == content_type::application_data) side.application_data_bytes += record.fragment.size();
    return;
  }
  if (event.decrypted) {
    ++side.protected_records;
    if (facts_.server_hello_seen) ++side.protected_after_server_hello;
    // Handling the content decrypts nothing more, so the reused buffer stays valid meanwhile.
    handle_content(dir, event, event.inner_content_type, plaintext_);
    return;
  }
  if (record.sslv2) {
    Field tree("client_hello", FieldKind::group);
    DecodeContext ctx{dir, facts_, Bytes(record.header.data(), record.header.size() + record.fragment.size())};
    DecodeResult problem = decode_sslv2_client_hello(ctx, tree);
    MessageEvent message;
    message.content_type = content_type::handshake;
    message.handshake_type = handshake_type::client_hello;
    message.bytes = ctx.message;
    message.fields = &tree;
    message.problem = problem ? &*problem : nullptr;
    message.facts = &facts_;
    sink_.tls_message(conn_, event, message);
    return;
  }
  handle_content(dir, event, record.content_type, record.fragment);
}

void TlsSession::handle_content(Direction dir, const RecordEvent& event, uint8_t type, Bytes content) {
  Side& side = *sides_[index_of(dir)];
  if (type == content_type::handshake) {
    std::vector<std::vector<uint8_t>> copies;
    std::vector<Bytes> messages;
    MessageCollector collector(content, copies, messages);
    side.handshakes.feed(content, collector);
    for (Bytes m : messages) handle_handshake(dir, event, m);
    return;
  }
  if (side.handshakes.pending()) {
    size_t dropped = side.handshakes.reset();
    note(dir, NoteKind::malformed_message, event.stream_offset,
         fmt::format("a {}-byte partial handshake message was interrupted by a record of type {}", dropped, type),
         event.at);
  }
  if (type == content_type::application_data) {
    side.application_data_bytes += content.size();
    return;
  }
  handle_other_content(dir, event, type, content);
}

void TlsSession::handle_handshake(Direction dir, const RecordEvent& event, Bytes message) {
  Field tree("handshake", FieldKind::group);
  DecodeContext ctx{dir, facts_, message};
  DecodeResult problem = decode_handshake_message(ctx, tree);

  uint8_t type = message.empty() ? 0 : message[0];
  if (dir == Direction::server_to_client && facts_.server_hello_seen && !facts_.tls13()) {
    if (type == handshake_type::certificate || type == handshake_type::server_key_exchange ||
        type == handshake_type::server_hello_done || type == handshake_type::certificate_request)
      server_sent_certificate_flight_ = true;
  }
  MessageEvent m;
  m.content_type = content_type::handshake;
  m.handshake_type = type;
  m.bytes = message;
  m.fields = &tree;
  m.problem = problem ? &*problem : nullptr;
  m.facts = &facts_;
  sink_.tls_message(conn_, event, m);  // a problem travels with the message, not as a note
  if (type == handshake_type::finished) {
    if (dir == Direction::client_to_server) facts_.finished_client = true;
    else facts_.finished_server = true;
  }
  if (decryptor_) decryptor_->on_handshake_message(dir, type, message, tree, facts_);
}

void TlsSession::handle_other_content(Direction dir, const RecordEvent& event, uint8_t type, Bytes content) {
  Side& side = *sides_[index_of(dir)];
  Field tree("record", FieldKind::group);
  DecodeContext ctx{dir, facts_, content};
  DecodeResult problem;
  switch (type) {
    case content_type::change_cipher_spec:
      tree.key = "change_cipher_spec";
      problem = decode_change_cipher_spec(ctx, tree);
      if (!facts_.tls13()) {
        if (!side.change_cipher_spec_seen && dir == Direction::server_to_client && facts_.server_hello_seen &&
            !server_sent_certificate_flight_)
          abbreviated_ = true;
        side.change_cipher_spec_seen = true;
        if (decryptor_) decryptor_->on_change_cipher_spec(dir, facts_);
      }
      break;
    case content_type::alert: {
      tree.key = "alert";
      problem = decode_alert(ctx, tree);
      Reader r(content);
      uint8_t level, description;
      if (r.u8(level) && r.u8(description) && level == 2 && !fatal_alert_seen_) {
        fatal_alert_seen_ = true;
        fatal_alert_ = description;
      }
      break;
    }
    case content_type::heartbeat:
      tree.key = "heartbeat";
      problem = decode_heartbeat(ctx, tree);
      break;
    default:
      return;  // application data in the clear cannot happen without keys; nothing to decode
  }
  MessageEvent m;
  m.content_type = type;
  m.bytes = content;
  m.fields = &tree;
  m.problem = problem ? &*problem : nullptr;
  m.facts = &facts_;
  sink_.tls_message(conn_, event, m);
}

bool TlsSession::handshake_complete() const {
  const Side& c = *sides_[index_of(Direction::client_to_server)];
  const Side& s = *sides_[index_of(Direction::server_to_client)];
  if (facts_.finished_client && facts_.finished_server) return true;
  if (facts_.tls13()) return s.protected_after_server_hello > 0 && c.protected_after_server_hello > 0;
  return c.change_cipher_spec_seen && s.change_cipher_spec_seen;
}

HandshakeOutcome TlsSession::outcome() const {
  const Side& c = *sides_[index_of(Direction::client_to_server)];
  if (!any_record_ || c.reader.state() == RecordReader::State::not_tls) return HandshakeOutcome::not_tls;
  if (fatal_alert_seen_) return HandshakeOutcome::alert;
  if (handshake_complete()) return HandshakeOutcome::complete;
  if (!facts_.client_hello_seen && !facts_.server_hello_seen) return HandshakeOutcome::midstream;
  if (gap_before_complete_) return HandshakeOutcome::gap;
  if (reset_) return HandshakeOutcome::reset;
  return HandshakeOutcome::incomplete;
}

void TlsSession::finish(const SegmentInfo& at) {
  for (int i = 0; i < 2; ++i) {
    Direction dir = static_cast<Direction>(i);
    Side& side = *sides_[i];
    RecordHandler handler(*this, dir);
    side.reader.finish(at, handler);
    if (side.handshakes.pending()) {
      size_t total = side.handshakes.pending_total();
      note(dir, NoteKind::incomplete, 0,
           total ? fmt::format("stream ended inside a handshake message ({} of {} bytes)",
                               side.handshakes.pending_bytes(), total)
                 : std::string("stream ended inside a handshake message header"),
           at);
    }
  }
  SessionSummary summary;
  summary.facts = &facts_;
  summary.outcome = outcome();
  summary.resumed = (summary.outcome == HandshakeOutcome::complete || summary.outcome == HandshakeOutcome::alert) &&
                    (facts_.tls13() ? facts_.psk_selected_identity.has_value() : abbreviated_);
  if (summary.outcome == HandshakeOutcome::complete && summary.resumed) summary.outcome = HandshakeOutcome::resumed;
  summary.fatal_alert_seen = fatal_alert_seen_;
  summary.fatal_alert = fatal_alert_;
  for (int i = 0; i < 2; ++i) {
    summary.records[i] = sides_[i]->records;
    summary.application_data_bytes[i] = sides_[i]->application_data_bytes;
  }
  if (decryptor_) {
    summary.decryption_attempted = true;
    for (int i = 0; i < 2; ++i) {
      Direction dir = static_cast<Direction>(i);
      summary.decrypted_records[i] = decryptor_->decrypted_records(dir);
      summary.undecryptable_records[i] = sides_[i]->protected_records - decryptor_->decrypted_records(dir);
    }
    summary.missing_keys = decryptor_->missing_keys_reason();
    const uint64_t undecrypted = summary.undecryptable_records[0] + summary.undecryptable_records[1];
    if (summary.missing_keys.empty() && undecrypted > 0) {
      if (!facts_.client_hello_seen)
        summary.missing_keys = "the handshake was not captured, so no key can be matched to this connection";
      else if (decryptor_->failed_records(Direction::client_to_server) +
                   decryptor_->failed_records(Direction::server_to_client) > 0)
        summary.missing_keys = fmt::format("{} record(s) failed authentication (wrong key, or altered data)",
                                           decryptor_->failed_records(Direction::client_to_server) +
                                               decryptor_->failed_records(Direction::server_to_client));
    }
  }
  sink_.tls_summary(conn_, summary);
}

}  // namespace tlslens::tls
