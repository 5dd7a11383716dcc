#include "preprocess.hpp"

#include <cmath>

#include "h5.hpp"
#include "tensor.hpp"
#include "yaml_tree.hpp"

namespace mindset {

std::unique_ptr<Preprocessor> make_preprocessor(const ConfigNode& step) { return make_object<PreprocessTag>(step); }

void write_preprocessing(hid_t data_group, const std::vector<std::shared_ptr<Preprocessor>>& steps,
                         const std::vector<ConfigNode>& configs) {
  h5::Handle g = h5::create_group(data_group, "preprocess");
  std::vector<std::string> types;
  for (const auto& s : steps) types.push_back(s->type());
  h5::set_attr(g.id(), "steps", types);
  h5::set_attr(g.id(), "description", std::string("applied in order to every split (step_1 first); statistics "
                                                  "from the training split only"));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    h5::Handle sg = h5::create_group(g.id(), "step_" + std::to_string(i + 1));
    h5::set_attr(sg.id(), "type", steps[i]->type());
    h5::set_attr(sg.id(), "config", i < configs.size() ? emit_flow(configs[i]) : steps[i]->type());
    steps[i]->write(sg.id());
  }
}

std::vector<std::shared_ptr<Preprocessor>> read_preprocessing(hid_t data_group) {
  std::vector<std::shared_ptr<Preprocessor>> out;
  if (!h5::exists(data_group, "preprocess")) return out;
  h5::Handle g = h5::open_group(data_group, "preprocess");
  for (std::size_t i = 1; h5::exists(g.id(), "step_" + std::to_string(i)); ++i) {
    h5::Handle sg = h5::open_group(g.id(), "step_" + std::to_string(i));
    ConfigNode cfg = parse_yaml(h5::get_attr_string(sg.id(), "config"), std::make_shared<const std::string>("results:/data/preprocess"));
    std::shared_ptr<Preprocessor> p = make_preprocessor(cfg);
    p->read(sg.id());
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<double> row_means(const xt::xtensor<double, 2>& x) {
  const std::size_t n = x.shape()[0], m = x.shape()[1];
  std::vector<double> mu(n);
  for (std::size_t i = 0; i < n; ++i) mu[i] = numpy_sum(x.data() + i * m, m) / static_cast<double>(m);
  return mu;
}

std::vector<double> row_stds(const xt::xtensor<double, 2>& x, const std::vector<double>& means) {
  const std::size_t n = x.shape()[0], m = x.shape()[1];
  std::vector<double> sd(n), dev(m);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = x.data() + i * m;
    for (std::size_t j = 0; j < m; ++j) {
      const double d = row[j] - means[i];
      dev[j] = d * d;
    }
    sd[i] = std::sqrt(numpy_sum(dev.data(), m) / static_cast<double>(m));
  }
  return sd;
}

std::vector<double> read_vector(hid_t group, const std::string& name) {
  h5::Handle d = h5::open_dataset(group, name);
  return h5::read_doubles(d.id());
}

}  // namespace mindset
