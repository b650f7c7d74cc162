// One binding function per core stage folder (cpp/src/<stage>/ -> cpp/bindings/<stage>.cpp); module.cpp
// only calls them.
#pragma once

#include <pybind11/pybind11.h>

void bind_text(pybind11::module_& m);
void bind_text_config(pybind11::module_& m);  // called by bind_text (text_config.cpp)
void bind_matrix(pybind11::module_& m);
void bind_similarity(pybind11::module_& m);
void bind_stories(pybind11::module_& m);
void bind_util(pybind11::module_& m);
void bind_dedup(pybind11::module_& m);
