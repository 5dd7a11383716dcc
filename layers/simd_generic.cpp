// The portable build of the kernels: the same elementwise code (hence the same bits) for any
// CPU; matrix products are left to BLAS.
#include "simd_kernels.hpp"
#include "simd_update.hpp"

namespace {
template <class T>
bool no_gemm(bool, bool, std::size_t, std::size_t, std::size_t, T, const T*, std::size_t, const T*, std::size_t, T*,
             std::size_t) {
  return false;
}
template <class T>
bool no_gemm_rows(bool, std::size_t, std::size_t, std::size_t, T, const T* const*, const T*, std::size_t, T* const*) {
  return false;
}
}  // namespace

namespace mindset {
namespace simd {
namespace detail {

const Table* generic_table() {
  static const Table t{"generic", kernel_ops<double>(&no_gemm<double>, &no_gemm_rows<double>),
                        kernel_ops<float>(&no_gemm<float>, &no_gemm_rows<float>)};
  return &t;
}

}  // namespace detail
}  // namespace simd
}  // namespace mindset
