// tlslens_bench, per-connection key set-up: what a decrypted connection costs before its first
// record, in the calls tls::SessionDecryptor makes (fixed secrets, no capture needed).
//
//   BM_KeysTls13/<hash>   the TLS 1.3 key schedule of one full handshake: early, handshake and
//                         master secrets, the four handshake/application traffic secrets, their
//                         keys and IVs (crypto::traffic_key), and both Finished keys
//   BM_KeysTls12/<prf>    the TLS 1.2 key block of one connection from its master secret
//                         (crypto::key_block + split_key_block), as with a CLIENT_RANDOM key log
//   BM_CipherSetUp/<suite>  crypto::RecordCipher::create for one direction (cipher fetch or
//                         cache hit, context, key; HMAC for CBC suites)
//
// items/s: connections (or cipher set-ups). Any failure skips the benchmark with the reason.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/kdf.h"
#include "core/crypto/record_cipher.h"
#include "core/tls/registry.h"

namespace {

using namespace tlslens;

std::vector<uint8_t> filled(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 13);
  return v;
}

void BM_KeysTls13(benchmark::State& state, crypto::Hash hash) {
  const size_t key_length = hash == crypto::Hash::sha384 ? 32 : 16;
  const std::vector<uint8_t> shared = filled(32, 1);
  const std::vector<uint8_t> hello_hash = filled(crypto::hash_length(hash), 2);
  const std::vector<uint8_t> finished_hash = filled(crypto::hash_length(hash), 3);
  namespace label = crypto::tls13_label;
  for (auto _ : state) {
    auto early = crypto::tls13_early_secret(hash, {});
    auto handshake = crypto::tls13_handshake_secret(hash, early, shared);
    auto master = crypto::tls13_master_secret(hash, handshake);
    size_t total = 0;
    for (auto [secret, context] : {std::pair{&handshake, &hello_hash}, std::pair{&master, &finished_hash}}) {
      for (std::string_view l :
           {secret == &handshake ? label::client_handshake_traffic : label::client_application_traffic,
            secret == &handshake ? label::server_handshake_traffic : label::server_application_traffic}) {
        auto traffic = crypto::derive_secret(hash, *secret, l, *context);
        crypto::TrafficKey k = crypto::traffic_key(hash, traffic, key_length);
        if (secret == &handshake) total += crypto::finished_key(hash, traffic).size();
        total += k.key.size() + k.iv.size();
      }
    }
    if (total != 4 * (key_length + 12) + 2 * crypto::hash_length(hash)) {
      state.SkipWithError("a derivation failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_KeysTls13, sha256, crypto::Hash::sha256);
BENCHMARK_CAPTURE(BM_KeysTls13, sha384, crypto::Hash::sha384);

void BM_KeysTls12(benchmark::State& state, crypto::PrfHash prf) {
  const std::vector<uint8_t> master = filled(48, 4);
  const std::vector<uint8_t> client_random = filled(32, 5);
  const std::vector<uint8_t> server_random = filled(32, 6);
  for (auto _ : state) {
    // AES-128-GCM: no MAC key, 16-byte keys, 4-byte implicit IVs.
    auto block = crypto::key_block(crypto::kTls12, prf, master, server_random, client_random,
                                   crypto::key_block_length(0, 16, 4));
    crypto::KeyBlockParts parts = crypto::split_key_block(block, 0, 16, 4);
    if (parts.client_key.size() != 16) {
      state.SkipWithError("the key block could not be derived");
      return;
    }
    benchmark::DoNotOptimize(parts.server_iv.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_KeysTls12, sha256, crypto::PrfHash::sha256);
BENCHMARK_CAPTURE(BM_KeysTls12, sha384, crypto::PrfHash::sha384);

void BM_CipherSetUp(benchmark::State& state, uint16_t code, uint16_t version) {
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(code);
  if (suite == nullptr) {
    state.SkipWithError("unknown suite");
    return;
  }
  crypto::DirectionKeys keys;
  keys.key = filled(suite->key_length, 7);
  if (suite->mode == tls::CipherMode::AEAD) {
    keys.iv = filled(suite->iv_length, 8);
  } else {
    keys.mac_key = filled(suite->mac_key_length, 9);
  }
  for (auto _ : state) {
    std::string error;
    auto cipher = crypto::RecordCipher::create(*suite, version, false, keys, error);
    if (!cipher) {
      state.SkipWithError(("RecordCipher::create: " + error).c_str());
      return;
    }
    benchmark::DoNotOptimize(cipher.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_CipherSetUp, tls13_aes128gcm, 0x1301, 0x0304);
BENCHMARK_CAPTURE(BM_CipherSetUp, tls12_aes128gcm, 0xC02F, 0x0303);
BENCHMARK_CAPTURE(BM_CipherSetUp, tls12_aes128cbc_sha, 0xC013, 0x0303);

}  // namespace
