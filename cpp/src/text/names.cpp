#include "mekong/text/names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <unordered_set>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "mekong/error.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {

Gap classify_gap(std::string_view gap, bool* sentence_break) {
  bool only_space = true, brk = false;
  std::size_t hyphens = 0;
  for (std::size_t i = 0; i < gap.size();) {
    const char32_t c = utf8::next(gap, i);  // bounded: callers may pass any bytes
    if (c == ' ' || c == '\t' || c == 0xA0) continue;
    only_space = false;
    if (c == '-' || c == 0x2010 || c == 0x2011) ++hyphens;
    // What opens a sentence (a capital after it says nothing): sentence punctuation, a line
    // break, a colon, an opening quote. Brackets and bars do not: "(Lào)" is a name.
    if (c == '.' || c == '!' || c == '?' || c == 0x2026 || c == '\n' || c == '\r' || c == ':' || c == '"' ||
        c == 0x201C)
      brk = true;
  }
  if (sentence_break) *sentence_break = brk;
  if (only_space) return gap.empty() ? Gap::other : Gap::space;
  if (hyphens == 1 && gap.size() <= 3 && !brk) {
    bool spaced = false;
    for (char ch : gap) spaced |= ch == ' ';
    if (!spaced) return Gap::hyphen;
  }
  return Gap::other;
}

void find_names(const std::vector<WordToken>& tokens, const std::function<bool(std::string_view)>& is_common,
                const std::function<bool(std::string_view)>& is_known, std::vector<NameSpan>& out) {
  find_names_at(
      tokens, [&](std::size_t i) { return is_common(tokens[i].surface); },
      [&](std::size_t i) { return is_known(tokens[i].surface); }, out);
}

bool never_a_name(std::string_view syllable) {
  // Calendar and time words and the common nouns that stand before a place or unit's name: news
  // capitalises them to open a sentence or a heading ("Ngày 5/10", "Đồn Biên phòng"), never as a name.
  static const std::unordered_set<std::string_view> set = {
      "ngày", "tháng",  "năm", "tuần",  "quý",   "sáng", "trưa",  "chiều", "tối",  "đêm",   "hôm", "thứ", "lúc", "đồn",
      "trạm", "phường", "xã",  "huyện", "tỉnh",  "thôn", "bản",   "ấp",    "làng", "đội",   "ban", "sở",  "bộ",  "cục",
      "vụ",   "viện",   "khu", "phòng", "theo",  "tại",  "trong", "ngoài", "sau",  "trước", "khi", "đến", "từ",  "với",
      "của",  "cho",    "về",  "và",    "nhưng", "còn",  "đây",   "đó",    "này",  "ông",   "bà"};
  // One letter without a tone mark alone ("Q" of "Q.1", "B" of "ông B", "khóa I") names nothing
  // another text could share; inside a name it stays ("Nguyễn Văn A", "Bờ Y"), and "Ý" (Italy) and
  // "Á" (Asia) are names.
  std::size_t first = 0;
  if (!syllable.empty() && chars::toneless_letter(utf8::next(syllable, first)) && first == syllable.size()) return true;
  std::string lower;
  for (std::size_t i = 0; i < syllable.size();) utf8::append(lower, chars::lower(utf8::next(syllable, i)));
  return set.count(lower) != 0;
}

bool is_family_name(std::string_view syllable) {
  // The commonest Vietnamese family names (together nearly all of the population), ethnic
  // minorities' (Lò, Cầm, Quàng, Vi, Nông) included: the first syllable of a person's full name.
  static const std::unordered_set<std::string_view> set = {
      "Nguyễn", "Trần",  "Lê",   "Phạm",  "Hoàng", "Huỳnh", "Phan",  "Vũ",    "Võ",     "Đặng",  "Bùi",
      "Đỗ",     "Hồ",    "Ngô",  "Dương", "Lý",    "Đinh",  "Đào",   "Trịnh", "Trương", "Lương", "Lâm",
      "Đoàn",   "Vương", "Tô",   "Chu",   "Kiều",  "Lưu",   "Quách", "Triệu", "Hứa",    "Tạ",    "Mai",
      "Hà",     "Cao",   "Thái", "Lại",   "Châu",  "Phùng", "Thạch", "Tôn",   "Doãn",   "Mạc",   "Lục",
      "Nghiêm", "Giáp",  "Lò",   "Cầm",   "Quàng", "Vi",    "Nông"};
  return set.count(syllable) != 0;
}

bool is_unit_noun(std::string_view folded) {
  // tỉnh, huyện, xã, phường, quận, thôn; thành phố, TP, thị trấn and thủ đô by their last syllable.
  static const std::unordered_set<std::string_view> set = {"tỉnh", "huyện", "xã", "phường", "quận",
                                                           "thôn", "phố",   "tp", "trấn",   "đô"};
  return set.count(folded) != 0;
}

bool is_foreign_place(std::string_view folded) {
  // Countries written as one syllable or one foreign token, the ones news puts before a person's
  // name ("Lào Khăm-phăn", "Campuchia Hun Manet", "Nga Vladimir Putin"), and those of two
  // syllables ("Thái Lan", "Trung Quốc"). With them the provinces of Laos and Cambodia whose
  // name is one token in some spelling, which news puts before their officials' names ("Attapư
  // Lệt Xay-nhạ-phon").
  static const std::unordered_set<std::string_view> set = {
      "attapư", "attapu", "attapeu", "sekong", "salavan", "saravane", "savannakhet", "champasak", "champassak",
      "khammouane", "bolikhamxay", "bolikhamsai", "houaphanh", "xiengkhouang", "oudomxay", "phongsaly", "luangnamtha",
      "bokeo", "sainyabuli", "xaisomboun", "vientiane", "ratanakiri", "mondulkiri", "kratie", "takeo", "kampot",
      "kandal", "battambang", "siemreap", "preyveng", "stungtreng", "kampongcham", "tbongkhmum",
      // Countries of two syllables, folded and joined by "_" as words are.
      "thái_lan", "trung_quốc", "nhật_bản", "hàn_quốc", "triều_tiên", "ấn_độ", "hoa_kỳ", "anh_quốc", "đài_loan",
      // Countries of one syllable or token; not "nhật" (mostly "Nhật Bản") nor "anh" (also "brother").
      "lào", "campuchia", "mỹ", "nga", "pháp", "đức", "úc", "ý", "myanmar", "singapore", "malaysia", "indonesia",
      "philippines", "brunei", "cuba", "israel", "iran", "ukraine", "canada", "brazil", "mexico", "venezuela"};
  return set.count(folded) != 0;
}

void NameStarts::merge(const NameStarts& other, bool as_document) {
  for (std::uint32_t k = 0; k < other.ids_.size(); ++k) {
    bool added = false;
    const std::uint32_t id = ids_.intern(other.ids_.str(k), &added);
    if (added) uses_.emplace_back();
    const Uses& u = other.uses_[k];
    uses_[id].alone += as_document ? (u.alone != 0) : u.alone;
    uses_[id].first += as_document ? (u.first != 0) : u.first;
  }
}

bool NameStarts::clipped(std::string_view folded) const {
  const std::uint32_t id = ids_.find(folded);
  return id != Interner::npos && uses_[id].first > uses_[id].alone;
}

std::vector<std::string> NameStarts::clipped_all() const {
  std::vector<std::string> out;
  for (std::uint32_t k = 0; k < ids_.size(); ++k)
    if (uses_[k].first > uses_[k].alone) out.emplace_back(ids_.str(k));
  return out;
}

namespace {

// Offices, ranks and forms of address that news capitalises before a name. A closed class: the
// words that stand in front of a name, never a name themselves.
const std::unordered_set<std::string_view>& titles() {
  static const std::unordered_set<std::string_view> set = {
      "phó", "chủ_tịch", "bí_thư", "tổng_bí_thư", "tỉnh_trưởng", "thủ_tướng", "bộ_trưởng", "thứ_trưởng", "giám_đốc",
      "tổng_thống", "chủ_nhiệm", "trưởng_ban", "trưởng_đoàn", "đại_sứ", "lãnh_sự", "đại_tướng", "thượng_tướng",
      "trung_tướng", "thiếu_tướng", "đại_tá", "thượng_tá", "trung_tá", "thiếu_tá", "đại_úy", "thượng_úy", "trung_úy",
      "thiếu_úy", "chánh_văn_phòng", "chánh_án", "viện_trưởng", "quốc_vương", "nhà_vua", "vua", "hoàng_thân",
      "hoàng_tử", "công_chúa", "nữ_hoàng", "hoàng_đế", "thái_tử", "thủ_hiến", "thị_trưởng", "huyện_trưởng",
      "chủ_tịch_nước", "thư_ký", "giáo_sư", "tiến_sĩ", "thạc_sĩ", "bác_sĩ", "kỹ_sư", "luật_sư", "nhà_báo", "đồng_chí",
      "ông", "bà", "anh", "chị", "ngài", "trưởng", "tổng", "ủy_viên", "thành_viên", "đại_biểu", "cục_trưởng",
      "vụ_trưởng", "sở_trưởng", "trưởng_phòng", "tư_lệnh", "chính_ủy", "thống_đốc", "hiệu_trưởng", "chỉ_huy_trưởng",
      "chủ_tọa", "nghị_sĩ", "phát_ngôn_viên", "người_phát_ngôn", "thủ_lĩnh", "linh_mục", "giám_mục", "hòa_thượng",
      "thượng_tọa", "chủ_tịch_ubnd", "chủ_tịch_hđnd", "bí_thư_tỉnh_ủy", "bí_thư_thành_ủy", "bí_thư_huyện_ủy",
      "bí_thư_đảng_ủy", "chủ_tịch_ubnd_tỉnh", "chủ_tịch_hđnd_tỉnh",
      // Abbreviated, before names as the words are: "HLV Kim Sang-sik", "PGS.TS".
      "hlv", "gs", "pgs", "ts", "ths", "tskh", "bs", "nsnd", "nsưt", "đbqh", "gs.ts", "pgs.ts", "ts.bs"};
  return set;
}

// Words put before a title that make another title: "Phó Chủ tịch", "Quyền Giám đốc",
// "Nguyên Bộ trưởng". Never a title alone ("Nguyên" is also a given name).
constexpr std::string_view kTitleModifiers[] = {"phó", "quyền", "nguyên", "cựu", "tổng", "đồng", "phụ_tá"};

bool title_modifier(std::string_view piece) {
  return std::find(std::begin(kTitleModifiers), std::end(kTitleModifiers), piece) != std::end(kTitleModifiers);
}

}  // namespace

bool may_open_title_word(std::string_view first_syllable) {
  // is_title_word is true only of a listed title (whose first syllable is that title's) or of a
  // sequence that starts with a listed title or with a one-syllable modifier: the first syllables of
  // both lists are all the syllables a title word can start with.
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s;
    for (const std::string_view t : titles()) s.insert(t.substr(0, t.find('_')));
    for (const std::string_view m : kTitleModifiers) s.insert(m.substr(0, m.find('_')));
    return s;
  }();
  return set.count(first_syllable) != 0;
}

bool is_title_word(std::string_view canonical) {
  const auto& set = titles();
  if (set.count(canonical)) return true;
  // A word the segmenter made of several titles ("Phó Tổng", "Phó Chủ tịch", "Tổng Giám đốc",
  // "Quyền Bộ trưởng", "Phó Bí thư Tỉnh ủy"... ): modifiers, then a sequence of titles and
  // the offices' bodies, split at "_" by dynamic programming over the syllables.
  // At most 12 syllables are split: fixed arrays, no allocation (most words asked have one syllable
  // and leave at the first test).
  std::array<std::size_t, 14> cuts;
  std::size_t n = 1;
  cuts[0] = 0;
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    if (canonical[i] != '_') continue;
    if (n == 12) return false;  // a 13th syllable
    cuts[n++] = i + 1;
  }
  if (n < 2) return false;
  cuts[n] = canonical.size() + 1;
  auto piece = [&](std::size_t a, std::size_t b) { return canonical.substr(cuts[a], cuts[b] - 1 - cuts[a]); };
  std::size_t k = 0;
  while (k + 1 < n && title_modifier(piece(k, k + 1))) ++k;
  // reach[j]: syllables [k, j) are a sequence of titles (and, after the first, bodies such as "Tỉnh ủy").
  std::array<std::uint8_t, 13> reach{};
  reach[k] = 1;
  for (std::size_t i = k; i < n; ++i) {
    if (!reach[i]) continue;
    for (std::size_t j = i + 1; j <= n && j - i <= 4; ++j) {
      const std::string_view p = piece(i, j);
      if (set.count(p) || (i > k && (is_office_body(p) || title_modifier(p)))) reach[j] = 1;
    }
  }
  return reach[n] && (k > 0 || n - k >= 2);
}

bool is_office_body(std::string_view canonical) {
  // The bodies a title is held in, written after it: "Bí thư Tỉnh ủy", "Chủ tịch UBND".
  static const std::unordered_set<std::string_view> set = {
      "tỉnh_ủy",  "thành_ủy",  "huyện_ủy", "đảng_ủy", "ubnd",      "hđnd", "ủy_ban",
      "quốc_hội", "chính_phủ", "tỉnh",     "huyện",   "thành_phố", "xã",   "mặt_trận",
      "công_an",  "quân_khu",  "đảng",     "nước",    "ban",       "bộ",   "sở"};
  return set.count(canonical) != 0;
}

namespace {

// The process's one "Any-Latin; Latin-ASCII; Lower" transliterator, built on first use: building
// it loads ICU's whole transliterator registry (about 150 M instructions, 40 ms), so a corpus whose
// names are all Latin letters never pays for it. Each AliasKeys clones it.
const icu::Transliterator& alias_prototype() {
  static const std::unique_ptr<icu::Transliterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    check_icu(status, "Transliterator::createInstance");
    return t;
  }();
  return *prototype;
}

// The key letter of each Latin letter written with marks (U+0080-U+024F, U+1E00-U+1EFF): the
// lower-case ASCII letter or digit its canonical decomposition starts with when the rest of it is
// combining diacritics (U+0300-U+036F), as Latin-ASCII (NFD, marks removed) makes it, and 'd' for
// đ/Đ (no decomposition; Latin-ASCII maps them to d/D). 0: not decided here (æ, ø, ß, other
// scripts...): such a name goes through ICU. test_count_paths.cpp checks every entry against ICU.
struct LatinKeyTable {
  unsigned char low[0x250 - 0x80] = {};
  unsigned char ext[0x100] = {};
};

const LatinKeyTable& latin_keys() {
  static const LatinKeyTable table = [] {
    LatinKeyTable t;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    check_icu(status, "Normalizer2::getNFDInstance");
    auto base_of = [&](UChar32 c) -> unsigned char {
      if (c == 0x110 || c == 0x111) return 'd';
      UErrorCode st = U_ZERO_ERROR;
      const icu::UnicodeString d = nfd->normalize(icu::UnicodeString(c), st);
      if (U_FAILURE(st) || d.length() < 2) return 0;
      const char16_t b = d.charAt(0);
      if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))) return 0;
      for (int32_t k = 1; k < d.length(); ++k)
        if (d.charAt(k) < 0x300 || d.charAt(k) > 0x36F) return 0;
      return static_cast<unsigned char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
    };
    for (UChar32 c = 0x80; c < 0x250; ++c) t.low[c - 0x80] = base_of(c);
    for (UChar32 c = 0x1E00; c < 0x1F00; ++c) t.ext[c - 0x1E00] = base_of(c);
    return t;
  }();
  return table;
}

// The alias key of a name made only of ASCII and the Latin letters above, without ICU: the same as
// ICU's transliteration followed by the filter in AliasKeys::transliterate. False (out unspecified)
// when some character is not one of those, or the key would be empty: ICU decides then.
bool latin_key(std::string_view name, std::string& out) {
  const LatinKeyTable& t = latin_keys();
  out.clear();
  CancelPoll poll;  // a "name" may be a whole hostile document
  for (std::size_t i = 0; i < name.size();) {
    poll.at(i);
    const auto b = static_cast<unsigned char>(name[i]);
    if (b < 0x80) {
      const char l = static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
      if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out.push_back(l);
      ++i;
      continue;
    }
    const char32_t c = utf8::next(name, i);
    unsigned char k = 0;
    if (c < 0x80) return false;  // not from a well-formed sequence
    if (c < 0x250)
      k = t.low[c - 0x80];
    else if (c >= 0x1E00 && c < 0x1F00)
      k = t.ext[c - 0x1E00];
    if (!k) return false;
    out.push_back(static_cast<char>(k));
  }
  return !out.empty();
}

}  // namespace

AliasKeys::AliasKeys() = default;
AliasKeys::~AliasKeys() = default;
AliasKeys::AliasKeys(AliasKeys&&) noexcept = default;

std::string AliasKeys::key(std::string_view name) {
  constexpr std::size_t kMaxEntries = 1u << 18;  // a fixed buffer: start afresh past 262,144 names
  bool added = false;
  const std::uint32_t slot = memo_names_.intern(name, &added);
  if (!added) return memo_keys_[slot];
  memo_keys_.push_back(transliterate(name));
  std::string out = memo_keys_.back();
  if (memo_keys_.size() >= kMaxEntries) {
    memo_names_ = Interner();
    memo_keys_.clear();
  }
  return out;
}

std::string AliasKeys::transliterate(std::string_view name) {
  std::string out;
  if (latin_key(name, out)) return out;  // Latin letters only (every Vietnamese name): no ICU
  return transliterate_icu(name);
}

std::string AliasKeys::transliterate_icu(std::string_view name) {
  if (!translit_) translit_.reset(alias_prototype().clone());
  // ICU's transliterator slows down with the square of its input on long non-ASCII text ("Ắt-ta-"
  // repeated: 14 s for 600 KB). A key keeps only letters and digits, so the name is transliterated
  // in pieces of at most kPiece bytes cut after an ASCII space or punctuation byte (a syllable
  // boundary), else at a code point boundary. A name shorter than kPiece, every real one, is one
  // piece: the same key as before.
  constexpr std::size_t kPiece = 1024;
  std::string ascii;
  CancelPoll poll;
  for (std::size_t at = 0; at < name.size();) {
    poll.at(at);
    std::size_t end = name.size();
    if (end - at > kPiece) {
      end = at + kPiece;
      std::size_t cut = end;
      while (cut > at && !(static_cast<unsigned char>(name[cut - 1]) < 0x80 &&
                           !std::isalnum(static_cast<unsigned char>(name[cut - 1]))))
        --cut;
      if (cut > at) {
        end = cut;
      } else {
        while (end > at + 1 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
      }
    }
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(name.data() + at, static_cast<int32_t>(end - at)));
    translit_->transliterate(u);
    u.toUTF8String(ascii);
    at = end;
  }
  std::string out;
  for (char c : ascii) {
    const char l = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out.push_back(l);
  }
  if (!out.empty()) return out;
  // A script ICU cannot romanize (Lao has no Latin transliterator): the name's own letters.
  for (std::size_t i = 0; i < ascii.size();) {
    const char32_t c = utf8::next(ascii.data(), i);
    if (chars::classify(c) & (chars::kLetter | chars::kMark | chars::kNumber)) utf8::append(out, chars::lower(c));
  }
  return out;
}

}  // namespace mekong
