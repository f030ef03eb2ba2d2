// AuditReport: `--audit` — the audit only, one block per server (SNI and address), printed
// when the capture ends. Connections to the same server are aggregated: what they
// negotiated, each distinct chain the server sent (as sent: subject, issuer, validity, key)
// with its verification, the client certificates, and every finding with the connections it
// was seen on. Servers with the worst findings come first. Memory grows with the number of
// distinct servers, chains and findings, not with connections (connection numbers listed per
// finding are capped).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/output/event_sink.h"
#include "core/output/output_stream.h"

namespace tlslens {

class AuditReport final : public EventSink {
 public:
  AuditReport(OutputStream& out, bool json);
  ~AuditReport() override;

  void tls_summary(const Connection& conn, const tls::SessionSummary& summary) override;
  void finished(const AnalysisSummary& summary) override;

 private:
  struct Server;
  void print_text(const Server& server);
  void print_json(const Server& server);

  OutputStream& out_;
  bool json_;
  std::map<std::string, std::unique_ptr<Server>> servers_;  // by "sni|ip:port"
  uint64_t tls_connections_ = 0;
};

}  // namespace tlslens
