// The text stages' config structs, bound one-to-one (each field under its C++ name, which is the
// Python option's name: python/mekong/_options.py), and the learned text models (models.hpp), held
// by the core and pickled through their versioned bytes. Conversions only.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bind.hpp"
#include "convert.hpp"
#include "fields.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/models.hpp"
#include "mekong/text/words.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::utf8_str;
using py_fields::field;
using py_fields::model_field;

namespace {

py::list str_list(const std::vector<std::string>& v) {
  py::list out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = utf8_str(v[i]);
  return out;
}

py::list interner_list(const Interner& in) {
  py::list out(in.size());
  for (std::uint32_t i = 0; i < in.size(); ++i) out[i] = utf8_str(in.str(i));
  return out;
}

// Pickling through the model's versioned bytes.
template <class M, class Read>
auto model_pickle(Read read) {
  return py::pickle([](const M& m) { return py::make_tuple(py::bytes(model_to_bytes(m))); },
                    [read](const py::tuple& state) {
                      if (state.size() != 1) throw std::invalid_argument("bad pickled model state");
                      return std::make_shared<M>(read(std::string(state[0].cast<py::bytes>())));
                    });
}

}  // namespace

void bind_text_config(py::module_& m) {
  // -- learned models ---------------------------------------------------------------------------
  m.attr("MODEL_FORMAT_VERSION") = kModelFormatVersion;

  py::class_<FurnitureLines, std::shared_ptr<FurnitureLines>>(m, "FurnitureLines")
      .def(py::init([](const std::vector<std::string>& lines) {
             auto f = std::make_shared<FurnitureLines>();
             for (const auto& l : lines) f->keys.intern(l);
             return f;
           }),
           py::arg("lines"))
      .def("lines", [](const FurnitureLines& f) { return interner_list(f.keys); })
      .def("__len__", [](const FurnitureLines& f) { return f.keys.size(); })
      .def(model_pickle<FurnitureLines>([](const std::string& b) { return furniture_lines_from_bytes(b); }));

  py::class_<NameEvidence, std::shared_ptr<NameEvidence>>(m, "NameEvidence")
      .def_property_readonly("lower", [](const NameEvidence& e) { return interner_list(e.lower); })
      .def_property_readonly("names", [](const NameEvidence& e) { return interner_list(e.names); })
      .def_property_readonly("clipped", [](const NameEvidence& e) { return interner_list(e.clipped); })
      .def(model_pickle<NameEvidence>([](const std::string& b) { return name_evidence_from_bytes(b); }));

  py::class_<PhraseModel, std::shared_ptr<PhraseModel>>(m, "PhraseModel")
      .def(py::init<>())
      .def("add_word", &PhraseModel::add_word)
      .def("pairs",
           [](const PhraseModel& pm) {
             py::list out;
             for (const auto& p : pm.pairs())
               out.append(py::make_tuple(p.pass, utf8_str(p.left), utf8_str(p.right), p.score));
             return out;
           })
      .def("dictionary", [](const PhraseModel& pm) { return str_list(pm.dictionary()); })
      .def("apply",
           [](const PhraseModel& pm, std::vector<std::string> units) {
             pm.apply(units);
             return str_list(units);
           })
      .def(model_pickle<PhraseModel>([](const std::string& b) { return phrase_model_from_bytes(b); }));

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
             std::size_t epochs, double min_weight, std::shared_ptr<WordModel> lexicon_from, std::uint32_t disabled,
             std::size_t min_count, std::uint64_t seed) {
            WordModel::TrainConfig cfg;
            cfg.epochs = epochs;
            cfg.min_weight = min_weight;
            cfg.lexicon_from = std::move(lexicon_from);
            cfg.disabled = disabled;
            cfg.min_count = min_count;
            cfg.seed = seed;
            py::gil_scoped_release release;
            return WordModel::train(sentences, lexicon, cfg);
          },
          py::arg("sentences"), py::arg("lexicon"), py::arg("epochs") = 8, py::arg("min_weight") = 0.0,
          py::arg("lexicon_from") = nullptr, py::arg("disabled") = 0, py::arg("min_count") = 1,
          py::arg("seed") = WordModel::TrainConfig{}.seed)
      .def_property_readonly("feature_count", &WordModel::feature_count)
      .def_property_readonly("disabled", &WordModel::disabled)
      .def_property_readonly("lexicon_size", &WordModel::lexicon_size)
      // The word model's own file format carries its version (WordModel::kVersion).
      .def(py::pickle([](const WordModel& wm) { return py::make_tuple(py::bytes(wm.to_bytes())); },
                      [](const py::tuple& state) {
                        if (state.size() != 1) throw std::invalid_argument("bad pickled WordModel state");
                        return std::const_pointer_cast<WordModel>(
                            WordModel::from_bytes(std::string(state[0].cast<py::bytes>()), "<pickle>"));
                      }));

  // -- config structs ---------------------------------------------------------------------------
  py::class_<NormalizeConfig> normalize(m, "NormalizeConfig");
  normalize.def(py::init<>());
  field(normalize, "lowercase", &NormalizeConfig::lowercase);
  field(normalize, "tone_marks", &NormalizeConfig::tone_marks);

  py::class_<SegmentConfig> segment(m, "SegmentConfig");
  segment.def(py::init<>());
  field(segment, "numbers", &SegmentConfig::numbers);
  field(segment, "urls", &SegmentConfig::urls);
  field(segment, "min_token_length", &SegmentConfig::min_token_length);

  // repeated_lines is set through AnalyzerConfig.repeated_lines (the model it holds).
  py::class_<CleanConfig> clean(m, "CleanConfig");
  clean.def(py::init<>());
  field(clean, "markup", &CleanConfig::markup);
  field(clean, "captions", &CleanConfig::captions);
  field(clean, "headline_lists", &CleanConfig::headline_lists);
  field(clean, "end_markers", &CleanConfig::end_markers);

  py::class_<PhraseConfig> phrase(m, "PhraseConfig");
  phrase.def(py::init<>());
  field(phrase, "min_count", &PhraseConfig::min_count);
  field(phrase, "threshold", &PhraseConfig::threshold);
  field(phrase, "passes", &PhraseConfig::passes);
  field(phrase, "stop_words", &PhraseConfig::stop_words);

  py::class_<AnalyzerConfig> analyzer(m, "AnalyzerConfig");
  analyzer.def(py::init<>());
  field(analyzer, "encoding", &AnalyzerConfig::encoding);
  field(analyzer, "normalize", &AnalyzerConfig::normalize);
  field(analyzer, "segment", &AnalyzerConfig::segment);
  field(analyzer, "clean", &AnalyzerConfig::clean);
  field(analyzer, "clean_config", &AnalyzerConfig::clean_config);
  model_field(analyzer, "repeated_lines", &AnalyzerConfig::repeated_lines);
  field(analyzer, "names", &AnalyzerConfig::names);
  field(analyzer, "aliases", &AnalyzerConfig::aliases);
  field(analyzer, "alias_table", &AnalyzerConfig::alias_table);
  model_field(analyzer, "name_evidence", &AnalyzerConfig::name_evidence);
  model_field(analyzer, "phrases", &AnalyzerConfig::phrases);
  model_field(analyzer, "words", &AnalyzerConfig::words);
  field(analyzer, "user_dictionary", &AnalyzerConfig::user_dictionary);
  field(analyzer, "stop_words", &AnalyzerConfig::stop_words);
  field(analyzer, "ngram_range", &AnalyzerConfig::ngram_range);

  py::class_<TextModelsConfig> models_config(m, "TextModelsConfig");
  models_config.def(py::init<>());
  field(models_config, "furniture", &TextModelsConfig::furniture);
  field(models_config, "min_documents", &TextModelsConfig::min_documents);
  field(models_config, "name_evidence", &TextModelsConfig::name_evidence);
  field(models_config, "phrases", &TextModelsConfig::phrases);
  field(models_config, "phrase_config", &TextModelsConfig::phrase_config);
  model_field(models_config, "user_dictionary", &TextModelsConfig::user_dictionary);
  field(models_config, "fused", &TextModelsConfig::fused);
  field(models_config, "keep_prepared", &TextModelsConfig::keep_prepared);

  // Opaque: handed from fit_text_models to count / count_fixed (prepared=...) within one fit.
  py::class_<PreparedCorpus, std::shared_ptr<PreparedCorpus>>(m, "PreparedCorpus")
      .def("__len__", [](const PreparedCorpus& p) { return p.kept.size(); })
      .def_property_readonly("kept", &PreparedCorpus::kept_count, "Documents whose preparation is kept.")
      .def_property_readonly("nbytes", &PreparedCorpus::bytes, "Memory the kept preparations hold.");

  py::class_<TextModels>(m, "TextModels")
      .def_property_readonly(
          "repeated_lines",
          [](const TextModels& t) { return std::const_pointer_cast<FurnitureLines>(t.repeated_lines); })
      .def_property_readonly("name_evidence",
                             [](const TextModels& t) { return std::const_pointer_cast<NameEvidence>(t.name_evidence); })
      .def_property_readonly("phrases",
                             [](const TextModels& t) { return std::const_pointer_cast<PhraseModel>(t.phrases); })
      .def_property_readonly("prepared",
                             [](const TextModels& t) { return std::const_pointer_cast<PreparedCorpus>(t.prepared); });

  m.def(
      "fit_text_models",
      [](const py::handle& docs, const AnalyzerConfig& base, const TextModelsConfig& config, int n_jobs,
         const py::object& progress) {
        std::vector<py::object> keep;
        const RawDocuments raw = py_convert::documents_from_python(docs, keep);
        return py_convert::CoreCall(progress).run_small(py_convert::total_bytes(raw), [&](const std::atomic<bool>*) {
          return fit_text_models(raw, base, config, n_jobs);
        });
      },
      py::arg("docs"), py::arg("base"), py::arg("config"), py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def("learning_calls", &learning_calls, "Calls of the core's learning passes so far (for tests).");
  m.def("prepared_documents_counted", &prepared_documents_counted,
        "Documents counted from a learning pass's preparation so far (for tests).");
}
