// The audit in text form, shared by the ssldump-style printer and the --audit report.
// Everything that came from the wire or a certificate is made display-safe here.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "core/audit/connection_audit.h"

namespace tlslens {

// "verified to CN=Root (trust store)", "NOT verified: unable to get local issuer certificate",
// with "; would not verify today" / "; verifies today" when today differs.
std::string chain_verdict(const audit::ChainAudit& chain);
// "localhost matched DNS:localhost", "www.example.test does NOT match: <reason>"; "" when
// no name was checked.
std::string hostname_verdict(const audit::HostnameCheck& check);

// One line: `<indent>chain (server): <verdict>; <hostname verdict>`.
void append_chain_line(fmt::memory_buffer& out, const audit::ChainEvent& chain, std::string_view indent);
// `<indent>! high     CODE  explanation`, then (with_evidence) one `key: value` line per
// piece of evidence, indented under the code.
void append_finding_lines(fmt::memory_buffer& out, const audit::Finding& finding, bool with_evidence,
                          std::string_view indent);
// "high: CHAIN_UNTRUSTED, CERT_EXPIRED; info: EMS_MISSING" (worst first), or "no findings".
std::string findings_digest(const audit::ConnectionAudit& audit);

}  // namespace tlslens
