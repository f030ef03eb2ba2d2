// CertificateView: the certificates of the selected connection — the chain exactly as the peer
// sent it (server, or client for mutual TLS), each certificate's fields (describe_certificate:
// subject, issuer, validity, SANs, key, signature, fingerprints, extensions) with its validity
// at capture time and today, and the verification of the chain (ChainAudit): trusted or why
// not, the path OpenSSL built link by link, every verification error at its depth, the
// hostname check and the notes. Certificates export as PEM, one or the whole chain.
//
// It shows what a ConnectionDetail's audit holds; without the audit (or before a TLS 1.3
// connection is decrypted) it says why there is nothing to show.
#pragma once

#include <memory>
#include <span>

#include <QWidget>

#include "gui/connection_detail.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTreeWidget;

namespace tlslens::gui {

class CertificateView final : public QWidget {
  Q_OBJECT

 public:
  explicit CertificateView(QWidget* parent = nullptr);

  void set_detail(std::shared_ptr<const ConnectionDetail> detail);
  void clear() { set_detail(nullptr); }

  // For tests and the screenshot script.
  QListWidget* chain_list() const { return chain_list_; }
  QTreeWidget* field_tree() const { return field_tree_; }
  QTreeWidget* verification_tree() const { return verification_tree_; }
  QString verdict_text() const;
  void select_party(audit::Party party);
  void select_certificate(int index);
  // The chain currently shown (as sent), or an empty span.
  std::span<const x509::Certificate> chain() const;

 private:
  void show_party();
  void show_certificate(int index);
  void show_verification();
  void export_certificate();
  void export_chain();
  const audit::ChainAudit* chain_audit() const;
  int party_index() const;

  std::shared_ptr<const ConnectionDetail> detail_;
  QComboBox* party_box_;
  QLabel* verdict_label_;
  QListWidget* chain_list_;
  QTreeWidget* field_tree_;
  QTreeWidget* verification_tree_;
  QPushButton* export_certificate_button_;
  QPushButton* export_chain_button_;
};

}  // namespace tlslens::gui
