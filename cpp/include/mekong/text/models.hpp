// Learned text models: what the text stages learn from a corpus, fitted once, held by the core and
// shared read-only by every analyzer built on them (AnalyzerConfig holds them by shared_ptr, so a
// model is never copied or re-sent per call).
//
//   FurnitureLines  lines a corpus repeats (navigation, footers), for the clean stage
//   NameEvidence    what tells a name from a capital that only opens a sentence (analyzer.hpp)
//   PhraseModel     learned multi-syllable words and the user dictionary (phrases.hpp)
//   WordModel       the word segmenter's model (words.hpp; its own file format and version)
//
// Serialization: each model writes versioned bytes (magic, kind, format version, payload); reading
// bytes of another kind or version throws std::invalid_argument naming both versions. Python pickles
// the models through these bytes.
//
// fit_text_models learns the models a vectorizer asks for in one call. They cannot all come from one
// pass over the corpus: furniture lines are learned from the raw (decoded, NFC) lines; name evidence
// needs the text cleaned with those lines; phrases are learned over units in which names are already
// joined, which needs the evidence of the whole corpus. So: pass 1 furniture lines, pass 2 name
// evidence, pass 3 phrases; each pass runs only when its model is asked for and not given. When
// name evidence is learned (with or without phrases), passes 2 and 3 are fused
// (learn_names_and_phrases): each document is decoded, cleaned and segmented into words once, and
// the phrase step (and, with keep_prepared, the count) reuses that analysis.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/phrases.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

// The format version every model kind below writes; bytes of another version are refused.
inline constexpr std::uint32_t kModelFormatVersion = 1;

std::string model_to_bytes(const FurnitureLines& m);
std::string model_to_bytes(const NameEvidence& m);
std::string model_to_bytes(const PhraseModel& m);
FurnitureLines furniture_lines_from_bytes(std::string_view bytes);
NameEvidence name_evidence_from_bytes(std::string_view bytes);
PhraseModel phrase_model_from_bytes(std::string_view bytes);

// What fit_text_models learns. A model already given in the base AnalyzerConfig is used as it is.
struct TextModelsConfig {
  bool furniture = false;                              // learn furniture lines (base.clean must be on)
  std::size_t min_documents = 2;                       // a furniture line is in at least this many documents
  bool name_evidence = false;                          // learn name evidence (for names / aliases)
  bool phrases = false;                                // learn phrases
  PhraseConfig phrase_config;                          // min_count, threshold, passes, stop_words
  std::shared_ptr<const PhraseModel> user_dictionary;  // the phrases' user dictionary, applied first (may be null)
  bool fused = true;  // false: the staged passes (the reference the fused one is tested against)
  // Keep the documents' preparations (within prepared_cache_budget) for the count that follows, in
  // TextModels::prepared: a fit_transform then analyses each kept document once. Only the fused
  // name-evidence step prepares documents; otherwise nothing is kept.
  bool keep_prepared = false;
};

struct TextModels {
  std::shared_ptr<const FurnitureLines> repeated_lines;
  std::shared_ptr<const NameEvidence> name_evidence;
  std::shared_ptr<const PhraseModel> phrases;
  std::shared_ptr<const PreparedCorpus> prepared;  // keep_prepared: for count_corpus (pipeline.hpp), or null
};

// Name evidence and phrases in one analysis of each document: step 1 prepares each document
// (PreparedDocument: decoded, NFC, cleaned, words) and gathers its name evidence; the corpus's
// evidence is merged; step 2 takes each document's phrase units from the same preparation. The
// results equal learn_name_evidence's and learn_phrases's (pipeline.hpp) with the analyzers
// fit_text_models gives them. Preparations are kept while they fit `cache_bytes` (split evenly
// among the threads); a document past that is prepared again in step 2, so memory stays bounded
// whatever the corpus size. Threads, merge order and progress (one unit per document per step) as
// in the staged passes.
//
// `with_phrases` false: step 1 only (name evidence; phrases stays null), the step a job without
// phrases needs. `keep_prepared`: the kept preparations are not freed after step 2 but returned
// in `prepared` for the count pass (PreparedCorpus, pipeline.hpp), within the same budget.
struct FusedLearning {
  std::shared_ptr<const NameEvidence> name_evidence;
  std::shared_ptr<const PhraseModel> phrases;
  std::shared_ptr<const PreparedCorpus> prepared;
};
// `as_is` (may be null, else one flag a document): learn_repeated_lines's finding that a document's
// bytes are valid UTF-8 in NFC under cfg's encoding; such a document is not decoded or composed again.
FusedLearning learn_names_and_phrases(const RawDocuments& docs, const AnalyzerConfig& cfg,
                                      const PhraseConfig& phrase_config, const PhraseModel* dictionary, int n_jobs,
                                      std::size_t cache_bytes, bool with_phrases = true, bool keep_prepared = false,
                                      const std::vector<std::uint8_t>* as_is = nullptr);

// The default budget for kept preparations: 256 MiB (they hold the cleaned text, its word flags
// and its syllables' places and folded forms' numbers: about 2.6x the input's bytes; documents past the
// budget are prepared again); MEKONG_PREPARED_CACHE_MB overrides it (0: nothing kept, every
// document prepared twice).
inline constexpr std::size_t kPreparedCacheBytes = std::size_t{256} << 20;
std::size_t prepared_cache_budget();

// Learns, in order, the furniture lines, the name evidence and the phrases of a corpus, each pass
// through an analyzer built from `base` plus the models learned before it (the analyzer the counting
// pass uses, without the models not yet learned). O(total bytes) per pass; n_jobs as everywhere.
TextModels fit_text_models(const RawDocuments& docs, const AnalyzerConfig& base, const TextModelsConfig& config,
                           int n_jobs);

}  // namespace mekong
