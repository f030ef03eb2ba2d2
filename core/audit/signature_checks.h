// Handshake signatures, verified passively with the certificate's public key.
//
// What is promised: given the bytes a capture shows (and, for TLS 1.3, the decrypted
// handshake), these functions say whether the peer's handshake signature verifies with the
// public key of the leaf certificate it sent:
//   - TLS 1.0-1.2 (and SSL 3.0, DTLS) ServerKeyExchange: the signature covers
//     client_random || server_random || the key exchange parameters exactly as on the wire.
//     TLS 1.2 names a SignatureScheme (or a legacy hash+signature pair such as sha1+rsa);
//     before TLS 1.2 the key type decides: RSA signs MD5 || SHA-1 of the data (36 bytes, PKCS
//     #1 type 1 padding without a DigestInfo), DSA and ECDSA sign its SHA-1.
//   - TLS 1.3 CertificateVerify: the signature covers 64 spaces || "TLS 1.3, server
//     CertificateVerify" (or "client") || 0x00 || Transcript-Hash(ClientHello ..
//     Certificate). RSA-PSS uses MGF1 with the scheme's hash and a salt as long as the hash.
// Every scheme in the registry whose algorithm OpenSSL has is checked: RSA PKCS #1 and PSS
// (rsae and pss keys), DSA, ECDSA (in TLS 1.3 on the curve the scheme names), Ed25519, Ed448.
// The check is about the signature only: whether the scheme was allowed for the version, or
// offered by the peer, is a policy question answered elsewhere.
//
// Three outcomes: valid; invalid (the signature does not verify: HANDSHAKE_SIGNATURE_INVALID,
// critical, with the scheme, the key type and the reason as evidence); not_checkable (an
// unsupported scheme, a key that does not fit the scheme, no key, an OpenSSL that cannot set
// up the operation — the reason says which, and there is no finding, since nothing was shown
// to be wrong).
//
// Nothing here throws or keeps state; every function leaves OpenSSL's thread-local error
// queue empty, whatever happened. The X509* / EVP_PKEY* arguments are borrowed.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/finding.h"
#include "core/crypto/kdf.h"
#include "core/tls/registry.h"
#include "core/util/reader.h"

namespace tlslens::audit {

enum class SignatureVerdict : uint8_t { valid, invalid, not_checkable };
std::string_view to_string(SignatureVerdict verdict);  // "valid", "invalid", "not checkable"

struct SignatureCheck {
  SignatureVerdict verdict = SignatureVerdict::not_checkable;
  std::string scheme;    // "rsa_pss_rsae_sha256 (0x0804)", "RSA with MD5+SHA-1 (TLS 1.0)"
  std::string key_type;  // "RSA 2048 bits", "EC prime256v1", "ED25519", "none"
  std::string reason;    // why invalid or not checkable; empty when valid
  // HANDSHAKE_SIGNATURE_INVALID (critical) when verdict is invalid, nullopt otherwise.
  // Evidence: message ("ServerKeyExchange", "CertificateVerify"), scheme, key_type, reason.
  std::optional<Finding> finding;
};

// ---------------------------------------------------------------------------------------
// TLS 1.0-1.2 ServerKeyExchange

// The signed part of a ServerKeyExchange and its signature. The spans point into the body
// given to split_server_key_exchange().
struct ServerKeyExchangeSignature {
  Bytes params;                    // the key exchange parameters as on the wire (what is signed,
                                   // after the two randoms)
  std::optional<uint16_t> scheme;  // TLS 1.2 and DTLS 1.2: the SignatureAndHashAlgorithm
  Bytes signature;
};

// Splits a ServerKeyExchange body (without the 4-byte handshake header) for the suite's key
// exchange and the negotiated version: the parameters (ServerECDHParams with a named or
// explicit curve for ECDHE_*, ServerDHParams for DHE_*, ServerRSAParams for RSA_EXPORT and
// RSA, ServerSRPParams for SRP_SHA_RSA/DSS), then a 2-byte scheme from TLS 1.2 on, then the
// u16-length signature, which must end the body. nullopt, with `error` set when given, for a
// key exchange whose ServerKeyExchange is not signed (anonymous, PSK, ECDHE_PSK, plain SRP,
// fixed DH), one tlslens cannot lay out, a version without ServerKeyExchange (TLS 1.3), and
// for a body that is truncated, has an empty field where the protocol forbids one, or has
// bytes after the signature.
std::optional<ServerKeyExchangeSignature> split_server_key_exchange(Bytes body, tls::KeyExchange kx, uint16_t version,
                                                                    std::string* error = nullptr);

// Verifies the ServerKeyExchange signature with `key` (the server leaf's public key).
// `client_random` and `server_random` are the 32-byte hello randoms; `version` is the
// negotiated version (it decides whether `ske.scheme` must be present); for a version that
// has no such signature (TLS 1.3) or that tlslens does not know, not_checkable. Party: server.
SignatureCheck verify_server_key_exchange(EVP_PKEY* key, uint16_t version, const ServerKeyExchangeSignature& ske,
                                          Bytes client_random, Bytes server_random);
// The same with the leaf certificate's public key (not_checkable when leaf is null or its
// key cannot be read).
SignatureCheck verify_server_key_exchange(X509* leaf, uint16_t version, const ServerKeyExchangeSignature& ske,
                                          Bytes client_random, Bytes server_random);

// ---------------------------------------------------------------------------------------
// TLS 1.3 CertificateVerify

struct CertificateVerifyParts {
  uint16_t scheme = 0;
  Bytes signature;  // points into the body given to split_certificate_verify()
};
// A CertificateVerify body (without the 4-byte handshake header): a 2-byte scheme and a
// u16-length signature that ends the body. nullopt (with `error`) otherwise.
std::optional<CertificateVerifyParts> split_certificate_verify(Bytes body, std::string* error = nullptr);

// What a TLS 1.3 CertificateVerify signs: 64 spaces, the context string for `signer`
// ("TLS 1.3, server CertificateVerify" / "TLS 1.3, client CertificateVerify"), a zero byte
// and the transcript hash. Party::connection is taken as the server.
std::vector<uint8_t> certificate_verify_content(Party signer, Bytes transcript_hash);

// Verifies a TLS 1.3 CertificateVerify signature made by `signer` with `scheme` over
// `transcript_hash` (Transcript-Hash of ClientHello .. the signer's Certificate; see
// tls13_transcript_hash). The finding's party is the signer.
SignatureCheck verify_certificate_verify(EVP_PKEY* key, uint16_t scheme, Bytes signature, Bytes transcript_hash,
                                         Party signer);
SignatureCheck verify_certificate_verify(X509* leaf, uint16_t scheme, Bytes signature, Bytes transcript_hash,
                                         Party signer);

// Transcript-Hash(messages) with the suite's hash (RFC 8446 4.4.1): `messages` are whole
// handshake messages (4-byte header included) in the order they were sent, e.g. ClientHello,
// ServerHello, EncryptedExtensions, CertificateRequest, Certificate for the server's
// CertificateVerify. A HelloRetryRequest (a ServerHello whose random is the RFC 8446 4.1.3
// constant) is recognised by its random: the messages before it (ClientHello1) are replaced
// by the synthetic message_hash message (type 254, Hash(ClientHello1)), as the RFC says.
// Empty when the hash cannot be computed.
std::vector<uint8_t> tls13_transcript_hash(crypto::Hash hash, std::span<const Bytes> messages);

}  // namespace tlslens::audit
