// Helpers for the tests that kill, starve and corrupt runs (test_checkpoint, test_reliability):
// background processes, checkpoints, bit-for-bit comparison of results files, temporary files,
// and small file systems mounted for a test (a full disk, a read-only folder).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "h5.hpp"
#include "testing.hpp"

extern char** environ;

namespace fault_testing {

namespace fs = std::filesystem;

// `mindset <args>` in the background, in its own process group (so a kill reaches the processes it
// forks), stdout to /dev/null and stderr to `log`; returns the pid.
inline pid_t spawn_mindset(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv = {testing::mindset_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&at, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, cargv[0], &fa, &at, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  BOOST_REQUIRE_MESSAGE(rc == 0, "posix_spawn failed: " << std::strerror(rc));
  return pid;
}

// `mindset train <args>` in the background (see spawn_mindset).
inline pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> a = {"train"};
  a.insert(a.end(), args.begin(), args.end());
  return spawn_mindset(a, log);
}

// Exit code, or 128 + signal.
inline int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The iteration a checkpoint holds; -1 when there is none (yet).
inline long long checkpoint_iteration(const fs::path& p) {
  if (!fs::exists(p)) return -1;
  try {
    mindset::h5::Handle f = mindset::h5::open_file(p.string());
    mindset::h5::Handle s = mindset::h5::open_group(f.id(), "state");
    return static_cast<long long>(mindset::h5::read_scalar(s.id(), "iteration"));
  } catch (const std::exception&) {
    return -1;
  }
}

// Waits until the run's checkpoint holds at least `target` iterations; false if the process
// ended first (it is then reaped, its exit code in *code).
inline bool wait_for_checkpoint(pid_t pid, const fs::path& ckpt, long long target, int* code) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (checkpoint_iteration(ckpt) >= target) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// "" when every dataset under /model and /history of a equals b's, bit for bit (read by h5py).
inline std::string compare(const fs::path& a, const fs::path& b) {
  testing::TempDir t;
  auto script = t.write("compare.py",
                        "import sys, h5py, numpy as np\n"
                        "a, b = (h5py.File(p, 'r') for p in sys.argv[1:3])\n"
                        "bad = []\n"
                        "for g in ('model', 'history'):\n"
                        "    names, other = [], []\n"
                        "    a[g].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)\n"
                        "    b[g].visititems(lambda n, o: other.append(n) if isinstance(o, h5py.Dataset) else None)\n"
                        "    if sorted(names) != sorted(other): bad.append(g + ' lists differ')\n"
                        "    bad += [g + '/' + n for n in names if n in b[g] and\n"
                        "            not np.array_equal(a[g][n][()], b[g][n][()], equal_nan=True)]\n"
                        "print(' '.join(bad) if names else 'no datasets')\n");
  auto r = testing::run(testing::python() + " " + script.string() + " " + a.string() + " " + b.string());
  return r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : "python failed: " + r.err;
}

// The datasets under `group` of an open file, as paths relative to the file's root.
inline void list_datasets(hid_t file, const std::string& group, std::vector<std::string>& out) {
  mindset::h5::Handle g = mindset::h5::open_group(file, group);
  H5G_info_t info;
  if (H5Gget_info(g.id(), &info) < 0) return;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    if (H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
    H5O_info_t o;
    if (H5Oget_info_by_name(g.id(), name, &o, H5P_DEFAULT) < 0) continue;
    const std::string full = group + "/" + name;
    if (o.type == H5O_TYPE_DATASET) out.push_back(full);
    else if (o.type == H5O_TYPE_GROUP) list_datasets(file, full, out);
  }
}

// The same comparison as compare(), in process (no Python per call, for tests that compare often).
inline std::string compare_in_process(const fs::path& a, const fs::path& b) {
  try {
    mindset::h5::Handle fa = mindset::h5::open_file(a.string()), fb = mindset::h5::open_file(b.string());
    std::string bad;
    for (const char* g : {"model", "history"}) {
      std::vector<std::string> na, nb;
      list_datasets(fa.id(), g, na);
      list_datasets(fb.id(), g, nb);
      if (na != nb) bad += std::string(bad.empty() ? "" : " ") + g + " lists differ";
      if (na.empty()) bad += std::string(bad.empty() ? "" : " ") + "no datasets in " + g;
      for (const auto& n : na) {
        if (std::find(nb.begin(), nb.end(), n) == nb.end()) continue;
        mindset::h5::Handle da = mindset::h5::open_dataset(fa.id(), n), db = mindset::h5::open_dataset(fb.id(), n);
        std::vector<double> va = mindset::h5::read_doubles(da.id()), vb = mindset::h5::read_doubles(db.id());
        if (va.size() != vb.size() || std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)) != 0)
          bad += (bad.empty() ? "" : " ") + n;
      }
    }
    return bad;
  } catch (const std::exception& e) {
    return std::string("cannot compare: ") + e.what();
  }
}

// A root attribute of a results file as text ("" when absent).
inline std::string attr(const fs::path& p, const std::string& name) {
  mindset::h5::Handle f = mindset::h5::open_file(p.string());
  if (!mindset::h5::has_attr(f.id(), name)) return "";
  mindset::h5::Handle a(H5Aopen(f.id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  mindset::h5::Handle type(H5Aget_type(a.id()), H5Tclose);
  if (H5Tget_class(type.id()) == H5T_STRING) return mindset::h5::get_attr_string(f.id(), name);
  std::int64_t v = 0;
  H5Aread(a.id(), H5T_NATIVE_INT64, &v);
  return std::to_string(v);
}

// Temporary files (".<name>.tmp-<pid>-<hex>") anywhere under `dir`.
inline std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().find(".tmp-") != std::string::npos) out.push_back(it->path().string());
  return out;
}

inline bool has_temp_files(const fs::path& dir) { return !temp_files(dir).empty(); }

// The first temporary file under `dir`, "" when there is none (for messages).
inline std::string first_temp_file(const fs::path& dir) {
  auto v = temp_files(dir);
  return v.empty() ? "" : v[0];
}

// A pid that is surely not running: a child that has exited and been reaped.
inline pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// A tmpfs of `kib` KiB mounted on `dir` for the test's lifetime: a disk that fills up, or (after
// read_only()) a folder nothing can be written to, even by root. Needs root (CAP_SYS_ADMIN):
// ok() is false otherwise and the test should skip that part with a message.
class Tmpfs {
 public:
  Tmpfs(const fs::path& dir, std::size_t kib) : dir_(dir) {
    fs::create_directories(dir);
    const std::string opts = "size=" + std::to_string(kib) + "k,mode=0755";
    mounted_ = ::geteuid() == 0 && ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) == 0;
    if (!mounted_) why_ = ::geteuid() == 0 ? std::string("mount: ") + std::strerror(errno) : "not root";
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool ok() const { return mounted_; }
  const std::string& why_not() const { return why_; }
  bool read_only() { return ::mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) == 0; }
  // Fills the file system up to `free_kib` KiB free.
  void fill(std::size_t free_kib) {
    const fs::path filler = dir_ / "filler";
    std::FILE* f = std::fopen(filler.c_str(), "wb");
    if (!f) return;
    std::vector<char> block(4096, 'x');
    while (fs::space(dir_).available > free_kib * 1024 + block.size())
      if (std::fwrite(block.data(), 1, block.size(), f) != block.size() || std::fflush(f) != 0) break;
    std::fclose(f);
  }
  void unfill() {
    std::error_code ec;
    fs::remove(dir_ / "filler", ec);
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace fault_testing
