// OpenSSL providers tlslens needs: "default" for everything modern, "legacy" for what OpenSSL 3
// moved out of it — RC4, DES, RC2, IDEA, SEED, MD4 — which old cipher suites and PKCS#12 files
// encrypted with RC2-40 (the usual export of older tools) need.
//
// Loading any provider explicitly stops OpenSSL from loading "default" implicitly, so both are
// loaded together, into the default library context, once per process. The providers stay
// loaded until exit.
#pragma once

namespace tlslens::crypto {

// Loads "default" and "legacy" once (thread-safe; later calls return at once). A legacy
// provider that cannot be loaded (not installed, or disabled by the OpenSSL configuration)
// is not an error: it is recorded, and what needs it fails later with a clear message.
// Leaves OpenSSL's error queue as it found it.
void load_crypto_providers();

// Whether the legacy provider is loaded. Loads the providers first if nobody has yet.
bool legacy_provider_available();

}  // namespace tlslens::crypto
