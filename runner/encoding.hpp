// Tables (CSV) before and after encoding. A tabular source leaves its columns raw: numbers as
// read, categories as codes into the file's own list of values, missing values as NaN. load_data
// splits the examples first and then fits an Encoding on the training split only (categories,
// imputed values), so nothing about the test examples leaks into how features are made.
#pragma once

#include <hdf5.h>

#include <memory>
#include <string>
#include <vector>

#include "dataset.hpp"

namespace mindset {

struct MissingRule {
  enum class Policy { Error, Drop, Mean, Median, MostFrequent, Constant };
  Policy policy = Policy::Error;
  double number = 0;  // Constant, numeric columns
  std::string text;   // Constant as written (the category of categorical columns)
  std::string name() const;  // "median", "constant 0"
};

struct RawColumn {
  std::string name;
  bool categorical = false;
  std::vector<std::string> levels;  // categorical: code -> the text in this file
  MissingRule missing;
};

// The columns of x (one row per column) of a Dataset that a tabular source produced.
struct RawTable {
  std::vector<RawColumn> columns;
};

// How raw columns become features, learned from the training split.
class Encoding {
 public:
  struct Column {
    std::string name;
    bool categorical = false;
    MissingRule missing;
    double fill = 0;                      // numeric: the value missing entries get
    std::string fill_text;                // categorical: the category missing entries get
    bool has_fill = false;                // a statistic or constant was computed
    std::vector<std::string> categories;  // categorical: sorted, one feature each
  };

  // Statistics and categories from `train` (a raw Dataset). Errors name the column.
  static Encoding fit(const Dataset& train);

  // Encodes raw examples into features (n_features x m). Columns are found by name, so a test
  // file may order them differently. `unseen` gets a note about categories not seen in training.
  Dataset apply(Dataset raw, std::string& unseen) const;

  std::size_t features() const;
  std::vector<std::string> feature_names() const;
  const std::vector<Column>& columns() const { return columns_; }

  // /data/encoding: enough for `predict` to encode new rows the same way.
  void write(hid_t data_group) const;
  // The encoding a results file stored (the inverse of write). Throws std::runtime_error when
  // /data/encoding is malformed.
  static Encoding read(hid_t data_group);

 private:
  std::vector<Column> columns_;
};

// Categories in mindset's deterministic order: numerically when every one is a number, else
// by bytes (so 1, 2, 10 and C, Q, S).
void sort_categories(std::vector<std::string>& values);

// Parses a whole number or decimal as CSV fields write them (surrounding blanks allowed).
bool parse_number(const std::string& text, double& out);

}  // namespace mindset
