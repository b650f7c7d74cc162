#include "mekong/pipeline.hpp"

namespace mekong {

class AnalyzedCorpus::AnalyzerReader : public TermSource::Reader {
 public:
  explicit AnalyzerReader(const AnalyzedCorpus& corpus) : corpus_(corpus), worker_(corpus.analyzer_) {}
  void terms(std::size_t doc, TermBuffer& out) override {
    const bool utf8 = !corpus_.docs_.utf8.empty() && corpus_.docs_.utf8[doc];
    corpus_.stats_[doc] = worker_.analyze(corpus_.docs_.bytes[doc], out, utf8);
  }
  void term_ids(std::size_t doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) override {
    const bool utf8 = !corpus_.docs_.utf8.empty() && corpus_.docs_.utf8[doc];
    corpus_.stats_[doc] = worker_.term_ids(corpus_.docs_.bytes[doc], utf8, resolve, ids);
  }

 private:
  const AnalyzedCorpus& corpus_;
  Analyzer::Worker worker_;
};

AnalyzedCorpus::AnalyzedCorpus(const RawDocuments& docs, const Analyzer& analyzer)
    : docs_(docs), analyzer_(analyzer), stats_(docs.bytes.size()) {}

std::unique_ptr<TermSource::Reader> AnalyzedCorpus::reader() const {
  return std::make_unique<AnalyzerReader>(*this);
}

CorpusCounts count_corpus(const RawDocuments& docs, const Analyzer& analyzer,
                          const CountConfig& config, const std::atomic<bool>* cancel) {
  AnalyzedCorpus corpus(docs, analyzer);
  CorpusCounts out;
  out.counts = count_and_learn(corpus, config, cancel);
  out.stats = corpus.stats();
  return out;
}

FixedCounts count_corpus_fixed(const RawDocuments& docs, const Analyzer& analyzer,
                               const Interner& vocabulary, bool binary, int n_jobs,
                               const std::atomic<bool>* cancel) {
  AnalyzedCorpus corpus(docs, analyzer);
  FixedCounts out;
  out.matrix = count_fixed(corpus, vocabulary, binary, n_jobs, cancel);
  out.stats = corpus.stats();
  return out;
}

}  // namespace mekong
