// normalize: NFC (Normalizer::compose), one token's fold, and mekong.normalize() (normalize_text).
//   compose and fold_token also run on the raw bytes (invalid, or cut inside a sequence at the end).
//   compose equals ICU's UTF-16 NFC of the whole string (of its stream-safe form, when the core
//   writes one for runs of more than 30 marks), returns the input itself when it is NFC already,
//   and is idempotent; normalize_text's output is valid UTF-8, in NFC, keeps every
//   separator where it was, and is idempotent (normalizing normalized text changes nothing).
//   The first byte picks lowercase and the tone style.
#include "../tests/stream_safe_reference.hpp"
#include "fuzz_common.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/normalize.hpp"

namespace {

const mekong::Normalizer& normalizer(std::uint8_t which) {
  static const mekong::Normalizer all[6] = {mekong::Normalizer({true, mekong::ToneStyle::traditional}),
                                            mekong::Normalizer({true, mekong::ToneStyle::modern}),
                                            mekong::Normalizer({true, mekong::ToneStyle::keep}),
                                            mekong::Normalizer({false, mekong::ToneStyle::traditional}),
                                            mekong::Normalizer({false, mekong::ToneStyle::modern}),
                                            mekong::Normalizer({false, mekong::ToneStyle::keep})};
  return all[which % 6];
}

// The text with every run of word characters removed: what normalization must leave alone.
std::u32string separators(std::string_view valid) {
  std::u32string out;
  for (char32_t c : fuzz::code_points(valid))
    if (!fuzz::word_char(c)) out.push_back(c);
  return out;
}

// UAX #15's stream-safe form (the shared slow reference), as UTF-8.
std::string stream_safe(std::string_view valid) {
  return fuzz::to_utf8(mekong_reference::stream_safe(
      icu::UnicodeString::fromUTF8(icu::StringPiece(valid.data(), static_cast<int32_t>(valid.size())))));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const mekong::Normalizer& norm = normalizer(in.byte());
  std::string decoded;
  const std::string_view text = mekong::decode_utf8(in.rest(), decoded).text;

  // The raw bytes, never decoded, as a C++ caller may pass them: libFuzzer's buffer ends where they
  // end, so a reader that trusts a cut lead byte reads past it (ASan). compose replaces the invalid
  // sequences as decode_utf8 does.
  {
    std::string raw_scratch, ref_scratch;
    const std::string_view raw_nfc = norm.compose(in.rest(), raw_scratch);
    FUZZ_CHECK(raw_nfc == norm.compose(text, ref_scratch), "compose of raw bytes differs from compose of decoded on %s",
               fuzz::hex(in.rest()).c_str());
    std::string raw_folded;
    norm.fold_token(in.rest(), raw_folded);
    FUZZ_CHECK(fuzz::valid_utf8(raw_folded), "fold_token of raw bytes is not valid UTF-8");
  }

  std::string scratch;
  const std::string_view nfc = norm.compose(text, scratch);
  FUZZ_CHECK(fuzz::valid_utf8(nfc), "compose output is not valid UTF-8");
  // compose() may put hostile runs of marks in UAX #15's stream-safe format first; then it equals
  // ICU's NFC of that form.
  const std::string safe = stream_safe(text);
  const std::string ref = fuzz::nfc_reference(safe);
  FUZZ_CHECK(nfc == ref || (safe != text && nfc == fuzz::nfc_reference(text)), "compose differs from ICU's NFC on %s",
             fuzz::hex(text).c_str());
  const bool already = fuzz::is_nfc(text);
  if (nfc.data() == text.data()) FUZZ_CHECK(already, "compose returned text that is not NFC as it is");
  if (already && safe == text) FUZZ_CHECK(nfc.data() == text.data(), "compose copied text that is NFC already");
  std::string scratch2;
  const std::string_view twice = norm.compose(nfc, scratch2);
  FUZZ_CHECK(twice.data() == nfc.data(), "NFC of NFC text was not recognised as NFC on %s", fuzz::hex(text).c_str());

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
