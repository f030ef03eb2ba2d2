// The system CA bundle, read lazily: certificates are decoded only when a chain asks for an
// issuer of their subject.
//
// Why: X509_STORE_set_default_paths decodes every certificate of the bundle (about 150 roots
// on Debian, each public key through OpenSSL 3's decoders) before the first packet is read:
// about 25 ms on this project's machines, most of a small capture's run and, with threads,
// time no other thread can share. A capture's chains need a handful of them.
//
// How: at start-up the file is only split into PEM blocks and each block's subject name is
// located (a DER walk through the cursor, no public key). An X509_LOOKUP — the hook OpenSSL's
// own hashed-directory lookup uses — answers "certificates with this subject" by decoding the
// matching blocks and adding them to the store. X509_verify_cert asks the store's cache first
// and the lookups on a miss, so it finds the same issuers as with the whole file loaded.
//
// Only plain "CERTIFICATE" blocks are taken lazily. A bundle with anything else (trust
// settings in "TRUSTED CERTIFICATE" blocks, CRLs, encrypted blocks) or an undecodable block is
// refused, and the caller loads it the usual way, so such files behave exactly as before.
#pragma once

#include <openssl/x509_vfy.h>

#include <string>

#include "core/util/reader.h"

namespace tlslens::audit {

// Adds a lookup over the PEM bundle at `path` to `store`. Returns false, adding nothing, if the
// file cannot be read or is not a bundle of plain certificates (see above). Thread safety: the
// lookup may run on several verifying threads at once (its index is read-only; the store
// locks itself when certificates are added).
bool add_lazy_ca_file(X509_STORE* store, const std::string& path);

// The subject name's DER bytes (tag and length included) within one DER certificate; empty if
// `der` does not have a certificate's outer structure. For the index, tests and fuzzing.
Bytes certificate_subject_der(Bytes der);

}  // namespace tlslens::audit
