#include "cli.h"

#include <filesystem>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "data/ingest.h"
#include "features/features_stage.h"
#include "features/split.h"
#include "image/embed_stage.h"
#include "model/train_config.h"
#include "recommend/evaluate_stage.h"
#include "recommend/recommend_config.h"
#include "serve/http_server.h"
#include "synth/synth.h"
#include "tune/tune_config.h"

namespace fr::cli {

std::vector<SettingsTable> all_settings_tables() {
  return {settings_table((GeneralConfig*)nullptr),      settings_table((IngestConfig*)nullptr),
          settings_table((synth::SynthConfig*)nullptr), settings_table((SplitConfig*)nullptr),
          settings_table((FeaturesConfig*)nullptr),     settings_table((EmbedConfig*)nullptr),
          settings_table((TuneConfig*)nullptr),         settings_table((TrainConfig*)nullptr),
          settings_table((IndexConfig*)nullptr),        settings_table((RecommendConfig*)nullptr),
          settings_table((EvaluateConfig*)nullptr),     settings_table((ServeConfig*)nullptr)};
}

Cli::Cli()
    : app_(
          "fashionrec: a two-stage clothes recommender for H&M-shaped data (ingest, features, image "
          "embeddings, two-tower retrieval + ranking, evaluation, serving)."),
      config_(all_settings_tables()) {
  app_.require_subcommand(1);
  app_.fallthrough(true);  // global options may also follow the subcommand
  app_.set_help_all_flag("--help-all", "Show help for every subcommand");
  app_.add_option("--config", config_file_, "TOML config file (default: <workspace>/fashionrec.toml if present)");
  bind(&app_, "--workspace,-w", "general.workspace", "Workspace folder for every stage's artifacts");
  bind(&app_, "--threads,-j", "general.threads", "Worker threads (0 = all cores)");
  bind(&app_, "--log-level", "general.log_level");
  app_.add_option("--set", sets_,
                  "section.key=value: set any config key (config --markdown lists them); repeatable, before flags");
}

CLI::Option* Cli::bind(CLI::App* sub, const std::string& flag, const std::string& key, const std::string& help) {
  const Setting* row = config_.find(key);
  if (!row) throw InternalError("cli: no setting " + key);
  bindings_.push_back({nullptr, key, ""});
  Binding& b = bindings_.back();
  const auto& def = row->default_value;
  std::string shown = def.is_string() ? def.get<std::string>() : def.dump();
  std::string allowed = row->check.describe();
  b.opt = sub->add_option(flag, b.value,
                          (help.empty() ? row->help : help) + (allowed.empty() ? "" : " (" + allowed + ")") +
                              " [config " + key + (shown.empty() ? "" : ", default " + shown) + "]");
  if (!row->check.choices.empty()) b.opt->check(CLI::IsMember(row->check.choices));
  return b.opt;
}

void Cli::bind_section(CLI::App* sub, const std::string& section, const std::vector<std::string>& skip) {
  for (const auto& t : config_.tables())
    for (const Setting& s : t) {
      if (s.section != section || std::find(skip.begin(), skip.end(), s.key) != skip.end()) continue;
      if (sub->get_option_no_throw(s.flag())) continue;
      bind(sub, s.flag(), s.dotted());
    }
}

int Cli::run() {
  reload_config();
  setup_logging(config_.json()["general"]["log_level"]);
  for (auto& [sub, fn] : commands_)
    if (sub->parsed()) return fn();
  return 2;
}

void Cli::reload_config() {
  config_ = Config(all_settings_tables());
  std::string ws = config_.json()["general"]["workspace"];
  for (auto& b : bindings_)
    if (b.key == "general.workspace" && b.opt->count()) ws = b.value;
  std::string file = config_file_;
  if (file.empty() && std::filesystem::exists(std::filesystem::path(ws) / "fashionrec.toml"))
    file = (std::filesystem::path(ws) / "fashionrec.toml").string();
  // defaults < the tuned settings < the TOML file < --set < flags
  std::string tuned = (std::filesystem::path(ws) / "tuned.toml").string();
  if (std::filesystem::exists(tuned)) config_.merge_toml_file(tuned, "tune (" + tuned + ")");
  if (!file.empty()) config_.merge_toml_file(file);
  for (const std::string& kv : sets_) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw UsageError("--set wants section.key=value, not '" + kv + "'");
    config_.set(kv.substr(0, eq), kv.substr(eq + 1), "--set");
  }
  for (auto& b : bindings_)
    if (b.opt->count()) config_.set(b.key, b.value, "flag " + b.opt->get_name());
}

int Cli::threads() const {
  int t = config_.json()["general"]["threads"];
  if (t <= 0) t = int(std::max(1u, std::thread::hardware_concurrency()));
  return t;
}

Workspace Cli::workspace() const { return Workspace(config_.json()["general"]["workspace"].get<std::string>()); }

}  // namespace fr::cli
