#include "data/ingest.h"

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "core/artifact.h"
#include "core/checksum.h"
#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/parse.h"
#include "data/table_reader.h"
#include "data/transactions_reader.h"

namespace fs = std::filesystem;
namespace fr {

IngestInputs resolve_inputs(const IngestConfig& c) {
  IngestInputs in;
  if (!c.data.empty()) {
    if (!fs::is_directory(c.data)) throw DataError(SourceLocation{c.data}, "--data is not a folder");
    in.articles = (fs::path(c.data) / "articles.csv").string();
    in.customers = (fs::path(c.data) / "customers.csv").string();
    in.transactions = (fs::path(c.data) / "transactions_train.csv").string();
  }
  if (!c.articles.empty()) in.articles = c.articles;
  if (!c.customers.empty()) in.customers = c.customers;
  if (!c.transactions.empty()) in.transactions = c.transactions;
  if (in.transactions.empty()) throw UsageError("ingest needs --data DIR or --transactions FILE");
  for (auto* p : {&in.articles, &in.customers, &in.transactions}) {
    if (p->empty()) continue;
    if (!fs::exists(*p)) throw DataError(SourceLocation{*p}, "file not found");
    *p = fs::absolute(*p).lexically_normal().string();
  }
  return in;
}

namespace {

const std::vector<ColSpec>& customer_schema() {
  static const std::vector<ColSpec> s = {{"customer_id", ColKind::kStringKey},
                                         {"FN", ColKind::kFlag},
                                         {"Active", ColKind::kFlag},
                                         {"club_member_status", ColKind::kCategory},
                                         {"fashion_news_frequency", ColKind::kCategory},
                                         {"age", ColKind::kFloat},
                                         {"postal_code", ColKind::kCategory}};
  return s;
}

const std::vector<ColSpec>& article_schema() {
  static const std::vector<ColSpec> s = [] {
    std::vector<ColSpec> v = {{"article_id", ColKind::kArticleKey}};
    for (auto* c : kArticleIntColumns) v.push_back({c, ColKind::kInt});
    for (auto* c : kArticleCategoryColumns) v.push_back({c, ColKind::kCategory});
    v.push_back({"detail_desc", ColKind::kText});
    return v;
  }();
  return s;
}

nlohmann::json report_json(const CsvReport& r) {
  nlohmann::json issues = nlohmann::json::array();
  for (auto& i : r.first_issues)
    issues.push_back(
        {{"line", i.line}, {"column", i.column}, {"field", i.field}, {"reason", i.reason}, {"text", i.text}});
  return {{"path", r.path},
          {"fingerprint", hex64(r.fingerprint)},
          {"bytes", r.bytes},
          {"rows", r.rows},
          {"skipped", r.skipped},
          {"skipped_by_reason", r.skipped_by_reason},
          {"first_skipped", issues},
          {"blank_lines", r.blank_lines},
          {"crlf_lines", r.crlf_lines},
          {"bom", r.bom},
          {"quoted_fields", r.quoted_fields},
          {"extra_columns", r.extra_columns},
          {"serial_fallback", r.serial_fallback}};
}

uint64_t file_size(const std::string& p) {
  struct stat st {};
  return p.empty() || ::stat(p.c_str(), &st) != 0 ? 0 : uint64_t(st.st_size);
}

/// Extends a metadata column to n rows with its missing value.
template <class T>
void pad(std::vector<T>& v, size_t n, T missing) {
  v.resize(n, missing);
}

void write_categories(ArtifactWriter& w, const std::string& base, TableColumn& c, size_t n) {
  pad(c.i32, n, int32_t(-1));
  w.add_owned(base + ".codes", std::move(c.i32));
  const StringArena& vals = c.dict.keys();
  w.add_owned(base + ".values.offsets", vals.offsets);
  w.add_owned(base + ".values.data", std::vector<uint8_t>(vals.data.begin(), vals.data.end()));
}

/// A string column straight from an arena that lives until the writer commits.
void write_arena(ArtifactWriter& w, const std::string& base, const StringArena& a) {
  w.add(base + ".offsets", a.offsets);
  std::span<const std::byte> bytes = std::as_bytes(std::span(a.data.data(), a.data.size()));
  w.add_raw(base + ".data", DType::kU8, std::span(&bytes, 1));
}

}  // namespace

nlohmann::json ingest_files(const IngestInputs& in, const std::string& on_error, int threads,
                            const std::string& out_path) {
  CsvOptions opt;
  opt.threads = std::max(1, threads);
  opt.on_error = parse_on_error(on_error);
  uint64_t total = file_size(in.articles) + file_size(in.customers) + file_size(in.transactions);
  Progress progress("ingest", total, "B");
  // Bytes of the files finished so far + of the file being read (reset if the reader starts
  // that file again on one thread), so the line never passes 100 %.
  uint64_t files_done = 0;
  std::atomic<uint64_t> file_bytes{0};
  opt.on_bytes = [&](uint64_t n) { progress.set(files_done + (file_bytes += n)); };
  opt.on_restart = [&] { file_bytes = 0; };
  auto next_file = [&](const std::string& p) {
    files_done += file_size(p);
    file_bytes = 0;
  };

  Table customers, articles;
  StringArena no_desc;
  bool have_c = !in.customers.empty(), have_a = !in.articles.empty();
  if (have_c) customers = read_table(in.customers, customer_schema(), opt), next_file(in.customers);
  if (have_a) articles = read_table(in.articles, article_schema(), opt), next_file(in.articles);
  StringIdIndex cust_index = have_c ? std::move(customers.col("customer_id").key_index) : StringIdIndex{};
  IntIdIndex art_index = have_a ? std::move(articles.col("article_id").article_index) : IntIdIndex{};
  const size_t n_cust_meta = cust_index.size(), n_art_meta = art_index.size();
  auto t0 = std::chrono::steady_clock::now();
  auto lap = [&](const char* what) {
    spdlog::debug("ingest: {} at {:.2f} s", what,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  // One chunk per thread: ids first seen in a chunk are merged serially afterwards, and
  // fewer, larger chunks see each id fewer times (1.37 M customers recur in every week).
  uint64_t tx_bytes = file_size(in.transactions);
  uint64_t per_thread = (tx_bytes + uint64_t(opt.threads) - 1) / uint64_t(opt.threads);
  opt.chunk_bytes = std::max<size_t>(
      opt.chunk_bytes, size_t((per_thread + kFingerprintBlock - 1) / kFingerprintBlock * kFingerprintBlock));
  TransactionChunks tx = read_transactions(in.transactions, cust_index, art_index, opt);
  progress.finish();
  lap("transactions parsed");
  const size_t n_c = cust_index.size(), n_a = art_index.size();

  // Coverage of the transactions by the metadata.
  std::vector<uint8_t> seen_c(n_c, 0), seen_a(n_a, 0);
  int64_t rows_art_meta = 0, rows_cust_meta = 0;
  for (size_t k = 0; k < tx.day.size(); ++k) {
    for (int32_t c : tx.customer[k]) {
      seen_c[size_t(c)] = 1;
      rows_cust_meta += size_t(c) < n_cust_meta;
    }
    for (int32_t a : tx.article[k]) {
      seen_a[size_t(a)] = 1;
      rows_art_meta += size_t(a) < n_art_meta;
    }
  }
  int64_t distinct_c = 0, distinct_a = 0, distinct_a_meta = 0, distinct_c_meta = 0;
  for (size_t i = 0; i < n_c; ++i) distinct_c += seen_c[i], distinct_c_meta += seen_c[i] && i < n_cust_meta;
  for (size_t i = 0; i < n_a; ++i) distinct_a += seen_a[i], distinct_a_meta += seen_a[i] && i < n_art_meta;

  nlohmann::json summary;
  summary["transactions"] = {{"rows", tx.rows},
                             {"first_day", format_date(tx.min_day)},
                             {"last_day", format_date(tx.max_day)},
                             {"distinct_customers", distinct_c},
                             {"distinct_customers_with_metadata", distinct_c_meta},
                             {"distinct_articles", distinct_a},
                             {"distinct_articles_with_metadata", distinct_a_meta},
                             {"rows_with_article_metadata", rows_art_meta},
                             {"rows_with_customer_metadata", rows_cust_meta},
                             {"article_ids_without_leading_zero", tx.short_article_ids},
                             {"repeated_rows", tx.repeated_rows},
                             {"file", report_json(tx.report)}};

  lap("coverage counted");
  ArtifactWriter w(out_path, kDatasetArtifact, kDatasetVersion);
  w.add_parts("tx.day", tx.day);
  w.add_parts("tx.customer", tx.customer);
  w.add_parts("tx.article", tx.article);
  w.add_parts("tx.price", tx.price);
  w.add_parts("tx.channel", tx.channel);

  // Customers: metadata rows, then customers seen only in transactions.
  {
    std::vector<uint8_t> has(n_c, 0);
    std::fill(has.begin(), has.begin() + ptrdiff_t(n_cust_meta), 1);
    write_arena(w, "cust.customer_id", cust_index.keys());
    w.add_owned("cust.has_meta", std::move(has));
    std::vector<int8_t> fn, active;
    std::vector<float> age;
    nlohmann::json quirks = nlohmann::json::object();
    if (have_c) {
      fn = std::move(customers.col("FN").i8);
      active = std::move(customers.col("Active").i8);
      age = std::move(customers.col("age").f32);
      for (auto& c : customers.columns)
        if (c.empty) quirks["empty_" + c.spec.name] = c.empty;
      quirks["age_written_as_decimal"] = customers.col("age").decimal_written;
      quirks["FN_written_as_decimal"] = customers.col("FN").decimal_written;
      auto& fnf = customers.col("fashion_news_frequency");
      nlohmann::json values = nlohmann::json::object();
      std::vector<int64_t> counts(fnf.dict.size(), 0);
      for (int32_t code : fnf.i32)
        if (code >= 0) ++counts[size_t(code)];
      for (size_t k = 0; k < counts.size(); ++k) values[std::string(fnf.dict.key(int32_t(k)))] = counts[k];
      values[""] = fnf.empty;
      quirks["fashion_news_frequency_values"] = values;
    }
    pad(fn, n_c, int8_t(-1));
    pad(active, n_c, int8_t(-1));
    pad(age, n_c, std::numeric_limits<float>::quiet_NaN());
    w.add_owned("cust.FN", std::move(fn));
    w.add_owned("cust.Active", std::move(active));
    w.add_owned("cust.age", std::move(age));
    for (auto* name : kCustomerCategoryColumns) {
      TableColumn empty;
      write_categories(w, std::string("cust.") + name, have_c ? customers.col(name) : empty, n_c);
    }
    summary["customers"] = {{"rows", int64_t(n_cust_meta)},
                            {"only_in_transactions", int64_t(n_c - n_cust_meta)},
                            {"repeated_ids_skipped", customers.duplicates_skipped},
                            {"quirks", quirks}};
    if (have_c) summary["customers"]["file"] = report_json(customers.report);
  }

  // Articles likewise.
  {
    w.add("art.article_id", art_index.keys());
    std::vector<uint8_t> has(n_a, 0);
    std::fill(has.begin(), has.begin() + ptrdiff_t(n_art_meta), 1);
    w.add_owned("art.has_meta", std::move(has));
    for (auto* name : kArticleIntColumns) {
      std::vector<int32_t> v;
      if (have_a) v = std::move(articles.col(name).i32);
      pad(v, n_a, kMissingInt);
      w.add_owned(std::string("art.") + name, std::move(v));
    }
    for (auto* name : kArticleCategoryColumns) {
      TableColumn empty;
      write_categories(w, std::string("art.") + name, have_a ? articles.col(name) : empty, n_a);
    }
    StringArena& desc = have_a ? articles.col("detail_desc").text : no_desc;  // lives until commit
    while (desc.size() < n_a) desc.push("");
    write_arena(w, "art.detail_desc", desc);
    summary["articles"] = {{"rows", int64_t(n_art_meta)},
                           {"only_in_transactions", int64_t(n_a - n_art_meta)},
                           {"repeated_ids_skipped", articles.duplicates_skipped},
                           {"ids_without_leading_zero", have_a ? articles.col("article_id").short_ids : 0},
                           {"empty_detail_desc", have_a ? articles.col("detail_desc").empty : 0}};
    if (have_a) summary["articles"]["file"] = report_json(articles.report);
  }
  summary["n_customers"] = int64_t(n_c);
  summary["n_articles"] = int64_t(n_a);
  w.set_meta({{"summary", summary}});
  lap("columns written");
  uint64_t checksum = w.commit();
  lap("committed");
  summary["checksum"] = checksum;
  return summary;
}

IngestOutcome run_ingest(const Workspace& ws, const IngestConfig& c, int threads, bool force) {
  IngestInputs in = resolve_inputs(c);
  nlohmann::json config = identity_json(c);  // the fingerprint: run-time knobs left out
  std::vector<std::string> files;
  for (auto* p : {&in.articles, &in.customers, &in.transactions})
    if (!p->empty()) files.push_back(*p);
  IngestOutcome out;
  if (!force && ws.is_up_to_date(kDatasetArtifact, config, files, &out.why)) {
    out.up_to_date = true;
    out.summary = Dataset::load(ws.path(kDatasetFile), false).summary();
    return out;
  }
  out.summary = ingest_files(in, c.on_error, threads, ws.path(kDatasetFile));
  // The reader hashed each file while parsing it; no second pass over the bytes.
  nlohmann::json inputs = nlohmann::json::object();
  for (auto* sec : {"transactions", "customers", "articles"}) {
    const auto& part = out.summary[sec];
    if (!part.contains("file")) continue;
    std::string p = part["file"]["path"];
    inputs["file:" + p] = file_input(p, std::stoull(part["file"]["fingerprint"].get<std::string>(), nullptr, 16));
  }
  ws.record(kDatasetArtifact, kDatasetFile, kDatasetArtifact, kDatasetVersion, out.summary["checksum"].get<uint64_t>(),
            config, inputs);
  return out;
}

std::string format_ingest_summary(const nlohmann::json& s) {
  std::ostringstream o;
  auto n = [](const nlohmann::json& v) {
    std::string d = std::to_string(v.get<int64_t>()), out;  // thousands separators
    size_t lead = d[0] == '-' ? 1 : 0;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i > lead && (d.size() - i) % 3 == 0) out.push_back(',');
      out.push_back(d[i]);
    }
    return out;
  };
  const auto& t = s["transactions"];
  o << "transactions: " << n(t["rows"]) << " purchases by " << n(t["distinct_customers"]) << " customers, "
    << t["first_day"].get<std::string>() << " .. " << t["last_day"].get<std::string>() << "\n";
  o << "  articles bought: " << n(t["distinct_articles"]) << " distinct, " << n(t["distinct_articles_with_metadata"])
    << " with metadata; " << n(t["rows_with_article_metadata"]) << " purchases of articles with metadata\n";
  o << "  customers with metadata: " << n(t["distinct_customers_with_metadata"]) << " of " << n(t["distinct_customers"])
    << "; " << n(t["rows_with_customer_metadata"]) << " purchases\n";
  o << "  repeated rows (same purchase twice, kept): " << n(t["repeated_rows"])
    << "; ids without leading zero: " << n(t["article_ids_without_leading_zero"]) << "\n";
  const auto& c = s["customers"];
  o << "customers: " << n(c["rows"]) << " rows, " << n(c["only_in_transactions"]) << " only in transactions";
  if (c.contains("quirks")) {
    o << "; quirks:";
    for (auto& [k, v] : c["quirks"].items())
      if (v.is_number()) o << " " << k << "=" << n(v);
  }
  o << "\n";
  const auto& a = s["articles"];
  o << "articles: " << n(a["rows"]) << " rows, " << n(a["only_in_transactions"]) << " only in transactions, "
    << n(a["ids_without_leading_zero"]) << " ids without leading zero\n";
  for (auto* sec : {"transactions", "customers", "articles"}) {
    const auto& part = s[sec];
    if (!part.contains("file")) continue;
    const auto& f = part["file"];
    o << "  " << f["path"].get<std::string>() << ": " << n(f["rows"]) << " rows";
    if (f["skipped"].get<int64_t>() > 0) o << ", " << n(f["skipped"]) << " malformed rows SKIPPED";
    if (f["crlf_lines"].get<int64_t>() > 0) o << ", CRLF line ends";
    if (f["bom"].get<bool>()) o << ", UTF-8 BOM";
    if (f["quoted_fields"].get<int64_t>() > 0) o << ", " << n(f["quoted_fields"]) << " quoted fields";
    if (f["blank_lines"].get<int64_t>() > 0) o << ", " << n(f["blank_lines"]) << " blank lines";
    if (!f["extra_columns"].empty()) o << ", ignored columns " << f["extra_columns"].dump();
    o << "\n";
    for (auto& is : f["first_skipped"])
      o << "    skipped " << f["path"].get<std::string>() << ":" << is["line"] << ":" << is["column"] << " "
        << is["field"].get<std::string>() << ": " << is["reason"].get<std::string>() << "\n";
  }
  return o.str();
}

std::string ingested_folder(const Workspace& ws) {
  auto e = ws.entry(kDatasetArtifact);
  if (e.is_null() || !e.contains("inputs")) return "";
  for (auto& [key, v] : e["inputs"].items()) {
    std::filesystem::path p(key.rfind("file:", 0) == 0 ? key.substr(5) : key);
    if (p.filename() == "transactions_train.csv") return p.parent_path().string();
  }
  return "";
}

}  // namespace fr
