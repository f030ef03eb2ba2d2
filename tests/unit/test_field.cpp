// Field and FieldText: code names refer to the registry's static storage instead of copying
// it, owned text stays valid in copies of the tree, and signature scheme names are built only
// for the pairs the registry does not name.
#include "core/tls/field.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/tls/field_reading.h"
#include "core/tls/registry.h"

namespace tlslens::tls {
namespace {

TEST(FieldText, DefaultIsEmpty) {
  FieldText text;
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(text, "");
}

TEST(FieldText, StaticTextIsReferredToNotCopied) {
  const std::string_view name = cipher_suite_name(0x1301);
  FieldText text = FieldText::of_static(name);
  EXPECT_EQ(text, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(text.data(), name.data());
}

TEST(FieldText, OwnedTextIsCopiedWithTheTree) {
  const std::string long_text(100, 'x');  // past any small-string buffer
  Field copy;
  {
    Field tree("tree", FieldKind::group);
    tree.add_text("text", long_text);
    tree.add_code("code", 0x0102, FieldText(std::string("md5+dsa")));
    copy = tree;
  }
  ASSERT_EQ(copy.children.size(), 2u);
  EXPECT_EQ(copy.children[0].text, long_text);
  EXPECT_EQ(copy.children[1].text, "md5+dsa");
}

TEST(FieldText, ReadsAsAStringView) {
  Field tree("tree", FieldKind::group);
  tree.add_text("text", "abc");
  const std::string_view view = tree.children[0].text;
  EXPECT_EQ(view, "abc");
  EXPECT_EQ(std::string(tree.children[0].text.begin(), tree.children[0].text.end()), "abc");
  EXPECT_EQ(tree.children[0].text.size(), 3u);
}

TEST(Field, CodeNamesReferToTheRegistry) {
  Field tree("tree", FieldKind::group);
  const std::string_view name = extension_name(0x0010);
  Field& code = tree.add_code("type", 0x0010, name);
  EXPECT_EQ(code.kind, FieldKind::code);
  EXPECT_EQ(code.number, 0x0010u);
  EXPECT_EQ(code.text, "application_layer_protocol_negotiation");
  EXPECT_EQ(code.text.data(), name.data());
}

TEST(SignatureSchemeDisplayName, RegisteredNamesReferToTheRegistry) {
  const FieldText name = signature_scheme_display_name(0x0403);
  EXPECT_EQ(name, "ecdsa_secp256r1_sha256");
  EXPECT_EQ(name.data(), signature_scheme_name(0x0403).data());
}

TEST(SignatureSchemeDisplayName, UnregisteredPairsAreBuiltFromTheirParts) {
  EXPECT_EQ(signature_scheme_display_name(0x0102), "md5+dsa");
  EXPECT_EQ(signature_scheme_display_name(0x0001), "none+rsa");
  EXPECT_EQ(signature_scheme_display_name(0x0600), "sha512+anonymous");  // past any small-string buffer
}

TEST(SignatureSchemeDisplayName, UnknownPartsGiveNoName) {
  EXPECT_EQ(signature_scheme_display_name(0x0901), "");  // hash 9
  EXPECT_EQ(signature_scheme_display_name(0x0109), "");  // signature 9
}

}  // namespace
}  // namespace tlslens::tls
