#include "core/output/json_printer.h"

#include "core/output/audit_json.h"

#include <algorithm>
#include <ctime>
#include <iterator>

#include "core/output/text_printer.h"
#include "core/tls/registry.h"

namespace tlslens {
namespace {

constexpr int kSchemaVersion = 1;

using tls::Field;
using tls::FieldKind;

// Direction names, both as "dir" values and as keys of per-direction objects.
constexpr std::string_view kClientToServer = "C>S";
constexpr std::string_view kServerToClient = "S>C";

std::string_view direction_name(Direction dir) {
  return dir == Direction::client_to_server ? kClientToServer : kServerToClient;
}

// {"code": n, "name": "..."}; the name is left out when the registry does not know the code.
void write_code(JsonWriter& json, uint64_t code, std::string_view name) {
  json.begin_object();
  json.member_uint("code", code);
  if (!name.empty()) json.member("name", name);
  json.end_object();
}

void write_version(JsonWriter& json, uint16_t version) {
  write_code(json, version, tls::version_name(version));
}

void write_endpoint(JsonWriter& json, const Endpoint& endpoint) {
  json.begin_object();
  json.member("ip", endpoint.addr.to_string());
  json.member_uint("port", endpoint.port);
  json.end_object();
}

void write_direction_stats(JsonWriter& json, const DirectionStats& s) {
  json.begin_object();
  json.member_uint("bytes", s.delivered_bytes);
  json.member_uint("segments", s.segments);
  json.member_uint("payload_bytes", s.payload_bytes);
  json.member_uint("retransmitted_bytes", s.retransmitted_bytes);
  json.member_uint("out_of_order_segments", s.out_of_order_segments);
  json.member_uint("overlap_conflict_bytes", s.overlap_conflicts);
  json.member_uint("gaps", s.gaps);
  json.member_uint("gap_bytes", s.gap_bytes);
  json.member_uint("snaplen_missing_bytes", s.snaplen_missing_bytes);
  json.member_bool("fin", s.fin_seen);
  json.member_bool("rst", s.rst_seen);
  json.end_object();
}

void write_per_direction(JsonWriter& json, std::string_view name, const uint64_t (&values)[2]) {
  json.key(name);
  json.begin_object();
  json.member_uint(kClientToServer, values[index_of(Direction::client_to_server)]);
  json.member_uint(kServerToClient, values[index_of(Direction::server_to_client)]);
  json.end_object();
}

// Certificates are groups carrying a "subject" (x509::describe_certificate); the search
// stops at each one, so a certificate's own subgroups are never taken for certificates.
void collect_certificates(const Field& field, std::vector<const Field*>& out) {
  if (field.kind == FieldKind::group && field.find("subject") != nullptr) {
    out.push_back(&field);
    return;
  }
  for (const Field& child : field.children) collect_certificates(child, out);
}

}  // namespace

void JsonPrinter::begin_line(std::string_view event) {
  line_.clear();
  json_.reset();
  json_.begin_object();
  json_.member_uint("schema", kSchemaVersion);
  json_.member("event", event);
}

void JsonPrinter::end_line() {
  json_.end_object();
  line_.push_back('\n');
  out_.write(std::string_view(line_.data(), line_.size()));
}

void JsonPrinter::write_time(Timestamp ts) {
  // "ts": ISO 8601 UTC with microseconds; "ts_epoch": the same instant as a number. Both
  // come from the integer nanoseconds, so neither passes through a double.
  const int64_t whole_seconds = ts.whole_seconds();
  const int64_t micros = (ts.ns - whole_seconds * 1'000'000'000) / 1000;
  const time_t as_time_t = static_cast<time_t>(whole_seconds);
  struct tm utc {};
  gmtime_r(&as_time_t, &utc);
  char text[48];
  const auto written =
      fmt::format_to_n(text, sizeof text, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  json_.member("ts", std::string_view(text, std::min(written.size, sizeof text)));
  json_.key("ts_epoch");
  json_.decimal(whole_seconds * 1'000'000 + micros, 6);
}

void JsonPrinter::write_where(const Connection& conn, const SegmentInfo& at, Direction dir) {
  json_.member_uint("connection", conn.id);
  write_time(at.ts);
  json_.member_uint("packet", at.packet_number);
  json_.member("dir", direction_name(dir));
}

void JsonPrinter::connection_started(const Connection& conn) {
  begin_line("connection_start");
  json_.member_uint("connection", conn.id);
  write_time(conn.first_seen);
  json_.member_uint("packet", conn.first_packet);
  json_.key("client");
  write_endpoint(json_, conn.client);
  json_.key("server");
  write_endpoint(json_, conn.server);
  json_.member_bool("handshake_seen", conn.handshake_seen);
  end_line();
}

void JsonPrinter::connection_ended(const Connection& conn) {
  begin_line("connection_end");
  json_.member_uint("connection", conn.id);
  write_time(conn.last_seen);
  json_.member("reason", to_string(conn.end_reason));
  json_.key("duration");
  json_.decimal((conn.last_seen - conn.first_seen).ns / 1000, 6);
  json_.key("stats");
  json_.begin_object();
  json_.key(kClientToServer);
  write_direction_stats(json_, conn.stats_of(Direction::client_to_server));
  json_.key(kServerToClient);
  write_direction_stats(json_, conn.stats_of(Direction::server_to_client));
  json_.end_object();
  end_line();
}

void JsonPrinter::gap(const Connection& conn, Direction dir, uint64_t missing_bytes, const SegmentInfo& at) {
  begin_line("gap");
  write_where(conn, at, dir);
  json_.member_uint("missing_bytes", missing_bytes);
  end_line();
}

void JsonPrinter::malformed_packet(uint64_t packet_number, Timestamp ts, const char* reason) {
  begin_line("malformed_packet");
  write_time(ts);
  json_.member_uint("packet", packet_number);
  json_.member("reason", reason != nullptr ? std::string_view(reason) : std::string_view());
  end_line();
}

void JsonPrinter::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  begin_line("record");
  write_where(conn, record.at, record.dir);
  json_.member_uint("number", record.number);
  json_.key("content_type");
  write_code(json_, record.content_type, tls::content_type_name(record.content_type));
  json_.key("version");
  write_version(json_, record.version);
  json_.member_uint("length", record.fragment.size());
  json_.member_bool("encrypted", record.encrypted);
  json_.member_bool("sslv2", record.sslv2);
  json_.member_uint("stream_offset", record.stream_offset);
  if (record.encrypted) {
    json_.member_bool("decrypted", record.decrypted);
    if (record.decrypted) {
      json_.key("inner_content_type");
      write_code(json_, record.inner_content_type, tls::content_type_name(record.inner_content_type));
      json_.member_uint("plaintext_length", record.plaintext.size());
    } else if (!record.decrypt_error.empty()) {
      json_.member("decrypt_error", record.decrypt_error);
    }
  }
  if (options_.hex) {
    json_.key("fragment_hex");
    json_.hex(record.fragment);
    if (record.decrypted) {
      json_.key("plaintext_hex");
      json_.hex(record.plaintext);
    }
  }
  if (options_.show_data && record.decrypted && record.inner_content_type == tls::content_type::application_data) {
    // The bytes as hex (exact), and the start as text for a reader (lossy: invalid UTF-8
    // becomes U+FFFD, controls are escaped). A preview may end inside a UTF-8 sequence.
    constexpr size_t kPreviewBytes = 256;
    json_.key("data_hex");
    json_.hex(record.plaintext);
    json_.member("data_preview", std::string_view(reinterpret_cast<const char*>(record.plaintext.data()),
                                                  std::min(record.plaintext.size(), kPreviewBytes)));
  }
  end_line();
}

void JsonPrinter::write_field_value(const Field& field) {
  switch (field.kind) {
    case FieldKind::group:
      write_fields_object(field);
      return;
    case FieldKind::list:
      json_.begin_array();
      for (const Field& child : field.children) write_field_value(child);
      json_.end_array();
      return;
    case FieldKind::uint:
      json_.uint(field.number);
      return;
    case FieldKind::text:
      json_.string(field.text);
      return;
    case FieldKind::bytes:
      json_.hex(field.bytes);
      return;
    case FieldKind::code:
      write_code(json_, field.number, field.text);
      return;
    case FieldKind::boolean:
      json_.boolean(field.number != 0);
      return;
  }
}

void JsonPrinter::write_fields_object(const Field& group) {
  json_.begin_object();
  for (const Field& child : group.children) {
    json_.key(child.key);
    write_field_value(child);
  }
  json_.end_object();
}

void JsonPrinter::tls_message(const Connection& conn, const tls::RecordEvent& record,
                              const tls::MessageEvent& message) {
  begin_line("message");
  write_where(conn, record.at, record.dir);
  json_.member_uint("record", record.number);
  json_.key("content_type");
  write_code(json_, message.content_type, tls::content_type_name(message.content_type));
  if (message.content_type == tls::content_type::handshake) {
    json_.key("handshake_type");
    write_code(json_, message.handshake_type, tls::handshake_type_name(message.handshake_type));
  }
  const std::string_view name = tls_message_display_name(message);
  json_.key("message");
  if (name.empty()) {
    json_.null();
  } else {
    json_.string(name);
  }
  json_.member_uint("length", message.bytes.size());
  if (options_.hex) {
    json_.key("message_hex");
    json_.hex(message.bytes);
  }
  json_.key("fields");
  if (message.fields == nullptr) {
    json_.null();
  } else if (message.fields->kind == FieldKind::group) {
    write_fields_object(*message.fields);
  } else {
    write_field_value(*message.fields);
  }
  if (const tls::DecodeProblem* problem = message.problem) {
    json_.key("problem");
    json_.begin_object();
    json_.member_uint("offset", problem->offset);
    json_.member("reason", problem->reason);
    json_.end_object();
  }
  end_line();
  write_certificates(conn, record, message);
}

void JsonPrinter::write_certificates(const Connection& conn, const tls::RecordEvent& record,
                                     const tls::MessageEvent& message) {
  if (message.content_type != tls::content_type::handshake || message.fields == nullptr) return;
  if (message.handshake_type != tls::handshake_type::certificate &&
      message.handshake_type != tls::handshake_type::compressed_certificate)
    return;
  certificates_.clear();
  collect_certificates(*message.fields, certificates_);
  for (size_t i = 0; i < certificates_.size(); ++i) {
    begin_line("certificate");
    write_where(conn, record.at, record.dir);
    json_.member_uint("record", record.number);
    json_.member_uint("index", i);
    json_.key("fields");
    write_fields_object(*certificates_[i]);
    end_line();
  }
}

void JsonPrinter::tls_note(const Connection& conn, const tls::NoteEvent& note) {
  begin_line("note");
  write_where(conn, note.at, note.dir);
  json_.member("kind", tls::to_string(note.kind));
  json_.member("text", note.text);
  json_.member_uint("stream_offset", note.stream_offset);
  end_line();
}

void JsonPrinter::tls_summary(const Connection& conn, const tls::SessionSummary& summary) {
  if (summary.outcome != tls::HandshakeOutcome::not_tls) {
    ++tls_connections_;
    if (summary.decryption_attempted && summary.decrypted_records[0] + summary.decrypted_records[1] > 0)
      ++decrypted_connections_;
  }
  begin_line("summary");
  json_.member_uint("connection", conn.id);
  write_time(conn.last_seen);
  json_.member("outcome", tls::to_string(summary.outcome));
  json_.member_bool("resumed", summary.resumed);
  json_.key("fatal_alert");
  if (summary.fatal_alert_seen) {
    write_code(json_, summary.fatal_alert, tls::alert_description_name(summary.fatal_alert));
  } else {
    json_.null();
  }
  write_per_direction(json_, "records", summary.records);
  json_.key("decryption");
  if (summary.decryption_attempted) {
    json_.begin_object();
    write_per_direction(json_, "decrypted_records", summary.decrypted_records);
    write_per_direction(json_, "undecryptable_records", summary.undecryptable_records);
    json_.key("missing_keys");
    if (summary.missing_keys.empty()) {
      json_.null();
    } else {
      json_.string(summary.missing_keys);
    }
    json_.end_object();
  } else {
    json_.null();
  }
  write_per_direction(json_, "application_data_bytes", summary.application_data_bytes);

  // The facts. Every key is present on every summary line (null, false or [] when the
  // handshake did not get that far), so consumers need no existence checks.
  static const tls::TlsFacts kNoFacts;
  const tls::TlsFacts& f = summary.facts != nullptr ? *summary.facts : kNoFacts;
  const auto optional_code = [&](std::string_view name, bool known, uint16_t code, std::string_view code_name) {
    json_.key(name);
    if (known) {
      write_code(json_, code, code_name);
    } else {
      json_.null();
    }
  };
  const auto optional_string = [&](std::string_view name, const std::string& value) {
    json_.key(name);
    if (value.empty()) {
      json_.null();
    } else {
      json_.string(value);
    }
  };
  const auto code_list = [&](std::string_view name, const std::vector<uint16_t>& codes, auto name_of) {
    json_.key(name);
    json_.begin_array();
    for (uint16_t code : codes) write_code(json_, code, name_of(code));
    json_.end_array();
  };

  json_.member_bool("client_hello", f.client_hello_seen);
  json_.member_bool("server_hello", f.server_hello_seen);
  optional_code("version", f.server_hello_seen, f.negotiated_version, tls::version_name(f.negotiated_version));
  optional_code("cipher_suite", f.server_hello_seen, f.cipher_suite, tls::cipher_suite_name(f.cipher_suite));
  optional_string("sni", f.sni);
  optional_string("alpn", f.alpn);
  json_.key("alpn_offered");
  json_.begin_array();
  for (const std::string& protocol : f.alpn_offered) json_.string(protocol);
  json_.end_array();
  optional_code("client_legacy_version", f.client_hello_seen, f.client_legacy_version,
                tls::version_name(f.client_legacy_version));
  // Versions offered: supported_versions, else the one legacy version the hello carried.
  json_.key("versions_offered");
  json_.begin_array();
  if (!f.client_supported_versions.empty()) {
    for (uint16_t v : f.client_supported_versions) write_version(json_, v);
  } else if (f.client_hello_seen) {
    write_version(json_, f.client_legacy_version);
  }
  json_.end_array();
  code_list("cipher_suites_offered", f.offered_cipher_suites, tls::cipher_suite_name);
  code_list("groups_offered", f.offered_groups, tls::group_name);
  code_list("key_share_groups", f.client_key_share_groups, tls::group_name);
  code_list("signature_algorithms_offered", f.signature_algorithms, tls::signature_scheme_name);
  optional_code("key_exchange_group", f.key_exchange_group != 0, f.key_exchange_group,
                tls::group_name(f.key_exchange_group));
  json_.key("dhe_prime_bits");
  if (f.dhe_prime_bits != 0) {
    json_.uint(f.dhe_prime_bits);
  } else {
    json_.null();
  }
  optional_code("server_signature_scheme", f.server_signature_scheme != 0, f.server_signature_scheme,
                tls::signature_scheme_name(f.server_signature_scheme));
  json_.member_bool("hello_retry_request", f.hello_retry_request);
  optional_code("hrr_group", f.hello_retry_request && f.hrr_selected_group != 0, f.hrr_selected_group,
                tls::group_name(f.hrr_selected_group));
  json_.member_uint("client_hello_count", static_cast<uint64_t>(f.client_hello_count));
  json_.member_bool("sslv2_client_hello", f.sslv2_client_hello);
  json_.key("psk_selected_identity");
  if (f.psk_selected_identity) {
    json_.uint(*f.psk_selected_identity);
  } else {
    json_.null();
  }
  json_.member_bool("early_data_accepted", f.early_data_accepted);
  json_.member_bool("extended_master_secret",
                    f.client_ext.extended_master_secret && f.server_ext.extended_master_secret);
  json_.member_bool("encrypt_then_mac", f.client_ext.encrypt_then_mac && f.server_ext.encrypt_then_mac);
  json_.member_bool("secure_renegotiation", f.client_ext.renegotiation_info && f.server_ext.renegotiation_info);
  json_.member_bool("ocsp_staple", f.ocsp_staple_seen);
  json_.member_bool("new_session_ticket", f.new_session_ticket_seen);
  json_.member_uint("server_certificates", f.server_chain.size());
  json_.member_bool("certificate_requested", f.certificate_request_seen);
  json_.key("client_certificate");
  if (!f.client_chain.empty()) {
    json_.string("sent");
  } else if (f.client_certificate_empty) {
    json_.string("empty");
  } else {
    json_.string("none");
  }
  json_.member_uint("client_certificates", f.client_chain.size());
  json_.member_bool("client_finished", f.finished_client);
  json_.member_bool("server_finished", f.finished_server);
  write_audit_summary(json_, summary.audit);
  end_line();
}

void JsonPrinter::audit_chain(const Connection& conn, const audit::ChainEvent& chain) {
  begin_line("chain");
  json_.member_uint("connection", conn.id);
  write_time(chain.ts);
  json_.member("dir", direction_name(chain.dir));
  json_.member_uint("record", chain.record_number);
  write_chain_members(json_, chain);
  end_line();
}

void JsonPrinter::audit_finding(const Connection& conn, const audit::FindingEvent& finding) {
  begin_line("finding");
  json_.member_uint("connection", conn.id);
  write_time(finding.ts.ns != 0 ? finding.ts : conn.last_seen);
  json_.member("dir", direction_name(finding.dir));
  json_.key("record");
  if (finding.record_number != 0) json_.uint(finding.record_number);
  else json_.null();
  write_finding_members(json_, finding.finding);
  end_line();
}

void JsonPrinter::finished(const AnalysisSummary& s) {
  begin_line("capture_end");
  json_.member_uint("packets", s.packets);
  json_.member_uint("tcp_segments", s.tcp_segments);
  json_.member_uint("not_tcp", s.not_tcp);
  json_.member_uint("malformed", s.malformed);
  json_.member_uint("unsupported_link", s.unsupported_link);
  json_.member_uint("cut_by_snaplen", s.cut_by_snaplen);
  json_.member_uint("connections", s.connections);
  json_.member_uint("peak_active_connections", s.peak_active_connections);
  json_.member_uint("evicted_by_cap", s.evicted_by_cap);
  json_.member_uint("ended_idle", s.ended_idle);
  json_.member_uint("forced_gaps", s.forced_gaps);
  json_.member_uint("forced_gap_bytes", s.forced_gap_bytes);
  json_.member_uint("gaps", s.gaps);
  json_.member_uint("gap_bytes", s.gap_bytes);
  json_.member_uint("retransmitted_bytes", s.retransmitted_bytes);
  json_.member_uint("out_of_order_segments", s.out_of_order_segments);
  json_.member_uint("overlap_conflict_bytes", s.overlap_conflict_bytes);
  json_.member_uint("ip_fragments", s.ip_fragments);
  json_.member_uint("ip_reassembled", s.ip_reassembled);
  json_.member_uint("ip_fragments_dropped", s.ip_fragments_dropped);
  if (options_.key_log_usage) {
    const KeyLogUsage usage = options_.key_log_usage();
    json_.key("decryption");
    json_.begin_object();
    json_.member_uint("tls_connections", tls_connections_);
    json_.member_uint("decrypted_connections", decrypted_connections_);
    json_.member_uint("key_log_entries", usage.entries);
    json_.member_uint("unused_key_log_entries", usage.unused);
    json_.end_object();
  }
  end_line();
}

}  // namespace tlslens
