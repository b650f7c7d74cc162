// Profiling driver for counting, without Python in the profile: the passes a CountVectorizer
// fit_transform makes (furniture lines, name evidence, phrases, then the count) with one option set.
//
//   python benchmarks/generate_corpus.py ...                  # or any file with one document a line
//   python -c "from mekong.stopwords import VIETNAMESE_STOP_WORDS as S; print('\n'.join(sorted(S)))" > /tmp/stop.txt
//   g++ -O2 -g -std=c++20 -Icpp/include benchmarks/count_driver.cpp build/<wheel-tag>/libmekong_core.a \
//       -o /tmp/countdriver -licuuc -licui18n -licudata -lpthread
//   perf record -g /tmp/countdriver CORPUS OPTIONS [THREADS] [STOPWORDS] [WORDMODEL]
//
// OPTIONS: comma-separated from plain, clean, aliases, stop, phrases, words (e.g. "clean,aliases,stop,words"),
// units (the count reads each document as a Python str stores it, see below),
// prepared (print what the fused learning keeps per document against the input's size, then stop),
// staged: with aliases, learn name evidence and phrases in separate passes and count from the bytes
// (the reference) instead of fit_text_models's fused pass (one analysis of each document for the
// evidence, the phrases and the count), and bytes: the fused learning, but the count analyses
// every document from its bytes again (the path before the count read the preparations).
// Environment: MEKONG_REPEATS (runs, default 1), MEKONG_MIN_DOCUMENTS (furniture: a line in at least
// this many documents, default 2).
// Prints the wall seconds of each pass and the CPU seconds (all threads) of the learning and of the count,
// each repeat, and the matrix's shape.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/models.hpp"

using namespace mekong;

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of the whole process (all threads): steadier than wall time on a shared machine.
static double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CORPUS OPTIONS [THREADS] [STOPWORDS] [WORDMODEL]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // Documents are lines, or, when the file has any, the stretches between record separators (0x1E):
  // articles of several lines each.
  const char sep = text.find('\x1e') != std::string::npos ? '\x1e' : '\n';
  RawDocuments docs;
  for (std::size_t b = 0; b < text.size();) {
    std::size_t e = text.find(sep, b);
    if (e == std::string::npos) e = text.size();
    docs.bytes.emplace_back(text.data() + b, e - b);
    b = e + 1;
  }
  const std::string opts = std::string(",") + argv[2] + ",";
  auto has = [&](const char* o) { return opts.find(std::string(",") + o + ",") != std::string::npos; };
  // "units": the count reads each document as a Python str stores it (1, 2 or 4 bytes a code
  // point, RawDocuments::units), as CountVectorizer.fit_transform(list of str) does; the learning
  // passes still read bytes. The text must be valid UTF-8.
  std::vector<std::u32string> points;
  std::vector<std::string> narrow;
  std::vector<std::u16string> wide;
  RawDocuments unit_docs;
  if (has("units")) {
    const std::size_t n = docs.bytes.size();
    points.resize(n);
    narrow.resize(n);
    wide.resize(n);
    unit_docs.utf8.assign(n, 1);
    unit_docs.bytes.assign(n, std::string_view());
    unit_docs.units.resize(n);
    for (std::size_t d = 0; d < n; ++d) {
      const std::string_view s = docs.bytes[d];
      for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        char32_t c = len == 1 ? b : b & (0x7F >> len);
        for (int k = 1; k < len && i + k < s.size(); ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        points[d].push_back(c);
        i += len;
      }
      char32_t top = 0;
      for (char32_t c : points[d]) top = std::max(top, c);
      if (top < 0x100) {
        for (char32_t c : points[d]) narrow[d].push_back(static_cast<char>(c));
        unit_docs.units[d] = {narrow[d].data(), narrow[d].size(), 1};
      } else if (top < 0x10000) {
        for (char32_t c : points[d]) wide[d].push_back(static_cast<char16_t>(c));
        unit_docs.units[d] = {wide[d].data(), wide[d].size(), 2};
      } else {
        unit_docs.units[d] = {points[d].data(), points[d].size(), 4};
      }
    }
  }
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const char* env_reps = std::getenv("MEKONG_REPEATS");
  const int repeats = env_reps ? std::max(1, std::atoi(env_reps)) : 1;

  AnalyzerConfig base;
  if (has("stop") && argc > 4) {
    std::ifstream sw(argv[4]);
    for (std::string w; std::getline(sw, w);)
      if (!w.empty()) base.stop_words.push_back(w);
  }
  if (has("words")) base.words = WordModel::load(argc > 5 ? argv[5] : "python/mekong/models/words.bin");

  if (has("prepared")) {
    // What fit_text_models's fused pass keeps per document (PreparedDocument), against the input.
    AnalyzerConfig cfg = base;
    cfg.clean = has("clean");
    cfg.aliases = has("aliases");
    const Analyzer analyzer(cfg);  // outlives its worker
    auto worker = analyzer.worker();
    std::size_t raw = 0, kept = 0, text = 0, syllables = 0, budgeted = 0;
    PreparedDocument doc;
    for (std::string_view d : docs.bytes) {
      worker.prepare_document(d, false, doc);
      raw += d.size();
      const std::size_t syl = doc.syllable_spans.size() * 4 + doc.syllable_flags.size() + doc.fold_ids.size() * 2 +
                              doc.folds.size() + doc.fold_ends.size() * 4;
      kept += doc.text.size() + doc.begins.size() + syl + sizeof(PreparedDocument);
      text += doc.text.size();
      budgeted += PreparedDocument(doc).bytes();  // a copy: capacities as a kept preparation's
      syllables += syl;
    }
    std::printf(
        "prepared: input %zu bytes, kept %zu bytes (%.2fx; cleaned text %zu, syllables (places, flags, folded "
        "forms) %zu, word flags and headers %zu); counted against the budget %zu bytes (%.2fx)\n",
        raw, kept, double(kept) / double(raw), text, syllables, kept - text - syllables, budgeted,
        double(budgeted) / double(raw));
    return 0;
  }
  for (int rep = 0; rep < repeats; ++rep) {
    AnalyzerConfig cfg = base;
    double t0 = now(), c0 = cpu_now(), t_lines = 0, t_names = 0, t_phrases = 0;
    // With aliases (not staged) the furniture lines are learned inside fit_text_models, as a
    // vectorizer does (its pass 2 then reads the documents pass 1 found in NFC as they are); the
    // "names" seconds include them.
    const bool fused_furniture = has("clean") && has("aliases") && !has("staged");
    if (has("clean") && !fused_furniture) {
      AnalyzerConfig plain;
      const char* env_min = std::getenv("MEKONG_MIN_DOCUMENTS");  // 2 x copies on a replicated corpus
      const auto lines = learn_repeated_lines(docs, Analyzer(plain), env_min ? std::atoi(env_min) : 2, threads);
      auto keys = std::make_shared<FurnitureLines>();
      for (const auto& l : lines) keys->keys.intern(l);
      cfg.clean = true;
      cfg.repeated_lines = keys;
      t_lines = now() - t0;
    }
    std::shared_ptr<const PreparedCorpus> prepared;
    if (has("aliases") && !has("staged")) {
      // fit_text_models's fused pass (name evidence, and phrases when asked), keeping each
      // document's preparation for the count as a fit_transform does (unless "bytes"); the seconds
      // of both models are reported under "names".
      const double t = now();
      cfg.aliases = true;
      TextModelsConfig tm;
      if (fused_furniture) {
        const char* env_min = std::getenv("MEKONG_MIN_DOCUMENTS");
        cfg.clean = true;
        tm.furniture = true;
        tm.min_documents = env_min ? std::atoi(env_min) : 2;
      }
      tm.name_evidence = true;
      tm.phrases = has("phrases");
      tm.phrase_config.stop_words = cfg.stop_words;  // as the vectorizer passes them
      tm.keep_prepared = !has("bytes");
      const TextModels m = fit_text_models(docs, cfg, tm, threads);
      cfg.repeated_lines = m.repeated_lines;
      cfg.name_evidence = m.name_evidence;
      cfg.phrases = m.phrases;
      prepared = m.prepared;
      t_names = now() - t;
    }
    if (has("aliases") && !cfg.name_evidence) {
      const double t = now();
      AnalyzerConfig nc = cfg;
      nc.names = true;
      cfg.name_evidence = std::make_shared<NameEvidence>(learn_name_evidence(docs, Analyzer(nc), threads));
      cfg.aliases = true;
      t_names = now() - t;
    }
    if (has("phrases") && !cfg.phrases) {
      const double t = now();
      PhraseConfig pc;
      pc.stop_words = cfg.stop_words;
      cfg.phrases = std::make_shared<PhraseModel>(learn_phrases(docs, Analyzer(cfg), pc, nullptr, threads));
      t_phrases = now() - t;
    }
    const double t = now(), c_learn = cpu_now() - c0;
    CountConfig cc;
    cc.n_jobs = threads;
    const CorpusCounts out = has("units") ? count_corpus(unit_docs, Analyzer(cfg), cc)
                                          : count_corpus(docs, Analyzer(cfg), cc, nullptr, prepared.get());
    const double t_count = now() - t, c_total = cpu_now() - c0;
    // FNV-1a over the vocabulary and the matrix: two builds (or units against bytes) must agree.
    std::uint64_t fp = 1469598103934665603ull;
    auto mix = [&](std::uint64_t v) { fp = (fp ^ v) * 1099511628211ull; };
    for (const std::string& term : out.counts.vocabulary) {
      for (char ch : term) mix(static_cast<unsigned char>(ch));
      mix(0x100);  // the end of a term
    }
    for (auto v : out.counts.matrix.indptr) mix(static_cast<std::uint64_t>(v));
    for (auto v : out.counts.matrix.indices) mix(static_cast<std::uint64_t>(v));
    for (auto v : out.counts.matrix.data) mix(static_cast<std::uint64_t>(v));
    std::printf(
        "%s threads=%d lines=%.3f names=%.3f phrases=%.3f count=%.3f total=%.3f  cpu: learn=%.3f count=%.3f "
        "total=%.3f  %zux%zu nnz=%zu fingerprint=%016llx\n",
        argv[2], threads, t_lines, t_names, t_phrases, t_count, now() - t0, c_learn, c_total - c_learn, c_total,
        out.counts.matrix.rows, out.counts.matrix.cols, out.counts.matrix.indices.size(),
        static_cast<unsigned long long>(fp));
  }
  return 0;
}
