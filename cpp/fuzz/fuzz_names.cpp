// names: Analyzer::Worker::names (extract_names) and AliasKeys::key (names.alias_key).
//   The input is split at 0x1E bytes into up to 8 documents; name evidence is learned over them
//   (learn_name_evidence, n_jobs 1) and the names of the first are extracted, with and without
//   that evidence. Each name is valid UTF-8, its syllables (parts between single spaces and
//   hyphens) are runs of word characters found in the text in order, and it opens with an
//   upper-case letter. Each alias key is valid UTF-8 without spaces, hyphens or ASCII capitals, and
//   an ASCII key is its own key;
//   the key of the raw text (any string) is valid UTF-8 too.
//   The first byte picks cleaning and aliases.
#include <unicode/uchar.h>

#include "fuzz_common.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

void check_names(const std::vector<std::string>& names, std::string_view text) {
  std::size_t at = 0;
  for (const std::string& name : names) {
    FUZZ_CHECK(!name.empty() && fuzz::valid_utf8(name), "name empty or not valid UTF-8");
    std::size_t start = 0;
    bool first = true;
    for (std::size_t i = 0; i <= name.size(); ++i) {
      if (i < name.size() && name[i] != ' ' && name[i] != '-') continue;
      const std::string_view syl = std::string_view(name).substr(start, i - start);
      FUZZ_CHECK(!syl.empty(), "empty syllable in name '%s'", name.c_str());
      const std::u32string cps = fuzz::code_points(syl);
      for (char32_t c : cps) FUZZ_CHECK(fuzz::word_char(c), "name '%s' holds U+%04X", name.c_str(), unsigned(c));
      if (first) {
        const UChar32 c0 = static_cast<UChar32>(cps[0]);
        FUZZ_CHECK((U_GET_GC_MASK(c0) & U_GC_L_MASK) && u_tolower(c0) != c0, "name '%s' opens in lower case",
                   name.c_str());
      }
      const std::size_t found = text.find(syl, at);
      FUZZ_CHECK(found != std::string_view::npos, "syllable of '%s' not in the text in order", name.c_str());
      at = found + syl.size();
      first = false;
      start = i + 1;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t opt = in.byte();
  std::vector<std::string_view> parts = split(in.rest(), '\x1e');
  if (parts.size() > 8) parts.resize(8);

  mekong::AnalyzerConfig cfg;
  cfg.clean = opt & 1;
  cfg.aliases = opt & 2;
  cfg.names = true;
  const mekong::Analyzer plain(cfg);
  mekong::RawDocuments docs;
  docs.bytes.assign(parts.begin(), parts.end());
  auto evidence = std::make_shared<mekong::NameEvidence>(mekong::learn_name_evidence(docs, plain, 1));
  cfg.name_evidence = evidence;
  const mekong::Analyzer informed(cfg);

  auto w = plain.worker();
  auto wi = informed.worker();
  const std::string text = w.cleaned(parts[0], false);
  FUZZ_CHECK(fuzz::valid_utf8(text), "cleaned text is not valid UTF-8");
  std::vector<std::string> names, names_informed, again;
  w.names(parts[0], false, names);
  wi.names(parts[0], false, names_informed);
  check_names(names, text);
  check_names(names_informed, text);
  w.names(parts[0], false, again);  // a worker's memo must not change its answers
  FUZZ_CHECK(again == names, "names differ on a second call");

  mekong::AliasKeys keys;
  for (const std::string& name : names_informed) {
    const std::string key = keys.key(name);
    FUZZ_CHECK(fuzz::valid_utf8(key), "alias key is not valid UTF-8");
    for (char c : key) FUZZ_CHECK(c != ' ' && c != '-' && !(c >= 'A' && c <= 'Z'), "alias key '%s'", key.c_str());
    // A romanized key is plain ASCII letters and digits, and its own key. (A key kept in its own
    // script is not checked so: transliterating it again may go further.)
    bool ascii = true;
    for (char c : key) ascii &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!key.empty() && ascii)
      FUZZ_CHECK(keys.key(key) == key, "key of key '%s' is '%s'", key.c_str(), keys.key(key).c_str());
  }
  const std::string raw_key = keys.key(in.rest().substr(0, 256));
  FUZZ_CHECK(fuzz::valid_utf8(raw_key), "alias key of raw bytes is not valid UTF-8");
  return 0;
}
