// Chain audit, hostname check and trust store, on certificates made in memory
// (audit_cert_factory): each finding code with its evidence, the no-finding case, capture
// time against today, order / extra / incomplete / seen intermediates, the hostname rules
// (exact, wildcards, IP SANs, CN-only, IDN), trust stores from files and directories and their
// errors, verification from several threads, and OpenSSL's error queue left empty.
#include "core/audit/chain_audit.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "audit_cert_factory.h"
#include "core/audit/trust_store.h"

namespace tlslens::audit {
namespace {

using audit_test::CertBuilder;
using audit_test::ec_key;
using audit_test::kDaySeconds;
using x509::Certificate;

constexpr int64_t kCapture = 1717200000;  // 2024-06-01 00:00:00 UTC
constexpr int64_t kDay = kDaySeconds;

Timestamp at(int64_t seconds) {
  return Timestamp::from_sec_nsec(seconds, 0);
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string evidence(const Finding& f, std::string_view key) {
  for (const auto& [k, v] : f.evidence)
    if (k == key) return v;
  return "<no " + std::string(key) + ">";
}

std::vector<std::string> codes(const ChainAudit& a) {
  std::vector<std::string> out;
  for (const Finding& f : a.findings) out.emplace_back(to_string(f.code));
  return out;
}

std::string dump(const ChainAudit& a) {
  std::string out;
  for (const Finding& f : a.findings) {
    out += std::string(to_string(f.code)) + ": " + f.explanation + "\n";
    for (const auto& [k, v] : f.evidence) out += "    " + k + " = " + v + "\n";
  }
  for (const VerifyError& e : a.errors)
    out += "  openssl " + std::to_string(e.code) + " at " + std::to_string(e.depth) + ": " + e.text + "\n";
  return out;
}

// A root (in the store), an intermediate and a leaf for www.example.com, all valid from a
// year before the capture to years after, with the usual extensions.
struct Pki {
  Certificate root =
      CertBuilder("Test Root CA").key(ec_key(1)).validity(kCapture - 2000 * kDay, kCapture + 4000 * kDay).ca().build();
  Certificate intermediate = CertBuilder("Test Intermediate CA")
                                 .key(ec_key(2))
                                 .issued_by(root, ec_key(1))
                                 .validity(kCapture - 1000 * kDay, kCapture + 2000 * kDay)
                                 .ca(0)
                                 .build();
  Certificate leaf = leaf_builder().build();
  TrustStore trust;

  Pki() { EXPECT_TRUE(trust.add_certificate(root.x509())); }

  CertBuilder leaf_builder(const std::string& cn = "www.example.com") const {
    CertBuilder b(cn);
    b.key(ec_key(3))
        .issued_by(intermediate, ec_key(2))
        .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
        .dns(cn)
        .extension(NID_key_usage, "critical,digitalSignature")
        .extension(NID_ext_key_usage, "serverAuth");
    return b;
  }
};

class ChainAuditTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(ERR_peek_error(), 0UL) << "OpenSSL's error queue is not empty"; }

  ChainAudit run(const std::vector<Certificate>& chain, std::string_view name = "www.example.com",
                 int64_t now = kCapture + 10 * kDay) {
    ChainAuditInput in;
    in.chain = chain;
    in.captured = at(kCapture);
    in.name = name;
    in.now = at(now);
    return audit_chain(in, pki.trust);
  }

  Pki pki;
};

// ---- the good case ----------------------------------------------------------------------

TEST_F(ChainAuditTest, ChainWithIntermediateHasNoFindings) {
  ChainAudit a = run({pki.leaf, pki.intermediate});
  EXPECT_TRUE(a.findings.empty()) << dump(a);
  EXPECT_TRUE(a.trusted);
  EXPECT_TRUE(a.reaches_trusted_root);
  EXPECT_TRUE(a.verifies_today);
  EXPECT_FALSE(a.completed_with_seen_intermediates);
  EXPECT_EQ(a.error_code, 0);
  EXPECT_EQ(a.error_text, "ok");
  EXPECT_TRUE(a.errors.empty());
  EXPECT_TRUE(a.notes.empty());

  ASSERT_EQ(a.path.size(), 3U);
  EXPECT_EQ(a.path[0].subject, "CN=www.example.com");
  EXPECT_EQ(a.path[0].source, PathCertificate::Source::sent);
  EXPECT_EQ(a.path[0].sent_index, 0U);
  EXPECT_EQ(a.path[1].subject, "CN=Test Intermediate CA");
  EXPECT_EQ(a.path[1].sent_index, 1U);
  EXPECT_EQ(a.path[2].subject, "CN=Test Root CA");
  EXPECT_EQ(a.path[2].source, PathCertificate::Source::trust_store);
  EXPECT_FALSE(a.path[2].sent_index);
  EXPECT_EQ(a.path[2].at_capture, Validity::valid);

  ASSERT_EQ(a.certificates.size(), 2U);
  EXPECT_EQ(a.certificates[0].role, "leaf");
  EXPECT_EQ(a.certificates[0].path_depth, 0U);
  EXPECT_EQ(a.certificates[0].at_capture, Validity::valid);
  EXPECT_EQ(a.certificates[1].role, "intermediate");
  EXPECT_EQ(a.certificates[1].subject, "CN=Test Intermediate CA");

  EXPECT_TRUE(a.hostname.checked);
  EXPECT_TRUE(a.hostname.matched);
  EXPECT_EQ(a.hostname.matched_by, "DNS:www.example.com");
}

TEST_F(ChainAuditTest, SentRootThatTheStoreHoldsIsTheRoot) {
  ChainAudit a = run({pki.leaf, pki.intermediate, pki.root});
  EXPECT_TRUE(a.findings.empty()) << dump(a);
  EXPECT_TRUE(a.trusted);
  ASSERT_EQ(a.certificates.size(), 3U);
  EXPECT_EQ(a.certificates[2].role, "root");
  ASSERT_EQ(a.path.size(), 3U);
  EXPECT_EQ(a.path[2].source, PathCertificate::Source::trust_store);
  EXPECT_EQ(a.path[2].sent_index, 2U);
}

TEST_F(ChainAuditTest, ClientChainUsesClientPurpose) {
  Certificate client =
      pki.leaf_builder("alice").no_subject_alt_name().extension(NID_ext_key_usage, "clientAuth").build();
  ChainAuditInput in;
  std::vector<Certificate> chain = {client, pki.intermediate};
  in.chain = chain;
  in.captured = at(kCapture);
  in.now = at(kCapture);
  in.party = Party::client;
  ChainAudit a = audit_chain(in, pki.trust);
  // No SAN is fine for a client; clientAuth is what the purpose wants.
  EXPECT_TRUE(a.findings.empty()) << dump(a);
  EXPECT_TRUE(a.trusted);
  EXPECT_FALSE(a.hostname.checked);

  // The server leaf (serverAuth only) as a client certificate.
  std::vector<Certificate> wrong = {pki.leaf, pki.intermediate};
  in.chain = wrong;
  ChainAudit b = audit_chain(in, pki.trust);
  const Finding* f = b.find(Code::CERT_BAD_USAGE);
  ASSERT_NE(f, nullptr) << dump(b);
  EXPECT_EQ(f->party, Party::client);
  EXPECT_TRUE(contains(f->explanation, "lacks clientAuth")) << f->explanation;
  EXPECT_FALSE(b.trusted);
}

// ---- time: capture time against today ---------------------------------------------------

TEST_F(ChainAuditTest, ExpiredAtCaptureAndStillToday) {
  Certificate leaf = pki.leaf_builder().validity(kCapture - 400 * kDay, kCapture - 35 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate}, "www.example.com", kCapture + 100 * kDay);
  const Finding* f = a.find(Code::CERT_EXPIRED);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(f->explanation, "expired at capture time (2024-04-27 00:00:00 UTC), still expired today"))
      << f->explanation;
  EXPECT_EQ(evidence(*f, "not_after"), "2024-04-27 00:00:00 UTC");
  EXPECT_EQ(evidence(*f, "capture_time"), "2024-06-01 00:00:00 UTC");
  EXPECT_EQ(evidence(*f, "subject"), "CN=www.example.com");
  EXPECT_EQ(evidence(*f, "position"), "sent #0");
  EXPECT_EQ(evidence(*f, "valid_today"), "no");
  EXPECT_EQ(f->severity, Severity::high);
  EXPECT_EQ(f->party, Party::server);
  EXPECT_FALSE(a.trusted);
  EXPECT_TRUE(a.reaches_trusted_root);
  EXPECT_FALSE(a.verifies_today);
  EXPECT_EQ(a.error_code, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(a.certificates[0].at_capture, Validity::expired);
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_EXPIRED"});
}

TEST_F(ChainAuditTest, ExpiredAtCaptureButValidAtTheInjectedNow) {
  Certificate leaf = pki.leaf_builder().validity(kCapture - 300 * kDay, kCapture - 5 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate}, "www.example.com", kCapture - 10 * kDay);
  const Finding* f = a.find(Code::CERT_EXPIRED);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(f->explanation, "expired at capture time")) << f->explanation;
  EXPECT_TRUE(contains(f->explanation, "valid today")) << f->explanation;
  EXPECT_EQ(evidence(*f, "valid_today"), "yes");
  EXPECT_TRUE(a.verifies_today);
}

TEST_F(ChainAuditTest, NotYetValidAtCaptureValidToday) {
  Certificate leaf = pki.leaf_builder().validity(kCapture + 2 * kDay, kCapture + 200 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate}, "www.example.com", kCapture + 10 * kDay);
  const Finding* f = a.find(Code::CERT_NOT_YET_VALID);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(
      contains(f->explanation, "not yet valid at capture time (valid from 2024-06-03 00:00:00 UTC), valid today"))
      << f->explanation;
  EXPECT_EQ(evidence(*f, "not_before"), "2024-06-03 00:00:00 UTC");
  EXPECT_FALSE(a.has(Code::CERT_EXPIRED));
  EXPECT_FALSE(a.trusted);
  EXPECT_TRUE(a.verifies_today);
  EXPECT_EQ(a.certificates[0].at_capture, Validity::not_yet_valid);
  EXPECT_EQ(a.certificates[0].today, Validity::valid);
}

TEST_F(ChainAuditTest, ValidAtCaptureButExpiredTodayIsANoteNotAFinding) {
  Certificate leaf = pki.leaf_builder().validity(kCapture - 30 * kDay, kCapture + 60 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate}, "www.example.com", kCapture + 365 * kDay);
  EXPECT_FALSE(a.has(Code::CERT_EXPIRED)) << dump(a);
  EXPECT_TRUE(a.findings.empty()) << dump(a);
  EXPECT_TRUE(a.trusted);
  EXPECT_FALSE(a.verifies_today);
  EXPECT_EQ(a.certificates[0].at_capture, Validity::valid);
  EXPECT_EQ(a.certificates[0].today, Validity::expired);
  EXPECT_EQ(a.path[0].today, Validity::expired);
  ASSERT_EQ(a.notes.size(), 1U);
  EXPECT_TRUE(contains(a.notes[0], "CN=www.example.com was valid at capture time but has expired since 2024-07-31"))
      << a.notes[0];
}

TEST_F(ChainAuditTest, ExpiresSoonAfterCapture) {
  Certificate leaf = pki.leaf_builder().validity(kCapture - 60 * kDay, kCapture + 10 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate});
  const Finding* f = a.find(Code::CERT_EXPIRES_SOON);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_EQ(evidence(*f, "days_left"), "10");
  EXPECT_EQ(evidence(*f, "not_after"), "2024-06-11 00:00:00 UTC");
  EXPECT_TRUE(contains(f->explanation, "10 days after the capture")) << f->explanation;
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_EXPIRES_SOON"});
  EXPECT_TRUE(a.trusted);

  Certificate later = pki.leaf_builder().validity(kCapture - 60 * kDay, kCapture + 31 * kDay).build();
  EXPECT_FALSE(run({later, pki.intermediate}).has(Code::CERT_EXPIRES_SOON));
}

TEST_F(ChainAuditTest, ExpiredRootFromTheStoreIsReported) {
  Certificate old_root =
      CertBuilder("Old Root").key(ec_key(4)).validity(kCapture - 3000 * kDay, kCapture - kDay).ca().build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(old_root, ec_key(4))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  pki.trust.add_certificate(old_root.x509());
  ChainAudit a = run({leaf});
  const Finding* f = a.find(Code::CERT_EXPIRED);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_EQ(evidence(*f, "subject"), "CN=Old Root");
  EXPECT_EQ(evidence(*f, "position"), "trust store");
  EXPECT_EQ(evidence(*f, "not_after"), "2024-05-31 00:00:00 UTC");
  EXPECT_TRUE(a.reaches_trusted_root);
}

// ---- trust ------------------------------------------------------------------------------

TEST_F(ChainAuditTest, SelfSignedLeafIsOnlyCertSelfSigned) {
  // Made as `openssl req -x509` makes them: CA:TRUE, which is not also CERT_BAD_USAGE.
  Certificate self = CertBuilder("www.example.com")
                         .key(ec_key(5))
                         .validity(kCapture - 10 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .extension(NID_basic_constraints, "critical,CA:TRUE")
                         .build();
  ChainAudit a = run({self});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_SELF_SIGNED"}) << dump(a);
  const Finding* f = a.find(Code::CERT_SELF_SIGNED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "subject"), "CN=www.example.com");
  EXPECT_EQ(evidence(*f, "sha256_fingerprint"), self.info().sha256_fingerprint);
  EXPECT_EQ(a.error_code, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  EXPECT_FALSE(a.trusted);
  EXPECT_FALSE(a.verifies_today);

  // Trusted explicitly (--ca-file with the certificate itself): nothing to say.
  pki.trust.add_certificate(self.x509());
  ChainAudit b = run({self});
  EXPECT_TRUE(b.findings.empty()) << dump(b);
  EXPECT_TRUE(b.trusted);
}

TEST_F(ChainAuditTest, UntrustedRootIsChainUntrustedWithTheLastIssuer) {
  Certificate other_root =
      CertBuilder("Other Root").key(ec_key(6)).validity(kCapture - 900 * kDay, kCapture + 900 * kDay).ca().build();
  Certificate other_int = CertBuilder("Other Intermediate")
                              .key(ec_key(7))
                              .issued_by(other_root, ec_key(6))
                              .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                              .ca()
                              .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(other_int, ec_key(7))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  ChainAudit a = run({leaf, other_int, other_root});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_UNTRUSTED"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_UNTRUSTED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "last_issuer"), "CN=Other Root");
  EXPECT_EQ(evidence(*f, "position"), "sent #2");
  EXPECT_TRUE(contains(f->explanation, "self-signed root that is not in the trust store")) << f->explanation;
  EXPECT_TRUE(contains(evidence(*f, "openssl_error"), "19 ")) << evidence(*f, "openssl_error");
  EXPECT_FALSE(a.reaches_trusted_root);
  EXPECT_EQ(a.certificates[2].role, "untrusted root");
}

TEST_F(ChainAuditTest, RootNotTrustedForThePurpose) {
  // The same root, marked in the store as trusted for clientAuth only, then as rejected for serverAuth.
  x509::X509Ptr client_only(X509_dup(pki.root.x509()));
  ASSERT_EQ(X509_add1_trust_object(client_only.get(), OBJ_nid2obj(NID_client_auth)), 1);
  pki.trust = TrustStore();
  pki.trust.add_certificate(client_only.get());
  ChainAudit a = run({pki.leaf, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_UNTRUSTED"}) << dump(a);
  EXPECT_EQ(a.findings[0].explanation,
            "the root CN=Test Root CA is in the trust store, but its trust settings there exclude TLS server "
            "authentication");
  EXPECT_EQ(evidence(a.findings[0], "last_issuer"), "CN=Test Root CA");
  EXPECT_EQ(evidence(a.findings[0], "position"), "trust store");

  x509::X509Ptr rejected(X509_dup(pki.root.x509()));
  ASSERT_EQ(X509_add1_reject_object(rejected.get(), OBJ_nid2obj(NID_server_auth)), 1);
  pki.trust = TrustStore();
  pki.trust.add_certificate(rejected.get());
  ChainAudit b = run({pki.leaf, pki.intermediate});
  EXPECT_EQ(codes(b), std::vector<std::string>{"CHAIN_UNTRUSTED"}) << dump(b);
  EXPECT_TRUE(contains(b.findings[0].explanation, "its trust settings there exclude TLS server authentication"))
      << b.findings[0].explanation;
  EXPECT_EQ(evidence(b.findings[0], "openssl_error"), "28 (certificate rejected)");
}

TEST_F(ChainAuditTest, MissingIntermediateIsIncompleteNotUntrusted) {
  ChainAudit a = run({pki.leaf});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_INCOMPLETE"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_INCOMPLETE);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "missing_issuer"), "CN=Test Intermediate CA");
  EXPECT_EQ(evidence(*f, "certificate"), "CN=www.example.com");
  EXPECT_TRUE(contains(f->explanation, "an intermediate certificate is missing")) << f->explanation;
  EXPECT_EQ(a.error_code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_FALSE(a.trusted);
  EXPECT_FALSE(a.reaches_trusted_root);
  EXPECT_FALSE(a.verifies_today);
  ASSERT_EQ(a.path.size(), 1U);
}

TEST_F(ChainAuditTest, WrongIntermediateIsIncompleteWithTheUnusedCertificate) {
  // Same name as the real intermediate, another key: it cannot have issued the leaf.
  Certificate impostor = CertBuilder("Test Intermediate CA")
                             .key(ec_key(8))
                             .issued_by(pki.root, ec_key(1))
                             .validity(kCapture - 100 * kDay, kCapture + 100 * kDay)
                             .ca()
                             .build();
  ChainAudit a = run({pki.leaf, impostor});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_INCOMPLETE"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_INCOMPLETE);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "sent_not_in_path"), "#1 CN=Test Intermediate CA");
  EXPECT_EQ(a.certificates[1].role, "not part of the path");
  EXPECT_FALSE(a.certificates[1].path_depth);
}

TEST_F(ChainAuditTest, SeenIntermediatesCompleteTheChain) {
  std::vector<Certificate> chain = {pki.leaf};
  std::vector<Certificate> seen = {pki.intermediate};
  ChainAuditInput in;
  in.chain = chain;
  in.captured = at(kCapture);
  in.now = at(kCapture);
  in.name = "www.example.com";
  in.seen_intermediates = seen;
  in.use_seen_intermediates = true;
  ChainAudit a = audit_chain(in, pki.trust);
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_ONLY_WITH_SEEN_INTERMEDIATES"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_ONLY_WITH_SEEN_INTERMEDIATES);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(contains(f->explanation, "verifies only with an intermediate seen on other connections"))
      << f->explanation;
  EXPECT_EQ(evidence(*f, "missing_issuer"), "CN=Test Intermediate CA");
  EXPECT_EQ(evidence(*f, "seen_intermediates"), "CN=Test Intermediate CA");
  EXPECT_TRUE(a.completed_with_seen_intermediates);
  EXPECT_TRUE(a.reaches_trusted_root);
  EXPECT_FALSE(a.trusted);  // as sent, it does not verify
  EXPECT_FALSE(a.verifies_today);
  ASSERT_EQ(a.path.size(), 3U);
  EXPECT_EQ(a.path[1].source, PathCertificate::Source::seen_intermediate);
  EXPECT_EQ(a.path[2].source, PathCertificate::Source::trust_store);

  // Without the option: incomplete, saying that a seen intermediate would complete it.
  in.use_seen_intermediates = false;
  ChainAudit b = audit_chain(in, pki.trust);
  EXPECT_EQ(codes(b), std::vector<std::string>{"CHAIN_INCOMPLETE"}) << dump(b);
  EXPECT_TRUE(contains(b.findings[0].explanation, "seen on another connection completes")) << b.findings[0].explanation;
  EXPECT_FALSE(b.completed_with_seen_intermediates);
  EXPECT_EQ(b.path.size(), 1U);

  // Seen intermediates that do not help change nothing.
  std::vector<Certificate> useless = {
      CertBuilder("Unrelated CA").key(ec_key(9)).validity(kCapture - kDay, kCapture + kDay).ca().build()};
  in.seen_intermediates = useless;
  in.use_seen_intermediates = true;
  ChainAudit c = audit_chain(in, pki.trust);
  EXPECT_EQ(codes(c), std::vector<std::string>{"CHAIN_INCOMPLETE"}) << dump(c);
  EXPECT_TRUE(contains(c.findings[0].explanation, "neither sent nor found")) << c.findings[0].explanation;
}

// ---- what was sent: order, extras -------------------------------------------------------

TEST_F(ChainAuditTest, IntermediatesOutOfOrder) {
  Certificate upper = CertBuilder("Upper CA")
                          .key(ec_key(10))
                          .issued_by(pki.root, ec_key(1))
                          .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                          .ca()
                          .build();
  Certificate lower = CertBuilder("Lower CA")
                          .key(ec_key(11))
                          .issued_by(upper, ec_key(10))
                          .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                          .ca()
                          .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(lower, ec_key(11))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  ChainAudit good = run({leaf, lower, upper});
  EXPECT_TRUE(good.findings.empty()) << dump(good);

  ChainAudit a = run({leaf, upper, lower});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_ORDER"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_ORDER);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "sent_order"), "#0 CN=www.example.com; #1 CN=Upper CA; #2 CN=Lower CA");
  EXPECT_EQ(evidence(*f, "path_order"), "CN=www.example.com; CN=Lower CA; CN=Upper CA; CN=Test Root CA");
  EXPECT_TRUE(a.trusted);  // OpenSSL builds the path whatever the order
  EXPECT_EQ(a.certificates[1].path_depth, 2U);
  EXPECT_EQ(a.certificates[2].path_depth, 1U);
}

TEST_F(ChainAuditTest, LeafNotSentFirst) {
  ChainAudit a = run({pki.intermediate, pki.leaf});
  const Finding* f = a.find(Code::CHAIN_ORDER);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(f->explanation, "the first certificate sent, CN=Test Intermediate CA, is not the leaf"))
      << f->explanation;
  EXPECT_TRUE(contains(f->explanation, "#1 CN=www.example.com")) << f->explanation;
  // One cause, one finding: the misplaced leaf is not an extra certificate, and the CA sent
  // first is not judged as a leaf (no SAN, long validity, CA:TRUE, purpose); the real leaf is.
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_ORDER"}) << dump(a);
  EXPECT_TRUE(a.hostname.matched) << a.hostname.reason;
  EXPECT_EQ(a.hostname.matched_by, "DNS:www.example.com");
  EXPECT_FALSE(a.trusted);  // a client takes the first certificate as the leaf
}

TEST_F(ChainAuditTest, ExtraAndDuplicateCertificates) {
  Certificate unrelated =
      CertBuilder("Unrelated CA").key(ec_key(9)).validity(kCapture - kDay, kCapture + 900 * kDay).ca().build();
  ChainAudit a = run({pki.leaf, pki.intermediate, unrelated, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_EXTRA_CERT"}) << dump(a);
  const Finding* f = a.find(Code::CHAIN_EXTRA_CERT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "extra"), "#2 CN=Unrelated CA; #3 CN=Test Intermediate CA (duplicate of #1)");
  EXPECT_TRUE(contains(f->explanation, "2 certificates sent are not part of the path")) << f->explanation;
  EXPECT_EQ(a.certificates[2].role, "not part of the path");
  EXPECT_EQ(a.certificates[3].role, "duplicate of #1");
  EXPECT_TRUE(a.trusted);
}

// ---- strength ---------------------------------------------------------------------------

TEST_F(ChainAuditTest, WeakKeysOnLeafAndIntermediateButNotTheTrustedRoot) {
  Certificate weak_root = CertBuilder("Weak Root")
                              .key(audit_test::rsa_1024_key())
                              .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                              .ca()
                              .build();
  Certificate weak_int = CertBuilder("Weak Intermediate")
                             .key(audit_test::ec_p192_key())
                             .issued_by(weak_root, audit_test::rsa_1024_key())
                             .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                             .ca()
                             .build();
  Certificate weak_leaf = CertBuilder("www.example.com")
                              .key(audit_test::rsa_1024_key())
                              .issued_by(weak_int, audit_test::ec_p192_key())
                              .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                              .dns("www.example.com")
                              .build();
  pki.trust.add_certificate(weak_root.x509());
  ChainAudit a = run({weak_leaf, weak_int});
  EXPECT_TRUE(a.trusted) << dump(a);  // auth level 0: OpenSSL does not reject them itself
  std::vector<const Finding*> weak;
  for (const Finding& f : a.findings)
    if (f.code == Code::CERT_WEAK_KEY) weak.push_back(&f);
  ASSERT_EQ(weak.size(), 2U) << dump(a);
  EXPECT_EQ(evidence(*weak[0], "subject"), "CN=www.example.com");
  EXPECT_EQ(evidence(*weak[0], "key_type"), "RSA");
  EXPECT_EQ(evidence(*weak[0], "key_bits"), "1024");
  EXPECT_TRUE(contains(weak[0]->explanation, "1024-bit RSA key (at least 2048 bits expected)")) << weak[0]->explanation;
  EXPECT_EQ(evidence(*weak[1], "subject"), "CN=Weak Intermediate");
  EXPECT_EQ(evidence(*weak[1], "key_type"), "EC");
  EXPECT_EQ(evidence(*weak[1], "key_bits"), "192");
  EXPECT_EQ(codes(a), (std::vector<std::string>{"CERT_WEAK_KEY", "CERT_WEAK_KEY"}));

  // The same weak root sent by an untrusted peer is judged too.
  ChainAudit b = run({weak_leaf, weak_int, weak_root}, "www.example.com");
  EXPECT_EQ(std::count_if(b.findings.begin(), b.findings.end(),
                          [](const Finding& f) { return f.code == Code::CERT_WEAK_KEY; }),
            2)
      << "a trusted root sent by the peer is still a trusted root\n"
      << dump(b);
}

TEST_F(ChainAuditTest, WeakSignaturesButNotOnTheSelfSignedRoot) {
  Certificate sha1_root = CertBuilder("SHA1 Root")
                              .key(audit_test::rsa_2048_key())
                              .digest(EVP_sha1())
                              .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                              .ca()
                              .build();
  Certificate md5_int = CertBuilder("MD5 Intermediate")
                            .key(ec_key(12))
                            .issued_by(sha1_root, audit_test::rsa_2048_key())
                            .digest(EVP_md5())
                            .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                            .ca()
                            .build();
  Certificate sha1_leaf = CertBuilder("www.example.com")
                              .key(ec_key(3))
                              .issued_by(md5_int, ec_key(12))
                              .digest(EVP_sha1())
                              .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                              .dns("www.example.com")
                              .build();
  ASSERT_EQ(md5_int.info().signature_hash, "MD5");
  pki.trust.add_certificate(sha1_root.x509());
  ChainAudit a = run({sha1_leaf, md5_int});
  EXPECT_TRUE(a.trusted) << dump(a);
  EXPECT_EQ(codes(a), (std::vector<std::string>{"CERT_WEAK_SIGNATURE", "CERT_WEAK_SIGNATURE"})) << dump(a);
  EXPECT_EQ(evidence(a.findings[0], "subject"), "CN=www.example.com");
  EXPECT_EQ(evidence(a.findings[0], "signature_hash"), "SHA1");
  EXPECT_EQ(evidence(a.findings[0], "signature_algorithm"), "ecdsa-with-SHA1");
  EXPECT_EQ(evidence(a.findings[1], "subject"), "CN=MD5 Intermediate");
  EXPECT_EQ(evidence(a.findings[1], "signature_hash"), "MD5");
  EXPECT_TRUE(contains(a.findings[1].explanation, "signed with MD5 (md5WithRSAEncryption)"))
      << a.findings[1].explanation;
}

TEST_F(ChainAuditTest, LongValidityOfTheLeaf) {
  Certificate leaf = pki.leaf_builder().validity(kCapture - 30 * kDay, kCapture + 700 * kDay).build();
  ChainAudit a = run({leaf, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_LONG_VALIDITY"}) << dump(a);
  const Finding* f = a.find(Code::CERT_LONG_VALIDITY);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(evidence(*f, "validity_days"), "730");
  EXPECT_EQ(evidence(*f, "limit_days"), "398");
  EXPECT_EQ(f->severity, Severity::low);

  // 398 days exactly is allowed; a certificate issued in 2019 had 825 days.
  Certificate exact = pki.leaf_builder().validity(kCapture - 30 * kDay, kCapture + 368 * kDay).build();
  EXPECT_FALSE(run({exact, pki.intermediate}).has(Code::CERT_LONG_VALIDITY));
  ChainAuditInput in;
  int64_t issued_2019 = 1556668800;  // 2019-05-01
  Certificate old = pki.leaf_builder().validity(issued_2019, issued_2019 + 800 * kDay).build();
  std::vector<Certificate> chain = {old, pki.intermediate};
  in.chain = chain;
  in.captured = at(issued_2019 + 10 * kDay);
  in.now = in.captured;
  in.name = "www.example.com";
  ChainAudit b = audit_chain(in, pki.trust);
  EXPECT_FALSE(b.has(Code::CERT_LONG_VALIDITY)) << dump(b);
}

// ---- usage ------------------------------------------------------------------------------

TEST_F(ChainAuditTest, ExtendedKeyUsageWithoutServerAuth) {
  Certificate leaf = pki.leaf_builder().extension(NID_ext_key_usage, "clientAuth").build();
  ChainAudit a = run({leaf, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_BAD_USAGE"}) << dump(a);
  const Finding& f = a.findings[0];
  EXPECT_TRUE(contains(f.explanation, "extendedKeyUsage lacks serverAuth (it lists clientAuth)")) << f.explanation;
  EXPECT_TRUE(contains(evidence(f, "openssl_error"), "26 (")) << evidence(f, "openssl_error");
  EXPECT_EQ(evidence(f, "extended_key_usage"), "clientAuth");
  EXPECT_FALSE(a.trusted);
  EXPECT_TRUE(a.reaches_trusted_root);
}

TEST_F(ChainAuditTest, KeyUsageAllowsNoTlsUse) {
  Certificate leaf = pki.leaf_builder().extension(NID_key_usage, "critical,nonRepudiation").build();
  ChainAudit a = run({leaf, pki.intermediate});
  const Finding* f = a.find(Code::CERT_BAD_USAGE);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(f->explanation, "keyUsage allows no TLS use (it lists nonRepudiation)")) << f->explanation;
}

TEST_F(ChainAuditTest, KeyUsageMissingWhatTheKeyExchangeNeeds) {
  ChainAuditInput in;
  std::vector<Certificate> chain = {pki.leaf, pki.intermediate};  // keyUsage digitalSignature only
  in.chain = chain;
  in.captured = at(kCapture);
  in.now = at(kCapture);
  in.name = "www.example.com";
  in.key_use = KeyUse::signature;
  EXPECT_TRUE(audit_chain(in, pki.trust).findings.empty());
  in.key_use = KeyUse::key_encipherment;
  ChainAudit a = audit_chain(in, pki.trust);
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_BAD_USAGE"}) << dump(a);
  EXPECT_TRUE(
      contains(a.findings[0].explanation,
               "keyUsage lacks keyEncipherment, which static RSA key exchange needs (it lists digitalSignature)"))
      << a.findings[0].explanation;
  EXPECT_EQ(evidence(a.findings[0], "key_usage"), "digitalSignature");
  EXPECT_TRUE(a.trusted);  // OpenSSL's purpose check accepts any TLS use
}

TEST_F(ChainAuditTest, CaCertificateAsTheLeaf) {
  Certificate leaf = pki.leaf_builder().extension(NID_basic_constraints, "critical,CA:TRUE").build();
  ChainAudit a = run({leaf, pki.intermediate});
  const Finding* f = a.find(Code::CERT_BAD_USAGE);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(f->explanation, "a CA certificate (basicConstraints CA:TRUE) is used as the leaf"))
      << f->explanation;
  EXPECT_EQ(evidence(*f, "basic_constraints"), "CA:TRUE");
}

TEST_F(ChainAuditTest, IntermediateThatIsNotACa) {
  Certificate not_ca = CertBuilder("Not A CA")
                           .key(ec_key(13))
                           .issued_by(pki.root, ec_key(1))
                           .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                           .extension(NID_basic_constraints, "critical,CA:FALSE")
                           .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(not_ca, ec_key(13))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  ChainAudit a = run({leaf, not_ca});
  const Finding* f = a.find(Code::CERT_BAD_USAGE);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_EQ(evidence(*f, "subject"), "CN=Not A CA");
  EXPECT_EQ(evidence(*f, "position"), "sent #1");
  EXPECT_TRUE(contains(evidence(*f, "openssl_error"), std::to_string(X509_V_ERR_INVALID_CA) + " (")) << dump(a);
  EXPECT_EQ(f->explanation,
            "CN=Not A CA: it issues a certificate of the path but is not a CA (basicConstraints CA:FALSE)");
  EXPECT_EQ(evidence(*f, "basic_constraints"), "CA:FALSE");
  EXPECT_FALSE(a.has(Code::CHAIN_INVALID)) << dump(a);
  EXPECT_FALSE(a.trusted);
}

TEST_F(ChainAuditTest, PathLengthExceeded) {
  // The intermediate allows no CA below it (pathlen:0), and there is one.
  Certificate sub = CertBuilder("Sub CA")
                        .key(ec_key(14))
                        .issued_by(pki.intermediate, ec_key(2))
                        .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                        .ca()
                        .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(sub, ec_key(14))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  ChainAudit a = run({leaf, sub, pki.intermediate});
  const Finding* f = a.find(Code::CERT_BAD_USAGE);
  ASSERT_NE(f, nullptr) << dump(a);
  EXPECT_TRUE(contains(evidence(*f, "openssl_error"), std::to_string(X509_V_ERR_PATH_LENGTH_EXCEEDED) + " ("))
      << dump(a);
  EXPECT_TRUE(contains(f->explanation, "pathLenConstraint")) << f->explanation;
}

TEST_F(ChainAuditTest, IssuerWithoutKeyCertSign) {
  Certificate no_sign = CertBuilder("No CertSign CA")
                            .key(ec_key(13))
                            .issued_by(pki.root, ec_key(1))
                            .validity(kCapture - 900 * kDay, kCapture + 900 * kDay)
                            .extension(NID_basic_constraints, "critical,CA:TRUE")
                            .extension(NID_key_usage, "critical,digitalSignature")
                            .build();
  Certificate leaf = CertBuilder("www.example.com")
                         .key(ec_key(3))
                         .issued_by(no_sign, ec_key(13))
                         .validity(kCapture - 30 * kDay, kCapture + 300 * kDay)
                         .dns("www.example.com")
                         .build();
  ChainAudit a = run({leaf, no_sign});
  EXPECT_FALSE(a.trusted) << dump(a);
  // OpenSSL 3.0 says INVALID_CA, INVALID_PURPOSE and KEYUSAGE_NO_CERTSIGN: one cause, one reason.
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_BAD_USAGE"}) << dump(a);
  EXPECT_EQ(a.findings[0].explanation,
            "CN=No CertSign CA: it issues a certificate of the path but its keyUsage lacks keyCertSign (it lists "
            "digitalSignature)");
  EXPECT_TRUE(
      contains(evidence(a.findings[0], "openssl_error"), std::to_string(X509_V_ERR_KEYUSAGE_NO_CERTSIGN) + " ("))
      << dump(a);
}

// ---- invalid and unparsable -------------------------------------------------------------

TEST_F(ChainAuditTest, BadSignatureIsChainInvalid) {
  // Names and key identifiers say the intermediate issued it; another key signed it.
  Certificate forged = pki.leaf_builder().issued_by(pki.intermediate, ec_key(15)).build();
  ChainAudit a = run({forged, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CHAIN_INVALID"}) << dump(a);
  const Finding& f = a.findings[0];
  EXPECT_EQ(evidence(f, "openssl_error"), "7 (certificate signature failure)");
  EXPECT_EQ(evidence(f, "subject"), "CN=www.example.com");
  EXPECT_TRUE(contains(f.explanation, "fails verification: certificate signature failure")) << f.explanation;
  EXPECT_FALSE(a.trusted);
  EXPECT_EQ(a.error_code, X509_V_ERR_CERT_SIGNATURE_FAILURE);
}

TEST_F(ChainAuditTest, UnparsableLeafStopsTheAudit) {
  std::vector<uint8_t> garbage = {0x30, 0x03, 0x02, 0x01, 0x01};
  std::vector<Certificate> chain = {Certificate::parse(garbage), pki.intermediate};
  ChainAudit a = run(chain);
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_UNPARSABLE"}) << dump(a);
  EXPECT_EQ(evidence(a.findings[0], "position"), "sent #0");
  EXPECT_EQ(a.error_code, -1);
  EXPECT_FALSE(a.trusted);
  EXPECT_FALSE(a.hostname.checked);
  ASSERT_EQ(a.certificates.size(), 2U);
  EXPECT_EQ(a.certificates[0].role, "unparsable");
}

TEST_F(ChainAuditTest, UnparsableIntermediateIsNotAlsoIncomplete) {
  std::vector<uint8_t> garbage = {0x30, 0x03, 0x02, 0x01, 0x01};
  ChainAudit a = run({pki.leaf, Certificate::parse(garbage)});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_UNPARSABLE"}) << dump(a);
  EXPECT_EQ(evidence(a.findings[0], "position"), "sent #1");
  EXPECT_FALSE(a.trusted);

  // The rest of the chain is still verified.
  ChainAudit b = run({pki.leaf, Certificate::parse(garbage), pki.intermediate});
  EXPECT_EQ(codes(b), std::vector<std::string>{"CERT_UNPARSABLE"}) << dump(b);
  EXPECT_TRUE(b.reaches_trusted_root);
}

TEST_F(ChainAuditTest, EmptyChain) {
  ChainAudit a = run({});
  EXPECT_TRUE(a.findings.empty());
  EXPECT_FALSE(a.trusted);
  EXPECT_EQ(a.error_code, -1);
  EXPECT_EQ(a.error_text, "no certificate was sent");
}

// ---- names ------------------------------------------------------------------------------

TEST_F(ChainAuditTest, HostnameMismatchFinding) {
  Certificate leaf = pki.leaf_builder("*.example.com").dns("example.com").build();
  ChainAudit a = run({leaf, pki.intermediate}, "a.b.example.com");
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_HOSTNAME_MISMATCH"}) << dump(a);
  const Finding& f = a.findings[0];
  EXPECT_EQ(evidence(f, "name"), "a.b.example.com");
  EXPECT_EQ(evidence(f, "subject_alt_names"), "DNS:*.example.com, DNS:example.com");
  EXPECT_EQ(evidence(f, "subject_cn"), "*.example.com");
  EXPECT_EQ(f.explanation,
            "a.b.example.com matches none of the certificate's DNS names: DNS:*.example.com (a wildcard covers "
            "exactly one label), DNS:example.com (a different name)");
  EXPECT_TRUE(a.trusted);  // the chain itself is fine
}

TEST_F(ChainAuditTest, CnOnlyCertificateIsNoSanButMatches) {
  Certificate leaf = pki.leaf_builder().no_subject_alt_name().build();
  ChainAudit a = run({leaf, pki.intermediate});
  EXPECT_EQ(codes(a), std::vector<std::string>{"CERT_NO_SAN"}) << dump(a);
  EXPECT_TRUE(contains(a.findings[0].explanation, "has no subjectAltName")) << a.findings[0].explanation;
  EXPECT_EQ(evidence(a.findings[0], "subject_cn"), "www.example.com");
  EXPECT_TRUE(a.hostname.matched);
  EXPECT_EQ(a.hostname.matched_by, "CN:www.example.com");
}

TEST_F(ChainAuditTest, NoHostnameCheckWithoutAName) {
  ChainAudit a = run({pki.leaf, pki.intermediate}, "");
  EXPECT_FALSE(a.hostname.checked);
  EXPECT_TRUE(a.findings.empty()) << dump(a);
}

// ---- several findings, sorted and not duplicated -----------------------------------------

TEST_F(ChainAuditTest, SeveralProblemsAtOnceSortedByCode) {
  Certificate leaf = CertBuilder("old.example.org")
                         .key(audit_test::rsa_1024_key())
                         .issued_by(pki.intermediate, ec_key(2))
                         .validity(kCapture - 800 * kDay, kCapture - kDay)
                         .dns("old.example.org")
                         .build();
  ChainAudit a = run({leaf, pki.root, pki.intermediate}, "www.example.com");
  EXPECT_EQ(codes(a), (std::vector<std::string>{"CHAIN_ORDER", "CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH",
                                                "CERT_WEAK_KEY", "CERT_LONG_VALIDITY"}))
      << dump(a);
  ASSERT_GE(a.errors.size(), 1U);
  EXPECT_EQ(a.errors[0].code, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(a.errors[0].depth, 0);
  EXPECT_EQ(a.errors[0].subject, "CN=old.example.org");
}

TEST_F(ChainAuditTest, EveryOpenSslErrorIsRecordedNotJustTheFirst) {
  // Missing intermediate, then (checked later by OpenSSL) a wrong purpose and an expired leaf.
  Certificate leaf = pki.leaf_builder()
                         .validity(kCapture - 200 * kDay, kCapture - kDay)
                         .extension(NID_ext_key_usage, "clientAuth")
                         .build();
  ChainAudit a = run({leaf});
  EXPECT_EQ(codes(a), (std::vector<std::string>{"CHAIN_INCOMPLETE", "CERT_EXPIRED", "CERT_BAD_USAGE"})) << dump(a);
  EXPECT_EQ(a.error_code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  std::vector<int> seen;
  for (const VerifyError& e : a.errors) seen.push_back(e.code);
  for (int code :
       {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_CERT_HAS_EXPIRED})
    EXPECT_NE(std::find(seen.begin(), seen.end(), code), seen.end()) << code << "\n" << dump(a);
}

// ---- hostname rules ---------------------------------------------------------------------

class HostnameCheckTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(ERR_peek_error(), 0UL); }

  static Certificate with_names(const std::string& cn, std::vector<std::string> dns,
                                std::vector<std::string> ips = {}) {
    CertBuilder b(cn);
    b.validity(kCapture - kDay, kCapture + kDay);
    for (auto& d : dns) b.dns(d);
    for (auto& i : ips) b.ip(i);
    if (dns.empty() && ips.empty()) b.no_subject_alt_name();
    return b.build();
  }
};

TEST_F(HostnameCheckTest, ExactNameCaseInsensitiveTrailingDot) {
  Certificate c = with_names("x", {"www.example.com", "other.example.com"});
  HostnameCheck h = check_hostname(c, "WWW.Example.COM.");
  EXPECT_TRUE(h.checked);
  EXPECT_FALSE(h.is_ip);
  EXPECT_TRUE(h.matched) << h.reason;
  EXPECT_EQ(h.name, "WWW.Example.COM");
  EXPECT_EQ(h.matched_by, "DNS:www.example.com");
  EXPECT_TRUE(h.reason.empty());
}

TEST_F(HostnameCheckTest, WildcardCoversOneLabel) {
  Certificate c = with_names("x", {"*.example.com"});
  HostnameCheck h = check_hostname(c, "www.example.com");
  EXPECT_TRUE(h.matched);
  EXPECT_EQ(h.matched_by, "DNS:*.example.com");

  HostnameCheck deep = check_hostname(c, "a.b.example.com");
  EXPECT_FALSE(deep.matched);
  ASSERT_EQ(deep.compared.size(), 1U);
  EXPECT_EQ(deep.compared[0], "DNS:*.example.com (a wildcard covers exactly one label)");

  HostnameCheck bare = check_hostname(c, "example.com");
  EXPECT_FALSE(bare.matched);
  ASSERT_EQ(bare.compared.size(), 1U);
  EXPECT_EQ(bare.compared[0], "DNS:*.example.com (a wildcard does not cover the bare domain)");

  HostnameCheck elsewhere = check_hostname(c, "www.example.net");
  ASSERT_EQ(elsewhere.compared.size(), 1U);
  EXPECT_EQ(elsewhere.compared[0], "DNS:*.example.com (a different domain)");
}

TEST_F(HostnameCheckTest, PartialAndTooBroadWildcardsAreRefused) {
  Certificate partial = with_names("x", {"f*.example.com"});
  HostnameCheck h = check_hostname(partial, "foo.example.com");
  EXPECT_FALSE(h.matched);
  ASSERT_EQ(h.compared.size(), 1U);
  EXPECT_TRUE(contains(h.compared[0], "partial wildcards are not accepted")) << h.compared[0];

  Certificate broad = with_names("x", {"*.com"});
  HostnameCheck b = check_hostname(broad, "example.com");
  EXPECT_FALSE(b.matched);
  ASSERT_EQ(b.compared.size(), 1U);
  EXPECT_EQ(b.compared[0], "DNS:*.com (a wildcard needs at least two labels after it)");
}

TEST_F(HostnameCheckTest, IpAddressesAgainstIpSans) {
  Certificate c = with_names("x", {"www.example.com", "192.0.2.7"}, {"192.0.2.1", "2001:db8::1"});
  HostnameCheck v4 = check_hostname(c, "192.0.2.1");
  EXPECT_TRUE(v4.is_ip);
  EXPECT_TRUE(v4.matched) << v4.reason;
  EXPECT_EQ(v4.matched_by, "IP:192.0.2.1");

  HostnameCheck v6 = check_hostname(c, "2001:0db8:0:0::1");
  EXPECT_TRUE(v6.matched) << v6.reason;
  EXPECT_EQ(v6.matched_by, "IP:2001:db8::1");

  // An address written as a DNS SAN does not count.
  HostnameCheck dns_ip = check_hostname(c, "192.0.2.7");
  EXPECT_FALSE(dns_ip.matched);
  EXPECT_TRUE(contains(dns_ip.reason, "192.0.2.7 matches none of the certificate's IP addresses")) << dns_ip.reason;
  EXPECT_TRUE(contains(dns_ip.reason, "DNS:192.0.2.7 (an IP address must be an IP SAN, not a DNS name)"))
      << dns_ip.reason;

  Certificate names_only = with_names("192.0.2.9", {"www.example.com"});
  HostnameCheck none = check_hostname(names_only, "192.0.2.9");
  EXPECT_FALSE(none.matched);
  EXPECT_TRUE(contains(none.reason, "it has no IP address SAN")) << none.reason;
  EXPECT_TRUE(contains(none.reason, "CN:192.0.2.9 (the CN is never compared with an IP address)")) << none.reason;
}

TEST_F(HostnameCheckTest, CnOnlyCertificate) {
  Certificate c = with_names("www.example.com", {});
  HostnameCheck h = check_hostname(c, "www.example.com");
  EXPECT_TRUE(h.matched) << h.reason;
  EXPECT_EQ(h.matched_by, "CN:www.example.com");

  HostnameCheck other = check_hostname(c, "mail.example.com");
  EXPECT_FALSE(other.matched);
  EXPECT_EQ(other.reason,
            "mail.example.com does not match the certificate's only name, its subject CN (it has no DNS SAN): "
            "CN:www.example.com (a different name)");
}

TEST_F(HostnameCheckTest, CnIgnoredWhenDnsSansExist) {
  Certificate c = with_names("www.example.com", {"other.example.com"});
  HostnameCheck h = check_hostname(c, "www.example.com");
  EXPECT_FALSE(h.matched);
  ASSERT_EQ(h.compared.size(), 2U);
  EXPECT_EQ(h.compared[1], "CN:www.example.com (ignored: the certificate has DNS SANs)");
}

TEST_F(HostnameCheckTest, InternationalizedNames) {
  Certificate c = with_names("x", {"xn--bcher-kva.example", "*.example.com"});
  HostnameCheck a_label = check_hostname(c, "xn--bcher-kva.example");
  EXPECT_TRUE(a_label.matched);
  EXPECT_EQ(a_label.matched_by, "DNS:xn--bcher-kva.example");
  // A whole-label wildcard covers an A-label.
  EXPECT_TRUE(check_hostname(c, "xn--caf-dma.example.com").matched);

  HostnameCheck unicode = check_hostname(c,
                                         "b\xc3\xbc"
                                         "cher.example");
  EXPECT_FALSE(unicode.matched);
  EXPECT_TRUE(contains(unicode.reason,
                       "the name is not ASCII, and certificates hold internationalized names in their "
                       "xn-- form"))
      << unicode.reason;
}

TEST_F(HostnameCheckTest, NothingToCheck) {
  Certificate c = with_names("x", {"www.example.com"});
  EXPECT_FALSE(check_hostname(c, "").checked);
  EXPECT_FALSE(check_hostname(Certificate(), "www.example.com").checked);

  Certificate nameless = CertBuilder("").validity(kCapture, kCapture + kDay).no_subject_alt_name().build();
  HostnameCheck h = check_hostname(nameless, "www.example.com");
  EXPECT_FALSE(h.matched);
  EXPECT_TRUE(contains(h.reason, "names no host")) << h.reason;
}

// ---- trust stores -----------------------------------------------------------------------

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tlslens-trust-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    EXPECT_EQ(ERR_peek_error(), 0UL);
  }

  std::string write(const std::string& name, const std::string& bytes) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  bool verifies(const TrustStore& trust) {
    ChainAuditInput in;
    std::vector<Certificate> chain = {pki.leaf, pki.intermediate};
    in.chain = chain;
    in.captured = at(kCapture);
    in.now = at(kCapture);
    return audit_chain(in, trust).trusted;
  }

  std::filesystem::path dir_;
  Pki pki;
};

TEST_F(TrustStoreTest, PemFileWithSeveralCertificates) {
  Certificate other = CertBuilder("Other Root").key(ec_key(6)).validity(kCapture - kDay, kCapture + kDay).ca().build();
  std::string path = write("roots.pem", "some comment\n" + audit_test::pem(other) + audit_test::pem(pki.root));
  std::string error;
  auto trust = TrustStore::load(path, "", error);
  ASSERT_TRUE(trust) << error;
  EXPECT_EQ(trust->certificate_count(), 2U);
  EXPECT_EQ(trust->description(), "--ca-file " + path + " (2 certificates)");
  EXPECT_TRUE(verifies(*trust));
}

TEST_F(TrustStoreTest, OnlyTheGivenFileIsTrusted) {
  Certificate other = CertBuilder("Other Root").key(ec_key(6)).validity(kCapture - kDay, kCapture + kDay).ca().build();
  std::string error;
  auto trust = TrustStore::load(write("other.pem", audit_test::pem(other)), "", error);
  ASSERT_TRUE(trust) << error;
  EXPECT_FALSE(verifies(*trust));
}

TEST_F(TrustStoreTest, DerFile) {
  const std::vector<uint8_t>& der = pki.root.der();
  std::string error;
  auto trust = TrustStore::load(write("root.der", std::string(der.begin(), der.end())), "", error);
  ASSERT_TRUE(trust) << error;
  EXPECT_EQ(trust->certificate_count(), 1U);
  EXPECT_TRUE(verifies(*trust));
}

TEST_F(TrustStoreTest, MissingFileIsOneLineNamingIt) {
  std::string path = (dir_ / "missing.pem").string();
  std::string error;
  EXPECT_FALSE(TrustStore::load(path, "", error));
  EXPECT_EQ(error, "cannot read CA file " + path + ": No such file or directory");
}

TEST_F(TrustStoreTest, UnreadableEmptyAndInvalidFiles) {
  std::string error;
  std::string empty = write("empty.pem", "");
  EXPECT_FALSE(TrustStore::load(empty, "", error));
  EXPECT_EQ(error, "CA file " + empty + " is empty");

  std::string text = write("notes.txt", "not a certificate at all\n");
  EXPECT_FALSE(TrustStore::load(text, "", error));
  EXPECT_EQ(error, "CA file " + text + " holds no certificate (neither PEM nor DER)");

  std::string corrupt = write(
      "corrupt.pem", audit_test::pem(pki.root) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_FALSE(TrustStore::load(corrupt, "", error));
  EXPECT_TRUE(error.starts_with("CA file " + corrupt + ": certificate #2 in it could not be read")) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;

  EXPECT_FALSE(TrustStore::load(dir_.string(), "", error));
  EXPECT_TRUE(error.starts_with("CA file " + dir_.string() + " is a directory")) << error;

  if (::geteuid() != 0) {
    std::string locked = write("locked.pem", audit_test::pem(pki.root));
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    EXPECT_FALSE(TrustStore::load(locked, "", error));
    EXPECT_EQ(error, "cannot read CA file " + locked + ": Permission denied");
  }
}

TEST_F(TrustStoreTest, DirectoryOfPemFiles) {
  write("root.pem", audit_test::pem(pki.root));
  write("readme.txt", "not a certificate");
  std::string error;
  auto trust = TrustStore::load("", dir_.string(), error);
  ASSERT_TRUE(trust) << error;
  EXPECT_EQ(trust->certificate_count(), 1U);
  EXPECT_TRUE(verifies(*trust));
}

TEST_F(TrustStoreTest, HashedDirectoryIsLookedUpOnDemand) {
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08lx.0", X509_subject_name_hash(pki.root.x509()));
  write(hash, audit_test::pem(pki.root));
  std::string error;
  auto trust = TrustStore::load("", dir_.string(), error);
  ASSERT_TRUE(trust) << error;
  EXPECT_TRUE(contains(trust->description(), "hashed directory")) << trust->description();
  EXPECT_EQ(trust->certificate_count(), 0U);
  EXPECT_TRUE(verifies(*trust));
}

TEST_F(TrustStoreTest, DirectoryErrors) {
  std::string error;
  std::string missing = (dir_ / "nope").string();
  EXPECT_FALSE(TrustStore::load("", missing, error));
  EXPECT_EQ(error, "cannot read CA directory " + missing + ": No such file or directory");

  EXPECT_FALSE(TrustStore::load("", dir_.string(), error));
  EXPECT_TRUE(error.starts_with("CA directory " + dir_.string() + " holds no certificates")) << error;

  std::string file = write("root.pem", audit_test::pem(pki.root));
  EXPECT_FALSE(TrustStore::load("", file, error));
  EXPECT_TRUE(error.starts_with("CA directory " + file + " is not a directory")) << error;
}

TEST_F(TrustStoreTest, SystemDefaultWhenNothingGiven) {
  std::string error;
  auto trust = TrustStore::load("", "", error);
  ASSERT_TRUE(trust) << error;
  EXPECT_TRUE(trust->description().starts_with("system default (")) << trust->description();
  // Our private root is not among the system's.
  EXPECT_FALSE(verifies(*trust));
}

TEST_F(TrustStoreTest, EmptyStoreTrustsNothing) {
  TrustStore empty;
  EXPECT_EQ(empty.certificate_count(), 0U);
  EXPECT_FALSE(verifies(empty));
  EXPECT_FALSE(empty.add_certificate(nullptr));
}

TEST_F(TrustStoreTest, VerificationFromSeveralThreads) {
  std::string error;
  auto loaded = TrustStore::load(write("root.pem", audit_test::pem(pki.root)), "", error);
  ASSERT_TRUE(loaded) << error;
  const TrustStore trust = *loaded;  // a copy shares the store
  std::vector<Certificate> chain = {pki.leaf, pki.intermediate};
  std::atomic<int> trusted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        ChainAuditInput in;
        in.chain = chain;
        in.captured = at(kCapture);
        in.now = at(kCapture);
        in.name = "www.example.com";
        ChainAudit a = audit_chain(in, trust);
        if (a.trusted && a.findings.empty()) ++trusted;
        if (ERR_peek_error() != 0) return;
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(trusted.load(), 200);
}

// ---- the window a result holds for (what lets AuditingSink reuse it) ----------------------

ChainAudit audit_at(const std::vector<Certificate>& chain, const TrustStore& trust, int64_t captured) {
  ChainAuditInput in;
  in.chain = chain;
  in.captured = at(captured);
  in.name = "www.example.com";
  in.now = at(kCapture + 10 * kDay);
  return audit_chain(in, trust);
}

TEST_F(ChainAuditTest, StableWindowEndsWhereTheLeafEntersItsLastThirtyDays) {
  // The leaf is valid from kCapture - 30 days to kCapture + 300 days; the intermediate and root
  // much longer: the result holds from the leaf's notBefore to 30 days before its notAfter.
  ChainAudit a = run({pki.leaf, pki.intermediate});
  EXPECT_EQ(a.stable_from, kCapture - 30 * kDay);
  EXPECT_EQ(a.stable_until, kCapture + 270 * kDay);
  // Any time inside gives the same findings; the first second outside does not.
  ChainAudit inside = audit_at({pki.leaf, pki.intermediate}, pki.trust, kCapture + 269 * kDay);
  EXPECT_EQ(codes(inside), codes(a));
  ChainAudit outside = audit_at({pki.leaf, pki.intermediate}, pki.trust, kCapture + 270 * kDay);
  EXPECT_EQ(codes(outside), std::vector<std::string>{"CERT_EXPIRES_SOON"});
  ChainAudit before = audit_at({pki.leaf, pki.intermediate}, pki.trust, kCapture - 30 * kDay - 1);
  EXPECT_EQ(codes(before), std::vector<std::string>{"CERT_NOT_YET_VALID"});
}

TEST_F(ChainAuditTest, NoStableWindowInsideTheLastThirtyDays) {
  // CERT_EXPIRES_SOON counts the days left, so the result is good for its own second only.
  ChainAudit a = audit_at({pki.leaf, pki.intermediate}, pki.trust, kCapture + 280 * kDay);
  ASSERT_EQ(codes(a), std::vector<std::string>{"CERT_EXPIRES_SOON"});
  EXPECT_EQ(a.stable_from, kCapture + 280 * kDay);
  EXPECT_EQ(a.stable_until, kCapture + 280 * kDay + 1);
}

}  // namespace
}  // namespace tlslens::audit
