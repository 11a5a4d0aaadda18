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

class Cli {
 public:
  Cli();
  CLI::App& app() { return app_; }

  /// A flag whose value, when given, overrides config key "section.key" (TOML < flags).
  CLI::Option* bind(CLI::App* sub, const std::string& flag, const std::string& key, const std::string& help);
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

}  // namespace fr::cli
