// Where a ModelError is to blame: the key it names, at the place in the
// scenario that wrote it, so every front end (the command, the Python module)
// reports it with the same FILE:LINE:COL text.
#pragma once

#include "sim/engine/results.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"

namespace gpusim {

// The model error at its key's file, line and column (or the nearest enclosing
// key that is written); at the file alone when no part of the key is written.
Diagnostic locate_model_error(const LoadedScenario& loaded, const ModelError& e);

// For a goal-seek given outside the file (`gpusim solve --vary … --target …`):
// an error in the goal ("solve.…") is placed on its option (--vary, --low,
// --high, --target); any other is located as above.
Diagnostic locate_solve_error(const LoadedScenario& loaded, const ModelError& e);

}  // namespace gpusim
