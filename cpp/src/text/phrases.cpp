#include "mekong/text/phrases.hpp"

#include <cmath>
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
  for (std::size_t pass = 0; pass < config.passes; ++pass) {
    Interner units, pairs;
    std::vector<double> unit_count, pair_count;
    double total = 0;
    CancelPoll poll;
    std::size_t seen = 0;  // units read, for the cancel poll (a unit stands for a few bytes)
    for (const Segment& s : segments) {
      poll.at(seen += s.size() * 8);
      for (std::size_t i = 0; i < s.size(); ++i) {
        bool added = false;
        const std::uint32_t u = units.intern(s[i], &added);
        if (added) unit_count.push_back(0);
        ++unit_count[u];
        ++total;
        if (i + 1 < s.size()) {
          const std::uint32_t p = pairs.intern(pair_key(s[i], s[i + 1]), &added);
          if (added) pair_count.push_back(0);
          ++pair_count[p];
        }
      }
    }
    Interner kept;
    std::vector<double> kept_scores;
    for (std::uint32_t p = 0; p < pairs.size(); ++p) {
      if (pair_count[p] < static_cast<double>(config.min_count)) continue;
      const std::string_view key = pairs.str(p);
      const std::size_t space = key.find(' ');
      const std::string_view a = key.substr(0, space), b = key.substr(space + 1);
      if (is_number(a) || is_number(b) || is_stop(a) || is_stop(b)) continue;
      const double pab = pair_count[p] / total;
      const double pa = unit_count[units.find(a)] / total, pb = unit_count[units.find(b)] / total;
      const double npmi = pab >= 1.0 ? 1.0 : std::log(pab / (pa * pb)) / -std::log(pab);
      if (npmi >= config.threshold) {
        kept.intern(key);
        kept_scores.push_back(npmi);
      }
    }
    pairs_.push_back(std::move(kept));
    scores_.push_back(std::move(kept_scores));
    for (Segment& s : segments) {
      poll.at(seen += s.size() * 8);
      apply_pass(pass, s);
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
  auto score = [&](std::size_t i) -> double {
    if (i + 1 >= units.size()) return -2.0;
    const std::uint32_t id = pairs.find(pair_key(units[i], units[i + 1]));
    return id == Interner::npos ? -2.0 : scores_[pass][id];
  };
  Segment out;
  out.reserve(units.size());
  for (std::size_t i = 0; i < units.size();) {
    const double here = score(i);
    // Where "a b c" could join either way, the better-scored pair wins (ties: the left one).
    if (here > -2.0 && here >= score(i + 1)) {
      out.push_back(joined(units[i], units[i + 1]));
      i += 2;
    } else {
      out.push_back(std::move(units[i]));
      ++i;
    }
  }
  units.swap(out);
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
