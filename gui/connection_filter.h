// ConnectionFilter: the filter box of the connection table — plain words and a small expression
// form, parsed once when the text changes and then matched against each ConnectionRow.
//
// The text is a list of terms separated by spaces; a connection is shown when it matches every
// term. Matching is case-insensitive. "double quotes" keep spaces inside one value.
//
//   word            a substring of the SNI, the client or server address:port, the version,
//                   the cipher suite, the ALPN, the handshake state or a finding code
//   sni:TEXT        a substring of the SNI            (sni:example)
//   addr:TEXT       a substring of either address     (addr:10.0.0.  ip: is the same)
//   port:N          either port is N                  (port:443)
//   version:TEXT    a substring of the version name   (version:1.3  version:"TLS 1.2")
//   suite:TEXT      a substring of the suite name     (suite:CHACHA20)
//   alpn:TEXT       a substring of the selected ALPN  (alpn:h2)
//   state:TEXT      a substring of the handshake state (state:alert  state:complete)
//   decrypted:WORD  the Decrypted column: yes, partly, no (with "no keys"), "no keys",
//                   "nothing encrypted"
//   code:TEXT       a finding code containing TEXT    (code:CERT_EXPIRED  code:CHAIN_)
//   id:N            connection number N               (#N is the same)
//   severity OP L   the worst finding's severity compared with L, where OP is one of
//                   = != < <= > >= and L is none, info, low, medium, high or critical
//                   (severity>=high); "none" (no finding) ranks below info
//   -term, !term    the term negated                  (-port:443  !code:NO_SNI)
//
// A text that does not parse (an unknown key, a port that is not a number, an unknown
// severity) gives an error to show beside the box; the window then leaves the filter as it was.
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include "gui/connection_row.h"

namespace tlslens::gui {

class ConnectionFilter {
 public:
  // Matches everything.
  ConnectionFilter() = default;

  // nullopt with `error` set (one line) when `text` does not parse.
  static std::optional<ConnectionFilter> parse(const QString& text, QString& error);

  bool matches(const ConnectionRow& row) const;
  bool empty() const { return terms_.empty(); }

 private:
  enum class Key { any, sni, address, port, version, suite, alpn, state, decrypted, code, id, severity };
  enum class Compare { eq, ne, lt, le, gt, ge };
  struct Term {
    Key key = Key::any;
    QString text;      // lower case, for substring keys
    quint64 number = 0;  // port, id
    Compare compare = Compare::eq;
    int severity_rank = 0;  // 0: none, 1 + Severity
    bool negated = false;
  };

  static std::optional<Term> parse_term(QString token, QString& error);
  static bool term_matches(const Term& term, const ConnectionRow& row);

  std::vector<Term> terms_;
};

}  // namespace tlslens::gui
