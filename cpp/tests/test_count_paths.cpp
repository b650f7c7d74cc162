// The fast paths of counting against their slow references: strip_markup's run copy (lines without
// "[") against its byte-by-byte path, memoized alias keys against a fresh transliteration, and the
// fused learning of name evidence and phrases against the staged passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/text/clean.hpp"
#include "mekong/text/links.hpp"
#include "mekong/text/models.hpp"
#include "mekong/text/names.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/words.hpp"
#include "count_reference.hpp"
#include "word_models.hpp"
#include "strip_markup_reference.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/unorm2.h>

using namespace mekong;

TEST(CountPaths, StripMarkupRunCopyMatchesTheBracketPath) {
  // A line without "[" takes the run-copy path; the same line with an unmatched "[" in front takes
  // the bracket-matching path, where an unmatched "[" is plain text. Both must strip alike.
  const std::vector<std::string> pieces = {
      "Lào",     " ",        "<b>",  "</b>", "&amp;",    "&#769;",         "a",
      "&bogus;", "<",        ">",    "&",    "!",        "x < y > z",      "(",
      ")",       "<!--c-->", "<!--", "ắt",   "\xCC\x81", "https://a.vn/x", "ban@example.vn",
      "&#xD;",   "1.5",      " , "};
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) line += pieces[rng() % pieces.size()];
    const std::string fast = strip_markup(line);
    const std::string slow = strip_markup("[ " + line);
    ASSERT_EQ("[ " + fast, slow) << line;
    double share_fast = -1, share_slow = -1;
    strip_markup(line, &share_fast);
    strip_markup("[ " + line, &share_slow);
    EXPECT_EQ(share_fast, 0.0) << line;  // no link: no link letters
    EXPECT_EQ(share_slow, 0.0) << line;
  }
}

TEST(CountPaths, TitleWordsOpenWithATitleSyllable) {
  // title_word answers a word whose first syllable opens no title (may_open_title_word) without
  // folding the rest: sound only if is_title_word is false of every such word. Checked on every
  // word of one to three syllables, and on longer random ones, made of the syllables of the titles,
  // office bodies and modifiers (names.cpp's lists) and of names.
  const std::vector<std::string> pool = {
      "an",   "anh",   "ban",   "biểu",   "bà",     "bác",  "báo",   "bí",     "bộ",    "chánh", "chí",   "chính",
      "chúa", "chỉ",   "chị",   "chủ",    "công",   "cục",  "cựu",   "giám",   "giáo",  "hiến",  "hiệu",  "hoàng",
      "huy",  "huyện", "hòa",   "hđnd",   "hội",    "khu",  "ký",    "kỹ",     "linh",  "luật",  "lãnh",  "lĩnh",
      "lệnh", "mặt",   "mục",   "nghị",   "nguyên", "ngài", "ngôn",  "người",  "nhiệm", "nhà",   "nước",  "nữ",
      "phát", "phòng", "phó",   "phố",    "phụ",    "phủ",  "quyền", "quân",   "quốc",  "sĩ",    "sư",    "sở",
      "sứ",   "sự",    "thiếu", "thành",  "thái",   "thân", "thư",   "thượng", "thạc",  "thị",   "thống", "thủ",
      "thứ",  "tiến",  "trung", "trưởng", "trận",   "tá",   "tư",    "tướng",  "tỉnh",  "tịch",  "tọa",   "tổng",
      "tử",   "ubnd",  "viên",  "viện",   "vua",    "văn",  "vương", "vụ",     "xã",    "án",    "ông",   "úy",
      "đoàn", "đại",   "đảng",  "đế",     "đốc",    "đồng", "ủy",    "nguyễn", "phạm",  "minh",  "chính", "lào",
      "việt", "nam",   "kon",   "tum",    "xay",    "nhạ",  "phon",  "thanh",  "hà",    "ðông"};
  std::size_t titles = 0, ruled_out = 0;
  auto check = [&](const std::vector<std::size_t>& at) {
    std::string canonical;
    for (std::size_t k = 0; k < at.size(); ++k) canonical += (k ? "_" : "") + pool[at[k]];
    const bool opens = may_open_title_word(pool[at[0]]);
    if (is_title_word(canonical)) {
      ++titles;
      ASSERT_TRUE(opens) << canonical;
    }
    ruled_out += !opens;
  };
  const std::size_t n = pool.size();
  for (std::size_t a = 0; a < n; ++a) {
    check({a});
    for (std::size_t b = 0; b < n; ++b) {
      check({a, b});
      for (std::size_t c = 0; c < n; ++c) check({a, b, c});
    }
  }
  std::mt19937 rng(14);
  for (int round = 0; round < 100000; ++round) {
    std::vector<std::size_t> at(4 + rng() % 10);
    for (std::size_t& k : at) k = rng() % n;
    check(at);
  }
  EXPECT_GT(titles, 1000u);      // the titles are there to find
  EXPECT_GT(ruled_out, 10000u);  // and the shortcut rules words out
  // From surfaces, as title_word reads them: capitals, NFD, spaces and hyphens; the canonical
  // first syllable ruled out means the whole word, folded and joined, is no title.
  const Normalizer canonical(NormalizeConfig{true, ToneStyle::traditional});
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  auto spell = [&](const std::string& syllable, unsigned how) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(syllable);
    if (how & 1) u = u.tempSubString(0, 1).toUpper() + u.tempSubString(1);  // "Thủ"
    if (how & 2) u.toUpper();                                               // "UBND"
    if (how & 4) u = nfd->normalize(u, status);                             // decomposed marks
    std::string out;
    u.toUTF8String(out);
    return out;
  };
  std::size_t surface_titles = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string surface, folded_first, whole;
    const std::size_t len = 1 + rng() % 4;
    for (std::size_t k = 0; k < len; ++k) {
      if (k) surface += (rng() % 4 == 0) ? "-" : " ";
      surface += spell(pool[rng() % n], rng() % 8);
    }
    for (std::size_t p = 0; p <= surface.size();) {
      std::size_t q = surface.find_first_of(" -", p);
      if (q == std::string::npos) q = surface.size();
      if (p) whole.push_back('_');
      canonical.fold_token(std::string_view(surface).substr(p, q - p), whole);
      if (!p) folded_first = whole;
      p = q + 1;
    }
    const bool title = is_title_word(whole);
    surface_titles += title;
    if (title) ASSERT_TRUE(may_open_title_word(folded_first.substr(0, folded_first.find('_')))) << surface;
  }
  ASSERT_TRUE(U_SUCCESS(status));
  EXPECT_GT(surface_titles, 100u);
}

TEST(CountPaths, StripMarkupLinkPathEqualsTheByteByByteLoop) {
  // Lines with "[" (links, images, stray brackets): the run copy and the link letters counted per
  // run against the byte-by-byte loop it replaced (strip_markup_reference.hpp), text and share,
  // composed or not, with NFD marks, nesting, unmatched brackets and runs inside link text.
  const std::vector<std::string> pieces = {"[",
                                           "]",
                                           "(",
                                           ")",
                                           "!",
                                           "![",
                                           "](",
                                           "[Kon Tum](https://a.vn/kt)",
                                           "![ảnh](https://a.vn/x.jpg)",
                                           "[[Video] Lễ ký](u)",
                                           "Thủ tướng Phạm Minh Chính",
                                           "Lào",
                                           "a\xCC\x81",
                                           "\xCC\x81",
                                           "Ê\xCC\xA3",
                                           " ",
                                           "  ",
                                           "<b>",
                                           "</b>",
                                           "<!--c-->",
                                           "&amp;",
                                           "&#769;",
                                           "&bogus;",
                                           "&",
                                           "<",
                                           "1.5",
                                           "2024",
                                           "https://a.vn/x",
                                           "ban@example.vn",
                                           "www.a.vn",
                                           "\xE2\x80\x9C",
                                           "\xF0\x9F\x98\x80",
                                           "ສະບາຍດີ",
                                           ", "};
  std::mt19937 rng(13);
  const Normalizer composer;
  for (int round = 0; round < 6000; ++round) {
    std::string raw, scratch;
    const int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) raw += pieces[rng() % pieces.size()];
    for (const bool nfc : {false, true}) {
      // nfc=true promises a composed line: the raw pieces (NFD marks) go in composed.
      const std::string line = nfc ? std::string(composer.compose(raw, scratch)) : raw;
      double share = -1, share_ref = -1;
      const std::string got = strip_markup(line, &share, nfc);
      ASSERT_EQ(got, mekong_reference::strip_markup(line, &share_ref, nfc)) << line;
      ASSERT_EQ(share, share_ref) << line;
      ASSERT_EQ(strip_markup(line, nullptr, nfc), got) << line;  // no share asked: the same text
    }
  }
  // A long line of link text, and a link whose text runs to the end of the line unclosed.
  std::string long_link = "[";
  for (int k = 0; k < 5000; ++k) long_link += "Thủ tướng Lào ";
  const std::string closed = long_link + "](https://a.vn/x) sau";
  for (const std::string& line : {long_link, closed, "Xem " + closed + " " + long_link}) {
    double share = -1, share_ref = -1;
    ASSERT_EQ(strip_markup(line, &share), mekong_reference::strip_markup(line, &share_ref));
    ASSERT_EQ(share, share_ref);
  }
}

TEST(CountPaths, StripMarkupOfAnNfcLineEqualsTheComposingPath) {
  // strip_markup(..., nfc=true) skips composing a line nothing was removed from; on NFC lines (all
  // the cleaner sees) the text and the link share must be what composing gives.
  std::vector<std::string> pieces = {"Lào", " ",       "<b>",     "&amp;", "&#769;",   "a",
                                     "e",   "[x](u)",  "![i](p)", "ắt",    "\xCC\x81", "https://a.vn/x",
                                     "Ế",   "&#x323;", "(",       "]",     " , "};
  // A long run of marks: composed text is stream-safe (a CGJ after 30 marks), and stays so.
  std::string marks = "e";
  for (int k = 0; k < 70; ++k) marks += "\xCC\x81";
  pieces.push_back(marks);
  const Normalizer nfc;
  std::mt19937 rng(12);
  for (int round = 0; round < 4000; ++round) {
    std::string raw, scratch;
    const int n = static_cast<int>(rng() % 10);
    for (int k = 0; k < n; ++k) raw += pieces[rng() % pieces.size()];
    const std::string line(nfc.compose(raw, scratch));
    double share_fast = -1, share_slow = -1;
    ASSERT_EQ(strip_markup(line, &share_fast, /*nfc=*/true), strip_markup(line, &share_slow)) << line;
    ASSERT_EQ(share_fast, share_slow) << line;
  }
}

TEST(CountPaths, StripMarkupAsciiJoinsNeedNoComposing) {
  // strip_markup(..., nfc=true) does not compose again when every join left by removed markup is
  // followed by ASCII and decoded text is ASCII. On composed lines, text and share must equal the
  // path that always composes (nfc=false) and the byte-by-byte reference, which composes whenever
  // anything was removed. The pieces put what composes across a join right after markup: marks,
  // Hangul vowels and trailing consonants, Indic and Tibetan vowel signs, letters after a link's
  // text, links whose text starts or ends with a mark, bare links and e-mail addresses next to
  // marks or non-ASCII letters, entities of marks and letters, runs of more than 30 marks.
  std::vector<std::string> pieces = {"Lào",
                                     " ",
                                     "a",
                                     "e",
                                     "o",
                                     "E",
                                     "\xCC\x81",
                                     "\xCC\xA3",
                                     "\xCC\x82",
                                     "\xCC\x88",
                                     "\xCD\x8F",  // CGJ
                                     "\xE1\x84\x80",
                                     "\xE1\x85\xA1",
                                     "\xE1\x86\xA8",  // Hangul L, V, T
                                     "\xEA\xB0\x80",  // Hangul LV
                                     "\xE0\xAD\x87",
                                     "\xE0\xAC\xBE",  // Oriya e, aa
                                     "\xE0\xBE\xB2",
                                     "\xE0\xBD\xB1",
                                     "\xE0\xBE\x80",  // Tibetan vowel signs
                                     "ắt",
                                     "Ế",
                                     "ệ",
                                     "người",
                                     "<b>",
                                     "</b>",
                                     "<br/>",
                                     "<!--c-->",
                                     "&amp;",
                                     "&#769;",
                                     "&#x323;",
                                     "&#x1161;",
                                     "&eacute;",
                                     "&ndash;",
                                     "&#65;",
                                     "&#xD;",
                                     "[x](u)",
                                     "[a](u)",
                                     "[\xCC\x81x](u)",
                                     "[x\xCC\x81](u)",
                                     "[Lào](https://a.vn/l)",
                                     "[\xE1\x84\x80](u)",
                                     "![i](p)",
                                     "![\xCC\x81](p)",
                                     "[[V] ký](u)",
                                     "(",
                                     ")",
                                     "[",
                                     "]",
                                     "!",
                                     "https://a.vn/x",
                                     "www.a.vn",
                                     "ban@example.vn",
                                     "ngườ@a.vn",
                                     "https://a.vn/\xCC\x81",
                                     " , ",
                                     "1.5"};
  std::string marks = "e";
  for (int k = 0; k < 35; ++k) marks += "\xCC\x81";
  pieces.push_back(marks);
  pieces.push_back(marks.substr(1));  // marks alone: a run across a join
  const Normalizer nfc;
  std::mt19937 rng(1312);
  std::size_t removed = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string raw, scratch;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) raw += pieces[rng() % pieces.size()];
    const std::string line(nfc.compose(raw, scratch));
    double share_fast = -1, share_slow = -1, share_ref = -1;
    const std::string fast = strip_markup(line, &share_fast, /*nfc=*/true);
    const std::string slow = strip_markup(line, &share_slow, /*nfc=*/false);
    ASSERT_EQ(fast, slow) << line;
    ASSERT_EQ(share_fast, share_slow) << line;
    ASSERT_EQ(fast, mekong_reference::strip_markup(line, &share_ref, /*nfc=*/true)) << line;
    ASSERT_EQ(share_fast, share_ref) << line;
    std::string again;
    ASSERT_EQ(nfc.compose(fast, again), fast) << line;  // the result is composed
    removed += fast != line && fast.find_first_of("<&[") == std::string::npos;
  }
  EXPECT_GT(removed, 1000u);  // markup was removed from many lines, not only left alone
  // The premise: NFC has a boundary before every ASCII character.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* icu_nfc = icu::Normalizer2::getNFCInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  for (UChar32 c = 0; c < 0x80; ++c) ASSERT_TRUE(icu_nfc->hasBoundaryBefore(c)) << c;
}

TEST(CountPaths, CleanerFurnitureCheckMatchesLineKey) {
  // The furniture check keys the stripped line (the key strips first anyway): a repeated line in
  // markup is recognised as in a key learned from its raw form.
  Interner repeated;
  repeated.intern(line_key("<b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)"));
  CleanConfig c;
  c.repeated_lines = &repeated;
  Cleaner cleaner(c);
  std::string out;
  cleaner.clean(
      "<b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)\nMưa lớn ở Kon Tum làm sạt lở nhiều đoạn đường trong "
      "đêm qua.\n  <b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)  ",
      out);
  EXPECT_EQ(out, "Mưa lớn ở Kon Tum làm sạt lở nhiều đoạn đường trong đêm qua.");
}

// The end-marker check reads a line's key only as far as the longest marker's: the cleaned text must
// be the text cut before the first line (after the body began) whose line_key is a marker's, on
// random documents of prose, decorated markers ("<b>TIN LIÊN QUAN:</b>", "**Xem thêm** . . ."),
// lines that begin like a marker and go on, links and captions.
TEST(CountPaths, CleanerEndMarkerCheckMatchesLineKey) {
  const std::vector<std::string> lines = {
      "Mưa lớn ở Kon Tum làm sạt lở nhiều đoạn đường trong đêm qua.",
      "Tin liên quan",
      "<b>TIN LIÊN QUAN:</b>",
      "**Xem thêm** . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . .",
      "Tin liên quan đến vụ sạt lở, cơ quan chức năng đang điều tra nguyên nhân.",
      "[Đọc thêm](https://a.vn/x)",
      "Xem thêm: [bài viết](https://a.vn/y) về mưa lũ ở miền Trung",
      "Ảnh: Lê Văn An",
      "&gt;&gt; Tin khác",
      "",
      "  Bình   luận  ",
      "Tin mới nhất ... ... ... !!! ??? ;;; ::: --- +++ ***",
      "Người dân tỉnh Attapư đã sơ tán khỏi vùng nguy hiểm.",
      "MULTIMEDIA"};
  CleanConfig with;
  with.headline_lists = false;
  CleanConfig without = with;
  without.end_markers.clear();
  const Cleaner cleaner(with), plain(without);
  Interner markers;
  for (const std::string& m : with.end_markers) markers.intern(line_key(m));
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  };
  std::mt19937 rng(31);
  int cut = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> doc;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) doc.push_back(lines[rng() % lines.size()]);
    auto joined = [&](std::size_t upto) {
      std::string t;
      for (std::size_t i = 0; i < upto; ++i) t += (i ? "\n" : "") + doc[i];
      return t;
    };
    std::string expected;
    plain.clean(joined(doc.size()), expected);
    for (std::size_t j = 0; j < doc.size(); ++j) {
      std::string before;
      plain.clean(joined(j), before);
      const std::string key = line_key(trim(doc[j]));
      if (!before.empty() && !key.empty() && markers.find(key) != Interner::npos) {
        expected = before;
        ++cut;
        break;
      }
    }
    std::string got;
    cleaner.clean(joined(doc.size()), got);
    EXPECT_EQ(got, expected) << joined(doc.size());
  }
  EXPECT_GT(cut, 100);  // markers were met, decorated ones among them
}

// line_key's ASCII fast path against the code-point loop it stands for (every character through
// utf8::next, chars::classify and chars::lower), on random lines of ASCII, Vietnamese and markup
// (valid UTF-8, as every line is after decoding: the cleaner never sees invalid bytes).
TEST(CountPaths, LineKeyAsciiPathMatchesTheCodePointLoop) {
  auto reference = [](std::string_view plain) {
    std::string key;
    bool space = false;
    for (std::size_t i = 0; i < plain.size();) {
      const char32_t c = utf8::next(plain.data(), i);
      if (chars::classify(c) & (chars::kLetter | chars::kNumber | chars::kMark)) {
        if (space && !key.empty()) key.push_back(' ');
        space = false;
        utf8::append(key, chars::lower(c));
      } else {
        space = true;
      }
    }
    return key;
  };
  std::string ascii;
  for (int c = 1; c < 0x80; ++c) ascii.push_back(static_cast<char>(c));
  EXPECT_EQ(line_key(ascii), reference(strip_markup(ascii)));
  const std::vector<std::string> pieces = {"Trang", " ", "CHỦ", "Ắt", "_", "-", "3.500", "\xCC\x81", "\t", "Đ",
                                           "<b>",   ">", "»",   "ß",  "Σ", "x", "A1",    "ｆ",       "  "};
  std::mt19937 rng(3);
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    const int n = static_cast<int>(rng() % 10);
    for (int k = 0; k < n; ++k) line += pieces[rng() % pieces.size()];
    ASSERT_EQ(line_key(line), reference(strip_markup(line))) << line;
  }
}

TEST(CountPaths, FoldedWordIsItsFoldedSyllablesJoined) {
  // The name evidence folds a word from its syllables' folded forms (Worker::folded_word): folding
  // the word as written must give the same, for every tone style and case setting.
  const std::vector<std::string> syllables = {"Hoà", "hòa", "Thuỷ", "QUẢNG", "trị", "ắt",  "ta",  "pư",   "Đà",
                                              "a1b", "x_y", "Ngọc", "uỷ",    "ban", "GIÀ", "quý", "3.500"};
  std::mt19937 rng(15);
  for (ToneStyle style : {ToneStyle::keep, ToneStyle::traditional, ToneStyle::modern})
    for (bool lowercase : {true, false}) {
      NormalizeConfig c;
      c.lowercase = lowercase;
      c.tone_marks = style;
      const Normalizer n(c);
      for (int round = 0; round < 2000; ++round) {
        std::string word, joined;
        const int len = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < len; ++k) {
          const std::string& s = syllables[rng() % syllables.size()];
          if (k) {
            const char sep = rng() % 2 ? ' ' : '-';
            word.push_back(sep);
            joined.push_back(sep);
          }
          word += s;
          n.fold_token(s, joined);
        }
        std::string whole;
        n.fold_token(word, whole);
        ASSERT_EQ(whole, joined) << word;
      }
    }
}

TEST(CountPaths, AliasKeyMemoMatchesFreshTransliteration) {
  const std::vector<std::string> names = {"Attapư",  "Ắt-ta-pư",  "Attapu", "Savannakhet", "Xa-va-na-khệt",
                                          "Kon Tum", "Lê Văn An", "Chía",   "ສະຫວັນນະເຂດ",  ""};
  AliasKeys memo;
  for (int round = 0; round < 3; ++round)
    for (const std::string& n : names) {
      AliasKeys fresh;
      EXPECT_EQ(memo.key(n), fresh.transliterate(n)) << n;
    }
}

TEST(CountPaths, AliasKeyLatinTableMatchesIcu) {
  // Every character the table keys without ICU (ASCII, Latin-1 to Latin Extended-B, Latin
  // Extended Additional: all of Vietnamese), alone, inside a name, and in random names.
  std::vector<std::string> chars;
  auto add_range = [&](char32_t lo, char32_t hi) {
    for (char32_t c = lo; c < hi; ++c) {
      std::string s;
      utf8::append(s, c);
      chars.push_back(s);
    }
  };
  add_range(0x20, 0x7F);
  add_range(0xA0, 0x250);
  add_range(0x1E00, 0x1F00);
  AliasKeys keys;
  for (const std::string& c : chars) {
    for (const std::string& n : {c, "A" + c + "b", c + "-" + c + " Z9", "Lê " + c})
      ASSERT_EQ(keys.transliterate(n), keys.transliterate_icu(n)) << n;
  }
  std::mt19937 rng(14);
  for (int round = 0; round < 3000; ++round) {
    std::string n;
    const int len = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < len; ++k) n += chars[rng() % chars.size()];
    ASSERT_EQ(keys.transliterate(n), keys.transliterate_icu(n)) << n;
  }
}

TEST(CountPaths, VietnameseAliasKeysNeedNoIcu) {
  // Regression: every worker with aliases built (and the first, ICU's whole registry: 150 M
  // instructions) a transliterator, though Vietnamese names never need one.
  AliasKeys keys;
  EXPECT_EQ(keys.key("Đặng Thị Ngọc Thịnh"), "dangthingocthinh");
  EXPECT_EQ(keys.key("Ắt-ta-pư"), "attapu");
  EXPECT_EQ(keys.key("Xa-va-na-khệt"), "xavanakhet");
  EXPECT_EQ(keys.key("Quảng Trị 2"), "quangtri2");
  EXPECT_FALSE(keys.used_icu());
  EXPECT_EQ(keys.key("Søren"), keys.transliterate_icu("Søren"));  // ø: ICU decides
  EXPECT_TRUE(keys.used_icu());
}

namespace {

std::vector<std::string> interned(const Interner& in) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < in.size(); ++i) out.emplace_back(in.str(i));
  return out;
}

// Random articles over syllables, names in several spellings, markup, numbers and punctuation, with
// a furniture line in some: what the fused pass must analyse exactly as the staged ones do.
std::vector<std::string> random_articles(std::mt19937& rng, int n_docs) {
  const std::vector<std::string> syl = {"các", "của", "và",  "là", "người", "tỉnh", "kinh", "tế",  "hợp",
                                        "tác", "với", "mưa", "lũ", "đường", "năm",  "hoà",  "hòa", "thủy"};
  const std::vector<std::string> names = {"Attapư", "Ắt-ta-pư", "Kon Tum",  "Lê Văn An",     "Trung Quốc",
                                          "Lào",    "Hà Nội",   "Việt Nam", "Xa-va-na-khệt", "Bờ Y"};
  const std::vector<std::string> other = {
      "3.500", "14/9", "<b>tin</b>", "[Xem](http://b.vn)", "&amp;", "—", "Ha\xCC\x80 No\xCC\xA3\xCC\x82i", "\xFF"};
  const std::vector<std::string> punct = {".", ",", "!", ":", " -", ";"};
  std::vector<std::string> docs;
  for (int d = 0; d < n_docs; ++d) {
    std::string doc;
    if (rng() % 2) doc += "Trang chủ > Thời sự\n";
    const int lines = static_cast<int>(rng() % 5);
    for (int l = 0; l < lines; ++l) {
      const int n = 1 + static_cast<int>(rng() % 16);
      for (int i = 0; i < n; ++i) {
        if (i) doc += ' ';
        const unsigned r = rng() % 10;
        if (r < 6) {
          std::string w = syl[rng() % syl.size()];
          if (i == 0 && rng() % 2) w[0] = static_cast<char>(w[0] & ~0x20);  // an ASCII capital opening a line
          doc += w;
        } else if (r < 9) {
          doc += names[rng() % names.size()];
        } else {
          doc += other[rng() % other.size()];
        }
        if (rng() % 5 == 0) doc += punct[rng() % punct.size()];
      }
      doc += ".\n";
    }
    docs.push_back(doc);
  }
  return docs;
}

using mekong_test::toy_words;

void expect_same_models(const TextModels& a, const TextModels& b, const std::string& what) {
  EXPECT_EQ(interned(a.name_evidence->lower), interned(b.name_evidence->lower)) << what;
  EXPECT_EQ(interned(a.name_evidence->names), interned(b.name_evidence->names)) << what;
  EXPECT_EQ(interned(a.name_evidence->clipped), interned(b.name_evidence->clipped)) << what;
  EXPECT_EQ(a.phrases->dictionary(), b.phrases->dictionary()) << what;
  const auto pa = a.phrases->pairs(), pb = b.phrases->pairs();
  ASSERT_EQ(pa.size(), pb.size()) << what;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].pass, pb[i].pass) << what;
    EXPECT_EQ(pa[i].left, pb[i].left) << what;
    EXPECT_EQ(pa[i].right, pb[i].right) << what;
    EXPECT_EQ(pa[i].score, pb[i].score) << what;  // bit for bit
  }
}

}  // namespace

// The fused learning (one analysis per document for name evidence and phrases) against the staged
// passes, with and without words, names or aliases, for several thread counts and cache budgets
// (nothing kept, part kept, all kept): the models must be the same, bit for bit.
TEST(CountPaths, FusedNamesAndPhrasesEqualTheStagedPasses) {
  std::mt19937 rng(5);
  const auto words = toy_words();
  int nonempty = 0;
  for (int round = 0; round < 12; ++round) {
    const std::vector<std::string> texts = random_articles(rng, 1 + static_cast<int>(rng() % 40));
    RawDocuments raw;
    for (const auto& t : texts) raw.bytes.emplace_back(t);
    AnalyzerConfig base;
    base.clean = round % 3 != 2;
    base.aliases = round % 2 == 0;
    base.names = true;
    if (round % 4 != 3) base.words = words;
    if (round % 3 == 0) base.user_dictionary = {{"mưa", "lũ"}};
    base.stop_words = {"các", "của", "là"};
    TextModelsConfig tm;
    tm.furniture = base.clean;
    tm.name_evidence = true;
    tm.phrases = true;
    tm.phrase_config.min_count = 2;
    tm.phrase_config.threshold = 0.05;
    tm.phrase_config.stop_words = {"và", "với"};
    tm.fused = false;
    const TextModels staged = fit_text_models(raw, base, tm, 1);
    nonempty += !staged.phrases->pairs().empty();
    tm.fused = true;
    for (int n_jobs : {1, 2, 3}) {
      const std::uint64_t calls = learning_calls();
      const TextModels fused = fit_text_models(raw, base, tm, n_jobs);
      EXPECT_EQ(learning_calls() - calls, tm.furniture ? 3u : 2u);
      expect_same_models(fused, staged, "round " + std::to_string(round) + " n_jobs " + std::to_string(n_jobs));
    }
    // The cache budget only decides which documents are prepared twice.
    AnalyzerConfig cfg = base;
    cfg.repeated_lines = staged.repeated_lines;
    for (std::size_t budget : {std::size_t{0}, std::size_t{3000}, std::size_t{1} << 30}) {
      const FusedLearning f = learn_names_and_phrases(raw, cfg, tm.phrase_config, nullptr, 2, budget);
      TextModels got;
      got.name_evidence = f.name_evidence;
      got.phrases = f.phrases;
      expect_same_models(got, staged, "round " + std::to_string(round) + " budget " + std::to_string(budget));
    }
  }
  EXPECT_GE(nonempty, 6);  // the corpora teach phrases: the comparison is not of empty models
}

// A prepared document gives the same evidence and units as its raw bytes.
TEST(CountPaths, PreparedDocumentEqualsRawAnalysis) {
  std::mt19937 rng(9);
  AnalyzerConfig cfg;
  cfg.clean = true;
  cfg.aliases = true;
  cfg.words = toy_words();
  const Analyzer analyzer(cfg);
  auto a = analyzer.worker();
  auto b = analyzer.worker();
  PreparedDocument doc;
  for (const std::string& text : random_articles(rng, 60)) {
    const DocStats st = a.prepare_document(text, true, doc);
    std::vector<PhraseModel::Segment> from_raw, from_prepared;
    b.segments(text, true, from_raw);
    a.segments(doc, from_prepared);
    EXPECT_EQ(from_prepared, from_raw) << text;
    NameEvidence e1, e2;
    a.gather_name_evidence(doc, e1);
    b.gather_name_evidence(text, true, e2);
    EXPECT_EQ(interned(e1.lower), interned(e2.lower)) << text;
    EXPECT_EQ(interned(e1.names), interned(e2.names)) << text;
    TermBuffer tokens;
    const DocStats raw_stats = b.tokens(text, tokens, true);
    EXPECT_EQ(st.replaced, raw_stats.replaced) << text;
    EXPECT_EQ(st.first_invalid, raw_stats.first_invalid) << text;
  }
}

// Without a word model a preparation keeps its syllables too (the evidence step and the count read
// them instead of segmenting and folding again): the same evidence, units, terms and ids as the raw
// bytes give, with and without corpus evidence.
TEST(CountPaths, PreparedDocumentWithoutWordsEqualsRawAnalysis) {
  std::mt19937 rng(19);
  AnalyzerConfig cfg;
  cfg.clean = true;
  cfg.aliases = true;
  cfg.stop_words = {"các", "của"};
  const Analyzer learner(cfg);
  auto a = learner.worker();
  auto b = learner.worker();
  PreparedDocument doc;
  const std::vector<std::string> texts = random_articles(rng, 80);
  NameEvidence parts_prepared, parts_raw;
  std::size_t with_syllables = 0;
  for (const std::string& text : texts) {
    a.prepare_document(text, true, doc);
    with_syllables += !doc.syllable_flags.empty();
    EXPECT_TRUE(doc.begins.empty());
    std::vector<PhraseModel::Segment> from_raw, from_prepared;
    b.segments(text, true, from_raw);
    a.segments(doc, from_prepared);
    EXPECT_EQ(from_prepared, from_raw) << text;
    a.gather_name_evidence(doc, parts_prepared);
    b.gather_name_evidence(text, true, parts_raw);
  }
  EXPECT_GE(with_syllables, texts.size() / 2);  // the preset path is the one taken
  EXPECT_EQ(interned(parts_prepared.lower), interned(parts_raw.lower));
  EXPECT_EQ(interned(parts_prepared.names), interned(parts_raw.names));
  AnalyzerConfig ccfg = cfg;
  ccfg.name_evidence = std::make_shared<NameEvidence>(NameEvidence::merge({parts_raw}));
  const Analyzer counter(ccfg);
  auto c = counter.worker();
  auto d = counter.worker();
  Interner vocab;
  const TermResolver resolve{[](void* v, std::string_view t) { return static_cast<Interner*>(v)->intern(t); }, &vocab};
  for (const std::string& text : texts) {
    a.prepare_document(text, true, doc);
    TermBuffer t1, t2;
    c.analyze(doc, t1);
    d.analyze(text, t2, true);
    EXPECT_EQ(t1.bytes, t2.bytes) << text;
    EXPECT_EQ(t1.ends, t2.ends) << text;
    std::vector<std::uint32_t> i1, i2;
    c.term_ids(doc, resolve, i1);
    d.term_ids(text, true, resolve, i2);
    EXPECT_EQ(i1, i2) << text;
  }
  EXPECT_EQ(c.alias_observations(), d.alias_observations());
}

// A preparation keeps each syllable's folded-form id in 16 bits: a document of more than 65,536
// distinct folded syllables keeps none (its syllables are found again from the text), one just
// under keeps them; both give the raw bytes' evidence, terms and ids.
TEST(CountPaths, PreparedSyllableIdsUpTo65536DistinctForms) {
  AnalyzerConfig cfg;
  cfg.aliases = true;
  const Analyzer analyzer(cfg);
  auto a = analyzer.worker();
  auto b = analyzer.worker();
  Interner vocab;
  const TermResolver resolve{[](void* v, std::string_view t) { return static_cast<Interner*>(v)->intern(t); }, &vocab};
  for (std::size_t distinct : {std::size_t{65534}, std::size_t{65535}}) {
    std::string text;
    for (std::size_t i = 0; i < distinct; ++i) {  // four letters each, some capitalised
      std::size_t x = i;
      std::string w;
      for (int l = 0; l < 4; ++l, x /= 26) w.push_back(static_cast<char>('a' + x % 26));
      if (i % 7 == 0) w[0] = static_cast<char>(w[0] - 32);
      text += w;
      text += i % 11 == 10 ? ". " : " ";
    }
    text += "Lào và lào.";  // two forms more, one folded from two spellings
    PreparedDocument doc;
    a.prepare_document(text, true, doc);
    EXPECT_EQ(doc.syllable_flags.empty(), distinct + 2 > 65536) << distinct;  // "lào" and "và" are two more
    NameEvidence e1, e2;
    a.gather_name_evidence(doc, e1);
    b.gather_name_evidence(text, true, e2);
    EXPECT_EQ(interned(e1.lower), interned(e2.lower)) << distinct;
    EXPECT_EQ(interned(e1.names), interned(e2.names)) << distinct;
    std::vector<std::uint32_t> i1, i2;
    a.term_ids(doc, resolve, i1);
    b.term_ids(text, true, resolve, i2);
    EXPECT_EQ(i1, i2) << distinct;
    EXPECT_GT(i1.size(), distinct);
  }
}

namespace {

// The words-off name finding as it was before the syllables were numbered: a string set of the
// document's lower-case syllables (each folded with the normalizer), and the questions asked of
// surfaces through find_names. The reference for the analyzer's flags-per-id path.
struct WordsOffReference {
  const Normalizer& norm;
  const NameEvidence* evidence;
  const std::vector<std::string>& stop;

  std::string fold(std::string_view s) const {
    std::string out;
    norm.fold_token(s, out);
    return out;
  }
  bool is_stop(const std::string& f) const { return std::find(stop.begin(), stop.end(), f) != stop.end(); }
  // The syllables of NFC `text` as the analyzer reads them (syllable_tokens).
  static std::vector<WordToken> tokens(std::string_view text) {
    Segmenter seg;
    std::vector<Token> spans;
    seg.segment(text, spans);
    std::vector<WordToken> words(spans.size());
    std::size_t prev_end = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      bool brk = false;
      words[i].surface = text.substr(spans[i].begin, spans[i].length);
      words[i].gap = i == 0 ? Gap::other : classify_gap(text.substr(prev_end, spans[i].begin - prev_end), &brk);
      words[i].sentence_start = i == 0 || brk;
      std::size_t at = 0;
      const char32_t c = utf8::next(words[i].surface, at);
      const std::uint8_t cls = chars::classify(c);
      words[i].capitalized = !spans[i].link && (cls & chars::kLetter) && (cls & chars::kUpper);
      prev_end = spans[i].begin + spans[i].length;
    }
    return words;
  }
  std::vector<std::string> names(std::string_view text, std::vector<WordToken>& words,
                                 std::vector<NameSpan>& spans) const {
    words = tokens(text);
    std::vector<std::string> lower_seen;
    for (const WordToken& w : words)
      if (!w.capitalized) lower_seen.push_back(fold(w.surface));
    const auto seen = [&](const std::string& f) {
      return std::find(lower_seen.begin(), lower_seen.end(), f) != lower_seen.end();
    };
    find_names(
        words,
        [&](std::string_view first) {
          const std::string f = fold(first);
          return seen(f) || is_stop(f) || (evidence && evidence->lower.find(f) != Interner::npos);
        },
        [&](std::string_view lone) { return evidence && evidence->names.find(fold(lone)) != Interner::npos; }, spans);
    std::vector<std::string> out;
    for (const NameSpan& nm : spans) {
      std::string surface(words[nm.begin].surface);
      for (std::size_t k = nm.begin + 1; k < nm.end; ++k) {
        surface.push_back(words[k].gap == Gap::hyphen ? '-' : ' ');
        surface.append(words[k].surface);
      }
      out.push_back(std::move(surface));
    }
    return out;
  }
  // evidence_of without a word model: every lower-case syllable folded, in order of first sight,
  // and the one-syllable names not opening a sentence.
  void gather(std::string_view text, NameEvidence& out) const {
    std::vector<WordToken> words;
    std::vector<NameSpan> spans;
    names(text, words, spans);
    for (const WordToken& w : words)
      if (!w.capitalized) out.lower.intern(fold(w.surface));
    for (const NameSpan& nm : spans)
      if (nm.end - nm.begin == 1 && !words[nm.begin].sentence_start) out.names.intern(fold(words[nm.begin].surface));
  }
};

}  // namespace

// Names and evidence without a word model (flags per numbered syllable, from the bytes and from
// preparations) against the string-set algorithm they replace, with and without corpus evidence.
TEST(CountPaths, WordsOffNamesEqualTheStringSetReference) {
  std::mt19937 rng(23);
  AnalyzerConfig cfg;
  cfg.clean = true;
  cfg.names = true;
  cfg.stop_words = {"các", "của", "là"};
  const Analyzer plain(cfg);
  auto w = plain.worker();
  const std::vector<std::string> texts = random_articles(rng, 120);
  std::vector<std::string> stop;
  for (const std::string& s : cfg.stop_words) stop.push_back(plain.normalize_term(s));
  NameEvidence got, want;
  PreparedDocument doc;
  const WordsOffReference ref_plain{plain.normalizer(), nullptr, stop};
  std::size_t names_seen = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    const std::string clean = w.cleaned(text, true);
    std::vector<WordToken> words;
    std::vector<NameSpan> spans;
    std::vector<std::string> names;
    w.names(text, true, names);
    EXPECT_EQ(names, ref_plain.names(clean, words, spans)) << text;
    names_seen += names.size();
    if (i % 2) {  // from the bytes and from a preparation in turn
      w.gather_name_evidence(text, true, got);
    } else {
      w.prepare_document(text, true, doc);
      w.gather_name_evidence(doc, got);
    }
    ref_plain.gather(clean, want);
  }
  EXPECT_GE(names_seen, 50u);
  EXPECT_EQ(interned(got.lower), interned(want.lower));
  EXPECT_EQ(interned(got.names), interned(want.names));
  // With the corpus's evidence: a syllable written in lower case elsewhere, or a known name.
  AnalyzerConfig ecfg = cfg;
  ecfg.name_evidence = std::make_shared<NameEvidence>(NameEvidence::merge({got}));
  const Analyzer with_evidence(ecfg);
  auto v = with_evidence.worker();
  const WordsOffReference ref{with_evidence.normalizer(), ecfg.name_evidence.get(), stop};
  for (const std::string& text : random_articles(rng, 120)) {
    const std::string clean = v.cleaned(text, true);
    std::vector<WordToken> words;
    std::vector<NameSpan> spans;
    std::vector<std::string> names;
    v.names(text, true, names);
    EXPECT_EQ(names, ref.names(clean, words, spans)) << text;
  }
}

// The merge takes the first part's sets as they are (moved) and interns the others: the same sets,
// in the same order, as interning every part into empty sets.
TEST(CountPaths, NameEvidenceMergeEqualsInterningEveryPart) {
  std::mt19937 rng(29);
  AnalyzerConfig cfg;
  cfg.names = true;
  cfg.words = toy_words();
  const Analyzer analyzer(cfg);
  auto w = analyzer.worker();
  for (int parts_n : {1, 2, 3}) {
    std::vector<NameEvidence> parts(parts_n);
    for (int p = 0; p < parts_n; ++p)
      for (const std::string& text : random_articles(rng, 15)) w.gather_name_evidence(text, true, parts[p]);
    // The reference: every part interned in order into empty sets, names filtered, starts merged.
    NameEvidence all;
    for (const NameEvidence& p : parts) {
      for (std::uint32_t id = 0; id < p.lower.size(); ++id) all.lower.intern(p.lower.str(id));
      for (std::uint32_t id = 0; id < p.names.size(); ++id) all.names.intern(p.names.str(id));
      all.starts.merge(p.starts);
    }
    std::vector<std::string> names;
    for (std::uint32_t id = 0; id < all.names.size(); ++id)
      if (all.lower.find(all.names.str(id)) == Interner::npos) names.emplace_back(all.names.str(id));
    const NameEvidence copied = NameEvidence::merge(parts);  // a copy: parts stay for the reference
    const NameEvidence moved = NameEvidence::merge(std::move(parts));
    for (const NameEvidence* m : {&copied, &moved}) {
      EXPECT_EQ(interned(m->lower), interned(all.lower)) << parts_n;
      EXPECT_EQ(interned(m->names), names) << parts_n;
      EXPECT_EQ(interned(m->clipped), all.starts.clipped_all()) << parts_n;
    }
    EXPECT_GT(all.lower.size(), 0u);
  }
}

namespace {

void expect_same_counts(const CorpusCounts& a, const CorpusCounts& b, const std::string& what) {
  EXPECT_EQ(a.counts.vocabulary, b.counts.vocabulary) << what;
  EXPECT_EQ(a.counts.matrix.rows, b.counts.matrix.rows) << what;
  EXPECT_EQ(a.counts.matrix.indptr, b.counts.matrix.indptr) << what;
  EXPECT_EQ(a.counts.matrix.indices, b.counts.matrix.indices) << what;
  EXPECT_EQ(a.counts.matrix.data, b.counts.matrix.data) << what;
  ASSERT_EQ(a.stats.size(), b.stats.size()) << what;
  for (std::size_t i = 0; i < a.stats.size(); ++i) {
    EXPECT_EQ(a.stats[i].replaced, b.stats[i].replaced) << what << " doc " << i;
    EXPECT_EQ(a.stats[i].first_invalid, b.stats[i].first_invalid) << what << " doc " << i;
  }
  EXPECT_EQ(a.aliases, b.aliases) << what;
}

}  // namespace

// The count from a learning pass's kept preparations (fit_text_models keep_prepared) against the
// count from the raw bytes with the same models: with and without phrases, words, cleaning,
// aliases, bigrams; cache budgets that keep nothing, a part, or everything; several thread counts
// for the learning and the count; offsets (a batch that starts inside the corpus); and the fixed
// vocabulary count. Every option set must give the same matrix, vocabulary, stats and aliases.
TEST(CountPaths, CountFromPreparationsEqualsCountFromBytes) {
  std::mt19937 rng(11);
  const auto words = toy_words();
  std::uint64_t used_total = 0;
  for (int round = 0; round < 16; ++round) {
    const std::vector<std::string> texts = random_articles(rng, 2 + static_cast<int>(rng() % 40));
    RawDocuments raw;
    for (const auto& t : texts) raw.bytes.emplace_back(t);
    AnalyzerConfig base;
    base.clean = round % 3 != 2;
    base.aliases = round % 2 == 0;
    base.names = true;
    if (round % 4 != 3) base.words = words;
    if (round % 5 == 0) base.ngram_range = {1, 2};
    base.stop_words = {"các", "của", "là"};
    TextModelsConfig tm;
    tm.furniture = base.clean;
    tm.name_evidence = true;
    tm.phrases = round % 2 == 1 || round % 4 == 0;
    tm.phrase_config.min_count = 2;
    tm.phrase_config.threshold = 0.05;
    tm.phrase_config.stop_words = {"và", "với"};
    tm.keep_prepared = true;
    const TextModels models = fit_text_models(raw, base, tm, 1 + round % 3);
    ASSERT_TRUE(models.prepared) << round;
    EXPECT_EQ(models.prepared->kept_count(), raw.bytes.size()) << round;  // the default budget keeps all
    AnalyzerConfig cfg = base;
    cfg.repeated_lines = models.repeated_lines;
    cfg.name_evidence = models.name_evidence;
    cfg.phrases = models.phrases;
    const Analyzer analyzer(cfg);
    CountConfig cc;
    const CorpusCounts ref = count_corpus(raw, analyzer, cc);

    AnalyzerConfig lcfg = base;
    lcfg.repeated_lines = models.repeated_lines;
    for (std::size_t budget : {std::size_t{0}, std::size_t{3000}, std::size_t{1} << 30}) {
      const FusedLearning f =
          learn_names_and_phrases(raw, lcfg, tm.phrase_config, nullptr, 2, budget, tm.phrases, /*keep_prepared=*/true);
      ASSERT_TRUE(f.prepared);
      for (int n_jobs : {1, 2, 3}) {
        cc.n_jobs = n_jobs;
        const std::uint64_t before = prepared_documents_counted();
        const CorpusCounts got = count_corpus(raw, analyzer, cc, nullptr, f.prepared.get());
        EXPECT_EQ(prepared_documents_counted() - before, f.prepared->kept_count());
        used_total += prepared_documents_counted() - before;
        expect_same_counts(got, ref,
                           "round " + std::to_string(round) + " budget " + std::to_string(budget) + " n_jobs " +
                               std::to_string(n_jobs));
      }
    }
    cc.n_jobs = 1;

    // A batch of the corpus's second half reads the preparations from its own offset.
    const std::size_t half = raw.bytes.size() / 2;
    RawDocuments tail;
    tail.bytes.assign(raw.bytes.begin() + static_cast<std::ptrdiff_t>(half), raw.bytes.end());
    bool tail_has_terms = true;
    CorpusCounts tail_ref;
    try {
      tail_ref = count_corpus(tail, analyzer, cc);
    } catch (const std::invalid_argument&) {
      tail_has_terms = false;  // an empty vocabulary: nothing to compare
    }
    if (tail_has_terms)
      expect_same_counts(count_corpus(tail, analyzer, cc, nullptr, models.prepared.get(), half), tail_ref,
                         "round " + std::to_string(round) + " offset");

    // The fixed-vocabulary count reads them too.
    Interner vocabulary;
    for (const std::string& t : ref.counts.vocabulary) vocabulary.intern(t);
    const FixedCounts fixed_ref = count_corpus_fixed(raw, analyzer, vocabulary, false, 2);
    const FixedCounts fixed = count_corpus_fixed(raw, analyzer, vocabulary, false, 2, nullptr, models.prepared.get());
    EXPECT_EQ(fixed.matrix.indptr, fixed_ref.matrix.indptr) << round;
    EXPECT_EQ(fixed.matrix.indices, fixed_ref.matrix.indices) << round;
    EXPECT_EQ(fixed.matrix.data, fixed_ref.matrix.data) << round;
    EXPECT_EQ(fixed.aliases, fixed_ref.aliases) << round;
  }
  EXPECT_GT(used_total, 0u);  // the preparations were read, not only ignored
}

// Preparations made by an analyzer that prepares differently (another cleaning, no word model,
// other furniture lines) are not read: the count analyses every document from its bytes.
TEST(CountPaths, PreparationsOfAnotherPreparationAreIgnored) {
  std::mt19937 rng(12);
  const std::vector<std::string> texts = random_articles(rng, 30);
  RawDocuments raw;
  for (const auto& t : texts) raw.bytes.emplace_back(t);
  AnalyzerConfig base;
  base.clean = true;
  base.names = true;
  base.words = toy_words();
  TextModelsConfig tm;
  tm.furniture = true;
  tm.name_evidence = true;
  tm.keep_prepared = true;
  const TextModels models = fit_text_models(raw, base, tm, 1);
  ASSERT_TRUE(models.prepared);
  EXPECT_EQ(models.phrases, nullptr);  // evidence only: step 1 alone
  std::vector<AnalyzerConfig> others(4, base);
  for (auto& o : others) {
    o.repeated_lines = models.repeated_lines;
    o.name_evidence = models.name_evidence;
  }
  others[0].clean = false;
  others[1].words = nullptr;
  others[2].repeated_lines = nullptr;
  others[3].segment.min_token_length = 2;
  for (std::size_t k = 0; k < others.size(); ++k) {
    const Analyzer analyzer(others[k]);
    const std::uint64_t before = prepared_documents_counted();
    const CorpusCounts got = count_corpus(raw, analyzer, {}, nullptr, models.prepared.get());
    EXPECT_EQ(prepared_documents_counted(), before) << k;
    expect_same_counts(got, count_corpus(raw, analyzer, {}), "config " + std::to_string(k));
  }
  // A document whose length is not the one prepared (another text at that slot) is read from its bytes.
  AnalyzerConfig same = others[0];
  same.clean = true;
  const Analyzer analyzer(same);
  RawDocuments changed = raw;
  const std::string longer = texts[0] + " thêm Hà Nội";
  changed.bytes[0] = longer;
  const std::uint64_t before = prepared_documents_counted();
  const CorpusCounts got = count_corpus(changed, analyzer, {}, nullptr, models.prepared.get());
  EXPECT_EQ(prepared_documents_counted() - before, raw.bytes.size() - 1);
  expect_same_counts(got, count_corpus(changed, analyzer, {}), "changed document");
}

// term_ids (one id a word, remembered by the word as written, names by their unit: the count's
// path) against analyze (every unit built, phrases applied, stop words dropped: the reference),
// for every option set with unigrams: cleaning, names, aliases (with an alias table), words, stop
// words, phrases none / learned; from the raw bytes and from preparations; the aliases seen too.
TEST(CountPaths, TermIdsEqualAnalyzedTerms) {
  std::mt19937 rng(21);
  const auto words = toy_words();
  int compared = 0;
  for (int round = 0; round < 24; ++round) {
    const std::vector<std::string> texts = random_articles(rng, 2 + static_cast<int>(rng() % 30));
    RawDocuments raw;
    for (const auto& t : texts) raw.bytes.emplace_back(t);
    AnalyzerConfig base;
    base.clean = round % 2 == 0;
    base.names = round % 3 != 0;
    base.aliases = round % 3 == 2;
    if (base.aliases && round % 4 == 2) base.alias_table = {{"Lào", "Lao"}};
    if (round % 4 != 3) base.words = words;
    if (round % 5 != 4) base.stop_words = {"các", "của", "là", "hợp_tác"};
    TextModelsConfig tm;
    tm.furniture = base.clean;
    tm.name_evidence = base.names;
    tm.phrases = round % 6 >= 4;
    tm.phrase_config.min_count = 2;
    tm.phrase_config.threshold = 0.05;
    tm.keep_prepared = true;
    const TextModels models = fit_text_models(raw, base, tm, 1);
    AnalyzerConfig cfg = base;
    cfg.repeated_lines = models.repeated_lines;
    cfg.name_evidence = models.name_evidence;
    cfg.phrases = models.phrases;
    const Analyzer analyzer(cfg);
    auto counting = analyzer.worker();
    auto from_prepared = analyzer.worker();
    auto reference = analyzer.worker();
    Interner vocabulary;
    const TermResolver resolve{[](void* v, std::string_view t) { return static_cast<Interner*>(v)->intern(t); },
                               &vocabulary};
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string what = "round " + std::to_string(round) + " doc " + std::to_string(i) + ": " + texts[i];
      TermBuffer expected;
      reference.analyze(texts[i], expected, true);
      std::vector<std::string> want;
      for (std::size_t t = 0; t < expected.size(); ++t) want.emplace_back(expected[t]);
      std::vector<std::uint32_t> ids;
      counting.term_ids(texts[i], true, resolve, ids);
      std::vector<std::string> got;
      for (std::uint32_t id : ids) got.emplace_back(vocabulary.str(id));
      EXPECT_EQ(got, want) << what;
      if (const PreparedDocument* doc = models.prepared ? models.prepared->find(i, texts[i].size()) : nullptr) {
        from_prepared.term_ids(*doc, resolve, ids);
        got.clear();
        for (std::uint32_t id : ids) got.emplace_back(vocabulary.str(id));
        EXPECT_EQ(got, want) << what << " (prepared)";
      }
      compared += !want.empty();
    }
    EXPECT_EQ(counting.alias_observations(), reference.alias_observations()) << round;
  }
  EXPECT_GT(compared, 200);
}

using mekong_test::code_points;

// Documents read from a str's own storage (RawDocuments::units: one, two or four bytes a code
// point, encoded by the reader one document at a time) count exactly as their UTF-8 bytes, for
// every unigram and bigram option set, hashing and the fixed vocabulary too, on 1-3 threads.
TEST(CountPaths, CountFromCodeUnitsEqualsCountFromUtf8) {
  std::mt19937 rng(17);
  const std::vector<std::string> extra = {"café ", "naïve ", "😀 ", "𝐀𝐁c ", "\xED\xA0\x80 ", "x\xED\xBF\xBFy ", "東京 "};
  for (int round = 0; round < 24; ++round) {
    std::vector<std::string> texts = random_articles(rng, 1 + static_cast<int>(rng() % 30));
    for (auto& t : texts) {  // a str holds no invalid bytes: its invalid text is a lone surrogate
      std::string clean;
      for (char ch : t) clean += ch == '\xFF' ? std::string("\xED\xB0\x80") : std::string(1, ch);
      t = clean;
    }
    for (auto& t : texts)
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
        std::size_t at = rng() % (t.size() + 1);  // moved to a code point boundary
        while (at < t.size() && utf8::continuation(static_cast<unsigned char>(t[at]))) ++at;
        t.insert(at, extra[rng() % extra.size()]);
      }
    RawDocuments bytes;
    bytes.utf8.assign(texts.size(), 1);
    for (const auto& t : texts) bytes.bytes.emplace_back(t);
    const mekong_test::StrDocuments strs(texts);  // each text in the narrowest width, as CPython stores a str
    const RawDocuments& units = strs.units;
    AnalyzerConfig cfg;
    cfg.clean = round % 3 == 1;
    cfg.names = round % 4 == 2;
    if (round % 5 == 0) cfg.ngram_range = {1, 2};
    if (round % 2 == 0) cfg.stop_words = {"các", "của", "là"};
    const Analyzer analyzer(cfg);
    const std::string what = "round " + std::to_string(round);
    CountConfig cc;
    CorpusCounts ref;
    try {
      ref = count_corpus(bytes, analyzer, cc);
    } catch (const std::invalid_argument&) {
      EXPECT_THROW(count_corpus(units, analyzer, cc), std::invalid_argument) << what;
      continue;
    }
    for (int n_jobs : {1, 2, 3}) {
      cc.n_jobs = n_jobs;
      expect_same_counts(count_corpus(units, analyzer, cc), ref, what + " n_jobs " + std::to_string(n_jobs));
    }
    Interner vocabulary;
    for (const std::string& t : ref.counts.vocabulary) vocabulary.intern(t);
    const FixedCounts fixed_ref = count_corpus_fixed(bytes, analyzer, vocabulary, false, 2);
    const FixedCounts fixed = count_corpus_fixed(units, analyzer, vocabulary, false, 2);
    EXPECT_EQ(fixed.matrix.indptr, fixed_ref.matrix.indptr) << what;
    EXPECT_EQ(fixed.matrix.indices, fixed_ref.matrix.indices) << what;
    EXPECT_EQ(fixed.matrix.data, fixed_ref.matrix.data) << what;
  }
}

namespace {
// append_utf8_nfc's answer by its definition, from ICU directly (not the chars tables): no lone
// surrogate, every code point NFC_Quick_Check=Yes with combining class 0.
bool clean_by_icu(const std::u32string& cps) {
  for (char32_t c : cps) {
    if (c >= 0xD800 && c <= 0xDFFF) return false;
    if (u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NFC_QUICK_CHECK) != UNORM_YES ||
        u_getCombiningClass(static_cast<UChar32>(c)) != 0)
      return false;
  }
  return true;
}

// A str's storage for `cps` in the narrowest width that holds them, as CPython keeps it.
struct StoredStr {
  std::vector<std::uint8_t> w1;
  std::u16string w2;
  std::u32string w4;
  CodeUnits units;
  explicit StoredStr(const std::u32string& cps) {
    char32_t top = 0;
    for (char32_t c : cps) top = std::max(top, c);
    if (top < 0x100) {
      w1.assign(cps.begin(), cps.end());
      units = {w1.data(), w1.size(), 1};
    } else if (top < 0x10000) {
      w2.assign(cps.begin(), cps.end());
      units = {w2.data(), w2.size(), 2};
    } else {
      w4 = cps;
      units = {w4.data(), w4.size(), 4};
    }
  }
};
}  // namespace

// Every Latin-1 code point is NFC_QC=Yes with class 0, which is why a 1-byte str skips the checks
// without looking at its text.
TEST(CountPaths, Latin1StrsAreAlwaysNfc) {
  for (char32_t c = 0; c < 0x100; ++c) {
    EXPECT_TRUE(clean_by_icu(std::u32string(1, c))) << static_cast<unsigned>(c);
    std::string out;
    const std::uint8_t b = static_cast<std::uint8_t>(c);
    EXPECT_TRUE(append_utf8_nfc(CodeUnits{&b, 1, 1}, out));
  }
}

// append_utf8_nfc writes append_utf8's bytes, and says "clean" exactly when ICU does, for strs of
// every width built from pieces that are NFC or not: combining marks in 2-byte strs, NFD
// Vietnamese, NFC_QC=Maybe (Hangul jamo vowels, U+0301 after a base), NFC_QC=No (U+0958, U+2126,
// the astral U+1D15E), lone surrogates (also a high and a low one next to each other), astral
// letters, ASCII runs of every length around them (the four-at-a-time copy).
TEST(CountPaths, AppendUtf8NfcAnswersAsIcu) {
  const std::vector<std::u32string> pieces = {U"a",          U"abc",    U"Việt Nam ",    U"Vie\u0323\u0302t ",
                                              U"a\u0301",    U"\u00E9", U"\u00FF",       U"\u1100\u1161",
                                              U"\u0958",     U"\u2126", U"\U0001D15E",   U"\U0001D400",
                                              U"\U0001F600", U" ",      U"\u0E01\u0E32", U"東京",
                                              U"\u0300",     U"\u0345", U"1234567",      U"\u1EA1"};
  std::mt19937 rng(23);
  int clean = 0, not_clean = 0;
  for (int round = 0; round < 4000; ++round) {
    std::u32string cps;
    for (int k = static_cast<int>(rng() % 8); k > 0; --k) cps += pieces[rng() % pieces.size()];
    if (rng() % 5 == 0) cps.insert(rng() % (cps.size() + 1), 1, static_cast<char32_t>(0xD800 + rng() % 0x800));
    if (rng() % 9 == 0) cps.insert(rng() % (cps.size() + 1), U"\xD83D\xDE00");  // two lone surrogates
    const StoredStr s(cps);
    std::string plain = "prefix", checked = "prefix";  // appends after what is there
    append_utf8(s.units, plain);
    const bool answer = append_utf8_nfc(s.units, checked);
    ASSERT_EQ(checked, plain);
    ASSERT_EQ(answer, clean_by_icu(cps)) << round;
    (answer ? clean : not_clean)++;
  }
  EXPECT_GT(clean, 400);
  EXPECT_GT(not_clean, 400);
}

// Regression for the unchecked scan of strs: a str the encoder finds clean is segmented without
// the UTF-8 and NFC checks, one that is not takes the checked path; either way the count equals
// the count of its UTF-8 bytes (the reference) for plain, cleaning, names, stop words and bigrams,
// on 1-3 threads, with NFD text, combining marks and lone surrogates in 2- and 4-byte strs.
TEST(CountPaths, UncheckedScanOfCleanStrsEqualsBytes) {
  std::mt19937 rng(29);
  const std::vector<std::string> extra = {"Vie\xCC\xA3\xCC\x82t ",
                                          "a\xCC\x81 ",
                                          "\xC3\xA9 ",
                                          "\xE1\x84\x80\xE1\x85\xA1 ",
                                          "\xE0\xA5\x98 ",
                                          "\xF0\x9D\x90\x80x ",
                                          "\xED\xA0\x80 ",
                                          "ho\xCC\x80"
                                          "a ",
                                          "\xE1\xBA\xA1 ",
                                          "caf\xC3\xA9 "};
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> texts = random_articles(rng, 1 + static_cast<int>(rng() % 25));
    for (auto& t : texts) {
      std::string clean;
      for (char ch : t) clean += ch == '\xFF' ? std::string("\xED\xB0\x80") : std::string(1, ch);
      t = clean;
      for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
        std::size_t at = rng() % (t.size() + 1);
        while (at < t.size() && utf8::continuation(static_cast<unsigned char>(t[at]))) ++at;
        t.insert(at, extra[rng() % extra.size()]);
      }
    }
    texts.emplace_back();  // an empty document keeps its row
    RawDocuments bytes, units;
    bytes.utf8.assign(texts.size(), 1);
    units.utf8.assign(texts.size(), 1);
    std::vector<StoredStr> stored;
    stored.reserve(texts.size());
    for (const auto& t : texts) {
      bytes.bytes.emplace_back(t);
      units.bytes.emplace_back();
      stored.emplace_back(code_points(t));
      units.units.push_back(stored.back().units);
    }
    AnalyzerConfig cfg;
    cfg.clean = round % 4 == 1;
    cfg.names = round % 4 == 2;
    if (round % 5 == 3) cfg.ngram_range = {1, 2};
    if (round % 3 == 0) cfg.stop_words = {"các", "của", "là"};
    const Analyzer analyzer(cfg);
    const std::string what = "round " + std::to_string(round);
    CountConfig cc;
    const CorpusCounts ref = count_corpus(bytes, analyzer, cc);
    for (int n_jobs : {1, 2, 3}) {
      cc.n_jobs = n_jobs;
      expect_same_counts(count_corpus(units, analyzer, cc), ref, what + " n_jobs " + std::to_string(n_jobs));
    }
  }
}

// find_links on a str's code units gives the links of its UTF-8, at code point positions: random
// texts of URLs, "www." starts, e-mail addresses and near misses, brackets, trailing punctuation,
// ASCII and non-ASCII spaces (U+00A0, U+2000-U+200B, U+3000, and U+200C just past them), in
// strs of every width.
TEST(CountPaths, LinksOnCodeUnitsEqualLinksOnUtf8) {
  const std::vector<std::string> pieces = {"https://a.vn/x",
                                           "http://b.vn/tin-t\xE1\xBB\xA9"
                                           "c",
                                           "ftp://c.d",
                                           "x://",
                                           "1a://b",
                                           "www.vnexpress.net",
                                           "WWW.A.VN",
                                           "Www.a.vn",
                                           "awww.b",
                                           "\xC3\xA9www.c.vn",
                                           "ban@example.vn",
                                           "a.b@c.com.",
                                           "x@y",
                                           "@",
                                           "a@b.c1",
                                           "h\xE1\xBB\xA3p@t\xC3\xA1"
                                           "c.vn",
                                           " ",
                                           "\xC2\xA0",
                                           "\xE2\x80\x83",
                                           "\xE2\x80\x8B",
                                           "\xE2\x80\x8C",
                                           "\xE3\x80\x80",
                                           "(",
                                           ")",
                                           "[",
                                           "]",
                                           ".",
                                           ",",
                                           "!",
                                           "<",
                                           "\"",
                                           "Vi\xE1\xBB\x87t",
                                           "\xF0\x9F\x98\x80",
                                           "\xC3\xBF",
                                           "/",
                                           ":"};
  std::mt19937 rng(31);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int k = static_cast<int>(rng() % 10); k > 0; --k) text += pieces[rng() % pieces.size()];
    std::vector<Span> bytes, units;
    find_links(text, bytes);
    const std::u32string cps = code_points(text);
    const StoredStr s(cps);
    find_links(s.units, units);
    // code point index of each byte offset that starts a code point (and of the end)
    std::vector<std::size_t> at(text.size() + 1, 0);
    for (std::size_t i = 0, cp = 0; i <= text.size(); ++i) {
      at[i] = cp;
      if (i < text.size() && !utf8::continuation(static_cast<unsigned char>(text[i]))) ++cp;
    }
    ASSERT_EQ(units.size(), bytes.size()) << text;
    for (std::size_t k = 0; k < bytes.size(); ++k) {
      EXPECT_EQ(units[k].begin, at[bytes[k].begin]) << text;
      EXPECT_EQ(units[k].end, at[bytes[k].end]) << text;
    }
  }
}

// The count of strs on the code-unit scan against their UTF-8 bytes under every link policy, with
// and without numbers, minimum lengths 1-3 code points, on texts full of links and near misses.
TEST(CountPaths, CodeUnitScanEqualsBytesForLinkPoliciesNumbersAndLengths) {
  const std::vector<std::string> pieces = {"https://a.vn/x ",
                                           "www.b.vn ",
                                           "ban@example.vn ",
                                           "x@y ",
                                           "Vi\xE1\xBB\x87t Nam ",
                                           "2026 ",
                                           "\xE2\x85\xA0 ",
                                           "a ",
                                           "\xC3\xA9 ",
                                           "caf\xC3\xA9 ",
                                           "h\xE1\xBB\xA3p t\xC3\xA1"
                                           "c ",
                                           "ho\xCC\x80"
                                           "a ",
                                           "\xE0\xB8\x81\xE0\xB8\xB2 ",
                                           "\xF0\x9D\x90\x80 ",
                                           "\xED\xA0\x80 ",
                                           "(http://c.vn/a_b). ",
                                           "1.5 ",
                                           "_x_ "};
  std::mt19937 rng(37);
  for (int round = 0; round < 36; ++round) {
    std::vector<std::string> texts(1 + rng() % 12);
    for (auto& t : texts)
      for (int k = static_cast<int>(rng() % 14); k > 0; --k) t += pieces[rng() % pieces.size()];
    RawDocuments bytes, units;
    bytes.utf8.assign(texts.size(), 1);
    units.utf8.assign(texts.size(), 1);
    std::vector<StoredStr> stored;
    stored.reserve(texts.size());
    for (const auto& t : texts) {
      bytes.bytes.emplace_back(t);
      units.bytes.emplace_back();
      stored.emplace_back(code_points(t));
      units.units.push_back(stored.back().units);
    }
    AnalyzerConfig cfg;
    cfg.segment.urls = round % 3 == 0 ? LinkPolicy::drop : round % 3 == 1 ? LinkPolicy::keep : LinkPolicy::split;
    cfg.segment.numbers = round % 2 == 0;
    cfg.segment.min_token_length = 1 + round / 12;
    const Analyzer analyzer(cfg);
    const std::string what = "round " + std::to_string(round);
    CountConfig cc;
    CorpusCounts ref;
    try {
      ref = count_corpus(bytes, analyzer, cc);
    } catch (const std::invalid_argument&) {  // nothing to count
      EXPECT_THROW(count_corpus(units, analyzer, cc), std::invalid_argument) << what;
      continue;
    }
    for (int n_jobs : {1, 2, 3}) {
      cc.n_jobs = n_jobs;
      expect_same_counts(count_corpus(units, analyzer, cc), ref, what + " n_jobs " + std::to_string(n_jobs));
    }
  }
}
