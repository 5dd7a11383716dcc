#include "random.hpp"

#include <cmath>
#include <utility>

namespace mindset {

void NumpyRandom::reseed(std::uint32_t seed) {
  auto& mt = state_.key;
  mt[0] = seed;
  for (std::uint32_t i = 1; i < kStateSize; ++i)
    mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i;
  state_.pos = kStateSize;
  state_.has_gauss = false;
  state_.gauss = 0.0;
}

void NumpyRandom::generate() {
  constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix_a = 0x9908b0dfu;
  constexpr std::size_t m = 397, n = kStateSize;
  auto& mt = state_.key;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t y = (mt[i] & upper) | (mt[(i + 1) % n] & lower);
    mt[i] = mt[(i + m) % n] ^ (y >> 1) ^ ((y & 1u) ? matrix_a : 0u);
  }
  state_.pos = 0;
}

std::uint32_t NumpyRandom::next_uint32() {
  if (state_.pos >= kStateSize) generate();
  std::uint32_t y = state_.key[state_.pos++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  return y;
}

std::uint64_t NumpyRandom::next_uint64() {
  std::uint64_t hi = next_uint32();
  return (hi << 32) | next_uint32();
}

double NumpyRandom::random_sample() {
  std::uint32_t a = next_uint32() >> 5, b = next_uint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double NumpyRandom::standard_normal() {
  if (state_.has_gauss) {
    state_.has_gauss = false;
    return state_.gauss;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * random_sample() - 1.0;
    x2 = 2.0 * random_sample() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  // The build compiles this without FMA contraction (-ffp-contract=off): numpy's r2 is rounded
  // twice, and a fused multiply-add could flip an accept/reject decision.
  double f = std::sqrt(-2.0 * std::log(r2) / r2);
  state_.gauss = f * x1;
  state_.has_gauss = true;
  return f * x2;
}

std::uint64_t NumpyRandom::random_interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  std::uint64_t value;
  if (max <= 0xffffffffULL) {
    while ((value = (next_uint32() & mask)) > max) {
    }
  } else {
    while ((value = (next_uint64() & mask)) > max) {
    }
  }
  return value;
}

void NumpyRandom::shuffle(std::vector<std::size_t>& values) {
  for (std::size_t i = values.size(); i-- > 1;) {
    std::size_t j = static_cast<std::size_t>(random_interval(i));
    std::swap(values[i], values[j]);
  }
}

void NumpyRandom::permutation(std::size_t n, std::vector<std::size_t>& out) {
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = i;
  shuffle(out);
}

}  // namespace mindset
