#include "cli.h"

#include <filesystem>
#include <thread>

#include "core/log.h"
#include "data/ingest.h"
#include "features/features_stage.h"
#include "features/split.h"
#include "image/embed_stage.h"
#include "model/train_config.h"
#include "recommend/evaluate_stage.h"
#include "recommend/recommend_config.h"
#include "synth/synth.h"

namespace fr::cli {

static nlohmann::json default_config() {
  return {{"general", {{"workspace", "workspace"}, {"threads", 0}, {"log_level", "info"}}},
          {"ingest", nlohmann::json(IngestConfig{})},
          {"synth", nlohmann::json(synth::SynthConfig{})},
          {"split", nlohmann::json(SplitConfig{})},
          {"features", nlohmann::json(FeaturesConfig{})},
          {"embed", nlohmann::json(EmbedConfig{})},
          {"train", nlohmann::json(TrainConfig{})},
          {"index", nlohmann::json(IndexConfig{})},
          {"recommend", nlohmann::json(RecommendConfig{})},
          {"evaluate", nlohmann::json(EvaluateConfig{})},
          {"serve",
           {{"max_k", 100},
            {"max_body", 1 << 20},
            {"read_timeout", 5},
            {"keep_alive_timeout", 2},
            {"max_connections", 512}}}};
}

Cli::Cli()
    : app_(
          "fashionrec: a two-stage clothes recommender for H&M-shaped data (ingest, features, image "
          "embeddings, two-tower retrieval + ranking, evaluation, serving)."),
      config_(default_config()) {
  app_.require_subcommand(1);
  app_.fallthrough(true);  // global options may also follow the subcommand
  app_.set_help_all_flag("--help-all", "Show help for every subcommand");
  app_.add_option("--config", config_file_, "TOML config file (default: <workspace>/fashionrec.toml if present)");
  bind(&app_, "--workspace,-w", "general.workspace", "Workspace folder for every stage's artifacts");
  bind(&app_, "--threads,-j", "general.threads", "Worker threads (0 = all cores)");
  bind(&app_, "--log-level", "general.log_level", "trace, debug, info, warn, error or off");
}

CLI::Option* Cli::bind(CLI::App* sub, const std::string& flag, const std::string& key, const std::string& help) {
  bindings_.push_back({nullptr, key, ""});
  Binding& b = bindings_.back();
  auto dot = key.find('.');
  const auto& def = config_.json().at(key.substr(0, dot)).at(key.substr(dot + 1));
  std::string shown = def.is_string() ? def.get<std::string>() : def.dump();
  b.opt = sub->add_option(flag, b.value, help + " [config " + key + (shown.empty() ? "" : ", default " + shown) + "]");
  return b.opt;
}

int Cli::run() {
  std::string ws = config_.json()["general"]["workspace"];
  for (auto& b : bindings_)
    if (b.key == "general.workspace" && b.opt->count()) ws = b.value;
  std::string file = config_file_;
  if (file.empty() && std::filesystem::exists(std::filesystem::path(ws) / "fashionrec.toml"))
    file = (std::filesystem::path(ws) / "fashionrec.toml").string();
  if (!file.empty()) config_.merge_toml_file(file);
  for (auto& b : bindings_)
    if (b.opt->count()) config_.set(b.key, b.value);
  setup_logging(config_.json()["general"]["log_level"]);
  for (auto& [sub, fn] : commands_)
    if (sub->parsed()) return fn();
  return 2;
}

int Cli::threads() const {
  int t = config_.json()["general"]["threads"];
  if (t <= 0) t = int(std::max(1u, std::thread::hardware_concurrency()));
  return t;
}

Workspace Cli::workspace() const { return Workspace(config_.json()["general"]["workspace"].get<std::string>()); }

}  // namespace fr::cli
