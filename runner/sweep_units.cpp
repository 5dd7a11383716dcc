// Work units of a sweep: which runs train together (sweep fusion) and how groups are split so
// that every process that runs at once has one.
#include <algorithm>
#include <string>
#include <utility>

#include "fused.hpp"
#include "sweep_exec.hpp"

namespace mindset {

namespace {

// The part of a fused run's work that differs between members: its first layer's width (they
// share their examples, so the product over X and the elementwise work grow with it).
double run_cost(const SweepPlan& plan, std::size_t run) {
  const auto& layers = plan.runs[run].experiment.resolved.at("model").at("layers").items();
  return 1.0 + static_cast<double>(layers.front().get_integer("units"));
}

// Cuts u in two contiguous parts whose costs are as close as can be.
std::pair<WorkUnit, WorkUnit> halve(const SweepPlan& plan, const WorkUnit& u) {
  double total = 0, left = 0;
  for (std::size_t r : u) total += run_cost(plan, r);
  std::size_t cut = 1;
  double best = total;
  for (std::size_t k = 1; k < u.size(); ++k) {
    left += run_cost(plan, u[k - 1]);
    const double worst = std::max(left, total - left);
    if (worst < best) best = worst, cut = k;
  }
  return {WorkUnit(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(cut)),
          WorkUnit(u.begin() + static_cast<std::ptrdiff_t>(cut), u.end())};
}

}  // namespace

std::vector<WorkUnit> make_units(const SweepPlan& plan, const std::vector<std::size_t>& todo, bool fuse,
                                 std::size_t slots) {
  std::vector<WorkUnit> units;
  std::vector<std::string> keys;  // of units that are fused groups ("" for single runs)
  for (std::size_t i : todo) {
    const std::string key = fuse ? fusion_key(plan.runs[i].experiment) : "";
    auto it = key.empty() ? keys.end() : std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      units.push_back({i});
      keys.push_back(key);
    } else {
      units[static_cast<std::size_t>(it - keys.begin())].push_back(i);
    }
  }
  std::vector<WorkUnit> out;  // groups larger than kMaxFused in equal parts, in order
  for (WorkUnit& u : units) {
    const std::size_t parts = (u.size() + kMaxFused - 1) / kMaxFused, per = (u.size() + parts - 1) / parts;
    for (std::size_t k = 0; k < u.size(); k += per)
      out.emplace_back(u.begin() + static_cast<std::ptrdiff_t>(k), u.begin() + static_cast<std::ptrdiff_t>(std::min(u.size(), k + per)));
  }
  // A group trains in one process: with fewer units than slots, halve the costliest group until
  // every slot has a unit (each then trains on one core, its elementwise work in parallel with
  // the others', instead of one process sharing its products between threads).
  while (out.size() < slots) {
    std::size_t pick = out.size();
    double most = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].size() < 2) continue;
      double c = 0;
      for (std::size_t r : out[i]) c += run_cost(plan, r);
      if (c > most) most = c, pick = i;
    }
    if (pick == out.size()) break;
    auto halves = halve(plan, out[pick]);
    out[pick] = std::move(halves.first);
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(pick) + 1, std::move(halves.second));
  }
  return out;
}

}  // namespace mindset
