// The decrypted application data of a connection as one text for the "Data" tab: each
// decrypted application_data record under a heading line (record number, direction, time,
// size), its content as text when it reads as text (UTF-8, printable, tabs and line ends), else
// as a hex dump — or always as a hex dump when asked.
#pragma once

#include <QString>

#include "gui/connection_detail.h"

namespace tlslens::gui {

QString decrypted_data_text(const ConnectionDetail& detail, bool always_hex);

}  // namespace tlslens::gui
