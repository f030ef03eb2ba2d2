// Fuzzes record decryption (core/crypto/record_cipher.h) with fixed keys, so that inputs built with
// those keys reach the padding, MAC, inner-content-type and chaining code, and random ones the
// length checks.
// Input: a byte choosing the suite, a byte choosing the version (low 2 bits, for suites that allow
// several) and encrypt-then-MAC (bit 2); then records, each a control byte, [a skip byte,] a 2-byte
// length and the fragment. Control: bit 0 skip a record of unknown length first, bit 1 skip one of
// 4 * (skip byte) bytes first, bit 2 rekey with the same keys first, bit 3 set the sequence number back
// by one first, bits 4-5 content type 20 + n, bit 6 a record version off by one.
// Keys: key[i] = 7i + 1, mac_key[i] = 13i + 5, iv[i] = 3i + 11 (mod 256), in the suite's sizes.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/record_cipher.h"
#include "core/tls/registry.h"
#include "core/util/reader.h"

namespace {
constexpr uint16_t kSuites[] = {
    0xC02F,  // ECDHE-RSA-AES128-GCM-SHA256
    0x009D,  // AES256-GCM-SHA384
    0xC09C,  // AES128-CCM
    0xC0A0,  // AES128-CCM8
    0xCCA8,  // ECDHE-RSA-CHACHA20-POLY1305
    0x1301,  // TLS_AES_128_GCM_SHA256
    0x1303,  // TLS_CHACHA20_POLY1305_SHA256
    0x1305,  // TLS_AES_128_CCM_8_SHA256
    0x002F,  // AES128-SHA
    0x003C,  // AES128-SHA256
    0xC024,  // ECDHE-ECDSA-AES256-SHA384
    0x000A,  // DES-CBC3-SHA
    0x0005,  // RC4-SHA
    0x0004,  // RC4-MD5
    0x0002,  // NULL-SHA
    0xC050,  // ARIA128-GCM-SHA256
    0x0096,  // SEED-SHA
};

std::vector<uint8_t> pattern(size_t n, unsigned mul, unsigned add) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * mul + add);
  return v;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  uint8_t suite_selector, flags;
  if (!in.u8(suite_selector) || !in.u8(flags)) return 0;
  const tlslens::tls::CipherSuiteInfo* suite =
      tlslens::tls::cipher_suite_info(kSuites[suite_selector % std::size(kSuites)]);
  if (suite == nullptr) return 0;
  uint16_t version = static_cast<uint16_t>(0x0300 + (flags & 3));
  if (suite->aead) version = suite->tls13 ? 0x0304 : 0x0303;
  size_t iv_length = 0;  // CBC from TLS 1.1 on, RC4 and NULL take no IV
  if (suite->aead) iv_length = suite->iv_length;
  if (suite->cbc && version < 0x0302) iv_length = suite->block_size;
  tlslens::crypto::DirectionKeys keys{pattern(suite->mac_key_length, 13, 5), pattern(suite->key_length, 7, 1),
                                      pattern(iv_length, 3, 11)};
  std::string error;
  auto cipher = tlslens::crypto::RecordCipher::create(*suite, version, (flags & 4) != 0, keys, error);
  if (!cipher) return 0;

  std::vector<uint8_t> plaintext;
  uint8_t control, skip = 0;
  uint16_t length;
  tlslens::Bytes fragment;
  while (in.u8(control) && (!(control & 0x02) || in.u8(skip)) && in.u16(length) && in.bytes(length, fragment)) {
    if (control & 0x01) cipher->skip_record();
    if (control & 0x02) cipher->skip_record(size_t{4} * skip);
    if (control & 0x04) cipher->rekey(keys);
    if ((control & 0x08) && cipher->sequence_number() > 0) cipher->set_sequence_number(cipher->sequence_number() - 1);
    const uint8_t type = static_cast<uint8_t>(20 + ((control >> 4) & 3));
    uint16_t record_version = version == 0x0304 ? 0x0303 : version;
    if (control & 0x40) record_version ^= 1;
    uint8_t inner = 0;
    (void)cipher->chain_broken();
    auto status = cipher->decrypt(type, record_version, fragment, plaintext, inner);
    if (status != tlslens::crypto::DecryptStatus::ok && !plaintext.empty())
      __builtin_trap();  // never plaintext on failure
    // Touch every plaintext byte so ASan sees any out-of-bounds span.
    volatile uint8_t sink = inner;
    for (uint8_t b : plaintext) sink = sink ^ b;
    (void)sink;
  }
  return 0;
}
