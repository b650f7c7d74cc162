// TermBuffer, the flat per-document term buffer, lives in terms/term_buffer.hpp (shared by text/ and
// matrix/); this header keeps the text stages' include path working.
#pragma once

#include "mekong/terms/term_buffer.hpp"
