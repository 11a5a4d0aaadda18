// The `fashionrec` command line. Thin: it parses flags, merges the config and calls the
// stage libraries. Errors are caught here only, printed on one line, and mapped to exit
// codes: 0 ok, 1 bad input or data, 2 usage, 3 internal error.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "cli.h"
#include "core/error.h"

namespace {
// OpenBLAS (libtorch's BLAS on Debian) picks its kernels from the CPU model when it loads. On
// virtual machines that hide the model ("Intel Xeon Processor") it falls back to its SSE3
// kernels, which made training 1.6x slower here. Before anything runs, choose the kernels by
// the CPU's features instead and start again once with OPENBLAS_CORETYPE set. A value the
// user set is kept.
void choose_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE")) return;
  const char* core = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                     : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                       : nullptr;
  if (!core) return;
  ::setenv("OPENBLAS_CORETYPE", core, 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default kernels
}
}  // namespace

int main(int argc, char** argv) {
  using fr::ExitCode;
  choose_blas_kernels(argv);
  try {
    fr::cli::Cli cli;
    fr::cli::register_config(cli);
    fr::cli::register_ingest(cli);
    fr::cli::register_synth(cli);
    fr::cli::register_stats(cli);
    fr::cli::register_info(cli);
    fr::cli::register_split(cli);
    fr::cli::register_features(cli);
    fr::cli::register_embed(cli);
    fr::cli::register_tune(cli);
    fr::cli::register_train(cli);
    fr::cli::register_index(cli);
    fr::cli::register_evaluate(cli);
    fr::cli::register_recommend(cli);
    fr::cli::register_serve(cli);
    fr::cli::register_run(cli);
    try {
      cli.app().parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return cli.app().exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return cli.app().exit(e);
    } catch (const CLI::ParseError& e) {
      cli.app().exit(e);
      return int(ExitCode::kUsage);
    }
    return cli.run();
  } catch (const fr::Error& e) {
    std::fprintf(stderr, "fashionrec: error: %s\n", e.what());
    return int(e.exit_code());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "fashionrec: internal error: out of memory\n");
    return int(ExitCode::kInternal);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fashionrec: internal error: %s\n", e.what());
    return int(ExitCode::kInternal);
  }
}
