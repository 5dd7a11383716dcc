// Learning-rate schedules against their numpy formulas, bit for bit
// (tests/reference/schedules.txt from tests/reference/make_schedules.py), their validation, and
// the learning rate the trainer records in /history/learning_rate.
#define BOOST_TEST_MODULE schedules
#include "config.hpp"
#include "schedule.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const std::vector<double>& expected(const std::string& label) {
  static const auto r = testing::read_reference("schedules.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

std::unique_ptr<Schedule> schedule(const std::string& flow) { return make_schedule(parse_yaml(flow, nullptr)); }

const char* kBase = R"(
seed: 1
data: {train: {type: flower, examples: 40}}
model: {layers: [{units: 1, activation: sigmoid}]}
training: {learning_rate: 0.05, iterations: 10}
)";

}  // namespace

BOOST_AUTO_TEST_CASE(formulas_equal_numpy) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"constant", "constant"},
      {"step", "{type: step, every: 7, factor: 0.5}"},
      {"exponential", "{type: exponential, rate: 0.9, every: 4}"},
      {"exponential_staircase", "{type: exponential, rate: 0.9, every: 4, staircase: true}"},
      {"inverse_time", "{type: inverse_time, decay: 0.3}"},
      {"inverse_time_every", "{type: inverse_time, decay: 0.3, every: 5}"},
      {"inverse_time_staircase", "{type: inverse_time, decay: 0.3, every: 5, staircase: true}"},
      {"cosine", "{type: cosine, alpha: 0.1}"},
      {"cosine_over", "{type: cosine, over: 12}"},
  };
  for (const auto& [label, flow] : cases) {
    auto s = schedule(flow);
    const auto& expect = expected(label);
    BOOST_REQUIRE_EQUAL(expect.size(), 30u);
    for (long long t = 0; t < 30; ++t) BOOST_TEST(s->rate(0.05, t, 30.0) == expect[t], label << " t=" << t);
    BOOST_TEST(!s->describe().empty());
  }
  BOOST_TEST(!schedule("{type: step, every: 2}")->per_epoch());
  BOOST_TEST(schedule("{type: step, every: 2, unit: epoch}")->per_epoch());
}

BOOST_AUTO_TEST_CASE(config_errors_name_the_key) {
  auto err = [](const std::string& sched) {
    try {
      resolve_experiment(parse_yaml(std::string(kBase) + "", nullptr), "t.yaml", {"+training.schedule=" + sched});
    } catch (const UserError& e) {
      return std::string(e.what()) + (e.diagnostics().empty() ? "" : e.diagnostics()[0].str());
    }
    return std::string("no error");
  };
  BOOST_TEST(err("{type: step}").find("every") != std::string::npos);
  BOOST_TEST(err("{type: exponential, rate: 1.5}").find("training.schedule.rate") != std::string::npos);
  BOOST_TEST(err("{type: cosin}").find("cosine") != std::string::npos);  // did you mean
  BOOST_TEST(err("{type: step, every: 3, unit: epochs}").find("epoch") != std::string::npos);
  BOOST_TEST(err("{type: step, every: 3}") == "no error");
}

BOOST_AUTO_TEST_CASE(trainer_records_the_rate_it_used) {
  testing::TempDir t;
  auto cfg = t.write("s.yaml", std::string(kBase));
  auto r = testing::mindset("train " + cfg.string() + " -o " + (t / "s.h5").string() +
                            " --quiet training.batch_size=16 training.iterations=12 "
                            "'+training.schedule={type: step, every: 2, factor: 0.5, unit: epoch}'");
  // 40 examples in batches of 16: 3 iterations per epoch, so the rate halves every 6 iterations.
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto py = testing::run(testing::python() + " -c \"import h5py; f=h5py.File('" + (t / "s.h5").string() +
                         "'); print(' '.join(repr(float(v)) for v in f['history/learning_rate'][()]));"
                         " print(f['history/learning_rate'].attrs['long_name'])\"");
  BOOST_REQUIRE_MESSAGE(py.exit_code == 0, py.err);
  BOOST_TEST(py.out.find("0.05 0.05 0.05 0.05 0.05 0.05 0.025 0.025 0.025 0.025 0.025 0.025\n") == 0, py.out);
  BOOST_TEST(py.out.find("t in epochs") != std::string::npos, py.out);
}
