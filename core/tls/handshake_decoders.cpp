// The handshake message dispatcher: header, length check, and the choice of body decoder.
#include "core/tls/handshake_decoders.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/tls/field_reading.h"
#include "core/tls/registry.h"

namespace tlslens::tls {

namespace {

constexpr size_t kHeaderSize = 4;

// Room for a message's own fields at once: the header's two and the body's (a ClientHello
// adds ten), where the vector would otherwise grow through 4, 8 and 16.
constexpr size_t kMessageFieldsCapacity = 16;

// RFC 8446 4.1.3: a ServerHello whose random is SHA-256("HelloRetryRequest") is a
// HelloRetryRequest.
constexpr std::array<uint8_t, 32> kHelloRetryRequestRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

bool carries_hello_retry_request_random(Bytes server_hello_body) {
  Reader in(server_hello_body);
  Bytes random;
  return in.skip(2) && in.bytes(kHelloRetryRequestRandom.size(), random) &&
         std::equal(random.begin(), random.end(), kHelloRetryRequestRandom.begin());
}

std::string_view message_key(uint8_t type, Bytes body) {
  if (type == handshake_type::server_hello && carries_hello_retry_request_random(body)) return "hello_retry_request";
  std::string_view name = handshake_type_name(type);
  return name.empty() ? "unknown_handshake_message" : name;
}

// HelloRequest, ServerHelloDone and EndOfEarlyData carry nothing.
DecodeResult decode_empty_body(Reader& body, DecodeContext& ctx, Field& out) {
  if (body.empty()) return std::nullopt;
  const uint32_t at = offset_in_message(body, ctx);
  const size_t size = body.remaining();
  Bytes extra;
  body.bytes(size, extra);
  out.add_bytes("body", extra).at(at, size).set_detail();
  return DecodeProblem{at, fmt::format("{} should have an empty body but has {} bytes", out.key, size)};
}

// A message tlslens does not decode: its bytes, shown with -A.
DecodeResult decode_opaque_body(Reader& body, DecodeContext& ctx, Field& out) {
  const uint32_t at = offset_in_message(body, ctx);
  const size_t size = body.remaining();
  Bytes bytes;
  body.bytes(size, bytes);
  out.add_bytes("body", bytes).at(at, size).set_detail();
  return std::nullopt;
}

using BodyDecoder = DecodeResult (*)(Reader&, DecodeContext&, Field&);

// nullptr for a type without a decoder of its own.
BodyDecoder decoder_for(uint8_t type) {
  namespace ht = handshake_type;
  switch (type) {
    case ht::hello_request:
    case ht::server_hello_done:
    case ht::end_of_early_data:
      return decode_empty_body;
    case ht::client_hello:
      return decode_client_hello;
    case ht::server_hello:
      return decode_server_hello;
    case ht::new_session_ticket:
      return decode_new_session_ticket;
    case ht::encrypted_extensions:
      return decode_encrypted_extensions;
    case ht::certificate:
      return decode_certificate;
    case ht::server_key_exchange:
      return decode_server_key_exchange;
    case ht::certificate_request:
      return decode_certificate_request;
    case ht::certificate_verify:
      return decode_certificate_verify;
    case ht::client_key_exchange:
      return decode_client_key_exchange;
    case ht::finished:
      return decode_finished;
    case ht::certificate_status:
      return decode_certificate_status;
    case ht::key_update:
      return decode_key_update;
    case ht::compressed_certificate:
      return decode_compressed_certificate;
    default:
      return nullptr;
  }
}

// Checks the 24-bit length against the bytes present. The body given to the decoder is
// what the header declares, or what is there when less is: decoding it still shows the
// reader as much as can be shown, while the length problem is the one reported.
DecodeResult check_body_length(uint32_t declared, size_t present) {
  if (declared > present)
    return DecodeProblem{1, fmt::format("handshake length {} exceeds the {} bytes present", declared, present)};
  if (declared < present)
    return DecodeProblem{
        static_cast<uint32_t>(kHeaderSize + declared),
        fmt::format("{} bytes after the handshake message's declared length {}", present - declared, declared)};
  return std::nullopt;
}

}  // namespace

// clang-format off
std::string_view handshake_display_name(uint8_t type) {
  namespace ht = handshake_type;
  switch (type) {
    case ht::hello_request: return "HelloRequest";
    case ht::client_hello: return "ClientHello";
    case ht::server_hello: return "ServerHello";
    case ht::hello_verify_request: return "HelloVerifyRequest";
    case ht::new_session_ticket: return "NewSessionTicket";
    case ht::end_of_early_data: return "EndOfEarlyData";
    case ht::hello_retry_request: return "HelloRetryRequest";
    case ht::encrypted_extensions: return "EncryptedExtensions";
    case 9: return "RequestConnectionId";
    case 10: return "NewConnectionId";
    case ht::certificate: return "Certificate";
    case ht::server_key_exchange: return "ServerKeyExchange";
    case ht::certificate_request: return "CertificateRequest";
    case ht::server_hello_done: return "ServerHelloDone";
    case ht::certificate_verify: return "CertificateVerify";
    case ht::client_key_exchange: return "ClientKeyExchange";
    case 17: return "ClientCertificateRequest";
    case ht::finished: return "Finished";
    case ht::certificate_url: return "CertificateURL";
    case ht::certificate_status: return "CertificateStatus";
    case ht::supplemental_data: return "SupplementalData";
    case ht::key_update: return "KeyUpdate";
    case ht::compressed_certificate: return "CompressedCertificate";
    case 26: return "EktKey";
    case 67: return "NextProtocol";
    case 203: return "ChannelId";
    case ht::message_hash: return "MessageHash";
    default: return "UnknownHandshakeMessage";
  }
}
// clang-format on

DecodeResult decode_handshake_message(DecodeContext& ctx, Field& out) {
  out = Field("handshake_message", FieldKind::group);
  out.children.reserve(kMessageFieldsCapacity);
  out.at(0, ctx.message.size());
  Reader in(ctx.message);
  uint8_t type = 0;
  uint32_t declared = 0;
  if (!in.u8(type) || !in.u24(declared)) {
    if (!ctx.message.empty()) out.key = message_key(ctx.message[0], {});
    return DecodeProblem{0, fmt::format("handshake header needs 4 bytes, {} present", ctx.message.size())};
  }
  const size_t present = in.remaining();
  Reader body;
  in.sub(std::min<size_t>(declared, present), body);
  out.key = message_key(type, body.rest());

  // A message tlslens decodes is shown by its name, so its header is detail; for any other
  // the type number and length are all there is to show.
  BodyDecoder decoder = decoder_for(type);
  const Show header_show = decoder != nullptr ? Show::with_all : Show::always;
  if (decoder == nullptr) decoder = decode_opaque_body;
  out.add_code("handshake_type", type, handshake_type_name(type)).at(0, 1).show = header_show;
  out.add_uint("length", declared).at(1, 3).show = header_show;

  DecodeResult header_problem = check_body_length(declared, present);
  DecodeResult body_problem = decoder(body, ctx, out);
  if (!body_problem && !body.empty())
    body_problem = problem_at(body, ctx, fmt::format("{} bytes left over after the {}", body.remaining(), out.key));
  return header_problem ? header_problem : body_problem;
}

}  // namespace tlslens::tls
