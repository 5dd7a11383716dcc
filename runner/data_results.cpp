#include "data_results.hpp"

#include <map>

#include "encoding.hpp"
#include "h5.hpp"
#include "preprocess.hpp"
#include "yaml_tree.hpp"

namespace mindset {

namespace {

void write_attributes(hid_t obj, const ConfigNode& map) {
  for (const auto& [k, v] : map.entries()) {
    if (v.is_integer()) h5::set_attr(obj, k, static_cast<std::int64_t>(v.as_integer()));
    else if (v.is_number() && !v.quoted()) h5::set_attr(obj, k, v.as_number());
    else if (v.is_scalar()) h5::set_attr(obj, k, v.text());
    else h5::set_attr(obj, k, emit_flow(v));
  }
}

void write_split(hid_t data, const char* name, const Dataset& d) {
  h5::Handle g = h5::create_group(data, name);
  write_attributes(g.id(), d.provenance);
  h5::set_attr(g.id(), "m", static_cast<std::int64_t>(d.m()));
  h5::set_attr(g.id(), "n", static_cast<std::int64_t>(d.n()));
  if (!d.classes.empty()) h5::write_strings(g.id(), "classes", d.classes);
  if (d.provenance.find("class_balance")) {
    std::map<double, std::int64_t> counts;
    for (double v : d.y) ++counts[v];
    std::vector<double> values;
    std::vector<std::int64_t> n;
    for (const auto& [v, c] : counts) values.push_back(v), n.push_back(c);
    h5::write_vector(g.id(), "class_values", values);
    h5::write_vector(g.id(), "class_counts", n);
  }
}

}  // namespace

void write_data_group(hid_t root, const DataBundle& data) {
  h5::Handle g = h5::create_group(root, "data");
  h5::set_attr(g.id(), "n", static_cast<std::int64_t>(data.train.n()));
  if (!data.warnings.empty()) h5::set_attr(g.id(), "warnings", data.warnings);
  if (!data.train.feature_names.empty()) h5::write_strings(g.id(), "feature_names", data.train.feature_names);
  write_split(g.id(), "train", data.train);
  if (data.test) write_split(g.id(), "test", *data.test);
  if (data.validation) write_split(g.id(), "validation", *data.validation);
  if (data.encoding) data.encoding->write(g.id());
  write_preprocessing(g.id(), data.preprocess, data.preprocess_config);
}

}  // namespace mindset
