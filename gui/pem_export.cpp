#include "gui/pem_export.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <QFile>

namespace tlslens::gui {

namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

}  // namespace

QByteArray certificate_pem(const x509::Certificate& certificate) {
  if (certificate.x509() == nullptr) return {};
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate.x509()) != 1) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return QByteArray(data, static_cast<qsizetype>(size));
}

QByteArray chain_pem(std::span<const x509::Certificate> chain) {
  QByteArray pem;
  for (const x509::Certificate& certificate : chain) pem += certificate_pem(certificate);
  return pem;
}

bool write_pem_file(const QString& path, const QByteArray& pem, QString& error) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(pem) != pem.size()) {
    error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

}  // namespace tlslens::gui
