// mekong._core: the pybind11 module. One binding file per core stage folder; each converts arguments
// and results and releases the GIL, and every decision about text or matrices is made in the core.
#include <pybind11/pybind11.h>

#include "bind.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "mekong's C++ core (use the mekong package, not this module directly)";
  bind_util(m);
  bind_text(m);
  bind_matrix(m);
  bind_similarity(m);
  bind_stories(m);
  bind_dedup(m);
}
