// audit::check_stapled_ocsp and stapled_ocsp_response on OCSP responses built here with
// OpenSSL's API (OCSP_basic_add1_status + OCSP_basic_sign): a revoked leaf gives CERT_REVOKED
// with its evidence; good and unknown give none; a response for other certificates does not
// cover the leaf; SHA-256 CertIDs are found; without the issuer the leaf is matched by serial
// and name hash; the signature is verified for the issuer and for a delegated responder (and
// refused without the OCSPSigning EKU, from an unrelated signer, when tampered with, or with
// a responder certificate expired at capture time); freshness is judged at the capture time;
// unsuccessful, garbage and trailing bytes are unusable. OpenSSL's error queue stays empty.
#include "core/audit/ocsp_status.h"
#include "core/util/openssl_scope.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

namespace tlslens::audit {
namespace {

using ByteVector = std::vector<uint8_t>;

using openssl::FreeWith;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using BasicPtr = std::unique_ptr<OCSP_BASICRESP, FreeWith<OCSP_BASICRESP_free>>;
using ResponsePtr = std::unique_ptr<OCSP_RESPONSE, FreeWith<OCSP_RESPONSE_free>>;
using CertIdPtr = std::unique_ptr<OCSP_CERTID, FreeWith<OCSP_CERTID_free>>;
using TimePtr = std::unique_ptr<ASN1_TIME, FreeWith<ASN1_TIME_free>>;

// The capture: 2023-11-14 22:13:20 UTC.
constexpr int64_t kCapture = 1700000000;
constexpr int64_t kDay = 86400;
const Timestamp kCaptureTime = Timestamp::from_sec_nsec(kCapture, 0);

KeyPtr ec_key() {
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

struct CertSpec {
  std::string cn;
  long serial = 1;
  bool ca = false;
  bool ocsp_signing = false;
  int64_t not_before = kCapture - 30 * kDay;
  int64_t not_after = kCapture + 365 * kDay;
};

void add_extension(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

// Signed by `issuer`/`issuer_key`, or self-signed when issuer is null.
X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), spec.serial);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(x.get(), key);
  X509* signer = issuer != nullptr ? issuer : x.get();
  if (spec.ca) {
    add_extension(x.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(x.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  }
  if (spec.ocsp_signing) add_extension(x.get(), signer, NID_ext_key_usage, "OCSPSigning");
  EXPECT_GT(X509_sign(x.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()), 0);
  return x;
}

struct Entry {
  X509* cert;
  X509* issuer;
  int status = V_OCSP_CERTSTATUS_GOOD;
  int reason = OCSP_REVOKED_STATUS_NOSTATUS;
  const EVP_MD* md = EVP_sha1();
};

struct ResponseSpec {
  X509* signer;
  EVP_PKEY* signer_key;
  std::vector<Entry> entries;
  unsigned long flags = 0;  // OCSP_NOCERTS leaves the signer's certificate out
  int64_t this_update = kCapture - 3600;
  int64_t next_update = kCapture + 7 * kDay;
  int64_t revoked_at = kCapture - 10 * kDay;
};

ByteVector make_response(const ResponseSpec& spec) {
  BasicPtr basic(OCSP_BASICRESP_new());
  TimePtr this_update(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(spec.this_update)));
  TimePtr next_update(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(spec.next_update)));
  TimePtr revoked_at(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(spec.revoked_at)));
  for (const Entry& e : spec.entries) {
    CertIdPtr id(OCSP_cert_to_id(e.md, e.cert, e.issuer));
    EXPECT_NE(OCSP_basic_add1_status(basic.get(), id.get(), e.status, e.reason,
                                     e.status == V_OCSP_CERTSTATUS_REVOKED ? revoked_at.get() : nullptr,
                                     this_update.get(), next_update.get()),
              nullptr);
  }
  EXPECT_EQ(OCSP_basic_sign(basic.get(), spec.signer, spec.signer_key, EVP_sha256(), nullptr, spec.flags), 1);
  ResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  unsigned char* der = nullptr;
  const int length = i2d_OCSP_RESPONSE(response.get(), &der);
  EXPECT_GT(length, 0);
  ByteVector out(der, der + length);
  OPENSSL_free(der);
  return out;
}

std::string evidence(const Finding& f, std::string_view key) {
  for (const auto& [k, v] : f.evidence) {
    if (k == key) return v;
  }
  return "<no " + std::string(key) + ">";
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class AuditOcsp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_key_ = ec_key();
    ca_ = make_cert({.cn = "Test CA", .serial = 1, .ca = true}, ca_key_.get(), nullptr, nullptr);
    leaf_key_ = ec_key();
    leaf_ = make_cert({.cn = "server.example", .serial = 0x1001}, leaf_key_.get(), ca_.get(), ca_key_.get());
    other_leaf_ = make_cert({.cn = "other.example", .serial = 0x2002}, leaf_key_.get(), ca_.get(), ca_key_.get());
  }
  static void TearDownTestSuite() {
    ca_.reset();
    leaf_.reset();
    other_leaf_.reset();
    ca_key_.reset();
    leaf_key_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(ca_ && leaf_ && other_leaf_);
    ERR_clear_error();
  }
  void TearDown() override { EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is not empty"; }

  // A response signed by the CA about the leaf.
  static ResponseSpec by_issuer(int status, int reason = OCSP_REVOKED_STATUS_NOSTATUS) {
    return ResponseSpec{ca_.get(), ca_key_.get(), {Entry{leaf_.get(), ca_.get(), status, reason}}};
  }

  static inline KeyPtr ca_key_, leaf_key_;
  static inline X509Ptr ca_, leaf_, other_leaf_;
};

// ---- status -------------------------------------------------------------------------------

TEST_F(AuditOcsp, RevokedLeafIsCertRevoked) {
  const ByteVector der = make_response(by_issuer(V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_KEYCOMPROMISE));
  const OcspStatus s = check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::revoked) << s.detail;
  EXPECT_EQ(s.response_status, "successful");
  EXPECT_EQ(s.serial_number, "1001");
  EXPECT_EQ(s.revocation_time, "2023-11-04 22:13:20 UTC");
  EXPECT_EQ(s.revocation_reason, "keyCompromise");
  EXPECT_EQ(s.this_update, "2023-11-14 21:13:20 UTC");
  EXPECT_EQ(s.next_update, "2023-11-21 22:13:20 UTC");
  EXPECT_FALSE(s.produced_at.empty());
  EXPECT_TRUE(contains(s.detail, "CertID (sha1")) << s.detail;
  EXPECT_EQ(s.signature, OcspSignatureStatus::verified);
  EXPECT_EQ(s.signature_detail, "signed by the issuer");
  EXPECT_EQ(s.freshness, OcspFreshness::current);

  ASSERT_EQ(s.findings.size(), 1u);
  const Finding& f = s.findings[0];
  EXPECT_EQ(f.code, Code::CERT_REVOKED);
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.party, Party::server);
  EXPECT_EQ(evidence(f, "serial_number"), "1001");
  EXPECT_EQ(evidence(f, "revocation_time"), "2023-11-04 22:13:20 UTC");
  EXPECT_EQ(evidence(f, "revocation_reason"), "keyCompromise");
  EXPECT_EQ(evidence(f, "this_update"), "2023-11-14 21:13:20 UTC");
  EXPECT_EQ(evidence(f, "response_signature"), "verified: signed by the issuer");
  EXPECT_EQ(evidence(f, "response_freshness"), "current");
  EXPECT_TRUE(contains(f.explanation, "revoked on 2023-11-04 22:13:20 UTC (keyCompromise)")) << f.explanation;
}

TEST_F(AuditOcsp, RevokedWithoutReason) {
  const ByteVector der = make_response(by_issuer(V_OCSP_CERTSTATUS_REVOKED));
  const OcspStatus s = check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime, Party::client);
  ASSERT_EQ(s.findings.size(), 1u);
  EXPECT_EQ(s.findings[0].party, Party::client);
  EXPECT_TRUE(s.revocation_reason.empty());
  EXPECT_EQ(evidence(s.findings[0], "revocation_reason"), "<no revocation_reason>");
}

TEST_F(AuditOcsp, GoodAndUnknownGiveNoFinding) {
  const OcspStatus good =
      check_stapled_ocsp(make_response(by_issuer(V_OCSP_CERTSTATUS_GOOD)), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(good.status, OcspLeafStatus::good);
  EXPECT_TRUE(good.findings.empty());
  EXPECT_EQ(good.signature, OcspSignatureStatus::verified);
  EXPECT_TRUE(good.revocation_time.empty());

  const OcspStatus unknown =
      check_stapled_ocsp(make_response(by_issuer(V_OCSP_CERTSTATUS_UNKNOWN)), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(unknown.status, OcspLeafStatus::unknown);
  EXPECT_TRUE(unknown.findings.empty());
}

TEST_F(AuditOcsp, ResponseForAnotherCertificateDoesNotCoverTheLeaf) {
  ResponseSpec spec{ca_.get(), ca_key_.get(), {Entry{other_leaf_.get(), ca_.get(), V_OCSP_CERTSTATUS_REVOKED}}};
  const OcspStatus s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::not_covered);
  EXPECT_TRUE(s.findings.empty());
  EXPECT_EQ(s.detail, "the response speaks for serial 2002, not for the leaf (1001)");
  EXPECT_EQ(s.signature, OcspSignatureStatus::verified);
}

TEST_F(AuditOcsp, FindsTheLeafAmongSeveralAndWithSha256CertIds) {
  ResponseSpec spec{
      ca_.get(),
      ca_key_.get(),
      {Entry{other_leaf_.get(), ca_.get(), V_OCSP_CERTSTATUS_GOOD},
       Entry{leaf_.get(), ca_.get(), V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_SUPERSEDED, EVP_sha256()}}};
  const OcspStatus s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::revoked) << s.detail;
  EXPECT_EQ(s.revocation_reason, "superseded");
  EXPECT_TRUE(contains(s.detail, "sha256")) << s.detail;
  ASSERT_EQ(s.findings.size(), 1u);
}

TEST_F(AuditOcsp, WithoutTheIssuerMatchesBySerialAndNameHash) {
  const ByteVector der = make_response(by_issuer(V_OCSP_CERTSTATUS_REVOKED));
  const OcspStatus s = check_stapled_ocsp(der, leaf_.get(), nullptr, kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::revoked);
  EXPECT_TRUE(contains(s.detail, "serial number and issuer name hash only")) << s.detail;
  EXPECT_EQ(s.signature, OcspSignatureStatus::not_checked);
  EXPECT_EQ(s.signature_detail, "the issuer certificate is not available");
  ASSERT_EQ(s.findings.size(), 1u);
  EXPECT_EQ(evidence(s.findings[0], "response_signature"), "not checked: the issuer certificate is not available");
  // Another certificate with the same issuer is not taken for the leaf.
  EXPECT_EQ(check_stapled_ocsp(der, other_leaf_.get(), nullptr).status, OcspLeafStatus::not_covered);
}

// ---- signature ----------------------------------------------------------------------------

TEST_F(AuditOcsp, DelegatedResponder) {
  KeyPtr responder_key = ec_key();
  X509Ptr responder = make_cert({.cn = "OCSP responder", .serial = 7, .ocsp_signing = true}, responder_key.get(),
                                ca_.get(), ca_key_.get());
  ResponseSpec spec{responder.get(), responder_key.get(), {Entry{leaf_.get(), ca_.get(), V_OCSP_CERTSTATUS_GOOD}}};
  const OcspStatus s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::good);
  EXPECT_EQ(s.signature, OcspSignatureStatus::verified) << s.signature_detail;
  EXPECT_EQ(s.signature_detail, "signed by a delegated responder the issuer certified for OCSP signing");

  // The same responder, its certificate left out: nothing to check the signature with.
  spec.flags = OCSP_NOCERTS;
  const OcspStatus missing = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(missing.signature, OcspSignatureStatus::not_checked);
  EXPECT_TRUE(contains(missing.signature_detail, "neither by the issuer")) << missing.signature_detail;
  EXPECT_EQ(missing.status, OcspLeafStatus::good);
}

TEST_F(AuditOcsp, ResponderWithoutAuthorityIsInvalid) {
  KeyPtr responder_key = ec_key();
  // Certified by the CA, but not for OCSP signing.
  X509Ptr no_eku = make_cert({.cn = "not a responder", .serial = 8}, responder_key.get(), ca_.get(), ca_key_.get());
  ResponseSpec spec{no_eku.get(), responder_key.get(), {Entry{leaf_.get(), ca_.get(), V_OCSP_CERTSTATUS_REVOKED}}};
  OcspStatus s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.signature, OcspSignatureStatus::invalid) << s.signature_detail;
  EXPECT_TRUE(contains(s.signature_detail, "does not verify")) << s.signature_detail;
  // Revocation is still reported, with the signature's state as evidence.
  EXPECT_EQ(s.status, OcspLeafStatus::revoked);
  ASSERT_EQ(s.findings.size(), 1u);
  EXPECT_TRUE(contains(evidence(s.findings[0], "response_signature"), "invalid: does not verify"));

  // A self-signed stranger with the OCSPSigning EKU.
  X509Ptr stranger =
      make_cert({.cn = "stranger", .serial = 9, .ocsp_signing = true}, responder_key.get(), nullptr, nullptr);
  spec.signer = stranger.get();
  s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.signature, OcspSignatureStatus::invalid) << s.signature_detail;

  // A proper responder whose certificate had expired at capture time.
  X509Ptr expired = make_cert({.cn = "old responder",
                               .serial = 10,
                               .ocsp_signing = true,
                               .not_before = kCapture - 400 * kDay,
                               .not_after = kCapture - 35 * kDay},
                              responder_key.get(), ca_.get(), ca_key_.get());
  spec.signer = expired.get();
  s = check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.signature, OcspSignatureStatus::invalid) << s.signature_detail;
  EXPECT_TRUE(contains(s.signature_detail, "expired")) << s.signature_detail;
  // Without a capture time, its validity is not judged.
  EXPECT_EQ(check_stapled_ocsp(make_response(spec), leaf_.get(), ca_.get()).signature, OcspSignatureStatus::verified);
}

TEST_F(AuditOcsp, TamperedSignatureIsInvalid) {
  ResponseSpec spec = by_issuer(V_OCSP_CERTSTATUS_GOOD);
  spec.flags = OCSP_NOCERTS;  // the signature is then the last thing in the DER
  ByteVector der = make_response(spec);
  ASSERT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime).signature, OcspSignatureStatus::verified);
  der.back() ^= 0x01;
  const OcspStatus s = check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.signature, OcspSignatureStatus::invalid);
  EXPECT_EQ(s.status, OcspLeafStatus::good);
  EXPECT_TRUE(s.findings.empty());
}

// ---- freshness ----------------------------------------------------------------------------

TEST_F(AuditOcsp, FreshnessAtCaptureTime) {
  const ByteVector der = make_response(by_issuer(V_OCSP_CERTSTATUS_GOOD));
  // thisUpdate is an hour before the capture, nextUpdate a week after.
  EXPECT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime).freshness, OcspFreshness::current);
  EXPECT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get()).freshness, OcspFreshness::not_checked);
  const auto at = [](int64_t seconds) { return Timestamp::from_sec_nsec(seconds, 0); };
  EXPECT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get(), at(kCapture - 3600 - 200)).freshness,
            OcspFreshness::current);  // within the 5 minutes' leeway
  EXPECT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get(), at(kCapture - 3600 - 400)).freshness,
            OcspFreshness::not_yet_valid);
  EXPECT_EQ(check_stapled_ocsp(der, leaf_.get(), ca_.get(), at(kCapture + 7 * kDay + 400)).freshness,
            OcspFreshness::expired);
  ResponseSpec stale = by_issuer(V_OCSP_CERTSTATUS_REVOKED);
  stale.this_update = kCapture - 30 * kDay;
  stale.next_update = kCapture - 20 * kDay;
  stale.revoked_at = kCapture - 40 * kDay;
  const OcspStatus s = check_stapled_ocsp(make_response(stale), leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.freshness, OcspFreshness::expired);
  ASSERT_EQ(s.findings.size(), 1u);  // a revocation is final: reported all the same
  EXPECT_EQ(evidence(s.findings[0], "response_freshness"), "expired");
}

// ---- unusable -----------------------------------------------------------------------------

TEST_F(AuditOcsp, UnusableResponses) {
  ResponsePtr try_later(OCSP_response_create(OCSP_RESPONSE_STATUS_TRYLATER, nullptr));
  unsigned char* raw = nullptr;
  const int length = i2d_OCSP_RESPONSE(try_later.get(), &raw);
  ASSERT_GT(length, 0);
  const ByteVector der(raw, raw + length);
  OPENSSL_free(raw);
  OcspStatus s = check_stapled_ocsp(der, leaf_.get(), ca_.get(), kCaptureTime);
  EXPECT_EQ(s.status, OcspLeafStatus::unusable);
  EXPECT_EQ(s.response_status, "tryLater");
  EXPECT_EQ(s.detail, "the responder answered tryLater instead of a status");

  const ByteVector garbage = {0x30, 0x03, 0x0A, 0x01};
  s = check_stapled_ocsp(garbage, leaf_.get(), ca_.get());
  EXPECT_EQ(s.status, OcspLeafStatus::unusable);
  EXPECT_TRUE(contains(s.detail, "not an OCSP response")) << s.detail;
  EXPECT_EQ(check_stapled_ocsp({}, leaf_.get(), ca_.get()).status, OcspLeafStatus::unusable);

  ByteVector trailing = make_response(by_issuer(V_OCSP_CERTSTATUS_REVOKED));
  trailing.push_back(0);
  s = check_stapled_ocsp(trailing, leaf_.get(), ca_.get());
  EXPECT_EQ(s.status, OcspLeafStatus::unusable);
  EXPECT_EQ(s.detail, "1 bytes after the OCSP response");
  EXPECT_TRUE(s.findings.empty());

  s = check_stapled_ocsp(make_response(by_issuer(V_OCSP_CERTSTATUS_REVOKED)), nullptr, ca_.get());
  EXPECT_EQ(s.status, OcspLeafStatus::unusable);
  EXPECT_EQ(s.detail, "no leaf certificate");
}

// ---- CertificateStatus framing ------------------------------------------------------------

ByteVector u24(size_t n) {
  return {static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
}

ByteVector concat(std::initializer_list<ByteVector> parts) {
  ByteVector out;
  for (const ByteVector& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST_F(AuditOcsp, StapledResponseFraming) {
  const ByteVector der = make_response(by_issuer(V_OCSP_CERTSTATUS_GOOD));
  const ByteVector ocsp = concat({ByteVector{1}, u24(der.size()), der});
  std::optional<Bytes> found = stapled_ocsp_response(ocsp);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(ByteVector(found->begin(), found->end()), der);
  EXPECT_EQ(check_stapled_ocsp(*found, leaf_.get(), ca_.get()).status, OcspLeafStatus::good);

  // ocsp_multi: the leaf's response first, then an empty one for the intermediate.
  const ByteVector items = concat({u24(der.size()), der, u24(0)});
  const ByteVector multi = concat({ByteVector{2}, u24(items.size()), items});
  found = stapled_ocsp_response(multi);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(ByteVector(found->begin(), found->end()), der);

  std::string error;
  const ByteVector leaf_empty = concat({ByteVector{2}, u24(6), u24(0), u24(0)});
  EXPECT_FALSE(stapled_ocsp_response(leaf_empty, &error));
  EXPECT_EQ(error, "no OCSP response for the leaf certificate");
  EXPECT_FALSE(stapled_ocsp_response(concat({ByteVector{3}, u24(der.size()), der}), &error));
  EXPECT_EQ(error, "status_type 3 is not OCSP");
  EXPECT_FALSE(stapled_ocsp_response(concat({ocsp, ByteVector{0}}), &error));
  EXPECT_EQ(error, "1 bytes after the CertificateStatus");
  for (size_t n = 0; n < ocsp.size(); ++n) EXPECT_FALSE(stapled_ocsp_response(Bytes(ocsp).first(n))) << n;
}

TEST(AuditOcspNames, Names) {
  EXPECT_EQ(to_string(OcspLeafStatus::not_covered), "not covered");
  EXPECT_EQ(to_string(OcspSignatureStatus::not_checked), "not checked");
  EXPECT_EQ(to_string(OcspFreshness::not_yet_valid), "not yet valid");
}

}  // namespace
}  // namespace tlslens::audit
