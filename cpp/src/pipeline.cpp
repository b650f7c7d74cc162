#include "mekong/pipeline.hpp"

#include "mekong/text/decode.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {

namespace {
std::atomic<std::uint64_t> g_prepared_counted{0};
}  // namespace

class AnalyzedCorpus::AnalyzerReader : public TermSource::Reader {
 public:
  explicit AnalyzerReader(const AnalyzedCorpus& corpus) : corpus_(corpus), worker_(corpus.analyzer_) {
    worker_.set_cancel(corpus.cancel_);
  }
  ~AnalyzerReader() override {
    const AliasObservations& seen = worker_.alias_observations();
    if (seen.empty()) return;
    std::lock_guard<std::mutex> guard(corpus_.aliases_lock_);
    for (const auto& [key, forms] : seen)
      for (const auto& [form, n] : forms) corpus_.aliases_[key][form] += n;
  }
  void terms(std::size_t doc, TermBuffer& out) override {
    const bool utf8 = !corpus_.docs_.utf8.empty() && corpus_.docs_.utf8[doc];
    if (const PreparedDocument* p = prepared(doc))
      corpus_.stats_[doc] = worker_.analyze(*p, out);
    else
      corpus_.stats_[doc] = worker_.analyze(raw(doc), out, utf8);
    if (corpus_.docs_.strict) require_valid(corpus_.stats_[doc].replaced, corpus_.stats_[doc].first_invalid, doc);
  }
  void term_ids(std::size_t doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) override {
    const bool utf8 = !corpus_.docs_.utf8.empty() && corpus_.docs_.utf8[doc];
    if (const PreparedDocument* p = prepared(doc)) {
      corpus_.stats_[doc] = worker_.term_ids(*p, resolve, ids);
    } else if (corpus_.docs_.from_units(doc) && worker_.term_ids(corpus_.docs_.units[doc], resolve, ids)) {
      corpus_.stats_[doc] = DocStats{};  // plain and clean: tokens found on the code units
    } else {
      const std::string_view text = raw(doc);
      corpus_.stats_[doc] = worker_.term_ids(text, utf8, resolve, ids, nfc_);
    }
    if (corpus_.docs_.strict) require_valid(corpus_.stats_[doc].replaced, corpus_.stats_[doc].first_invalid, doc);
  }

 private:
  // The document's bytes; a str read from its own storage is encoded here, one document at a time
  // (RawDocuments::units), into a buffer the reader keeps.
  // nfc_ says whether the encoder found it valid and NFC already (bytes are checked by the scan).
  std::string_view raw(std::size_t doc) {
    nfc_ = false;
    if (!corpus_.docs_.from_units(doc)) return corpus_.docs_.bytes[doc];
    encoded_.clear();
    nfc_ = append_utf8_nfc(corpus_.docs_.units[doc], encoded_);
    return encoded_;
  }
  const PreparedDocument* prepared(std::size_t doc) const {
    // A document read from units has no byte size to match a preparation by (the bindings only
    // pass units when no preparations are given).
    if (!corpus_.prepared_ || corpus_.docs_.from_units(doc)) return nullptr;
    const PreparedDocument* p =
        corpus_.prepared_->find(corpus_.prepared_offset_ + doc, corpus_.docs_.bytes[doc].size());
    if (p) g_prepared_counted.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  const AnalyzedCorpus& corpus_;
  Analyzer::Worker worker_;
  std::string encoded_;
  bool nfc_ = false;
};

void AnalyzedCorpus::set_prepared(const PreparedCorpus* prepared, std::size_t offset) {
  const bool usable = prepared && same_preparation(prepared->config, analyzer_.config());
  prepared_ = usable ? prepared : nullptr;
  prepared_offset_ = offset;
}

std::size_t PreparedCorpus::kept_count() const {
  std::size_t n = 0;
  for (std::uint8_t k : kept) n += k;
  return n;
}

std::size_t PreparedCorpus::bytes() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < docs.size(); ++i)
    if (kept[i]) n += docs[i].bytes();
  return n;
}

std::uint64_t prepared_documents_counted() { return g_prepared_counted.load(std::memory_order_relaxed); }

AnalyzedCorpus::AnalyzedCorpus(const RawDocuments& docs, const Analyzer& analyzer)
    : docs_(docs), analyzer_(analyzer), stats_(docs.bytes.size()) {}

std::unique_ptr<TermSource::Reader> AnalyzedCorpus::reader() const { return std::make_unique<AnalyzerReader>(*this); }

CorpusCounts count_corpus(const RawDocuments& docs, const Analyzer& analyzer, const CountConfig& config,
                          const std::atomic<bool>* cancel, const PreparedCorpus* prepared, std::size_t offset) {
  AnalyzedCorpus corpus(docs, analyzer);
  corpus.set_cancel(cancel);
  corpus.set_prepared(prepared, offset);
  CorpusCounts out;
  out.counts = count_and_learn(corpus, config, cancel);
  out.stats = corpus.stats();
  out.aliases = corpus.aliases();
  return out;
}

FixedCounts count_corpus_fixed(const RawDocuments& docs, const Analyzer& analyzer, const Interner& vocabulary,
                               bool binary, int n_jobs, const std::atomic<bool>* cancel, const PreparedCorpus* prepared,
                               std::size_t offset) {
  AnalyzedCorpus corpus(docs, analyzer);
  corpus.set_cancel(cancel);
  corpus.set_prepared(prepared, offset);
  FixedCounts out;
  out.matrix = count_fixed(corpus, vocabulary, binary, n_jobs, cancel);
  out.stats = corpus.stats();
  out.aliases = corpus.aliases();
  return out;
}

namespace {

bool doc_is_utf8(const RawDocuments& docs, std::size_t i) { return !docs.utf8.empty() && docs.utf8[i]; }

// The corpus split into contiguous parts of about equal bytes, one per thread.
std::vector<std::size_t> document_bounds(const RawDocuments& docs, int n_jobs) {
  return balanced_bounds(docs.bytes.size(), static_cast<std::size_t>(resolve_n_jobs(n_jobs)),
                         [&](std::size_t i) { return docs.bytes[i].size(); });
}

std::size_t part_count(const RawDocuments& docs, int n_jobs) { return document_bounds(docs, n_jobs).size() - 1; }

// Calls fn(part, index, worker, raw, utf8) for each document, in order within its part, a thread a part.
template <class Fn>
void for_each_document(const RawDocuments& docs, const Analyzer& analyzer, int n_jobs, Fn&& fn) {
  const auto bounds = document_bounds(docs, n_jobs);
  parallel_for(bounds.size() - 1, resolve_n_jobs(n_jobs), [&](std::size_t p) {
    auto worker = analyzer.worker();
    const std::atomic<bool>* cancel = current_cancel();
    for (std::size_t i = bounds[p]; i < bounds[p + 1]; ++i) {
      check_cancelled(cancel);  // between documents; the stages poll inside each one
      fn(p, i, worker, docs.bytes[i], doc_is_utf8(docs, i));
      progress_advance(1);
    }
  });
}

}  // namespace

std::vector<std::string> learn_repeated_lines(const RawDocuments& docs, const Analyzer& analyzer,
                                              std::size_t min_documents, int n_jobs, std::vector<std::uint8_t>* as_is) {
  count_learning_call();
  std::vector<RepeatedLines> parts(part_count(docs, n_jobs));
  if (as_is) as_is->assign(docs.bytes.size(), 0);
  for_each_document(docs, analyzer, n_jobs,
                    [&](std::size_t p, std::size_t i, Analyzer::Worker& w, std::string_view raw, bool utf8) {
                      const std::string_view composed = w.composed(raw, utf8);
                      // Decoding and composing gave the bytes themselves: valid UTF-8, NFC already.
                      if (as_is) (*as_is)[i] = composed.data() == raw.data() && composed.size() == raw.size();
                      parts[p].add_document(composed);
                    });
  // The first part is taken as it is: merging it into an empty table would copy it key by key and
  // document by document into the same ids and counts (serial work, all of it with one thread).
  RepeatedLines all = parts.empty() ? RepeatedLines() : std::move(parts.front());  // no part: no document
  for (std::size_t p = 1; p < parts.size(); ++p) all.merge(parts[p]);
  return all.repeated_list(std::max<std::size_t>(2, min_documents));
}

NameEvidence learn_name_evidence(const RawDocuments& docs, const Analyzer& analyzer, int n_jobs) {
  count_learning_call();
  std::vector<NameEvidence> parts(part_count(docs, n_jobs));
  for_each_document(docs, analyzer, n_jobs,
                    [&](std::size_t p, std::size_t, Analyzer::Worker& w, std::string_view raw, bool utf8) {
                      w.gather_name_evidence(raw, utf8, parts[p]);
                    });
  return NameEvidence::merge(std::move(parts));
}

PhraseModel learn_phrases(const RawDocuments& docs, const Analyzer& analyzer, const PhraseConfig& config,
                          const PhraseModel* dictionary, int n_jobs) {
  count_learning_call();
  std::vector<std::vector<PhraseModel::Segment>> parts(part_count(docs, n_jobs));
  for_each_document(docs, analyzer, n_jobs,
                    [&](std::size_t p, std::size_t, Analyzer::Worker& w, std::string_view raw, bool utf8) {
                      std::vector<PhraseModel::Segment> segs;
                      w.segments(raw, utf8, segs);
                      for (auto& seg : segs)
                        if (seg.size() > 1) parts[p].push_back(std::move(seg));
                    });
  std::vector<PhraseModel::Segment> all;
  for (auto& p : parts)
    for (auto& s : p) all.push_back(std::move(s));
  PhraseModel model;
  if (dictionary) model = *dictionary;
  model.learn(config, std::move(all), [&](std::string_view u) { return analyzer.is_stop_word(u); });
  return model;
}

}  // namespace mekong
