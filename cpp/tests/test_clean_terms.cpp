#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "mekong/pipeline.hpp"
#include "mekong/text/clean.hpp"
#include "mekong/text/names.hpp"
#include "mekong/text/phrases.hpp"

using namespace mekong;

namespace {
std::string cleaned(std::string_view text, CleanConfig c = {}) {
  Cleaner cl(std::move(c));
  std::string out;
  cl.clean(text, out);
  return out;
}
}  // namespace

TEST(Clean, MarkupImagesLinksTagsEntities) {
  EXPECT_EQ(
      strip_markup("Xem ![[Video] Lễ ký](https://a.vn/x.jpg) tại [Kon Tum](https://a.vn/kt) &amp; <b>Lào</b>&#33;"),
      "Xem  tại Kon Tum &  Lào !");
  double share = 0;
  strip_markup("[Tin khác về Lào](https://a.vn/1)", &share);
  EXPECT_DOUBLE_EQ(share, 1.0);
  EXPECT_EQ(strip_markup("Liên hệ ban@example.vn hoặc https://a.vn/x."), "Liên hệ  hoặc .");
}

TEST(Clean, CaptionsMarkersAndHeadlineTails) {
  const std::string page =
      "Hai tỉnh ký kết hợp tác\n"
      "![]() |\n"
      "| Quang cảnh buổi lễ. Ảnh: TTXVN |\n"
      "Sáng 13/9, hai tỉnh đã ký biên bản ghi nhớ hợp tác giai đoạn 2025 - 2030 tại thành phố.\n"
      "Tin bài liên quan\n"
      "Một bài khác hoàn toàn\n";
  EXPECT_EQ(cleaned(page),
            "Hai tỉnh ký kết hợp tác\nSáng 13/9, hai tỉnh đã ký biên bản ghi nhớ hợp tác giai đoạn 2025 - 2030 tại "
            "thành phố.");
  // A marker that opens the text is a headline, not the end of the article.
  EXPECT_EQ(cleaned("Multimedia\nBài viết có nội dung."), "Multimedia\nBài viết có nội dung.");
  // A site with markers never seen: the trailing headline list goes by its shape.
  const std::string other =
      "Tiêu đề bài báo\nĐoạn thân bài dài, có dấu chấm câu ở cuối như mọi câu văn bình thường khác trong bài.\n"
      "Giá lúa tăng mạnh\n[Video] Lễ hội mùa xuân\nBão số 5 sắp vào đất liền\nHọc sinh trở lại trường\n";
  EXPECT_EQ(cleaned(other),
            "Tiêu đề bài báo\nĐoạn thân bài dài, có dấu chấm câu ở cuối như mọi câu văn bình thường khác trong bài.");
  CleanConfig no_lists;
  no_lists.headline_lists = false;
  EXPECT_NE(cleaned(other, no_lists).find("Học sinh trở lại trường"), std::string::npos);
}

TEST(Clean, RepeatedLinesLeaveTheMiddleAndCopiesAlone) {
  RepeatedLines learner;
  const std::string tail = "\nĐọc tiếp chuyên mục\nGiá vàng hôm nay\nThời tiết cuối tuần";
  const std::string a = "Bài A\nThân bài A có nội dung riêng, viết thành một câu đầy đủ cho bài báo này." + tail;
  const std::string b = "Bài B\nThân bài B cũng có nội dung riêng, viết thành một câu đầy đủ khác hẳn." + tail;
  const std::string copy = "Bản tin chung được nhiều báo đăng lại nguyên văn, không sửa một chữ nào cả.";
  for (const auto& d : {a, b, copy, copy}) learner.add_document(d);
  const Interner rep = learner.repeated(2);
  // The three tail lines; the copied article is one document given twice, which is no furniture.
  EXPECT_EQ(rep.size(), 3u);
  CleanConfig c;
  c.repeated_lines = &rep;
  c.headline_lists = false;
  EXPECT_EQ(cleaned(a, c), "Bài A\nThân bài A có nội dung riêng, viết thành một câu đầy đủ cho bài báo này.");
  EXPECT_EQ(cleaned(copy, c), copy);  // made only of repeated lines, but prose: a copy, kept
  EXPECT_EQ(cleaned("Giá vàng hôm nay\nThời tiết cuối tuần", c), "");  // all furniture: empty
}

TEST(Clean, LineKeyIgnoresMarkupCaseAndPunctuation) {
  EXPECT_EQ(line_key("[Giá VÀNG hôm nay!](https://a.vn/x)"), "giá vàng hôm nay");
  EXPECT_EQ(line_key("  Giá vàng — hôm nay  "), "giá vàng hôm nay");
  EXPECT_EQ(line_key("![](x.jpg) |"), "");
}

TEST(Names, RunsOfCapitalsAndTransliterations) {
  AnalyzerConfig ac;
  ac.stop_words = {"theo"};
  Analyzer an(ac);
  auto w = an.worker();
  std::vector<std::string> names;
  w.names(
      "Đoàn tỉnh Kon Tum thăm tỉnh Ắt-ta-pư (Lào). Theo Bí thư Nguyễn Văn An, Chăm-pa-sắc và Sê-kông cũng tham gia.",
      true, names);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Kon Tum", "Ắt-ta-pư", "Lào", "Bí", "Nguyễn Văn An", "Chăm-pa-sắc", "Sê-kông"}));
}

TEST(Names, AliasKeysAreAccentAndHyphenFree) {
  AliasKeys k;
  EXPECT_EQ(k.key("Attapư"), "attapu");
  EXPECT_EQ(k.key("Ắt-ta-pư"), "attapu");
  EXPECT_EQ(k.key("Đắk Lắk"), "daklak");
  EXPECT_EQ(k.key("ອັດຕະປື"), "ອັດຕະປື");  // no Lao-Latin transliterator: its own letters
}

TEST(Names, AliasesShareOneTermAndRecordSpellings) {
  AnalyzerConfig ac;
  ac.aliases = true;
  ac.alias_table = {{"Attapeu", "Attapư"}};
  Analyzer an(ac);
  RawDocuments docs;
  docs.bytes = {"Tỉnh Attapư và tỉnh Sê-kông", "tỉnh Attapu", "tỉnh Ắt-ta-pư", "the province of Attapeu"};
  const CorpusCounts r = count_corpus(docs, an, {});
  const auto& v = r.counts.vocabulary;
  EXPECT_NE(std::find(v.begin(), v.end(), "name:attapu"), v.end());
  EXPECT_EQ(std::find(v.begin(), v.end(), "attapư"), v.end());
  EXPECT_EQ(r.aliases.at("name:attapu").size(), 4u);
  EXPECT_EQ(r.aliases.at("name:attapu").at("Ắt-ta-pư"), 1u);
}

TEST(Names, KeysDoNotMergeNamesWithWords) {
  AnalyzerConfig ac;
  ac.aliases = true;
  Analyzer an(ac);
  RawDocuments docs;
  docs.bytes = {"anh Xồng Bá Chía và chị Chía", "chia sẻ kinh nghiệm"};
  const CorpusCounts r = count_corpus(docs, an, {});
  const auto& v = r.counts.vocabulary;
  EXPECT_NE(std::find(v.begin(), v.end(), "chia"), v.end());       // the word
  EXPECT_NE(std::find(v.begin(), v.end(), "name:chia"), v.end());  // the name
}

TEST(Phrases, NpmiLearningAndDictionary) {
  std::vector<PhraseModel::Segment> segs;
  for (int i = 0; i < 5; ++i) {
    segs.push_back({"hợp", "tác", "kinh", "tế"});
    segs.push_back({"tăng", "cường", "hợp", "tác"});
    segs.push_back({"và", "hợp", "tác", "và"});
  }
  PhraseModel m;
  m.add_word({"tăng", "cường"});
  m.learn({3, 0.5, 1}, segs, [](std::string_view u) { return u == "và"; });
  PhraseModel::Segment s{"hợp", "tác", "kinh", "tế", "và", "tăng", "cường"};
  m.apply(s);
  EXPECT_EQ(s, (PhraseModel::Segment{"hợp_tác", "kinh_tế", "và", "tăng_cường"}));
  EXPECT_THROW(m.add_word({"một"}), std::invalid_argument);
  // Round trip through the serialised form.
  PhraseModel copy;
  for (const auto& w : m.dictionary()) {
    std::vector<std::string> syl;
    std::size_t at = 0, sp;
    while ((sp = w.find(' ', at)) != std::string::npos) syl.push_back(w.substr(at, sp - at)), at = sp + 1;
    syl.push_back(w.substr(at));
    copy.add_word(syl);
  }
  for (const auto& p : m.pairs()) copy.add_pair(p);
  PhraseModel::Segment s2{"hợp", "tác", "kinh", "tế", "và", "tăng", "cường"};
  copy.apply(s2);
  EXPECT_EQ(s2, s);
}

TEST(Pipeline, CleaningRunsBeforeCountingAndKeepsEmptyRows) {
  AnalyzerConfig ac;
  ac.clean = true;
  Analyzer an(ac);
  RawDocuments docs;
  docs.bytes = {"Bài báo\nNội dung thật sự của bài báo, một câu.\nTin bài liên quan\nTin khác hẳn",
                "![](a.jpg)\n| Ảnh |"};
  const CorpusCounts r = count_corpus(docs, an, {});
  EXPECT_EQ(r.counts.matrix.rows, 2u);
  EXPECT_EQ(r.counts.matrix.indptr[2] - r.counts.matrix.indptr[1], 0);  // all furniture: an empty row
  EXPECT_EQ(std::find(r.counts.vocabulary.begin(), r.counts.vocabulary.end(), "khác"), r.counts.vocabulary.end());
}

TEST(Pipeline, FastPathEqualsStagedPath) {
  // The one-pass checked segmentation must give exactly what decode -> NFC -> segment gives.
  AnalyzerConfig ac;
  Analyzer an(ac);
  const std::vector<std::string> texts = {"Tỉnh uỷ Kon Tum, Bờ Y: 747 tỷ đồng https://a.vn/x ban@a.vn",
                                          "Vie\xCC\xA3\xCC\x82t Nam (NFD)",
                                          "bad \xFF bytes",
                                          "ภาษาไทย COVID19ระบาด",
                                          "",
                                          "a\0b"};
  for (const auto& t : texts) {
    auto w = an.worker();
    TermBuffer terms;
    w.analyze(t, terms, true);  // staged path
    std::map<std::string, std::int64_t> a, b;
    for (std::size_t i = 0; i < terms.size(); ++i) ++b[std::string(terms[i])];
    if (b.empty()) continue;  // an empty vocabulary is an error for count_corpus
    RawDocuments one;
    one.bytes = {t};
    one.utf8 = {1};
    const CorpusCounts fast = count_corpus(one, an, {});  // term_ids path
    for (auto k = fast.counts.matrix.indptr[0]; k < fast.counts.matrix.indptr[1]; ++k)
      a[fast.counts.vocabulary[fast.counts.matrix.indices[k]]] = fast.counts.matrix.data[k];
    EXPECT_EQ(a, b) << t;
  }
}

TEST(Clean, DeepNestingAndUnmatchedBracketsAreLinear) {
  std::string nested = "Kon Tum ";
  for (int i = 0; i < 60000; ++i) nested += "[";
  nested += "x";
  for (int i = 0; i < 60000; ++i) nested += "](u)";
  EXPECT_EQ(strip_markup(nested), "Kon Tum x");  // no recursion: no stack overflow
  const std::string unmatched(200000, '[');
  EXPECT_EQ(strip_markup(unmatched).size(), unmatched.size());
}

// Found by fuzz_clean: "&#xD;" decoded to a carriage return inside a kept line, so the cleaned text
// held a line the cleaner never saw as one. Controls written as entities are spaces.
TEST(Clean, EntityLineBreakStaysInsideItsLine) {
  CleanConfig c;
  c.end_markers.clear();
  const std::string out = cleaned("99&#xD;tin&#10;mới&#x85;x", c);
  EXPECT_EQ(out, "99 tin mới x");
  EXPECT_EQ(out.find_first_of("\r\n"), std::string::npos);
}

// Found by fuzz_clean: "a&#769;" decoded to "a" + U+0301, so cleaned text was not NFC.
TEST(Clean, OutputIsNfcAfterEntitiesAndRemovedMarkup) {
  EXPECT_EQ(strip_markup("a&#769;"), "\xC3\xA1");                        // á
  EXPECT_EQ(strip_markup("[a](https://x.vn)\xCC\x81 b"), "\xC3\xA1 b");  // the link's text meets the mark
  CleanConfig c;
  c.end_markers.clear();
  EXPECT_EQ(cleaned("Tha&#768;nh pho&#770;&#769;", c), "Thành phố");
}
