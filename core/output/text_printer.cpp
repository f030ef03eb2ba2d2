#include "core/output/text_printer.h"

#include "core/output/audit_text.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/output/hex_dump.h"
#include "core/output/json_writer.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"

namespace tlslens {
namespace {

using tls::Field;
using tls::FieldKind;

constexpr std::string_view kMessageIndent = "      ";  // under a record line, as ssldump
constexpr int kFieldIndent = 8;                        // a message's top-level fields
constexpr size_t kDumpIndent = 4;                      // -x dumps
constexpr std::string_view kSummaryIndent = "    ";    // the labelled lines of a TLS summary
constexpr int kSummaryLabelWidth = 19;                 // "client certificate" and a space

template <typename... Args>
void append(fmt::memory_buffer& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

void append_spaces(fmt::memory_buffer& out, int count) {
  for (int i = 0; i < count; ++i) out.push_back(' ');
}

// Text from the wire (host names, ALPN protocols, certificate names, decoder reasons) must
// not be able to drive the terminal: control characters, C1 controls and bytes that are not
// UTF-8 are shown as \xNN; well-formed UTF-8 passes through.
void append_printable(fmt::memory_buffer& out, std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  const auto escape_byte = [&](uint8_t b) {
    const char escaped[] = {'\\', 'x', kHexDigits[b >> 4], kHexDigits[b & 0xF]};
    out.append(escaped, escaped + sizeof escaped);
  };
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) {
        escape_byte(c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const Utf8Sequence seq = scan_utf8(text, i);
    const bool c1_control = seq.valid && seq.code_point < 0xA0;
    if (seq.valid && !c1_control) {
      out.append(text.substr(i, seq.length));
    } else {
      for (size_t k = 0; k < seq.length; ++k) escape_byte(static_cast<uint8_t>(text[i + k]));
    }
    i += seq.length;
  }
}

// Whether decrypted data reads as text: well-formed UTF-8 of printable characters, tabs and
// line ends only (no other C0/C1 controls, no DEL).
bool is_text(Bytes data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return false;
      ++i;
      continue;
    }
    const Utf8Sequence seq = scan_utf8(text, i);
    if (!seq.valid || seq.code_point < 0xA0) return false;
    i += seq.length;
  }
  return true;
}

// Decrypted application data (-d): text as escaped text lines ("    | "), anything else as a
// hex + ASCII dump; with -X (`hex_only`) always the dump. A huge record is cut, not flooded.
void append_data(fmt::memory_buffer& out, Bytes data, bool hex_only) {
  constexpr size_t kMaxShown = 64 * 1024;
  const Bytes shown = data.first(std::min(data.size(), kMaxShown));
  if (hex_only || !is_text(shown)) {
    append_hex_dump(out, shown, kDumpIndent);
    if (data.size() > kMaxShown) append(out, "    ... {} more bytes\n", data.size() - kMaxShown);
    return;
  }
  std::string_view text(reinterpret_cast<const char*>(shown.data()), shown.size());
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append(std::string_view("    | "));
    append_printable(out, line);
    out.push_back('\n');
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  if (data.size() > kMaxShown) append(out, "    | ... {} more bytes\n", data.size() - kMaxShown);
}

// Field keys are snake_case; the text shows them as words.
void append_key(fmt::memory_buffer& out, std::string_view key) {
  for (char c : key) out.push_back(c == '_' ? ' ' : c);
}

// "TLS_AES_128_GCM_SHA256 (0x1301)", or "0x1301" when the code has no name. `hex_digits`
// is the width of the code on the wire; 0 when unknown, and the width then follows the
// value's magnitude (2 digits below 0x100, 4 below 0x10000, else 6).
void append_code(fmt::memory_buffer& out, uint64_t code, std::string_view name, int hex_digits = 0) {
  const int digits = hex_digits > 0 ? hex_digits : code < 0x100 ? 2 : code < 0x10000 ? 4 : 6;
  if (name.empty()) {
    append(out, "0x{:0{}x}", code, digits);
  } else {
    append_printable(out, name);
    append(out, " ({:#0{}x})", code, digits + 2);
  }
}

// A code field's wire width: its length (1..3 bytes) when the decoder located it.
int code_digits(const Field& field) {
  return field.length >= 1 && field.length <= 3 ? 2 * static_cast<int>(field.length) : 0;
}

// A name for the summary, where the code adds nothing: "x25519", or "0x001d" if unknown.
void append_name_or_hex(fmt::memory_buffer& out, uint64_t code, std::string_view name, int hex_digits) {
  if (name.empty()) {
    append(out, "0x{:0{}x}", code, hex_digits);
  } else {
    append_printable(out, name);
  }
}

void append_byte_count(fmt::memory_buffer& out, size_t count) {
  append(out, "{} {}", count, count == 1 ? "byte" : "bytes");
}

// The record type as ssldump names it; the IANA name for the rarer registered types.
std::string_view ssldump_record_type_name(uint8_t content_type) {
  switch (content_type) {
    case tls::content_type::change_cipher_spec:
      return "ChangeCipherSpec";
    case tls::content_type::alert:
      return "Alert";
    case tls::content_type::handshake:
      return "Handshake";
    case tls::content_type::application_data:
      return "application_data";
    case tls::content_type::heartbeat:
      return "Heartbeat";
    default:
      return tls::content_type_name(content_type);
  }
}

void append_record_type(fmt::memory_buffer& out, uint8_t content_type) {
  const std::string_view name = ssldump_record_type_name(content_type);
  if (name.empty()) {
    append(out, "unknown record type {}", content_type);
  } else {
    out.append(name);
  }
}

void append_message_name(fmt::memory_buffer& out, const tls::MessageEvent& message) {
  const std::string_view name = tls_message_display_name(message);
  if (!name.empty()) {
    out.append(name);
    // The decoders' name for types no registry knows is generic: the number says which.
    if (message.content_type == tls::content_type::handshake &&
        tls::handshake_type_name(message.handshake_type).empty())
      append(out, " (type {})", message.handshake_type);
  } else if (message.content_type == tls::content_type::handshake) {
    append(out, "unknown handshake message {}", message.handshake_type);
  } else {
    append_record_type(out, message.content_type);
  }
}

void append_problem_suffix(fmt::memory_buffer& out, const tls::DecodeProblem& problem) {
  out.append(std::string_view(" (malformed: "));
  append_printable(out, problem.reason);
  append(out, " at offset {})", problem.offset);
}

void append_version_name(fmt::memory_buffer& out, uint16_t version) {
  const std::string_view name = tls::version_name(version);
  if (name.empty()) {
    append(out, "0x{:04x}", version);
  } else {
    out.append(name);
  }
}

// An alert's level or description: its name, or "<what> <number>" when unknown.
void append_name_or_number(fmt::memory_buffer& out, std::string_view name, std::string_view what, uint8_t number) {
  if (name.empty()) {
    append(out, "{} {}", what, number);
  } else {
    out.append(name);
  }
}

void append_summary_label(fmt::memory_buffer& out, std::string_view label) {
  out.append(kSummaryIndent);
  out.append(label);
  append_spaces(out, kSummaryLabelWidth - static_cast<int>(label.size()));
}

std::string_view outcome_phrase(tls::HandshakeOutcome outcome) {
  using tls::HandshakeOutcome;
  switch (outcome) {
    case HandshakeOutcome::complete:
    case HandshakeOutcome::resumed:
      return "completed";
    case HandshakeOutcome::alert:
      return "failed: fatal alert";
    case HandshakeOutcome::reset:
      return "reset before the handshake completed";
    case HandshakeOutcome::gap:
      return "unreadable: data missing from the capture";
    case HandshakeOutcome::incomplete:
      return "incomplete: ended before the handshake completed";
    case HandshakeOutcome::midstream:
      return "mid-stream: handshake not captured";
    case HandshakeOutcome::not_tls:
      return "not TLS";
  }
  return "";
}

}  // namespace

std::string_view tls_message_display_name(const tls::MessageEvent& message) {
  switch (message.content_type) {
    case tls::content_type::handshake:
      // A ServerHello carrying the HelloRetryRequest random is a different message in all
      // but its type byte; the decoder keys its tree accordingly.
      if (message.fields != nullptr && message.fields->key == "hello_retry_request")
        return tls::handshake_display_name(tls::handshake_type::hello_retry_request);
      return tls::handshake_display_name(message.handshake_type);
    case tls::content_type::alert:
      return "Alert";
    case tls::content_type::change_cipher_spec:
      return "ChangeCipherSpec";
    case tls::content_type::heartbeat:
      return "Heartbeat";
    default:
      return "";
  }
}

void TextPrinter::write_line_buffer() {
  out_.write(std::string_view(line_.data(), line_.size()));
  line_.clear();
}

void TextPrinter::close_record() {
  if (quiet_line_open_) {
    out_.write("\n");
    quiet_line_open_ = false;
  }
  if (audit_pending_.size() != 0) {
    out_.write(std::string_view(audit_pending_.data(), audit_pending_.size()));
    audit_pending_.clear();
  }
  if (dump_pending_) {
    line_.clear();
    append_hex_dump(line_, record_bytes_, kDumpIndent);
    write_line_buffer();
    dump_pending_ = false;
  }
}

void TextPrinter::connection_started(const Connection& conn) {
  close_record();
  last_line_ts_[conn.id] = conn.first_seen;
  out_.print("New TCP connection #{}: {} <-> {}{}{}\n", conn.id, conn.client.to_ssldump_string(),
             conn.server.to_ssldump_string(),
             options_.absolute_times ? " at " + format_utc(conn.first_seen) : std::string(),
             conn.handshake_seen ? "" : " (mid-stream: no handshake seen)");
}

void TextPrinter::append_time_column(const Connection& conn, Timestamp ts) {
  // A connection whose start this printer did not see counts from its first packet.
  Timestamp& last = last_line_ts_.try_emplace(conn.id, conn.first_seen).first->second;
  if (options_.absolute_times) {
    line_.append(format_utc(ts));
  } else {
    append(line_, "{:.4f} ({:.4f})", (ts - conn.first_seen).seconds(), (ts - last).seconds());
  }
  last = ts;
}

void TextPrinter::append_line_prefix(const Connection& conn, uint64_t record_number, Timestamp ts, Direction dir) {
  if (record_number == 0) {
    append(line_, "{:<3} {:<4} ", conn.id, "");
  } else {
    append(line_, "{:<3} {:<4} ", conn.id, record_number);
  }
  append_time_column(conn, ts);
  append(line_, "  {}  ", arrow(dir));
}

void TextPrinter::gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  close_record();
  line_.clear();
  append_line_prefix(conn, 0, at.ts, dir);  // aligned with records and notes, record column blank
  append(line_, "TCP gap: {} bytes missing from the capture\n", missing_bytes);
  write_line_buffer();
}

void TextPrinter::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  close_record();
  line_.clear();
  append_line_prefix(conn, record.number, record.at.ts, record.dir);
  // A decrypted record is shown as what it carries (TLS 1.3 hides the real type inside).
  const uint8_t shown_type = record.decrypted ? record.inner_content_type : record.content_type;
  append_record_type(line_, shown_type);
  if (record.sslv2) line_.append(std::string_view(" (SSLv2)"));
  if (record.decrypted) {
    line_.append(std::string_view(" (decrypted)"));
  } else if (record.encrypted && !record.decrypt_error.empty()) {
    append(line_, " (encrypted; decryption failed: {})", record.decrypt_error);
  } else if (record.encrypted) {
    line_.append(std::string_view(" (encrypted)"));
  }
  // Application data and encrypted records show nothing else, so their size is the news.
  if (shown_type == tls::content_type::application_data || (record.encrypted && !record.decrypted) ||
      options_.all_fields) {
    line_.append(std::string_view("  "));
    append_byte_count(line_, record.decrypted ? record.plaintext.size() : record.fragment.size());
  }
  // The version on the wire, which from TLS 1.3 on is not the negotiated one.
  if (options_.all_fields) {
    line_.append(std::string_view("  version "));
    append_code(line_, record.version, tls::version_name(record.version), record.sslv2 ? 0 : 4);
  }
  if (options_.quiet) {
    quiet_line_open_ = true;
    quiet_names_appended_ = 0;
  } else {
    line_.push_back('\n');
  }
  if (options_.show_data && record.decrypted && shown_type == tls::content_type::application_data &&
      !options_.quiet) {
    append_data(line_, record.plaintext, options_.hex_data);
  }
  write_line_buffer();
  if (options_.hex) {
    record_bytes_.assign(record.header.begin(), record.header.end());
    record_bytes_.insert(record_bytes_.end(), record.fragment.begin(), record.fragment.end());
    dump_pending_ = true;
  }
}

void TextPrinter::tls_message(const Connection& /*conn*/, const tls::RecordEvent& /*record*/,
                              const tls::MessageEvent& message) {
  line_.clear();
  if (options_.quiet) {
    append_quiet_message(message);
  } else {
    append_message(message);
  }
  write_line_buffer();
}

void TextPrinter::audit_chain(const Connection& /*conn*/, const audit::ChainEvent& chain) {
  // With -q the record's line is still open (more message names may join it): the audit
  // lines follow it once it ends.
  fmt::memory_buffer& out = options_.quiet ? audit_pending_ : line_;
  if (!options_.quiet) line_.clear();
  append_chain_line(out, chain, kMessageIndent);
  if (!options_.quiet) write_line_buffer();
}

void TextPrinter::audit_finding(const Connection& conn, const audit::FindingEvent& finding) {
  if (finding.record_number == 0) {
    // Judged at the connection's end: it goes with the summary.
    close_record();
    line_.clear();
    append_line_prefix(conn, 0, finding.ts.ns != 0 ? finding.ts : conn.last_seen, finding.dir);
    line_.append(std::string_view("audit\n"));
    append_finding_lines(line_, finding.finding, !options_.quiet, kMessageIndent);
    write_line_buffer();
    return;
  }
  fmt::memory_buffer& out = options_.quiet ? audit_pending_ : line_;
  if (!options_.quiet) line_.clear();
  append_finding_lines(out, finding.finding, !options_.quiet, kMessageIndent);
  if (!options_.quiet) write_line_buffer();
}

void TextPrinter::append_quiet_message(const tls::MessageEvent& message) {
  const Bytes bytes = message.bytes;
  const char* separator = quiet_names_appended_ == 0 ? "  " : ", ";
  switch (message.content_type) {
    case tls::content_type::change_cipher_spec:
      break;  // the record type says it all
    case tls::content_type::alert: {
      line_.append(std::string_view(separator));
      if (bytes.size() >= 2) {
        append_name_or_number(line_, tls::alert_level_name(bytes[0]), "level", bytes[0]);
        line_.push_back(' ');
        append_name_or_number(line_, tls::alert_description_name(bytes[1]), "alert", bytes[1]);
      } else {
        line_.append(std::string_view("alert"));
      }
      ++quiet_names_appended_;
      break;
    }
    case tls::content_type::heartbeat: {
      line_.append(std::string_view(separator));
      const std::string_view type = bytes.empty() ? "" : tls::heartbeat_message_type_name(bytes[0]);
      line_.append(type.empty() ? std::string_view("heartbeat") : type);
      ++quiet_names_appended_;
      break;
    }
    default:
      line_.append(std::string_view(separator));
      append_message_name(line_, message);
      ++quiet_names_appended_;
      break;
  }
  if (message.problem != nullptr) append_problem_suffix(line_, *message.problem);
  // Whatever was appended needs the line's newline, even without a record line to join
  // (a message always follows its record; this is only a safeguard).
  quiet_line_open_ = true;
}

void TextPrinter::append_message(const tls::MessageEvent& message) {
  if (message.content_type != tls::content_type::change_cipher_spec) {
    line_.append(kMessageIndent);
    append_message_name(line_, message);
    line_.push_back('\n');
    if (const Field* root = message.fields) {
      // The root is the message itself (a group keyed by its name): its children are the
      // message's fields.
      if (root->kind == FieldKind::group) {
        for (const Field& child : root->children) append_field(child, kFieldIndent, false);
      } else {
        append_field(*root, kFieldIndent, false);
      }
    }
  }
  if (const tls::DecodeProblem* problem = message.problem) {
    append_spaces(line_, kFieldIndent);
    line_.append(std::string_view("malformed: "));
    append_printable(line_, problem->reason);
    append(line_, " (offset {})\n", problem->offset);
  }
}

bool TextPrinter::shown(const Field& field) const {
  switch (field.show) {
    case tls::Show::always:
      return true;
    case tls::Show::with_cert_details:
      return options_.cert_details || options_.all_fields;
    case tls::Show::with_all:
      return options_.all_fields;
  }
  return true;
}

void TextPrinter::append_field(const Field& field, int indent, bool in_list) {
  if (!shown(field)) return;
  const bool container = field.kind == FieldKind::group || field.kind == FieldKind::list;
  // An unnamed group in a list (a list of structures) has no line of its own.
  if (field.kind == FieldKind::group && in_list && field.key.empty()) {
    for (const Field& child : field.children) append_field(child, indent, false);
    return;
  }
  append_spaces(line_, indent);
  // List items are values (their keys are ignored), except containers, which need a heading.
  const bool labelled = !in_list || container;
  if (labelled) {
    append_key(line_, field.key);
    if (!container) line_.push_back(' ');
  }
  switch (field.kind) {
    case FieldKind::group: {
      // A structure in a list is usually identified by a leading code (an extension's type,
      // a key share's group): it goes on the heading line, "extension server_name (0x0000)".
      const Field* identity = nullptr;
      if (in_list && !field.children.empty() && field.children.front().kind == FieldKind::code &&
          shown(field.children.front()))
        identity = &field.children.front();
      if (identity != nullptr) {
        line_.push_back(' ');
        append_code(line_, identity->number, identity->text, code_digits(*identity));
      }
      line_.push_back('\n');
      for (const Field& child : field.children)
        if (&child != identity) append_field(child, indent + 2, false);
      return;
    }
    case FieldKind::list:
      if (field.children.empty()) {
        line_.append(std::string_view(" (empty)\n"));
        return;
      }
      line_.push_back('\n');
      for (const Field& child : field.children) append_field(child, indent + 2, true);
      return;
    case FieldKind::uint:
      append(line_, "{}\n", field.number);
      return;
    case FieldKind::text:
      if (field.text.empty()) {
        line_.append(std::string_view("\"\""));
      } else {
        append_printable(line_, field.text);
      }
      line_.push_back('\n');
      return;
    case FieldKind::code:
      append_code(line_, field.number, field.text, code_digits(field));
      line_.push_back('\n');
      return;
    case FieldKind::boolean:
      line_.append(field.number != 0 ? std::string_view("yes\n") : std::string_view("no\n"));
      return;
    case FieldKind::bytes: {
      line_.push_back('[');
      append_byte_count(line_, field.bytes.size());
      line_.append(std::string_view("]\n"));
      // Short values (randoms, session ids, key shares of classic curves) are worth seeing;
      // long ones (certificates, signatures, PQ key shares) only when everything is asked for.
      constexpr size_t kShortBytes = 32;
      if (!field.bytes.empty() && (field.bytes.size() <= kShortBytes || options_.all_fields)) {
        append_hex_rows(line_, field.bytes, static_cast<size_t>(indent) + 2);
      }
      return;
    }
  }
}

void TextPrinter::tls_note(const Connection& conn, const tls::NoteEvent& note) {
  close_record();
  line_.clear();
  append_line_prefix(conn, 0, note.at.ts, note.dir);
  append_printable(line_, note.text);
  line_.push_back('\n');
  write_line_buffer();
}

void TextPrinter::tls_summary(const Connection& /*conn*/, const tls::SessionSummary& summary) {
  using tls::HandshakeOutcome;
  close_record();
  // The notes already said why a connection that is not TLS was left alone.
  if (summary.outcome == HandshakeOutcome::not_tls) return;
  ++tls_connections_;
  if (summary.decryption_attempted && summary.decrypted_records[0] + summary.decrypted_records[1] > 0)
    ++decrypted_connections_;
  const tls::TlsFacts* facts = summary.facts;
  line_.clear();

  // The headline: what was negotiated and how it ended, so one grep gives every connection.
  line_.append(std::string_view("  TLS summary: "));
  if (facts != nullptr && facts->server_hello_seen) {
    append_version_name(line_, facts->negotiated_version);
    line_.append(std::string_view(", "));
    append_name_or_hex(line_, facts->cipher_suite, tls::cipher_suite_name(facts->cipher_suite), 4);
    line_.append(summary.resumed ? std::string_view(", resumed handshake, ") : std::string_view(", full handshake, "));
  } else if (facts != nullptr && facts->client_hello_seen) {
    line_.append(std::string_view("no ServerHello, "));
  }
  line_.append(outcome_phrase(summary.outcome));
  if (summary.outcome == HandshakeOutcome::alert && summary.fatal_alert_seen) {
    line_.push_back(' ');
    append_name_or_number(line_, tls::alert_description_name(summary.fatal_alert), "alert", summary.fatal_alert);
  }
  line_.push_back('\n');

  if (facts != nullptr) {
    if (facts->client_hello_seen) {
      append_summary_label(line_, "SNI");
      append_printable(line_, facts->sni.empty() ? std::string_view("(none)") : std::string_view(facts->sni));
      line_.push_back('\n');
    }
    if (!facts->alpn_offered.empty() || !facts->alpn.empty()) {
      append_summary_label(line_, "ALPN");
      if (!facts->alpn_offered.empty()) {
        line_.append(std::string_view("offered "));
        for (size_t i = 0; i < facts->alpn_offered.size(); ++i) {
          if (i != 0) line_.append(std::string_view(", "));
          append_printable(line_, facts->alpn_offered[i]);
        }
      }
      if (!facts->alpn.empty()) {
        line_.append(facts->alpn_offered.empty() ? std::string_view("selected ") : std::string_view("; selected "));
        append_printable(line_, facts->alpn);
      } else if (facts->tls13() && !facts->finished_server) {
        // TLS 1.3 selects in EncryptedExtensions, which was not decrypted.
        line_.append(std::string_view("; selection encrypted"));
      } else if (facts->server_hello_seen) {
        line_.append(std::string_view("; none selected"));
      }
      line_.push_back('\n');
    }
    if (facts->client_hello_seen) {
      append_summary_label(line_, "versions offered");
      if (facts->client_supported_versions.empty()) {
        append_version_name(line_, facts->client_legacy_version);
      } else {
        for (size_t i = 0; i < facts->client_supported_versions.size(); ++i) {
          if (i != 0) line_.append(std::string_view(", "));
          append_version_name(line_, facts->client_supported_versions[i]);
        }
      }
      if (facts->sslv2_client_hello) line_.append(std::string_view(" (SSLv2-compatible ClientHello)"));
      line_.push_back('\n');
    }
    if (facts->server_hello_seen) {
      const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(facts->cipher_suite);
      if (facts->key_exchange_group != 0) {
        append_summary_label(line_, "key exchange");
        append_name_or_hex(line_, facts->key_exchange_group, tls::group_name(facts->key_exchange_group), 4);
        line_.push_back('\n');
      } else if (facts->dhe_prime_bits != 0) {
        append_summary_label(line_, "key exchange");
        append(line_, "DHE, {}-bit prime\n", facts->dhe_prime_bits);
      } else if (suite != nullptr && suite->kx != tls::KeyExchange::TLS13) {
        append_summary_label(line_, "key exchange");
        append(line_, "{}\n", tls::to_string(suite->kx));
      }
    }
    if (facts->hello_retry_request) {
      append_summary_label(line_, "HelloRetryRequest");
      if (facts->hrr_selected_group != 0) {
        line_.append(std::string_view("group "));
        append_name_or_hex(line_, facts->hrr_selected_group, tls::group_name(facts->hrr_selected_group), 4);
      } else {
        line_.append(std::string_view("yes"));
      }
      line_.push_back('\n');
    }
    if (!facts->server_chain.empty()) {
      append_summary_label(line_, "server chain");
      append(line_, "{} certificate{}", facts->server_chain.size(), facts->server_chain.size() == 1 ? "" : "s");
      if (summary.audit != nullptr && summary.audit->server_chain)
        append(line_, ", {}", chain_verdict(*summary.audit->server_chain));
      line_.push_back('\n');
      if (summary.audit != nullptr && summary.audit->server_chain && summary.audit->server_chain->hostname.checked) {
        append_summary_label(line_, "server name");
        append(line_, "{}\n", hostname_verdict(summary.audit->server_chain->hostname));
      }
    }
    if (!facts->client_chain.empty()) {
      append_summary_label(line_, "client certificate");
      append(line_, "sent ({} certificate{})", facts->client_chain.size(),
             facts->client_chain.size() == 1 ? "" : "s");
      if (summary.audit != nullptr && summary.audit->client_chain)
        append(line_, ", {}", chain_verdict(*summary.audit->client_chain));
      line_.push_back('\n');
    } else if (facts->client_certificate_empty) {
      append_summary_label(line_, "client certificate");
      line_.append(std::string_view("requested, none sent\n"));
    } else if (facts->certificate_request_seen) {
      append_summary_label(line_, "client certificate");
      line_.append(std::string_view("requested\n"));
    }
  }
  const int c2s = index_of(Direction::client_to_server);
  const int s2c = index_of(Direction::server_to_client);
  if (summary.decryption_attempted) {
    append_summary_label(line_, "decryption");
    const uint64_t decrypted = summary.decrypted_records[c2s] + summary.decrypted_records[s2c];
    const uint64_t undecryptable = summary.undecryptable_records[c2s] + summary.undecryptable_records[s2c];
    if (decrypted == 0 && undecryptable == 0) {
      line_.append(std::string_view("nothing encrypted\n"));
    } else {
      append(line_, "C>S {}/{} records, S>C {}/{} records decrypted", summary.decrypted_records[c2s],
             summary.decrypted_records[c2s] + summary.undecryptable_records[c2s], summary.decrypted_records[s2c],
             summary.decrypted_records[s2c] + summary.undecryptable_records[s2c]);
      if (!summary.missing_keys.empty()) {
        line_.append(std::string_view("; "));
        append_printable(line_, summary.missing_keys);
      }
      line_.push_back('\n');
    }
  }
  append_summary_label(line_, "records");
  append(line_, "C>S {}, S>C {}; application data C>S {} bytes, S>C {} bytes\n", summary.records[c2s],
         summary.records[s2c], summary.application_data_bytes[c2s], summary.application_data_bytes[s2c]);
  if (summary.audit != nullptr) {
    append_summary_label(line_, "audit");
    append(line_, "{}", findings_digest(*summary.audit));
    if (facts != nullptr && facts->tls13() && !summary.audit->server_chain && !facts->finished_server)
      line_.append(std::string_view("; the certificates are encrypted (TLS 1.3): give the key log to audit them"));
    line_.push_back('\n');
  }
  write_line_buffer();
}

void TextPrinter::connection_ended(const Connection& conn) {
  close_record();
  const DirectionStats& c2s = conn.stats_of(Direction::client_to_server);
  const DirectionStats& s2c = conn.stats_of(Direction::server_to_client);
  // Only what deserves attention is added: data missing from the capture, and retransmitted
  // bytes that differ from the first copy (an inconsistent retransmission or an injection).
  std::string notes;
  if (c2s.gaps + s2c.gaps > 0) {
    notes += fmt::format(", {} gap(s), {} bytes missing", c2s.gaps + s2c.gaps, c2s.gap_bytes + s2c.gap_bytes);
  }
  if (c2s.overlap_conflicts + s2c.overlap_conflicts > 0) {
    notes += fmt::format(", {} retransmitted bytes differ from the first copy (kept)",
                         c2s.overlap_conflicts + s2c.overlap_conflicts);
  }
  out_.print("Connection #{} ended ({}){} after {:.4f} s: C>S {} bytes, S>C {} bytes{}\n", conn.id,
             to_string(conn.end_reason), options_.absolute_times ? " at " + format_utc(conn.last_seen) : std::string(),
             (conn.last_seen - conn.first_seen).seconds(), c2s.delivered_bytes, s2c.delivered_bytes, notes);
  last_line_ts_.erase(conn.id);
}

void TextPrinter::finished(const AnalysisSummary& /*summary*/) {
  close_record();
}

}  // namespace tlslens
