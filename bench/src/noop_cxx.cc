// SPDX-License-Identifier: GPL-2.0-or-later
// bench_noop_cxx, bench_noop_boost - exit at once, dynamically linked like
// the packaged agent: libstdc++ (and libm, libgcc_s through it), and for
// bench_noop_boost also Boost.Program_options. Each uses its library so that
// --as-needed keeps it. With bench_noop_dynamic (libc only) they split the
// packaged fence_nvme_pr's start-up cost by library (bench/report.py).
#include <string>
#ifdef BENCH_NOOP_BOOST
#include <boost/program_options/options_description.hpp>
#endif

int main(int argc, char **) {
#ifdef BENCH_NOOP_BOOST
  boost::program_options::options_description options("noop");
  if (argc > 1000) return static_cast<int>(options.options().size());
#endif
  // Never true: argc is small. Keeps a libstdc++ call the compiler cannot drop.
  std::string text(static_cast<std::string::size_type>(argc), 'x');
  return text.size() > 1000 ? 1 : 0;
}
