#include "mekong/text/normalize.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "mekong/error.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

// Vietnamese vowels: 12 bases, each with 6 tones (none, grave, acute, hook, tilde, dot below), in lower
// and upper case. Index 0 means "not a Vietnamese vowel".
constexpr int kBases = 12;
constexpr char32_t kBaseLower[kBases] = {U'a', U'ă', U'â', U'e', U'ê', U'i', U'o', U'ô', U'ơ', U'u', U'ư', U'y'};
constexpr char32_t kBaseUpper[kBases] = {U'A', U'Ă', U'Â', U'E', U'Ê', U'I', U'O', U'Ô', U'Ơ', U'U', U'Ư', U'Y'};
constexpr char16_t kToneMarks[6] = {0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};
enum Base { A = 1, A_BREVE, A_CIRC, E, E_CIRC, I, O, O_CIRC, O_HORN, U, U_HORN, Y };
constexpr char32_t kVowelTableSize = 0x1F00;

inline bool has_quality_mark(int base) {
  return base == A_BREVE || base == A_CIRC || base == E_CIRC || base == O_CIRC || base == O_HORN || base == U_HORN;
}

struct VowelTables {
  // info: bits 0-3 base (1..12), bits 4-6 tone (0..5), bit 7 upper case.
  std::array<std::uint8_t, kVowelTableSize> info{};
  char32_t compose[kBases + 1][2][6]{};
};

std::unique_ptr<VowelTables> build_vowel_tables() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  check_icu(status, "Normalizer2::getNFCInstance");
  auto t = std::make_unique<VowelTables>();
  for (int b = 0; b < kBases; ++b) {
    for (int upper = 0; upper < 2; ++upper) {
      const char32_t base = upper ? kBaseUpper[b] : kBaseLower[b];
      for (int tone = 0; tone < 6; ++tone) {
        // Let ICU compose base + combining tone mark, so the table is exactly Unicode's.
        icu::UnicodeString s(static_cast<UChar32>(base));
        if (tone) s.append(static_cast<UChar>(kToneMarks[tone]));
        icu::UnicodeString composed = nfc->normalize(s, status);
        check_icu(status, "Normalizer2::normalize");
        const char32_t cp = static_cast<char32_t>(composed.char32At(0));
        t->compose[b + 1][upper][tone] = cp;
        if (composed.countChar32() == 1 && cp < kVowelTableSize) {
          t->info[cp] = static_cast<std::uint8_t>((b + 1) | (tone << 4) | (upper << 7));
        }
      }
    }
  }
  return t;
}

const VowelTables& vowels() {
  static const std::unique_ptr<VowelTables> instance = build_vowel_tables();
  return *instance;
}

inline int vowel_base(const VowelTables& v, char32_t c) { return c < kVowelTableSize ? v.info[c] & 0x0F : 0; }
inline int vowel_tone(const VowelTables& v, char32_t c) { return c < kVowelTableSize ? (v.info[c] >> 4) & 0x07 : 0; }

// Lower-case ASCII consonant, 'D' for đ, or 0 for anything else.
inline char consonant(char32_t c) {
  if (c == U'đ' || c == U'Đ') return 'D';
  if (c < 0x80) {
    const char l = static_cast<char>(c | 0x20);
    if (l >= 'a' && l <= 'z' && l != 'a' && l != 'e' && l != 'i' && l != 'o' && l != 'u' && l != 'y') return l;
  }
  return 0;
}

bool valid_onset(std::string_view s) {
  static constexpr std::string_view kOnsets[] = {"",   "b",  "c", "ch", "d",  "D",  "g",   "gh", "gi", "h",
                                                 "k",  "kh", "l", "m",  "n",  "ng", "ngh", "nh", "p",  "ph",
                                                 "qu", "r",  "s", "t",  "th", "tr", "v",   "x"};
  for (auto o : kOnsets)
    if (o == s) return true;
  return false;
}

bool valid_coda(std::string_view s) {
  static constexpr std::string_view kCodas[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
  for (auto c : kCodas)
    if (c == s) return true;
  return false;
}

inline void append_ascii_lower(std::string_view s, std::string& out) {
  const std::size_t start = out.size();
  out.append(s);
  for (std::size_t i = start; i < out.size(); ++i) {
    const char c = out[i];
    if (c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
  }
}

inline bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

const icu::Normalizer2& nfc_instance() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  check_icu(status, "Normalizer2::getNFCInstance");
  return *nfc;
}

const icu::Normalizer2& nfd_instance() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  check_icu(status, "Normalizer2::getNFDInstance");
  return *nfd;
}

// UAX #15's limit: a run of more than 30 non-starters gets U+034F COMBINING GRAPHEME JOINER.
constexpr std::size_t kMaxNonStarters = 30;
constexpr char kCgj[] = "\xCD\x8F";

// The non-starters (combining class > 0) at each end of c's canonical decomposition, and whether it
// is made of nothing else: "ệ" (e + U+0323 + U+0302) ends in two, a combining mark is one.
struct NonStarters {
  std::size_t leading = 0, trailing = 0;
  bool all = false;
};

NonStarters non_starters(const icu::Normalizer2& nfd, char32_t c) {
  icu::UnicodeString d;
  if (!nfd.getDecomposition(static_cast<UChar32>(c), d)) {
    const bool mark = nfd.getCombiningClass(static_cast<UChar32>(c)) != 0;
    return {mark, mark, mark};
  }
  NonStarters out;
  std::size_t length = 0;
  bool leading = true;
  for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1), ++length) {
    const bool mark = nfd.getCombiningClass(d.char32At(k)) != 0;
    leading = leading && mark;
    out.leading += leading;
    out.trailing = mark ? out.trailing + 1 : 0;
  }
  out.all = out.leading == length;
  return out;
}

// The stream-safe form of `text` (UAX #15 section 13): a CGJ, a starter that composes with nothing,
// goes where a run of non-starters would pass 30, so that no run ICU reorders is longer. The run is
// counted in canonical decompositions (UAX #15 counts in NFKD; NFC only ever sees the canonical
// ones, and NFC(x) has the canonical decomposition of x, so NFC of this form is in this form again:
// composing twice inserts nothing new). A precomposed "ệ" starts a run at two. Text that has no such
// run, all real text, is returned as it is. One pass, O(n). Sets *invalid (and stops) at the first
// sequence that is not valid UTF-8, reading nothing past the end of `text` even when it ends inside
// a sequence.
std::string_view stream_safe(const icu::Normalizer2& nfd, std::string_view text, std::string& buf, bool* invalid) {
  std::size_t run = 0, copied = 0;
  // The last code point was an NFC-stable starter whose trailing non-starters are not counted yet:
  // they only matter when a non-starter follows, so letters cost no decomposition lookup.
  char32_t pending = 0;
  bool changed = false;
  const chars::Tables& tab = chars::tables();
  CancelPoll poll;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    poll.at(i);
    if (b < 0x80) {  // ASCII: starters that decompose to themselves
      run = 0;
      pending = 0;
      ++i;
      continue;
    }
    const std::size_t at = i;
    std::size_t bad = 1;
    if (!utf8::sequence_length(reinterpret_cast<const unsigned char*>(text.data()) + i, text.size() - i, &bad)) {
      *invalid = true;
      return text;
    }
    const char32_t c = utf8::next(text.data(), i);
    // The class table answers for most letters: NFC-stable starters, whose decomposition starts
    // with a starter (one that starts with a non-starter is never NFC-stable).
    if (c < 0x10000 && (tab.cls[c] & chars::kNfcYes)) {
      pending = c;
      continue;
    }
    if (pending) run = non_starters(nfd, pending).trailing;
    pending = 0;
    const NonStarters ns = non_starters(nfd, c);
    if (run + ns.leading > kMaxNonStarters) {
      if (!changed) buf.clear();
      changed = true;
      buf.append(text.data() + copied, at - copied);
      buf += kCgj;
      copied = at;
      run = 0;
    }
    run = ns.all ? run + ns.leading : ns.trailing;
  }
  if (!changed) return text;
  buf.append(text.data() + copied, text.size() - copied);
  return buf;
}

// Pieces of about kPiece bytes that end where NFC has a boundary (before a code point that never
// combines with what precedes it), so each piece normalizes on its own to the same result as the
// whole. Stream-safe text has such a boundary at least every 31 code points or so past the limit;
// the search only goes forward, so every byte is in one piece. Between pieces the cancel flag is
// polled, and ICU's int32 lengths are never exceeded.
constexpr std::size_t kPiece = std::size_t{1} << 18;

std::size_t piece_end(const icu::Normalizer2& nfc, std::string_view text, std::size_t at) {
  if (text.size() - at <= kPiece) return text.size();
  std::size_t i = at + kPiece;
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;  // a lead byte
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) return i;  // ASCII always starts an NFC segment
    std::size_t j = i;
    const char32_t c = utf8::next(text, j);
    if (nfc.hasBoundaryBefore(static_cast<UChar32>(c))) return i;
    i = j;
  }
  return text.size();
}

}  // namespace

bool place_tone(std::u32string& syl, ToneStyle style) {
  if (style == ToneStyle::keep || syl.empty() || syl.size() > 12) return false;
  const VowelTables& v = vowels();
  int tone = 0;
  char sk[12];  // consonants as letters, vowels as 'V'
  for (std::size_t k = 0; k < syl.size(); ++k) {
    const int base = vowel_base(v, syl[k]);
    if (base) {
      if (const int t = vowel_tone(v, syl[k])) {
        if (tone) return false;  // two tone marks: not one syllable
        tone = t;
      }
      sk[k] = 'V';
    } else if (const char c = consonant(syl[k])) {
      sk[k] = c;
    } else {
      return false;
    }
  }
  if (!tone) return false;
  const std::string_view skeleton(sk, syl.size());

  std::size_t onset_end = skeleton.find('V');
  if (onset_end == std::string_view::npos) return false;
  std::string_view onset = skeleton.substr(0, onset_end);
  // "qu" and "gi" take the following u / i into the onset when another vowel follows it.
  auto next_is_vowel = [&](std::size_t k) { return k < skeleton.size() && skeleton[k] == 'V'; };
  if (onset == "q" && vowel_base(v, syl[onset_end]) == U && next_is_vowel(onset_end + 1)) {
    onset = "qu";
    ++onset_end;
  } else if (onset == "g" && vowel_base(v, syl[onset_end]) == I && next_is_vowel(onset_end + 1)) {
    onset = "gi";
    ++onset_end;
  }
  if (!valid_onset(onset)) return false;
  std::size_t nucleus_end = onset_end;
  while (next_is_vowel(nucleus_end)) ++nucleus_end;
  const std::size_t n = nucleus_end - onset_end;
  if (n < 1 || n > 3) return false;
  if (!valid_coda(std::string_view(skeleton).substr(nucleus_end))) return false;

  // Where the mark belongs, as an index into the nucleus.
  std::size_t target = 0;
  int last_marked = -1;
  for (std::size_t k = 0; k < n; ++k)
    if (has_quality_mark(vowel_base(v, syl[onset_end + k]))) last_marked = static_cast<int>(k);
  if (last_marked >= 0) {
    target = static_cast<std::size_t>(last_marked);  // ă â ê ô ơ ư carry it ("người", "nguyễn")
  } else if (nucleus_end < skeleton.size()) {
    target = n - 1;  // closed syllable: the last vowel ("hoàng", "huỳnh")
  } else if (n == 3) {
    target = 1;  // "khoái", "xoáy", "khuỷu"
  } else if (n == 2) {
    const int b0 = vowel_base(v, syl[onset_end]);
    const int b1 = vowel_base(v, syl[onset_end + 1]);
    const bool glide = (b0 == O && (b1 == A || b1 == E)) || (b0 == U && b1 == Y);
    target = (glide && style == ToneStyle::modern) ? 1 : 0;  // "hòa" / "hoà"; else "mía", "múa"
  }

  for (std::size_t k = 0; k < syl.size(); ++k) {
    const char32_t c = syl[k];
    const int base = vowel_base(v, c);
    if (!base) continue;
    const int upper = (v.info[c] >> 7) & 1;
    const int t = (k == onset_end + target) ? tone : 0;
    syl[k] = v.compose[base][upper][t];
  }
  return true;
}

Normalizer::Normalizer(NormalizeConfig config) : config_(config) {
  (void)chars::tables();
  (void)vowels();
  (void)nfc_instance();
  (void)nfd_instance();
}

std::string_view Normalizer::compose(std::string_view text, std::string& scratch) const {
  const icu::Normalizer2& nfc = nfc_instance();
  UErrorCode status = U_ZERO_ERROR;
  CancelPoll poll;
  // The quick check first: most text is NFC already and needs no copy. Stream-safe text only: on a
  // hostile run of marks ICU's check and its reordering are quadratic in the run.
  std::string safe_buf;
  bool invalid = false;
  const std::string_view safe = stream_safe(nfd_instance(), text, safe_buf, &invalid);
  if (invalid) {
    // Bytes that were never decoded (a C++ caller's view; the pipeline decodes first): each invalid
    // sequence becomes U+FFFD as decode_utf8 makes it (the bounded reader's rule), then that is
    // composed. Valid text never comes here.
    std::string decoded, composed;
    decoded.reserve(text.size() + 3);
    for (std::size_t i = 0; i < text.size();) {
      poll.at(i);
      utf8::append(decoded, utf8::next(text, i));
    }
    const std::string_view out = compose(decoded, composed);
    scratch.assign(out.data(), out.size());
    return scratch;
  }
  bool normalized = safe.data() == text.data();
  for (std::size_t at = 0; at < safe.size() && normalized;) {
    const std::size_t end = piece_end(nfc, safe, at);
    normalized = nfc.isNormalizedUTF8(icu::StringPiece(safe.data() + at, static_cast<int32_t>(end - at)), status);
    check_icu(status, "Normalizer2::isNormalizedUTF8");
    poll.now();
    at = end;
  }
  if (normalized) return text;
  scratch.clear();
  scratch.reserve(safe.size());
  icu::StringByteSink<std::string> sink(&scratch);
  for (std::size_t at = 0; at < safe.size();) {
    const std::size_t end = piece_end(nfc, safe, at);
    nfc.normalizeUTF8(0, icu::StringPiece(safe.data() + at, static_cast<int32_t>(end - at)), sink, nullptr, status);
    check_icu(status, "Normalizer2::normalizeUTF8");
    poll.now();
    at = end;
  }
  return scratch;
}

void Normalizer::fold_token(std::string_view token, std::string& out) const {
  if (is_ascii(token)) {  // no tone marks possible
    if (config_.lowercase)
      append_ascii_lower(token, out);
    else
      out.append(token);
    return;
  }
  constexpr std::size_t kStack = 48;
  char32_t stack[kStack];
  std::u32string heap;
  char32_t* cps = stack;
  if (token.size() > kStack) {  // more bytes than code points, so this bound is safe
    heap.resize(token.size());
    cps = heap.data();
  }
  const VowelTables& v = vowels();
  std::size_t n = 0;
  bool toned = false;
  for (std::size_t i = 0; i < token.size();) {
    char32_t c = utf8::next(token, i);  // bounded: a token may end inside a sequence
    if (config_.lowercase) c = chars::lower(c);
    toned |= vowel_tone(v, c) != 0;
    cps[n++] = c;
  }
  if (toned && config_.tone_marks != ToneStyle::keep) {
    // Each run of letters is one candidate syllable ("hoà_bình" holds two).
    std::u32string syl;
    for (std::size_t k = 0; k < n;) {
      if (!(chars::classify(cps[k]) & chars::kLetter)) {
        ++k;
        continue;
      }
      std::size_t end = k;
      while (end < n && (chars::classify(cps[end]) & chars::kLetter)) ++end;
      syl.assign(cps + k, end - k);
      if (place_tone(syl, config_.tone_marks)) std::copy(syl.begin(), syl.end(), cps + k);
      k = end;
    }
  }
  const std::size_t start = out.size();
  bool marks = false;
  for (std::size_t k = 0; k < n; ++k) {
    marks |= (chars::classify(cps[k]) & chars::kMark) != 0;
    utf8::append(out, cps[k]);
  }
  if (marks) {  // lower-casing or a moved tone mark can leave a mark that now composes: NFC again
    std::string piece = out.substr(start), composed;
    out.resize(start);
    const std::string_view nfc = compose(piece, composed);
    if (nfc.data() != piece.data() && config_.tone_marks != ToneStyle::keep) {
      // A mark composed that could not before: one a misplaced tone mark blocked ("uà" + U+0302 ->
      // "ùâ"), or a tone mark on a letter lower-casing changed ("İ" + U+0309 -> "ỉ"). The syllable
      // changed, so place the tone again. Each pass composes at least one mark, so this
      // ends, after a pass or two on real text.
      fold_token(std::string(nfc), out);
    } else {
      out += nfc;
    }
  }
}

std::string Normalizer::normalize_text(std::string_view text) const {
  std::string scratch;
  const std::string_view nfc = compose(text, scratch);
  std::string out;
  out.reserve(nfc.size());
  for (std::size_t i = 0; i < nfc.size();) {
    std::size_t start = i;
    std::size_t j = i;
    const char32_t c = utf8::next(nfc, j);
    if (!(chars::classify(c) & chars::kToken)) {
      out.append(nfc.data() + start, j - start);
      i = j;
      continue;
    }
    while (i < nfc.size()) {
      std::size_t k = i;
      if (!(chars::classify(utf8::next(nfc, k)) & chars::kToken)) break;
      i = k;
    }
    fold_token(nfc.substr(start, i - start), out);
  }
  return out;
}

}  // namespace mekong
