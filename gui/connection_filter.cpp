#include "gui/connection_filter.h"

#include <QStringList>

#include "gui/display_format.h"
#include "gui/tls_labels.h"

namespace tlslens::gui {

namespace {

// Splits on spaces, keeping "quoted parts" (quotes removed) inside one token.
QStringList tokenize(const QString& text, QString& error) {
  QStringList tokens;
  QString current;
  bool quoted = false;
  bool in_token = false;
  for (const QChar c : text) {
    if (c == QLatin1Char('"')) {
      quoted = !quoted;
      in_token = true;
    } else if (c.isSpace() && !quoted) {
      if (in_token) tokens.append(current);
      current.clear();
      in_token = false;
    } else {
      current.append(c);
      in_token = true;
    }
  }
  if (quoted) error = QStringLiteral("a quote is not closed");
  if (in_token) tokens.append(current);
  return tokens;
}

bool contains(const QString& haystack, const QString& lower_needle) {
  return haystack.contains(lower_needle, Qt::CaseInsensitive);
}

std::optional<int> severity_rank(const QString& word) {
  if (word.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) return 0;
  const std::optional<audit::Severity> severity = audit::parse_severity(word.toStdString());
  if (!severity) return std::nullopt;
  return static_cast<int>(*severity) + 1;
}

int severity_rank(const TlsColumns& tls) { return tls.worst ? static_cast<int>(*tls.worst) + 1 : 0; }

bool compare(int left, int right, int op) {
  switch (op) {
    case 0:
      return left == right;
    case 1:
      return left != right;
    case 2:
      return left < right;
    case 3:
      return left <= right;
    case 4:
      return left > right;
    default:
      return left >= right;
  }
}

}  // namespace

std::optional<ConnectionFilter> ConnectionFilter::parse(const QString& text, QString& error) {
  ConnectionFilter filter;
  error.clear();
  const QStringList tokens = tokenize(text, error);
  if (!error.isEmpty()) return std::nullopt;
  for (const QString& token : tokens) {
    std::optional<Term> term = parse_term(token, error);
    if (!term) return std::nullopt;
    filter.terms_.push_back(std::move(*term));
  }
  return filter;
}

std::optional<ConnectionFilter::Term> ConnectionFilter::parse_term(QString token, QString& error) {
  Term term;
  if (token.size() > 1 && (token.startsWith(QLatin1Char('-')) || token.startsWith(QLatin1Char('!')))) {
    term.negated = true;
    token.remove(0, 1);
  }
  if (token.startsWith(QLatin1String("severity"), Qt::CaseInsensitive)) {
    static const char* const kOperators[] = {"!=", "<=", ">=", "=", "<", ">"};
    static const Compare kCompares[] = {Compare::ne, Compare::le, Compare::ge, Compare::eq, Compare::lt, Compare::gt};
    const QString rest = token.mid(8);
    for (size_t i = 0; i < std::size(kOperators); ++i) {
      const QLatin1String op(kOperators[i]);
      if (!rest.startsWith(op) && !(op == QLatin1String("=") && rest.startsWith(QLatin1Char(':')))) continue;
      const QString level = rest.mid(op.size());
      const std::optional<int> rank = severity_rank(level);
      if (!rank) {
        error = QStringLiteral("unknown severity '%1' (none, info, low, medium, high, critical)").arg(level);
        return std::nullopt;
      }
      term.key = Key::severity;
      term.compare = kCompares[i];
      term.severity_rank = *rank;
      return term;
    }
    if (rest.isEmpty()) {
      term.text = token.toLower();  // the plain word "severity"
      return term;
    }
    error = QStringLiteral("'%1': write severity>=high (operators = != < <= > >=)").arg(token);
    return std::nullopt;
  }
  if (token.startsWith(QLatin1Char('#')) && token.size() > 1) token = QStringLiteral("id:") + token.mid(1);

  const qsizetype colon = token.indexOf(QLatin1Char(':'));
  if (colon <= 0) {
    term.text = token;
    return term;
  }
  const QString key = token.left(colon).toLower();
  const QString value = token.mid(colon + 1);
  static const QList<QPair<QString, Key>> kKeys = {
      {QStringLiteral("sni"), Key::sni},         {QStringLiteral("addr"), Key::address},
      {QStringLiteral("ip"), Key::address},      {QStringLiteral("port"), Key::port},
      {QStringLiteral("version"), Key::version}, {QStringLiteral("suite"), Key::suite},
      {QStringLiteral("alpn"), Key::alpn},       {QStringLiteral("state"), Key::state},
      {QStringLiteral("decrypted"), Key::decrypted}, {QStringLiteral("code"), Key::code},
      {QStringLiteral("id"), Key::id},
  };
  for (const auto& [name, k] : kKeys) {
    if (name != key) continue;
    term.key = k;
    term.text = value;
    if (k == Key::port || k == Key::id) {
      bool ok = false;
      term.number = value.toULongLong(&ok);
      if (!ok || (k == Key::port && term.number > 65535)) {
        error = QStringLiteral("'%1': %2 must be a number").arg(token, name);
        return std::nullopt;
      }
    }
    return term;
  }
  // "10.0.0.1:443" is an address, not a key: a plain substring.
  if (key.front().isDigit() || key.front() == QLatin1Char('[')) {
    term.text = token;
    return term;
  }
  error = QStringLiteral("unknown key '%1:' (sni addr port version suite alpn state decrypted code id severity)")
              .arg(key);
  return std::nullopt;
}

bool ConnectionFilter::term_matches(const Term& term, const ConnectionRow& row) {
  const TlsColumns& tls = row.tls;
  switch (term.key) {
    case Key::any: {
      if (contains(tls.sni, term.text) || contains(format_endpoint(row.client), term.text) ||
          contains(format_endpoint(row.server), term.text) || contains(version_label(tls.version), term.text) ||
          contains(cipher_suite_label(tls.cipher_suite), term.text) || contains(tls.alpn, term.text) ||
          contains(outcome_label(tls.outcome), term.text))
        return true;
      for (const QString& code : tls.finding_codes)
        if (contains(code, term.text)) return true;
      return false;
    }
    case Key::sni:
      return contains(tls.sni, term.text);
    case Key::address:
      return contains(QString::fromStdString(row.client.addr.to_string()), term.text) ||
             contains(QString::fromStdString(row.server.addr.to_string()), term.text);
    case Key::port:
      return row.client.port == term.number || row.server.port == term.number;
    case Key::version:
      return tls.version != 0 && contains(version_label(tls.version), term.text);
    case Key::suite:
      return tls.cipher_suite != 0 && contains(cipher_suite_label(tls.cipher_suite), term.text);
    case Key::alpn:
      return contains(tls.alpn, term.text);
    case Key::state:
      return contains(outcome_label(tls.outcome), term.text);
    case Key::decrypted: {
      // Whole words: "no" is "no" and "no keys", not "nothing encrypted".
      const QString label = decryption_label(tls.decryption);
      return tls.is_tls && (label.compare(term.text, Qt::CaseInsensitive) == 0 ||
                            label.startsWith(term.text + QLatin1Char(' '), Qt::CaseInsensitive));
    }
    case Key::code:
      for (const QString& code : tls.finding_codes)
        if (contains(code, term.text)) return true;
      return false;
    case Key::id:
      return row.id == term.number;
    case Key::severity:
      return compare(severity_rank(tls), term.severity_rank, static_cast<int>(term.compare));
  }
  return false;
}

bool ConnectionFilter::matches(const ConnectionRow& row) const {
  for (const Term& term : terms_)
    if (term_matches(term, row) == term.negated) return false;
  return true;
}

}  // namespace tlslens::gui
