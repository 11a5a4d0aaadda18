#pragma once
// `fashionrec index`: model.frc's retrieval vectors (each article's embedding and popularity
// term, trained_model.h) in a FAISS inner-product index (index.frc in the workspace), from
// IndexConfig's factory string, with its recall against the exact index.
#include <nlohmann/json.hpp>
#include <string>

#include "core/workspace.h"
#include "model/trained_model.h"
#include "recommend/item_index.h"
#include "recommend/recommend_config.h"

namespace fr {

inline constexpr const char* kIndexArtifact = "index";
inline constexpr const char* kIndexFile = "index.frc";
inline constexpr uint32_t kIndexVersion = 2;  // 2: over retrieval_articles

/// Builds and saves the index unless it is up to date; reports its recall@check_k against
/// the exact inner product for check_queries articles' embeddings used as queries.
nlohmann::json run_index(const Workspace& ws, const IndexConfig& c, int threads, bool force);

/// The workspace's index when it was made from this model; otherwise an exact index built in
/// memory (logged).
ItemIndex load_or_build_index(const Workspace& ws, const TrainedModel& model, const std::string& params);

}  // namespace fr
