// The AVX-512 build of the kernels (compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl
// -mfma; see CMakeLists.txt). Chosen at run time only on CPUs that have those extensions.
#include "simd_table.hpp"

#if defined(MINDSET_HAVE_AVX512) && defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && \
    defined(__AVX512VL__)
// GCC 12 warns about its own _mm512_undefined_* placeholders inside the intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "simd_gemm.hpp"
#include "simd_kernels.hpp"
#include "simd_update.hpp"

namespace mindset {
namespace simd {
namespace detail {

const Table* avx512_table() {
  static const Table t{"avx512", kernel_ops<double>(&gemm_avx512<double>, &gemm_rows_avx512<double>),
                        kernel_ops<float>(&gemm_avx512<float>, &gemm_rows_avx512<float>)};
  return &t;
}

}  // namespace detail
}  // namespace simd
}  // namespace mindset

#else

namespace mindset {
namespace simd {
namespace detail {
const Table* avx512_table() { return nullptr; }
}  // namespace detail
}  // namespace simd
}  // namespace mindset

#endif
