#include "sim/engine/locate.hpp"

#include <memory>

namespace gpusim {

Diagnostic locate_model_error(const LoadedScenario& loaded, const ModelError& e) {
  std::string path = e.path();
  while (true) {
    auto it = loaded.locations.find(path);
    if (it != loaded.locations.end()) return Diagnostic{it->second, e.path(), e.what()};
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) break;
    path = path.substr(0, dot);
  }
  return Diagnostic{SourceLoc{std::make_shared<const std::string>(loaded.file), 0, 0}, e.path(), e.what()};
}

Diagnostic locate_solve_error(const LoadedScenario& loaded, const ModelError& e) {
  if (e.path().rfind("solve.", 0) != 0) return locate_model_error(loaded, e);
  const std::string option = e.path() == "solve.vary"   ? "--vary"
                             : e.path() == "solve.low"  ? "--low"
                             : e.path() == "solve.high" ? "--high"
                                                        : "--target";
  return Diagnostic{SourceLoc{std::make_shared<const std::string>(option), 0, 0}, "", e.what()};
}

}  // namespace gpusim
