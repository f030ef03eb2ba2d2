// What the audit reports about one connection: its findings, each tied to the message that
// showed it, and the verification of each certificate chain the peers sent.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/audit/chain_audit.h"
#include "core/audit/finding.h"
#include "core/tcp/stream_consumer.h"
#include "core/util/timestamp.h"

namespace tlslens::audit {

struct FindingEvent {
  Finding finding;
  // Where it showed: the record (0 when judged at the connection's end, e.g. a policy
  // finding of a connection that never got a ServerHello), its direction and time, and the
  // handshake message type (0 for a record, an alert or the end).
  uint64_t record_number = 0;
  Direction dir = Direction::server_to_client;
  Timestamp ts;
  uint8_t handshake_type = 0;
};

struct ChainEvent {
  Party party = Party::server;
  uint64_t record_number = 0;
  Direction dir = Direction::server_to_client;
  Timestamp ts;              // the Certificate message's capture time: the verification time
  std::string name_checked;  // the SNI, --expect-host name or server IP the leaf was checked against
  const ChainAudit* audit = nullptr;
  // The chain as sent (parsed; shared X509 references).
  const std::vector<x509::Certificate>* chain = nullptr;
};

struct ConnectionAudit {
  std::vector<FindingEvent> findings;  // in the order they were reported
  std::optional<ChainAudit> server_chain;
  std::optional<ChainAudit> client_chain;
  std::vector<x509::Certificate> server_certificates;  // as sent
  std::vector<x509::Certificate> client_certificates;

  // The highest severity of any finding; nullopt when there is none.
  std::optional<Severity> worst() const {
    std::optional<Severity> w;
    for (const FindingEvent& f : findings)
      if (!w || f.finding.severity > *w) w = f.finding.severity;
    return w;
  }
};

}  // namespace tlslens::audit
