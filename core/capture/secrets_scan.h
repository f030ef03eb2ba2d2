// Finds the Decryption Secrets Blocks of a pcapng file (libpcap never hands them out).
#pragma once

#include <string>
#include <vector>

#include "core/capture/pcapng_reader.h"

namespace tlslens {

// Reads every block of `path` (compressed or not) and returns its Decryption Secrets Blocks
// in file order; empty for pcap files and for pcapng files without any. Never throws: a file
// that cannot be read yields what was found before the problem. Standard input ("-"), pipes
// and FIFOs are not scanned (that would consume them): empty.
std::vector<DecryptionSecrets> scan_decryption_secrets(const std::string& path);

}  // namespace tlslens
