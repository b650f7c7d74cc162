// words: Vietnamese words from syllables (WordSegmenter) and the word model file (WordModel).
//   A small model is trained once on sentences written here. Text (decoded, NFC, segmented) is
//   tagged: one flag per token, the first token begins a word, a token after a gap that is not
//   white space or a single hyphen begins one (punctuation, a line break, touching tokens end a
//   stretch), except that two ASCII-digit tokens with exactly one of . , / - : between them are one
//   number and always one word ("10.000", "5/10/2025"), and so is an abbreviation with a dot inside
//   ("TP.HCM": WordSegmenter::glued), with or without a user dictionary. Tagging the text line by line gives the flags
//   of tagging it whole (a line break ends every stretch); a fresh segmenter and a second call give the same flags.
//   With a user dictionary the same holds. The analyzer in word mode gives valid UTF-8 terms, the same on the count
//   stage's path (count_corpus) as on analyze(), for any n_jobs (the input's lines as documents). written_words
//   (word_tokenize) keeps every character of the text that is not white space once, in order, and gives the same words
//   for the NFD spelling of the text. Model files: the model's own bytes with bytes changed where the input says must
//   either load (and then write back the same bytes) or be refused with std::invalid_argument; so must the raw input
//   read as a model file.
#include <unicode/normalizer2.h>

#include <map>
#include <stdexcept>

#include "fuzz_common.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/text/words.hpp"

namespace {

std::shared_ptr<const mekong::WordModel> toy_model() {
  static const std::shared_ptr<const mekong::WordModel> model = [] {
    std::vector<std::vector<std::string>> sentences;
    for (int i = 0; i < 8; ++i) {
      sentences.push_back({"hợp tác", "kinh tế", "giữa", "hai", "tỉnh", "biên giới"});
      sentences.push_back({"mưa", "lớn", "gây", "ngập", "đường", "ở", "Quảng Trị"});
      sentences.push_back({"Ủy ban", "nhân dân", "tỉnh", "Kon Tum", "làm việc", "với", "Lào"});
      sentences.push_back({"xuất khẩu", "nông sản", "tăng", "mạnh", "trong", "năm", "2024"});
    }
    return std::shared_ptr<const mekong::WordModel>(mekong::WordModel::train(
        sentences, {"hợp tác", "kinh tế", "biên giới", "nhân dân", "Ủy ban nhân dân", "xuất khẩu"}, {}));
  }();
  return model;
}

const std::vector<std::vector<std::string>>& dictionary() {
  static const std::vector<std::vector<std::string>> d = {{"cửa", "khẩu"}, {"bờ", "y"}, {"hợp", "tác", "xã"}};
  return d;
}

std::vector<std::uint8_t> tag(mekong::WordSegmenter& ws, std::string_view text,
                              const std::vector<mekong::Token>& tokens) {
  std::vector<std::uint8_t> begins;
  ws.segment(text, tokens, begins);
  FUZZ_CHECK(begins.size() == tokens.size(), "%zu flags for %zu tokens", begins.size(), tokens.size());
  return begins;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t opt = in.byte();
  const std::shared_ptr<const mekong::WordModel> model = toy_model();

  if (opt & 0x80) {  // model files
    const std::string good = model->to_bytes();
    std::string bad = good;
    for (std::size_t k = 0; k + 2 < in.left() && k < 24; k += 3) {
      const std::string_view r = in.rest();
      const std::size_t at =
          ((static_cast<std::size_t>(static_cast<unsigned char>(r[k])) << 8) | static_cast<unsigned char>(r[k + 1])) %
          bad.size();
      bad[at] = r[k + 2];
    }
    for (const std::string* file : {&bad}) {
      try {
        const auto m = mekong::WordModel::from_bytes(*file, "fuzz");
        FUZZ_CHECK(m->to_bytes() == *file, "a model loaded from changed bytes writes other bytes");
      } catch (const std::invalid_argument&) {
      }
    }
    try {
      mekong::WordModel::from_bytes(in.rest(), "fuzz");
    } catch (const std::invalid_argument&) {
    }
    return 0;
  }

  static const mekong::Normalizer norm;
  std::string decoded, composed;
  const std::string_view text = norm.compose(mekong::decode_utf8(in.rest(), decoded).text, composed);
  mekong::Segmenter seg;
  std::vector<mekong::Token> tokens;
  seg.segment(text, tokens);

  const bool with_dictionary = opt & 1;
  mekong::WordSegmenter ws(model, with_dictionary ? &dictionary() : nullptr);
  const std::vector<std::uint8_t> begins = tag(ws, text, tokens);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i == 0) {
      FUZZ_CHECK(begins[0] == 1, "the first token does not begin a word");
      continue;
    }
    const std::size_t gap_begin = tokens[i - 1].begin + tokens[i - 1].length;
    const std::string_view gap = text.substr(gap_begin, tokens[i].begin - gap_begin);
    const std::string_view left = text.substr(tokens[i - 1].begin, tokens[i - 1].length);
    const std::string_view right = text.substr(tokens[i].begin, tokens[i].length);
    if (mekong::WordSegmenter::glued(left, gap, right))
      FUZZ_CHECK(
          begins[i] == 0, "glued tokens '%s' split at token %zu",
          fuzz::hex(text.substr(tokens[i - 1].begin, tokens[i].begin + tokens[i].length - tokens[i - 1].begin)).c_str(),
          i);
    else if (mekong::WordSegmenter::gap_kind(gap) < 0)
      FUZZ_CHECK(begins[i] == 1, "token %zu after gap '%s' continues a word", i, fuzz::hex(gap).c_str());
  }
  FUZZ_CHECK(tag(ws, text, tokens) == begins, "a second call gives other flags");
  mekong::WordSegmenter fresh(model, with_dictionary ? &dictionary() : nullptr);
  FUZZ_CHECK(tag(fresh, text, tokens) == begins, "a fresh segmenter gives other flags");

  // Line by line: a line break ends every stretch.
  std::vector<std::uint8_t> by_line;
  std::size_t start = 0, t = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') continue;
    std::vector<mekong::Token> line_tokens;
    for (; t < tokens.size() && tokens[t].begin < i; ++t) {
      mekong::Token tok = tokens[t];
      tok.begin -= start;
      line_tokens.push_back(tok);
    }
    const std::vector<std::uint8_t> f = tag(fresh, text.substr(start, i - start), line_tokens);
    by_line.insert(by_line.end(), f.begin(), f.end());
    start = i + 1;
  }
  FUZZ_CHECK(by_line == begins, "tagging line by line differs from tagging the whole text");

  // The analyzer in word mode: analyze() against the count stage's path.
  mekong::AnalyzerConfig cfg;
  cfg.words = model;
  if (with_dictionary) cfg.user_dictionary = dictionary();
  cfg.names = opt & 2;
  const mekong::Analyzer analyzer(cfg);
  auto w = analyzer.worker();
  mekong::TermBuffer terms;
  w.analyze(in.rest(), terms, true);
  std::map<std::string, std::int64_t> ref;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    FUZZ_CHECK(!terms[i].empty() && fuzz::valid_utf8(terms[i]), "word term empty or not valid UTF-8");
    ++ref[std::string(terms[i])];
  }
  mekong::RawDocuments docs;
  docs.bytes = {in.rest()};
  docs.utf8 = {1};
  try {
    const mekong::CorpusCounts got = mekong::count_corpus(docs, analyzer, {});
    std::map<std::string, std::int64_t> row;
    const auto& m = got.counts.matrix;
    for (auto k = m.indptr[0]; k < m.indptr[1]; ++k) row[got.counts.vocabulary[m.indices[k]]] = m.data[k];
    FUZZ_CHECK(row == ref, "count_corpus in word mode differs from analyze()");
  } catch (const std::invalid_argument&) {
    FUZZ_CHECK(ref.empty(), "count_corpus found no term where analyze() found %zu", ref.size());
  }
  // n_jobs: the lines as documents, counted serially and on two threads.
  {
    mekong::RawDocuments lines;
    const std::string_view raw = in.rest();
    for (std::size_t b = 0, e; b <= raw.size(); b = e + 1) {
      e = raw.find('\n', b);
      if (e == std::string_view::npos) e = raw.size();
      lines.bytes.push_back(raw.substr(b, e - b));
    }
    lines.utf8.assign(lines.bytes.size(), 1);
    mekong::CountConfig serial, parallel;
    parallel.n_jobs = 2;
    try {
      const mekong::CorpusCounts a = mekong::count_corpus(lines, analyzer, serial);
      const mekong::CorpusCounts b = mekong::count_corpus(lines, analyzer, parallel);
      FUZZ_CHECK(a.counts.vocabulary == b.counts.vocabulary && a.counts.matrix.indptr == b.counts.matrix.indptr &&
                     a.counts.matrix.indices == b.counts.matrix.indices && a.counts.matrix.data == b.counts.matrix.data,
                 "count_corpus in word mode: n_jobs=2 differs from n_jobs=1");
    } catch (const std::invalid_argument&) {
    }
  }

  std::vector<std::string> written;
  w.written_words(in.rest(), true, written);
  std::string joined;
  for (const std::string& s : written) {
    FUZZ_CHECK(!s.empty() && fuzz::valid_utf8(s), "written word empty or not valid UTF-8");
    joined += s;
  }
  // Every syllable in exactly one word, in order: the words hold the text's characters once each,
  // white space aside (written_words drops it between words and writes one space inside a word).
  auto dense = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t b = i;
      const char32_t c = mekong::utf8::next(s.data(), i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000 || c == 0x2028 || c == 0xFEFF ||
          (c >= 0x2000 && c <= 0x200B))
        continue;
      out.append(s.substr(b, i - b));
    }
    return out;
  };
  FUZZ_CHECK(dense(joined) == dense(w.composed(in.rest(), true)), "written words lose, add or reorder characters");

  // NFD spelling: the same words.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const std::string decomposed = fuzz::to_utf8(nfd->normalize(u, status));
  FUZZ_CHECK(U_SUCCESS(status), "ICU NFD: %s", u_errorName(status));
  std::string recomposed_scratch;
  // The core composes stream-safe; past 30 combining marks NFC(NFD(x)) may differ from x: not a word question.
  if (norm.compose(decomposed, recomposed_scratch) == text) {
    std::vector<std::string> from_nfd;
    w.written_words(decomposed, true, from_nfd);
    std::vector<std::string> from_nfc;
    w.written_words(text, true, from_nfc);
    FUZZ_CHECK(from_nfd == from_nfc, "NFD text gives other words than its NFC");
  }
  return 0;
}
