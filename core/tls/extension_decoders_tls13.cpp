// Decoders of the TLS 1.3 extensions (RFC 8446 4.2) and of Encrypted Client Hello
// (draft-ietf-tls-esni-18 and later). Several have one form per message: the ClientHello
// offers, the ServerHello selects, a HelloRetryRequest asks again.
#include <fmt/format.h>

#include "core/tls/extension_decoders.h"
#include "core/tls/registry.h"

namespace tlslens::tls::hello_internal {
namespace {

// ---- names of the ECH registries (ECHClientHelloType, HPKE KDF and AEAD identifiers)

// Name tables, one entry a line.
// clang-format off
std::string_view ech_client_hello_type_name(uint8_t code) {
  switch (code) {
    case 0: return "outer";
    case 1: return "inner";
    default: return "";
  }
}

std::string_view hpke_kdf_name(uint16_t code) {  // RFC 9180 7.2
  switch (code) {
    case 0x0001: return "HKDF-SHA256";
    case 0x0002: return "HKDF-SHA384";
    case 0x0003: return "HKDF-SHA512";
    default: return "";
  }
}

std::string_view hpke_aead_name(uint16_t code) {  // RFC 9180 7.3
  switch (code) {
    case 0x0001: return "AES-128-GCM";
    case 0x0002: return "AES-256-GCM";
    case 0x0003: return "ChaCha20Poly1305";
    case 0xFFFF: return "Export-only";
    default: return "";
  }
}
// clang-format on

std::string_view ech_config_version_name(uint16_t code) {
  return code == 0xFE0D ? "ECH (draft-ietf-tls-esni-13 and later)" : "";
}

// KeyShareEntry: NamedGroup group; opaque key_exchange<1..2^16-1>.
bool read_key_share_entry(Reader& in, Decoding& d, Field& entry, uint16_t& group) {
  if (!read_code16(in, d, entry, "group", group_name, group)) return false;
  std::optional<Reader> key = read_vector(
      in, d, entry, {.what = "key_exchange", .length_key = "key_exchange_length", .min = 1, .show_length = true});
  if (!key) return false;
  if (!key->empty()) read_rest_as_bytes(*key, d, entry, "key_exchange");
  return true;
}

// OfferedPsks (RFC 8446 4.2.11): PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>.
void decode_offered_psks(Reader& data, ExtensionContext& e) {
  std::optional<Reader> identities =
      read_vector(data, e.d, e.out, {.what = "identities", .length_key = "identities_length", .min = 7});
  if (!identities) return;
  Field& identity_list = e.out.add_list("identities").at(e.d.offset(*identities), identities->remaining());
  int identity_count = 0;
  while (!identities->empty()) {
    Field& identity = identity_list.add_group("psk_identity");
    size_t start = e.d.offset(*identities);
    std::optional<Reader> label =
        read_vector(*identities, e.d, identity, {.what = "identity", .length_key = "identity_length", .min = 1});
    if (!label) break;
    if (!label->empty()) read_rest_as_bytes(*label, e.d, identity, "identity");
    uint32_t age;
    if (!read_uint32(*identities, e.d, identity, "obfuscated_ticket_age", age)) break;
    identity.at(start, e.d.offset(*identities) - start);
    ++identity_count;
  }
  e.facts().client_psk_identities = identity_count;

  std::optional<Reader> binders =
      read_vector(data, e.d, e.out, {.what = "binders", .length_key = "binders_length", .min = 33});
  if (!binders) return;
  Field& binder_list = e.out.add_list("binders").at(e.d.offset(*binders), binders->remaining()).set_detail();
  int binder_count = 0;
  while (!binders->empty()) {
    size_t start = e.d.offset(*binders);
    std::optional<Reader> binder = read_vector(*binders, e.d, binder_list, {.what = "binder", .prefix = 1, .min = 32});
    if (!binder) break;
    binder_list.add_bytes("binder", binder->rest()).at(start, 1 + binder->remaining()).set_detail();
    ++binder_count;
  }
  if (binder_count != identity_count)
    e.d.fail(data, fmt::format("pre_shared_key has {} identities but {} binders", identity_count, binder_count));
}

// ECHConfigList retry_configs (ECHConfig: uint16 version; uint16 length; contents).
void decode_ech_retry_configs(Reader& data, ExtensionContext& e) {
  std::optional<Reader> configs = read_vector(
      data, e.d, e.out, {.what = "retry_configs", .length_key = "retry_configs_length", .min = 4, .show_length = true});
  if (!configs) return;
  Field& list = e.out.add_list("retry_configs").at(e.d.offset(*configs), configs->remaining());
  while (!configs->empty()) {
    Field& config = list.add_group("ech_config");
    size_t start = e.d.offset(*configs);
    uint16_t version;
    if (!read_code16(*configs, e.d, config, "version", ech_config_version_name, version)) return;
    std::optional<Reader> contents = read_vector(*configs, e.d, config, {.what = "ECHConfig", .length_key = "length"});
    if (!contents) return;
    if (!contents->empty()) read_rest_as_bytes(*contents, e.d, config, "contents");
    config.at(start, e.d.offset(*configs) - start);
  }
}

}  // namespace

// RFC 8446 4.2.1: the client's ProtocolVersion versions<2..254>; the server's selected_version.
void decode_supported_versions(Reader& data, ExtensionContext& e) {
  uint16_t version;
  if (e.in_server_hello() || e.in_hello_retry_request()) {
    if (read_code16(data, e.d, e.out, "selected_version", version_name, version))
      e.facts().negotiated_version = version;
    return;
  }
  std::optional<Reader> versions =
      read_vector(data, e.d, e.out,
                  {.what = "versions", .length_key = "versions_length", .prefix = 1, .min = 2, .max = 254, .unit = 2});
  if (!versions) return;
  Field& list = e.out.add_list("versions").at(e.d.offset(*versions), versions->remaining());
  std::vector<uint16_t>* offered = e.in_client_hello() ? &e.facts().client_supported_versions : nullptr;
  if (offered != nullptr) offered->clear();
  read_code16_items(*versions, e.d, list, "version", version_name, offered);
}

// RFC 8446 4.2.8: the client's KeyShareEntry client_shares<0..2^16-1>; the server's one
// server_share; the HelloRetryRequest's selected_group, the group the client must retry with.
void decode_key_share(Reader& data, ExtensionContext& e) {
  uint16_t group = 0;
  if (e.in_hello_retry_request()) {
    if (read_code16(data, e.d, e.out, "selected_group", group_name, group)) e.facts().hrr_selected_group = group;
    return;
  }
  if (e.in_server_hello()) {
    if (read_key_share_entry(data, e.d, e.out, group)) e.facts().key_exchange_group = group;
    return;
  }
  if (!e.in_client_hello()) {
    decode_opaque_extension(data, e);
    return;
  }
  std::optional<Reader> shares =
      read_vector(data, e.d, e.out, {.what = "client_shares", .length_key = "client_shares_length"});
  if (!shares) return;
  Field& list = e.out.add_list("client_shares").at(e.d.offset(*shares), shares->remaining());
  e.facts().client_key_share_groups.clear();
  while (!shares->empty()) {
    Field& entry = list.add_group("key_share_entry");
    size_t start = e.d.offset(*shares);
    if (!read_key_share_entry(*shares, e.d, entry, group)) return;
    entry.at(start, e.d.offset(*shares) - start);
    if (!is_grease(group)) e.facts().client_key_share_groups.push_back(group);
  }
}

// RFC 8446 4.2.9: PskKeyExchangeMode ke_modes<1..255>.
void decode_psk_key_exchange_modes(Reader& data, ExtensionContext& e) {
  std::optional<Reader> modes =
      read_vector(data, e.d, e.out, {.what = "ke_modes", .length_key = "ke_modes_length", .prefix = 1, .min = 1});
  if (!modes) return;
  Field& list = e.out.add_list("ke_modes").at(e.d.offset(*modes), modes->remaining());
  read_code8_items(*modes, e.d, list, "ke_mode", psk_key_exchange_mode_name);
}

// RFC 8446 4.2.11: the client's OfferedPsks; the server's selected_identity (an index into
// the client's identities).
void decode_pre_shared_key(Reader& data, ExtensionContext& e) {
  if (e.in_server_hello()) {
    uint16_t selected;
    if (read_uint16(data, e.d, e.out, "selected_identity", selected)) e.facts().psk_selected_identity = selected;
    return;
  }
  if (e.in_client_hello())
    decode_offered_psks(data, e);
  else
    decode_opaque_extension(data, e);
}

// RFC 8446 4.2.10: empty in the ClientHello (early data follows) and in EncryptedExtensions
// (the server accepted it); in a NewSessionTicket, the most early data the ticket allows. The
// draft extension ticket_early_data_info carried the same number in the same place.
void decode_early_data(Reader& data, ExtensionContext& e) {
  if (e.in_new_session_ticket()) {
    uint32_t size;
    read_uint32(data, e.d, e.out, "max_early_data_size", size);
    return;
  }
  if (e.type != extension_type::early_data) {
    decode_opaque_extension(data, e);
    return;
  }
  if (e.in_encrypted_extensions() && data.empty()) e.facts().early_data_accepted = true;
  decode_empty_extension(data, e);
}

// RFC 8446 4.2.2: opaque cookie<1..2^16-1>, sent by the server in a HelloRetryRequest and
// echoed by the client.
void decode_cookie(Reader& data, ExtensionContext& e) {
  std::optional<Reader> cookie =
      read_vector(data, e.d, e.out, {.what = "cookie", .length_key = "cookie_length", .min = 1, .show_length = true});
  if (cookie && !cookie->empty()) read_rest_as_bytes(*cookie, e.d, e.out, "cookie");
}

// ECH: the ClientHello's ECHClientHello (outer: the HPKE suite, config id, encapsulated key
// and encrypted inner hello; inner: only the type), the server's retry_configs in
// EncryptedExtensions, and the 8-byte accept confirmation in a HelloRetryRequest.
void decode_encrypted_client_hello(Reader& data, ExtensionContext& e) {
  if (e.in_encrypted_extensions()) {
    decode_ech_retry_configs(data, e);
    return;
  }
  if (e.in_hello_retry_request()) {
    Bytes confirmation;
    read_bytes(data, e.d, e.out, "accept_confirmation", 8, confirmation);
    return;
  }
  if (!e.in_client_hello()) {
    decode_opaque_extension(data, e);
    return;
  }
  uint8_t type;
  if (!read_code8(data, e.d, e.out, "client_hello_type", ech_client_hello_type_name, type) || type != 0) return;
  uint16_t kdf;
  uint16_t aead;
  uint8_t config_id;
  if (!read_code16(data, e.d, e.out, "kdf_id", hpke_kdf_name, kdf) ||
      !read_code16(data, e.d, e.out, "aead_id", hpke_aead_name, aead) ||
      !read_uint8(data, e.d, e.out, "config_id", config_id))
    return;
  std::optional<Reader> enc =
      read_vector(data, e.d, e.out, {.what = "enc", .length_key = "enc_length", .show_length = true});
  if (!enc) return;
  if (!enc->empty()) read_rest_as_bytes(*enc, e.d, e.out, "enc");
  std::optional<Reader> payload =
      read_vector(data, e.d, e.out, {.what = "payload", .length_key = "payload_length", .min = 1, .show_length = true});
  if (payload && !payload->empty()) read_rest_as_bytes(*payload, e.d, e.out, "payload");
}

// ECH 5.1: ExtensionType outer_extensions<2..254>, in a ClientHelloInner: the extensions
// copied from the outer hello.
void decode_ech_outer_extensions(Reader& data, ExtensionContext& e) {
  std::optional<Reader> types = read_vector(data, e.d, e.out,
                                            {.what = "outer_extensions",
                                             .length_key = "outer_extensions_length",
                                             .prefix = 1,
                                             .min = 2,
                                             .max = 254,
                                             .unit = 2});
  if (!types) return;
  Field& list = e.out.add_list("outer_extensions").at(e.d.offset(*types), types->remaining());
  read_code16_items(*types, e.d, list, "extension_type", extension_name);
}

}  // namespace tlslens::tls::hello_internal
