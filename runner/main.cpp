// mindset: train neural networks described in YAML; results in HDF5.
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "h5.hpp"
#include "results.hpp"

int main(int argc, char** argv) {
  // A write past RLIMIT_FSIZE must fail with EFBIG so the results writer can clean up, rather
  // than kill the process with SIGXFSZ and leave a temporary file behind.
  std::signal(SIGXFSZ, SIG_IGN);
  mindset::h5::quiet();

  CLI::App app{"mindset: neural-network experiments from YAML, results in HDF5.\n"
               "A config names the data, the layers and the training; `mindset train` runs it."};
  app.set_version_flag("--version", std::string("mindset ") + mindset::kMindsetVersion);
  app.require_subcommand(1);

  mindset::TrainArgs train;
  std::vector<std::string> set_train;
  auto* t = app.add_subcommand("train", "train the network a config describes and write its results");
  t->add_option("config", train.config, "experiment config (YAML)")->required();
  t->add_option("overrides", train.overrides, "key.path=value overrides (Hydra style), +key=value, ~key");
  t->add_option("--set", set_train, "an override, as key.path=value (repeatable)");
  t->add_option("-o,--output", train.output, "results file (default results/<name>.h5)");
  t->add_flag("-q,--quiet", train.quiet, "print nothing but errors");
  t->add_flag("--resume", train.resume,
              "continue from OUT.h5.ckpt.h5 if there is one; start if not; do nothing if OUT.h5 is complete");
  t->add_flag("--log-json", train.log_json, "write one JSON object per recorded iteration to stderr");

  mindset::ValidateArgs validate;
  std::vector<std::string> set_validate;
  auto* v = app.add_subcommand("validate", "check a config (and overrides) without training");
  v->add_option("config", validate.config, "experiment config (YAML)")->required();
  v->add_option("overrides", validate.overrides, "key.path=value overrides");
  v->add_option("--set", set_validate, "an override, as key.path=value (repeatable)");
  v->add_flag("--resolved", validate.resolved, "print the resolved config (defaults filled in)");

  std::string list_kind;
  auto* l = app.add_subcommand("list", "list registered layers, activations, initializers, losses, optimizers, schedules, data");
  l->add_option("kind", list_kind, "which registry (default: all)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s (see mindset --help)\n", e.what());
    return 2;
  }

  if (*t) {
    train.overrides.insert(train.overrides.end(), set_train.begin(), set_train.end());
    return mindset::cmd_train(train);
  }
  if (*v) {
    validate.overrides.insert(validate.overrides.end(), set_validate.begin(), set_validate.end());
    return mindset::cmd_validate(validate);
  }
  if (*l) return mindset::cmd_list(list_kind);
  return 2;
}
