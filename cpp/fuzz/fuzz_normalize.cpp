// normalize: NFC (Normalizer::compose), one token's fold, and mekong.normalize() (normalize_text).
//   compose equals ICU's UTF-16 NFC of the whole string, returns the input itself exactly when it
//   is NFC already, and is idempotent; normalize_text's output is valid UTF-8, in NFC, keeps every
//   separator where it was, and is idempotent (normalizing normalized text changes nothing).
//   The first byte picks lowercase and the tone style.
#include "fuzz_common.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/normalize.hpp"

namespace {

const mekong::Normalizer& normalizer(std::uint8_t which) {
  static const mekong::Normalizer all[6] = {
      mekong::Normalizer({true, mekong::ToneStyle::traditional}),  mekong::Normalizer({true, mekong::ToneStyle::modern}),
      mekong::Normalizer({true, mekong::ToneStyle::keep}),         mekong::Normalizer({false, mekong::ToneStyle::traditional}),
      mekong::Normalizer({false, mekong::ToneStyle::modern}),      mekong::Normalizer({false, mekong::ToneStyle::keep})};
  return all[which % 6];
}

// The text with every run of word characters removed: what normalization must leave alone.
std::u32string separators(std::string_view valid) {
  std::u32string out;
  for (char32_t c : fuzz::code_points(valid))
    if (!fuzz::word_char(c)) out.push_back(c);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const mekong::Normalizer& norm = normalizer(in.byte());
  std::string decoded;
  const std::string_view text = mekong::decode_utf8(in.rest(), decoded).text;

  std::string scratch;
  const std::string_view nfc = norm.compose(text, scratch);
  FUZZ_CHECK(fuzz::valid_utf8(nfc), "compose output is not valid UTF-8");
  const std::string ref = fuzz::nfc_reference(text);
  FUZZ_CHECK(nfc == ref, "compose differs from ICU's NFC on %s", fuzz::hex(text).c_str());
  const bool already = fuzz::is_nfc(text);
  FUZZ_CHECK(already == (nfc.data() == text.data()), "compose must return the input itself exactly when it is NFC");
  std::string scratch2;
  const std::string_view twice = norm.compose(nfc, scratch2);
  FUZZ_CHECK(twice.data() == nfc.data(), "NFC of NFC text was not recognised as NFC");

  const std::string out = norm.normalize_text(text);
  FUZZ_CHECK(fuzz::valid_utf8(out), "normalize_text output is not valid UTF-8 on %s", fuzz::hex(text).c_str());
  FUZZ_CHECK(fuzz::is_nfc(out), "normalize_text output is not NFC on %s", fuzz::hex(text).c_str());
  FUZZ_CHECK(separators(out) == separators(nfc), "normalize_text changed a separator on %s", fuzz::hex(text).c_str());
  const std::string again = norm.normalize_text(out);
  FUZZ_CHECK(again == out, "normalize_text is not idempotent on %s", fuzz::hex(text).c_str());

  // One token folded: valid UTF-8, NFC, and (lower-casing on) with no upper-case letter left.
  std::string folded;
  norm.fold_token(nfc, folded);
  FUZZ_CHECK(fuzz::valid_utf8(folded), "fold_token output is not valid UTF-8");
  FUZZ_CHECK(fuzz::is_nfc(folded), "fold_token output is not NFC on %s", fuzz::hex(nfc).c_str());
  return 0;
}
