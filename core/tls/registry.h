// TLS name tables: every code point tlslens names, kept as data in one place.
//
// What is here: the IANA "TLS Parameters" registries (cipher suites, supported groups,
// signature schemes, extension types, alerts, handshake and content types, and the small
// ones) as of 2025, plus the few unregistered values that real captures still contain
// (SSLv2 cipher kinds, OpenSSL's EXPORT1024 suites, the pre-RFC ChaCha20 suites, NPN, ALPS,
// Channel ID, TLS 1.3 draft versions). Unregistered cipher suites are marked as such.
//
// How to use it: every lookup is a binary search over a sorted constexpr array (or a
// switch) — no allocation, no start-up work, safe from any thread. A name function returns
// "" for a value it does not know; callers print those as hex ("0x%04x"). GREASE values
// (RFC 8701) are not table entries: is_grease() recognises them and the 16-bit name
// functions return "GREASE" for them, so callers that want the value too should test
// is_grease() first.
//
// Names are the IANA names (snake_case for most registries, "TLS_..." for cipher suites).
// Where IANA has since marked a value "_RESERVED" (it may no longer be sent by new
// implementations, but old peers send it), the name here is the one the value had when it
// was in use, without the suffix: an SSL 3.0 peer's alert 41 is shown as "no_certificate".
// Protocol versions use display names ("TLS 1.2"), since the registry has none.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tlslens::tls {

// ---------------------------------------------------------------------------------------
// GREASE (RFC 8701)

// True for the sixteen reserved 16-bit values 0x0A0A, 0x1A1A, ... 0xFAFA, which clients
// put in cipher suites, extensions, groups, signature algorithms and versions to keep
// servers tolerant of unknown values.
constexpr bool is_grease(uint16_t v) {
  return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}
// True for the eight reserved one-byte PSK key exchange modes 0x0B, 0x2A, ... 0xE4.
constexpr bool is_grease_psk_ke_mode(uint8_t v) {
  return v % 0x1F == 0x0B;
}

// ---------------------------------------------------------------------------------------
// Cipher suites

enum class KeyExchange : uint8_t {
  Null,        // TLS_NULL_WITH_NULL_NULL and the SCSVs
  RSA,         // premaster secret encrypted to the certificate's RSA key
  RSA_EXPORT,  // RSA with a temporary 512/1024-bit key in ServerKeyExchange
  DH_RSA,      // fixed DH key in an RSA-signed certificate
  DH_DSS,      // fixed DH key in a DSS-signed certificate
  DHE_RSA,
  DHE_DSS,
  DH_anon,
  ECDH_RSA,    // fixed ECDH key in an RSA-signed certificate
  ECDH_ECDSA,  // fixed ECDH key in an ECDSA-signed certificate
  ECDHE_RSA,
  ECDHE_ECDSA,
  ECDH_anon,
  PSK,
  DHE_PSK,
  RSA_PSK,
  ECDHE_PSK,
  SRP_SHA,
  SRP_SHA_RSA,
  SRP_SHA_DSS,
  KRB5,
  FORTEZZA_KEA,  // SSL 3.0 only
  ECCPWD,        // RFC 8492
  ECJPAKE,       // draft-cragie-tls-ecjpake (Thread / mbed TLS)
  GOSTR341094,   // draft-chudov-cryptopro-cptls
  GOSTR341001,
  GOSTR341112_256,  // RFC 9189
  TLS13,            // TLS 1.3 suites: the key exchange is negotiated by key_share/psk modes
};

enum class Authentication : uint8_t {
  Null,  // no authentication at all (TLS_NULL_WITH_NULL_NULL, SCSVs)
  RSA,
  DSS,
  ECDSA,
  DH,    // fixed-DH certificate: the server proves possession of the DH key
  ECDH,  // fixed-ECDH certificate
  Anon,  // DH_anon / ECDH_anon: no authentication of the server
  PSK,
  SRP,
  Password,  // ECCPWD, ECJPAKE
  KRB5,
  FORTEZZA,
  GOST94,
  GOST01,
  GOST12,
  TLS13,  // TLS 1.3: decided by the certificate / signature_algorithms, not the suite
};

enum class BulkCipher : uint8_t {
  Null,
  RC4_40,
  RC4_56,
  RC4_64,  // SSLv2 only
  RC4_128,
  RC2_CBC_40,
  RC2_CBC_56,
  RC2_CBC_128,  // SSLv2 only
  IDEA_CBC,
  DES40_CBC,
  DES_CBC,
  DES_EDE3_CBC,  // "3DES_EDE_CBC" in suite names
  FORTEZZA_CBC,
  AES_128_CBC,
  AES_256_CBC,
  AES_128_GCM,
  AES_256_GCM,
  AES_128_CCM,
  AES_256_CCM,
  AES_128_CCM_8,
  AES_256_CCM_8,
  CAMELLIA_128_CBC,
  CAMELLIA_256_CBC,
  CAMELLIA_128_GCM,
  CAMELLIA_256_GCM,
  ARIA_128_CBC,
  ARIA_256_CBC,
  ARIA_128_GCM,
  ARIA_256_GCM,
  SEED_CBC,
  CHACHA20_POLY1305,
  CHACHA20_POLY1305_OLD,  // draft-agl-tls-chacha20poly1305: 8-byte nonce = sequence number
  GOST28147_CNT,
  KUZNYECHIK_CTR,
  MAGMA_CTR,
  KUZNYECHIK_MGM,
  MAGMA_MGM,
  SM4_GCM,
  SM4_CCM,
  AEGIS_256,
  AEGIS_128L,
  NULL_HMAC_SHA256,  // RFC 9150 integrity-only TLS 1.3 suites: no confidentiality
  NULL_HMAC_SHA384,
};

enum class CipherMode : uint8_t { Null, Stream, CBC, AEAD, CTR };

enum class MacAlgorithm : uint8_t {
  Null,
  HMAC_MD5,  // the SSL 3.0 MAC under SSL 3.0, HMAC from TLS 1.0 on
  HMAC_SHA1,
  HMAC_SHA256,
  HMAC_SHA384,
  AEAD,  // integrity comes from the AEAD tag
  GOST28147_IMIT,
  HMAC_GOSTR3411,
  KUZNYECHIK_OMAC,
  MAGMA_OMAC,
};

// The hash of the TLS 1.2 PRF (RFC 5246 5), or of HKDF for TLS 1.3 suites. SSL 3.0 and
// TLS 1.0/1.1 use their own fixed MD5/SHA-1 constructions whatever the suite says.
enum class PrfHash : uint8_t { SHA256, SHA384, SM3, GOSTR3411_94, STREEBOG256 };

struct CipherSuiteInfo {
  uint16_t code;
  std::string_view name;          // IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  std::string_view openssl_name;  // e.g. "ECDHE-RSA-AES128-GCM-SHA256"; "" if OpenSSL never had it
  KeyExchange kx;
  Authentication auth;
  BulkCipher cipher;
  CipherMode mode;
  MacAlgorithm mac;
  PrfHash prf;

  // Record protection sizes, in bytes, as the key block (RFC 5246 6.3) lays them out:
  // client MAC key, server MAC key, client key, server key, client IV, server IV.
  uint8_t key_material_length;  // cipher key bytes taken from the key block (5 or 7 for export)
  uint8_t key_length;           // cipher key bytes actually used (export keys are expanded to this)
  uint8_t iv_length;            // fixed IV from the key block: the CBC IV for SSL 3.0/TLS 1.0,
                                // the AEAD implicit nonce (salt) for TLS 1.2, the whole nonce base
                                // for TLS 1.3. Export suites derive it from the randoms instead.
  uint8_t record_iv_length;     // explicit per-record IV/nonce: the CBC IV from TLS 1.1 on (none
                                // before), the 8-byte GCM/CCM nonce in TLS 1.2, 0 for TLS 1.3
  uint8_t block_size;           // cipher block size for CBC padding; 0 for stream, CTR and AEAD
  uint8_t mac_key_length;       // MAC key bytes from the key block; 0 for AEAD
  uint8_t mac_length;           // MAC bytes appended to each record; 0 for AEAD
  uint8_t tag_length;           // AEAD tag bytes; 0 for non-AEAD
  uint16_t strength_bits;       // effective symmetric strength: 40 for export, 112 for 3DES, ...

  bool export_grade;     // an EXPORT/EXPORT1024 suite
  bool anonymous;        // the server is not authenticated at all
  bool forward_secrecy;  // ephemeral key exchange (TLS 1.3: unless psk_ke alone is used)
  bool aead;
  bool cbc;
  bool null_encryption;  // records travel in clear (NULL cipher, or integrity-only)
  bool tls13;            // a TLS 1.3 suite (not usable with earlier versions)
  bool scsv;             // a signalling value, never a negotiated suite
  bool iana_registered;  // false for the widely-seen unregistered values listed here
};

// nullptr when the code is not a known suite (GREASE included).
const CipherSuiteInfo* cipher_suite_info(uint16_t code);
// IANA name; "GREASE" for GREASE; "" if unknown.
std::string_view cipher_suite_name(uint16_t code);
// Every known suite, sorted by code (for tests and for listing).
std::span<const CipherSuiteInfo> all_cipher_suites();

std::string_view to_string(KeyExchange);
std::string_view to_string(Authentication);
std::string_view to_string(BulkCipher);
std::string_view to_string(CipherMode);
std::string_view to_string(MacAlgorithm);
std::string_view to_string(PrfHash);

// SSLv2 CIPHER-KINDs: 3-byte codes in an SSLv2 (or SSLv2-compatible) ClientHello. A
// compatible hello also carries TLS suites as 0x00XXXX; look those up with
// cipher_suite_info(code & 0xFFFF) when code <= 0xFFFF.
struct Ssl2CipherKind {
  uint32_t code;
  std::string_view name;          // e.g. "SSL_CK_RC4_128_WITH_MD5"
  std::string_view openssl_name;  // e.g. "RC4-MD5"
  BulkCipher cipher;
  uint16_t strength_bits;
  bool export_grade;
};
const Ssl2CipherKind* ssl2_cipher_kind(uint32_t code);
std::string_view ssl2_cipher_kind_name(uint32_t code);
std::span<const Ssl2CipherKind> all_ssl2_cipher_kinds();

// ---------------------------------------------------------------------------------------
// Supported groups (formerly "named curves")

enum class GroupKind : uint8_t {
  BinaryCurve,  // sect*: elliptic curves over GF(2^m)
  PrimeCurve,   // secp*, brainpool*, GOST, SM2: elliptic curves over GF(p)
  Montgomery,   // x25519, x448 (RFC 7748)
  FiniteField,  // ffdhe* (RFC 7919)
  PostQuantum,  // pure ML-KEM
  Hybrid,       // classical ECDH combined with a KEM
  Explicit,     // arbitrary_explicit_*: curve parameters sent in ServerKeyExchange
};

struct GroupInfo {
  uint16_t code;
  std::string_view name;
  GroupKind kind;
  uint16_t bits;  // field/modulus size of the classical part (255 for x25519); 0 for pure KEMs
                  // and explicit curves
  bool obsolete;  // pre-standard code points (e.g. X25519Kyber768Draft00)
};
const GroupInfo* group_info(uint16_t code);
std::string_view group_name(uint16_t code);  // "GREASE" for GREASE, "" if unknown
std::span<const GroupInfo> all_groups();
std::string_view to_string(GroupKind);

// ---------------------------------------------------------------------------------------
// Signature schemes (TLS 1.3 SignatureScheme; in TLS 1.2 the same two bytes are a
// HashAlgorithm byte followed by a SignatureAlgorithm byte)

enum class SignatureKind : uint8_t {
  RSA_PKCS1,
  RSA_PSS_RSAE,  // PSS with an rsaEncryption key
  RSA_PSS_PSS,   // PSS with an id-RSASSA-PSS key
  DSA,
  ECDSA,
  EdDSA,
  SM2,
  GOST,
  MLDSA,
  IBC,  // identity-based schemes (draft-wang-tls-raw-public-key-with-ibc)
};

enum class SignatureHash : uint8_t {
  None,  // no hash, or one the scheme fixes without naming (the IBC schemes)
  MD5,
  SHA1,
  SHA224,
  SHA256,
  SHA384,
  SHA512,
  Intrinsic,  // EdDSA, ML-DSA: the scheme hashes internally
  SM3,
  STREEBOG256,
  STREEBOG512,
};

// The table holds the IANA schemes plus the TLS 1.2 pairs peers commonly offer that IANA
// only reserves (dsa_sha256, rsa_pkcs1_sha224, ...), named the way OpenSSL names them.
struct SignatureSchemeInfo {
  uint16_t code;
  std::string_view name;
  SignatureKind kind;
  SignatureHash hash;
};
const SignatureSchemeInfo* signature_scheme_info(uint16_t code);
std::string_view signature_scheme_name(uint16_t code);  // "GREASE" / "" as above
std::span<const SignatureSchemeInfo> all_signature_schemes();
std::string_view to_string(SignatureKind);
std::string_view to_string(SignatureHash);

// TLS 1.2 byte registries, for a pair that is not a known scheme: show 0x0102 as
// hash_algorithm_name(0x01) + "+" + signature_algorithm_name(0x02) = "md5+dsa".
std::string_view hash_algorithm_name(uint8_t);       // "none", "md5", "sha1", ... "intrinsic"
std::string_view signature_algorithm_name(uint8_t);  // "anonymous", "rsa", "dsa", "ecdsa", ...

// ---------------------------------------------------------------------------------------
// Name-only registries

struct CodeName {
  uint16_t code;
  std::string_view name;
};

enum class Registry : uint8_t {
  ExtensionType,     // 16-bit
  ProtocolVersion,   // 16-bit, display names
  AlertDescription,  // the rest are 8-bit
  AlertLevel,
  HandshakeType,
  ContentType,
  EcPointFormat,
  EcCurveType,
  PskKeyExchangeMode,
  CertificateCompressionAlgorithm,  // 16-bit
  CertificateStatusType,
  ServerNameType,
  HeartbeatMode,
  HeartbeatMessageType,
  ClientCertificateType,
  CertificateType,  // client_/server_certificate_type (RFC 7250)
  KeyUpdateRequest,
  CompressionMethod,
  MaxFragmentLength,
  HashAlgorithm,
  SignatureAlgorithm,
  Ssl2MessageType,
};
inline constexpr int kRegistryCount = static_cast<int>(Registry::Ssl2MessageType) + 1;

// Every entry of a name-only registry, sorted by code.
std::span<const CodeName> registry_entries(Registry);
std::string_view registry_name(Registry);  // "ExtensionType", ... (for messages and tests)
// The name of a value in a name-only registry, "" if unknown (no GREASE handling here).
std::string_view lookup_name(Registry, uint16_t code);

std::string_view extension_name(uint16_t code);  // "GREASE" / "" as above
// "TLS 1.2", "SSL 3.0", "DTLS 1.2", "TLS 1.3 (draft 23)"; "GREASE" / "" as above.
std::string_view version_name(uint16_t code);
std::string_view alert_description_name(uint8_t code);
std::string_view alert_level_name(uint8_t code);  // "warning", "fatal"
std::string_view handshake_type_name(uint8_t code);
std::string_view content_type_name(uint8_t code);
std::string_view ec_point_format_name(uint8_t code);
std::string_view ec_curve_type_name(uint8_t code);
std::string_view psk_key_exchange_mode_name(uint8_t code);  // "GREASE" for GREASE
std::string_view certificate_compression_algorithm_name(uint16_t code);
std::string_view certificate_status_type_name(uint8_t code);
std::string_view server_name_type_name(uint8_t code);
std::string_view heartbeat_mode_name(uint8_t code);
std::string_view heartbeat_message_type_name(uint8_t code);
std::string_view client_certificate_type_name(uint8_t code);
std::string_view certificate_type_name(uint8_t code);
std::string_view key_update_request_name(uint8_t code);
std::string_view compression_method_name(uint8_t code);
std::string_view max_fragment_length_name(uint8_t code);  // "2^9" ... "2^12"
std::string_view ssl2_message_type_name(uint8_t code);

}  // namespace tlslens::tls
