#pragma once
// The CLI's shared plumbing: option-to-config bindings, the merged Config, the workspace.
// Each subcommand lives in its own cmd_*.cpp and registers itself with register_*().
#include <CLI/CLI.hpp>
#include <deque>
#include <functional>
#include <string>

#include "core/config.h"
#include "core/workspace.h"

namespace fr::cli {

// clang-format off
#define FR_GENERAL_SETTINGS(X)                                                                                      \
  X(std::string, workspace, "workspace", "Workspace folder for every stage's artifacts", any(), kRun, no_tune())    \
  X(int64_t, threads, 0, "Worker threads (0 = all cores)", range(0, 4096), kRun, no_tune())                        \
  X(std::string, log_level, "info", "trace, debug, info, warn, error or off",                                      \
    choices({"trace", "debug", "info", "warn", "error", "off"}), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(GeneralConfig, "general", FR_GENERAL_SETTINGS)

/// Every section's table, in the order `config --show` prints them.
std::vector<SettingsTable> all_settings_tables();

class Cli {
 public:
  Cli();
  CLI::App& app() { return app_; }

  /// A flag whose value, when given, overrides config key "section.key" (TOML < flags). The
  /// help and the check come from the key's row; help, when given, replaces the row's.
  CLI::Option* bind(CLI::App* sub, const std::string& flag, const std::string& key, const std::string& help = "");
  /// Binds every row of a section as --key-with-dashes, except keys in skip and flags the
  /// subcommand has already.
  void bind_section(CLI::App* sub, const std::string& section, const std::vector<std::string>& skip = {});
  /// Runs fn when sub was chosen.
  void on(CLI::App* sub, std::function<int()> fn) {
    sub->footer(
        "Global options, before or after the subcommand: --workspace DIR, --threads N, --log-level L, --config FILE");
    commands_.push_back({sub, std::move(fn)});
  }

  /// After parsing: merges the TOML file and the flags, sets up logging. Returns the
  /// chosen subcommand's exit code.
  int run();

  Config& config() { return config_; }
  /// Merges the layers again (after tune wrote tuned.toml): defaults < tuned.toml < TOML file
  /// < --set < flags.
  void reload_config();
  int threads() const;
  Workspace workspace() const;

 private:
  struct Binding {
    CLI::Option* opt;
    std::string key;
    std::string value;
  };
  CLI::App app_;
  std::deque<Binding> bindings_;
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands_;
  Config config_;
  std::string config_file_;
  std::vector<std::string> sets_;  ///< --set section.key=value
};

void register_config(Cli& cli);
void register_ingest(Cli& cli);
void register_synth(Cli& cli);
void register_stats(Cli& cli);
void register_info(Cli& cli);
void register_split(Cli& cli);
void register_features(Cli& cli);
void register_run(Cli& cli);
void register_embed(Cli& cli);
void register_train(Cli& cli);
void register_index(Cli& cli);
void register_evaluate(Cli& cli);
void register_recommend(Cli& cli);
void register_serve(Cli& cli);
void register_tune(Cli& cli);

}  // namespace fr::cli
