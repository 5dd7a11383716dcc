#include "registry.hpp"

#include <algorithm>
#include <cctype>

namespace mindset {

namespace {

std::vector<RegistryBase*>& catalog() {
  static std::vector<RegistryBase*> all;
  return all;
}

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
// transpositions ("tahn" -> "tanh") each cost one edit, as typos do.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  for (const auto& c : candidates)  // "Sigmoid" -> "sigmoid"
    if (c != word && lower(c) == lower(word)) return c;
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  // Suggest only what looks like a typo: a few edits, and not most of the word.
  std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, (word.size() + 1) / 3));
  return (best_d > 0 && best_d <= limit) ? best : std::string();
}

RegistryBase::RegistryBase(std::string kind, std::string plural)
    : kind_(std::move(kind)), plural_(std::move(plural)) {
  catalog().push_back(this);
}

void RegistryBase::add_info(TypeInfo info) {
  if (info.name.empty()) throw std::logic_error("a " + kind_ + " registered without a name");
  if (infos_.count(info.name))
    throw std::logic_error("duplicate " + kind_ + " '" + info.name + "' registered twice");
  std::string name = info.name;
  infos_.emplace(std::move(name), std::move(info));
}

const TypeInfo* RegistryBase::find(const std::string& name) const {
  auto it = infos_.find(name);
  return it == infos_.end() ? nullptr : &it->second;
}

const TypeInfo& RegistryBase::info(const std::string& name) const {
  const TypeInfo* t = find(name);
  if (!t) throw UnknownName(unknown_message(name));
  return *t;
}

std::vector<std::string> RegistryBase::names() const {
  std::vector<std::string> out;
  for (const auto& kv : infos_) out.push_back(kv.first);
  return out;
}

std::vector<const TypeInfo*> RegistryBase::types() const {
  std::vector<const TypeInfo*> out;
  for (const auto& kv : infos_) out.push_back(&kv.second);
  return out;
}

std::string RegistryBase::unknown_message(const std::string& name) const {
  std::vector<std::string> known = names();
  std::string msg = "unknown " + kind_ + " '" + name + "'";
  std::string best = closest_match(name, known);
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  if (!best.empty() && best != name)
    msg += " (did you mean '" + best + "'? known " + plural_ + ": " + list + ")";
  else
    msg += " (known " + plural_ + ": " + list + ")";
  return msg;
}

RegistryBase* find_registry(const std::string& kind_or_plural) {
  for (RegistryBase* r : catalog())
    if (r->kind() == kind_or_plural || r->plural() == kind_or_plural) return r;
  return nullptr;
}

std::vector<RegistryBase*> all_registries() {
  static const std::vector<std::string> order = {"layer",     "activation", "initializer", "loss",
                                                 "optimizer", "schedule",   "data",        "preprocess"};
  std::vector<RegistryBase*> out = catalog();
  auto rank = [](const RegistryBase* r) {
    auto it = std::find(order.begin(), order.end(), r->kind());
    return std::make_pair(static_cast<std::size_t>(it - order.begin()), r->kind());
  };
  std::sort(out.begin(), out.end(),
            [&](const RegistryBase* a, const RegistryBase* b) { return rank(a) < rank(b); });
  return out;
}

}  // namespace mindset
