#include "gui/certificate_view.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/x509/certificate.h"
#include "gui/display_format.h"
#include "gui/field_node.h"
#include "gui/pem_export.h"

namespace tlslens::gui {

namespace {

QString validity_word(audit::Validity validity) { return QString::fromUtf8(audit::to_string(validity)); }

void add_field_items(QTreeWidgetItem* parent, const FieldNode& node) {
  int position = 0;
  for (const FieldNode& child : node.children) {
    const QString name = child.name.isEmpty() ? QStringLiteral("[%1]").arg(position) : child.name;
    auto* item = new QTreeWidgetItem(parent, {name, child.value_text()});
    item->setToolTip(1, child.value_text());
    add_field_items(item, child);
    ++position;
  }
}

QTreeWidgetItem* add_line(QTreeWidgetItem* parent, const QString& name, const QString& value) {
  auto* item = new QTreeWidgetItem(parent, {name, value});
  item->setToolTip(1, value);
  return item;
}

}  // namespace

CertificateView::CertificateView(QWidget* parent)
    : QWidget(parent),
      party_box_(new QComboBox(this)),
      verdict_label_(new QLabel(this)),
      chain_list_(new QListWidget(this)),
      field_tree_(new QTreeWidget(this)),
      verification_tree_(new QTreeWidget(this)),
      export_certificate_button_(new QPushButton(tr("Export certificate…"), this)),
      export_chain_button_(new QPushButton(tr("Export chain…"), this)) {
  party_box_->addItem(tr("Server chain"));
  party_box_->addItem(tr("Client chain"));
  verdict_label_->setWordWrap(true);
  verdict_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  field_tree_->setHeaderLabels({tr("Field"), tr("Value")});
  field_tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  verification_tree_->setHeaderLabels({tr("Verification"), tr("Result")});
  verification_tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

  auto* top = new QHBoxLayout;
  top->addWidget(party_box_);
  top->addWidget(verdict_label_, 1);
  top->addWidget(export_certificate_button_);
  top->addWidget(export_chain_button_);

  auto* split = new QSplitter(Qt::Horizontal, this);
  auto* left = new QSplitter(Qt::Vertical, split);
  left->addWidget(chain_list_);
  left->addWidget(verification_tree_);
  split->addWidget(left);
  split->addWidget(field_tree_);
  split->setStretchFactor(1, 2);
  split->setSizes({480, 800});

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(split, 1);

  connect(party_box_, &QComboBox::currentIndexChanged, this, [this] { show_party(); });
  connect(chain_list_, &QListWidget::currentRowChanged, this, [this](int row) { show_certificate(row); });
  connect(export_certificate_button_, &QPushButton::clicked, this, &CertificateView::export_certificate);
  connect(export_chain_button_, &QPushButton::clicked, this, &CertificateView::export_chain);
  show_party();
}

void CertificateView::set_detail(std::shared_ptr<const ConnectionDetail> detail) {
  detail_ = std::move(detail);
  show_party();
}

int CertificateView::party_index() const { return party_box_->currentIndex() == 1 ? 1 : 0; }

void CertificateView::select_party(audit::Party party) { party_box_->setCurrentIndex(party == audit::Party::client ? 1 : 0); }

void CertificateView::select_certificate(int index) { chain_list_->setCurrentRow(index); }

std::span<const x509::Certificate> CertificateView::chain() const {
  if (!detail_ || !detail_->audit) return {};
  return party_index() == 1 ? std::span<const x509::Certificate>(detail_->audit->client_certificates)
                            : std::span<const x509::Certificate>(detail_->audit->server_certificates);
}

const audit::ChainAudit* CertificateView::chain_audit() const {
  if (!detail_ || !detail_->audit) return nullptr;
  const auto& chain = party_index() == 1 ? detail_->audit->client_chain : detail_->audit->server_chain;
  return chain ? &*chain : nullptr;
}

QString CertificateView::verdict_text() const { return verdict_label_->text(); }

void CertificateView::show_party() {
  chain_list_->clear();
  field_tree_->clear();
  verification_tree_->clear();
  const std::span<const x509::Certificate> certificates = chain();
  const audit::ChainAudit* audit = chain_audit();
  if (!detail_) {
    verdict_label_->setText(tr("Select a connection to see its certificates."));
  } else if (!detail_->audit) {
    verdict_label_->setText(tr("The audit did not run (Edit > Preferences)."));
  } else if (certificates.empty()) {
    verdict_label_->setText(party_index() == 1 ? tr("The client sent no certificate.")
                                               : tr("No server certificate was seen (a TLS 1.3 chain is encrypted: "
                                                    "give the key log to see it)."));
  } else if (audit != nullptr) {
    const int party = party_index();
    QString text = audit->trusted ? tr("Trusted at capture time") : tr("Not trusted: %1").arg(QString::fromStdString(audit->error_text));
    if (audit->trusted != audit->verifies_today)
      text += audit->verifies_today ? tr(" (verifies today)") : tr(" (would not verify today)");
    if (!detail_->name_checked[party].isEmpty()) {
      text += audit->hostname.matched ? tr("; %1 matches (%2)").arg(detail_->name_checked[party],
                                                                  QString::fromStdString(audit->hostname.matched_by))
                                      : tr("; %1 does not match").arg(detail_->name_checked[party]);
    }
    text += tr("; verified as of %1").arg(format_capture_time(detail_->verified_at[party]));
    verdict_label_->setText(text);
  }
  for (size_t i = 0; i < certificates.size(); ++i) {
    const x509::CertificateInfo& info = certificates[i].info();
    QString label = QStringLiteral("#%1  %2").arg(i).arg(info.parsed ? QString::fromStdString(info.subject)
                                                                     : tr("unparsable certificate"));
    if (audit != nullptr && i < audit->certificates.size()) {
      const audit::CertificateStatus& status = audit->certificates[i];
      label += QStringLiteral("  [%1; %2 at capture]")
                   .arg(QString::fromStdString(status.role), validity_word(status.at_capture));
    }
    chain_list_->addItem(label);
  }
  show_verification();
  export_certificate_button_->setEnabled(!certificates.empty());
  export_chain_button_->setEnabled(!certificates.empty());
  if (!certificates.empty()) chain_list_->setCurrentRow(0);
}

void CertificateView::show_certificate(int index) {
  field_tree_->clear();
  const std::span<const x509::Certificate> certificates = chain();
  if (index < 0 || static_cast<size_t>(index) >= certificates.size()) return;
  const x509::CertificateInfo& info = certificates[static_cast<size_t>(index)].info();
  if (const audit::ChainAudit* audit = chain_audit(); audit != nullptr && static_cast<size_t>(index) < audit->certificates.size()) {
    const audit::CertificateStatus& status = audit->certificates[static_cast<size_t>(index)];
    auto* validity = new QTreeWidgetItem(field_tree_, {tr("validity at capture time"), validity_word(status.at_capture)});
    add_line(validity, tr("today"), validity_word(status.today));
    add_line(validity, tr("role in the chain"), QString::fromStdString(status.role));
    validity->setExpanded(true);
  }
  tls::Field described("certificate", tls::FieldKind::group);
  x509::describe_certificate(info, described);
  auto* root = new QTreeWidgetItem(field_tree_, {tr("certificate #%1").arg(index), QString()});
  add_field_items(root, copy_field(described));
  root->setExpanded(true);
}

void CertificateView::show_verification() {
  const audit::ChainAudit* audit = chain_audit();
  if (audit == nullptr) return;
  auto* path = new QTreeWidgetItem(verification_tree_, {tr("path (leaf first)"), audit->reaches_trusted_root
                                                                                      ? tr("ends at a trusted root")
                                                                                      : tr("no trusted root")});
  for (size_t depth = 0; depth < audit->path.size(); ++depth) {
    const audit::PathCertificate& link = audit->path[depth];
    QString result = QStringLiteral("%1; %2 at capture, %3 today")
                         .arg(QString::fromUtf8(audit::to_string(link.source)), validity_word(link.at_capture),
                              validity_word(link.today));
    QStringList errors;
    for (const audit::VerifyError& error : audit->errors)
      if (static_cast<size_t>(error.depth) == depth) errors.append(QString::fromStdString(error.text));
    if (!errors.isEmpty()) result += QStringLiteral("; ") + errors.join(QStringLiteral("; "));
    auto* item = add_line(path, QStringLiteral("%1  %2").arg(depth).arg(QString::fromStdString(link.subject)), result);
    if (!errors.isEmpty()) item->setForeground(1, QBrush(QColor(0xb0, 0x20, 0x20)));
  }
  path->setExpanded(true);
  if (audit->hostname.checked) {
    auto* host = add_line(verification_tree_->invisibleRootItem(), tr("hostname %1").arg(QString::fromStdString(audit->hostname.name)),
                          audit->hostname.matched ? tr("matched by %1").arg(QString::fromStdString(audit->hostname.matched_by))
                                                  : QString::fromStdString(audit->hostname.reason));
    for (const std::string& compared : audit->hostname.compared) add_line(host, tr("compared"), QString::fromStdString(compared));
  }
  for (const audit::Finding& finding : audit->findings)
    add_line(verification_tree_->invisibleRootItem(), QString::fromUtf8(audit::to_string(finding.code)),
             QString::fromStdString(finding.explanation));
  for (const std::string& note : audit->notes)
    add_line(verification_tree_->invisibleRootItem(), tr("note"), QString::fromStdString(note));
}

void CertificateView::export_certificate() {
  const std::span<const x509::Certificate> certificates = chain();
  const int row = chain_list_->currentRow();
  if (row < 0 || static_cast<size_t>(row) >= certificates.size()) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export certificate"), QStringLiteral("certificate.pem"),
                                                    tr("PEM (*.pem *.crt)"));
  if (path.isEmpty()) return;
  QString error;
  if (!write_pem_file(path, certificate_pem(certificates[static_cast<size_t>(row)]), error))
    QMessageBox::warning(this, tr("Export certificate"), error);
}

void CertificateView::export_chain() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export chain"), QStringLiteral("chain.pem"), tr("PEM (*.pem *.crt)"));
  if (path.isEmpty()) return;
  QString error;
  if (!write_pem_file(path, chain_pem(chain()), error)) QMessageBox::warning(this, tr("Export chain"), error);
}

}  // namespace tlslens::gui
