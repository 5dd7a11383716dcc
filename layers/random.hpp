// numpy's legacy random stream (np.random.seed / rand / randn / permutation), bit for bit.
//
// MT19937 seeded as numpy.random.seed(s) does (identical to std::mt19937(s)); doubles with 53
// random bits from two 32-bit draws; standard normals by numpy's legacy polar method, including
// its cached second value. Why not <random>: std::normal_distribution differs between standard
// libraries, and users check mindset against their numpy code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mindset {

class NumpyRandom {
 public:
  static constexpr std::size_t kStateSize = 624;

  // The complete state, for checkpoints: numpy's get_state() holds the same fields.
  struct State {
    std::array<std::uint32_t, kStateSize> key{};
    std::uint32_t pos = kStateSize;
    bool has_gauss = false;
    double gauss = 0.0;
  };

  explicit NumpyRandom(std::uint32_t seed = 1) { reseed(seed); }

  void reseed(std::uint32_t seed);  // np.random.seed(seed); drops the cached normal
  std::uint32_t next_uint32();
  std::uint64_t next_uint64();      // two draws, high word first
  double random_sample();           // np.random.rand(): [0, 1) with 53 random bits
  double standard_normal();         // np.random.randn()
  std::uint64_t random_interval(std::uint64_t max);  // uniform in [0, max], numpy's masked rejection
  // np.random.permutation(n): the legacy Fisher-Yates shuffle of 0..n-1, into `out` (resized).
  void permutation(std::size_t n, std::vector<std::size_t>& out);
  // np.random.shuffle on an existing sequence.
  void shuffle(std::vector<std::size_t>& values);

  const State& state() const { return state_; }
  void set_state(const State& s) { state_ = s; }

 private:
  void generate();
  State state_;
};

}  // namespace mindset
