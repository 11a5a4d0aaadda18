#include "data/table_reader.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/dataset.h"
#include "data/parse.h"

namespace fr {
namespace {

/// Per-chunk storage; values are checked for the whole row before any is stored.
class TableHandler : public RowHandler {
 public:
  explicit TableHandler(const std::vector<ColSpec>& schema) : schema_(schema), cols_(schema.size()) {
    for (size_t i = 0; i < schema.size(); ++i) cols_[i].spec = schema[i];
    parsed_i_.resize(schema.size());
    parsed_f_.resize(schema.size());
  }

  void row(std::span<const std::string_view> f) override {
    for (size_t i = 0; i < schema_.size(); ++i) {  // validate
      std::string_view s = f[i];
      switch (schema_[i].kind) {
        case ColKind::kStringKey:
          if (s.empty()) throw RowError{int(i), "empty id"};
          break;
        case ColKind::kArticleKey:
          if (!parse_article_id(s, parsed_i_[i]))
            throw RowError{int(i), "article_id is not a number of 1 to 10 digits: '" + std::string(s) + "'"};
          break;
        case ColKind::kInt:
        case ColKind::kFlag: {
          if (s.empty()) break;
          bool dec = false;
          if (!parse_int(s, parsed_i_[i], &dec)) throw RowError{int(i), "not an integer: '" + std::string(s) + "'"};
          int64_t lim = schema_[i].kind == ColKind::kFlag ? 127 : std::numeric_limits<int32_t>::max();
          if (parsed_i_[i] > lim || parsed_i_[i] < -lim)
            throw RowError{int(i), "integer out of range: '" + std::string(s) + "'"};
          break;
        }
        case ColKind::kFloat:
          if (!s.empty() && !parse_float(s, parsed_f_[i]))
            throw RowError{int(i), "not a number: '" + std::string(s) + "'"};
          break;
        default:
          break;
      }
    }
    for (size_t i = 0; i < schema_.size(); ++i) {  // store
      std::string_view s = f[i];
      TableColumn& c = cols_[i];
      if (s.empty()) ++c.empty;
      switch (schema_[i].kind) {
        case ColKind::kStringKey:
          c.text.push(s);
          break;
        case ColKind::kArticleKey:
          keys_.push_back(parsed_i_[i]);
          if (s.size() < 10) ++c.short_ids;
          break;
        case ColKind::kInt:
          c.i32.push_back(s.empty() ? kMissingInt : int32_t(parsed_i_[i]));
          if (s.size() > 2 && s.substr(s.size() - 2) == ".0") ++c.decimal_written;
          break;
        case ColKind::kFlag:
          c.i8.push_back(s.empty() ? int8_t(-1) : int8_t(parsed_i_[i]));
          if (s.size() > 2 && s.substr(s.size() - 2) == ".0") ++c.decimal_written;
          break;
        case ColKind::kFloat:
          c.f32.push_back(s.empty() ? std::numeric_limits<float>::quiet_NaN() : parsed_f_[i]);
          if (s.size() > 2 && s.substr(s.size() - 2) == ".0") ++c.decimal_written;
          break;
        case ColKind::kCategory:
          c.i32.push_back(s.empty() ? -1 : c.dict.insert(s));
          break;
        case ColKind::kText:
          c.text.push(s);
          break;
      }
    }
    ++rows_;
  }

  const std::vector<ColSpec>& schema_;
  std::vector<TableColumn> cols_;
  std::vector<int64_t> keys_;  // kArticleKey values
  std::vector<int64_t> parsed_i_;
  std::vector<float> parsed_f_;
  int64_t rows_ = 0;
};

template <class T>
void keep_rows(std::vector<T>& v, const std::vector<uint8_t>& keep) {
  size_t o = 0;
  for (size_t i = 0; i < v.size(); ++i)
    if (keep[i]) v[o++] = v[i];
  v.resize(o);
}

}  // namespace

TableColumn& Table::col(const std::string& name) {
  for (auto& c : columns)
    if (c.spec.name == name) return c;
  throw InternalError("no column " + name);
}

Table read_table(const std::string& path, const std::vector<ColSpec>& schema, const CsvOptions& opt) {
  std::vector<std::string> names;
  for (auto& s : schema) names.push_back(s.name);
  Table t;
  t.path = path;
  auto handlers = read_csv(
      path, names, opt, [&](size_t) { return std::make_unique<TableHandler>(schema); }, t.report);

  // Merge the chunks in file order.
  t.columns.resize(schema.size());
  std::vector<int64_t> article_keys;
  for (size_t i = 0; i < schema.size(); ++i) t.columns[i].spec = schema[i];
  for (auto& hp : handlers) {
    auto& h = static_cast<TableHandler&>(*hp);
    t.rows += h.rows_;
    article_keys.insert(article_keys.end(), h.keys_.begin(), h.keys_.end());
    for (size_t i = 0; i < schema.size(); ++i) {
      TableColumn& dst = t.columns[i];
      TableColumn& src = h.cols_[i];
      dst.empty += src.empty;
      dst.decimal_written += src.decimal_written;
      dst.short_ids += src.short_ids;
      switch (schema[i].kind) {
        case ColKind::kCategory: {
          std::vector<int32_t> remap(src.dict.size());
          for (size_t k = 0; k < src.dict.size(); ++k) remap[k] = dst.dict.insert(src.dict.key(int32_t(k)));
          for (int32_t c : src.i32) dst.i32.push_back(c < 0 ? -1 : remap[size_t(c)]);
          break;
        }
        case ColKind::kStringKey:
        case ColKind::kText:
          dst.text.append(src.text);
          break;
        case ColKind::kInt:
          dst.i32.insert(dst.i32.end(), src.i32.begin(), src.i32.end());
          break;
        case ColKind::kFlag:
          dst.i8.insert(dst.i8.end(), src.i8.begin(), src.i8.end());
          break;
        case ColKind::kFloat:
          dst.f32.insert(dst.f32.end(), src.f32.begin(), src.f32.end());
          break;
        case ColKind::kArticleKey:
          break;
      }
    }
    hp.reset();
  }

  // Keys: unique, ids = row numbers. A repeated key is bad input.
  TableColumn& key = t.columns[0];
  std::vector<uint8_t> keep(size_t(t.rows), 1);
  int64_t dups = 0;
  std::string first_dup;
  for (size_t r = 0; r < size_t(t.rows); ++r) {
    bool inserted = false;
    if (schema[0].kind == ColKind::kStringKey)
      key.key_index.insert(key.text[r], &inserted);
    else
      key.article_index.insert(article_keys[r], &inserted);
    if (!inserted) {
      keep[r] = 0;
      if (!dups++)
        first_dup =
            schema[0].kind == ColKind::kStringKey ? std::string(key.text[r]) : format_article_id(article_keys[r]);
    }
  }
  if (dups && opt.on_error == OnError::kFail)
    throw DataError(SourceLocation{path, 0, 0, schema[0].name}, std::to_string(dups) + " repeated id(s), the first '" +
                                                                    first_dup +
                                                                    "' (--on-error skip keeps the first row of each)");
  if (dups) {
    t.duplicates_skipped = dups;
    t.rows -= dups;
    for (size_t i = 1; i < schema.size(); ++i) {
      TableColumn& c = t.columns[i];
      keep_rows(c.i32, keep);
      keep_rows(c.i8, keep);
      keep_rows(c.f32, keep);
      if (schema[i].kind == ColKind::kText) {
        StringArena kept;
        for (size_t r = 0; r < keep.size(); ++r)
          if (keep[r]) kept.push(c.text[r]);
        c.text = std::move(kept);
      }
    }
  }
  key.text = StringArena{};
  return t;
}

}  // namespace fr
