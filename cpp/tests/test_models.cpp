// Learned text models: versioned bytes round-trip, bytes of another version or kind are refused
// naming both versions, and fit_text_models learns what the separate passes learn.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/models.hpp"

using namespace mekong;

namespace {

std::vector<std::string> corpus_texts() {
  std::vector<std::string> t;
  const char* furniture = "Trang chủ Thời sự Kinh tế\n";
  const char* bodies[] = {
      "Tỉnh Kon Tum hợp tác với tỉnh Attapư về kinh tế.\nHai bên ký biên bản hợp tác.\n",
      "Đoàn công tác tỉnh Kon Tum thăm Lào.\nHợp tác kinh tế được đẩy mạnh.\n",
      "Theo ông Lê Ngọc Tuấn, hợp tác kinh tế giữa Kon Tum và Attapư tăng.\n",
      "Mưa lớn ở Kon Tum.\nĐường ngập, hợp tác cứu hộ với Lào.\n",
  };
  for (int r = 0; r < 3; ++r)
    for (const char* b : bodies) t.push_back(std::string(furniture) + b + std::to_string(r) + " ngày\n");
  return t;
}

RawDocuments raw_of(const std::vector<std::string>& texts) {
  RawDocuments raw;
  for (const auto& s : texts) raw.bytes.emplace_back(s);
  return raw;
}

std::vector<std::string> interned(const Interner& in) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < in.size(); ++i) out.emplace_back(in.str(i));
  return out;
}

}  // namespace

TEST(Models, BytesRoundTrip) {
  FurnitureLines lines;
  lines.keys.intern("trang chủ");
  lines.keys.intern("đọc nhiều");
  const FurnitureLines lines2 = furniture_lines_from_bytes(model_to_bytes(lines));
  EXPECT_EQ(lines2.list(), lines.list());

  NameEvidence ev;
  ev.lower.intern("hợp");
  ev.names.intern("lào");
  ev.clipped.intern("việt");
  const NameEvidence ev2 = name_evidence_from_bytes(model_to_bytes(ev));
  EXPECT_EQ(interned(ev2.lower), interned(ev.lower));
  EXPECT_EQ(interned(ev2.names), interned(ev.names));
  EXPECT_EQ(interned(ev2.clipped), interned(ev.clipped));

  PhraseModel pm;
  pm.add_word({"kon", "tum"});
  pm.add_pair({0, "hợp", "tác", 0.75});
  pm.add_pair({1, "hợp_tác", "kinh_tế", -0.125});
  const PhraseModel pm2 = phrase_model_from_bytes(model_to_bytes(pm));
  EXPECT_EQ(pm2.dictionary(), pm.dictionary());
  ASSERT_EQ(pm2.pairs().size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(pm2.pairs()[i].pass, pm.pairs()[i].pass);
    EXPECT_EQ(pm2.pairs()[i].left, pm.pairs()[i].left);
    EXPECT_EQ(pm2.pairs()[i].score, pm.pairs()[i].score);  // bit for bit
  }
}

TEST(Models, AnotherVersionIsRefusedNamingBothVersions) {
  FurnitureLines lines;
  lines.keys.intern("trang chủ");
  std::string bytes = model_to_bytes(lines);
  // magic (8) + kind length (8) + "FurnitureLines" (14) -> the version's low byte.
  bytes[8 + 8 + 14] = static_cast<char>(kModelFormatVersion + 1);
  try {
    furniture_lines_from_bytes(bytes);
    FAIL() << "bytes of another version were read";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("version " + std::to_string(kModelFormatVersion + 1)), std::string::npos) << what;
    EXPECT_NE(what.find("reads version " + std::to_string(kModelFormatVersion)), std::string::npos) << what;
  }
}

TEST(Models, AnotherKindTruncatedOrGarbageIsRefused) {
  NameEvidence ev;
  ev.lower.intern("hợp");
  const std::string bytes = model_to_bytes(ev);
  EXPECT_THROW(furniture_lines_from_bytes(bytes), std::invalid_argument);
  EXPECT_THROW(name_evidence_from_bytes(bytes.substr(0, bytes.size() - 1)), std::invalid_argument);
  EXPECT_THROW(name_evidence_from_bytes(bytes + "x"), std::invalid_argument);
  EXPECT_THROW(phrase_model_from_bytes("garbage"), std::invalid_argument);
  EXPECT_THROW(phrase_model_from_bytes(""), std::invalid_argument);
}

// One call learns what the three separate passes learn, each through the analyzer the vectorizer
// used before models were core objects.
TEST(Models, FitTextModelsEqualsTheSeparatePasses) {
  const std::vector<std::string> texts = corpus_texts();
  const RawDocuments raw = raw_of(texts);
  AnalyzerConfig base;
  base.clean = true;
  base.aliases = true;
  TextModelsConfig tm;
  tm.furniture = true;
  tm.name_evidence = true;
  tm.phrases = true;
  tm.phrase_config.min_count = 2;
  tm.phrase_config.threshold = 0.1;
  tm.phrase_config.stop_words = {"và", "với"};
  for (int n_jobs : {1, 3}) {
    const std::uint64_t calls = learning_calls();
    const TextModels got = fit_text_models(raw, base, tm, n_jobs);
    EXPECT_EQ(learning_calls() - calls, 3u);

    AnalyzerConfig plain;
    const std::vector<std::string> lines = learn_repeated_lines(raw, Analyzer(plain), 2, 1);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(got.repeated_lines->list(), lines);
    AnalyzerConfig cfg = base;
    cfg.repeated_lines = got.repeated_lines;
    const NameEvidence ev = learn_name_evidence(raw, Analyzer(cfg), 1);
    EXPECT_EQ(interned(got.name_evidence->lower), interned(ev.lower));
    EXPECT_EQ(interned(got.name_evidence->names), interned(ev.names));
    EXPECT_EQ(interned(got.name_evidence->clipped), interned(ev.clipped));
    cfg.name_evidence = got.name_evidence;
    cfg.stop_words = tm.phrase_config.stop_words;
    const PhraseModel pm = learn_phrases(raw, Analyzer(cfg), tm.phrase_config, nullptr, 1);
    ASSERT_FALSE(pm.pairs().empty());
    ASSERT_EQ(got.phrases->pairs().size(), pm.pairs().size());
    for (std::size_t i = 0; i < pm.pairs().size(); ++i) {
      EXPECT_EQ(got.phrases->pairs()[i].left, pm.pairs()[i].left);
      EXPECT_EQ(got.phrases->pairs()[i].right, pm.pairs()[i].right);
      EXPECT_EQ(got.phrases->pairs()[i].score, pm.pairs()[i].score);
    }
  }
}

TEST(Models, GivenModelsAreKeptAndNothingIsLearnedAgain) {
  const RawDocuments raw = raw_of(corpus_texts());
  AnalyzerConfig base;
  base.clean = true;
  auto lines = std::make_shared<FurnitureLines>();
  lines->keys.intern("given line");
  base.repeated_lines = lines;
  TextModelsConfig tm;
  tm.furniture = true;
  const std::uint64_t calls = learning_calls();
  const TextModels got = fit_text_models(raw, base, tm, 1);
  EXPECT_EQ(got.repeated_lines, base.repeated_lines);  // the same object, not a copy
  EXPECT_EQ(learning_calls(), calls);
  AnalyzerConfig off;  // furniture asked for without cleaning: a configuration error
  EXPECT_THROW(fit_text_models(raw, off, tm, 1), std::invalid_argument);
}
