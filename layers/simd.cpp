// Chooses the kernel build once (AVX-512 when the CPU has it, unless MINDSET_SIMD=generic) and
// runs the matrix kernels' chunks on a small thread pool.
#include "simd.hpp"

#include <cblas.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "simd_table.hpp"

namespace mindset {
namespace simd {

namespace detail {
namespace {

const Table& table() {
  static const Table* t = [] {
    const char* env = std::getenv("MINDSET_SIMD");
    const bool generic = env && std::strcmp(env, "generic") == 0;
#if defined(__x86_64__) || defined(__i386__)
    if (!generic && avx512_table() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
      return avx512_table();
#endif
    (void)generic;
    return generic_table();
  }();
  return *t;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Workers spin briefly after a job (the next product usually follows within microseconds),
// then sleep on a condition variable. Chunks are handed out through an atomic counter, and the
// caller works too: a worker that wakes late (a busy machine) finds the job closed and the
// chunks done, and nobody waits for it.
class Pool {
 public:
  explicit Pool(int workers) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
  }
  int workers() const { return static_cast<int>(threads_.size()); }

  void run(std::size_t n, std::size_t chunk, void (*fn)(void*, std::size_t, std::size_t), void* ctx) {
    {
      std::lock_guard<std::mutex> l(mu_);
      n_ = n;
      chunk_ = chunk;
      fn_ = fn;
      ctx_ = ctx;
      next_.store(0, std::memory_order_relaxed);
      open_ = true;
      gen_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    work();
    {
      std::lock_guard<std::mutex> l(mu_);
      open_ = false;  // from here no worker joins this job
    }
    for (int s = 0; active_.load(std::memory_order_acquire) > 0; ++s) {
      if (s < kSpin) {
        cpu_relax();
        continue;
      }
      std::unique_lock<std::mutex> l(mu_);
      done_.wait(l, [&] { return active_.load(std::memory_order_acquire) == 0; });
    }
  }

 private:
  static constexpr int kSpin = 4000;  // pause instructions: some tens of microseconds

  void work() {
    for (;;) {
      const std::size_t b = next_.fetch_add(chunk_, std::memory_order_relaxed);
      if (b >= n_) return;
      fn_(ctx_, b, std::min(n_, b + chunk_));
    }
  }

  void loop() {
    std::uint64_t seen = 0;
    for (;;) {
      std::uint64_t g = gen_.load(std::memory_order_acquire);
      for (int s = 0; g == seen && s < kSpin; ++s) {
        cpu_relax();
        g = gen_.load(std::memory_order_acquire);
      }
      {
        std::unique_lock<std::mutex> l(mu_);
        if (g == seen) cv_.wait(l, [&] { return gen_.load(std::memory_order_acquire) != seen; });
        seen = gen_.load(std::memory_order_acquire);
        if (!open_) continue;
        active_.fetch_add(1, std::memory_order_acq_rel);
      }
      work();
      if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> l(mu_);
        done_.notify_all();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::atomic<std::uint64_t> gen_{0};
  std::atomic<std::size_t> next_{0};
  std::atomic<int> active_{0};
  bool open_ = false;  // guarded by mu_
  std::size_t n_ = 0, chunk_ = 1;
  void (*fn_)(void*, std::size_t, std::size_t) = nullptr;
  void* ctx_ = nullptr;
};

// One pool per process; a forked child (sweep workers) gets its own, as threads do not survive
// fork(). Never destroyed: its threads sleep until the process exits.
Pool* pool_for(int workers) {
  static Pool* pool = nullptr;
  static pid_t owner = 0;
  static std::mutex mu;
  std::lock_guard<std::mutex> l(mu);
  if (!pool || owner != ::getpid() || pool->workers() < workers) {
    pool = new Pool(workers);
    owner = ::getpid();
  }
  return pool;
}

}  // namespace

void parallel_for(std::size_t n, double flops, void (*fn)(void*, std::size_t, std::size_t), void* ctx,
                  bool contiguous) {
  constexpr double kMinFlops = 4e6;  // ~0.1 ms of one core's work: below this, waking a thread costs more
  const int t = std::min<int>(threads(), static_cast<int>(n));
  if (t <= 1 || flops < kMinFlops) {
    fn(ctx, 0, n);
    return;
  }
  static thread_local bool inside = false;  // kernels never nest, but be safe
  if (inside) {
    fn(ctx, 0, n);
    return;
  }
  inside = true;
  const std::size_t tt = static_cast<std::size_t>(t);
  const std::size_t chunk = contiguous ? (n + tt - 1) / tt : std::max<std::size_t>(1, n / (tt * 4));
  pool_for(t - 1)->run(n, chunk, fn, ctx);
  inside = false;
}

}  // namespace detail

const char* isa() { return detail::table().isa; }

int threads() {
  static const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));  // reads /sys: once
  return std::max(1, std::min(openblas_get_num_threads(), hw));
}

bool gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a, std::size_t lda,
          const double* b, std::size_t ldb, double* c, std::size_t ldc) {
  return detail::table().d.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc);
}
bool gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
          const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  return detail::table().f.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc);
}

bool gemm_rows(bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* const* a,
               const double* b, std::size_t ldb, double* const* c) {
  return detail::table().d.gemm_rows(tb, m, n, k, alpha, a, b, ldb, c);
}
bool gemm_rows(bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* const* a,
               const float* b, std::size_t ldb, float* const* c) {
  return detail::table().f.gemm_rows(tb, m, n, k, alpha, a, b, ldb, c);
}

namespace {
template <class T>
const detail::Ops<T>& ops();
template <>
const detail::Ops<double>& ops<double>() {
  return detail::table().d;
}
template <>
const detail::Ops<float>& ops<float>() {
  return detail::table().f;
}
}  // namespace

template <class T>
void bias_activation(Act g, T slope, T* z, const T* bias, T* a, std::size_t rows, std::size_t cols) {
  ops<T>().bias_activation(g, slope, z, bias, a, rows, cols);
}
template <class T>
void activation_backward(Act g, T slope, const T* z, const T* a, const T* da, T* dz, std::size_t n) {
  ops<T>().activation_backward(g, slope, z, a, da, dz, n);
}
template <class T>
void bce_terms(const T* z, const T* a, const T* y, T* out, std::size_t n) {
  ops<T>().bce_terms(z, a, y, out, n);
}
template <class T>
void exp(const T* x, T* out, std::size_t n) {
  ops<T>().exp(x, out, n);
}
template <class T>
void log(const T* x, T* out, std::size_t n) {
  ops<T>().log(x, out, n);
}
template <class T>
void tanh(const T* x, T* out, std::size_t n) {
  ops<T>().tanh(x, out, n);
}

template <class T>
bool update_gd(const T* w, const T* g, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  return ops<T>().update_gd(w, g, comp, out, n, c);
}
template <class T>
bool update_momentum(const T* w, const T* g, T* v, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  return ops<T>().update_momentum(w, g, v, comp, out, n, c);
}
template <class T>
bool update_rmsprop(const T* w, const T* g, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  return ops<T>().update_rmsprop(w, g, s, comp, out, n, c);
}
template <class T>
bool update_adam(const T* w, const T* g, T* v, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  return ops<T>().update_adam(w, g, v, s, comp, out, n, c);
}

#define MINDSET_SIMD_INSTANTIATE(T)                                                            \
  template void bias_activation<T>(Act, T, T*, const T*, T*, std::size_t, std::size_t);        \
  template void activation_backward<T>(Act, T, const T*, const T*, const T*, T*, std::size_t); \
  template void bce_terms<T>(const T*, const T*, const T*, T*, std::size_t);                   \
  template void exp<T>(const T*, T*, std::size_t);                                             \
  template void log<T>(const T*, T*, std::size_t);                                             \
  template void tanh<T>(const T*, T*, std::size_t);                                            \
  template bool update_gd<T>(const T*, const T*, T*, T*, std::size_t, const UpdateScalars<T>&);    \
  template bool update_momentum<T>(const T*, const T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&); \
  template bool update_rmsprop<T>(const T*, const T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&);  \
  template bool update_adam<T>(const T*, const T*, T*, T*, T*, T*, std::size_t, const UpdateScalars<T>&);
MINDSET_SIMD_INSTANTIATE(float)
MINDSET_SIMD_INSTANTIATE(double)
#undef MINDSET_SIMD_INSTANTIATE

}  // namespace simd
}  // namespace mindset
