// mindset: train neural networks described in YAML; results in HDF5.
#include <algorithm>
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "analysis_commands.hpp"
#include "commands.hpp"
#include "h5.hpp"
#include "registry.hpp"
#include "results.hpp"
#include "sweep_command.hpp"

namespace {

// Overrides given as `key=value` and as `--set key=value`, in command-line order: a later one wins.
std::vector<std::string> in_given_order(const CLI::App& sub, const CLI::Option* pos, const std::vector<std::string>& a,
                                        const CLI::Option* set, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::size_t i = 0, j = 0;
  for (const CLI::Option* o : sub.parse_order()) {
    if (o == pos && i < a.size()) out.push_back(a[i++]);
    else if (o == set && j < b.size()) out.push_back(b[j++]);
  }
  out.insert(out.end(), a.begin() + static_cast<std::ptrdiff_t>(i), a.end());
  out.insert(out.end(), b.begin() + static_cast<std::ptrdiff_t>(j), b.end());
  return out;
}

}  // namespace

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
  auto* t_pos = t->add_option("overrides", train.overrides, "key.path=value overrides (Hydra style), +key=value, ~key");
  auto* t_set = t->add_option("--set", set_train, "an override, as key.path=value (repeatable)")
      ->allow_extra_args(false);  // one value per --set: `--set a=1 config.yaml` keeps its config
  t->add_option("-o,--output", train.output, "results file (default results/<name>.h5)");
  t->add_flag("-q,--quiet", train.quiet, "print nothing but errors");
  t->add_flag("--resume", train.resume,
              "continue from OUT.h5.ckpt.h5 if there is one; start if not; do nothing if OUT.h5 is complete");
  t->add_flag("--log-json", train.log_json, "write one JSON object per recorded iteration to stderr");

  mindset::ValidateArgs validate;
  std::vector<std::string> set_validate;
  auto* v = app.add_subcommand("validate", "check a config (and overrides) without training");
  v->add_option("config", validate.config, "experiment config (YAML)")->required();
  auto* v_pos = v->add_option("overrides", validate.overrides, "key.path=value overrides");
  auto* v_set = v->add_option("--set", set_validate, "an override, as key.path=value (repeatable)")
      ->allow_extra_args(false);  // one value per --set: `--set a=1 config.yaml` keeps its config
  v->add_flag("--resolved", validate.resolved, "print the resolved config (defaults filled in)");

  std::string list_kind;
  auto* l = app.add_subcommand("list", "list registered layers, activations, initializers, losses, optimizers, schedules, data");
  l->add_option("kind", list_kind, "which registry (default: all)");

  bool schema_markdown = false;
  auto* s = app.add_subcommand("schema", "print the JSON Schema of configs (draft 2020-12), generated from the code");
  s->add_flag("--markdown", schema_markdown, "print the config reference (docs/config-reference.md) instead");


  mindset::SweepArgs sweep;
  std::vector<std::string> sweep_args, set_sweep;
  auto* sw = app.add_subcommand("sweep", "run every combination a sweep file describes: parallel, resumable, sharded");
  sw->add_option("sweep", sweep_args, "SWEEP.yaml, then key.path=value overrides applied to every run");
  sw->add_option("--set", set_sweep, "an override for every run, as key.path=value (repeatable)")
      ->allow_extra_args(false);  // one value per --set
  sw->add_option("-o,--output", sweep.output, "output folder (default results/<sweep name>/)");
  sw->add_option("-j,--jobs", sweep.jobs, "runs at a time, each in its own process (default: one per CPU; "
                                          "one per rank with --mpi)")->check(CLI::Range(1, 100000));
  sw->add_option("--shard", sweep.shard, "K/N: run only the K-th of N slices (job arrays)");
  sw->add_flag("--fail-fast", sweep.fail_fast, "stop at the first failed run");
  sw->add_flag("--fuse,!--no-fuse", sweep.fuse,
               "train runs on the same examples (full batch, dense first layer) together, reading the data once per "
               "iteration for all of them (default; --no-fuse trains each run alone, as mindset train would)");
  sw->add_option("--merge", sweep.merge, "rebuild DIR's summary from the run files it holds");
  sw->add_flag("--mpi", sweep.mpi, "hand runs out over MPI from rank 0 (run under mpirun; needs -DMINDSET_MPI=ON)");
  sw->add_flag("--update", sweep.update, "let a changed sweep take over DIR (finished runs with the same config are kept)");
  sw->add_flag("--list", sweep.list, "print the runs and whether each is done; run nothing");
  sw->add_flag("-q,--quiet", sweep.quiet, "print only failures");

  mindset::InspectArgs inspect;
  auto* ins = app.add_subcommand("inspect", "summarise a results file, or tabulate a sweep folder's runs");
  ins->add_option("path", inspect.path, "RUN.h5, a sweep folder, or a folder of results files")->required();
  ins->add_option("--sort", inspect.sort, "folders: the column to sort by (default test_accuracy, else train_accuracy)");

  mindset::PredictArgs predict;
  auto* pr = app.add_subcommand("predict", "apply a trained run's network to examples; probabilities and classes");
  pr->add_option("run", predict.run, "results file (RUN.h5)")->required();
  pr->add_option("--data", predict.data, "a data-source map: a YAML file or inline, e.g. '{type: csv, path: new.csv}'");
  pr->add_option("--config", predict.config, "an experiment config whose test (or --split) examples are predicted");
  pr->add_option("--split", predict.split, "with --config (or neither): test, train or validation (default test if any)");
  pr->add_option("-o,--output", predict.output, "predictions file, .csv or .h5 (default: CSV on stdout)");
  pr->add_flag("--features", predict.features, "also write the input features (before preprocessing)");

  mindset::GradcheckArgs gradcheck;
  auto* gc = app.add_subcommand("gradcheck", "compare backprop's gradients with finite differences (exit 1 if they differ)");
  gc->add_option("config", gradcheck.config, "experiment config (YAML)")->required();
  gc->add_option("overrides", gradcheck.overrides, "key.path=value overrides");
  gc->add_option("--examples", gradcheck.examples, "the first N training examples (default 10)");
  gc->add_option("--entries", gradcheck.entries, "check at most N evenly spaced entries of each W and b (default all)");
  gc->add_option("--epsilon", gradcheck.epsilon, "finite-difference step (default 1e-6)");
  gc->add_option("--threshold", gradcheck.threshold, "largest relative error allowed per layer (default 1e-7)");

  // A mistyped command gets the known ones and the closest; CLI11 would only say that a
  // subcommand is required.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      std::string best = mindset::closest_match(argv[1], commands), all;
      for (const auto& c : commands) all += (all.empty() ? "" : ", ") + c;
      std::fprintf(stderr, "error: unknown command '%s'%s; commands: %s (see mindset --help)\n", argv[1],
                   best.empty() ? "" : (" (did you mean '" + best + "'?)").c_str(), all.c_str());
      return 2;
    }
  }

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
    train.overrides = in_given_order(*t, t_pos, train.overrides, t_set, set_train);
    return mindset::cmd_train(train);
  }
  if (*v) {
    validate.overrides = in_given_order(*v, v_pos, validate.overrides, v_set, set_validate);
    return mindset::cmd_validate(validate);
  }
  if (*l) return mindset::cmd_list(list_kind);
  if (*ins) return mindset::cmd_inspect(inspect);
  if (*pr) return mindset::cmd_predict(predict);
  if (*gc) return mindset::cmd_gradcheck(gradcheck);
  if (*s) return mindset::cmd_schema(schema_markdown);
  if (*sw) {
    if (!sweep_args.empty()) sweep.sweep = sweep_args.front();
    if (sweep_args.size() > 1) sweep.overrides.assign(sweep_args.begin() + 1, sweep_args.end());
    sweep.overrides.insert(sweep.overrides.end(), set_sweep.begin(), set_sweep.end());
    return mindset::cmd_sweep(sweep);
  }
  return 2;
}
