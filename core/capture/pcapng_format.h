// pcapng's numbers and the one block body both of our pcapng readers decode alike
// (PcapngReader reads every block; secrets_scan walks to the secrets blocks only).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/capture/pcapng_reader.h"
#include "core/util/reader.h"

namespace tlslens::pcapng {

inline constexpr uint32_t kSectionHeaderBlock = 0x0a0d0d0a;  // reads the same in both byte orders
inline constexpr uint32_t kInterfaceDescriptionBlock = 0x00000001;
inline constexpr uint32_t kObsoletePacketBlock = 0x00000002;
inline constexpr uint32_t kSimplePacketBlock = 0x00000003;
inline constexpr uint32_t kEnhancedPacketBlock = 0x00000006;
inline constexpr uint32_t kDecryptionSecretsBlock = 0x0000000a;
inline constexpr uint32_t kByteOrderMagic = 0x1a2b3c4d;
inline constexpr size_t kBlockFramingSize = 12;  // type, leading length, trailing length

inline bool read_u32(Reader& r, bool little_endian, uint32_t& v) { return little_endian ? r.u32le(v) : r.u32(v); }

// A Decryption Secrets Block's body (between the lengths): secrets type, length, data.
// False when the length claims more than the body holds.
inline bool parse_decryption_secrets(Reader body, bool little_endian, DecryptionSecrets& out) {
  uint32_t length = 0;
  Bytes data;
  if (!read_u32(body, little_endian, out.type) || !read_u32(body, little_endian, length) || !body.bytes(length, data))
    return false;
  out.data.assign(data.begin(), data.end());
  return true;
}

}  // namespace tlslens::pcapng
