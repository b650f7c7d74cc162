// The word stage: training on a toy treebank, decoding, constraints, the model file, long input.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mekong/error.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/names.hpp"
#include "mekong/text/words.hpp"
#include "word_models.hpp"

using namespace mekong;

namespace {

std::shared_ptr<const WordModel> toy_model() {
  // "hợp tác" and "kinh tế" are words; "với", "và", "Lào" stand alone.
  std::vector<std::vector<std::string>> sentences;
  for (int i = 0; i < 20; ++i) {
    sentences.push_back({"hợp tác", "kinh tế", "với", "Lào"});
    sentences.push_back({"kinh tế", "và", "hợp tác"});
    sentences.push_back({"Lào", "hợp tác", "với", "kinh tế"});
  }
  return WordModel::train(sentences, {"hợp tác", "kinh tế"}, {});
}

std::vector<std::string> terms(const Analyzer& a, std::string_view text) {
  auto w = a.worker();
  TermBuffer out;
  w.analyze(text, out, true);
  std::vector<std::string> v;
  for (std::size_t i = 0; i < out.size(); ++i) v.emplace_back(out[i]);
  return v;
}

Analyzer word_analyzer(std::shared_ptr<const WordModel> m, std::vector<std::vector<std::string>> dict = {}) {
  AnalyzerConfig cfg;
  cfg.words = std::move(m);
  cfg.user_dictionary = std::move(dict);
  return Analyzer(cfg);
}

}  // namespace

TEST(Words, ToyModelJoinsWhatItLearned) {
  const Analyzer a = word_analyzer(toy_model());
  EXPECT_EQ(terms(a, "Hợp tác kinh tế với Lào"), (std::vector<std::string>{"hợp_tác", "kinh_tế", "với", "lào"}));
  // Punctuation ends a word: "tác, kinh" never joins.
  EXPECT_EQ(terms(a, "kinh, tế"), (std::vector<std::string>{"kinh", "tế"}));
  EXPECT_EQ(terms(a, "hợp.\ntác"), (std::vector<std::string>{"hợp", "tác"}));
}

TEST(Words, NumbersCodesAndUnknownSyllablesNeverJoin) {
  const Analyzer a = word_analyzer(toy_model());
  EXPECT_EQ(terms(a, "hợp 2025 tác"), (std::vector<std::string>{"hợp", "2025", "tác"}));
  EXPECT_EQ(terms(a, "hợp xyzzy tác"), (std::vector<std::string>{"hợp", "xyzzy", "tác"}));
  EXPECT_EQ(terms(a, "kinh A320 tế"), (std::vector<std::string>{"kinh", "a320", "tế"}));
}

TEST(Words, AbbreviationsWithADotInsideAreOneWord) {
  // Whatever the model knows ("xyzzy" and "HCM" are unknown to it): a dot between short capitals, or
  // between a capitalised abbreviation and capitals, glues them; a sentence run on without a space,
  // a space after the dot, tone marks (an all-capitals heading) or long runs do not.
  const Analyzer a = word_analyzer(toy_model());
  EXPECT_EQ(terms(a, "hợp TP.HCM tác"), (std::vector<std::string>{"hợp", "tp.hcm", "tác"}));
  EXPECT_EQ(terms(a, "Tp.HCM và T.Ư và U.S.A"), (std::vector<std::string>{"tp.hcm", "và", "t.ư", "và", "u.s.a"}));
  EXPECT_EQ(terms(a, "Đ.ƠN ĐỨC.ANH"), (std::vector<std::string>{"đ.ơn", "đức", "anh"}));
  EXPECT_EQ(terms(a, "NN&PTNT, AT&T, Tp&HCM, TP & HCM"),
            (std::vector<std::string>{"nn&ptnt", "at&t", "tp", "hcm", "tp", "hcm"}));
  EXPECT_EQ(terms(a, "TP. HCM, tp.hcm, Tp.Hcm, Lào.Hợp, ASEAN.EU, TP.HCMCX, TP.HCMC"),
            (std::vector<std::string>{"tp", "hcm", "tp", "hcm", "tp", "hcm", "lào", "hợp", "asean", "eu", "tp", "hcmcx",
                                      "tp.hcmc"}));
  EXPECT_EQ(terms(a, "TP..HCM, TP.1, 1.TP, Nam.UBND, Năm.HCM, Tpa.HCM"),
            (std::vector<std::string>{"tp", "hcm", "tp", "1", "1", "tp", "nam", "ubnd", "năm", "hcm", "tpa", "hcm"}));
  // Glued tokens are one word for glued() itself, the function the fuzzer checks against.
  EXPECT_TRUE(WordSegmenter::glued("T", ".", "\u01AF"));
  EXPECT_FALSE(WordSegmenter::glued("T", ".", "\u01B0"));  // ư, lower case
  EXPECT_FALSE(WordSegmenter::glued("TP", "\u3002", "HCM"));
}

TEST(Words, UserDictionaryIsForced) {
  const Analyzer a = word_analyzer(toy_model(), {{"với", "lào"}});
  EXPECT_EQ(terms(a, "hợp tác với Lào"), (std::vector<std::string>{"hợp_tác", "với_lào"}));
}

TEST(Words, WrittenWordsKeepPunctuationAndSpelling) {
  const Analyzer a = word_analyzer(toy_model());
  auto w = a.worker();
  std::vector<std::string> out;
  w.written_words("Hợp  tác kinh tế... với Lào!", true, out);
  EXPECT_EQ(out, (std::vector<std::string>{"Hợp tác", "kinh tế", "...", "với", "Lào", "!"}));
}

TEST(Words, ModelRoundTripsThroughBytes) {
  const auto m = toy_model();
  const std::string bytes = m->to_bytes();
  const auto back = WordModel::from_bytes(bytes, "toy");
  EXPECT_EQ(back->to_bytes(), bytes);
  EXPECT_EQ(back->feature_count(), m->feature_count());
}

TEST(Words, CorruptOrWrongVersionModelNamesTheFile) {
  std::string bytes = toy_model()->to_bytes();
  auto message = [](const std::string& b) {
    try {
      WordModel::from_bytes(b, "/x/words.bin");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_NE(message(flipped).find("/x/words.bin: corrupt"), std::string::npos) << message(flipped);
  std::string version = bytes;
  version[8] = 9;
  EXPECT_NE(message(version).find("version 9"), std::string::npos) << message(version);
  EXPECT_NE(message("not a model").find("/x/words.bin"), std::string::npos);
  EXPECT_NE(message(bytes.substr(0, 30)).find("/x/words.bin"), std::string::npos);
  EXPECT_THROW(WordModel::load("/nonexistent/words.bin"), std::invalid_argument);
}

TEST(Words, HundredThousandSyllablesWithoutPunctuationInLinearTime) {
  const Analyzer a = word_analyzer(toy_model());
  // This thread's CPU time, best of three: on a loaded machine (ctest -j beside other builds) wall
  // time also counts the waits for a core, which once made ten times the input look 40x slower.
  auto cpu_seconds = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  auto run = [&](std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += i % 3 ? "kinh tế " : "hợp tác ";
    double best = 1e30;
    for (int r = 0; r < 3; ++r) {
      const double t0 = cpu_seconds();
      const auto v = terms(a, text);
      best = std::min(best, cpu_seconds() - t0);
      EXPECT_EQ(v.size(), n);
    }
    return best;
  };
  const double small = run(10000), large = run(100000);
  // Linear: ten times the input, nowhere near a hundred times the time (generous for sanitizers).
  EXPECT_LT(large, small * 40 + 0.05);
}

TEST(Words, LongTextPollsTheCancelFlag) {
  WordSegmenter ws(toy_model());
  std::string text;
  for (int i = 0; i < 70000; ++i) text += "hợp tác ";
  Segmenter seg;
  std::vector<Token> tokens;
  seg.segment(text, tokens);
  std::vector<std::uint8_t> begins;
  std::atomic<bool> cancel{true};
  EXPECT_THROW(ws.segment(text, tokens, begins, &cancel), Cancelled);
  cancel = false;
  ws.segment(text, tokens, begins, &cancel);
  EXPECT_EQ(begins.size(), tokens.size());
}

TEST(Names, RegressionTitlesMadeOfSeveralTitlesAreTitles) {
  // "Phó Tổng" came out of the segmenter as one word and was listed as a name.
  for (const char* t :
       {"phó_tổng", "phó_chủ_tịch", "tổng_giám_đốc", "quyền_bộ_trưởng", "nguyên_thủ_tướng", "phó_bí_thư_tỉnh_ủy",
        "chủ_tịch_ubnd_tỉnh", "phó_thủ_tướng", "tổng_thư_ký", "chủ_tịch", "hlv", "pgs.ts", "nsnd"})
    EXPECT_TRUE(is_title_word(t)) << t;
  // A modifier alone, or before what is not a title, is not a title: "Nguyên" and "Đồng" begin names.
  for (const char* t : {"nguyên", "đồng_nai", "nguyên_hồng", "tổng_cục", "lê_ngọc_tuấn", "bà_rịa", "tỉnh_ủy",
                        "trung_quốc", "chủ_tịch_hồ"})
    EXPECT_FALSE(is_title_word(t)) << t;
}

TEST(Names, ForeignPlacesBeforeForeignNames) {
  for (const char* w : {"lào", "campuchia", "mỹ", "nga", "pháp", "attapư", "sekong", "thái_lan"})
    EXPECT_TRUE(is_foreign_place(w)) << w;
  for (const char* w : {"nhật", "hà", "lào_cai", "Lào", "việt"}) EXPECT_FALSE(is_foreign_place(w)) << w;
}

TEST(Names, RegressionCalendarWordsAndUnitNounsAreNeverNames) {
  for (const char* w : {"Ngày", "NGÀY", "Đồn", "Theo", "Tháng", "Xã", "Q", "B", "Ư", "Đ"})
    EXPECT_TRUE(never_a_name(w)) << w;
  for (const char* w : {"Lào", "Mỹ", "Attapư", "Nguyên", "Trường", "Ba", "Y-Phu", "Ý", "Á"})
    EXPECT_FALSE(never_a_name(w)) << w;
}

namespace {

using mekong_test::shipped_model;

// Texts over real syllables, unknown ones, NFD spellings, numbers, codes, hyphenated Lao names and
// marks between them; some very long stretches.
std::vector<std::string> differential_texts(std::uint64_t seed, std::size_t count) {
  const std::vector<std::string> pool = {"hợp",
                                         "tác",
                                         "kinh",
                                         "tế",
                                         "xã",
                                         "hội",
                                         "Việt",
                                         "Nam",
                                         "Lào",
                                         "Kon",
                                         "Tum",
                                         "tỉnh",
                                         "ủy",
                                         "ban",
                                         "nhân",
                                         "dân",
                                         "chủ",
                                         "tịch",
                                         "UBND",
                                         "HĐND",
                                         "Hà",
                                         "Nội",
                                         "phát",
                                         "triển",
                                         "đầu",
                                         "tư",
                                         "biên",
                                         "giới",
                                         "hai",
                                         "nước",
                                         "Attapư",
                                         "Lê",
                                         "Ngọc",
                                         "Tuấn",
                                         "Trung",
                                         "Quốc",
                                         "Tập",
                                         "Cận",
                                         "Bình",
                                         "mỹ",
                                         "phẩm",
                                         "Mỹ",
                                         "năm",
                                         "2025",
                                         "10",
                                         "000",
                                         "xyzzy",
                                         "qwfp",
                                         "iPhone",
                                         "A320",
                                         "thủ",
                                         "tướng",
                                         "bộ",
                                         "trưởng",
                                         "giao",
                                         "thông",
                                         "vận",
                                         "tải",
                                         "ngày",
                                         "Xay-nhạ-phon",
                                         "Ắt-ta-pư",
                                         "Lệt",
                                         "ho\xcc\x9b\xcc\xa3p",
                                         "ta\xcc\x81"
                                         "c",
                                         "hoà",
                                         "hòa",
                                         "ðông",
                                         "ĐÀ",
                                         "NẴNG",
                                         "bệnh",
                                         "viện",
                                         "bác",
                                         "sĩ",
                                         "ສະບາຍດີ",
                                         "COVID-19",
                                         "x",
                                         "the",
                                         "of"};
  const std::vector<std::string> seps = {" ", " ", " ", " ", " ", " ", " ", " ", "-", ", ", ". ", ".", "/", ":", "\n"};
  std::vector<std::string> out;
  std::uint64_t r = seed;
  auto next = [&](std::uint64_t n) {
    r = words::mix(r + 0x9E3779B97F4A7C15ull);
    return r % n;
  };
  for (std::size_t d = 0; d < count; ++d) {
    const std::size_t n = d % 50 == 49 ? 5000 + next(5000) : 1 + next(60);
    const bool long_stretch = d % 50 == 49;
    std::string text;
    for (std::size_t k = 0; k < n; ++k) {
      if (k) text += long_stretch ? std::string(" ") : seps[next(seps.size())];
      text += next(20) == 0 ? "zz" + std::to_string(next(100000)) : pool[next(pool.size())];
    }
    out.push_back(std::move(text));
  }
  return out;
}

void expect_fast_equals_reference(const std::shared_ptr<const WordModel>& model,
                                  const std::vector<std::vector<std::string>>* dictionary) {
  WordSegmenter fast(model, dictionary), reference(model, dictionary);
  reference.set_reference(true);
  Segmenter seg;
  std::vector<Token> tokens;
  std::vector<std::uint8_t> a, b;
  std::size_t joined = 0, syllables = 0;
  for (const std::string& text : differential_texts(42, 400)) {
    tokens.clear();
    seg.segment(text, tokens);
    fast.segment(text, tokens, a);
    reference.segment(text, tokens, b);
    ASSERT_EQ(a, b) << text.substr(0, 200);
    joined += std::count(a.begin(), a.end(), 0);
    syllables += a.size();
  }
  EXPECT_GT(joined, syllables / 50);  // the texts make words, not only single syllables
}

}  // namespace

TEST(Words, FastPathEqualsTheReferencePath) {
  const auto toy = toy_model();
  expect_fast_equals_reference(toy, nullptr);
  const std::vector<std::vector<std::string>> dict = {{"bệnh", "viện"}, {"Tập", "Cận", "Bình"}};
  expect_fast_equals_reference(toy, &dict);
  const auto shipped = shipped_model();
  if (!shipped) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  expect_fast_equals_reference(shipped, nullptr);
  expect_fast_equals_reference(shipped, &dict);
}

TEST(Words, FastPathEqualsTheReferenceOnAStretchOfManyForms) {
  // One stretch of 200,000 syllables, a third of them forms seen once: the memo grows within a stretch.
  const auto model = shipped_model();
  if (!model) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  WordSegmenter fast(model), reference(model);
  reference.set_reference(true);
  std::string text;
  std::uint64_t r = 7;
  const char* syl[] = {"hợp", "tác", "kinh", "tế", "bệnh", "viện", "chủ", "tịch", "tỉnh", "ủy", "Hà", "Nội"};
  for (int k = 0; k < 200000; ++k) {
    r = words::mix(r + 1);
    text += k % 3 == 0 ? "q" + std::to_string(r % 50000) : std::string(syl[r % 12]);
    text += r % 17 == 0 ? ", " : " ";
  }
  Segmenter seg;
  std::vector<Token> tokens;
  seg.segment(text, tokens);
  std::vector<std::uint8_t> a, b;
  fast.segment(text, tokens, a);
  reference.segment(text, tokens, b);
  EXPECT_EQ(a, b);
}

namespace {
std::vector<std::vector<std::uint8_t>> begins_of(WordSegmenter& ws, const std::vector<std::string>& texts) {
  Segmenter seg;
  std::vector<Token> tokens;
  std::vector<std::vector<std::uint8_t>> out;
  for (const std::string& text : texts) {
    tokens.clear();
    seg.segment(text, tokens);
    out.emplace_back();
    ws.segment(text, tokens, out.back());
  }
  return out;
}
}  // namespace

TEST(Words, SyllableMemoIsHandedToTheNextSegmenterOfTheSameModel) {
  const auto model = toy_model();
  const auto texts = differential_texts(7, 200);
  std::vector<std::vector<std::uint8_t>> first;
  std::size_t forms = 0;
  {
    WordSegmenter ws(model);
    EXPECT_EQ(ws.memo_size(), 0u);  // a new model: nothing pooled for it
    first = begins_of(ws, texts);
    forms = ws.memo_size();
  }
  ASSERT_GT(forms, 0u);
  WordSegmenter again(model);
  EXPECT_EQ(again.memo_size(), forms);  // the memo was kept, not rebuilt
  EXPECT_EQ(begins_of(again, texts), first);
  WordSegmenter second(model);  // the pooled memo is taken by one segmenter at a time
  EXPECT_EQ(second.memo_size(), 0u);
  EXPECT_EQ(begins_of(second, texts), first);
  WordSegmenter other(toy_model());  // another model never gets this one's memo
  EXPECT_EQ(other.memo_size(), 0u);
}

TEST(Words, TrainingLeavesNoStaleMemoInThePool) {
  // train() segments with the model before it has weights; that memo (all weights zero) must not be
  // handed to the segmenters of the finished model.
  const auto model = toy_model();
  WordSegmenter ws(model);
  EXPECT_EQ(ws.memo_size(), 0u);
  const auto copy = WordModel::from_bytes(model->to_bytes(), "copy");
  WordSegmenter fresh(copy);
  const auto texts = differential_texts(11, 200);
  EXPECT_EQ(begins_of(ws, texts), begins_of(fresh, texts));
}

TEST(Words, RegressionPoolWithAMemoOfAGoneModelAndNoMatch) {
  // take_memo() dropped the memos of models that are gone while it searched, and its "none found" mark
  // was the pool's size before the drop: with no memo of the new model it read past the pool's end.
  const std::vector<std::string> texts = {"hợp tác kinh tế với Lào", "kinh tế và hợp tác"};
  auto gone = toy_model();
  const auto kept = toy_model();
  {
    WordSegmenter a(gone), b(kept);
    begins_of(a, texts);
    begins_of(b, texts);
  }
  gone.reset();  // its pooled memo's model has expired
  const auto fresh = toy_model();
  WordSegmenter c(fresh);
  EXPECT_EQ(c.memo_size(), 0u);
  WordSegmenter d(kept);  // the kept model's memo is still there
  EXPECT_GT(d.memo_size(), 0u);
  EXPECT_EQ(begins_of(c, texts), begins_of(d, texts));
}

TEST(Words, PooledMemoIsBounded) {
  const auto model = toy_model();
  {
    WordSegmenter ws(model);
    std::string text;
    for (std::size_t k = 0; k <= WordSegmenter::kPooledForms; ++k) text += "q" + std::to_string(k) + " ";
    begins_of(ws, {text});
    EXPECT_GT(ws.memo_size(), WordSegmenter::kPooledForms);
  }
  WordSegmenter next(model);  // too large to keep: dropped
  EXPECT_EQ(next.memo_size(), 0u);
}

TEST(Words, PooledMemosAcrossThreadsGiveTheSameWords) {
  const auto model = shipped_model();
  if (!model) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  const auto texts = differential_texts(3, 60);
  WordSegmenter base(model);
  base.set_reference(true);
  const auto expected = begins_of(base, texts);
  std::vector<int> ok(4, 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 25; ++r) {
        WordSegmenter ws(model);
        if (begins_of(ws, texts) != expected) ok[t] = 0;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
}

TEST(Words, LongestMatchFromBothEnds) {
  // Lexicon words [0, 2) and [1, 3) over three syllables: from the left "ab c", from the right "a bc".
  const std::uint8_t two[] = {1, 1, 0};
  std::uint8_t out[3];
  words::longest_match(two, 3, out);
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + 3), (std::vector<std::uint8_t>{3, 2, 1}));
  // [0, 4), [1, 4), [3, 5) over six: left "abcd e f" (0, 4, 5); right "a b c de f" (0, 1, 2, 3, 5).
  const std::uint8_t mixed[] = {4, 2, 0, 1, 0, 0};
  std::uint8_t got[6];
  words::longest_match(mixed, 6, got);
  EXPECT_EQ(std::vector<std::uint8_t>(got, got + 6), (std::vector<std::uint8_t>{3, 2, 2, 2, 1, 3}));
  // Nothing in the lexicon: every syllable begins a word both ways.
  const std::uint8_t none[] = {0, 0};
  words::longest_match(none, 2, got);
  EXPECT_EQ(got[0], 3);
  EXPECT_EQ(got[1], 3);
}

TEST(Words, LeftOutTemplatesKeepTheFastPathEqualToTheReference) {
  // The fast path skips a left-out template's lookups; the reference looks everything up.
  std::vector<std::vector<std::string>> sentences;
  for (int i = 0; i < 20; ++i) {
    sentences.push_back({"hợp tác", "kinh tế", "với", "Lào", "Hà Nội", "bệnh viện"});
    sentences.push_back({"kinh tế", "và", "hợp tác", "bác sĩ", "chủ tịch"});
  }
  WordModel::TrainConfig all, some;
  some.disabled = words::template_bit(words::kBm2) | words::template_bit(words::kT0) |
                  words::template_bit(words::kTm1) | words::template_bit(words::kSkip) | words::kNoLex4 |
                  words::template_bit(words::kBm1);
  const auto full = WordModel::train(sentences, {"hợp tác", "kinh tế", "bệnh viện", "ủy ban nhân dân"}, all);
  const auto lean = WordModel::train(sentences, {"hợp tác", "kinh tế", "bệnh viện", "ủy ban nhân dân"}, some);
  EXPECT_EQ(lean->disabled(), some.disabled);
  EXPECT_EQ(WordModel::from_bytes(lean->to_bytes(), "lean")->disabled(), some.disabled);
  EXPECT_LT(lean->feature_count(), full->feature_count());
  EXPECT_EQ(full->lexicon_size(), 4u);
  EXPECT_EQ(lean->lexicon_size(), 3u);  // the word of four syllables is not kept
  expect_fast_equals_reference(full, nullptr);
  expect_fast_equals_reference(lean, nullptr);
}

TEST(Words, MinCountLeavesOutRareFeatures) {
  // Every ordered pair of these words once: the n-grams across a pair's boundary are seen once, and
  // are left out at min_count 2 (the perceptron makes mistakes on them, so min_count 1 keeps some).
  const std::vector<std::string> vocabulary = {"hợp tác", "kinh tế", "bệnh viện", "bác sĩ", "với", "và", "Lào"};
  std::vector<std::vector<std::string>> sentences;
  for (const auto& a : vocabulary)
    for (const auto& b : vocabulary) sentences.push_back({a, b, "mới"});
  WordModel::TrainConfig once, twice, never;
  twice.min_count = 2;
  never.min_count = 1000;
  const auto a = WordModel::train(sentences, {"hợp tác"}, once);
  const auto b = WordModel::train(sentences, {"hợp tác"}, twice);
  const auto c = WordModel::train(sentences, {"hợp tác"}, never);
  EXPECT_LT(b->feature_count() + b->pair_count(), a->feature_count() + a->pair_count());
  EXPECT_EQ(c->feature_count(), 0u);
  EXPECT_EQ(c->pair_count(), 1u);  // only the lexicon's pair, with no weight
  const Analyzer words_of_c = word_analyzer(c);
  EXPECT_EQ(terms(words_of_c, "hợp tác").size(), 2u);  // no weight, no word: defined, not a crash
}

TEST(Words, TrainingSeedOrdersTheEpochsOnly) {
  // The default seed is the shipped model's; the same seed gives the same bytes and another seed
  // another model of the same data (the perceptron's averaged weights depend on the order).
  const std::vector<std::string> vocabulary = {"hợp tác", "kinh tế", "bệnh viện", "bác sĩ", "với", "và", "Lào"};
  std::vector<std::vector<std::string>> sentences;
  for (const auto& a : vocabulary)
    for (const auto& b : vocabulary) sentences.push_back({a, b, "mới", a});
  WordModel::TrainConfig def, same, one, two;
  same.seed = 0x2545F4914F6CDD1Dull;
  one.seed = 1;
  two.seed = 2;
  const std::string d = WordModel::train(sentences, {"hợp tác"}, def)->to_bytes();
  EXPECT_EQ(WordModel::train(sentences, {"hợp tác"}, same)->to_bytes(), d);
  const std::string a = WordModel::train(sentences, {"hợp tác"}, one)->to_bytes();
  EXPECT_EQ(WordModel::train(sentences, {"hợp tác"}, one)->to_bytes(), a);
  EXPECT_NE(a, d);
  EXPECT_NE(WordModel::train(sentences, {"hợp tác"}, two)->to_bytes(), a);
}
