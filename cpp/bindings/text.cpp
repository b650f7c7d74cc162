// Bindings of the text stages (decode, normalize, clean, segment, words, names, phrases) and of both
// analyzers (mekong's and the scikit-learn drop-in's). Converts and releases the GIL; the decisions are
// made in the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/sklearn_analyzer.hpp"
#include "mekong/text/words.hpp"
#include "mekong/util/interner.hpp"
#include "mekong/util/parallel.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::documents_from_python;
using py_convert::run_cancellable;
using py_convert::term_str;
using py_convert::utf8_str;
using py_convert::utf8_views;

namespace {

py::list to_list(const TermBuffer& terms) {
  py::list out(terms.size());
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const std::string_view t = terms[i];
    out[i] =
        py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(t.data(), static_cast<Py_ssize_t>(t.size()), "strict"));
  }
  return out;
}

py::list terms_list(const TermBuffer& t) {
  py::list out(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) out[i] = term_str(t[i]);
  return out;
}

// One document as UTF-8 bytes (str) or raw bytes in the configured encoding.
struct OneDocument {
  std::vector<py::object> keep;
  RawDocuments docs;
  explicit OneDocument(const py::handle& text) {
    py::list l;
    l.append(text);
    docs = documents_from_python(l, keep);
  }
};

}  // namespace

void bind_text(py::module_& m) {
  py::enum_<ToneStyle>(m, "ToneStyle")
      .value("keep", ToneStyle::keep)
      .value("traditional", ToneStyle::traditional)
      .value("modern", ToneStyle::modern);
  py::enum_<LinkPolicy>(m, "LinkPolicy")
      .value("drop", LinkPolicy::drop)
      .value("keep", LinkPolicy::keep)
      .value("split", LinkPolicy::split);

  py::class_<PhraseModel, std::shared_ptr<PhraseModel>>(m, "PhraseModel")
      .def(py::init<>())
      .def("add_word", &PhraseModel::add_word)
      .def("add_pair",
           [](PhraseModel& pm, std::size_t pass, const std::string& left, const std::string& right, double score) {
             pm.add_pair({pass, left, right, score});
           })
      .def("pairs",
           [](const PhraseModel& pm) {
             py::list out;
             for (const auto& p : pm.pairs())
               out.append(py::make_tuple(p.pass, utf8_str(p.left), utf8_str(p.right), p.score));
             return out;
           })
      .def("dictionary",
           [](const PhraseModel& pm) {
             py::list out;
             for (const auto& w : pm.dictionary()) out.append(utf8_str(w));
             return out;
           })
      .def("apply", [](const PhraseModel& pm, std::vector<std::string> units) {
        pm.apply(units);
        py::list out;
        for (const auto& u : units) out.append(utf8_str(u));
        return out;
      });

  py::class_<WordModel, std::shared_ptr<WordModel>>(m, "WordModel")
      .def_static(
          "load", [](const std::string& path) { return std::const_pointer_cast<WordModel>(WordModel::load(path)); },
          py::arg("path"))
      .def_static(
          "from_bytes",
          [](const py::bytes& data, const std::string& name) {
            return std::const_pointer_cast<WordModel>(WordModel::from_bytes(std::string(data), name));
          },
          py::arg("data"), py::arg("name") = "<bytes>")
      .def("to_bytes", [](const WordModel& wm) { return py::bytes(wm.to_bytes()); })
      .def_static(
          "train",
          [](const std::vector<std::vector<std::string>>& sentences, const std::vector<std::string>& lexicon,
             std::size_t epochs, double min_weight, std::shared_ptr<WordModel> lexicon_from) {
            WordModel::TrainConfig cfg;
            cfg.epochs = epochs;
            cfg.min_weight = min_weight;
            cfg.lexicon_from = std::move(lexicon_from);
            py::gil_scoped_release release;
            return WordModel::train(sentences, lexicon, cfg);
          },
          py::arg("sentences"), py::arg("lexicon"), py::arg("epochs") = 8, py::arg("min_weight") = 0.0,
          py::arg("lexicon_from") = nullptr)
      .def_property_readonly("feature_count", &WordModel::feature_count)
      .def_property_readonly("lexicon_size", &WordModel::lexicon_size);

  py::class_<AnalyzerConfig>(m, "AnalyzerConfig")
      .def(py::init<>())
      .def_readwrite("encoding", &AnalyzerConfig::encoding)
      .def_property(
          "lowercase", [](const AnalyzerConfig& c) { return c.normalize.lowercase; },
          [](AnalyzerConfig& c, bool v) { c.normalize.lowercase = v; })
      .def_property(
          "tones", [](const AnalyzerConfig& c) { return c.normalize.tones; },
          [](AnalyzerConfig& c, ToneStyle v) { c.normalize.tones = v; })
      .def_property(
          "numbers", [](const AnalyzerConfig& c) { return c.segment.numbers; },
          [](AnalyzerConfig& c, bool v) { c.segment.numbers = v; })
      .def_property(
          "links", [](const AnalyzerConfig& c) { return c.segment.links; },
          [](AnalyzerConfig& c, LinkPolicy v) { c.segment.links = v; })
      .def_property(
          "min_length", [](const AnalyzerConfig& c) { return c.segment.min_length; },
          [](AnalyzerConfig& c, std::size_t v) { c.segment.min_length = v; })
      .def_readwrite("clean", &AnalyzerConfig::clean)
      .def_property(
          "clean_markup", [](const AnalyzerConfig& c) { return c.clean_config.markup; },
          [](AnalyzerConfig& c, bool v) { c.clean_config.markup = v; })
      .def_property(
          "clean_captions", [](const AnalyzerConfig& c) { return c.clean_config.captions; },
          [](AnalyzerConfig& c, bool v) { c.clean_config.captions = v; })
      .def_property(
          "clean_headline_lists", [](const AnalyzerConfig& c) { return c.clean_config.headline_lists; },
          [](AnalyzerConfig& c, bool v) { c.clean_config.headline_lists = v; })
      .def_property(
          "end_markers", [](const AnalyzerConfig& c) { return c.clean_config.end_markers; },
          [](AnalyzerConfig& c, std::vector<std::string> v) { c.clean_config.end_markers = std::move(v); })
      .def_property(
          "repeated_lines",
          [](const AnalyzerConfig& c) {
            std::vector<std::string> out;
            if (c.repeated_lines)
              for (std::uint32_t i = 0; i < c.repeated_lines->size(); ++i) out.emplace_back(c.repeated_lines->str(i));
            return out;
          },
          [](AnalyzerConfig& c, const std::vector<std::string>& keys) {
            auto set = std::make_shared<Interner>();
            for (const auto& k : keys) set->intern(k);
            c.repeated_lines = std::move(set);
          })
      .def_readwrite("names", &AnalyzerConfig::names)
      .def_readwrite("aliases", &AnalyzerConfig::aliases)
      .def_readwrite("alias_table", &AnalyzerConfig::alias_table)
      .def_property(
          "name_evidence",
          [](const AnalyzerConfig& c) {
            std::vector<std::string> lower, names, clipped;
            if (c.name_evidence) {
              for (std::uint32_t i = 0; i < c.name_evidence->lower.size(); ++i)
                lower.emplace_back(c.name_evidence->lower.str(i));
              for (std::uint32_t i = 0; i < c.name_evidence->names.size(); ++i)
                names.emplace_back(c.name_evidence->names.str(i));
              for (std::uint32_t i = 0; i < c.name_evidence->clipped.size(); ++i)
                clipped.emplace_back(c.name_evidence->clipped.str(i));
            }
            return py::make_tuple(lower, names, clipped);
          },
          // (lower, names, clipped); (lower, names) as pickled before short forms were learned.
          [](AnalyzerConfig& c, const std::vector<std::vector<std::string>>& ev) {
            if (ev.size() != 2 && ev.size() != 3)
              throw std::invalid_argument("name_evidence: expected (lower, names[, clipped]); got " +
                                          std::to_string(ev.size()) + " lists");
            auto e = std::make_shared<NameEvidence>();
            for (const auto& w : ev[0]) e->lower.intern(w);
            for (const auto& w : ev[1]) e->names.intern(w);
            if (ev.size() == 3)
              for (const auto& w : ev[2]) e->clipped.intern(w);
            c.name_evidence = std::move(e);
          })
      .def_property(
          "phrases", [](const AnalyzerConfig& c) { return c.phrases; },
          [](AnalyzerConfig& c, std::shared_ptr<const PhraseModel> p) { c.phrases = std::move(p); })
      .def_property(
          "words", [](const AnalyzerConfig& c) { return std::const_pointer_cast<WordModel>(c.words); },
          [](AnalyzerConfig& c, std::shared_ptr<WordModel> w) { c.words = std::move(w); })
      .def_readwrite("word_dictionary", &AnalyzerConfig::word_dictionary)
      .def_readwrite("stop_words", &AnalyzerConfig::stop_words)
      .def_readwrite("ngram_min", &AnalyzerConfig::ngram_min)
      .def_readwrite("ngram_max", &AnalyzerConfig::ngram_max);

  py::class_<Analyzer>(m, "Analyzer")
      .def(py::init<AnalyzerConfig>())
      .def("terms",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             const DocStats stats = run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.analyze(one.docs.bytes[0], out, one.docs.utf8[0]);
             });
             return py::make_tuple(to_list(out), stats.replaced);
           })
      .def("tokens",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.tokens(one.docs.bytes[0], out, one.docs.utf8[0]);
             });
             return to_list(out);
           })
      .def("written_words",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             std::vector<std::string> out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               w.written_words(one.docs.bytes[0], one.docs.utf8[0], out);
               return 0;
             });
             py::list l(out.size());
             for (std::size_t i = 0; i < out.size(); ++i) l[i] = utf8_str(out[i]);
             return l;
           })
      .def("written_words_corpus",
           [](const Analyzer& a, const py::handle& texts) {
             std::vector<py::object> keep;
             const RawDocuments raw = documents_from_python(texts, keep);
             std::vector<std::vector<std::string>> out(raw.bytes.size());
             run_cancellable(py_convert::total_bytes(raw), [&](const std::atomic<bool>* cancel) {
               auto w = a.worker();
               for (std::size_t i = 0; i < raw.bytes.size(); ++i) {
                 check_cancelled(cancel);  // between documents; the stages poll inside them
                 w.written_words(raw.bytes[i], raw.utf8[i], out[i]);
               }
               return 0;
             });
             py::list l(out.size());
             for (std::size_t i = 0; i < out.size(); ++i) {
               py::list d(out[i].size());
               for (std::size_t k = 0; k < out[i].size(); ++k) d[k] = utf8_str(out[i][k]);
               l[i] = d;
             }
             return l;
           })
      .def("normalize_term", [](const Analyzer& a, const std::string& t) { return utf8_str(a.normalize_term(t)); })
      .def("names",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             std::vector<std::string> out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               w.names(one.docs.bytes[0], one.docs.utf8[0], out);
               return true;
             });
             py::list l;
             for (const auto& n : out) l.append(utf8_str(n));
             return l;
           })
      .def("cleaned",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             const std::string out = run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.cleaned(one.docs.bytes[0], one.docs.utf8[0]);
             });
             return utf8_str(out);
           })
      .def("normalize_text", [](const Analyzer& a, const std::string& t) {
        std::string scratch;
        const std::string out = run_cancellable(t.size(), [&](const std::atomic<bool>*) {
          return a.normalizer().normalize_text(decode_utf8(t, scratch).text);
        });
        return utf8_str(out);
      });

  m.def(
      "decode",
      [](const py::bytes& data, const std::string& encoding, bool strict) {
        std::string_view view(PyBytes_AS_STRING(data.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(data.ptr())));
        std::string scratch;
        const Decoded d = run_cancellable(view.size(), [&](const std::atomic<bool>*) {
          return encoding.empty() ? decode_utf8(view, scratch) : decode_bytes(view, encoding, scratch);
        });
        if (strict) require_valid(d.replaced, d.first_invalid);
        return py::make_tuple(utf8_str(d.text), d.replaced);
      },
      py::arg("data"), py::arg("encoding") = "", py::arg("strict") = false);

  m.def(
      "learn_repeated_lines",
      [](const py::handle& docs, const Analyzer& analyzer, std::size_t min_documents, int n_jobs,
         const py::object& progress) {
        std::vector<py::object> keep;
        const RawDocuments raw = documents_from_python(docs, keep);
        const std::vector<std::string> out = py_convert::CoreCall(progress).run_small(
            py_convert::total_bytes(raw),
            [&](const std::atomic<bool>*) { return learn_repeated_lines(raw, analyzer, min_documents, n_jobs); });
        py::list l;
        for (const auto& k : out) l.append(utf8_str(k));
        return l;
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("min_documents"), py::arg("n_jobs"),
      py::arg("progress") = py::none());

  m.def(
      "learn_name_evidence",
      [](const py::handle& docs, const Analyzer& analyzer, int n_jobs, const py::object& progress) {
        std::vector<py::object> keep;
        const RawDocuments raw = documents_from_python(docs, keep);
        const NameEvidence ev = py_convert::CoreCall(progress).run_small(
            py_convert::total_bytes(raw),
            [&](const std::atomic<bool>*) { return learn_name_evidence(raw, analyzer, n_jobs); });
        py::list lower, names, clipped;
        for (std::uint32_t i = 0; i < ev.lower.size(); ++i) lower.append(utf8_str(ev.lower.str(i)));
        for (std::uint32_t i = 0; i < ev.names.size(); ++i) names.append(utf8_str(ev.names.str(i)));
        for (std::uint32_t i = 0; i < ev.clipped.size(); ++i) clipped.append(utf8_str(ev.clipped.str(i)));
        return py::make_tuple(lower, names, clipped);
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def(
      "learn_phrases",
      [](const py::handle& docs, const Analyzer& analyzer, std::size_t min_count, double threshold, std::size_t passes,
         std::shared_ptr<const PhraseModel> dictionary, int n_jobs, const py::object& progress) {
        std::vector<py::object> keep;
        const RawDocuments raw = documents_from_python(docs, keep);
        PhraseConfig cfg{min_count, threshold, passes};
        auto model = std::make_shared<PhraseModel>(py_convert::CoreCall(progress).run_small(
            py_convert::total_bytes(raw),
            [&](const std::atomic<bool>*) { return learn_phrases(raw, analyzer, cfg, dictionary.get(), n_jobs); }));
        return model;
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("min_count"), py::arg("threshold"), py::arg("passes"),
      py::arg("dictionary"), py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def("alias_key", [](const std::string& name) {
    AliasKeys keys;
    return utf8_str(keys.key(name));
  });

  py::class_<SkAnalyzer>(m, "SkAnalyzer")
      .def(py::init([](const std::string& kind, bool lowercase, const std::string& strip_accents,
                       const std::string& token_pattern, std::optional<std::vector<std::string>> stop_words,
                       std::size_t ngram_min, std::size_t ngram_max) {
             SkAnalyzerConfig c;
             if (kind == "word")
               c.kind = SkAnalyzerKind::word;
             else if (kind == "char")
               c.kind = SkAnalyzerKind::chars;
             else if (kind == "char_wb")
               c.kind = SkAnalyzerKind::chars_wb;
             else
               throw py::value_error(kind + " is not a valid tokenization scheme/analyzer");
             c.lowercase = lowercase;
             if (strip_accents.empty())
               c.strip_accents = StripAccents::none;
             else if (strip_accents == "ascii")
               c.strip_accents = StripAccents::ascii;
             else if (strip_accents == "unicode")
               c.strip_accents = StripAccents::unicode;
             else
               throw py::value_error("Invalid value for \"strip_accents\": " + strip_accents);
             c.token_pattern = token_pattern;
             c.use_stop_words = stop_words.has_value();
             if (stop_words) c.stop_words = std::move(*stop_words);
             c.ngram_min = ngram_min;
             c.ngram_max = ngram_max;
             return std::make_unique<SkAnalyzer>(std::move(c));
           }),
           py::arg("kind"), py::arg("lowercase"), py::arg("strip_accents"), py::arg("token_pattern"),
           py::arg("stop_words"), py::arg("ngram_min"), py::arg("ngram_max"))
      .def_property_readonly("fast_min_run",
                             [](const SkAnalyzer& a) { return a.pattern() ? a.pattern()->fast_min_run() : 0; })
      .def_property_readonly("icu_pattern",
                             [](const SkAnalyzer& a) { return a.pattern() ? a.pattern()->icu_pattern() : ""; })
      .def("analyze", [](const SkAnalyzer& a, const py::str& doc) {
        py::list one;
        one.append(doc);
        std::vector<py::object> keep;
        const auto views = utf8_views(one, keep);
        TermBuffer out;
        {
          py::gil_scoped_release release;
          SkAnalyzer::Worker w(a);
          w.analyze(views[0], out);
        }
        return terms_list(out);
      });

  m.def("translate_regex", [](const std::string& pattern) {
    std::size_t groups = 0;
    unsigned flags = 0;
    std::string out = pytext::translate_regex(pattern, &groups, &flags);
    return py::make_tuple(out, groups, flags);
  });
}
