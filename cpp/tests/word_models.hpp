// Word models the C++ tests share: the shipped model, found from the source tree, and a toy model
// trained here in a moment, so that tests of the word path also run where the tree is not there.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "mekong/text/words.hpp"

namespace mekong_test {

// python/mekong/models/words.bin, found from this file's path.
inline std::string shipped_model_path() {
  std::string path = __FILE__;
  return path.substr(0, path.rfind("cpp/tests/")) + "python/mekong/models/words.bin";
}

// The shipped model, or nullptr when the file is not there (the caller skips).
inline std::shared_ptr<const mekong::WordModel> shipped_model() {
  const std::string path = shipped_model_path();
  if (!std::ifstream(path)) return nullptr;
  return mekong::WordModel::load(path);
}

// "hợp tác" and "kinh tế" are words (and in the lexicon); the other syllables stand alone.
inline std::shared_ptr<const mekong::WordModel> toy_words() {
  std::vector<std::vector<std::string>> sentences;
  for (int i = 0; i < 20; ++i) {
    sentences.push_back({"hợp tác", "kinh tế", "với", "Lào"});
    sentences.push_back({"kinh tế", "và", "hợp tác"});
    sentences.push_back({"Trung Quốc", "hợp tác", "với", "Kon Tum"});
  }
  return mekong::WordModel::train(sentences, {"hợp tác", "kinh tế"}, {});
}

}  // namespace mekong_test
