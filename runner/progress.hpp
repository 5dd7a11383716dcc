// Progress of a training run on stderr: a bar redrawn in place on a terminal (iteration, cost,
// it/s, ETA), plain lines every print_every iterations otherwise, and with --log-json one JSON
// object per line for other tools: {"event": "iteration" | "epoch" | "evaluation" | "end", ...},
// an "iteration" object for every recorded iteration.
#pragma once

#include <cstdio>

#include <chrono>
#include <optional>
#include <string>

#include "trainer.hpp"

namespace mindset {

class ProgressReporter {
 public:
  struct Setup {
    TrainOptions::Progress mode = TrainOptions::Progress::none;
    bool json = false;
    std::string name, metric;
    long long total = 0, print_every = 0, epochs = 0;  // epochs: 0 when the run counts iterations
    std::FILE* out = stderr;  // where it all goes
  };
  explicit ProgressReporter(Setup s);

  void start(long long it);
  // After iteration `it` (0-based; its update done) with the cost of its forward pass.
  void iteration(long long it, long long epoch, double cost, double lr, bool recorded);
  void epoch(long long epoch, long long it, double cost, double metric, std::optional<double> validation_cost,
             std::optional<double> validation_metric);
  void evaluation(long long it, double train, std::optional<double> test);
  void end(const TrainOutcome& out);

 private:
  void draw_bar(long long done, double cost, bool final);
  double elapsed() const;

  Setup s_;
  std::chrono::steady_clock::time_point t0_, last_draw_;
  long long start_it_ = 0;
  bool bar_open_ = false;
  long long epoch_ = 0;
};

}  // namespace mindset
