#include "encoding.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

#include "h5.hpp"
#include "tensor.hpp"

namespace mindset {

std::string MissingRule::name() const {
  switch (policy) {
    case Policy::Error: return "error";
    case Policy::Drop: return "drop";
    case Policy::Mean: return "mean";
    case Policy::Median: return "median";
    case Policy::MostFrequent: return "most_frequent";
    case Policy::Constant: return "constant " + text;
  }
  return "";
}

bool parse_number(const std::string& text, double& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  while (b < e && (*b == ' ' || *b == '\t')) ++b;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t')) --e;
  if (b < e && *b == '+') ++b;
  if (b == e) return false;
  auto r = std::from_chars(b, e, out, std::chars_format::general);
  if (r.ptr != e) return false;
  if (r.ec == std::errc::result_out_of_range) out = (*b == '-' ? -HUGE_VAL : HUGE_VAL);  // reported as not finite
  else if (r.ec != std::errc()) return false;
  return true;
}

void sort_categories(std::vector<std::string>& values) {
  std::vector<std::pair<double, std::string>> nums;
  for (const auto& v : values) {
    double d;
    if (!parse_number(v, d) || std::isnan(d)) {
      std::sort(values.begin(), values.end());
      return;
    }
    nums.emplace_back(d, v);
  }
  std::sort(nums.begin(), nums.end());
  for (std::size_t i = 0; i < nums.size(); ++i) values[i] = nums[i].second;
}

namespace {

[[noreturn]] void column_error(const std::string& column, const std::string& msg) {
  throw UserError("column '" + column + "': " + msg);
}

// The most frequent of sorted values; ties go to the first (as np.unique + np.argmax).
template <class V, class Eq>
V most_frequent(const std::vector<V>& sorted, Eq eq) {
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && eq(sorted[j], sorted[i])) ++j;
    if (j - i > best_count) best = i, best_count = j - i;
    i = j;
  }
  return sorted[best];
}

}  // namespace

Encoding Encoding::fit(const Dataset& train) {
  using P = MissingRule::Policy;
  const RawTable& t = *train.raw;
  const std::size_t m = train.m();
  Encoding enc;
  for (std::size_t r = 0; r < t.columns.size(); ++r) {
    const RawColumn& rc = t.columns[r];
    Column c;
    c.name = rc.name;
    c.categorical = rc.categorical;
    c.missing = rc.missing;
    const double* row = train.x.data() + r * m;
    if (!rc.categorical) {
      std::vector<double> v;  // the present values, in file order
      v.reserve(m);
      for (std::size_t j = 0; j < m; ++j)
        if (!std::isnan(row[j])) v.push_back(row[j]);
      const P p = rc.missing.policy;
      if ((p == P::Mean || p == P::Median || p == P::MostFrequent) && v.empty())
        column_error(rc.name, "has no values in the training split to compute the " + rc.missing.name() + " from");
      if (p == P::Mean) c.fill = numpy_sum(v.data(), v.size()) / static_cast<double>(v.size());
      if (p == P::Median || p == P::MostFrequent) {
        std::sort(v.begin(), v.end());
        const std::size_t k = v.size();
        if (p == P::Median) c.fill = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2.0;
        else c.fill = most_frequent(v, [](double a, double b) { return a == b; });
      }
      if (p == P::Constant) c.fill = rc.missing.number;
      c.has_fill = p == P::Mean || p == P::Median || p == P::MostFrequent || p == P::Constant;
    } else {
      std::vector<std::size_t> counts(rc.levels.size(), 0);
      std::size_t missing = 0;
      for (std::size_t j = 0; j < m; ++j) {
        if (std::isnan(row[j])) ++missing;
        else ++counts[static_cast<std::size_t>(row[j])];
      }
      std::vector<std::string> seen;
      for (std::size_t code = 0; code < counts.size(); ++code)
        if (counts[code]) seen.push_back(rc.levels[code]);
      sort_categories(seen);
      if (rc.missing.policy == P::MostFrequent) {
        if (seen.empty()) column_error(rc.name, "has no values in the training split to find the most frequent one");
        std::map<std::string, std::size_t> by_text;
        for (std::size_t code = 0; code < counts.size(); ++code) by_text[rc.levels[code]] += counts[code];
        std::size_t best = 0;
        for (const auto& s : seen)  // in category order: ties go to the first
          if (by_text[s] > best) best = by_text[s], c.fill_text = s;
        c.has_fill = true;
      } else if (rc.missing.policy == P::Constant) {
        c.fill_text = rc.missing.text;
        c.has_fill = true;
      }
      if (missing > 0 && c.has_fill && std::find(seen.begin(), seen.end(), c.fill_text) == seen.end()) {
        seen.push_back(c.fill_text);
        sort_categories(seen);
      }
      c.categories = std::move(seen);
    }
    enc.columns_.push_back(std::move(c));
  }
  return enc;
}

std::size_t Encoding::features() const {
  std::size_t n = 0;
  for (const auto& c : columns_) n += c.categorical ? c.categories.size() : 1;
  return n;
}

std::vector<std::string> Encoding::feature_names() const {
  std::vector<std::string> names;
  for (const auto& c : columns_) {
    if (!c.categorical) names.push_back(c.name);
    else
      for (const auto& k : c.categories) names.push_back(c.name + "=" + k);
  }
  return names;
}

Dataset Encoding::apply(Dataset raw, std::string& unseen_note) const {
  const RawTable& t = *raw.raw;
  const std::size_t m = raw.m(), n = features();
  const long double bytes = static_cast<long double>(n) * static_cast<long double>(m) * 8.0L;
  if (bytes > static_cast<long double>(available_memory()))
    throw UserError("encoding gives " + std::to_string(n) + " features x " + std::to_string(m) + " examples (" +
                    size_text(bytes / (1 << 20)) +
                    " MiB), more than the memory available; do categorical columns have too many distinct values?");
  Dataset out;
  out.x = xt::zeros<double>({n, m});
  std::map<std::string, std::size_t> unseen;
  std::size_t row = 0;
  for (const Column& c : columns_) {
    std::size_t src = t.columns.size();
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].name == c.name) src = i;
    if (src == t.columns.size())
      throw UserError("the file has no column '" + c.name + "', which the training data has");
    const RawColumn& rc = t.columns[src];
    if (rc.categorical != c.categorical)
      column_error(c.name, std::string("is ") + (rc.categorical ? "categorical" : "numeric") + " here but " +
                               (c.categorical ? "categorical" : "numeric") + " in the training data");
    const double* in = raw.x.data() + src * m;
    double* dst = out.x.data() + row * m;
    auto no_fill = [&]() {
      column_error(c.name, std::string("has missing values but its policy '") + c.missing.name() +
                               "' gives none" + (c.categorical ? " for a categorical column (use most_frequent or a constant)" : ""));
    };
    if (!c.categorical) {
      for (std::size_t j = 0; j < m; ++j) {
        double v = in[j];
        if (std::isnan(v)) {
          if (!c.has_fill) no_fill();
          v = c.fill;
        }
        dst[j] = v;
      }
      row += 1;
      continue;
    }
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t k = 0; k < c.categories.size(); ++k) index.emplace(c.categories[k], k);
    auto lookup = [&](const std::string& s) -> long {
      auto it = index.find(s);
      if (it != index.end()) return static_cast<long>(it->second);
      ++unseen[c.name + " '" + s + "'"];
      return -1;
    };
    std::vector<long> code_to_cat(rc.levels.size(), -2);  // -2: not looked up yet
    for (std::size_t j = 0; j < m; ++j) {
      long k;
      if (std::isnan(in[j])) {
        if (!c.has_fill) no_fill();
        k = lookup(c.fill_text);
      } else {
        long& cached = code_to_cat[static_cast<std::size_t>(in[j])];
        if (cached == -2) {
          auto it = index.find(rc.levels[static_cast<std::size_t>(in[j])]);
          cached = it == index.end() ? -1 : static_cast<long>(it->second);
        }
        k = cached;
        if (k < 0) ++unseen[c.name + " '" + rc.levels[static_cast<std::size_t>(in[j])] + "'"];
      }
      if (k >= 0) dst[static_cast<std::size_t>(k) * m + j] = 1.0;
    }
    row += c.categories.size();
  }
  unseen_note.clear();
  if (!unseen.empty()) {
    std::size_t total = 0, listed = 0;
    std::string list;
    for (const auto& [what, count] : unseen) {
      total += count;
      if (listed++ < 10) list += (list.empty() ? "" : ", ") + what + " x" + std::to_string(count);
    }
    if (unseen.size() > 10) list += ", ...";
    unseen_note = std::to_string(total) + " categorical value" + (total == 1 ? " was" : "s were") +
                  " not seen in the training split and " + (total == 1 ? "is" : "are") +
                  " encoded as all zeros: " + list;
  }
  out.y = std::move(raw.y);
  out.classes = std::move(raw.classes);
  out.provenance = std::move(raw.provenance);
  out.feature_names = feature_names();
  return out;
}

void Encoding::write(hid_t data_group) const {
  h5::Handle g = h5::create_group(data_group, "encoding");
  std::vector<std::string> names;
  for (const auto& c : columns_) names.push_back(c.name);
  h5::set_attr(g.id(), "columns", names);
  h5::set_attr(g.id(), "description",
               std::string("raw columns in order; numeric ones give one feature, categorical ones one per "
                           "category (one-hot, unseen categories all zeros); missing values get `fill`"));
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    h5::Handle cg = h5::create_group(g.id(), "column_" + std::to_string(i + 1));
    h5::set_attr(cg.id(), "name", c.name);
    h5::set_attr(cg.id(), "kind", std::string(c.categorical ? "categorical" : "numeric"));
    h5::set_attr(cg.id(), "missing", c.missing.name());
    if (c.has_fill) {
      if (c.categorical) h5::set_attr(cg.id(), "fill", c.fill_text);
      else h5::set_attr(cg.id(), "fill", c.fill);
    }
    if (c.categorical) h5::write_strings(cg.id(), "categories", c.categories);
  }
}

Encoding Encoding::read(hid_t data_group) {
  using P = MissingRule::Policy;
  h5::Handle g = h5::open_group(data_group, "encoding");
  Encoding enc;
  for (std::size_t i = 1;; ++i) {
    const std::string name = "column_" + std::to_string(i);
    if (!h5::exists(g.id(), name)) break;
    h5::Handle cg = h5::open_group(g.id(), name);
    Column c;
    c.name = h5::get_attr_string(cg.id(), "name");
    const std::string kind = h5::get_attr_string(cg.id(), "kind");
    if (kind != "categorical" && kind != "numeric")
      throw std::runtime_error("/data/encoding/" + name + ": unknown kind '" + kind + "'");
    c.categorical = kind == "categorical";
    const std::string missing = h5::get_attr_string(cg.id(), "missing");
    const std::pair<const char*, P> policies[] = {{"error", P::Error}, {"drop", P::Drop}, {"mean", P::Mean},
                                                  {"median", P::Median}, {"most_frequent", P::MostFrequent}};
    bool known = false;
    for (const auto& [text, policy] : policies)
      if (missing == text) c.missing.policy = policy, known = true;
    if (!known && missing.rfind("constant ", 0) == 0) {
      c.missing.policy = P::Constant;
      c.missing.text = missing.substr(9);
      parse_number(c.missing.text, c.missing.number);
      known = true;
    }
    if (!known) throw std::runtime_error("/data/encoding/" + name + ": unknown missing-value policy '" + missing + "'");
    if (h5::has_attr(cg.id(), "fill")) {
      c.has_fill = true;
      if (c.categorical) {
        c.fill_text = h5::get_attr_string(cg.id(), "fill");
      } else {
        h5::Handle a(H5Aopen(cg.id(), "fill", H5P_DEFAULT), H5Aclose);
        if (!a || H5Aread(a.id(), H5T_NATIVE_DOUBLE, &c.fill) < 0)
          throw std::runtime_error("/data/encoding/" + name + ": cannot read its fill value");
      }
    }
    if (c.categorical) {
      h5::Handle cats = h5::open_dataset(cg.id(), "categories");
      c.categories = h5::read_strings(cats.id());
    }
    enc.columns_.push_back(std::move(c));
  }
  if (enc.columns_.empty()) throw std::runtime_error("/data/encoding has no columns");
  return enc;
}

}  // namespace mindset
