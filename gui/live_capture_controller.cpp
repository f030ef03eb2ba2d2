#include "gui/live_capture_controller.h"

#include <exception>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "core/capture/bpf_filter.h"

namespace tlslens::gui {

namespace {

// libpcap compiles a filter for a link type; Ethernet is what nearly every interface (loopback
// included, on Linux) presents, and a syntax error is one whatever the link type. The
// interface's own link type is checked again when the capture opens.
constexpr int kFilterCheckLinkType = DLT_EN10MB;

const QString kSpoolName = QStringLiteral("live-capture.pcapng");

QString text_of(const std::string& s) {
  return QString::fromStdString(s);
}

// Fresh key material for every capture, which the worker refreshes as the key log grows. The
// key log may be empty or not exist yet (a browser writes it while it connects): as the CLI
// does, it is then watched, and read when lines appear.
std::optional<PreparedAnalysis> prepare_live_analysis(AnalysisSettings settings, QString& error) {
  const QString key_log = settings.key_log_file;
  const bool key_log_exists = QFileInfo::exists(key_log);
  if (!key_log_exists) settings.key_log_file.clear();
  std::optional<PreparedAnalysis> prepared = prepare_analysis(settings, QString(), error);
  if (!prepared || key_log.isEmpty()) return prepared;
  // prepare_analysis leaves no key material when there is nothing in it yet.
  const bool has_keys = prepared->keys != nullptr;
  auto keys =
      has_keys ? std::const_pointer_cast<crypto::KeyMaterial>(prepared->keys) : std::make_shared<crypto::KeyMaterial>();
  const std::string path = QFile::encodeName(key_log).toStdString();
  std::string why;
  if (!key_log_exists) {
    keys->key_log.watch_file(path);
  } else if (!has_keys && !keys->key_log.load_file(path, why)) {
    error = text_of(why);
    return std::nullopt;
  }
  prepared->keys = std::move(keys);
  return prepared;
}

}  // namespace

QString CaptureInterface::label() const {
  QString text = name;
  if (!description.isEmpty()) text += QStringLiteral(" — ") + description;
  if (loopback && description.isEmpty()) text += QStringLiteral(" — loopback");
  if (!addresses.isEmpty()) text += QStringLiteral(" — ") + addresses.join(QStringLiteral(", "));
  if (!up) text += QStringLiteral(" (down)");
  return text;
}

LiveCaptureController::LiveCaptureController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ConnectionRow>();
  qRegisterMetaType<QList<ConnectionRow>>();
  qRegisterMetaType<FindingRow>();
  qRegisterMetaType<QList<FindingRow>>();
  qRegisterMetaType<LiveCaptureResult>();
  thread_.setObjectName(QStringLiteral("live capture"));
}

LiveCaptureController::~LiveCaptureController() {
  if (source_) source_->stop();
  thread_.quit();
  thread_.wait();
  delete worker_;
}

QList<CaptureInterface> LiveCaptureController::interfaces(QString& error) {
  QList<CaptureInterface> result;
  try {
    for (const InterfaceInfo& info : list_interfaces()) {
      CaptureInterface entry;
      entry.name = text_of(info.name);
      entry.description = text_of(info.description);
      for (const std::string& address : info.addresses) entry.addresses.append(text_of(address));
      entry.loopback = info.loopback;
      entry.up = info.up;
      entry.running = info.running;
      result.append(std::move(entry));
    }
  } catch (const std::exception& e) {
    error = text_of(e.what());
  }
  return result;
}

QString LiveCaptureController::filter_problem(const QString& expression) {
  if (expression.trimmed().isEmpty()) return {};
  try {
    BpfFilter check(expression.toStdString(), kFilterCheckLinkType);
  } catch (const CaptureError& e) {
    return text_of(e.what());
  }
  return {};
}

std::shared_ptr<PacketSource> LiveCaptureController::open_source(const LiveCaptureRequest& request, QString& error) {
  LiveOptions options;
  options.interface = request.interface.toStdString();
  options.filter = request.filter.trimmed().toStdString();
  try {
    return open_live_capture(options);
  } catch (const std::exception& e) {
    error = text_of(e.what());  // the core's message: the CLI says exactly this
    return nullptr;
  }
}

bool LiveCaptureController::start(const LiveCaptureRequest& request) {
  error_.clear();
  if (is_capturing()) {
    error_ = tr("a capture is already running on %1").arg(interface_);
    return false;
  }
  if (request.interface.isEmpty()) {
    error_ = tr("no interface chosen");
    return false;
  }
  if (const QString problem = filter_problem(request.filter); !problem.isEmpty()) {
    error_ = problem;
    return false;
  }
  std::optional<PreparedAnalysis> prepared = prepare_live_analysis(request.settings, error_);
  if (!prepared) return false;
  std::shared_ptr<PacketSource> source = open_source(request, error_);
  if (!source) return false;

  auto spool_dir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("tlslens-live-XXXXXX")));
  if (!spool_dir->isValid()) {
    error_ = tr("cannot create a temporary directory for the capture: %1").arg(spool_dir->errorString());
    return false;
  }
  delete worker_;  // the previous capture's, its thread long finished
  spool_dir_ = std::move(spool_dir);
  source_ = std::move(source);
  analysis_ = std::make_shared<const PreparedAnalysis>(std::move(*prepared));
  interface_ = request.interface;

  worker_ = new LiveCaptureWorker(source_, analysis_, interface_, spool_path());
  worker_->moveToThread(&thread_);
  connect(worker_, &LiveCaptureWorker::connections_found, this, &LiveCaptureController::connections_found);
  connect(worker_, &LiveCaptureWorker::findings_found, this, &LiveCaptureController::findings_found);
  connect(worker_, &LiveCaptureWorker::progress, this, &LiveCaptureController::progress);
  connect(worker_, &LiveCaptureWorker::finished, this, &LiveCaptureController::on_worker_finished);
  thread_.start();
  QMetaObject::invokeMethod(worker_, &LiveCaptureWorker::run, Qt::QueuedConnection);
  state_ = State::capturing;
  emit capture_started(interface_);
  return true;
}

void LiveCaptureController::stop() {
  if (state_ != State::capturing) return;
  state_ = State::stopping;
  source_->stop();  // thread-safe: wakes the worker's read, which then ends
}

void LiveCaptureController::on_worker_finished(const LiveCaptureResult& result) {
  // run() has returned: the thread has nothing left to do.
  thread_.quit();
  thread_.wait();
  source_.reset();  // closes the interface
  state_ = State::stopped;
  if (!result.error.isEmpty()) error_ = result.error;
  emit capture_stopped(result);
}

QString LiveCaptureController::spool_path() const {
  return spool_dir_ ? spool_dir_->filePath(kSpoolName) : QString();
}

bool LiveCaptureController::save(const QString& path, QString& error) const {
  if (state_ != State::stopped || !QFile::exists(spool_path())) {
    error = tr("there is no finished capture to save (stop the capture first)");
    return false;
  }
  if (QFile::exists(path) && !QFile::remove(path)) {
    error = tr("cannot replace %1").arg(path);
    return false;
  }
  QFile spool(spool_path());
  if (!spool.copy(path)) {
    error = tr("cannot save the capture to %1: %2").arg(path, spool.errorString());
    return false;
  }
  return true;
}

}  // namespace tlslens::gui
