// The TLS name tables other than cipher suites (those are in registry_cipher_suites.cpp).
//
// Sources of the facts: the IANA registries "TLS Supported Groups" (tls-parameters-8),
// "TLS SignatureScheme", "TLS ExtensionType Values", "TLS Alerts" (-6), "TLS HandshakeType"
// (-7), "TLS ContentType" (-5), and the smaller TLS/ExtensionType sub-registries, as of 2025;
// the RFCs and drafts named beside the entries that IANA does not list.
#include <algorithm>
#include <array>

#include "core/tls/registry.h"

namespace tlslens::tls {
namespace {

template <typename Table>
constexpr bool sorted_unique(const Table& t) {
  return std::ranges::adjacent_find(t, [](const auto& a, const auto& b) { return a.code >= b.code; }) == t.end();
}

template <typename Entry>
const Entry* find(std::span<const Entry> table, uint16_t code) {
  auto it = std::ranges::lower_bound(table, code, {}, &Entry::code);
  return it != table.end() && it->code == code ? &*it : nullptr;
}

constexpr std::string_view kGrease = "GREASE";

// ---- supported groups ------------------------------------------------------------------

// The tables are laid out by hand, one entry a line.
// clang-format off
using GK = GroupKind;
constexpr std::array kGroups = {
    GroupInfo{1, "sect163k1", GK::BinaryCurve, 163, false},
    GroupInfo{2, "sect163r1", GK::BinaryCurve, 163, false},
    GroupInfo{3, "sect163r2", GK::BinaryCurve, 163, false},
    GroupInfo{4, "sect193r1", GK::BinaryCurve, 193, false},
    GroupInfo{5, "sect193r2", GK::BinaryCurve, 193, false},
    GroupInfo{6, "sect233k1", GK::BinaryCurve, 233, false},
    GroupInfo{7, "sect233r1", GK::BinaryCurve, 233, false},
    GroupInfo{8, "sect239k1", GK::BinaryCurve, 239, false},
    GroupInfo{9, "sect283k1", GK::BinaryCurve, 283, false},
    GroupInfo{10, "sect283r1", GK::BinaryCurve, 283, false},
    GroupInfo{11, "sect409k1", GK::BinaryCurve, 409, false},
    GroupInfo{12, "sect409r1", GK::BinaryCurve, 409, false},
    GroupInfo{13, "sect571k1", GK::BinaryCurve, 571, false},
    GroupInfo{14, "sect571r1", GK::BinaryCurve, 571, false},
    GroupInfo{15, "secp160k1", GK::PrimeCurve, 160, false},
    GroupInfo{16, "secp160r1", GK::PrimeCurve, 160, false},
    GroupInfo{17, "secp160r2", GK::PrimeCurve, 160, false},
    GroupInfo{18, "secp192k1", GK::PrimeCurve, 192, false},
    GroupInfo{19, "secp192r1", GK::PrimeCurve, 192, false},
    GroupInfo{20, "secp224k1", GK::PrimeCurve, 224, false},
    GroupInfo{21, "secp224r1", GK::PrimeCurve, 224, false},
    GroupInfo{22, "secp256k1", GK::PrimeCurve, 256, false},
    GroupInfo{23, "secp256r1", GK::PrimeCurve, 256, false},
    GroupInfo{24, "secp384r1", GK::PrimeCurve, 384, false},
    GroupInfo{25, "secp521r1", GK::PrimeCurve, 521, false},
    GroupInfo{26, "brainpoolP256r1", GK::PrimeCurve, 256, false},  // RFC 7027 (TLS 1.2)
    GroupInfo{27, "brainpoolP384r1", GK::PrimeCurve, 384, false},
    GroupInfo{28, "brainpoolP512r1", GK::PrimeCurve, 512, false},
    GroupInfo{29, "x25519", GK::Montgomery, 255, false},
    GroupInfo{30, "x448", GK::Montgomery, 448, false},
    GroupInfo{31, "brainpoolP256r1tls13", GK::PrimeCurve, 256, false},  // RFC 8734
    GroupInfo{32, "brainpoolP384r1tls13", GK::PrimeCurve, 384, false},
    GroupInfo{33, "brainpoolP512r1tls13", GK::PrimeCurve, 512, false},
    GroupInfo{34, "GC256A", GK::PrimeCurve, 256, false},  // RFC 9189 (GOST R 34.10-2012 curves)
    GroupInfo{35, "GC256B", GK::PrimeCurve, 256, false},
    GroupInfo{36, "GC256C", GK::PrimeCurve, 256, false},
    GroupInfo{37, "GC256D", GK::PrimeCurve, 256, false},
    GroupInfo{38, "GC512A", GK::PrimeCurve, 512, false},
    GroupInfo{39, "GC512B", GK::PrimeCurve, 512, false},
    GroupInfo{40, "GC512C", GK::PrimeCurve, 512, false},
    GroupInfo{41, "curveSM2", GK::PrimeCurve, 256, false},  // RFC 8998
    GroupInfo{256, "ffdhe2048", GK::FiniteField, 2048, false},  // RFC 7919
    GroupInfo{257, "ffdhe3072", GK::FiniteField, 3072, false},
    GroupInfo{258, "ffdhe4096", GK::FiniteField, 4096, false},
    GroupInfo{259, "ffdhe6144", GK::FiniteField, 6144, false},
    GroupInfo{260, "ffdhe8192", GK::FiniteField, 8192, false},
    GroupInfo{512, "MLKEM512", GK::PostQuantum, 0, false},  // draft-connolly-tls-mlkem-key-agreement
    GroupInfo{513, "MLKEM768", GK::PostQuantum, 0, false},
    GroupInfo{514, "MLKEM1024", GK::PostQuantum, 0, false},
    GroupInfo{4587, "SecP256r1MLKEM768", GK::Hybrid, 256, false},  // draft-ietf-tls-ecdhe-mlkem
    GroupInfo{4588, "X25519MLKEM768", GK::Hybrid, 255, false},
    GroupInfo{4589, "SecP384r1MLKEM1024", GK::Hybrid, 384, false},
    // Pre-standard Kyber hybrids that browsers shipped in 2023-2024 before ML-KEM.
    GroupInfo{25497, "X25519Kyber768Draft00", GK::Hybrid, 255, true},
    GroupInfo{25498, "SecP256r1Kyber768Draft00", GK::Hybrid, 256, true},
    GroupInfo{65281, "arbitrary_explicit_prime_curves", GK::Explicit, 0, false},
    GroupInfo{65282, "arbitrary_explicit_char2_curves", GK::Explicit, 0, false},
};
static_assert(sorted_unique(kGroups));

// ---- signature schemes -----------------------------------------------------------------

using SK = SignatureKind;
using SH = SignatureHash;
constexpr std::array kSignatureSchemes = {
    // TLS 1.2 hash/signature pairs that are not IANA SignatureScheme code points (the
    // registry keeps them "reserved for backward compatibility") but that TLS 1.2 peers
    // offer every day; named the way OpenSSL names them.
    SignatureSchemeInfo{0x0101, "rsa_pkcs1_md5", SK::RSA_PKCS1, SH::MD5},
    SignatureSchemeInfo{0x0201, "rsa_pkcs1_sha1", SK::RSA_PKCS1, SH::SHA1},
    SignatureSchemeInfo{0x0202, "dsa_sha1", SK::DSA, SH::SHA1},
    SignatureSchemeInfo{0x0203, "ecdsa_sha1", SK::ECDSA, SH::SHA1},
    SignatureSchemeInfo{0x0301, "rsa_pkcs1_sha224", SK::RSA_PKCS1, SH::SHA224},
    SignatureSchemeInfo{0x0302, "dsa_sha224", SK::DSA, SH::SHA224},
    SignatureSchemeInfo{0x0303, "ecdsa_sha224", SK::ECDSA, SH::SHA224},
    SignatureSchemeInfo{0x0401, "rsa_pkcs1_sha256", SK::RSA_PKCS1, SH::SHA256},
    SignatureSchemeInfo{0x0402, "dsa_sha256", SK::DSA, SH::SHA256},
    SignatureSchemeInfo{0x0403, "ecdsa_secp256r1_sha256", SK::ECDSA, SH::SHA256},
    SignatureSchemeInfo{0x0420, "rsa_pkcs1_sha256_legacy", SK::RSA_PKCS1, SH::SHA256},  // draft-davidben-tls13-pkcs1
    SignatureSchemeInfo{0x0501, "rsa_pkcs1_sha384", SK::RSA_PKCS1, SH::SHA384},
    SignatureSchemeInfo{0x0502, "dsa_sha384", SK::DSA, SH::SHA384},
    SignatureSchemeInfo{0x0503, "ecdsa_secp384r1_sha384", SK::ECDSA, SH::SHA384},
    SignatureSchemeInfo{0x0520, "rsa_pkcs1_sha384_legacy", SK::RSA_PKCS1, SH::SHA384},
    SignatureSchemeInfo{0x0601, "rsa_pkcs1_sha512", SK::RSA_PKCS1, SH::SHA512},
    SignatureSchemeInfo{0x0602, "dsa_sha512", SK::DSA, SH::SHA512},
    SignatureSchemeInfo{0x0603, "ecdsa_secp521r1_sha512", SK::ECDSA, SH::SHA512},
    SignatureSchemeInfo{0x0620, "rsa_pkcs1_sha512_legacy", SK::RSA_PKCS1, SH::SHA512},
    // draft-wang-tls-raw-public-key-with-ibc: the hash is fixed by the scheme, not named.
    SignatureSchemeInfo{0x0704, "eccsi_sha256", SK::IBC, SH::SHA256},
    SignatureSchemeInfo{0x0705, "iso_ibs1", SK::IBC, SH::None},
    SignatureSchemeInfo{0x0706, "iso_ibs2", SK::IBC, SH::None},
    SignatureSchemeInfo{0x0707, "iso_chinese_ibs", SK::IBC, SH::None},
    SignatureSchemeInfo{0x0708, "sm2sig_sm3", SK::SM2, SH::SM3},  // RFC 8998
    SignatureSchemeInfo{0x0709, "gostr34102012_256a", SK::GOST, SH::STREEBOG256},  // RFC 9367
    SignatureSchemeInfo{0x070A, "gostr34102012_256b", SK::GOST, SH::STREEBOG256},
    SignatureSchemeInfo{0x070B, "gostr34102012_256c", SK::GOST, SH::STREEBOG256},
    SignatureSchemeInfo{0x070C, "gostr34102012_256d", SK::GOST, SH::STREEBOG256},
    SignatureSchemeInfo{0x070D, "gostr34102012_512a", SK::GOST, SH::STREEBOG512},
    SignatureSchemeInfo{0x070E, "gostr34102012_512b", SK::GOST, SH::STREEBOG512},
    SignatureSchemeInfo{0x070F, "gostr34102012_512c", SK::GOST, SH::STREEBOG512},
    SignatureSchemeInfo{0x0804, "rsa_pss_rsae_sha256", SK::RSA_PSS_RSAE, SH::SHA256},
    SignatureSchemeInfo{0x0805, "rsa_pss_rsae_sha384", SK::RSA_PSS_RSAE, SH::SHA384},
    SignatureSchemeInfo{0x0806, "rsa_pss_rsae_sha512", SK::RSA_PSS_RSAE, SH::SHA512},
    SignatureSchemeInfo{0x0807, "ed25519", SK::EdDSA, SH::Intrinsic},
    SignatureSchemeInfo{0x0808, "ed448", SK::EdDSA, SH::Intrinsic},
    SignatureSchemeInfo{0x0809, "rsa_pss_pss_sha256", SK::RSA_PSS_PSS, SH::SHA256},
    SignatureSchemeInfo{0x080A, "rsa_pss_pss_sha384", SK::RSA_PSS_PSS, SH::SHA384},
    SignatureSchemeInfo{0x080B, "rsa_pss_pss_sha512", SK::RSA_PSS_PSS, SH::SHA512},
    SignatureSchemeInfo{0x081A, "ecdsa_brainpoolP256r1tls13_sha256", SK::ECDSA, SH::SHA256},  // RFC 8734
    SignatureSchemeInfo{0x081B, "ecdsa_brainpoolP384r1tls13_sha384", SK::ECDSA, SH::SHA384},
    SignatureSchemeInfo{0x081C, "ecdsa_brainpoolP512r1tls13_sha512", SK::ECDSA, SH::SHA512},
    SignatureSchemeInfo{0x0904, "mldsa44", SK::MLDSA, SH::Intrinsic},  // draft-ietf-tls-mldsa
    SignatureSchemeInfo{0x0905, "mldsa65", SK::MLDSA, SH::Intrinsic},
    SignatureSchemeInfo{0x0906, "mldsa87", SK::MLDSA, SH::Intrinsic},
};
static_assert(sorted_unique(kSignatureSchemes));

// ---- name-only registries --------------------------------------------------------------

constexpr std::array kExtensions = {
    CodeName{0, "server_name"},
    CodeName{1, "max_fragment_length"},
    CodeName{2, "client_certificate_url"},
    CodeName{3, "trusted_ca_keys"},
    CodeName{4, "truncated_hmac"},
    CodeName{5, "status_request"},
    CodeName{6, "user_mapping"},
    CodeName{7, "client_authz"},
    CodeName{8, "server_authz"},
    CodeName{9, "cert_type"},
    CodeName{10, "supported_groups"},
    CodeName{11, "ec_point_formats"},
    CodeName{12, "srp"},
    CodeName{13, "signature_algorithms"},
    CodeName{14, "use_srtp"},
    CodeName{15, "heartbeat"},
    CodeName{16, "application_layer_protocol_negotiation"},
    CodeName{17, "status_request_v2"},
    CodeName{18, "signed_certificate_timestamp"},
    CodeName{19, "client_certificate_type"},
    CodeName{20, "server_certificate_type"},
    CodeName{21, "padding"},
    CodeName{22, "encrypt_then_mac"},
    CodeName{23, "extended_master_secret"},
    CodeName{24, "token_binding"},
    CodeName{25, "cached_info"},
    CodeName{26, "tls_lts"},
    CodeName{27, "compress_certificate"},
    CodeName{28, "record_size_limit"},
    CodeName{29, "pwd_protect"},
    CodeName{30, "pwd_clear"},
    CodeName{31, "password_salt"},
    CodeName{32, "ticket_pinning"},
    CodeName{33, "tls_cert_with_extern_psk"},
    CodeName{34, "delegated_credential"},
    CodeName{35, "session_ticket"},
    CodeName{36, "TLMSP"},
    CodeName{37, "TLMSP_proxying"},
    CodeName{38, "TLMSP_delegate"},
    CodeName{39, "supported_ekt_ciphers"},
    // 40 and 46 are reserved because TLS 1.3 drafts used them; draft-era captures have them.
    CodeName{40, "key_share (draft)"},
    CodeName{41, "pre_shared_key"},
    CodeName{42, "early_data"},
    CodeName{43, "supported_versions"},
    CodeName{44, "cookie"},
    CodeName{45, "psk_key_exchange_modes"},
    CodeName{46, "ticket_early_data_info (draft)"},
    CodeName{47, "certificate_authorities"},
    CodeName{48, "oid_filters"},
    CodeName{49, "post_handshake_auth"},
    CodeName{50, "signature_algorithms_cert"},
    CodeName{51, "key_share"},
    CodeName{52, "transparency_info"},
    CodeName{53, "connection_id (deprecated)"},
    CodeName{54, "connection_id"},
    CodeName{55, "external_id_hash"},
    CodeName{56, "external_session_id"},
    CodeName{57, "quic_transport_parameters"},
    CodeName{58, "ticket_request"},
    CodeName{59, "dnssec_chain"},
    CodeName{60, "sequence_number_encryption_algorithms"},
    CodeName{61, "rrc"},
    CodeName{62, "tls_flags"},
    // Unregistered but common: NPN (draft-agl-tls-nextprotoneg), Chrome's ALPS (old and
    // new code points, draft-vvv-tls-alps), Channel ID (draft-balfanz-tls-channelid).
    CodeName{13172, "next_protocol_negotiation"},
    CodeName{17513, "application_settings_old"},
    CodeName{17613, "application_settings"},
    CodeName{30031, "channel_id_old"},
    CodeName{30032, "channel_id"},
    CodeName{64768, "ech_outer_extensions"},
    CodeName{65037, "encrypted_client_hello"},
    CodeName{65281, "renegotiation_info"},
    CodeName{65445, "quic_transport_parameters (draft)"},  // QUIC drafts before RFC 9001
    CodeName{65486, "encrypted_server_name"},              // ESNI, draft-ietf-tls-esni-01..06
};

constexpr std::array kVersions = {
    CodeName{0x0002, "SSL 2.0"},
    CodeName{0x0100, "DTLS 1.0 (OpenSSL pre-0.9.8f)"},
    CodeName{0x0300, "SSL 3.0"},
    CodeName{0x0301, "TLS 1.0"},
    CodeName{0x0302, "TLS 1.1"},
    CodeName{0x0303, "TLS 1.2"},
    CodeName{0x0304, "TLS 1.3"},
    // draft-ietf-tls-tls13-NN advertised 0x7F00 | NN in supported_versions.
    CodeName{0x7F0E, "TLS 1.3 (draft 14)"},
    CodeName{0x7F0F, "TLS 1.3 (draft 15)"},
    CodeName{0x7F10, "TLS 1.3 (draft 16)"},
    CodeName{0x7F11, "TLS 1.3 (draft 17)"},
    CodeName{0x7F12, "TLS 1.3 (draft 18)"},
    CodeName{0x7F13, "TLS 1.3 (draft 19)"},
    CodeName{0x7F14, "TLS 1.3 (draft 20)"},
    CodeName{0x7F15, "TLS 1.3 (draft 21)"},
    CodeName{0x7F16, "TLS 1.3 (draft 22)"},
    CodeName{0x7F17, "TLS 1.3 (draft 23)"},
    CodeName{0x7F18, "TLS 1.3 (draft 24)"},
    CodeName{0x7F19, "TLS 1.3 (draft 25)"},
    CodeName{0x7F1A, "TLS 1.3 (draft 26)"},
    CodeName{0x7F1B, "TLS 1.3 (draft 27)"},
    CodeName{0x7F1C, "TLS 1.3 (draft 28)"},
    // Facebook's Fizz shipped its own draft identifiers.
    CodeName{0xFB17, "TLS 1.3 (Facebook draft 23)"},
    CodeName{0xFB1A, "TLS 1.3 (Facebook draft 26)"},
    CodeName{0xFEFC, "DTLS 1.3"},
    CodeName{0xFEFD, "DTLS 1.2"},
    CodeName{0xFEFF, "DTLS 1.0"},
};

constexpr std::array kAlertDescriptions = {
    CodeName{0, "close_notify"},
    CodeName{1, "end_of_early_data"},  // TLS 1.3 drafts before -22 (a handshake message since)
    CodeName{10, "unexpected_message"},
    CodeName{20, "bad_record_mac"},
    CodeName{21, "decryption_failed"},
    CodeName{22, "record_overflow"},
    CodeName{30, "decompression_failure"},
    CodeName{40, "handshake_failure"},
    CodeName{41, "no_certificate"},
    CodeName{42, "bad_certificate"},
    CodeName{43, "unsupported_certificate"},
    CodeName{44, "certificate_revoked"},
    CodeName{45, "certificate_expired"},
    CodeName{46, "certificate_unknown"},
    CodeName{47, "illegal_parameter"},
    CodeName{48, "unknown_ca"},
    CodeName{49, "access_denied"},
    CodeName{50, "decode_error"},
    CodeName{51, "decrypt_error"},
    CodeName{52, "too_many_cids_requested"},
    CodeName{60, "export_restriction"},
    CodeName{70, "protocol_version"},
    CodeName{71, "insufficient_security"},
    CodeName{80, "internal_error"},
    CodeName{86, "inappropriate_fallback"},
    CodeName{90, "user_canceled"},
    CodeName{100, "no_renegotiation"},
    CodeName{109, "missing_extension"},
    CodeName{110, "unsupported_extension"},
    CodeName{111, "certificate_unobtainable"},
    CodeName{112, "unrecognized_name"},
    CodeName{113, "bad_certificate_status_response"},
    CodeName{114, "bad_certificate_hash_value"},
    CodeName{115, "unknown_psk_identity"},
    CodeName{116, "certificate_required"},
    CodeName{117, "general_error"},
    CodeName{120, "no_application_protocol"},
    CodeName{121, "ech_required"},
};

constexpr std::array kAlertLevels = {
    CodeName{1, "warning"},
    CodeName{2, "fatal"},
};

constexpr std::array kHandshakeTypes = {
    CodeName{0, "hello_request"},
    CodeName{1, "client_hello"},
    CodeName{2, "server_hello"},
    CodeName{3, "hello_verify_request"},
    CodeName{4, "new_session_ticket"},
    CodeName{5, "end_of_early_data"},
    CodeName{6, "hello_retry_request"},  // TLS 1.3 drafts only; RFC 8446 sends a ServerHello
    CodeName{8, "encrypted_extensions"},
    CodeName{9, "request_connection_id"},
    CodeName{10, "new_connection_id"},
    CodeName{11, "certificate"},
    CodeName{12, "server_key_exchange"},
    CodeName{13, "certificate_request"},
    CodeName{14, "server_hello_done"},
    CodeName{15, "certificate_verify"},
    CodeName{16, "client_key_exchange"},
    CodeName{17, "client_certificate_request"},
    CodeName{20, "finished"},
    CodeName{21, "certificate_url"},
    CodeName{22, "certificate_status"},
    CodeName{23, "supplemental_data"},
    CodeName{24, "key_update"},
    CodeName{25, "compressed_certificate"},
    CodeName{26, "ekt_key"},
    CodeName{67, "next_protocol"},  // NPN, unregistered
    CodeName{203, "channel_id"},    // Channel ID, unregistered
    CodeName{254, "message_hash"},
};

constexpr std::array kContentTypes = {
    CodeName{20, "change_cipher_spec"},
    CodeName{21, "alert"},
    CodeName{22, "handshake"},
    CodeName{23, "application_data"},
    CodeName{24, "heartbeat"},
    CodeName{25, "tls12_cid"},
    CodeName{26, "ACK"},
};

constexpr std::array kEcPointFormats = {
    CodeName{0, "uncompressed"},
    CodeName{1, "ansiX962_compressed_prime"},
    CodeName{2, "ansiX962_compressed_char2"},
};

constexpr std::array kEcCurveTypes = {
    CodeName{1, "explicit_prime"},
    CodeName{2, "explicit_char2"},
    CodeName{3, "named_curve"},
};

constexpr std::array kPskKeyExchangeModes = {
    CodeName{0, "psk_ke"},
    CodeName{1, "psk_dhe_ke"},
};

constexpr std::array kCertificateCompressionAlgorithms = {
    CodeName{1, "zlib"},
    CodeName{2, "brotli"},
    CodeName{3, "zstd"},
};

constexpr std::array kCertificateStatusTypes = {
    CodeName{1, "ocsp"},
    CodeName{2, "ocsp_multi"},
};

constexpr std::array kServerNameTypes = {
    CodeName{0, "host_name"},
};

constexpr std::array kHeartbeatModes = {
    CodeName{1, "peer_allowed_to_send"},
    CodeName{2, "peer_not_allowed_to_send"},
};

constexpr std::array kHeartbeatMessageTypes = {
    CodeName{1, "heartbeat_request"},
    CodeName{2, "heartbeat_response"},
};

constexpr std::array kClientCertificateTypes = {
    CodeName{1, "rsa_sign"},
    CodeName{2, "dss_sign"},
    CodeName{3, "rsa_fixed_dh"},
    CodeName{4, "dss_fixed_dh"},
    CodeName{5, "rsa_ephemeral_dh"},
    CodeName{6, "dss_ephemeral_dh"},
    CodeName{20, "fortezza_dms"},
    CodeName{64, "ecdsa_sign"},
    CodeName{65, "rsa_fixed_ecdh"},
    CodeName{66, "ecdsa_fixed_ecdh"},
    CodeName{67, "gost_sign256"},
    CodeName{68, "gost_sign512"},
};

constexpr std::array kCertificateTypes = {
    CodeName{0, "X509"},
    CodeName{1, "OpenPGP"},
    CodeName{2, "RawPublicKey"},
    CodeName{3, "1609Dot2"},
};

constexpr std::array kKeyUpdateRequests = {
    CodeName{0, "update_not_requested"},
    CodeName{1, "update_requested"},
};

constexpr std::array kCompressionMethods = {
    CodeName{0, "null"},
    CodeName{1, "DEFLATE"},
    CodeName{64, "LZS"},
};

constexpr std::array kMaxFragmentLengths = {
    CodeName{1, "2^9"},
    CodeName{2, "2^10"},
    CodeName{3, "2^11"},
    CodeName{4, "2^12"},
};

constexpr std::array kHashAlgorithms = {
    CodeName{0, "none"},
    CodeName{1, "md5"},
    CodeName{2, "sha1"},
    CodeName{3, "sha224"},
    CodeName{4, "sha256"},
    CodeName{5, "sha384"},
    CodeName{6, "sha512"},
    CodeName{8, "intrinsic"},
};

constexpr std::array kSignatureAlgorithms = {
    CodeName{0, "anonymous"},
    CodeName{1, "rsa"},
    CodeName{2, "dsa"},
    CodeName{3, "ecdsa"},
    CodeName{7, "ed25519"},
    CodeName{8, "ed448"},
    CodeName{64, "gostr34102012_256"},
    CodeName{65, "gostr34102012_512"},
};

// SSL 2.0 message types (SSL 2.0 specification, Appendix B).
constexpr std::array kSsl2MessageTypes = {
    CodeName{0, "error"},
    CodeName{1, "client_hello"},
    CodeName{2, "client_master_key"},
    CodeName{3, "client_finished"},
    CodeName{4, "server_hello"},
    CodeName{5, "server_verify"},
    CodeName{6, "server_finished"},
    CodeName{7, "request_certificate"},
    CodeName{8, "client_certificate"},
};

// clang-format on

struct RegistryTable {
  Registry id;
  std::string_view name;
  std::span<const CodeName> entries;
};

// Indexed by Registry; the static_asserts below keep the order honest.
constexpr std::array<RegistryTable, kRegistryCount> kRegistries = {{
    {Registry::ExtensionType, "ExtensionType", kExtensions},
    {Registry::ProtocolVersion, "ProtocolVersion", kVersions},
    {Registry::AlertDescription, "AlertDescription", kAlertDescriptions},
    {Registry::AlertLevel, "AlertLevel", kAlertLevels},
    {Registry::HandshakeType, "HandshakeType", kHandshakeTypes},
    {Registry::ContentType, "ContentType", kContentTypes},
    {Registry::EcPointFormat, "EcPointFormat", kEcPointFormats},
    {Registry::EcCurveType, "EcCurveType", kEcCurveTypes},
    {Registry::PskKeyExchangeMode, "PskKeyExchangeMode", kPskKeyExchangeModes},
    {Registry::CertificateCompressionAlgorithm, "CertificateCompressionAlgorithm", kCertificateCompressionAlgorithms},
    {Registry::CertificateStatusType, "CertificateStatusType", kCertificateStatusTypes},
    {Registry::ServerNameType, "ServerNameType", kServerNameTypes},
    {Registry::HeartbeatMode, "HeartbeatMode", kHeartbeatModes},
    {Registry::HeartbeatMessageType, "HeartbeatMessageType", kHeartbeatMessageTypes},
    {Registry::ClientCertificateType, "ClientCertificateType", kClientCertificateTypes},
    {Registry::CertificateType, "CertificateType", kCertificateTypes},
    {Registry::KeyUpdateRequest, "KeyUpdateRequest", kKeyUpdateRequests},
    {Registry::CompressionMethod, "CompressionMethod", kCompressionMethods},
    {Registry::MaxFragmentLength, "MaxFragmentLength", kMaxFragmentLengths},
    {Registry::HashAlgorithm, "HashAlgorithm", kHashAlgorithms},
    {Registry::SignatureAlgorithm, "SignatureAlgorithm", kSignatureAlgorithms},
    {Registry::Ssl2MessageType, "Ssl2MessageType", kSsl2MessageTypes},
}};

constexpr bool registries_in_order() {
  for (int i = 0; i < kRegistryCount; ++i) {
    if (static_cast<int>(kRegistries[i].id) != i) return false;
  }
  return true;
}
static_assert(registries_in_order(), "kRegistries must be indexed by Registry");

constexpr bool registries_sorted() {
  for (const RegistryTable& r : kRegistries) {
    for (size_t i = 1; i < r.entries.size(); ++i) {
      if (r.entries[i - 1].code >= r.entries[i].code) return false;
    }
  }
  return true;
}
static_assert(registries_sorted(), "every registry must be sorted by code with no duplicates");

std::string_view name_or_grease(Registry r, uint16_t code) {
  std::string_view name = lookup_name(r, code);
  return name.empty() && is_grease(code) ? kGrease : name;
}

}  // namespace

// ---- lookups ---------------------------------------------------------------------------

const GroupInfo* group_info(uint16_t code) {
  return find<GroupInfo>(kGroups, code);
}

std::string_view group_name(uint16_t code) {
  if (const GroupInfo* g = group_info(code)) return g->name;
  return is_grease(code) ? kGrease : "";
}

std::span<const GroupInfo> all_groups() {
  return kGroups;
}

const SignatureSchemeInfo* signature_scheme_info(uint16_t code) {
  return find<SignatureSchemeInfo>(kSignatureSchemes, code);
}

std::string_view signature_scheme_name(uint16_t code) {
  if (const SignatureSchemeInfo* s = signature_scheme_info(code)) return s->name;
  return is_grease(code) ? kGrease : "";
}

std::span<const SignatureSchemeInfo> all_signature_schemes() {
  return kSignatureSchemes;
}

std::span<const CodeName> registry_entries(Registry r) {
  const auto i = static_cast<size_t>(r);
  return i < kRegistries.size() ? kRegistries[i].entries : std::span<const CodeName>{};
}

std::string_view registry_name(Registry r) {
  const auto i = static_cast<size_t>(r);
  return i < kRegistries.size() ? kRegistries[i].name : "";
}

std::string_view lookup_name(Registry r, uint16_t code) {
  const CodeName* e = find<CodeName>(registry_entries(r), code);
  return e ? e->name : "";
}

std::string_view hash_algorithm_name(uint8_t code) {
  return lookup_name(Registry::HashAlgorithm, code);
}
std::string_view signature_algorithm_name(uint8_t code) {
  return lookup_name(Registry::SignatureAlgorithm, code);
}

std::string_view extension_name(uint16_t code) {
  return name_or_grease(Registry::ExtensionType, code);
}
std::string_view version_name(uint16_t code) {
  return name_or_grease(Registry::ProtocolVersion, code);
}
std::string_view alert_description_name(uint8_t code) {
  return lookup_name(Registry::AlertDescription, code);
}
std::string_view alert_level_name(uint8_t code) {
  return lookup_name(Registry::AlertLevel, code);
}
std::string_view handshake_type_name(uint8_t code) {
  return lookup_name(Registry::HandshakeType, code);
}
std::string_view content_type_name(uint8_t code) {
  return lookup_name(Registry::ContentType, code);
}
std::string_view ec_point_format_name(uint8_t code) {
  return lookup_name(Registry::EcPointFormat, code);
}
std::string_view ec_curve_type_name(uint8_t code) {
  return lookup_name(Registry::EcCurveType, code);
}

std::string_view psk_key_exchange_mode_name(uint8_t code) {
  std::string_view name = lookup_name(Registry::PskKeyExchangeMode, code);
  return name.empty() && is_grease_psk_ke_mode(code) ? kGrease : name;
}

std::string_view certificate_compression_algorithm_name(uint16_t code) {
  return lookup_name(Registry::CertificateCompressionAlgorithm, code);
}
std::string_view certificate_status_type_name(uint8_t code) {
  return lookup_name(Registry::CertificateStatusType, code);
}
std::string_view server_name_type_name(uint8_t code) {
  return lookup_name(Registry::ServerNameType, code);
}
std::string_view heartbeat_mode_name(uint8_t code) {
  return lookup_name(Registry::HeartbeatMode, code);
}
std::string_view heartbeat_message_type_name(uint8_t code) {
  return lookup_name(Registry::HeartbeatMessageType, code);
}
std::string_view client_certificate_type_name(uint8_t code) {
  return lookup_name(Registry::ClientCertificateType, code);
}
std::string_view certificate_type_name(uint8_t code) {
  return lookup_name(Registry::CertificateType, code);
}
std::string_view key_update_request_name(uint8_t code) {
  return lookup_name(Registry::KeyUpdateRequest, code);
}
std::string_view compression_method_name(uint8_t code) {
  return lookup_name(Registry::CompressionMethod, code);
}
std::string_view max_fragment_length_name(uint8_t code) {
  return lookup_name(Registry::MaxFragmentLength, code);
}
std::string_view ssl2_message_type_name(uint8_t code) {
  return lookup_name(Registry::Ssl2MessageType, code);
}

// ---- enum names (for text and JSON output) ----------------------------------------------

// clang-format off
std::string_view to_string(KeyExchange v) {
  switch (v) {
    case KeyExchange::Null: return "NULL";
    case KeyExchange::RSA: return "RSA";
    case KeyExchange::RSA_EXPORT: return "RSA_EXPORT";
    case KeyExchange::DH_RSA: return "DH_RSA";
    case KeyExchange::DH_DSS: return "DH_DSS";
    case KeyExchange::DHE_RSA: return "DHE_RSA";
    case KeyExchange::DHE_DSS: return "DHE_DSS";
    case KeyExchange::DH_anon: return "DH_anon";
    case KeyExchange::ECDH_RSA: return "ECDH_RSA";
    case KeyExchange::ECDH_ECDSA: return "ECDH_ECDSA";
    case KeyExchange::ECDHE_RSA: return "ECDHE_RSA";
    case KeyExchange::ECDHE_ECDSA: return "ECDHE_ECDSA";
    case KeyExchange::ECDH_anon: return "ECDH_anon";
    case KeyExchange::PSK: return "PSK";
    case KeyExchange::DHE_PSK: return "DHE_PSK";
    case KeyExchange::RSA_PSK: return "RSA_PSK";
    case KeyExchange::ECDHE_PSK: return "ECDHE_PSK";
    case KeyExchange::SRP_SHA: return "SRP_SHA";
    case KeyExchange::SRP_SHA_RSA: return "SRP_SHA_RSA";
    case KeyExchange::SRP_SHA_DSS: return "SRP_SHA_DSS";
    case KeyExchange::KRB5: return "KRB5";
    case KeyExchange::FORTEZZA_KEA: return "FORTEZZA_KEA";
    case KeyExchange::ECCPWD: return "ECCPWD";
    case KeyExchange::ECJPAKE: return "ECJPAKE";
    case KeyExchange::GOSTR341094: return "GOSTR341094";
    case KeyExchange::GOSTR341001: return "GOSTR341001";
    case KeyExchange::GOSTR341112_256: return "GOSTR341112_256";
    case KeyExchange::TLS13: return "TLS13";
  }
  return "";
}

std::string_view to_string(Authentication v) {
  switch (v) {
    case Authentication::Null: return "NULL";
    case Authentication::RSA: return "RSA";
    case Authentication::DSS: return "DSS";
    case Authentication::ECDSA: return "ECDSA";
    case Authentication::DH: return "DH";
    case Authentication::ECDH: return "ECDH";
    case Authentication::Anon: return "anon";
    case Authentication::PSK: return "PSK";
    case Authentication::SRP: return "SRP";
    case Authentication::Password: return "password";
    case Authentication::KRB5: return "KRB5";
    case Authentication::FORTEZZA: return "FORTEZZA";
    case Authentication::GOST94: return "GOST94";
    case Authentication::GOST01: return "GOST01";
    case Authentication::GOST12: return "GOST12";
    case Authentication::TLS13: return "TLS13";
  }
  return "";
}

std::string_view to_string(BulkCipher v) {
  switch (v) {
    case BulkCipher::Null: return "NULL";
    case BulkCipher::RC4_40: return "RC4_40";
    case BulkCipher::RC4_56: return "RC4_56";
    case BulkCipher::RC4_64: return "RC4_64";
    case BulkCipher::RC4_128: return "RC4_128";
    case BulkCipher::RC2_CBC_40: return "RC2_CBC_40";
    case BulkCipher::RC2_CBC_56: return "RC2_CBC_56";
    case BulkCipher::RC2_CBC_128: return "RC2_CBC_128";
    case BulkCipher::IDEA_CBC: return "IDEA_CBC";
    case BulkCipher::DES40_CBC: return "DES40_CBC";
    case BulkCipher::DES_CBC: return "DES_CBC";
    case BulkCipher::DES_EDE3_CBC: return "3DES_EDE_CBC";
    case BulkCipher::FORTEZZA_CBC: return "FORTEZZA_CBC";
    case BulkCipher::AES_128_CBC: return "AES_128_CBC";
    case BulkCipher::AES_256_CBC: return "AES_256_CBC";
    case BulkCipher::AES_128_GCM: return "AES_128_GCM";
    case BulkCipher::AES_256_GCM: return "AES_256_GCM";
    case BulkCipher::AES_128_CCM: return "AES_128_CCM";
    case BulkCipher::AES_256_CCM: return "AES_256_CCM";
    case BulkCipher::AES_128_CCM_8: return "AES_128_CCM_8";
    case BulkCipher::AES_256_CCM_8: return "AES_256_CCM_8";
    case BulkCipher::CAMELLIA_128_CBC: return "CAMELLIA_128_CBC";
    case BulkCipher::CAMELLIA_256_CBC: return "CAMELLIA_256_CBC";
    case BulkCipher::CAMELLIA_128_GCM: return "CAMELLIA_128_GCM";
    case BulkCipher::CAMELLIA_256_GCM: return "CAMELLIA_256_GCM";
    case BulkCipher::ARIA_128_CBC: return "ARIA_128_CBC";
    case BulkCipher::ARIA_256_CBC: return "ARIA_256_CBC";
    case BulkCipher::ARIA_128_GCM: return "ARIA_128_GCM";
    case BulkCipher::ARIA_256_GCM: return "ARIA_256_GCM";
    case BulkCipher::SEED_CBC: return "SEED_CBC";
    case BulkCipher::CHACHA20_POLY1305: return "CHACHA20_POLY1305";
    case BulkCipher::CHACHA20_POLY1305_OLD: return "CHACHA20_POLY1305_OLD";
    case BulkCipher::GOST28147_CNT: return "GOST28147_CNT";
    case BulkCipher::KUZNYECHIK_CTR: return "KUZNYECHIK_CTR";
    case BulkCipher::MAGMA_CTR: return "MAGMA_CTR";
    case BulkCipher::KUZNYECHIK_MGM: return "KUZNYECHIK_MGM";
    case BulkCipher::MAGMA_MGM: return "MAGMA_MGM";
    case BulkCipher::SM4_GCM: return "SM4_GCM";
    case BulkCipher::SM4_CCM: return "SM4_CCM";
    case BulkCipher::AEGIS_256: return "AEGIS_256";
    case BulkCipher::AEGIS_128L: return "AEGIS_128L";
    case BulkCipher::NULL_HMAC_SHA256: return "NULL_HMAC_SHA256";
    case BulkCipher::NULL_HMAC_SHA384: return "NULL_HMAC_SHA384";
  }
  return "";
}

std::string_view to_string(CipherMode v) {
  switch (v) {
    case CipherMode::Null: return "NULL";
    case CipherMode::Stream: return "stream";
    case CipherMode::CBC: return "CBC";
    case CipherMode::AEAD: return "AEAD";
    case CipherMode::CTR: return "CTR";
  }
  return "";
}

std::string_view to_string(MacAlgorithm v) {
  switch (v) {
    case MacAlgorithm::Null: return "NULL";
    case MacAlgorithm::HMAC_MD5: return "MD5";
    case MacAlgorithm::HMAC_SHA1: return "SHA1";
    case MacAlgorithm::HMAC_SHA256: return "SHA256";
    case MacAlgorithm::HMAC_SHA384: return "SHA384";
    case MacAlgorithm::AEAD: return "AEAD";
    case MacAlgorithm::GOST28147_IMIT: return "GOST28147_IMIT";
    case MacAlgorithm::HMAC_GOSTR3411: return "GOSTR3411";
    case MacAlgorithm::KUZNYECHIK_OMAC: return "KUZNYECHIK_OMAC";
    case MacAlgorithm::MAGMA_OMAC: return "MAGMA_OMAC";
  }
  return "";
}

std::string_view to_string(PrfHash v) {
  switch (v) {
    case PrfHash::SHA256: return "SHA256";
    case PrfHash::SHA384: return "SHA384";
    case PrfHash::SM3: return "SM3";
    case PrfHash::GOSTR3411_94: return "GOSTR3411_94";
    case PrfHash::STREEBOG256: return "STREEBOG256";
  }
  return "";
}

std::string_view to_string(GroupKind v) {
  switch (v) {
    case GroupKind::BinaryCurve: return "binary_curve";
    case GroupKind::PrimeCurve: return "prime_curve";
    case GroupKind::Montgomery: return "montgomery";
    case GroupKind::FiniteField: return "finite_field";
    case GroupKind::PostQuantum: return "post_quantum";
    case GroupKind::Hybrid: return "hybrid";
    case GroupKind::Explicit: return "explicit";
  }
  return "";
}

std::string_view to_string(SignatureKind v) {
  switch (v) {
    case SignatureKind::RSA_PKCS1: return "rsa_pkcs1";
    case SignatureKind::RSA_PSS_RSAE: return "rsa_pss_rsae";
    case SignatureKind::RSA_PSS_PSS: return "rsa_pss_pss";
    case SignatureKind::DSA: return "dsa";
    case SignatureKind::ECDSA: return "ecdsa";
    case SignatureKind::EdDSA: return "eddsa";
    case SignatureKind::SM2: return "sm2";
    case SignatureKind::GOST: return "gost";
    case SignatureKind::MLDSA: return "mldsa";
    case SignatureKind::IBC: return "ibc";
  }
  return "";
}

std::string_view to_string(SignatureHash v) {
  switch (v) {
    case SignatureHash::None: return "none";
    case SignatureHash::MD5: return "md5";
    case SignatureHash::SHA1: return "sha1";
    case SignatureHash::SHA224: return "sha224";
    case SignatureHash::SHA256: return "sha256";
    case SignatureHash::SHA384: return "sha384";
    case SignatureHash::SHA512: return "sha512";
    case SignatureHash::Intrinsic: return "intrinsic";
    case SignatureHash::SM3: return "sm3";
    case SignatureHash::STREEBOG256: return "streebog256";
    case SignatureHash::STREEBOG512: return "streebog512";
  }
  return "";
}

// clang-format on

}  // namespace tlslens::tls
