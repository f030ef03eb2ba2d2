#include "core/crypto/kdf.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>

#include "core/crypto/algorithms.h"
#include "core/tls/registry.h"
#include "core/util/openssl_scope.h"

namespace tlslens::crypto {
namespace {

// Far above anything TLS asks for (the largest SSL 3.0/TLS key block is a few hundred
// bytes); a bound keeps a nonsense length from becoming a huge allocation.
constexpr size_t kMaxOutput = 1 << 16;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, openssl::FreeWith<EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, openssl::FreeWith<EVP_MAC_CTX_free>>;

// Wipes a buffer of secret-derived bytes when it goes out of scope.
class Wipe {
 public:
  explicit Wipe(std::vector<uint8_t>& buffer) : buffer_(buffer) {}
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;
  ~Wipe() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }

 private:
  std::vector<uint8_t>& buffer_;
};

void wipe(std::vector<uint8_t>& buffer) {
  OPENSSL_cleanse(buffer.data(), buffer.size());
  buffer.clear();
}

// The empty vector every function returns when it cannot derive; the OpenSSL error queue
// is cleared so that a failure here does not surface in unrelated code later.
std::vector<uint8_t> fail() {
  ERR_clear_error();
  return {};
}

// An HMAC key that is never null: OpenSSL takes a null key, even of length zero, to mean "keep
// the previous key", so an empty key points at a dummy byte.
const uint8_t* key_data(Bytes key) {
  static const uint8_t kNothing = 0;
  return key.empty() ? &kNothing : key.data();
}

Bytes text_bytes(std::string_view text) {
  return Bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

const char* digest_name(PrfHash hash) {
  switch (hash) {
    case PrfHash::md5_sha1:
      return "MD5-SHA1";
    case PrfHash::sha256:
      return "SHA256";
    case PrfHash::sha384:
      return "SHA384";
    case PrfHash::unsupported:
      break;
  }
  return nullptr;
}

const char* digest_name(Hash hash) {
  return hash == Hash::sha384 ? "SHA384" : "SHA256";
}

// The TLS PRFs and TLS 1.3's HKDF run on OpenSSL's HMAC, one context per thread and digest
// re-keyed for each use, not on its TLS1-PRF, HKDF and TLS1-3-KDF: those take the digest by
// name and fetch it for every derivation, under the lock of OpenSSL's method store — about 20
// times per TLS 1.3 handshake, most of the key schedule's time (strcmp, the lock, allocations;
// perf of BM_KeysTls13), and a lock that worker threads bounce between their cores. Both
// constructions are short loops of HMAC (RFC 5246 5, RFC 5869 2).
struct ThreadHmac {
  EVP_MAC_CTX* ctx = nullptr;
  size_t size = 0;  // the digest's: an HMAC context knows it only once keyed
};

ThreadHmac thread_hmac(std::string_view digest) {
  struct Context {
    std::string_view digest;  // a static name (digest_name)
    MacCtxPtr ctx;
    size_t size;
  };
  thread_local std::vector<Context> contexts;
  for (const Context& c : contexts) {
    if (c.digest == digest) return {c.ctx.get(), c.size};
  }
  const EVP_MD* md = fetched_digest(digest);
  MacCtxPtr ctx(new_hmac_context(digest));
  if (md == nullptr || !ctx || EVP_MD_get_size(md) <= 0) return {};
  contexts.push_back(Context{digest, std::move(ctx), static_cast<size_t>(EVP_MD_get_size(md))});
  return {contexts.back().ctx.get(), contexts.back().size};
}

// HMAC(key, parts...) into `out`, whose size must be the digest's.
bool hmac(std::string_view digest, Bytes key, std::initializer_list<Bytes> parts, std::span<uint8_t> out) {
  const ThreadHmac h = thread_hmac(digest);
  if (h.ctx == nullptr || out.size() != h.size || EVP_MAC_init(h.ctx, key_data(key), key.size(), nullptr) != 1) {
    return false;
  }
  for (Bytes part : parts) {
    if (EVP_MAC_update(h.ctx, part.data(), part.size()) != 1) return false;
  }
  size_t size = 0;
  return EVP_MAC_final(h.ctx, out.data(), &size, out.size()) == 1 && size == out.size();
}

// P_hash (RFC 5246 5; RFC 2246 5 for P_MD5 and P_SHA-1) with seed = label + seed, XORed into
// `out`: HMAC(secret, A(i) + seed) for A(1) = HMAC(secret, seed), A(i) = HMAC(secret, A(i-1)).
bool p_hash_xor(std::string_view digest, Bytes secret, std::string_view label, Bytes seed, std::span<uint8_t> out) {
  const size_t n = thread_hmac(digest).size;
  if (n == 0 || n > EVP_MAX_MD_SIZE) return false;
  const Bytes label_bytes = text_bytes(label);
  std::array<uint8_t, EVP_MAX_MD_SIZE> a{};
  std::array<uint8_t, EVP_MAX_MD_SIZE> block{};
  const std::span<uint8_t> a_out(a.data(), n);
  bool ok = hmac(digest, secret, {label_bytes, seed}, a_out);
  size_t done = 0;
  while (ok && done < out.size()) {
    ok = hmac(digest, secret, {Bytes(a.data(), n), label_bytes, seed}, std::span<uint8_t>(block.data(), n));
    for (size_t i = 0; ok && i < n && done < out.size(); ++i) out[done++] ^= block[i];
    if (ok && done < out.size()) ok = hmac(digest, secret, {Bytes(a.data(), n)}, a_out);  // reads A(i) before writing
  }
  OPENSSL_cleanse(a.data(), a.size());
  OPENSSL_cleanse(block.data(), block.size());
  return ok;
}

std::vector<uint8_t> digest(const char* name, std::initializer_list<Bytes> parts) {
  const EVP_MD* md = fetched_digest(name);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (md == nullptr || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) return fail();
  for (Bytes part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) return fail();
  }
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1) {
    wipe(out);
    return fail();
  }
  out.resize(size);
  return out;
}

std::vector<uint8_t> concat(Bytes a, Bytes b) {
  std::vector<uint8_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

bool uses_tls_prf(uint16_t version) {
  return (version >= kTls10 && version <= kTls12) || version == kDtls10 || version == kDtls12;
}

// RFC 6101 6.1 and 6.2.2: the output is the concatenation, for i = 1, 2, ..., of
//   MD5(secret + SHA1(letters_i + secret + random1 + random2))
// where letters_i is the letter 'A' + i - 1 repeated i times. Letters run out after 'Z', so
// at most 26 MD5 blocks (416 bytes) exist.
std::vector<uint8_t> ssl3_expand(Bytes secret, Bytes random1, Bytes random2, size_t length) {
  constexpr size_t kMd5Size = 16;
  constexpr size_t kSha1Size = 20;
  constexpr size_t kMaxRounds = 26;
  if (length == 0 || length > kMaxRounds * kMd5Size) return {};

  const EVP_MD* md5 = fetched_digest("MD5");
  const EVP_MD* sha1 = fetched_digest("SHA1");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (md5 == nullptr || sha1 == nullptr || !ctx) return fail();

  const size_t rounds = (length + kMd5Size - 1) / kMd5Size;
  std::vector<uint8_t> out(rounds * kMd5Size);
  std::vector<uint8_t> inner(kSha1Size);
  Wipe wipe_inner(inner);
  std::array<uint8_t, kMaxRounds> letters{};
  for (size_t i = 0; i < rounds; ++i) {
    letters.fill(static_cast<uint8_t>('A' + i));
    unsigned int inner_size = 0;
    unsigned int outer_size = 0;
    bool ok = EVP_DigestInit_ex2(ctx.get(), sha1, nullptr) == 1 &&
              EVP_DigestUpdate(ctx.get(), letters.data(), i + 1) == 1 &&
              EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) == 1 &&
              EVP_DigestUpdate(ctx.get(), random1.data(), random1.size()) == 1 &&
              EVP_DigestUpdate(ctx.get(), random2.data(), random2.size()) == 1 &&
              EVP_DigestFinal_ex(ctx.get(), inner.data(), &inner_size) == 1 && inner_size == kSha1Size &&
              EVP_DigestInit_ex2(ctx.get(), md5, nullptr) == 1 &&
              EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) == 1 &&
              EVP_DigestUpdate(ctx.get(), inner.data(), inner.size()) == 1 &&
              EVP_DigestFinal_ex(ctx.get(), out.data() + i * kMd5Size, &outer_size) == 1 && outer_size == kMd5Size;
    if (!ok) {
      wipe(out);
      return fail();
    }
  }
  OPENSSL_cleanse(out.data() + length, out.size() - length);
  out.resize(length);
  return out;
}

// The first n bytes of v (v is wiped and emptied when shorter).
std::vector<uint8_t> truncated(std::vector<uint8_t> v, size_t n) {
  if (v.size() < n) {
    wipe(v);
    return v;
  }
  OPENSSL_cleanse(v.data() + n, v.size() - n);
  v.resize(n);
  return v;
}

KeyBlockParts failed_parts(KeyBlockParts& partial) {
  for (std::vector<uint8_t>* field : {&partial.client_mac, &partial.server_mac, &partial.client_key,
                                      &partial.server_key, &partial.client_iv, &partial.server_iv}) {
    wipe(*field);
  }
  ERR_clear_error();
  return {};
}

std::vector<uint8_t> zeros(Hash hash) {
  return std::vector<uint8_t>(hash_length(hash), 0);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// SSL 3.0 and TLS 1.0-1.2

std::string_view to_string(PrfHash hash) {
  switch (hash) {
    case PrfHash::md5_sha1:
      return "md5_sha1";
    case PrfHash::sha256:
      return "sha256";
    case PrfHash::sha384:
      return "sha384";
    case PrfHash::unsupported:
      break;
  }
  return "unsupported";
}

PrfHash prf_hash_for(uint16_t version, const tls::CipherSuiteInfo& suite) {
  if (version == kSsl30 || version == kTls10 || version == kTls11 || version == kDtls10) return PrfHash::md5_sha1;
  if (version != kTls12 && version != kDtls12) return PrfHash::unsupported;
  switch (suite.prf) {
    case tls::PrfHash::SHA256:
      return PrfHash::sha256;
    case tls::PrfHash::SHA384:
      return PrfHash::sha384;
    default:
      return PrfHash::unsupported;
  }
}

std::vector<uint8_t> tls_prf(PrfHash hash, Bytes secret, std::string_view label, Bytes seed, size_t length) {
  const char* md = digest_name(hash);
  if (md == nullptr || length == 0 || length > kMaxOutput) return {};
  std::vector<uint8_t> out(length, 0);
  bool ok = false;
  if (hash == PrfHash::md5_sha1) {
    // TLS 1.0/1.1 (RFC 2246 5): P_MD5 over the secret's first half XOR P_SHA-1 over its second
    // half, the halves sharing the middle byte when the length is odd.
    const size_t half = (secret.size() + 1) / 2;
    ok = p_hash_xor("MD5", secret.first(half), label, seed, out) &&
         p_hash_xor("SHA1", secret.last(half), label, seed, out);
  } else {
    ok = p_hash_xor(md, secret, label, seed, out);
  }
  if (!ok) {
    wipe(out);
    return fail();
  }
  return out;
}

std::vector<uint8_t> master_secret(uint16_t version, PrfHash hash, Bytes premaster, Bytes client_random,
                                   Bytes server_random) {
  constexpr size_t kMasterSecretSize = 48;
  if (version == kSsl30) return ssl3_expand(premaster, client_random, server_random, kMasterSecretSize);
  if (!uses_tls_prf(version)) return {};
  std::vector<uint8_t> seed = concat(client_random, server_random);
  return tls_prf(hash, premaster, "master secret", seed, kMasterSecretSize);
}

std::vector<uint8_t> extended_master_secret(PrfHash hash, Bytes premaster, Bytes session_hash) {
  return tls_prf(hash, premaster, "extended master secret", session_hash, 48);
}

std::vector<uint8_t> key_block(uint16_t version, PrfHash hash, Bytes master, Bytes server_random, Bytes client_random,
                               size_t length) {
  if (version == kSsl30) return ssl3_expand(master, server_random, client_random, length);
  if (!uses_tls_prf(version)) return {};
  std::vector<uint8_t> seed = concat(server_random, client_random);
  return tls_prf(hash, master, "key expansion", seed, length);
}

KeyBlockParts split_key_block(Bytes block, size_t mac_length, size_t key_length, size_t iv_length) {
  KeyBlockParts parts;
  if (block.size() < key_block_length(mac_length, key_length, iv_length)) return parts;
  size_t offset = 0;
  auto take = [&](size_t n) {
    Bytes field = block.subspan(offset, n);
    offset += n;
    return std::vector<uint8_t>(field.begin(), field.end());
  };
  parts.client_mac = take(mac_length);
  parts.server_mac = take(mac_length);
  parts.client_key = take(key_length);
  parts.server_key = take(key_length);
  parts.client_iv = take(iv_length);
  parts.server_iv = take(iv_length);
  return parts;
}

KeyBlockParts export_keys(uint16_t version, PrfHash hash, const KeyBlockParts& parts, Bytes client_random,
                          Bytes server_random, size_t final_key_length, size_t iv_length) {
  KeyBlockParts out;
  out.client_mac = parts.client_mac;
  out.server_mac = parts.server_mac;
  if (final_key_length == 0) return failed_parts(out);

  if (version == kSsl30) {
    constexpr size_t kMd5Size = 16;
    if (final_key_length > kMd5Size || iv_length > kMd5Size) return failed_parts(out);
    out.client_key = truncated(digest("MD5", {parts.client_key, client_random, server_random}), final_key_length);
    out.server_key = truncated(digest("MD5", {parts.server_key, server_random, client_random}), final_key_length);
    if (out.client_key.empty() || out.server_key.empty()) return failed_parts(out);
    if (iv_length > 0) {
      // The IVs depend on public values only, but they are key material all the same.
      out.client_iv = truncated(digest("MD5", {client_random, server_random}), iv_length);
      out.server_iv = truncated(digest("MD5", {server_random, client_random}), iv_length);
      if (out.client_iv.empty() || out.server_iv.empty()) return failed_parts(out);
    }
    return out;
  }

  if (!uses_tls_prf(version)) return failed_parts(out);
  std::vector<uint8_t> seed = concat(client_random, server_random);
  out.client_key = tls_prf(hash, parts.client_key, "client write key", seed, final_key_length);
  out.server_key = tls_prf(hash, parts.server_key, "server write key", seed, final_key_length);
  if (out.client_key.empty() || out.server_key.empty()) return failed_parts(out);
  if (iv_length > 0) {
    std::vector<uint8_t> iv_block = tls_prf(hash, {}, "IV block", seed, 2 * iv_length);
    Wipe wipe_iv_block(iv_block);
    if (iv_block.empty()) return failed_parts(out);
    out.client_iv.assign(iv_block.begin(), iv_block.begin() + static_cast<std::ptrdiff_t>(iv_length));
    out.server_iv.assign(iv_block.begin() + static_cast<std::ptrdiff_t>(iv_length), iv_block.end());
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// TLS 1.3

std::string_view to_string(Hash hash) {
  return hash == Hash::sha384 ? "sha384" : "sha256";
}

size_t hash_length(Hash hash) {
  return hash == Hash::sha384 ? 48 : 32;
}

bool tls13_hash_for(const tls::CipherSuiteInfo& suite, Hash& out) {
  if (!suite.tls13) return false;
  switch (suite.prf) {
    case tls::PrfHash::SHA256:
      out = Hash::sha256;
      return true;
    case tls::PrfHash::SHA384:
      out = Hash::sha384;
      return true;
    default:
      return false;
  }
}

// HKDF-Expand (RFC 5869 2.3): T(i) = HMAC(PRK, T(i-1) | info | i), for at most 255 blocks.
std::vector<uint8_t> hkdf_expand(Hash hash, Bytes prk, Bytes info, size_t length) {
  const size_t block_size = hash_length(hash);
  if (length == 0 || length > 255 * block_size) return {};
  std::vector<uint8_t> out(length);
  std::array<uint8_t, EVP_MAX_MD_SIZE> block{};
  size_t done = 0;
  for (uint8_t i = 1; done < length; ++i) {
    const Bytes previous = i == 1 ? Bytes{} : Bytes(block.data(), block_size);
    const uint8_t counter = i;
    // hmac() reads `previous` before it writes the next block over it.
    const std::span<uint8_t> next(block.data(), block_size);
    if (!hmac(digest_name(hash), prk, {previous, info, Bytes(&counter, 1)}, next)) {
      OPENSSL_cleanse(block.data(), block.size());
      wipe(out);
      return fail();
    }
    const size_t n = std::min(block_size, length - done);
    std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
  OPENSSL_cleanse(block.data(), block.size());
  return out;
}

std::vector<uint8_t> hkdf_extract(Hash hash, Bytes salt, Bytes ikm) {
  // RFC 5869 2.2: a missing salt is HashLen zeros.
  std::vector<uint8_t> zero_salt;
  if (salt.empty()) {
    zero_salt = zeros(hash);
    salt = zero_salt;
  }
  std::vector<uint8_t> out(hash_length(hash));
  if (!hmac(digest_name(hash), salt, {ikm}, out)) {
    wipe(out);
    return fail();
  }
  return out;
}

std::vector<uint8_t> hkdf_expand_label(Hash hash, Bytes secret, std::string_view label, Bytes context, size_t length) {
  // HkdfLabel (RFC 8446 7.1): uint16 length, opaque label<7..255> = "tls13 " + label,
  // opaque context<0..255>.
  static constexpr std::string_view kPrefix = "tls13 ";
  if (kPrefix.size() + label.size() > 255 || context.size() > 255 || length > 0xFFFF) return {};
  std::array<uint8_t, 2 + 1 + 255 + 1 + 255> hkdf_label{};
  size_t n = 0;
  const auto append = [&](Bytes bytes) {
    std::copy(bytes.begin(), bytes.end(), hkdf_label.begin() + static_cast<std::ptrdiff_t>(n));
    n += bytes.size();
  };
  hkdf_label[n++] = static_cast<uint8_t>(length >> 8);
  hkdf_label[n++] = static_cast<uint8_t>(length);
  hkdf_label[n++] = static_cast<uint8_t>(kPrefix.size() + label.size());
  append(text_bytes(kPrefix));
  append(text_bytes(label));
  hkdf_label[n++] = static_cast<uint8_t>(context.size());
  append(context);
  return hkdf_expand(hash, secret, Bytes(hkdf_label.data(), n), length);
}

std::vector<uint8_t> derive_secret(Hash hash, Bytes secret, std::string_view label, Bytes transcript_hash) {
  return hkdf_expand_label(hash, secret, label, transcript_hash, hash_length(hash));
}

std::vector<uint8_t> tls13_early_secret(Hash hash, Bytes psk) {
  if (!psk.empty()) return hkdf_extract(hash, {}, psk);
  std::vector<uint8_t> no_psk = zeros(hash);
  return hkdf_extract(hash, {}, no_psk);
}

std::vector<uint8_t> tls13_handshake_secret(Hash hash, Bytes early_secret, Bytes shared_secret) {
  if (early_secret.empty()) return {};
  std::vector<uint8_t> empty_hash = transcript_hash(hash, {});
  std::vector<uint8_t> salt = derive_secret(hash, early_secret, tls13_label::derived, empty_hash);
  Wipe wipe_salt(salt);
  if (salt.empty()) return {};
  if (!shared_secret.empty()) return hkdf_extract(hash, salt, shared_secret);
  std::vector<uint8_t> no_dhe = zeros(hash);
  return hkdf_extract(hash, salt, no_dhe);
}

std::vector<uint8_t> tls13_master_secret(Hash hash, Bytes handshake_secret) {
  if (handshake_secret.empty()) return {};
  std::vector<uint8_t> empty_hash = transcript_hash(hash, {});
  std::vector<uint8_t> salt = derive_secret(hash, handshake_secret, tls13_label::derived, empty_hash);
  Wipe wipe_salt(salt);
  if (salt.empty()) return {};
  std::vector<uint8_t> no_ikm = zeros(hash);
  return hkdf_extract(hash, salt, no_ikm);
}

TrafficKey traffic_key(Hash hash, Bytes traffic_secret, size_t key_length, size_t iv_length) {
  TrafficKey out;
  out.key = hkdf_expand_label(hash, traffic_secret, tls13_label::key, {}, key_length);
  out.iv = hkdf_expand_label(hash, traffic_secret, tls13_label::iv, {}, iv_length);
  if (out.key.empty() || out.iv.empty()) {
    wipe(out.key);
    wipe(out.iv);
  }
  return out;
}

std::vector<uint8_t> next_traffic_secret(Hash hash, Bytes secret) {
  return hkdf_expand_label(hash, secret, tls13_label::traffic_update, {}, hash_length(hash));
}

std::vector<uint8_t> finished_key(Hash hash, Bytes base_key) {
  return hkdf_expand_label(hash, base_key, tls13_label::finished, {}, hash_length(hash));
}

std::vector<uint8_t> finished_verify_data(Hash hash, Bytes base_key, Bytes transcript_hash) {
  std::vector<uint8_t> key = finished_key(hash, base_key);
  Wipe wipe_key(key);
  if (key.empty()) return {};
  std::vector<uint8_t> out(hash_length(hash));
  if (!hmac(digest_name(hash), key, {transcript_hash}, out)) return fail();
  return out;
}

std::vector<uint8_t> resumption_psk(Hash hash, Bytes resumption_master_secret, Bytes ticket_nonce) {
  return hkdf_expand_label(hash, resumption_master_secret, tls13_label::resumption, ticket_nonce, hash_length(hash));
}

std::vector<uint8_t> transcript_hash(Hash hash, Bytes data) {
  return digest(digest_name(hash), {data});
}

// ---------------------------------------------------------------------------------------
// TranscriptHash

void TranscriptHash::Deleter::operator()(EVP_MD_CTX* ctx) const {
  EVP_MD_CTX_free(ctx);
}

TranscriptHash::TranscriptHash(Hash hash) : TranscriptHash(std::string_view(digest_name(hash))) {}

TranscriptHash::TranscriptHash(PrfHash hash) {
  const char* name = digest_name(hash);
  if (name != nullptr) *this = TranscriptHash(std::string_view(name));
}

TranscriptHash::TranscriptHash(std::string_view openssl_digest_name) {
  const EVP_MD* md = fetched_digest(openssl_digest_name);
  std::unique_ptr<EVP_MD_CTX, Deleter> ctx(EVP_MD_CTX_new());
  if (md == nullptr || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) {
    ERR_clear_error();
    return;
  }
  ctx_ = std::move(ctx);
}

TranscriptHash::TranscriptHash(const TranscriptHash& other) {
  *this = other;
}

TranscriptHash& TranscriptHash::operator=(const TranscriptHash& other) {
  if (this == &other) return *this;
  ctx_.reset();
  if (!other.ctx_) return *this;
  std::unique_ptr<EVP_MD_CTX, Deleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), other.ctx_.get()) != 1) {
    ERR_clear_error();
    return *this;
  }
  ctx_ = std::move(ctx);
  return *this;
}

TranscriptHash::TranscriptHash(TranscriptHash&&) noexcept = default;
TranscriptHash& TranscriptHash::operator=(TranscriptHash&&) noexcept = default;
TranscriptHash::~TranscriptHash() = default;

size_t TranscriptHash::length() const {
  if (!ctx_) return 0;
  int size = EVP_MD_get_size(EVP_MD_CTX_get0_md(ctx_.get()));
  return size > 0 ? static_cast<size_t>(size) : 0;
}

void TranscriptHash::update(Bytes data) {
  if (!ctx_) return;
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    // A transcript with a hole in it is worse than none.
    ctx_.reset();
    ERR_clear_error();
  }
}

std::vector<uint8_t> TranscriptHash::current() const {
  if (!ctx_) return {};
  // Finishing a copy leaves the running state untouched.
  MdCtxPtr copy(EVP_MD_CTX_new());
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1) return fail();
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(copy.get(), out.data(), &size) != 1) return fail();
  out.resize(size);
  return out;
}

void TranscriptHash::restart_with_message_hash() {
  constexpr uint8_t kMessageHash = 254;
  std::vector<uint8_t> hash = current();
  if (hash.empty() || hash.size() > 255 || EVP_DigestInit_ex2(ctx_.get(), nullptr, nullptr) != 1) {
    ctx_.reset();
    ERR_clear_error();
    return;
  }
  const std::array<uint8_t, 4> header = {kMessageHash, 0, 0, static_cast<uint8_t>(hash.size())};
  update(header);
  update(hash);
}

}  // namespace tlslens::crypto
