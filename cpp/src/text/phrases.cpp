#include "mekong/text/phrases.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

bool is_number(std::string_view unit) {
  for (std::size_t i = 0; i < unit.size();) {
    const char32_t c = utf8::next(unit.data(), i);
    if (!(chars::classify(c) & chars::kNumber)) return false;
  }
  return !unit.empty();
}

std::string pair_key(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 1);
  k.append(a);
  k.push_back(' ');
  k.append(b);
  return k;
}

std::string joined(std::string_view a, std::string_view b) {
  std::string k(a);
  k.push_back('_');
  k.append(b);
  return k;
}

// One pass of joining over a segment: score(i) is the score of the pair at i, i + 1 (-2: not a
// phrase). Where "a b c" could join either way, the better-scored pair wins (ties: the left one).
// Each position's score is asked for once: the loop carries the next position's over.
template <class Score>
void join_by_scores(PhraseModel::Segment& units, Score&& score) {
  const std::size_t n = units.size();
  auto at = [&](std::size_t i) { return i + 1 < n ? score(i) : -2.0; };
  PhraseModel::Segment out;
  out.reserve(n);
  double here = at(0);
  for (std::size_t i = 0; i < n;) {
    const double next = at(i + 1);
    if (here > -2.0 && here >= next) {
      out.push_back(joined(units[i], units[i + 1]));
      i += 2;
      here = at(i);
    } else {
      out.push_back(std::move(units[i]));
      ++i;
      here = next;
    }
  }
  units.swap(out);
}

// Two unit ids as the 8-byte key of a pair (CodedKeys holds it whole: an integer compare).
inline std::string_view id_pair(std::uint32_t (&buf)[2], std::uint32_t a, std::uint32_t b) {
  buf[0] = a;
  buf[1] = b;
  return {reinterpret_cast<const char*>(buf), sizeof buf};
}

}  // namespace

void PhraseModel::learn(const PhraseConfig& config, std::vector<Segment> segments,
                        const std::function<bool(std::string_view)>& is_stop) {
  if (config.min_count < 1) throw std::invalid_argument("min_count must be >= 1");
  if (!(config.threshold >= -1.0 && config.threshold <= 1.0))
    throw std::invalid_argument("threshold must be in [-1, 1]");
  if (config.passes < 1 || config.passes > 4) throw std::invalid_argument("passes must be in [1, 4]");
  pairs_.clear();
  scores_.clear();
  for (Segment& s : segments) apply_dictionary(s);
  // Pairs are counted by their units' ids, not by a string built per pair; ids are given in order
  // of first appearance, as the strings' were, so the pairs kept and their order are the same.
  std::vector<std::uint32_t> pair_ids;  // per segment, the id of each adjacent pair, for the apply step
  for (std::size_t pass = 0; pass < config.passes; ++pass) {
    Interner units;
    BasicInterner<CodedKeys> pairs;
    std::vector<double> unit_count, pair_count;
    std::uint32_t key[2];
    double total = 0;
    CancelPoll poll;
    std::size_t seen = 0;  // units read, for the cancel poll (a unit stands for a few bytes)
    pair_ids.clear();
    for (const Segment& s : segments) {
      poll.at(seen += s.size() * 8);
      std::uint32_t prev = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        bool added = false;
        const std::uint32_t u = units.intern(s[i], &added);
        if (added) unit_count.push_back(0);
        ++unit_count[u];
        ++total;
        if (i > 0) {
          const std::uint32_t p = pairs.intern(id_pair(key, prev, u), &added);
          if (added) pair_count.push_back(0);
          ++pair_count[p];
          pair_ids.push_back(p);
        }
        prev = u;
      }
    }
    Interner kept;
    std::vector<double> kept_scores;
    std::vector<double> pair_score(pairs.size(), -2.0);  // by pair id: its score if kept, else -2
    for (std::uint32_t p = 0; p < pairs.size(); ++p) {
      if (pair_count[p] < static_cast<double>(config.min_count)) continue;
      std::uint32_t ab[2];
      std::memcpy(ab, pairs.str(p).data(), sizeof ab);
      const std::string_view a = units.str(ab[0]), b = units.str(ab[1]);
      if (is_number(a) || is_number(b) || is_stop(a) || is_stop(b)) continue;
      const double pab = pair_count[p] / total;
      const double pa = unit_count[ab[0]] / total, pb = unit_count[ab[1]] / total;
      const double npmi = pab >= 1.0 ? 1.0 : std::log(pab / (pa * pb)) / -std::log(pab);
      if (npmi >= config.threshold) {
        kept.intern(pair_key(a, b));
        kept_scores.push_back(npmi);
        pair_score[p] = npmi;
      }
    }
    const bool any = kept.size() != 0;
    pairs_.push_back(std::move(kept));
    scores_.push_back(std::move(kept_scores));
    // apply_pass(pass, s) for every segment, with each pair's score read by the id counted above.
    std::size_t next_pair = 0;
    for (Segment& s : segments) {
      poll.at(seen += s.size() * 8);
      const std::size_t first = next_pair;
      if (!s.empty()) next_pair += s.size() - 1;
      if (!any || s.size() < 2) continue;
      join_by_scores(s, [&](std::size_t i) { return pair_score[pair_ids[first + i]]; });
    }
  }
}

void PhraseModel::add_word(const std::vector<std::string>& syllables) {
  if (syllables.size() < 2) throw std::invalid_argument("a dictionary word needs at least two syllables");
  std::string key;
  for (std::size_t i = 0; i < syllables.size(); ++i) {
    if (syllables[i].empty()) throw std::invalid_argument("empty syllable in a dictionary word");
    if (i) key.push_back(' ');
    key += syllables[i];
  }
  dictionary_.intern(key);
  dictionary_max_ = std::max(dictionary_max_, syllables.size());
}

void PhraseModel::apply_dictionary(Segment& units) const {
  if (dictionary_.size() == 0 || units.size() < 2) return;
  Segment out;
  out.reserve(units.size());
  std::string key;
  for (std::size_t i = 0; i < units.size();) {
    std::size_t matched = 0;
    for (std::size_t len = std::min(dictionary_max_, units.size() - i); len >= 2 && !matched; --len) {
      key.clear();
      for (std::size_t k = 0; k < len; ++k) {
        if (k) key.push_back(' ');
        key += units[i + k];
      }
      if (dictionary_.find(key) != Interner::npos) matched = len;
    }
    if (matched) {
      std::string word = units[i];
      for (std::size_t k = 1; k < matched; ++k) word = joined(word, units[i + k]);
      out.push_back(std::move(word));
      i += matched;
    } else {
      out.push_back(std::move(units[i]));
      ++i;
    }
  }
  units.swap(out);
}

void PhraseModel::apply_pass(std::size_t pass, Segment& units) const {
  const Interner& pairs = pairs_[pass];
  if (pairs.size() == 0 || units.size() < 2) return;
  std::string key;  // one buffer for every pair's key
  join_by_scores(units, [&](std::size_t i) {
    key.assign(units[i]);
    key.push_back(' ');
    key.append(units[i + 1]);
    const std::uint32_t id = pairs.find(key);
    return id == Interner::npos ? -2.0 : scores_[pass][id];
  });
}

void PhraseModel::apply(Segment& units) const {
  apply_dictionary(units);
  for (std::size_t pass = 0; pass < pairs_.size(); ++pass) apply_pass(pass, units);
}

std::vector<PhraseModel::Pair> PhraseModel::pairs() const {
  std::vector<Pair> out;
  for (std::size_t pass = 0; pass < pairs_.size(); ++pass) {
    for (std::uint32_t id = 0; id < pairs_[pass].size(); ++id) {
      const std::string_view key = pairs_[pass].str(id);
      const std::size_t space = key.find(' ');
      out.push_back({pass, std::string(key.substr(0, space)), std::string(key.substr(space + 1)), scores_[pass][id]});
    }
  }
  return out;
}

std::vector<std::string> PhraseModel::dictionary() const {
  std::vector<std::string> out;
  for (std::uint32_t id = 0; id < dictionary_.size(); ++id) out.emplace_back(dictionary_.str(id));
  return out;
}

void PhraseModel::add_pair(const Pair& p) {
  while (pairs_.size() <= p.pass) {
    pairs_.emplace_back();
    scores_.emplace_back();
  }
  bool added = false;
  pairs_[p.pass].intern(pair_key(p.left, p.right), &added);
  if (added) scores_[p.pass].push_back(p.score);
}

}  // namespace mekong
