#include "features/split.h"

#include <algorithm>

#include "core/error.h"
#include "data/parse.h"

namespace fr {

Split make_split(const Dataset& d, const SplitConfig& c) {
  if (d.n_transactions() == 0) throw DataError("the dataset has no transactions to split");
  if (c.val_days < 0) throw UsageError("--val-days must be at least 0");
  auto [lo, hi] = std::minmax_element(d.tx_day.begin(), d.tx_day.end());
  Split s;
  s.val_end = *hi;
  if (c.val_days == 0) {  // no validation window: training is every purchase (train --refit)
    s.val_start = *hi + 1;
    return s;
  }
  if (!c.val_end.empty() && !parse_date(c.val_end, s.val_end))
    throw UsageError("--val-end must be a date YYYY-MM-DD, not '" + c.val_end + "'");
  s.val_start = s.val_end - int32_t(c.val_days) + 1;
  if (s.val_start <= *lo)
    throw DataError("the validation window " + format_date(s.val_start) + " .. " + format_date(s.val_end) +
                    " leaves no training days (data starts " + format_date(*lo) + ")");
  if (s.val_start > *hi)
    throw DataError("the validation window starts " + format_date(s.val_start) + ", after the last purchase (" +
                    format_date(*hi) + ")");
  return s;
}

ValidationTruth validation_truth(const Dataset& d, const Split& s) {
  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (int64_t i = 0; i < d.n_transactions(); ++i)
    if (s.is_val(d.tx_day[size_t(i)])) pairs.push_back({d.tx_customer[size_t(i)], d.tx_article[size_t(i)]});
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  ValidationTruth t;
  t.offsets.push_back(0);
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i == 0 || pairs[i].first != pairs[i - 1].first) {
      if (i > 0) t.offsets.push_back(t.articles.size());
      t.customers.push_back(pairs[i].first);
    }
    t.articles.push_back(pairs[i].second);
  }
  if (!pairs.empty()) t.offsets.push_back(t.articles.size());
  return t;
}

nlohmann::json run_split(const Workspace& ws, const SplitConfig& c, bool force) {
  nlohmann::json config = identity_json(c);  // the fingerprint: run-time knobs left out
  nlohmann::json inputs = {{"artifact:dataset", ws.artifact_input(kDatasetArtifact)}};
  std::string why;
  if (!force && ws.is_up_to_date(kSplitArtifact, config, {}, &why)) {
    auto a = Artifact::open(ws.path(kSplitFile), kSplitArtifact, kSplitVersion, false);
    auto m = a.meta();
    m["up_to_date"] = true;
    return m;
  }
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  Split s = make_split(d, c);
  ValidationTruth t = validation_truth(d, s);
  int64_t train_rows = 0, val_rows = 0;
  for (int32_t day : d.tx_day) train_rows += s.is_train(day), val_rows += s.is_val(day);
  nlohmann::json meta = {{"val_start", format_date(s.val_start)},
                         {"val_end", format_date(s.val_end)},
                         {"val_start_day", s.val_start},
                         {"val_end_day", s.val_end},
                         {"train_rows", train_rows},
                         {"val_rows", val_rows},
                         {"val_customers", t.customers.size()},
                         {"val_pairs", t.articles.size()}};
  ArtifactWriter w(ws.path(kSplitFile), kSplitArtifact, kSplitVersion);
  w.add("val.customers", t.customers);
  w.add("val.offsets", t.offsets);
  w.add("val.articles", t.articles);
  w.set_meta(meta);
  uint64_t sum = w.commit();
  ws.record(kSplitArtifact, kSplitFile, kSplitArtifact, kSplitVersion, sum, config, inputs);
  return meta;
}

Split load_split(const Workspace& ws, ValidationTruth* truth) {
  auto a = Artifact::open(ws.path(kSplitFile), kSplitArtifact, kSplitVersion);
  Split s;
  s.val_start = a.meta().at("val_start_day");
  s.val_end = a.meta().at("val_end_day");
  if (truth) {
    auto c = a.column<int32_t>("val.customers");
    auto o = a.column<uint64_t>("val.offsets");
    auto r = a.column<int32_t>("val.articles");
    truth->customers.assign(c.begin(), c.end());
    truth->offsets.assign(o.begin(), o.end());
    truth->articles.assign(r.begin(), r.end());
  }
  return s;
}

}  // namespace fr
