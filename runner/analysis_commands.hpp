// The commands that look at results: inspect, predict, gradcheck. Each returns the process exit
// code (0 success, 1 a failed check or internal error, 2 bad input).
#pragma once

#include <string>
#include <vector>

namespace mindset {

struct InspectArgs {
  std::string path;  // a results file, a sweep folder (summary.h5) or a folder of results files
  std::string sort;  // sweep table: the column to sort by ("" = test_accuracy, else train_accuracy)
};
int cmd_inspect(const InspectArgs& a);

struct PredictArgs {
  std::string run;     // results file
  std::string data;    // a data-source map: a YAML file, or inline YAML ({type: csv, path: ...})
  std::string config;  // or an experiment config, whose split `split` is predicted
  std::string split;   // test | train | validation; "" = test when the config has one, else train
  std::string output;  // .csv or .h5; "" = CSV on stdout (the summary then goes to stderr)
  bool features = false;  // also write the input features (before preprocessing)
};
int cmd_predict(const PredictArgs& a);

struct GradcheckArgs {
  std::string config;
  std::vector<std::string> overrides;
  long long examples = 10;
  long long entries = 0;  // at most this many entries of each parameter matrix (0 = all)
  double epsilon = 1e-6;
  double threshold = 1e-7;
};
int cmd_gradcheck(const GradcheckArgs& a);

}  // namespace mindset
