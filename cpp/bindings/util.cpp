// Bindings of util/: the thread-count rule every n_jobs goes through.
#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "mekong/util/parallel.hpp"

namespace py = pybind11;

void bind_util(py::module_& m) { m.def("resolve_n_jobs", &mekong::resolve_n_jobs); }
