// Fuzzes the hello and extension decoders. The input is one handshake message (seeds: real
// ClientHellos and ServerHellos); it is decoded as a ClientHello and as a ServerHello (the
// 4-byte header is skipped whatever it says) and as an SSLv2-compatible ClientHello record;
// then its extensions block (where the hello decoders found one, else the body) is decoded as
// the block of each message that carries extensions, since every extension has a form per
// message.
#include <algorithm>
#include <cstdint>
#include <span>

#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/tls_facts.h"
#include "core/util/reader.h"

namespace {

using tlslens::Bytes;
using tlslens::Direction;
using tlslens::Reader;
using namespace tlslens::tls;

// Reads every byte every field points at, and checks each field lies within the message, so
// that a wrong span or offset shows up (under ASan) here rather than in a front end.
void touch(const Field& field, Bytes message) {
  volatile uint8_t sink = 0;
  for (uint8_t b : field.bytes) sink = sink ^ b;
  if (static_cast<size_t>(field.offset) + field.length > message.size()) __builtin_trap();
  for (const Field& child : field.children) touch(child, message);
}

// Returns the offset of the extensions block the hello holds (of its length field), or 0.
size_t decode_hello(Bytes message, bool server) {
  TlsFacts facts;
  DecodeContext ctx{server ? Direction::server_to_client : Direction::client_to_server, facts, message};
  Field out(server ? "server_hello" : "client_hello", FieldKind::group);
  Reader body(message.subspan(std::min<size_t>(4, message.size())));
  DecodeResult problem = server ? decode_server_hello(body, ctx, out) : decode_client_hello(body, ctx, out);
  if (problem && problem->offset > message.size()) __builtin_trap();
  touch(out, message);
  const Field* extensions_length = out.find("extensions_length");
  return extensions_length != nullptr ? extensions_length->offset : 0;
}

void decode_sslv2(Bytes record) {
  TlsFacts facts;
  DecodeContext ctx{Direction::client_to_server, facts, record};
  Field out("client_hello", FieldKind::group);
  DecodeResult problem = decode_sslv2_client_hello(ctx, out);
  if (problem && problem->offset > record.size()) __builtin_trap();
  touch(out, record);
}

constexpr uint8_t kMessagesWithExtensions[] = {
    handshake_type::client_hello,         handshake_type::server_hello,       handshake_type::hello_retry_request,
    handshake_type::encrypted_extensions, handshake_type::new_session_ticket, handshake_type::certificate,
    handshake_type::certificate_request};

void decode_as_extension_blocks(Bytes block) {
  for (uint8_t type : kMessagesWithExtensions) {
    TlsFacts facts;
    DecodeContext ctx{Direction::server_to_client, facts, block};
    Field out("message", FieldKind::group);
    Reader in(block);
    decode_extensions(in, type, ctx, out);
    touch(out, block);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes message(data, size);
  size_t client_extensions = decode_hello(message, false);
  size_t server_extensions = decode_hello(message, true);
  decode_sslv2(message);
  size_t block = client_extensions != 0 ? client_extensions : server_extensions;
  decode_as_extension_blocks(message.subspan(block != 0 ? block : std::min<size_t>(4, message.size())));
  return 0;
}
