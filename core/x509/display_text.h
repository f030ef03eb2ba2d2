// Display text: bytes from a certificate made safe for a terminal and for JSON.
//
// Certificates carry whatever their issuer put in them: Latin-1 in a UTF8String, NUL bytes
// in a DNS name, terminal escape sequences in a CN. Everything tlslens shows from a
// certificate goes through here, so what reaches the printers is always valid UTF-8 without
// control characters.
#pragma once

#include <string>
#include <string_view>

namespace tlslens::x509 {

enum class Backslash : bool {
  escape,  // raw bytes: a literal backslash becomes \x5c, so every \ starts an escape
  keep,    // text that is already escaped (OpenSSL's RFC 2253 names): leave \ alone
};

// `raw` with every byte that is not part of a valid, printable UTF-8 character written as
// \xNN (lowercase hex). Not printable: C0 controls, DEL and the C1 controls U+0080..U+009F
// (some terminals act on them). Overlong forms, surrogates and code points past U+10FFFF
// are invalid UTF-8 and are escaped byte by byte.
std::string display_text(std::string_view raw, Backslash backslash = Backslash::escape);

}  // namespace tlslens::x509
