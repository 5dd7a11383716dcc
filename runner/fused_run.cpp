// Runs trained together (fused.hpp): each prepared, written and logged on its own; the data
// loaded once per distinct data set; training by train_fused.
#include <map>
#include <memory>

#include "fused.hpp"
#include "signals.hpp"
#include "yaml_tree.hpp"

namespace mindset {

namespace {

// Everything the training examples depend on: the data config, the loss and the output units
// (label checks and encodings), and the run's seed when it splits the data.
std::string data_key(const Experiment& e) {
  const ConfigNode& r = e.resolved;
  const ConfigNode& data = r.at("data");
  std::string key = emit_yaml(data) + "\nloss: " + emit_yaml(r.at("loss")) +
                    "\nunits: " + std::to_string(r.at("model").at("layers").items().back().get_integer("units"));
  auto positive = [&](const char* k) { return data.has(k) && data.at(k).is_number() && data.at(k).as_number() > 0; };
  if ((positive("test_fraction") || positive("validation_fraction")) && !data.has("split_seed"))
    key += "\nseed: " + std::to_string(r.get_integer("seed"));
  return key;
}

}  // namespace

std::string fusion_key(const Experiment& e) {
  const ConfigNode& r = e.resolved;
  if (r.at("training").has("batch_size")) return "";  // each run's batches come from its own stream
  const auto& layers = r.at("model").at("layers").items();
  if (layers.empty() || layers.front().get_string("type") != "dense") return "";
  return r.get_string("dtype") + "\n" + data_key(e);
}

std::vector<FusedRunResult> run_fused(const std::vector<const Experiment*>& runs, const std::vector<std::string>& outputs,
                                      const std::vector<RunOptions>& opts) {
  const std::size_t n = runs.size();
  std::vector<FusedRunResult> results(n);
  std::vector<std::optional<PreparedRun>> prepared(n);
  std::map<std::string, std::shared_ptr<const DataBundle>> loaded;  // by data_key
  std::vector<std::shared_ptr<const DataBundle>> data(n);
  for (std::size_t i = 0; i < n; ++i) {
    try {
      prepared[i] = prepare_run(*runs[i], outputs[i], opts[i]);
      if (prepared[i]->done) {
        results[i].summary = *prepared[i]->done;
        prepared[i].reset();
        continue;
      }
      const std::string key = data_key(*runs[i]);
      auto it = loaded.find(key);
      if (it == loaded.end()) it = loaded.emplace(key, std::make_shared<const DataBundle>(load_run_data(*runs[i]))).first;
      data[i] = it->second;
    } catch (...) {
      results[i].error = error_text(std::current_exception());
      prepared[i].reset();
    }
  }
  std::vector<const Experiment*> train;
  std::vector<const DataBundle*> train_data;
  std::vector<TrainOptions> train_opts;
  std::vector<std::size_t> which;
  bool signals_wanted = false;
  for (std::size_t i = 0; i < n; ++i)
    if (prepared[i]) {
      start_run(*prepared[i]);
      signals_wanted = signals_wanted || opts[i].handle_signals;
      which.push_back(i);
    }
  std::optional<StopSignals> signals;
  if (signals_wanted) signals.emplace(true);
  for (std::size_t i : which) {
    if (opts[i].handle_signals) prepared[i]->train.stop = StopSignals::flag();
    train.push_back(runs[i]);
    train_data.push_back(data[i].get());
    train_opts.push_back(prepared[i]->train);
  }
  std::vector<FusedOutcome> outcomes = train_fused(train, train_data, train_opts);
  for (std::size_t k = 0; k < which.size(); ++k) {
    const std::size_t i = which[k];
    if (outcomes[k].error) {
      results[i].error = error_text(outcomes[k].error);
      continue;
    }
    try {
      results[i].summary = complete_run(*prepared[i], *data[i], outcomes[k].outcome);
    } catch (...) {
      results[i].error = error_text(std::current_exception());
    }
  }
  return results;
}

}  // namespace mindset
