// Registries, in the manner of Caffe's layer factory: one function-local static table per kind
// (layers, activations, losses, initialisers, optimisers, data sources). Each type registers
// itself with one line at the end of its own .cpp (see MINDSET_REGISTER below); duplicate names
// are rejected; an unknown name is answered with the known ones and the closest match.
//
// Types that exist for each scalar type (float, double) register one factory per scalar from the
// same class template, so a network in float32 and one in float64 share every line of code.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "options.hpp"

namespace mindset {

// What a registered type tells the world about itself: `mindset list`, the config validator, the
// JSON Schema and the docs all read this.
struct TypeInfo {
  std::string name;
  std::string description;  // one line
  Spec options;             // a map spec of its options (the `type` key is implicit)
};

// An unknown name, with the message users see ("unknown activation 'tahn' (did you mean ...").
class UnknownName : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The closest candidate to `word` by edit distance, or "" when none is close enough to suggest.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// The type-erased face of every registry, for code that works with any kind.
class RegistryBase {
 public:
  RegistryBase(std::string kind, std::string plural);
  virtual ~RegistryBase() = default;
  RegistryBase(const RegistryBase&) = delete;
  RegistryBase& operator=(const RegistryBase&) = delete;

  const std::string& kind() const { return kind_; }      // "activation"
  const std::string& plural() const { return plural_; }  // "activations"
  const TypeInfo* find(const std::string& name) const;
  const TypeInfo& info(const std::string& name) const;  // throws UnknownName
  std::vector<std::string> names() const;               // sorted
  std::vector<const TypeInfo*> types() const;           // sorted by name
  std::string unknown_message(const std::string& name) const;

 protected:
  void add_info(TypeInfo info);  // throws std::logic_error on a duplicate

 private:
  std::string kind_, plural_;
  std::map<std::string, TypeInfo> infos_;
};

// Every registry, by kind ("layer") and by plural ("layers").
RegistryBase* find_registry(const std::string& kind_or_plural);
std::vector<RegistryBase*> all_registries();  // in a fixed order

// A registry of one kind. Tag supplies: `using Factory = ...;` and kind/plural names.
template <class Tag>
class Registry : public RegistryBase {
 public:
  using Factory = typename Tag::Factory;

  static Registry& instance() {
    static Registry r;
    return r;
  }

  void add(TypeInfo info, Factory f) {
    std::string name = info.name;
    add_info(std::move(info));
    factories_.emplace(name, std::move(f));
  }

  const Factory& factory(const std::string& name) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) throw UnknownName(unknown_message(name));
    return it->second;
  }

 private:
  Registry() : RegistryBase(Tag::kind(), Tag::plural()) {}
  std::map<std::string, Factory> factories_;
};

// A factory that builds Base<float> and Base<double> from the same validated options.
template <template <class> class Base>
struct ScalarFactory {
  std::function<std::unique_ptr<Base<float>>(const ConfigNode&)> f32;
  std::function<std::unique_ptr<Base<double>>(const ConfigNode&)> f64;

  template <class T>
  std::unique_ptr<Base<T>> make(const ConfigNode& options) const {
    if constexpr (std::is_same_v<T, float>) return f32(options);
    else return f64(options);
  }
};

// Builds a registered type from a validated spec: a bare name, or a map with `type` and options.
template <class Tag>
auto make_object(const ConfigNode& spec) {
  const auto& reg = Registry<Tag>::instance();
  if (spec.is_map()) return reg.factory(spec.get_string("type"))(spec);
  return reg.factory(spec.text())(ConfigNode::map());
}

// The same for registries of ScalarFactory: the Base<T> for the network's scalar type T.
template <class Tag, class T>
auto make_scalar_object(const ConfigNode& spec) {
  const auto& reg = Registry<Tag>::instance();
  if (spec.is_map()) return reg.factory(spec.get_string("type")).template make<T>(spec);
  return reg.factory(spec.text()).template make<T>(ConfigNode::map());
}

// Registration helpers used by the macros below.
template <class Tag, template <class> class Impl>
bool register_scalar_type() {
  using F = typename Tag::Factory;
  Registry<Tag>::instance().add(
      Impl<double>::info(),
      F{[](const ConfigNode& o) { return std::make_unique<Impl<float>>(o); },
        [](const ConfigNode& o) { return std::make_unique<Impl<double>>(o); }});
  return true;
}

template <class Tag, class Impl>
bool register_type() {
  Registry<Tag>::instance().add(Impl::info(),
                                [](const ConfigNode& o) { return std::make_unique<Impl>(o); });
  return true;
}

}  // namespace mindset

#define MINDSET_CONCAT2(a, b) a##b
#define MINDSET_CONCAT(a, b) MINDSET_CONCAT2(a, b)

// Register a class template Impl<T> (T = float, double) in the registry of Tag.
#define MINDSET_REGISTER_SCALAR(TAG, IMPL)                                        \
  [[maybe_unused]] static const bool MINDSET_CONCAT(mindset_registered_, IMPL) = \
      ::mindset::register_scalar_type<TAG, IMPL>()

// Register a plain class Impl in the registry of Tag.
#define MINDSET_REGISTER(TAG, IMPL)                                               \
  [[maybe_unused]] static const bool MINDSET_CONCAT(mindset_registered_, IMPL) = \
      ::mindset::register_type<TAG, IMPL>()
