#include "progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mindset {

namespace {

// A JSON number; NaN and infinities (a diverging cost) become null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  long long s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

}  // namespace

ProgressReporter::ProgressReporter(Setup s) : s_(std::move(s)) {}

double ProgressReporter::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

void ProgressReporter::start(long long it) {
  t0_ = last_draw_ = std::chrono::steady_clock::now();
  start_it_ = it;
  if (it > 0 && s_.mode != TrainOptions::Progress::none)
    std::fprintf(s_.out, "%s: resuming from the checkpoint at iteration %lld/%lld\n", s_.name.c_str(), it, s_.total);
  if (it > 0 && s_.json) std::fprintf(s_.out, "{\"event\": \"resume\", \"iteration\": %lld}\n", it);
}

void ProgressReporter::draw_bar(long long done, double cost, bool final) {
  const double secs = elapsed();
  const double rate = secs > 0 ? static_cast<double>(done - start_it_) / secs : 0.0;
  const double eta = rate > 0 ? static_cast<double>(s_.total - done) / rate : NAN;
  constexpr int width = 24;
  const double frac = s_.total > 0 ? static_cast<double>(done) / static_cast<double>(s_.total) : 1.0;
  char bar[width + 1];
  const int filled = static_cast<int>(frac * width);
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  char ep[48] = "";
  if (s_.epochs > 0)  // the epoch under way (the last one once done)
    std::snprintf(ep, sizeof ep, "  epoch %lld/%lld", std::min(epoch_ + (final ? 0 : 1), s_.epochs), s_.epochs);
  std::fprintf(s_.out, "\r%s [%s] %lld/%lld%s  cost %.6g  %.0f it/s  %s %s\x1b[K", s_.name.c_str(), bar, done,
               s_.total, ep, cost, rate, final ? "in" : "ETA", final ? clock_text(secs).c_str() : clock_text(eta).c_str());
  if (final) std::fputc('\n', s_.out);
  std::fflush(s_.out);
  bar_open_ = !final;
}

void ProgressReporter::iteration(long long it, long long epoch, double cost, double lr, bool recorded) {
  epoch_ = epoch;
  if (s_.json && recorded)
    std::fprintf(s_.out, "{\"event\": \"iteration\", \"iteration\": %lld, \"epoch\": %lld, \"cost\": %s, "
                 "\"learning_rate\": %s, \"elapsed\": %s}\n",
                 it, epoch, json_number(cost).c_str(), json_number(lr).c_str(), json_number(elapsed()).c_str());
  if (s_.mode == TrainOptions::Progress::bar) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ >= std::chrono::milliseconds(100)) {
      last_draw_ = now;
      draw_bar(it + 1, cost, false);
    }
  } else if (s_.mode == TrainOptions::Progress::lines && s_.print_every > 0 && it % s_.print_every == 0) {
    const double secs = elapsed();
    const double rate = secs > 0 ? static_cast<double>(it + 1 - start_it_) / secs : 0.0;
    std::fprintf(s_.out, "%s: iteration %lld/%lld  cost %.6f  lr %.3g  %.0f it/s  ETA %s\n", s_.name.c_str(), it,
                 s_.total, cost, lr, rate,
                 clock_text(rate > 0 ? static_cast<double>(s_.total - it - 1) / rate : NAN).c_str());
  }
}

void ProgressReporter::epoch(long long epoch, long long it, double cost, double metric,
                             std::optional<double> validation_cost, std::optional<double> validation_metric) {
  epoch_ = epoch;
  if (!s_.json) return;
  std::fprintf(s_.out, "{\"event\": \"epoch\", \"epoch\": %lld, \"iteration\": %lld, \"cost\": %s, \"train_%s\": %s",
               epoch, it, json_number(cost).c_str(), s_.metric.c_str(), json_number(metric).c_str());
  if (validation_cost)
    std::fprintf(s_.out, ", \"validation_cost\": %s, \"validation_%s\": %s", json_number(*validation_cost).c_str(),
                 s_.metric.c_str(), json_number(validation_metric.value_or(NAN)).c_str());
  std::fprintf(s_.out, "}\n");
}

void ProgressReporter::evaluation(long long it, double train, std::optional<double> test) {
  if (!s_.json) return;
  std::fprintf(s_.out, "{\"event\": \"evaluation\", \"iteration\": %lld, \"train_%s\": %s", it, s_.metric.c_str(),
               json_number(train).c_str());
  if (test) std::fprintf(s_.out, ", \"test_%s\": %s", s_.metric.c_str(), json_number(*test).c_str());
  std::fprintf(s_.out, "}\n");
}

void ProgressReporter::end(const TrainOutcome& out) {
  if (bar_open_ || (s_.mode == TrainOptions::Progress::bar && out.iterations_done > start_it_))
    draw_bar(out.iterations_done, out.history.cost.empty() ? NAN : out.history.cost.back(), true);
  if (s_.json) {
    std::fprintf(s_.out, "{\"event\": \"end\", \"status\": %s, \"reason\": %s, \"iterations\": %lld, \"epochs\": %lld, "
                 "\"final_cost\": %s, \"train_%s\": %s",
                 json_string(out.status).c_str(), json_string(out.stop_reason).c_str(), out.iterations_done,
                 out.epochs_done, json_number(out.final_cost).c_str(), s_.metric.c_str(),
                 json_number(out.train_metric).c_str());
    if (out.test_metric) std::fprintf(s_.out, ", \"test_%s\": %s", s_.metric.c_str(), json_number(*out.test_metric).c_str());
    std::fprintf(s_.out, "}\n");
  }
  if (s_.mode != TrainOptions::Progress::none) {
    std::fprintf(s_.out, "%s: %s; final cost %.6f  train %s %.4f", s_.name.c_str(), out.stop_reason.c_str(),
                 out.final_cost, s_.metric.c_str(), out.train_metric);
    if (out.test_metric) std::fprintf(s_.out, "  test %s %.4f", s_.metric.c_str(), *out.test_metric);
    std::fprintf(s_.out, "\n");
  }
  std::fflush(s_.out);
}

}  // namespace mindset
