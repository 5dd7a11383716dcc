// Examples from a CSV file (RFC 4180 with a header row): a label column, numeric feature
// columns, categorical columns (one-hot encoded later, categories from the training split) and
// a policy for missing values. The source reads the table raw; load_data encodes it after the
// split so that no statistic of test examples shapes the features (see encoding.hpp).
#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "csv_reader.hpp"
#include "dataset.hpp"
#include "encoding.hpp"

namespace mindset {

namespace {

using Policy = MissingRule::Policy;
const std::vector<std::string> kPolicies = {"error", "drop", "mean", "median", "most_frequent"};

std::string join(const std::vector<std::string>& v, std::size_t limit = 40) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > limit) s += ", ...";
  return s;
}

std::string trimmed(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

class CsvSource : public DataSource {
 public:
  explicit CsvSource(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    ConfigNode na = ConfigNode::sequence();
    for (const char* s : {"", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None"}) na.items().push_back(ConfigNode::of(s));
    auto names = [](const char* doc) { return spec::list(spec::string(), doc); };
    return {"csv", "a CSV file (RFC 4180) with a header row: label, numeric and categorical columns",
            spec::map()
                .field("path", spec::path("the CSV file").require().existing())
                .field("label", spec::string("the column of the labels").def_doc("none: required on data.train, inherited by data.test"))
                .field("columns", names("feature columns in this order").def_doc("all but the label and ignored"))
                .field("ignore", names("columns left out (e.g. PassengerId, Name)"))
                .field("categorical", names("columns one-hot encoded; categories from the training split"))
                .field("missing", spec::any("missing values: error, drop (the row), mean, median, most_frequent or a "
                                            "constant; for all columns, or a map {column: policy}")
                                      .def_doc("error"))
                .field("positive", spec::string("the label value that means 1, when labels are not 0/1"))
                .field("delimiter", spec::string("the field separator, one character").def(ConfigNode::of(",")))
                .field("na_values", spec::list(spec::string(), "field texts that mean a missing value").def(na))};
  }

  Dataset load() override {
    const std::string path = o_.get_string("path");
    const std::string& delim = o_.get_string("delimiter");
    if (delim.size() != 1 || delim == "\"" || delim == "\n" || delim == "\r")
      fail("delimiter", "must be one character other than a quote or a line break, found '" + delim + "'");
    for (const auto& v : o_.at("na_values").items()) na_.insert(trimmed(v.text()));
    CsvReader rd(path, delim[0]);
    std::vector<CsvField> f;
    std::size_t count = 0;
    if (!rd.next(f, count)) fail("path", "the file " + path + " is empty; a CSV file starts with a header row naming the columns");
    read_header(rd, f, count);
    rd.expect_fields(count, rd.record_line());
    select_columns();

    std::vector<double> row(cols_.size());
    std::size_t rows = 0, dropped = 0, capacity = 0;
    std::vector<std::size_t> drops(cols_.size() + 1, 0);
    while (rd.next(f, count)) {
      ++rows;
      bool drop = false;
      double label = std::nan("");  // stays NaN in a table without labels
      if (has_label()) {
        const CsvField& lf = f[label_];
        if (is_na(lf)) {
          if (label_rule_ != Policy::Drop)
            rd.fail(lf.line, lf.column, "the label ('" + header_[label_] + "') is missing; rows need a label "
                                        "(missing: drop leaves such rows out)");
          drop = true;
          ++drops[cols_.size()];
        } else {
          label = read_label(rd, lf);
        }
      }
      for (std::size_t c = 0; c < cols_.size(); ++c) {
        Col& col = cols_[c];
        const CsvField& x = f[col.index];
        if (is_na(x)) {
          if (col.rule.policy == Policy::Drop) {
            drop = true;
            ++drops[c];
          } else if (col.rule.policy == Policy::Error) {
            rd.fail(x.line, x.column, "column '" + col.name + "': a missing value ('" + x.text +
                                          "'); choose what to do with missing values, e.g. missing: {" + col.name +
                                          ": " + (col.categorical ? "most_frequent" : "median") +
                                          "} (or drop, mean, a constant)");
          }
          row[c] = std::nan("");
        } else if (col.categorical) {
          auto it = col.codes.find(x.text);
          if (it == col.codes.end()) {
            it = col.codes.emplace(x.text, col.levels.size()).first;
            col.levels.push_back(x.text);
          }
          row[c] = static_cast<double>(it->second);
        } else {
          double v;
          if (!parse_number(x.text, v))
            rd.fail(x.line, x.column, "column '" + col.name + "': '" + x.text + "' is not a number; list '" +
                                          col.name + "' under categorical: or ignore: it");
          if (!std::isfinite(v))
            rd.fail(x.line, x.column, "column '" + col.name + "': '" + x.text + "' is not a finite number");
          row[c] = v;
        }
      }
      if (drop) {
        ++dropped;
        continue;
      }
      if (y_.size() == capacity) capacity = grow(rd, capacity);
      for (std::size_t c = 0; c < cols_.size(); ++c) cols_[c].values.push_back(row[c]);
      y_.push_back(label);
    }
    return finish(rd, path, rows, dropped, drops);
  }

 private:
  struct Col {
    std::string name;
    std::size_t index = 0;  // in the header
    bool categorical = false;
    MissingRule rule;
    std::unordered_map<std::string, std::size_t> codes;
    std::vector<std::string> levels;
    std::vector<double> values;
  };

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    const ConfigNode* n = o_.find(key);
    throw UserError(n ? n->mark() : o_.mark(), key, msg);
  }
  [[noreturn]] static void fail_at(const ConfigNode& n, const std::string& key, const std::string& msg) {
    throw UserError(n.mark(), key, msg);
  }

  bool has_label() const { return label_ != kNoLabel; }
  bool is_na(const CsvField& f) const { return na_.count(f.quoted ? f.text : trimmed(f.text)) > 0; }

  void read_header(const CsvReader& rd, const std::vector<CsvField>& f, std::size_t count) {
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < count; ++i) {
      std::string name = f[i].text.empty() ? "column_" + std::to_string(i + 1) : f[i].text;
      auto [it, fresh] = seen.emplace(name, i);
      if (!fresh)
        rd.fail(f[i].line, f[i].column, "the header names column '" + name + "' twice (columns " +
                                            std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")");
      header_.push_back(name);
    }
  }

  // Index of a column named in the config at `n`, or an error with the closest header name.
  std::size_t column_index(const ConfigNode& n, const std::string& key) const {
    auto it = std::find(header_.begin(), header_.end(), n.text());
    if (it != header_.end()) return static_cast<std::size_t>(it - header_.begin());
    std::string best = closest_match(n.text(), header_);
    fail_at(n, key, "no column '" + n.text() + "' in " + o_.get_string("path") +
                        (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; its columns: " + join(header_));
  }

  std::vector<std::size_t> name_list(const std::string& key) const {
    std::vector<std::size_t> out;
    if (const ConfigNode* l = o_.find(key))
      for (std::size_t i = 0; i < l->items().size(); ++i)
        out.push_back(column_index(l->items()[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }

  void select_columns() {
    const ConfigNode* lab = o_.find("label");
    // `mindset predict` reads tables without a label column: it sets labels_optional (not part of
    // the schema, so configs cannot) and gets a Dataset with no labels (y empty).
    const bool optional = o_.find("labels_optional") && o_.at("labels_optional").as_bool();
    if (!lab && !optional) fail("label", "missing required key 'label' (the column of the labels)");
    if (optional && (!lab || std::find(header_.begin(), header_.end(), lab->text()) == header_.end()))
      label_ = kNoLabel;
    else
      label_ = column_index(*lab, "label");
    std::vector<std::size_t> ignore = name_list("ignore"), categorical = name_list("categorical");
    auto has = [](const std::vector<std::size_t>& v, std::size_t i) { return std::find(v.begin(), v.end(), i) != v.end(); };
    std::vector<std::size_t> features;
    if (o_.find("columns")) {
      features = name_list("columns");
      for (std::size_t i = 0; i < features.size(); ++i) {
        const ConfigNode& n = o_.at("columns").items()[i];
        std::string key = "columns[" + std::to_string(i) + "]";
        if (features[i] == label_) fail_at(n, key, "'" + n.text() + "' is the label; it can't be a feature too");
        if (has(ignore, features[i])) fail_at(n, key, "'" + n.text() + "' is also listed under ignore");
        if (std::find(features.begin(), features.begin() + static_cast<long>(i), features[i]) != features.begin() + static_cast<long>(i))
          fail_at(n, key, "'" + n.text() + "' is listed twice");
      }
    } else {
      for (std::size_t i = 0; i < header_.size(); ++i)
        if (i != label_ && !has(ignore, i)) features.push_back(i);
    }
    if (has_label() && has(ignore, label_)) fail("ignore", "'" + header_[label_] + "' is the label; it can't be ignored");
    for (std::size_t i = 0; i < categorical.size(); ++i) {
      const ConfigNode& n = o_.at("categorical").items()[i];
      std::string key = "categorical[" + std::to_string(i) + "]";
      if (categorical[i] == label_) fail_at(n, key, "'" + n.text() + "' is the label; only features are one-hot encoded");
      if (!has(features, categorical[i])) fail_at(n, key, "'" + n.text() + "' is not one of the feature columns");
    }
    if (features.empty()) fail("columns", "no feature columns are left (the file has only: " + join(header_) + ")");
    for (std::size_t i : features) {
      Col c;
      c.name = header_[i];
      c.index = i;
      c.categorical = has(categorical, i);
      cols_.push_back(std::move(c));
    }
    read_missing();
  }

  // Parses one policy: a name, a constant, or {constant: value}.
  MissingRule parse_rule(const ConfigNode& n, bool categorical, const std::string& key) const {
    MissingRule r;
    const ConfigNode* v = &n;
    bool explicit_constant = false;
    if (n.is_map()) {
      if (n.size() != 1 || !n.find("constant") || !n.at("constant").is_scalar())
        fail_at(n, key, "expected a policy (" + join(kPolicies) + "), a constant, or {constant: value}");
      v = &n.at("constant");
      explicit_constant = true;
    } else if (!n.is_scalar()) {
      fail_at(n, key, "expected a policy (" + join(kPolicies) + ") or a constant, found " + n.describe());
    }
    const std::string& t = v->text();
    if (!explicit_constant) {
      auto it = std::find(kPolicies.begin(), kPolicies.end(), t);
      if (it != kPolicies.end()) {
        r.policy = static_cast<Policy>(it - kPolicies.begin());
        return r;
      }
    }
    r.policy = Policy::Constant;
    r.text = t;
    if (!categorical) {
      if (!v->is_number() || !std::isfinite(v->as_number())) {
        std::string best = closest_match(t, kPolicies);
        fail_at(*v, key, "'" + t + "' is neither a policy nor a number" +
                             (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; allowed: " + join(kPolicies) +
                             ", or a number");
      }
      r.number = v->as_number();
    } else if (!explicit_constant) {
      std::string best = closest_match(t, kPolicies);
      if (!best.empty())
        fail_at(*v, key, "unknown policy '" + t + "' (did you mean '" + best + "'?); to fill with the category '" + t +
                             "', write {constant: " + t + "}");
    }
    return r;
  }

  void read_missing() {
    const ConfigNode* m = o_.find("missing");
    label_rule_ = Policy::Error;
    if (!m) return;
    const bool per_column = m->is_map() && !(m->size() == 1 && m->find("constant") &&
                                             std::find(header_.begin(), header_.end(), "constant") == header_.end());
    if (!per_column) {
      for (Col& c : cols_) {
        c.rule = parse_rule(*m, c.categorical, "missing");
        if (c.categorical && c.rule.policy == Policy::Constant && m->is_scalar()) c.rule.text = m->text();
      }
      if (cols_.empty() || parse_rule(*m, true, "missing").policy == Policy::Drop) label_rule_ = Policy::Drop;
      return;
    }
    for (const auto& [name, value] : m->entries()) {
      const std::string key = "missing." + name;
      if (!has_label() && o_.find("label") && name == o_.get_string("label")) continue;  // no label column here
      ConfigNode name_node = ConfigNode::scalar(name, true, m->key_mark(name));
      std::size_t idx = column_index(name_node, key);
      if (idx == label_) {
        MissingRule r = parse_rule(value, true, key);
        if (r.policy != Policy::Error && r.policy != Policy::Drop)
          fail_at(value, key, "the label's missing values can only be an error or dropped (drop)");
        label_rule_ = r.policy;
        continue;
      }
      auto c = std::find_if(cols_.begin(), cols_.end(), [&](const Col& x) { return x.index == idx; });
      if (c == cols_.end()) fail_at(name_node, key, "'" + name + "' is not one of the feature columns");
      c->rule = parse_rule(value, c->categorical, key);
      if (c->categorical && (c->rule.policy == Policy::Mean || c->rule.policy == Policy::Median))
        fail_at(value, key, "'" + value.text() + "' needs numbers; '" + name +
                                "' is categorical: use most_frequent or a constant");
    }
  }

  double read_label(const CsvReader& rd, const CsvField& f) {
    const std::string t = f.quoted ? f.text : trimmed(f.text);
    const ConfigNode* pos = o_.find("positive");
    if (!pos) {
      double v;
      if (!parse_number(t, v))
        rd.fail(f.line, f.column, "the label '" + t + "' is not a number; name the value that means 1 with "
                                  "positive: (e.g. positive: " + t + ")");
      if (!std::isfinite(v)) rd.fail(f.line, f.column, "the label '" + t + "' is not a finite number");
      return v;
    }
    double a, b;
    const bool numeric = parse_number(t, a) && parse_number(pos->text(), b);
    if (numeric ? a == b : t == pos->text()) {
      positive_seen_ = t;
      return 1.0;
    }
    if (negative_.empty()) {
      negative_ = t;
    } else if (numeric ? !(parse_number(negative_, b) && a == b) : t != negative_) {
      if (positive_seen_.empty()) {
        std::string best = closest_match(pos->text(), {negative_, t});
        rd.fail(f.line, f.column, "the label column has the values '" + negative_ + "' and '" + t + "' but never positive: '" +
                                      pos->text() + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                                      "; positive: names the value that means 1");
      }
      rd.fail(f.line, f.column, "the label column has a third value '" + t + "' (besides '" + positive_seen_ + "' and '" +
                                    negative_ + "'); positive: maps a label with two values to 1 and 0");
    }
    return 0.0;
  }

  std::size_t grow(const CsvReader& rd, std::size_t capacity) {
    const std::size_t next = std::max<std::size_t>(1024, capacity * 2);
    const long double bytes = static_cast<long double>(next) * static_cast<long double>(cols_.size() + 1) * 8.0L;
    if (bytes > static_cast<long double>(available_memory()) / 2)
      rd.fail(rd.record_line(), 0, "the table needs more memory than is available (" + std::to_string(y_.size()) +
                                       " rows of " + std::to_string(cols_.size()) + " columns read so far)");
    for (Col& c : cols_) c.values.reserve(next);
    y_.reserve(next);
    return next;
  }

  Dataset finish(const CsvReader& rd, const std::string& path, std::size_t rows, std::size_t dropped,
                 const std::vector<std::size_t>& drops) {
    if (rows == 0) fail("path", "the file " + path + " has a header but no rows of data");
    if (y_.empty())
      fail("missing", "all " + std::to_string(rows) + " rows of " + path + " have missing values and were dropped");
    if (const ConfigNode* pos = o_.find("positive"); pos && positive_seen_.empty() && has_label()) {
      std::vector<std::string> found = {negative_};
      std::string best = closest_match(pos->text(), found);
      fail("positive", "the label column '" + header_[label_] + "' never has the value '" + pos->text() + "'" +
                           (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; it has: " + negative_);
    }
    const std::size_t m = y_.size(), k = cols_.size();
    Dataset d;
    d.x = xt::xtensor<double, 2>::from_shape({k, m});
    auto table = std::make_shared<RawTable>();
    ConfigNode used = ConfigNode::sequence();
    for (std::size_t c = 0; c < k; ++c) {
      std::copy(cols_[c].values.begin(), cols_[c].values.end(), d.x.data() + c * m);
      std::vector<double>().swap(cols_[c].values);  // free as we go: peak stays near one table
      table->columns.push_back(RawColumn{cols_[c].name, cols_[c].categorical, std::move(cols_[c].levels), cols_[c].rule});
      used.items().push_back(ConfigNode::of(cols_[c].name));
    }
    d.y = std::move(y_);
    if (!has_label()) d.y.clear();
    d.raw = std::move(table);
    if (o_.find("positive") && has_label()) d.classes = {negative_.empty() ? "not " + positive_seen_ : negative_, positive_seen_};
    d.provenance = ConfigNode::map();
    d.provenance.set("type", ConfigNode::of("csv"));
    d.provenance.set("path", ConfigNode::of(path));
    if (has_label()) d.provenance.set("label", ConfigNode::of(header_[label_]));
    d.provenance.set("columns", used);
    d.provenance.set("rows", ConfigNode::of(static_cast<long long>(rows)));
    d.provenance.set("dropped_rows", ConfigNode::of(static_cast<long long>(dropped)));
    if (dropped) {
      std::string why;
      for (std::size_t c = 0; c <= k; ++c)
        if (drops[c]) why += (why.empty() ? "" : ", ") + (c < k ? cols_[c].name : std::string("the label")) + " " + std::to_string(drops[c]);
      d.warnings.push_back("dropped " + std::to_string(dropped) + " of " + std::to_string(rows) + " rows of " + path +
                           " for missing values (" + why + ")");
    }
    (void)rd;
    return d;
  }

  ConfigNode o_;
  std::set<std::string> na_;
  std::vector<std::string> header_;
  static constexpr std::size_t kNoLabel = static_cast<std::size_t>(-1);
  std::size_t label_ = 0;
  Policy label_rule_ = Policy::Error;
  std::vector<Col> cols_;
  std::vector<double> y_;
  std::string positive_seen_, negative_;
};

}  // namespace

MINDSET_REGISTER(DataTag, CsvSource);

}  // namespace mindset
