#include "data/dataset_csv.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/parse.h"

namespace fr {
namespace {

void put(std::ofstream& o, std::string_view s) { o << csv_quote(s); }

std::ofstream open_out(const std::string& path) {
  std::ofstream o(path, std::ios::binary);
  if (!o) throw DataError(SourceLocation{path}, "cannot create file");
  return o;
}

std::string int_text(int32_t v) { return v == kMissingInt ? "" : std::to_string(v); }

}  // namespace

void write_dataset_csv(const Dataset& d, const std::string& dir) {
  std::filesystem::create_directories(dir);
  {
    auto o = open_out(dir + "/customers.csv");
    o << "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\n";
    for (int32_t c = 0; c < d.n_customers(); ++c) {
      if (!d.customer_has_meta[size_t(c)]) continue;
      auto flag = [](int8_t v) { return v < 0 ? std::string() : std::to_string(v) + ".0"; };
      float age = d.age[size_t(c)];
      std::string age_s =
          std::isnan(age) ? "" : (age == std::floor(age) ? std::to_string(int(age)) + ".0" : format_float(age));
      put(o, d.customer_id[size_t(c)]);
      o << ',' << flag(d.fn[size_t(c)]) << ',' << flag(d.active[size_t(c)]) << ',';
      put(o, d.club_member_status.at(size_t(c)));
      o << ',';
      put(o, d.fashion_news_frequency.at(size_t(c)));
      o << ',' << age_s << ',';
      put(o, d.postal_code.at(size_t(c)));
      o << '\n';
    }
  }
  {
    auto o = open_out(dir + "/articles.csv");
    std::vector<std::span<const int32_t>> ints;
    std::vector<Categorical> cats;
    for (auto* n : kArticleIntColumns) ints.push_back(d.article_int(n));
    for (auto* n : kArticleCategoryColumns) cats.push_back(d.category(n));
    // The H&M column order.
    o << "article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,"
         "graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name,"
         "perceived_colour_value_id,perceived_colour_value_name,perceived_colour_master_id,"
         "perceived_colour_master_name,department_no,department_name,index_code,index_name,index_group_no,"
         "index_group_name,section_no,section_name,garment_group_no,garment_group_name,detail_desc\n";
    for (int32_t a = 0; a < d.n_articles(); ++a) {
      if (!d.article_has_meta[size_t(a)]) continue;
      size_t r = size_t(a);
      auto I = [&](int k) { return int_text(ints[size_t(k)][r]); };
      auto C = [&](int k) { put(o, cats[size_t(k)].at(r)); };
      o << format_article_id(d.article_id[r]) << ',' << I(0) << ',';
      C(0);
      o << ',' << I(1) << ',';
      C(1);
      o << ',';
      C(2);
      o << ',' << I(2) << ',';
      C(3);
      o << ',' << I(3) << ',';
      C(4);
      o << ',' << I(4) << ',';
      C(5);
      o << ',' << I(5) << ',';
      C(6);
      o << ',' << I(6) << ',';
      C(7);
      o << ',';
      C(8);
      o << ',';
      C(9);
      o << ',' << I(7) << ',';
      C(10);
      o << ',' << I(8) << ',';
      C(11);
      o << ',' << I(9) << ',';
      C(12);
      o << ',';
      put(o, d.detail_desc[r]);
      o << '\n';
    }
  }
  {
    auto o = open_out(dir + "/transactions_train.csv");
    o << "t_dat,customer_id,article_id,price,sales_channel_id\n";
    int32_t last_day = INT32_MIN;
    std::string day_s;
    for (int64_t i = 0; i < d.n_transactions(); ++i) {
      size_t k = size_t(i);
      if (d.tx_day[k] != last_day) day_s = format_date(last_day = d.tx_day[k]);
      o << day_s << ',' << d.customer_id[size_t(d.tx_customer[k])] << ','
        << format_article_id(d.article_id[size_t(d.tx_article[k])]) << ',' << format_float(d.tx_price[k]) << ','
        << int(d.tx_channel[k]) << '\n';
    }
  }
}

}  // namespace fr
