// The gpusim command: parses the command line and dispatches; every command's
// work lives in sim/ and is printed by sim/cli/commands.cpp.
//
// Exit status: 0 success; 1 a check failed; 2 bad input (usage or scenario
// error; message on stderr, nothing written); 3 internal error.
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/scenario/diagnostics.hpp"

int main(int argc, char** argv) {
  using namespace gpusim::cli;
  CLI::App app{"gpusim — a simulator of GPU fleets and their economics", "gpusim"};
  app.set_version_flag("--version", std::string("gpusim ") + GPUSIM_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 ok; 1 a check failed; 2 bad input; 3 internal error.\n"
             "Docs: docs/cli.md, docs/scenario-format.md, docs/model.md.");

  ValidateOptions validate;
  auto* v = app.add_subcommand("validate", "Check scenario files; print 'FILE: ok' or every error");
  v->add_option("files", validate.files, "Scenario files")->required();
  v->add_option("--set", validate.overrides, "Override a key: PATH=VALUE (repeatable)");
  v->add_flag("--print", validate.print, "Print the scenario as understood: defaults filled, units shown");

  CatalogOptions catalog;
  auto* c = app.add_subcommand("catalog", "List the built-in GPU models with their sources");
  c->add_option("--format", catalog.format, "table or json")->check(CLI::IsMember({"table", "json"}));

  DocsOptions docs;
  auto* d = app.add_subcommand("docs", "Print generated documentation (scenario-format)");
  d->add_option("topic", docs.topic, "scenario-format")->required()->check(CLI::IsMember({"scenario-format"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*v) return run_validate(validate, std::cout, std::cerr);
    if (*c) return run_catalog(catalog, std::cout);
    if (*d) return run_docs(docs, std::cout);
  } catch (const gpusim::ScenarioError& e) {
    std::cerr << e.report();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gpusim: internal error: " << e.what() << "\n";
    return 3;
  }
  return 3;
}
