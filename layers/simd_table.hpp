// Internal to the simd kernels: the table of entry points each build (AVX-512, portable)
// provides, and the thread pool the matrix kernels share. Declarations only: nothing here is
// compiled with either build's instruction set.
#pragma once

#include <cstddef>

#include "simd.hpp"

namespace mindset {
namespace simd {
namespace detail {

template <class T>
struct Ops {
  bool (*gemm)(bool, bool, std::size_t, std::size_t, std::size_t, T, const T*, std::size_t, const T*, std::size_t, T*,
               std::size_t);
  bool (*gemm_rows)(bool, std::size_t, std::size_t, std::size_t, T, const T* const*, const T*, std::size_t, T* const*);
  void (*bias_activation)(Act, T, T*, const T*, T*, std::size_t, std::size_t);
  void (*activation_backward)(Act, T, const T*, const T*, const T*, T*, std::size_t);
  void (*bce_terms)(const T*, const T*, const T*, T*, std::size_t);
  void (*exp)(const T*, T*, std::size_t);
  void (*log)(const T*, T*, std::size_t);
  void (*tanh)(const T*, T*, std::size_t);
  bool (*update_gd)(const T*, const T*, T*, T*, std::size_t, const UpdateScalars<T>&);
  bool (*update_momentum)(const T*, const T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&);
  bool (*update_rmsprop)(const T*, const T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&);
  bool (*update_adam)(const T*, const T*, T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&);
};

struct Table {
  const char* isa;
  Ops<double> d;
  Ops<float> f;
};

// The builds (simd_avx512.cpp returns null when compiled without AVX-512 support).
const Table* avx512_table();
const Table* generic_table();

// Runs fn(ctx, begin, end) over [0, n) in chunks, on up to threads() threads when the work
// (flops) is worth it; contiguous: one chunk per thread. Which thread runs a chunk never changes
// what it computes.
void parallel_for(std::size_t n, double flops, void (*fn)(void*, std::size_t, std::size_t), void* ctx,
                  bool contiguous);

}  // namespace detail
}  // namespace simd
}  // namespace mindset
