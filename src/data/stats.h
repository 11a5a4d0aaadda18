#pragma once
// Shape statistics of a Dataset: how purchases spread over customers, articles, prices and
// weeks. `fashionrec stats` prints them; docs/synthetic.md compares synthetic and real data
// with them, and the synth tests check the tiny preset against stated ranges.
#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace fr {

/// {"purchases_per_customer": {"p10",..,"max","share_one"}, "purchases_per_article": {...,
///  "top1pct_share","top10pct_share"}, "repurchase_rate", "repeated_row_rate", "price": {...},
///  "per_week": {"mean","min","max"}, "online_share", "inactive_last_28_days"}
nlohmann::json dataset_stats(const Dataset& d);

/// A two-column text table of the main figures (for the terminal and the docs).
std::string format_stats(const nlohmann::json& s);

}  // namespace fr
