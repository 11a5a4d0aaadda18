#include "recommend/report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/artifact.h"
#include "eval/svg_chart.h"

namespace fr {

namespace {

std::string fmt4(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

/// Rows of (name, metrics object) in the order the report shows them.
std::vector<std::pair<std::string, nlohmann::json>> rankings(const nlohmann::json& m) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  if (m.contains("oracle")) out.emplace_back("oracle (truth file)", m["oracle"]);
  out.emplace_back("model (ranked)", m["model"]);
  if (m.contains("repurchase_then_model")) out.emplace_back("repurchases, then the model", m["repurchase_then_model"]);
  out.emplace_back("retrieval only (tower)", m["retrieval"]);
  for (auto& [name, v] : m["baselines"].items()) out.emplace_back("baseline: " + name, v);
  return out;
}

ChartSeries series_of(const std::string& name, const nlohmann::json& metrics, const std::string& metric,
                      const std::vector<int64_t>& ks, bool dashed) {
  ChartSeries s{name, {}, {}, dashed};
  for (int64_t k : ks) {
    s.x.push_back(double(k));
    s.y.push_back(metrics.value(metric + "@" + std::to_string(k), 0.0));
  }
  return s;
}

}  // namespace

std::string write_report(const std::string& dir, const nlohmann::json& report, const nlohmann::json& curves) {
  std::filesystem::create_directories(dir);
  const nlohmann::json& m = report["metrics"];
  std::vector<int64_t> ks = report["config"]["evaluate"]["ks"].get<std::vector<int64_t>>();

  // Charts.
  for (const char* metric : {"ndcg", "recall"}) {
    std::vector<ChartSeries> s;
    for (auto& [name, v] : rankings(m)) {
      bool baseline = name.rfind("baseline: ", 0) == 0;  // dashed, named without the prefix
      s.push_back(series_of(baseline ? name.substr(10) : name, v, metric, ks, baseline));
    }
    write_file_atomic(dir + "/" + metric + "_by_k.svg",
                      svg_line_chart(std::string(metric) + "@K on the validation week", "K", metric, s));
  }
  {
    ChartSeries loss{"loss", {}, {}, false}, recall{"recall@100", {}, {}, false}, ndcg{"ndcg@12", {}, {}, false},
        pop{"best sellers recall@100", {}, {}, true};
    double x = 0;
    for (auto& e : curves) {
      x += 1;
      loss.x.push_back(x), recall.x.push_back(x), ndcg.x.push_back(x), pop.x.push_back(x);
      loss.y.push_back(e.value("loss", e.value("rank_loss", 0.0)) / 10.0);
      recall.y.push_back(e.value("recall@100", 0.0));
      ndcg.y.push_back(e.value("ndcg@12", e.value("ndcg@12_retrieval", 0.0)));
      pop.y.push_back(e.value("popularity_recall@100", 0.0));
    }
    loss.name = "loss / 10";
    write_file_atomic(dir + "/training_curves.svg", svg_line_chart("Training (retrieval epochs, then ranking epochs)",
                                                                   "epoch", "value", {loss, recall, ndcg, pop}));
  }
  std::vector<std::pair<std::string, double>> bars;
  for (auto& [name, v] : report["candidates"]["recall"].items()) bars.emplace_back(name, v.get<double>());
  write_file_atomic(dir + "/candidates.svg",
                    svg_bar_chart("Candidates' recall of the validation purchases, by source", "recall", bars));

  // report.md
  std::ostringstream md;
  md << "# fashionrec evaluation: " << report.value("run", "") << "\n\n";
  if (report.value("policy", "model") != "model")  // never switched silently: the first line says so
    md << "**Shipped: " << report["policy"].get<std::string>()
       << ", not the model's own ranking: it beat the model on the inner window (see Tuning).**\n\n";
  md << "Validation week " << report["window"]["first_day"].get<std::string>() << " to "
     << report["window"]["last_day"].get<std::string>() << ", " << report["customers"] << " customers who bought in it"
     << " (of " << report["validation_buyers"] << "). Binary relevance over the full catalogue of "
     << report["articles"]
     << " articles. Already-bought articles excluded: " << (report["exclude_bought"].get<bool>() ? "yes" : "no")
     << ".\n\n";
  md << "| ranking | MAP@12 |";
  for (int64_t k : ks) md << " P@" << k << " | R@" << k << " | NDCG@" << k << " |";
  std::string hk = "@";  // HitRate and coverage at K = 12 when it was asked for, else at the first K
  hk += std::to_string(std::find(ks.begin(), ks.end(), 12) != ks.end() ? 12 : ks.at(0));
  md << " HitRate" << hk << " | coverage" << hk << " |\n|---|---|";
  for (size_t i = 0; i < ks.size(); ++i) md << "---|---|---|";
  md << "---|---|\n";
  for (auto& [name, v] : rankings(m)) {
    md << "| " << name << " | " << fmt4(v.value("map@12", 0.0)) << " |";
    for (int64_t k : ks) {
      std::string s = "@" + std::to_string(k);
      md << " " << fmt4(v.value("precision" + s, 0.0)) << " | " << fmt4(v.value("recall" + s, 0.0)) << " | "
         << fmt4(v.value("ndcg" + s, 0.0)) << " |";
    }
    md << " " << fmt4(v.value("hitrate" + hk, 0.0)) << " | " << fmt4(v.value("coverage" + hk, 0.0)) << " |\n";
  }
  md << "\n";
  if (report.contains("summary"))
    for (auto& line : report["summary"]) md << "- " << line.get<std::string>() << "\n";
  md << "\n## Candidates\n\nMean candidates per customer: " << fmt4(report["candidates"]["mean_count"].get<double>())
     << ". Recall of the validation purchases among each source's candidates:\n\n| source | recall |\n|---|---|\n";
  for (auto& [name, v] : bars) md << "| " << name << " | " << fmt4(v) << " |\n";
  md << "\n![candidates](candidates.svg)\n\n## Metrics by K\n\n![ndcg](ndcg_by_k.svg)\n![recall](recall_by_k.svg)\n";
  const auto& s = report["sampled"];
  md << "\n## The sampled protocol (not comparable with the table above)\n\n"
     << "Each customer's validation purchases against " << s["negatives_per_positive"]
     << " random articles per purchase, ranked by the model: the protocol of the seed's table "
        "(P@10 18 %, R@10 1 %, NDCG@10 0.45). Random negatives are easy, so these figures are far higher than "
        "full-catalogue ones.\n\n| metric | value |\n|---|---|\n";
  for (auto& [k, v] : s["model"].items())
    if (v.is_number_float()) md << "| " << k << " | " << fmt4(v.get<double>()) << " |\n";
  md << "\n## Training\n\n![training](training_curves.svg)\n";
  if (report.contains("ranker") && report["ranker"].contains("gbdt")) {
    const auto& g = report["ranker"]["gbdt"];
    md << "\n## The gradient-boosted ranker\n\n"
       << g["rounds"] << " rounds on " << g["rows"]
       << " candidate rows of these label weeks (candidates gathered as of each week's first day):\n\n"
       << "| week from | buyers | groups | rows | candidates' recall |\n|---|---|---|---|---|\n";
    for (auto& w : g["weeks"])
      md << "| " << w["from"].get<std::string>() << " | " << w["buyers"] << " | " << w["customers"] << " | "
         << w["rows"] << " | " << fmt4(w["candidate_recall"].get<double>()) << " |\n";
    std::vector<std::pair<std::string, double>> bars;
    for (auto& e : g["importance"]) {
      if (bars.size() >= 20) break;
      bars.emplace_back(e[0].get<std::string>(), e[1].get<double>());
    }
    write_file_atomic(dir + "/ranker_importance.svg",
                      svg_bar_chart("The GBDT ranker's features by total gain (top 20)", "gain", bars));
    md << "\n![importance](ranker_importance.svg)\n";
  }
  if (report.contains("tune")) {
    const auto& t = report["tune"];
    std::vector<std::pair<std::string, double>> trial_bars;
    md << "\n## Tuning\n\n"
       << t.value("summary", "") << ". Inner window " << t["inner_window"]["first_day"].get<std::string>() << " to "
       << t["inner_window"]["last_day"].get<std::string>()
       << " (before the validation window; nothing in it was read). Short runs train "
       << "fewer epochs; the best of them run again in full.\n\n"
       << "| trial | rung | inner MAP@12 model | repurchases then model | epochs | seconds | settings |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (auto& row : t["trials"]) {
      std::string settings;
      for (auto& [k, v] : row["settings"].items()) settings += (settings.empty() ? "" : ", ") + k + " = " + v.dump();
      md << "| " << row["trial"] << " | " << row["rung"].get<std::string>() << " | "
         << fmt4(row["map@12"].get<double>()) << " | " << fmt4(row["map@12_blend"].get<double>()) << " | "
         << row["epochs"] << " | " << fmt4(row["seconds"].get<double>()) << " | "
         << (settings.empty() ? "the defaults" : settings) << " |\n";
      trial_bars.emplace_back(
          "trial " + std::to_string(row["trial"].get<int>()) + " (" + row["rung"].get<std::string>() + ")",
          std::max(row["map@12"].get<double>(), row["map@12_blend"].get<double>()));
    }
    for (auto& [name, v] : t["baselines"].items()) trial_bars.emplace_back(name, v.get<double>());
    md << "\nBaselines on the inner window:";
    for (auto& [name, v] : t["baselines"].items()) md << " " << name << " " << fmt4(v.get<double>()) << ";";
    md << " chosen: " << t["choice"]["policy"].get<std::string>() << " (trial " << t["choice"]["trial"] << ").\n\n"
       << "![tuning](tuning.svg)\n";
    write_file_atomic(dir + "/tuning.svg",
                      svg_bar_chart("Inner-window MAP@12 by trial (the better of model and repurchases-then-model)",
                                    "MAP@12", trial_bars));
  }
  write_file_atomic(dir + "/report.md", md.str());
  write_file_atomic(dir + "/report.json", report.dump(2) + "\n");
  return dir + "/report.md";
}

}  // namespace fr
