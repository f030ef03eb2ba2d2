// PEM text of certificates, for "Export certificate" and "Export chain": OpenSSL's
// PEM_write_bio_X509 ("-----BEGIN CERTIFICATE-----" blocks), in the order given.
#pragma once

#include <span>

#include <QByteArray>
#include <QString>

#include "core/x509/certificate.h"

namespace tlslens::gui {

// "" for a certificate OpenSSL could not parse (there is no X509 to write).
QByteArray certificate_pem(const x509::Certificate& certificate);

// Every parsable certificate of the chain, one block each; unparsable ones are skipped.
QByteArray chain_pem(std::span<const x509::Certificate> chain);

// Writes `pem` to `path`; false with `error` (one line) when the file cannot be written.
bool write_pem_file(const QString& path, const QByteArray& pem, QString& error);

}  // namespace tlslens::gui
