// The audit in JSON form (docs/json.md: the chain and finding events, the summary's audit
// member), shared by the JSON lines printer and the --audit report.
#pragma once

#include "core/audit/connection_audit.h"
#include "core/output/json_writer.h"

namespace tlslens {

// Members of a chain event, after the event's own "where" members.
void write_chain_members(JsonWriter& json, const audit::ChainEvent& chain);
// The verification result alone: trusted, error, errors, path, certificates, hostname, notes.
void write_chain_audit_members(JsonWriter& json, const audit::ChainAudit& chain);
// Members of a finding: code, severity, party, explanation, evidence (an object).
void write_finding_members(JsonWriter& json, const audit::Finding& finding);
// "audit": {"worst": "high" | null, "findings": N, "codes": [...]}, or null without an audit.
void write_audit_summary(JsonWriter& json, const audit::ConnectionAudit* audit);

}  // namespace tlslens
