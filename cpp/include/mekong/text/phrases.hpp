// Stage 5, terms: multi-syllable words. Vietnamese writes a space between the syllables of one word
// ("hợp tác", "kinh tế", "Kon Tum"); a phrase model joins them into one term ("hợp_tác").
//
// Learning is collocation scoring in the spirit of gensim's Phrases, with normalized PMI:
//   npmi(a, b) = ln(p(ab) / (p(a) p(b))) / -ln(p(ab))        in [-1, 1]
// over adjacent units that no punctuation separates. Pairs seen at least min_count times with
// npmi >= threshold become phrases. Each further pass scores pairs of the units the previous passes
// made, so "ủy_ban" + "nhân_dân" can join too (up to 2^passes syllables). Numbers and stop words are
// never joined by learning. A user dictionary is applied first, by longest match.
//
// Bound: learning is O(units x passes) with hash tables; applying is O(units x L^2) where L is the
// longest dictionary word in syllables (a constant of the model), one table look-up per candidate.
// Learning polls the cancel flag as it goes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/util/interner.hpp"

namespace mekong {

struct PhraseConfig {
  std::size_t min_count = 3;
  double threshold = 0.4;
  std::size_t passes = 1;
  std::vector<std::string> stop_words;  // never joined by learning (fit_text_models analyzes with them)
};

class PhraseModel {
 public:
  // The units of one stretch of text without punctuation, already normalized.
  using Segment = std::vector<std::string>;

  // Learns from segments (replacing what was learned before; the dictionary stays). Units for
  // which is_stop is true never join by learning.
  void learn(const PhraseConfig& config, std::vector<Segment> segments,
             const std::function<bool(std::string_view)>& is_stop);

  // Adds a dictionary word given as its syllables (normalized). Throws std::invalid_argument for
  // an entry with fewer than two syllables.
  void add_word(const std::vector<std::string>& syllables);

  // Joins the units of one segment in place.
  void apply(Segment& units) const;

  bool empty() const { return dictionary_.size() == 0 && pairs_.empty(); }

  // Serialisation (for pickling from Python): pass index, left, right, score per learned pair;
  // dictionary words as syllables joined by " ".
  struct Pair {
    std::size_t pass;
    std::string left, right;
    double score;
  };
  std::vector<Pair> pairs() const;
  std::vector<std::string> dictionary() const;
  void add_pair(const Pair& p);

 private:
  void apply_dictionary(Segment& units) const;
  void apply_pass(std::size_t pass, Segment& units) const;

  std::vector<Interner> pairs_;              // per pass: "left right" -> index into scores_
  std::vector<std::vector<double>> scores_;  // per pass
  Interner dictionary_;                      // "syl1 syl2 ..." of each dictionary word
  std::size_t dictionary_max_ = 0;           // longest dictionary word, in syllables
};

}  // namespace mekong
