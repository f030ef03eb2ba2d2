// Fuzzes the handshake message decoders (every type, every negotiated form), alerts,
// ChangeCipherSpec and heartbeat.
// Input: one byte choosing what was negotiated (the forms of Certificate, NewSessionTicket,
// CertificateRequest and the key exchange messages depend on it) and the direction, then
// one handshake message (header + body). The same bytes are also decoded as an alert,
// ChangeCipherSpec and heartbeat fragment.
#include <cstdint>
#include <span>

#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/tls_facts.h"

namespace {

struct Negotiated {
  uint16_t version;
  uint16_t cipher_suite;
};

constexpr Negotiated kPresets[] = {
    {0x0304, 0x1301},  // TLS 1.3, TLS_AES_128_GCM_SHA256
    {0x0303, 0xC02F},  // TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    {0x0303, 0x009E},  // TLS 1.2, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    {0x0303, 0x009C},  // TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256
    {0x0303, 0x00A8},  // TLS 1.2, TLS_PSK_WITH_AES_128_GCM_SHA256
    {0x0303, 0x5600},  // TLS 1.2, TLS_FALLBACK_SCSV, never a real suite: the bytes-only path
    {0x0303, 0x00AA},  // TLS 1.2, TLS_DHE_PSK_WITH_AES_128_GCM_SHA256
    {0x0303, 0xC037},  // TLS 1.2, TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256
    {0x0303, 0xC01D},  // TLS 1.2, TLS_SRP_SHA_WITH_AES_128_CBC_SHA
    {0x0301, 0x0062},  // TLS 1.0, TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA (no signature scheme)
    {0x0300, 0x0004},  // SSL 3.0, TLS_RSA_WITH_RC4_128_MD5 (bare encrypted premaster)
    {0x0303, 0x0000},  // nothing negotiated yet
};

// Reads every byte and every child of the tree, so ASan sees any span that points outside
// the input.
uint8_t touch(const tlslens::tls::Field& field) {
  uint8_t sum = static_cast<uint8_t>(field.key.size() + field.text.size());
  for (uint8_t b : field.bytes) sum = static_cast<uint8_t>(sum ^ b);
  for (const tlslens::tls::Field& child : field.children) sum = static_cast<uint8_t>(sum + touch(child));
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tlslens;
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  const Negotiated& preset = kPresets[(selector & 0x7F) % std::size(kPresets)];
  tls::TlsFacts facts;
  facts.negotiated_version = preset.version;
  facts.cipher_suite = preset.cipher_suite;
  facts.server_hello_seen = true;
  const Direction dir = selector & 0x80 ? Direction::server_to_client : Direction::client_to_server;
  const Bytes message(data + 1, size - 1);

  volatile uint8_t sink = 0;
  tls::DecodeContext ctx{dir, facts, message};
  tls::Field tree;
  tls::decode_handshake_message(ctx, tree);
  sink = sink ^ touch(tree);
  tls::decode_alert(ctx, tree);
  sink = sink ^ touch(tree);
  tls::decode_change_cipher_spec(ctx, tree);
  sink = sink ^ touch(tree);
  tls::decode_heartbeat(ctx, tree);
  sink = sink ^ touch(tree);
  for (const auto& der : facts.server_chain)
    for (uint8_t b : der) sink = sink ^ b;
  (void)sink;
  return 0;
}
