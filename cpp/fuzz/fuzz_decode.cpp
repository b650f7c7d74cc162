// decode: bytes -> valid UTF-8, invalid sequences counted.
//   UTF-8: decode_utf8 against a reference decoder written from the definition (one U+FFFD per
//   maximal subpart, as Python's bytes.decode("utf-8", "replace") does, and one per encoded
//   surrogate ED A0..BF xx as documented); find_invalid_utf8 against the reference's first error.
//   Other encodings (first byte picks one): decode_bytes gives valid UTF-8 and throws nothing
//   else; ISO-8859-1 maps byte to code point exactly.
#include <stdexcept>

#include "fuzz_common.hpp"
#include "mekong/text/decode.hpp"

namespace {

struct Reference {
  std::string text;
  std::size_t replaced = 0;
  std::size_t first_invalid = std::string_view::npos;
};

Reference reference_decode(std::string_view s) {
  Reference r;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k) { return k < s.size() && (at(k) & 0xC0) == 0x80; };
  auto bad = [&](std::size_t i) {
    if (r.replaced++ == 0) r.first_invalid = i;
    r.text += "\xEF\xBF\xBD";
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = at(i);
    if (b < 0x80) {
      r.text.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if (b == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF)
      len = 3;
    else if (b == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (b == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else if (b >= 0xF1 && b <= 0xF3)
      len = 4;
    if (len == 0) {  // never a lead byte
      bad(i);
      ++i;
      continue;
    }
    if (b == 0xED && i + 1 < s.size() && at(i + 1) >= 0xA0 && at(i + 1) <= 0xBF && cont(i + 2)) {
      bad(i);  // an encoded surrogate: one sequence of three bytes
      i += 3;
      continue;
    }
    std::size_t ok = 1;  // bytes of the sequence that are right so far
    if (i + 1 < s.size() && at(i + 1) >= lo && at(i + 1) <= hi) {
      ok = 2;
      while (ok < len && cont(i + ok)) ++ok;
    }
    if (ok == len) {
      r.text.append(s.substr(i, len));
    } else {
      bad(i);
    }
    i += ok;
  }
  return r;
}

const char* const kEncodings[] = {"windows-1258", "utf-16",    "utf-16le", "utf-16be",    "utf-32",
                                  "latin1",       "shift_jis", "gb18030",  "big5",        "euc-kr",
                                  "scsu",         "bocu-1",    "utf-7",    "iso-2022-jp", "tis-620",
                                  "windows-1252", "koi8-r",    "utf-8",    "cesu-8",      "imap-mailbox-name"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // UTF-8, whatever the first byte says.
  std::string scratch;
  const mekong::Decoded d = mekong::decode_utf8(in, scratch);
  const Reference ref = reference_decode(in);
  FUZZ_CHECK(d.text == ref.text, "decode_utf8 differs from the reference on %s", fuzz::hex(in).c_str());
  FUZZ_CHECK(d.replaced == ref.replaced, "replaced %zu, reference %zu", d.replaced, ref.replaced);
  FUZZ_CHECK(d.first_invalid == ref.first_invalid, "first_invalid %zu, reference %zu", d.first_invalid,
             ref.first_invalid);
  FUZZ_CHECK(mekong::find_invalid_utf8(in) == ref.first_invalid, "find_invalid_utf8 disagrees");
  FUZZ_CHECK(fuzz::valid_utf8(d.text), "decode_utf8 output is not valid UTF-8");
  FUZZ_CHECK((d.replaced == 0) == fuzz::valid_utf8(in), "replaced == 0 must mean the input was valid");
  if (d.replaced == 0) FUZZ_CHECK(d.text.data() == in.data(), "valid input must be returned as is, uncopied");
  std::string again;
  const mekong::Decoded d2 = mekong::decode_utf8(d.text, again);  // decoding is idempotent
  FUZZ_CHECK(d2.replaced == 0 && d2.text == d.text, "decoding decoded text changed it");

  // A named encoding, picked by the first byte; the rest is the text.
  if (size == 0) return 0;
  const std::string encoding = kEncodings[data[0] % (sizeof kEncodings / sizeof kEncodings[0])];
  const std::string_view body = in.substr(1);
  std::string scratch2;
  mekong::Decoded e;
  try {
    e = mekong::decode_bytes(body, encoding, scratch2);
  } catch (const std::invalid_argument& err) {
    FUZZ_CHECK(false, "decode_bytes(%s) threw invalid_argument: %s", encoding.c_str(), err.what());
  }
  FUZZ_CHECK(fuzz::valid_utf8(e.text), "decode_bytes(%s) output is not valid UTF-8 on %s", encoding.c_str(),
             fuzz::hex(body).c_str());
  if (encoding == "latin1") {
    std::string expect;
    for (unsigned char c : body) {
      if (c < 0x80)
        expect.push_back(static_cast<char>(c));
      else {
        expect.push_back(static_cast<char>(0xC0 | (c >> 6)));
        expect.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    FUZZ_CHECK(e.text == expect && e.replaced == 0, "latin1 is not byte -> code point");
  }
  if (encoding == "utf-8") {
    FUZZ_CHECK(e.text == mekong::decode_utf8(body, scratch).text, "decode_bytes(utf-8) differs from decode_utf8");
  }
  if (e.replaced == 0 && e.first_invalid != std::string_view::npos)
    FUZZ_CHECK(false, "first_invalid set with nothing replaced");
  return 0;
}
