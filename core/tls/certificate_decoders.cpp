// Decoders of the Certificate message (TLS 1.2 and TLS 1.3 forms) and of
// CompressedCertificate (RFC 8879).
#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <utility>
#include <vector>

#include "core/tls/field_reading.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_cache.h"

namespace tlslens::tls {

namespace {

using Chain = std::vector<std::vector<uint8_t>>;

// RFC 8879 3 names the algorithms by these code points.
constexpr uint16_t kZlib = 1;
constexpr uint16_t kBrotli = 2;
constexpr uint16_t kZstd = 3;

std::string_view compression_algorithm_name(uint16_t code) {
  return certificate_compression_algorithm_name(code);
}

// Describes one DER certificate as a group over its bytes and keeps a copy for the chain.
// A certificate OpenSSL cannot parse is described by its parse error; the message goes on.
Field& describe_certificate_at(Bytes der, uint32_t offset, Field& list, Chain& chain) {
  Field& group = list.add_group("certificate").at(offset, der.size());
  // Room for the description, "der", and a TLS 1.3 entry's extensions_length and
  // extensions: one allocation instead of the vector's growth through 4, 8, 16 and 32.
  group.children.reserve(x509::kMostCertificateDescriptionFields + 3);
  // Captures repeat the same chains: parse each distinct certificate once.
  const x509::Certificate& certificate = x509::CertificateCache::for_this_thread().parse(der);
  if (certificate.info().parsed)
    x509::describe_certificate(certificate.info(), group);
  else
    group.add_text("parse_error", certificate.info().parse_error.empty() ? "not a certificate OpenSSL can parse"
                                                                         : certificate.info().parse_error);
  place_unlocated(group, offset, static_cast<uint32_t>(der.size()));
  group.add_bytes("der", der).at(offset, der.size()).set_detail();
  chain.emplace_back(der.begin(), der.end());
  return group;
}

// Reads one ASN.1Cert<1..2^24-1> and describes it in `list`.
DecodeResult take_certificate(Reader& in, DecodeContext& ctx, Field& list, Chain& chain, Field** described) {
  uint32_t length_at = 0;
  Reader der;
  if (auto p = read_vector(in, ctx, 3, "certificate", der, &length_at)) return p;
  if (der.empty()) return DecodeProblem{length_at, "empty certificate in certificate_list"};
  *described = &describe_certificate_at(der.rest(), length_at + 3, list, chain);
  return std::nullopt;
}

// RFC 5246 7.4.2: certificate_list<0..2^24-1> of ASN.1Cert.
DecodeResult decode_tls12_certificate_list(Reader& body, DecodeContext& ctx, Field& out, Chain& chain) {
  uint32_t length_at = 0;
  Reader entries;
  if (auto p = read_vector(body, ctx, 3, "certificate_list", entries, &length_at)) return p;
  Field& list = out.add_list("certificate_list").at(length_at, 3 + entries.remaining());
  while (!entries.empty()) {
    Field* described = nullptr;
    if (auto p = take_certificate(entries, ctx, list, chain, &described)) return p;
  }
  return expect_end(body, ctx, "certificate_list");
}

// RFC 8446 4.4.2: certificate_request_context, then CertificateEntry { cert_data, extensions }.
// Each entry's extensions go into its certificate group.
DecodeResult decode_tls13_certificate_list(Reader& body, DecodeContext& ctx, Field& out, Chain& chain) {
  if (auto p = take_short_opaque(body, ctx, 1, "certificate_request_context", out)) return p;
  uint32_t length_at = 0;
  Reader entries;
  if (auto p = read_vector(body, ctx, 3, "certificate_list", entries, &length_at)) return p;
  Field& list = out.add_list("certificate_list").at(length_at, 3 + entries.remaining());
  while (!entries.empty()) {
    Field* described = nullptr;
    if (auto p = take_certificate(entries, ctx, list, chain, &described)) return p;
    if (auto p = decode_extensions(entries, handshake_type::certificate, ctx, *described)) return p;
  }
  return expect_end(body, ctx, "certificate_list");
}

// The chain is kept even when the message breaks off: what was read is what was sent.
void record_chain(DecodeContext& ctx, Chain chain) {
  if (ctx.dir == Direction::server_to_client) {
    ctx.facts.server_chain = std::move(chain);
  } else {
    ctx.facts.client_certificate_empty = chain.empty();
    ctx.facts.client_chain = std::move(chain);
  }
}

DecodeResult decode_certificate_form(Reader& body, DecodeContext& ctx, Field& out, bool tls13) {
  ++ctx.facts.certificate_messages;
  Chain chain;
  DecodeResult result = tls13 ? decode_tls13_certificate_list(body, ctx, out, chain)
                              : decode_tls12_certificate_list(body, ctx, out, chain);
  record_chain(ctx, std::move(chain));
  return result;
}

// ---- CompressedCertificate

struct Decompressed {
  std::vector<uint8_t> bytes;
  std::string error;        // the data is corrupt: a problem
  std::string unsupported;  // an algorithm tlslens cannot decompress: said, not a problem
};

Decompressed inflate_zlib(Bytes compressed, uint32_t uncompressed_length) {
  Decompressed out;
  out.bytes.resize(uncompressed_length);
  uLongf produced = uncompressed_length;
  const int rc = uncompress(out.bytes.data(), &produced, compressed.data(), static_cast<uLong>(compressed.size()));
  if (rc == Z_BUF_ERROR)
    out.error = fmt::format("zlib data decompresses to more than uncompressed_length {}", uncompressed_length);
  else if (rc != Z_OK)
    out.error = fmt::format("zlib decompression failed: {}", zError(rc));
  out.bytes.resize(produced);
  return out;
}

Decompressed inflate_zstd(Bytes compressed, uint32_t uncompressed_length) {
  Decompressed out;
  out.bytes.resize(uncompressed_length);
  const size_t rc = ZSTD_decompress(out.bytes.data(), out.bytes.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(rc)) {
    out.error = fmt::format("zstd decompression failed: {}", ZSTD_getErrorName(rc));
    out.bytes.clear();
  } else {
    out.bytes.resize(rc);
  }
  return out;
}

Decompressed decompress(uint16_t algorithm, Bytes compressed, uint32_t uncompressed_length) {
  switch (algorithm) {
    case kZlib:
      return inflate_zlib(compressed, uncompressed_length);
    case kZstd:
      return inflate_zstd(compressed, uncompressed_length);
    case kBrotli:
      return Decompressed{{}, {}, "brotli not supported"};
    default:
      return Decompressed{{}, {}, fmt::format("unknown compression algorithm {}", algorithm)};
  }
}

// The decompressed Certificate lives in a buffer that dies with this decoder, so its tree
// must not point into it: byte fields become lowercase hex text, and every field is placed
// over the compressed bytes it came from (the only bytes of the message that hold it).
void detach_from_buffer(Field& field, uint32_t offset, uint32_t length) {
  field.at(offset, length);
  if (field.kind == FieldKind::bytes) {
    std::string hex;
    hex.reserve(field.bytes.size() * 2);
    for (uint8_t b : field.bytes) hex += fmt::format("{:02x}", b);
    field.kind = FieldKind::text;
    field.text = std::move(hex);
    field.bytes = {};
  }
  for (Field& child : field.children) detach_from_buffer(child, offset, length);
}

// Decodes the decompressed bytes as a TLS 1.3 Certificate body (RFC 8879 4) into `out`.
DecodeResult decode_decompressed_certificate(const std::vector<uint8_t>& plain, Bytes compressed, DecodeContext& ctx,
                                             Field& out) {
  DecodeContext inner{ctx.dir, ctx.facts, Bytes(plain)};
  Reader body(inner.message);
  Field& certificate = out.add_group("certificate");
  DecodeResult inner_problem = decode_certificate_form(body, inner, certificate, true);
  const auto compressed_at = static_cast<uint32_t>(compressed.data() - ctx.message.data());
  detach_from_buffer(certificate, compressed_at, static_cast<uint32_t>(compressed.size()));
  if (!inner_problem) return std::nullopt;
  return DecodeProblem{compressed_at, fmt::format("in the decompressed Certificate at offset {}: {}",
                                                  inner_problem->offset, inner_problem->reason)};
}

}  // namespace

DecodeResult decode_certificate(Reader& body, DecodeContext& ctx, Field& out) {
  return decode_certificate_form(body, ctx, out, ctx.facts.tls13());
}

DecodeResult decode_compressed_certificate(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t algorithm = 0;
  uint32_t uncompressed_length = 0;
  Bytes compressed;
  if (auto p = take_code(body, ctx, 2, "algorithm", compression_algorithm_name, out, &algorithm)) return p;
  const uint32_t length_at = offset_in_message(body, ctx);
  if (auto p = take_uint(body, ctx, 3, "uncompressed_length", out, &uncompressed_length)) return p;
  if (auto p = take_opaque(body, ctx, 3, "compressed_length", "compressed_certificate_message", out, &compressed, 1))
    return p;
  if (auto p = expect_end(body, ctx, "compressed_certificate_message")) return p;
  // A u24 bounds uncompressed_length to 2^24 - 1, the protocol's message size limit, so the
  // output buffer is bounded whatever the compressed data claims.
  if (uncompressed_length == 0) return DecodeProblem{length_at, "uncompressed_length 0: a Certificate cannot be empty"};

  Decompressed plain = decompress(static_cast<uint16_t>(algorithm), compressed, uncompressed_length);
  const auto compressed_at = static_cast<uint32_t>(compressed.data() - ctx.message.data());
  if (!plain.unsupported.empty()) {
    out.add_text("decompression_error", plain.unsupported).at(compressed_at, compressed.size());
    return std::nullopt;
  }
  if (!plain.error.empty()) return DecodeProblem{compressed_at, plain.error};
  if (plain.bytes.size() != uncompressed_length)
    return DecodeProblem{length_at, fmt::format("uncompressed_length {} but the data decompresses to {} bytes",
                                                uncompressed_length, plain.bytes.size())};
  return decode_decompressed_certificate(plain.bytes, compressed, ctx, out);
}

}  // namespace tlslens::tls
