#pragma once
// The gradient-boosted ranker's fit (train.ranker = gbdt), after the towers are trained.
//
// Labels: for each of the rank_weeks weeks before the validation window (week w starts on
// val_start - 7 w), the candidates of that week's buyers are gathered as of the week's first
// day, exactly as the recommender gathers them (towers + every source, Recommender::
// candidates), from the data before that day; a candidate is positive if the customer bought it
// that week. Customers whose candidates hold none of their purchases are left out (a group
// without a positive teaches LambdaMART nothing).
// The last week before the validation window stops the boosting early (best NDCG@12); with
// more than one week, the booster is then refitted on every week with the best round count.
// The towers that gather the label weeks' candidates, and give their tower rank and score, are
// not the served ones: those were trained on the label weeks, so their score is far more
// confident on the label weeks' purchases than on unseen days, and a booster learned on it
// trusts the towers too much (measured on the small preset: MAP@12 0.0626, no better than the
// neural ranker). They are trained on the days before the earliest label week instead
// (tune/train_model.h), so that every label is unseen by them, as the validation week is by the
// served towers.
//
// The booster goes into model.frc (section kGbdtSection), rewritten atomically with the same
// identity and inputs in the manifest; meta "gbdt" holds the weeks, rows, the candidates'
// recall, each round's validation NDCG@12 and the features' importance (total gain).
#include <nlohmann/json.hpp>

#include "core/workspace.h"
#include "model/train_config.h"
#include "recommend/recommend_config.h"

namespace fr {

/// The first day of the earliest label week (the towers that gather the label weeks'
/// candidates must be trained on the days before it).
int32_t gbdt_first_label_day(int32_t val_start, const TrainConfig& c);

/// Fits and stores the booster in ws's model.frc when train.ranker is gbdt and it has none (or
/// force). The label weeks' candidates and their tower features come from `towers`, a workspace
/// (same dataset ids) whose model was trained on the days before gbdt_first_label_day; serving
/// uses ws's own towers. Returns a summary ({"skipped": why} when there was nothing to do).
nlohmann::json fit_gbdt_ranker(const Workspace& ws, const Workspace& towers, const TrainConfig& c,
                               const RecommendConfig& rc, int threads, bool force = false);
/// Whether ws's model.frc needs its booster fitted (train.ranker is gbdt and it has none).
bool needs_gbdt_fit(const Workspace& ws, const TrainConfig& c);

}  // namespace fr
