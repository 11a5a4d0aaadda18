#include "data/dataset_subset.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/error.h"
#include "data/parse.h"

namespace fr {

nlohmann::json write_dataset_subset(const Dataset& d, const SubsetSpec& s, const std::string& out_path, int threads) {
  const size_t n = size_t(d.n_transactions());
  // The buyers before the day, and the sample of them (the same for a seed and a data set).
  std::vector<uint8_t> keep_customer(size_t(d.n_customers()), 0);
  std::vector<int32_t> buyers;
  for (size_t i = 0; i < n; ++i)
    if (d.tx_day[i] < s.before_day && !keep_customer[size_t(d.tx_customer[i])])
      keep_customer[size_t(d.tx_customer[i])] = 1, buyers.push_back(d.tx_customer[i]);
  if (buyers.empty()) throw DataError("no purchases before " + format_date(s.before_day) + " to tune on");
  if (s.sample_customers > 0 && size_t(s.sample_customers) < buyers.size()) {
    std::sort(buyers.begin(), buyers.end());
    std::mt19937_64 rng(s.seed);
    std::shuffle(buyers.begin(), buyers.end(), rng);
    std::fill(keep_customer.begin(), keep_customer.end(), 0);
    for (size_t i = 0; i < size_t(s.sample_customers); ++i) keep_customer[size_t(buyers[i])] = 1;
  }
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < n; ++i)
    if (d.tx_day[i] < s.before_day && keep_customer[size_t(d.tx_customer[i])]) rows.push_back(uint32_t(i));

  const Artifact& a = d.artifact();
  ArtifactWriter w(out_path, kDatasetArtifact, kDatasetVersion);
  std::vector<std::shared_ptr<std::vector<std::byte>>> kept;
  for (const std::string& name : a.section_names()) {
    auto [type, bytes] = a.raw_section(name);
    if (name.rfind("tx.", 0) != 0) {
      w.add_raw(name, type, std::span(&bytes, 1));
      continue;
    }
    const size_t width = dtype_size(type);
    if (bytes.size() != n * width) throw ArtifactError(a.path(), "section " + name + " is not one value per purchase");
    auto out = std::make_shared<std::vector<std::byte>>(rows.size() * width);
    for (size_t r = 0; r < rows.size(); ++r)
      std::copy_n(bytes.data() + size_t(rows[r]) * width, width, out->data() + r * width);
    kept.push_back(out);
    std::span<const std::byte> part(*out);
    w.add_raw(name, type, std::span(&part, 1));
  }
  size_t customers = size_t(std::count(keep_customer.begin(), keep_customer.end(), uint8_t(1)));
  nlohmann::json subset = {{"before", format_date(s.before_day)},
                           {"sample_customers", s.sample_customers},
                           {"seed", s.seed},
                           {"purchases", rows.size()},
                           {"customers", customers}};
  // Not the source's metadata: its ingest summary counts every purchase, the cut ones too.
  nlohmann::json meta = {{"summary", {{"subset", subset}}}, {"subset", subset}};
  w.set_meta(meta);
  subset["checksum"] = w.commit(threads);
  return subset;
}

}  // namespace fr
