// Decoders of the smaller handshake messages (NewSessionTicket, EncryptedExtensions,
// Finished, KeyUpdate, CertificateVerify, CertificateStatus) and of the non-handshake
// record contents (alert, ChangeCipherSpec, heartbeat).
#include <fmt/format.h>

#include "core/tls/field_reading.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/ocsp.h"
#include "core/tls/registry.h"

namespace tlslens::tls {

namespace {

// RFC 6520 4: a heartbeat message carries at least 16 bytes of random padding.
constexpr size_t kMinHeartbeatPadding = 16;

std::string_view key_update_name(uint16_t code) {
  return key_update_request_name(static_cast<uint8_t>(code));
}
std::string_view status_type_name(uint16_t code) {
  return certificate_status_type_name(static_cast<uint8_t>(code));
}
std::string_view alert_level(uint16_t code) {
  return alert_level_name(static_cast<uint8_t>(code));
}
std::string_view alert_description(uint16_t code) {
  return alert_description_name(static_cast<uint8_t>(code));
}
std::string_view heartbeat_type_name(uint16_t code) {
  return heartbeat_message_type_name(static_cast<uint8_t>(code));
}

// RFC 5077 3.3.
DecodeResult decode_tls12_ticket(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_uint(body, ctx, 4, "ticket_lifetime_hint", out)) return p;
  if (auto p = take_opaque(body, ctx, 2, "ticket_length", "ticket", out)) return p;
  return expect_end(body, ctx, "ticket");
}

// RFC 8446 4.6.1.
DecodeResult decode_tls13_ticket(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_uint(body, ctx, 4, "ticket_lifetime", out)) return p;
  if (auto p = take_uint(body, ctx, 4, "ticket_age_add", out)) return p;
  if (auto p = take_short_opaque(body, ctx, 1, "ticket_nonce", out)) return p;
  if (auto p = take_opaque(body, ctx, 2, "ticket_length", "ticket", out, nullptr, 1)) return p;
  if (auto p = decode_extensions(body, handshake_type::new_session_ticket, ctx, out)) return p;
  return expect_end(body, ctx, "extensions");
}

// One OCSPResponse (RFC 6066 8): a 3-byte length, then the DER described as a group. Only
// an ocsp_multi list may hold empty ones (no response for that certificate, RFC 6961 2.2).
DecodeResult take_ocsp_response(Reader& in, DecodeContext& ctx, Field& out, bool may_be_empty) {
  uint32_t length_at = 0;
  Reader der;
  if (auto p = read_vector(in, ctx, 3, "ocsp_response", der, &length_at)) return p;
  out.add_uint("ocsp_response_length", der.remaining()).at(length_at, 3);
  if (der.empty()) return may_be_empty ? std::nullopt : DecodeResult(DecodeProblem{length_at, "empty ocsp_response"});
  Field& response = out.add_group("ocsp_response").at(length_at + 3, der.remaining());
  describe_ocsp_response(der.rest(), response);
  place_unlocated(response, length_at + 3, static_cast<uint32_t>(der.remaining()));
  ctx.facts.ocsp_staple_seen = true;
  return std::nullopt;
}

// RFC 6961 2.2: a list of OCSPResponse, one per certificate of the chain (empty ones allowed).
DecodeResult take_ocsp_response_list(Reader& in, DecodeContext& ctx, Field& out) {
  uint32_t length_at = 0;
  Reader list_bytes;
  if (auto p = read_vector(in, ctx, 3, "ocsp_response_list", list_bytes, &length_at)) return p;
  Field& list = out.add_list("ocsp_response_list").at(length_at, 3 + list_bytes.remaining());
  while (!list_bytes.empty()) {
    Field& entry = list.add_group("ocsp_response_entry");
    const uint32_t entry_at = offset_in_message(list_bytes, ctx);
    if (auto p = take_ocsp_response(list_bytes, ctx, entry, true)) return p;
    entry.at(entry_at, offset_in_message(list_bytes, ctx) - entry_at);
  }
  return std::nullopt;
}

}  // namespace

DecodeResult decode_new_session_ticket(Reader& body, DecodeContext& ctx, Field& out) {
  ctx.facts.new_session_ticket_seen = true;
  return ctx.facts.tls13() ? decode_tls13_ticket(body, ctx, out) : decode_tls12_ticket(body, ctx, out);
}

DecodeResult decode_encrypted_extensions(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = decode_extensions(body, handshake_type::encrypted_extensions, ctx, out)) return p;
  return expect_end(body, ctx, "extensions");
}

DecodeResult decode_finished(Reader& body, DecodeContext& ctx, Field& out) {
  const uint32_t at = offset_in_message(body, ctx);
  const size_t size = body.remaining();
  Bytes verify_data;
  body.bytes(size, verify_data);
  out.add_bytes("verify_data", verify_data).at(at, size);
  if (ctx.dir == Direction::client_to_server)
    ctx.facts.finished_client = true;
  else
    ctx.facts.finished_server = true;
  if (size == 0) return DecodeProblem{at, "Finished has no verify_data"};
  return std::nullopt;
}

DecodeResult decode_key_update(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_code(body, ctx, 1, "request_update", key_update_name, out)) return p;
  return expect_end(body, ctx, "request_update");
}

DecodeResult decode_certificate_verify(Reader& body, DecodeContext& ctx, Field& out) {
  // SSL 3.0 and TLS 1.0/1.1 sign without naming the algorithm (the certificate's key decides).
  if (signatures_name_their_scheme(ctx.facts.negotiated_version)) {
    uint16_t scheme = 0;
    if (auto p = take_signature_scheme(body, ctx, "signature_scheme", out, scheme)) return p;
    if (ctx.dir == Direction::server_to_client) ctx.facts.server_signature_scheme = scheme;
  }
  if (auto p = take_opaque(body, ctx, 2, "signature_length", "signature", out)) return p;
  return expect_end(body, ctx, "signature");
}

DecodeResult decode_certificate_status(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t status_type = 0;
  if (auto p = take_code(body, ctx, 1, "status_type", status_type_name, out, &status_type)) return p;
  switch (status_type) {
    case 1:  // ocsp
      if (auto p = take_ocsp_response(body, ctx, out, false)) return p;
      return expect_end(body, ctx, "ocsp_response");
    case 2:  // ocsp_multi
      if (auto p = take_ocsp_response_list(body, ctx, out)) return p;
      return expect_end(body, ctx, "ocsp_response_list");
    default: {
      const uint32_t at = offset_in_message(body, ctx);
      const size_t size = body.remaining();
      Bytes status;
      body.bytes(size, status);
      out.add_bytes("status", status).at(at, size).set_detail();
      return std::nullopt;
    }
  }
}

DecodeResult decode_alert(DecodeContext& ctx, Field& out) {
  out = Field("alert", FieldKind::group);
  out.at(0, ctx.message.size());
  Reader in(ctx.message);
  if (auto p = take_code(in, ctx, 1, "level", alert_level, out)) return p;
  if (auto p = take_code(in, ctx, 1, "description", alert_description, out)) return p;
  if (!in.empty())
    return problem_at(in, ctx, fmt::format("alert fragment is {} bytes; an alert is 2", ctx.message.size()));
  return std::nullopt;
}

DecodeResult decode_change_cipher_spec(DecodeContext& ctx, Field& out) {
  out = Field("change_cipher_spec", FieldKind::group);
  out.at(0, ctx.message.size());
  Reader in(ctx.message);
  uint32_t type = 0;
  if (auto p = take_uint(in, ctx, 1, "type", out, &type)) return p;
  if (type != 1) return DecodeProblem{0, fmt::format("ChangeCipherSpec type {}, expected 1", type)};
  return expect_end(in, ctx, "type");
}

DecodeResult decode_heartbeat(DecodeContext& ctx, Field& out) {
  out = Field("heartbeat", FieldKind::group);
  out.at(0, ctx.message.size());
  Reader in(ctx.message);
  if (auto p = take_code(in, ctx, 1, "type", heartbeat_type_name, out)) return p;
  const uint32_t length_at = offset_in_message(in, ctx);
  uint32_t payload_length = 0;
  if (auto p = take_uint(in, ctx, 2, "payload_length", out, &payload_length)) return p;

  const uint32_t payload_at = offset_in_message(in, ctx);
  if (payload_length > in.remaining()) {
    // What a Heartbleed probe looks like: the peer asks for more than it sent, hoping the
    // responder copies its own memory to fill the difference. Keep what is there as evidence.
    out.add_bytes("payload", in.rest()).at(payload_at, in.remaining()).set_detail();
    return DecodeProblem{length_at, fmt::format("heartbeat payload_length {} exceeds the record ({} bytes): "
                                                "Heartbleed-style over-read request",
                                                payload_length, ctx.message.size())};
  }
  Bytes payload;
  in.bytes(payload_length, payload);
  out.add_bytes("payload", payload).at(payload_at, payload_length).set_detail();
  const size_t padding = in.remaining();
  out.add_uint("padding_length", padding).at(offset_in_message(in, ctx), padding);
  in.skip(padding);
  if (padding < kMinHeartbeatPadding)
    return DecodeProblem{
        payload_at + payload_length,
        fmt::format("heartbeat padding is {} bytes; RFC 6520 requires at least {}", padding, kMinHeartbeatPadding)};
  return std::nullopt;
}

}  // namespace tlslens::tls
