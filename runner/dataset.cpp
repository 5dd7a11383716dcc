#include "dataset.hpp"

#include <cmath>
#include <fstream>

#include "loss.hpp"
#include "validate.hpp"

namespace mindset {

std::uint64_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return std::uint64_t(8) << 30;  // unknown: assume 8 GiB
}

namespace {

// Re-throws a source's errors with their key paths under `where` ("data.train").
Dataset load_split(const ConfigNode& cfg, const std::string& where) {
  try {
    auto source = DataRegistry::instance().factory(cfg.get_string("type"))(cfg);
    return source->load();
  } catch (const UserError& e) {
    std::vector<Diagnostic> diags = e.diagnostics();
    for (auto& d : diags) {
      d.path = d.path.empty() ? where : join_path(where, d.path);
      if (d.mark.line == 0 && !d.mark.file) d.mark = cfg.mark();
    }
    throw UserError(std::move(diags), e.exit_code());
  }
}

void check_finite(const Dataset& d, const ConfigNode& cfg, const std::string& where) {
  const double* p = d.x.data();
  const std::size_t n = d.n(), m = d.m();
  for (std::size_t i = 0; i < n * m; ++i)
    if (!std::isfinite(p[i]))
      throw UserError(cfg.mark(), where, "feature " + std::to_string(i / m) + " of example " +
                                             std::to_string(i % m) + " is " + (std::isnan(p[i]) ? "NaN" : "infinite") +
                                             "; features must be finite numbers");
}

}  // namespace

DataBundle load_data(const ConfigNode& data, const ConfigNode& loss_cfg, std::size_t output_units) {
  DataBundle b;
  const ConfigNode& train_cfg = data.at("train");
  b.train = load_split(train_cfg, "data.train");
  if (const ConfigNode* t = data.find("test")) b.test = load_split(*t, "data.test");

  auto loss = make_loss<double>(loss_cfg);
  const double scale = data.get_number("scale");
  auto prepare = [&](Dataset& d, const ConfigNode& cfg, const std::string& where) {
    if (d.m() == 0) throw UserError(cfg.mark(), where, "the data set has no examples");
    if (scale != 1.0) d.x /= scale;  // numpy: X / 255., a division as users write it
    check_finite(d, cfg, where);
    std::string why = loss->check_labels(d.y.data(), d.y.size(), output_units);
    if (!why.empty()) throw UserError(cfg.mark(), where, why);
  };
  prepare(b.train, train_cfg, "data.train");
  if (b.test) {
    const ConfigNode& test_cfg = data.at("test");
    prepare(*b.test, test_cfg, "data.test");
    if (b.test->n() != b.train.n())
      throw UserError(test_cfg.mark(), "data.test",
                      "test examples have " + std::to_string(b.test->n()) + " features, training examples " +
                          std::to_string(b.train.n()) + "; they must match");
  }
  return b;
}

}  // namespace mindset
