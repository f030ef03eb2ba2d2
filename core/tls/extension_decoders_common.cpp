// Decoders of the extensions TLS had before 1.3 (most are still sent): server_name, groups,
// point formats, signature algorithms, ALPN and its relatives, padding, tickets,
// renegotiation, and the smaller ones. Sources: RFC 6066, 8422, 5246/8446, 5764, 6520,
// 7301, 7685, 5077, 5746, 8449, 8472, 5054, 7250, 9146, 9149; draft-agl-tls-nextprotoneg and
// draft-vvv-tls-alps for the unregistered NPN and ALPS.
#include <fmt/format.h>

#include <algorithm>

#include "core/tls/extension_decoders.h"
#include "core/tls/registry.h"

namespace tlslens::tls::hello_internal {
namespace {

// SRTP protection profiles (RFC 5764 4.1.2, RFC 7714 14.2).
// clang-format off
std::string_view srtp_profile_name(uint16_t code) {
  switch (code) {
    case 0x0001: return "SRTP_AES128_CM_HMAC_SHA1_80";
    case 0x0002: return "SRTP_AES128_CM_HMAC_SHA1_32";
    case 0x0005: return "SRTP_NULL_HMAC_SHA1_80";
    case 0x0006: return "SRTP_NULL_HMAC_SHA1_32";
    case 0x0007: return "SRTP_AEAD_AES_128_GCM";
    case 0x0008: return "SRTP_AEAD_AES_256_GCM";
    default: return "";
  }
}
// clang-format on

// Token Binding key parameters (RFC 8472 and the IANA registry).
// clang-format off
std::string_view token_binding_key_parameter_name(uint8_t code) {
  switch (code) {
    case 0: return "rsa2048_pkcs1.5";
    case 1: return "rsa2048_pss";
    case 2: return "ecdsap256";
    default: return "";
  }
}
// clang-format on

// Reads `items` as a list of 1-byte-length-prefixed protocol names (ALPN's ProtocolName) into
// `list` as text; the raw names go to `collected` when given.
void read_protocol_names(Reader& items, Decoding& d, Field& list, std::vector<std::string>* collected) {
  while (!items.empty()) {
    std::optional<Reader> name = read_vector(items, d, list, {.what = "protocol_name", .prefix = 1, .min = 1});
    if (!name) return;
    Bytes bytes = name->rest();
    list.add_text("protocol", escaped_text(bytes)).at(d.offset(*name), bytes.size());
    if (collected != nullptr) collected->emplace_back(bytes.begin(), bytes.end());
  }
}

}  // namespace

// Used by the ExtensionDecoder table for extensions that carry nothing (and for a few whose
// one form that carries something is decoded elsewhere).
void decode_empty_extension(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  e.d.fail(data, fmt::format("the {} extension should be empty but has {}", extension_label(e.type),
                             byte_count(data.remaining())));
  read_rest_as_bytes(data, e.d, e.out, "data");
}

void decode_opaque_extension(Reader& data, ExtensionContext& e) {
  if (!data.empty()) read_rest_as_bytes(data, e.d, e.out, "data");
}

// RFC 6066 3: a list of (name_type, name); the server acknowledges with an empty extension.
void decode_server_name(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  std::optional<Reader> names =
      read_vector(data, e.d, e.out, {.what = "server_name_list", .length_key = "server_name_list_length", .min = 1});
  if (!names) return;
  Field& list = e.out.add_list("server_name_list").at(e.d.offset(*names), names->remaining());
  while (!names->empty()) {
    Field& entry = list.add_group("server_name");
    size_t start = e.d.offset(*names);
    uint8_t name_type;
    if (!read_code8(*names, e.d, entry, "name_type", server_name_type_name, name_type)) return;
    std::optional<Reader> name =
        read_vector(*names, e.d, entry, {.what = "host_name", .length_key = "name_length", .min = 1});
    if (!name) return;
    entry.at(start, 3 + name->remaining());
    Bytes bytes = name->rest();
    size_t name_start = e.d.offset(*name);
    if (name_type == 0) {
      entry.add_text("host_name", escaped_text(bytes)).at(name_start, bytes.size());
      if (e.in_client_hello() && e.facts().sni.empty()) e.facts().sni.assign(bytes.begin(), bytes.end());
    } else {
      entry.add_bytes("name", bytes).at(name_start, bytes.size());
    }
  }
}

// RFC 6066 4: one byte, 1..4 for 2^9..2^12.
void decode_max_fragment_length(Reader& data, ExtensionContext& e) {
  uint8_t code;
  read_code8(data, e.d, e.out, "max_fragment_length", max_fragment_length_name, code);
}

// RFC 8422 5.1.1 / RFC 8446 4.2.7: NamedGroup named_group_list<2..2^16-1>. A TLS 1.3 server
// may send its own list in EncryptedExtensions; only the ClientHello's list is an offer.
void decode_supported_groups(Reader& data, ExtensionContext& e) {
  std::optional<Reader> groups = read_vector(
      data, e.d, e.out, {.what = "named_group_list", .length_key = "named_group_list_length", .min = 2, .unit = 2});
  if (!groups) return;
  Field& list = e.out.add_list("groups").at(e.d.offset(*groups), groups->remaining());
  std::vector<uint16_t>* offered = e.in_client_hello() ? &e.facts().offered_groups : nullptr;
  if (offered != nullptr) offered->clear();
  read_code16_items(*groups, e.d, list, "group", group_name, offered);
}

// RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>, in both hellos.
void decode_ec_point_formats(Reader& data, ExtensionContext& e) {
  std::optional<Reader> formats =
      read_vector(data, e.d, e.out,
                  {.what = "ec_point_format_list", .length_key = "ec_point_format_list_length", .prefix = 1, .min = 1});
  if (!formats) return;
  Field& list = e.out.add_list("ec_point_formats").at(e.d.offset(*formats), formats->remaining());
  read_code8_items(*formats, e.d, list, "ec_point_format", ec_point_format_name);
}

// RFC 8446 4.2.3 (and RFC 5246 7.4.1.4.1 for the TLS 1.2 hash/signature pairs):
// SignatureScheme supported_signature_algorithms<2..2^16-2>, for both signature_algorithms and
// signature_algorithms_cert.
void decode_signature_algorithms(Reader& data, ExtensionContext& e) {
  std::optional<Reader> schemes = read_vector(data, e.d, e.out,
                                              {.what = "supported_signature_algorithms",
                                               .length_key = "supported_signature_algorithms_length",
                                               .min = 2,
                                               .unit = 2});
  if (!schemes) return;
  Field& list = e.out.add_list("signature_algorithms").at(e.d.offset(*schemes), schemes->remaining());
  bool offer = e.in_client_hello() && e.type == extension_type::signature_algorithms;
  if (offer) e.facts().signature_algorithms.clear();
  read_signature_scheme_items(*schemes, e.d, list, offer ? &e.facts().signature_algorithms : nullptr);
}

// RFC 5764 4.1.1: SRTPProtectionProfile profiles<2..2^16-1>, opaque srtp_mki<0..255>.
void decode_use_srtp(Reader& data, ExtensionContext& e) {
  std::optional<Reader> profiles = read_vector(
      data, e.d, e.out, {.what = "srtp_protection_profiles", .length_key = "profiles_length", .min = 2, .unit = 2});
  if (!profiles) return;
  Field& list = e.out.add_list("protection_profiles").at(e.d.offset(*profiles), profiles->remaining());
  read_code16_items(*profiles, e.d, list, "profile", srtp_profile_name);
  std::optional<Reader> mki =
      read_vector(data, e.d, e.out, {.what = "srtp_mki", .length_key = "srtp_mki_length", .prefix = 1});
  if (mki && !mki->empty()) read_rest_as_bytes(*mki, e.d, e.out, "srtp_mki");
}

// RFC 6520 2: HeartbeatMode mode (peer_allowed_to_send or peer_not_allowed_to_send).
void decode_heartbeat(Reader& data, ExtensionContext& e) {
  uint8_t mode;
  read_code8(data, e.d, e.out, "mode", heartbeat_mode_name, mode);
}

// RFC 7301 3.1: ProtocolName protocol_name_list<2..2^16-1>; the server's list holds exactly
// the one protocol it selected.
void decode_alpn(Reader& data, ExtensionContext& e) {
  std::optional<Reader> names = read_vector(
      data, e.d, e.out, {.what = "protocol_name_list", .length_key = "protocol_name_list_length", .min = 2});
  if (!names) return;
  Field& list = e.out.add_list("protocols").at(e.d.offset(*names), names->remaining());
  if (e.in_client_hello()) {
    e.facts().alpn_offered.clear();
    read_protocol_names(*names, e.d, list, &e.facts().alpn_offered);
    return;
  }
  std::vector<std::string> selected;
  size_t start = e.d.offset(*names);
  read_protocol_names(*names, e.d, list, &selected);
  if (selected.size() != 1)
    e.d.fail_at(start, fmt::format("the server's protocol_name_list has {} names instead of one", selected.size()));
  if (!selected.empty() && (e.in_server_hello() || e.in_encrypted_extensions())) e.facts().alpn = selected.front();
}

// draft-agl-tls-nextprotoneg: empty in the ClientHello; the server lists its protocols as
// 1-byte-length-prefixed strings filling the extension (no outer length).
void decode_next_protocol_negotiation(Reader& data, ExtensionContext& e) {
  if (data.empty()) return;
  Field& list = e.out.add_list("protocols").at(e.d.offset(data), data.remaining());
  read_protocol_names(data, e.d, list, nullptr);
}

// draft-vvv-tls-alps: the client lists the ALPN protocols it has settings for (the form of
// ALPN's list); the server's EncryptedExtensions carries its settings, opaque to TLS.
void decode_application_settings(Reader& data, ExtensionContext& e) {
  if (e.in_encrypted_extensions()) {
    read_rest_as_bytes(data, e.d, e.out, "settings");
    return;
  }
  std::optional<Reader> names = read_vector(
      data, e.d, e.out, {.what = "supported_protocols", .length_key = "supported_protocols_length", .min = 2});
  if (!names) return;
  Field& list = e.out.add_list("protocols").at(e.d.offset(*names), names->remaining());
  read_protocol_names(*names, e.d, list, nullptr);
}

// RFC 7685: zero bytes that only make the ClientHello longer. Non-zero padding says something
// about the sender (the RFC requires zeros), so it is noted rather than hidden in the bytes.
void decode_padding(Reader& data, ExtensionContext& e) {
  size_t start = e.d.offset(data);
  Bytes padding = data.rest();
  read_rest_as_bytes(data, e.d, e.out, "padding");
  if (std::ranges::any_of(padding, [](uint8_t b) { return b != 0; }))
    e.out.add_bool("non_zero_padding", true).at(start, padding.size());
}

// RFC 5077 3.2: the ClientHello carries a ticket to resume with (or nothing, asking for one);
// the ServerHello's is empty.
void decode_session_ticket(Reader& data, ExtensionContext& e) {
  if (e.in_client_hello()) e.facts().client_ticket_nonempty = !data.empty();
  if (data.empty()) return;
  e.out.add_uint("ticket_length", data.remaining()).at(e.d.offset(data), data.remaining());
  read_rest_as_bytes(data, e.d, e.out, "ticket");
}

// RFC 5746 3.2: opaque renegotiated_connection<0..255>: empty on a first handshake, the
// Finished verify_data when renegotiating.
void decode_renegotiation_info(Reader& data, ExtensionContext& e) {
  std::optional<Reader> connection = read_vector(data, e.d, e.out,
                                                 {.what = "renegotiated_connection",
                                                  .length_key = "renegotiated_connection_length",
                                                  .prefix = 1,
                                                  .show_length = true});
  if (connection && !connection->empty()) read_rest_as_bytes(*connection, e.d, e.out, "renegotiated_connection");
}

// RFC 8449 4: uint16 RecordSizeLimit.
void decode_record_size_limit(Reader& data, ExtensionContext& e) {
  uint16_t limit;
  read_uint16(data, e.d, e.out, "record_size_limit", limit);
}

// RFC 8472 3 and 4: the Token Binding protocol version and the key parameters (the client's
// list, the server's one choice, in the same form).
void decode_token_binding(Reader& data, ExtensionContext& e) {
  size_t start = e.d.offset(data);
  uint8_t major = 0;
  uint8_t minor = 0;
  if (data.remaining() < 2) {
    e.d.fail(data, fmt::format("truncated token_binding_version: needs 2 bytes, {} left", data.remaining()));
    return;
  }
  data.u8(major);
  data.u8(minor);
  e.out.add_text("token_binding_version", fmt::format("{}.{}", major, minor)).at(start, 2);
  std::optional<Reader> parameters =
      read_vector(data, e.d, e.out,
                  {.what = "key_parameters_list", .length_key = "key_parameters_list_length", .prefix = 1, .min = 1});
  if (!parameters) return;
  Field& list = e.out.add_list("key_parameters").at(e.d.offset(*parameters), parameters->remaining());
  read_code8_items(*parameters, e.d, list, "key_parameter", token_binding_key_parameter_name);
}

// RFC 5054 2.8.1: opaque srp_I<1..2^8-1>, the user name.
void decode_srp(Reader& data, ExtensionContext& e) {
  std::optional<Reader> identity =
      read_vector(data, e.d, e.out, {.what = "srp_I", .length_key = "srp_identity_length", .prefix = 1, .min = 1});
  if (!identity) return;
  Bytes bytes = identity->rest();
  e.out.add_text("srp_identity", escaped_text(bytes)).at(e.d.offset(*identity), bytes.size());
  identity->skip(bytes.size());
}

// RFC 7250 3: the client lists certificate types it supports; the server names one.
void decode_certificate_type(Reader& data, ExtensionContext& e) {
  uint8_t type;
  if (!e.in_client_hello()) {
    read_code8(data, e.d, e.out, "certificate_type", certificate_type_name, type);
    return;
  }
  std::optional<Reader> types = read_vector(
      data, e.d, e.out, {.what = "certificate_types", .length_key = "certificate_types_length", .prefix = 1, .min = 1});
  if (!types) return;
  Field& list = e.out.add_list("certificate_types").at(e.d.offset(*types), types->remaining());
  read_code8_items(*types, e.d, list, "certificate_type", certificate_type_name);
}

// RFC 9146 3: opaque cid<0..2^8-1>, the connection ID the sender wants to receive.
void decode_connection_id(Reader& data, ExtensionContext& e) {
  std::optional<Reader> cid = read_vector(
      data, e.d, e.out, {.what = "cid", .length_key = "connection_id_length", .prefix = 1, .show_length = true});
  if (cid && !cid->empty()) read_rest_as_bytes(*cid, e.d, e.out, "connection_id");
}

// RFC 9149 3: the client asks for new_session_count tickets (resumption_count when
// resuming); the server's EncryptedExtensions says how many it expects to send.
void decode_ticket_request(Reader& data, ExtensionContext& e) {
  uint8_t count;
  if (e.in_encrypted_extensions()) {
    read_uint8(data, e.d, e.out, "expected_count", count);
    return;
  }
  if (read_uint8(data, e.d, e.out, "new_session_count", count)) read_uint8(data, e.d, e.out, "resumption_count", count);
}

}  // namespace tlslens::tls::hello_internal
