// KeyMaterial: everything the user gave tlslens to decrypt with — key logs (files and pcapng
// Decryption Secrets Blocks), RSA private keys, TLS 1.2 pre-shared keys.
#pragma once

#include <vector>

#include "core/crypto/key_log.h"
#include "core/crypto/psk.h"
#include "core/crypto/rsa_keys.h"

namespace tlslens::crypto {

struct KeyMaterial {
  KeyLog key_log;
  RsaKeyStore rsa_keys;
  std::vector<PresharedKey> psks;

  bool empty() const { return key_log.size() == 0 && rsa_keys.size() == 0 && psks.empty(); }
};

}  // namespace tlslens::crypto
