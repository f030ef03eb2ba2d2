// AnalysisSettings: what the user gave the GUI to analyse captures with — a key log, RSA keys
// and the CA file the audit trusts — and PreparedAnalysis, those files loaded once per load.
//
// The settings are plain paths (what the preferences dialog edits and QSettings stores).
// prepare_analysis() reads them, the capture's own pcapng Decryption Secrets Blocks included
// (as the CLI does by default), on the loader's thread. A load and every later re-read of one
// of its connections share the same PreparedAnalysis, so both see the same keys and roots and
// therefore number and judge connections identically.
#pragma once

#include <memory>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "core/audit/trust_store.h"
#include "core/crypto/key_material.h"
#include "core/util/timestamp.h"

namespace tlslens::gui {

struct AnalysisSettings {
  QString key_log_file;    // NSS key log (SSLKEYLOGFILE); empty: none
  QStringList rsa_key_files;  // PEM/DER/PKCS#12 RSA private keys, matched to servers by modulus
  QString ca_file;         // PEM roots the audit trusts; empty: the system store
  bool audit = true;

  bool operator==(const AnalysisSettings&) const = default;
};

struct PreparedAnalysis {
  std::shared_ptr<const crypto::KeyMaterial> keys;  // null: nothing to decrypt with
  std::shared_ptr<const audit::TrustStore> trust;   // null: no audit
  Timestamp now;                                    // "today" for the audit's validity notes
  QList<QString> warnings;                          // key log lines that could not be used, ...
  QString trust_description;                        // "system default (...)", "--ca-file x (3 certificates)"
};

// Loads the key material and the trust store. nullopt, with `error` (one line naming the file),
// when a given file cannot be used; a capture that is not pcapng simply has no embedded secrets.
std::optional<PreparedAnalysis> prepare_analysis(const AnalysisSettings& settings, const QString& capture_path,
                                                 QString& error);

}  // namespace tlslens::gui
