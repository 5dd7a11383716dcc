#include "run.hpp"

#include <chrono>

#include "dataset.hpp"
#include "results.hpp"
#include "trainer.hpp"

namespace mindset {

std::string default_output(const Experiment& e) { return "results/" + safe_file_name(e.name) + ".h5"; }

RunSummary run_experiment(const Experiment& e, const std::string& output, const RunOptions& opts) {
  try {
    prepare_output(output);
  } catch (const std::runtime_error& ex) {
    throw UserError(ex.what());
  }
  const auto units = static_cast<std::size_t>(e.resolved.at("model").at("layers").items().back().get_integer("units"));
  DataBundle data = load_data(e.resolved.at("data"), e.resolved.at("loss"), units,
                              static_cast<std::uint32_t>(e.resolved.get_integer("seed")));
  RunInfo info;
  info.started_at = utc_now();
  const auto t0 = std::chrono::steady_clock::now();
  TrainOptions topts;
  topts.quiet = opts.quiet;
  TrainOutcome outcome = train_experiment(e, data, topts);
  info.finished_at = utc_now();
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_results(output, e, data, outcome, info);

  RunSummary s;
  s.status = outcome.status;
  s.output = output;
  s.metric = outcome.metric;
  s.final_cost = outcome.final_cost;
  s.train_metric = outcome.train_metric;
  s.test_metric = outcome.test_metric;
  s.wall_seconds = info.wall_seconds;
  return s;
}

}  // namespace mindset
