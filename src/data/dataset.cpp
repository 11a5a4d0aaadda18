#include "data/dataset.h"

#include <mutex>

#include "core/error.h"
#include "data/id_index.h"
#include "data/parse.h"

namespace fr {

struct Dataset::Lookup {
  std::once_flag once;
  StringIdIndex customers;
  IntIdIndex articles;
};

Dataset Dataset::load(const std::string& path, bool verify) {
  Dataset d;
  auto art = std::make_shared<Artifact>(Artifact::open(path, kDatasetArtifact, kDatasetVersion, verify));
  const Artifact& a = *art;
  d.tx_day = a.column<int32_t>("tx.day");
  d.tx_customer = a.column<int32_t>("tx.customer");
  d.tx_article = a.column<int32_t>("tx.article");
  d.tx_price = a.column<float>("tx.price");
  d.tx_channel = a.column<int8_t>("tx.channel");
  d.customer_id = a.strings("cust.customer_id");
  d.customer_has_meta = a.column<uint8_t>("cust.has_meta");
  d.fn = a.column<int8_t>("cust.FN");
  d.active = a.column<int8_t>("cust.Active");
  d.age = a.column<float>("cust.age");
  d.article_id = a.column<int64_t>("art.article_id");
  d.article_has_meta = a.column<uint8_t>("art.has_meta");
  d.detail_desc = a.strings("art.detail_desc");
  d.art_ = art;
  d.club_member_status = d.category("club_member_status");
  d.fashion_news_frequency = d.category("fashion_news_frequency");
  d.postal_code = d.category("postal_code");
  size_t n = d.tx_day.size();
  if (d.tx_customer.size() != n || d.tx_article.size() != n || d.tx_price.size() != n || d.tx_channel.size() != n ||
      d.customer_id.size() != d.customer_has_meta.size() || d.detail_desc.size() != d.article_id.size())
    throw ArtifactError(path, "column lengths disagree: the dataset is corrupt");
  d.lookup_ = std::make_shared<Lookup>();
  return d;
}

std::span<const int32_t> Dataset::article_int(std::string_view name) const {
  return art_->column<int32_t>("art." + std::string(name));
}

Categorical Dataset::category(std::string_view name) const {
  std::string prefix = art_->has("cust." + std::string(name) + ".codes") ? "cust." : "art.";
  std::string base = prefix + std::string(name);
  return Categorical{art_->column<int32_t>(base + ".codes"), art_->strings(base + ".values")};
}

std::optional<int32_t> Dataset::find_customer(std::string_view id) const {
  std::call_once(lookup_->once, [&] {
    auto& L = *lookup_;
    L.customers.reserve(customer_id.size());
    for (size_t i = 0; i < customer_id.size(); ++i) L.customers.insert(customer_id[i]);
    L.articles.reserve(article_id.size());
    for (int64_t a : article_id) L.articles.insert(a);
  });
  int32_t c = lookup_->customers.find(id);
  return c < 0 ? std::nullopt : std::optional<int32_t>(c);
}

std::optional<int32_t> Dataset::find_article(int64_t id) const {
  find_customer("");  // builds the indexes once
  int32_t a = lookup_->articles.find(id);
  return a < 0 ? std::nullopt : std::optional<int32_t>(a);
}

std::optional<int32_t> Dataset::find_article(std::string_view id) const {
  int64_t v;
  if (!parse_article_id(id, v)) return std::nullopt;
  return find_article(v);
}

}  // namespace fr
