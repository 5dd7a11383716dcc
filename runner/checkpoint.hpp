// Checkpoint files: everything a run needs to continue bit for bit, in one HDF5 file written
// atomically (temp + fsync + rename, as results are). Layout (format_version 1):
//   /            attrs format = "mindset-checkpoint", format_version, config (resolved YAML)
//   /state/<k>   scalars (iteration, epoch, batch position, RNG position and cached normal, ...)
//   /vectors/<k> integer or real vectors (RNG key, shuffle permutation, history/<field>, ...)
//   /arrays/<k>  matrices: model/<param>, optimizer/<param>/<slot>, best/<param>
// The trainer decides what goes in (runner/trainer_state.cpp); this file only stores it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "config.hpp"

namespace mindset {

struct Checkpoint {
  std::string config;  // the resolved config as YAML: a checkpoint resumes only the same config
  std::map<std::string, std::string> strings;
  std::map<std::string, double> reals;
  std::map<std::string, std::int64_t> integers;
  std::map<std::string, std::vector<double>> real_vectors;
  std::map<std::string, std::vector<std::int64_t>> int_vectors;
  std::map<std::string, xt::xtensor<double, 2>> arrays;

  // Accessors that throw std::runtime_error naming the missing entry.
  double real(const std::string& k) const;
  std::int64_t integer(const std::string& k) const;
  const xt::xtensor<double, 2>& array(const std::string& k) const;
};

// Writes atomically; throws std::runtime_error, leaving any previous checkpoint as it was.
void write_checkpoint(const std::string& path, const Checkpoint& c);
// Reads a whole checkpoint; throws UserError (exit 2) when it is not a readable checkpoint.
Checkpoint read_checkpoint(const std::string& path);

// "" when the checkpoint at `path` was written for experiment `e`; otherwise why it cannot be
// resumed (a different config, naming the first key that differs, or an unreadable file).
std::string checkpoint_mismatch(const std::string& path, const Experiment& e);

// The first difference between two configs, as "training.learning_rate: 0.01 in the checkpoint,
// 0.02 now"; "" when equal.
std::string first_difference(const ConfigNode& was, const ConfigNode& now, const std::string& path = "");

}  // namespace mindset
