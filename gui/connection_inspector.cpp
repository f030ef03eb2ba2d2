#include "gui/connection_inspector.h"

#include <algorithm>

#include <QCheckBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "gui/certificate_view.h"
#include "gui/connection_detail_loader.h"
#include "gui/decrypted_data_text.h"
#include "gui/display_format.h"
#include "gui/hex_view.h"
#include "gui/timeline_model.h"

namespace tlslens::gui {

ConnectionInspector::ConnectionInspector(QWidget* parent)
    : QWidget(parent),
      status_label_(new QLabel(this)),
      tabs_(new QTabWidget(this)),
      timeline_model_(new TimelineModel(this)),
      timeline_view_(new QTreeView(this)),
      hex_view_(new HexView(this)),
      hex_title_(new QLabel(this)),
      data_view_(new QPlainTextEdit(this)),
      data_as_hex_(new QCheckBox(tr("Hex"), this)),
      certificate_view_(new CertificateView(this)) {
  timeline_view_->setModel(timeline_model_);
  timeline_view_->setUniformRowHeights(true);
  timeline_view_->setAlternatingRowColors(true);
  timeline_view_->header()->setStretchLastSection(false);
  timeline_view_->header()->setSectionResizeMode(TimelineModel::value, QHeaderView::Stretch);
  timeline_view_->setColumnWidth(TimelineModel::item, 320);

  auto* bytes_pane = new QWidget(this);
  auto* bytes_layout = new QVBoxLayout(bytes_pane);
  bytes_layout->setContentsMargins(0, 0, 0, 0);
  bytes_layout->addWidget(hex_title_);
  bytes_layout->addWidget(hex_view_, 1);

  auto* timeline_split = new QSplitter(Qt::Horizontal, this);
  timeline_split->addWidget(timeline_view_);
  timeline_split->addWidget(bytes_pane);
  timeline_split->setStretchFactor(0, 3);
  timeline_split->setStretchFactor(1, 2);

  data_view_->setReadOnly(true);
  data_view_->setLineWrapMode(QPlainTextEdit::NoWrap);
  data_view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  data_view_->setPlaceholderText(tr("No decrypted application data (give a key log or RSA key in Edit > Preferences)"));
  auto* data_pane = new QWidget(this);
  auto* data_layout = new QVBoxLayout(data_pane);
  data_layout->setContentsMargins(0, 0, 0, 0);
  data_layout->addWidget(data_as_hex_);
  data_layout->addWidget(data_view_, 1);

  tabs_->addTab(timeline_split, tr("Timeline"));
  tabs_->addTab(data_pane, tr("Decrypted data"));
  tabs_->addTab(certificate_view_, tr("Certificates"));

  status_label_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(status_label_);
  layout->addWidget(tabs_, 1);

  connect(timeline_view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this] { show_selected_bytes(); });
  connect(data_as_hex_, &QCheckBox::toggled, this, [this] { show_data(); });

  loader_ = new ConnectionDetailLoader;  // no parent: it moves to another thread
  loader_->moveToThread(&loader_thread_);
  connect(&loader_thread_, &QThread::finished, loader_, &QObject::deleteLater);
  connect(this, &ConnectionInspector::detail_requested, loader_,
          qOverload<quint64, const QString&, std::shared_ptr<const PreparedAnalysis>, quint64,
                    std::shared_ptr<const PacketOffsetIndex>>(&ConnectionDetailLoader::load));
  connect(loader_, &ConnectionDetailLoader::detail_ready, this, &ConnectionInspector::on_detail_ready);
  connect(loader_, &ConnectionDetailLoader::detail_failed, this, &ConnectionInspector::on_detail_failed);
  loader_thread_.setObjectName(QStringLiteral("connection detail loader"));
  loader_thread_.start();
  clear();
}

ConnectionInspector::~ConnectionInspector() {
  loader_->cancel_up_to(request_id_);
  loader_thread_.quit();
  loader_thread_.wait();
}

void ConnectionInspector::set_capture(const QString& path, std::shared_ptr<const PreparedAnalysis> analysis,
                                      std::shared_ptr<const PacketOffsetIndex> offsets) {
  path_ = path;
  analysis_ = std::move(analysis);
  offsets_ = std::move(offsets);
  cache_.clear();
}

void ConnectionInspector::clear() {
  loader_->cancel_up_to(request_id_);
  shown_id_ = 0;
  pending_record_ = 0;
  timeline_model_->clear();
  certificate_view_->clear();
  hex_view_->clear();
  hex_title_->clear();
  data_view_->clear();
  status_label_->setText(tr("Select a connection to see its records, data and certificates."));
}

const ConnectionDetail* ConnectionInspector::detail() const { return timeline_model_->detail(); }

QString ConnectionInspector::status_text() const { return status_label_->text(); }

void ConnectionInspector::show_record(uint64_t connection_id, uint64_t record_number) {
  show_connection(connection_id);
  pending_record_ = record_number;
  if (detail() != nullptr && detail()->id == connection_id) select_pending_record();
}

void ConnectionInspector::show_connection(uint64_t connection_id) {
  if (connection_id == shown_id_ && detail() != nullptr && detail()->id == connection_id) return;
  loader_->cancel_up_to(request_id_);
  shown_id_ = connection_id;
  pending_record_ = 0;
  const auto cached = std::find_if(cache_.begin(), cache_.end(), [&](const auto& d) { return d->id == connection_id; });
  if (cached != cache_.end()) {
    present(*cached);
    return;
  }
  timeline_model_->clear();
  certificate_view_->clear();
  hex_view_->clear();
  data_view_->clear();
  if (!analysis_) {
    status_label_->setText(tr("Connection #%1: its records can be shown once the capture is analysed.").arg(connection_id));
    return;
  }
  status_label_->setText(tr("Reading connection #%1 from the capture…").arg(connection_id));
  emit detail_requested(++request_id_, path_, analysis_, connection_id, offsets_);
}

void ConnectionInspector::on_detail_ready(quint64 request_id, std::shared_ptr<const ConnectionDetail> detail) {
  if (request_id != request_id_) return;
  cache_.push_front(detail);
  if (cache_.size() > kCachedDetails) cache_.pop_back();
  present(std::move(detail));
}

void ConnectionInspector::on_detail_failed(quint64 request_id, const QString& message) {
  if (request_id != request_id_) return;
  status_label_->setText(tr("Connection #%1 could not be read: %2").arg(shown_id_).arg(message));
  emit detail_shown(shown_id_);
}

void ConnectionInspector::present(std::shared_ptr<const ConnectionDetail> detail) {
  QString status = tr("Connection #%1: %2 records").arg(detail->id).arg(format_count(detail->records_seen));
  // Says why a late connection of a large file came quickly (or, for pcapng, why it did not).
  status += detail->read_from_index ? tr(" (read from its first packet: %1 packets)").arg(format_count(detail->packets_read))
                                    : tr(" (read from the file's start: %1 packets)").arg(format_count(detail->packets_read));
  if (detail->capped)
    status += tr(" — only the first %1 are shown (the per-connection cap: %2 records or %3 MiB)")
                  .arg(format_count(detail->records_kept))
                  .arg(format_count(ConnectionDetail::kMaxRecords))
                  .arg(ConnectionDetail::kMaxStoredBytes / (1024 * 1024));
  status_label_->setText(status);
  timeline_model_->set_detail(detail);
  certificate_view_->set_detail(detail);
  show_data();
  select_pending_record();
  emit detail_shown(detail->id);
}

void ConnectionInspector::select_pending_record() {
  if (pending_record_ == 0) return;
  const QModelIndex index = timeline_model_->index_of_record(pending_record_);
  pending_record_ = 0;
  if (!index.isValid()) return;
  timeline_view_->setCurrentIndex(index);
  timeline_view_->expand(index);
  timeline_view_->scrollTo(index);
  tabs_->setCurrentIndex(0);
}

void ConnectionInspector::show_selected_bytes() {
  const ByteSelection selection = timeline_model_->bytes_of(timeline_view_->currentIndex());
  hex_title_->setText(selection.title);
  hex_view_->show_bytes(selection.data, selection.start, selection.length);
}

void ConnectionInspector::show_data() {
  const ConnectionDetail* shown = detail();
  data_view_->setPlainText(shown == nullptr ? QString() : decrypted_data_text(*shown, data_as_hex_->isChecked()));
}

}  // namespace tlslens::gui
