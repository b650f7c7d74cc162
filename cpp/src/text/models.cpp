#include "mekong/text/models.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "mekong/util/parallel.hpp"

namespace mekong {

namespace {

constexpr char kMagic[8] = {'M', 'K', 'M', 'O', 'D', 'E', 'L', '\0'};

// Little-endian fixed-width integers and length-prefixed strings.
class Writer {
 public:
  Writer(std::string_view kind) {
    out_.append(kMagic, sizeof kMagic);
    str(kind);
    u64(kModelFormatVersion);
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s.data(), s.size());
  }
  void interner(const Interner& in) {
    u64(in.size());
    for (std::uint32_t i = 0; i < in.size(); ++i) str(in.str(i));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view bytes, std::string_view kind) : in_(bytes), kind_(kind) {
    if (in_.size() < sizeof kMagic || std::memcmp(in_.data(), kMagic, sizeof kMagic) != 0)
      fail("not mekong model bytes");
    at_ = sizeof kMagic;
    const std::string got = str();
    if (got != kind) fail("these bytes hold a " + got + " model");
    const std::uint64_t version = u64();
    if (version != kModelFormatVersion)
      fail("model format version " + std::to_string(version) + ", but this mekong reads version " +
           std::to_string(kModelFormatVersion) + "; fit the model again with this version");
  }
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t(static_cast<unsigned char>(in_[at_ + i])) << (8 * i);
    at_ += 8;
    return v;
  }
  double f64() {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u64();
    need(n);
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  // A count of items each at least `min_bytes` long: refused before anything is allocated for it
  // when the bytes left cannot hold that many.
  std::uint64_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (n > (in_.size() - at_) / min_bytes) fail("truncated or corrupt (count " + std::to_string(n) + ")");
    return n;
  }
  void interner(Interner& out) {
    const std::uint64_t n = count(8);
    for (std::uint64_t i = 0; i < n; ++i) out.intern(str());
  }
  void end() {
    if (at_ != in_.size()) fail("trailing bytes after the model");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("cannot read a " + std::string(kind_) + " model: " + why);
  }

 private:
  void need(std::uint64_t n) {
    if (n > in_.size() - at_) fail("truncated or corrupt");
  }
  std::string_view in_;
  std::string_view kind_;
  std::size_t at_ = 0;
};

std::atomic<std::uint64_t> g_learning_calls{0};

}  // namespace

std::uint64_t learning_calls() { return g_learning_calls.load(std::memory_order_relaxed); }
void count_learning_call() { g_learning_calls.fetch_add(1, std::memory_order_relaxed); }

std::vector<std::string> FurnitureLines::list() const {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) out.emplace_back(keys.str(i));
  return out;
}

std::string model_to_bytes(const FurnitureLines& m) {
  Writer w("FurnitureLines");
  w.interner(m.keys);
  return w.take();
}

FurnitureLines furniture_lines_from_bytes(std::string_view bytes) {
  Reader r(bytes, "FurnitureLines");
  FurnitureLines m;
  r.interner(m.keys);
  r.end();
  return m;
}

std::string model_to_bytes(const NameEvidence& m) {
  Writer w("NameEvidence");
  w.interner(m.lower);
  w.interner(m.names);
  w.interner(m.clipped);
  return w.take();
}

NameEvidence name_evidence_from_bytes(std::string_view bytes) {
  Reader r(bytes, "NameEvidence");
  NameEvidence m;
  r.interner(m.lower);
  r.interner(m.names);
  r.interner(m.clipped);
  r.end();
  return m;
}

std::string model_to_bytes(const PhraseModel& m) {
  Writer w("PhraseModel");
  const std::vector<std::string> words = m.dictionary();
  w.u64(words.size());
  for (const auto& word : words) w.str(word);
  const std::vector<PhraseModel::Pair> pairs = m.pairs();
  w.u64(pairs.size());
  for (const auto& p : pairs) {
    w.u64(p.pass);
    w.str(p.left);
    w.str(p.right);
    w.f64(p.score);
  }
  return w.take();
}

PhraseModel phrase_model_from_bytes(std::string_view bytes) {
  Reader r(bytes, "PhraseModel");
  PhraseModel m;
  const std::uint64_t n_words = r.count(8);
  for (std::uint64_t i = 0; i < n_words; ++i) {
    const std::string word = r.str();
    std::vector<std::string> syllables;
    for (std::size_t b = 0;;) {  // dictionary() joins the syllables of a word with " "
      const std::size_t e = word.find(' ', b);
      syllables.emplace_back(word.substr(b, e == std::string::npos ? std::string::npos : e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
    try {
      m.add_word(syllables);
    } catch (const std::invalid_argument& e) {
      r.fail(e.what());
    }
  }
  const std::uint64_t n_pairs = r.count(32);
  for (std::uint64_t i = 0; i < n_pairs; ++i) {
    PhraseModel::Pair p;
    p.pass = static_cast<std::size_t>(r.u64());
    p.left = r.str();
    p.right = r.str();
    p.score = r.f64();
    if (p.pass >= 64) r.fail("pass " + std::to_string(p.pass) + " out of range");
    m.add_pair(p);
  }
  r.end();
  return m;
}

namespace {

bool doc_is_utf8(const RawDocuments& docs, std::size_t i) { return !docs.utf8.empty() && docs.utf8[i]; }

}  // namespace

NameEvidence NameEvidence::merge(std::vector<NameEvidence> parts) {
  // The first part's sets are taken as they are: interning them into empty sets would give the
  // same strings in the same order and the same tallies, string by string (serial work).
  NameEvidence all;
  if (!parts.empty()) {
    all.lower = std::move(parts.front().lower);
    all.names = std::move(parts.front().names);
    all.starts = std::move(parts.front().starts);
  }
  for (std::size_t k = 1; k < parts.size(); ++k) {
    const NameEvidence& p = parts[k];
    for (std::uint32_t id = 0; id < p.lower.size(); ++id) all.lower.intern(p.lower.str(id));
    for (std::uint32_t id = 0; id < p.names.size(); ++id) all.names.intern(p.names.str(id));
    all.starts.merge(p.starts);
  }
  NameEvidence out;
  out.lower = std::move(all.lower);
  for (std::uint32_t id = 0; id < all.names.size(); ++id)
    if (out.lower.find(all.names.str(id)) == Interner::npos) out.names.intern(all.names.str(id));
  for (const std::string& s : all.starts.clipped_all()) out.clipped.intern(s);
  return out;
}

std::size_t prepared_cache_budget() {
  const char* env = std::getenv("MEKONG_PREPARED_CACHE_MB");
  if (env && *env) return static_cast<std::size_t>(std::strtoull(env, nullptr, 10)) << 20;
  return kPreparedCacheBytes;
}

FusedLearning learn_names_and_phrases(const RawDocuments& docs, const AnalyzerConfig& cfg,
                                      const PhraseConfig& phrase_config, const PhraseModel* dictionary, int n_jobs,
                                      std::size_t cache_bytes, bool with_phrases, bool keep_prepared,
                                      const std::vector<std::uint8_t>* as_is) {
  count_learning_call();
  if (with_phrases) count_learning_call();  // the two passes it stands for
  const int threads = resolve_n_jobs(n_jobs);
  const auto bounds = balanced_bounds(docs.bytes.size(), static_cast<std::size_t>(threads),
                                      [&](std::size_t i) { return docs.bytes[i].size(); });
  const std::size_t n_parts = bounds.size() - 1;
  const std::size_t part_budget = cache_bytes / std::max<std::size_t>(1, n_parts);

  // Step 1: each document prepared once (decode, NFC, clean, syllables, words) and its evidence
  // gathered before any name evidence exists, as learn_name_evidence's analyzer does.
  AnalyzerConfig ecfg = cfg;
  ecfg.name_evidence = nullptr;
  ecfg.phrases = nullptr;
  const Analyzer evidence_analyzer(ecfg);
  std::vector<NameEvidence> evidence_parts(n_parts);
  // Each part keeps its documents' preparations while they fit its share of the budget; the others
  // are prepared again in step 2 (the same result, only slower).
  std::vector<std::vector<PreparedDocument>> kept(n_parts);
  parallel_for(n_parts, threads, [&](std::size_t p) {
    auto worker = evidence_analyzer.worker();
    const std::atomic<bool>* cancel = current_cancel();
    std::size_t used = 0;
    bool full = false;
    PreparedDocument scratch;
    kept[p].reserve(bounds[p + 1] - bounds[p]);
    for (std::size_t i = bounds[p]; i < bounds[p + 1]; ++i) {
      check_cancelled(cancel);
      worker.prepare_document(docs.bytes[i], doc_is_utf8(docs, i), scratch, as_is && (*as_is)[i]);
      worker.gather_name_evidence(scratch, evidence_parts[p]);
      if (!full && used + scratch.bytes() <= part_budget) {
        used += scratch.bytes();
        kept[p].push_back(std::move(scratch));
        scratch = PreparedDocument();
      } else {
        full = true;  // the kept ones stay a prefix of the part
      }
      progress_advance(1);
    }
  });
  FusedLearning out;
  out.name_evidence = std::make_shared<NameEvidence>(NameEvidence::merge(std::move(evidence_parts)));
  evidence_parts.clear();
  // The kept preparations by document index, for the count pass (moved there after step 2).
  const auto hand_over = [&] {
    if (!keep_prepared) return;
    auto prepared = std::make_shared<PreparedCorpus>();
    prepared->config = ecfg;
    prepared->docs.resize(docs.bytes.size());
    prepared->kept.assign(docs.bytes.size(), 0);
    prepared->raw_size.resize(docs.bytes.size());
    for (std::size_t i = 0; i < docs.bytes.size(); ++i) prepared->raw_size[i] = docs.bytes[i].size();
    for (std::size_t p = 0; p < n_parts; ++p)
      for (std::size_t k = 0; k < kept[p].size(); ++k) {
        prepared->docs[bounds[p] + k] = std::move(kept[p][k]);
        prepared->kept[bounds[p] + k] = 1;
      }
    out.prepared = std::move(prepared);
  };
  if (!with_phrases) {
    hand_over();
    return out;
  }

  // Step 2: phrase units over the same preparations, names joined by the corpus's evidence, with
  // the phrase pass's stop words, as learn_phrases's analyzer does.
  AnalyzerConfig pcfg = cfg;
  pcfg.name_evidence = out.name_evidence;
  pcfg.phrases = nullptr;
  pcfg.stop_words = phrase_config.stop_words;
  const Analyzer phrase_analyzer(pcfg);
  std::vector<std::vector<PhraseModel::Segment>> seg_parts(n_parts);
  parallel_for(n_parts, threads, [&](std::size_t p) {
    auto worker = phrase_analyzer.worker();
    const std::atomic<bool>* cancel = current_cancel();
    std::vector<PhraseModel::Segment> segs;
    for (std::size_t i = bounds[p]; i < bounds[p + 1]; ++i) {
      check_cancelled(cancel);
      const std::size_t k = i - bounds[p];
      if (k < kept[p].size()) {
        worker.segments(kept[p][k], segs);
        if (!keep_prepared) kept[p][k] = PreparedDocument();  // freed as soon as it is used
      } else {
        worker.segments(docs.bytes[i], doc_is_utf8(docs, i), segs);
      }
      for (auto& seg : segs)
        if (seg.size() > 1) seg_parts[p].push_back(std::move(seg));
      progress_advance(1);
    }
  });
  hand_over();
  kept.clear();
  std::vector<PhraseModel::Segment> all;
  for (auto& p : seg_parts)
    for (auto& s : p) all.push_back(std::move(s));
  auto model = std::make_shared<PhraseModel>();
  if (dictionary) *model = *dictionary;
  model->learn(phrase_config, std::move(all), [&](std::string_view u) { return phrase_analyzer.is_stop_word(u); });
  out.phrases = std::move(model);
  return out;
}

TextModels fit_text_models(const RawDocuments& docs, const AnalyzerConfig& base, const TextModelsConfig& config,
                           int n_jobs) {
  TextModels out;
  AnalyzerConfig cfg = base;
  cfg.phrases = nullptr;  // phrases are learned over units before any phrase joins them
  out.repeated_lines = base.repeated_lines;
  out.name_evidence = base.name_evidence;
  out.phrases = base.phrases;

  // Pass 1: furniture lines, from the decoded NFC lines before any cleaning. It also finds which
  // documents decode and compose to their own bytes: pass 2 reads those as they are.
  std::vector<std::uint8_t> as_is;
  if (config.furniture && !out.repeated_lines) {
    if (!base.clean) throw std::invalid_argument("fit_text_models: furniture lines need clean on in the config");
    AnalyzerConfig plain;
    plain.encoding = base.encoding;
    const Analyzer line_analyzer(plain);
    auto lines = std::make_shared<FurnitureLines>();
    for (const std::string& k : learn_repeated_lines(docs, line_analyzer, config.min_documents, n_jobs, &as_is))
      lines->keys.intern(k);
    out.repeated_lines = std::move(lines);
  }
  cfg.repeated_lines = out.repeated_lines;

  // Passes 2 and 3 fused: each document analysed once for both (learn_names_and_phrases), and
  // for the count when asked; without phrases to learn, step 1 alone (evidence, preparations).
  if (config.name_evidence && !out.name_evidence && config.fused) {
    const bool with_phrases = config.phrases && !out.phrases;
    FusedLearning fused = learn_names_and_phrases(docs, cfg, config.phrase_config, config.user_dictionary.get(), n_jobs,
                                                  prepared_cache_budget(), with_phrases, config.keep_prepared,
                                                  as_is.empty() ? nullptr : &as_is);
    out.name_evidence = std::move(fused.name_evidence);
    if (with_phrases) out.phrases = std::move(fused.phrases);
    out.prepared = std::move(fused.prepared);
    return out;
  }

  // Pass 2: name evidence, over the cleaned text.
  if (config.name_evidence && !out.name_evidence) {
    cfg.name_evidence = nullptr;
    const Analyzer analyzer(cfg);
    out.name_evidence = std::make_shared<NameEvidence>(learn_name_evidence(docs, analyzer, n_jobs));
  }
  cfg.name_evidence = out.name_evidence;

  // Pass 3: phrases, over units with names joined by that evidence.
  if (config.phrases && !out.phrases) {
    cfg.stop_words = config.phrase_config.stop_words;
    const Analyzer analyzer(cfg);
    out.phrases = std::make_shared<PhraseModel>(
        learn_phrases(docs, analyzer, config.phrase_config, config.user_dictionary.get(), n_jobs));
  }
  return out;
}

}  // namespace mekong
