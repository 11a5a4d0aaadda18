#pragma once
// Service: everything `fashionrec serve` answers from, loaded once from a workspace and never
// changed afterwards (a reload builds a new one and swaps it in, see http_server.h). Methods
// are const and thread-safe; they return JSON bodies and throw NotFound / BadRequest, which
// the HTTP edge turns into 404 / 400.
//
// Recommendations are made as of the day after the data (AsOfData::kLatest).
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/workspace.h"
#include "recommend/recommend_config.h"

namespace fr {

/// An id the data does not know (HTTP 404).
class NotFound : public DataError {
 public:
  explicit NotFound(const std::string& what) : DataError(what) {}
};
/// A request that is malformed or out of range (HTTP 400).
class BadRequest : public UsageError {
 public:
  explicit BadRequest(const std::string& what) : UsageError(what) {}
};

struct ServiceConfig {
  std::string images;  ///< folder of 0XX/0XXXXXXXXX.jpg ("" = no pictures)
  RecommendConfig recommend;
  int threads = 0;
  int64_t max_k = 100;  ///< the largest k a request may ask for
};

class Service {
 public:
  /// Throws ArtifactError when an artifact is missing or damaged.
  static std::shared_ptr<const Service> load(const Workspace& ws, const ServiceConfig& c);
  ~Service();

  /// {"customer": {...}, "as_of": DATE, "recommendations": [{"article_id", "score", "sources": [...],
  /// "article": {...metadata, "image_url"}}]}
  nlohmann::json recommendations(std::string_view customer_id, int64_t k) const;
  /// POST /v1/recommendations: {"customer": {"age", "club_member_status",
  /// "fashion_news_frequency", "FN", "Active"} or "customer_id": ID, "history": [article ids,
  /// oldest first, not in the data], "k"}. Same answer shape as recommendations().
  nlohmann::json recommend_request(const nlohmann::json& body) const;
  /// Metadata of one article (10-digit id, with or without the leading 0).
  nlohmann::json article(std::string_view article_id) const;
  /// The k articles nearest to one by the tower's embedding or the picture's (by = tower | image).
  nlohmann::json similar(std::string_view article_id, int64_t k, std::string_view by) const;
  /// A customer's profile and last purchases (newest first, at most `last`).
  nlohmann::json customer(std::string_view customer_id, int64_t last) const;
  /// Customers whose id starts with the prefix (at most `limit`), for the web page's search.
  nlohmann::json search_customers(std::string_view prefix, int64_t limit) const;
  /// The picture's file for an article id, when there is one.
  std::optional<std::string> image_path(std::string_view article_id) const;
  nlohmann::json health() const;

 private:
  Service();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr
