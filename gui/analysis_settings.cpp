#include "gui/analysis_settings.h"

#include <ctime>
#include <string>
#include <thread>

#include <QFile>

#include "core/capture/secrets_scan.h"
#include "core/crypto/providers.h"

namespace tlslens::gui {

namespace {

std::string file_name_bytes(const QString& path) { return QFile::encodeName(path).toStdString(); }

bool load_keys(const AnalysisSettings& settings, const QString& capture_path, PreparedAnalysis& out, QString& error) {
  auto keys = std::make_shared<crypto::KeyMaterial>();
  crypto::load_crypto_providers();
  std::string why;
  if (!settings.key_log_file.isEmpty() && !keys->key_log.load_file(file_name_bytes(settings.key_log_file), why)) {
    error = QString::fromStdString(why);
    return false;
  }
  int block = 0;
  for (const DecryptionSecrets& dsb : scan_decryption_secrets(file_name_bytes(capture_path), std::thread::hardware_concurrency())) {
    if (dsb.type != DecryptionSecrets::tls_key_log) continue;
    keys->key_log.add_block(std::string_view(reinterpret_cast<const char*>(dsb.data.data()), dsb.data.size()),
                            file_name_bytes(capture_path) + " (Decryption Secrets Block " + std::to_string(++block) +
                                ")");
  }
  for (const auto& problem : keys->key_log.problems()) out.warnings.append(QString::fromStdString(problem.to_string()));
  for (const QString& path : settings.rsa_key_files) {
    if (!keys->rsa_keys.add_file(file_name_bytes(path), {}, std::nullopt, why)) {
      error = QString::fromStdString(why);
      return false;
    }
  }
  if (!keys->empty()) out.keys = std::move(keys);
  return true;
}

}  // namespace

std::optional<PreparedAnalysis> prepare_analysis(const AnalysisSettings& settings, const QString& capture_path,
                                                 QString& error) {
  PreparedAnalysis prepared;
  if (!load_keys(settings, capture_path, prepared, error)) return std::nullopt;
  if (settings.audit) {
    std::string why;
    auto trust = audit::TrustStore::load(file_name_bytes(settings.ca_file), {}, why);
    if (!trust) {
      error = QString::fromStdString(why);
      return std::nullopt;
    }
    prepared.trust_description = QString::fromStdString(trust->description());
    prepared.trust = std::make_shared<const audit::TrustStore>(std::move(*trust));
  }
  prepared.now = Timestamp::from_sec_nsec(static_cast<int64_t>(std::time(nullptr)), 0);
  return prepared;
}

}  // namespace tlslens::gui
