#include "model/gbdt_booster.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <string>

#include "core/error.h"

namespace fr {

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw InternalError(std::string("XGBoost ") + what + ": " + XGBGetLastError());
}

/// A DMatrix that frees itself.
struct Matrix {
  DMatrixHandle h = nullptr;
  Matrix(std::span<const float> x, size_t n, size_t dim) {
    check(XGDMatrixCreateFromMat(x.data(), n, dim, std::nanf(""), &h), "DMatrix");
  }
  ~Matrix() {
    if (h) XGDMatrixFree(h);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};

std::unique_ptr<Matrix> learning_matrix(const GbdtData& d, const std::vector<std::string>& names) {
  if (d.x.size() != d.rows() * d.dim) throw UsageError("GBDT data: rows and labels disagree");
  uint64_t sum = 0;
  for (uint32_t g : d.groups) sum += g;
  if (sum != d.rows()) throw UsageError("GBDT data: the groups do not cover the rows");
  auto m = std::make_unique<Matrix>(d.x, d.rows(), d.dim);
  check(XGDMatrixSetFloatInfo(m->h, "label", d.label.data(), d.label.size()), "labels");
  check(XGDMatrixSetUIntInfo(m->h, "group", d.groups.data(), d.groups.size()), "groups");
  std::vector<const char*> p;
  for (auto& s : names) p.push_back(s.c_str());
  if (names.size() == d.dim) check(XGDMatrixSetStrFeatureInfo(m->h, "feature_name", p.data(), p.size()), "names");
  return m;
}

}  // namespace

struct GbdtBooster::Impl {
  BoosterHandle h = nullptr;
  ~Impl() {
    if (h) XGBoosterFree(h);
  }
};

GbdtBooster::GbdtBooster() : impl_(std::make_unique<Impl>()) {}
GbdtBooster::~GbdtBooster() = default;
GbdtBooster::GbdtBooster(GbdtBooster&&) noexcept = default;
GbdtBooster& GbdtBooster::operator=(GbdtBooster&&) noexcept = default;

GbdtBooster GbdtBooster::train(const GbdtData& train, const GbdtData& valid, const std::vector<std::string>& names,
                               const GbdtParams& p, const std::function<void(int64_t, double)>& progress) {
  if (train.rows() == 0 || train.groups.empty()) throw UsageError("GBDT: no training rows (no customer bought?)");
  auto dtrain = learning_matrix(train, names);
  std::unique_ptr<Matrix> dvalid;
  if (valid.rows() > 0) dvalid = learning_matrix(valid, names);
  GbdtBooster b;
  b.dim_ = train.dim;
  b.names_ = names;
  DMatrixHandle cache[2] = {dtrain->h, dvalid ? dvalid->h : nullptr};
  check(XGBoosterCreate(cache, dvalid ? 2 : 1, &b.impl_->h), "booster");
  auto set = [&](const char* k, const std::string& v) { check(XGBoosterSetParam(b.impl_->h, k, v.c_str()), k); };
  set("objective", p.objective);
  set("eval_metric", "ndcg@12");
  set("tree_method", "hist");
  set("max_depth", std::to_string(p.max_depth));
  set("eta", std::to_string(p.eta));
  set("subsample", std::to_string(p.subsample));
  set("colsample_bytree", std::to_string(p.colsample));
  set("min_child_weight", std::to_string(p.min_child_weight));
  set("seed", std::to_string(p.seed));
  set("verbosity", "0");
  if (p.threads > 0) set("nthread", std::to_string(p.threads));
  double best = -1;
  int64_t best_round = 0;
  for (int64_t r = 0; r < p.rounds; ++r) {
    check(XGBoosterUpdateOneIter(b.impl_->h, int(r), dtrain->h), "update");
    double figure = NAN;
    if (dvalid) {
      const char* names_[1] = {"valid"};
      const char* out = nullptr;
      check(XGBoosterEvalOneIter(b.impl_->h, int(r), &dvalid->h, names_, 1, &out), "eval");
      // "[r]\tvalid-ndcg@12:0.1234"
      std::string s(out);
      figure = std::stod(s.substr(s.rfind(':') + 1));
      b.curve_.push_back(figure);
      if (figure > best + 1e-7) best = figure, best_round = r;
    }
    if (progress) progress(r, figure);
    if (dvalid && r - best_round >= p.early_stopping) break;
  }
  int64_t keep = dvalid ? best_round + 1 : p.rounds;
  int done = 0;
  check(XGBoosterBoostedRounds(b.impl_->h, &done), "rounds");
  if (keep < done) {
    BoosterHandle sliced = nullptr;
    check(XGBoosterSlice(b.impl_->h, 0, int(keep), 1, &sliced), "slice");
    XGBoosterFree(b.impl_->h);
    b.impl_->h = sliced;
  }
  b.rounds_ = keep;
  return b;
}

GbdtBooster GbdtBooster::load(std::span<const uint8_t> bytes, size_t dim, const std::string& where) {
  GbdtBooster b;
  b.dim_ = dim;
  check(XGBoosterCreate(nullptr, 0, &b.impl_->h), "booster");
  if (XGBoosterLoadModelFromBuffer(b.impl_->h, bytes.data(), bytes.size()) != 0)
    throw ArtifactError(where, std::string("the GBDT ranker does not load: ") + XGBGetLastError());
  int rounds = 0;
  check(XGBoosterBoostedRounds(b.impl_->h, &rounds), "rounds");
  b.rounds_ = rounds;
  bst_ulong n = 0;
  check(XGBoosterGetNumFeature(b.impl_->h, &n), "features");
  if (size_t(n) != dim)
    throw ArtifactError(where, "the GBDT ranker has " + std::to_string(n) + " features, this build computes " +
                                   std::to_string(dim) + ": run fashionrec train --force");
  return b;
}

std::vector<uint8_t> GbdtBooster::save() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  check(XGBoosterSaveModelToBuffer(impl_->h, R"({"format": "ubj"})", &len, &data), "save");
  return std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(data), reinterpret_cast<const uint8_t*>(data) + len);
}

std::vector<float> GbdtBooster::predict(std::span<const float> x, size_t n) const {
  if (n == 0) return {};
  if (x.size() != n * dim_) throw InternalError("GbdtBooster::predict: rows of the wrong width");
  Matrix m(x, n, dim_);
  bst_ulong const* shape = nullptr;
  bst_ulong out_dim = 0;
  const float* out = nullptr;
  // type 0: the margin-free normal prediction; training false; all trees.
  check(XGBoosterPredictFromDMatrix(
            impl_->h, m.h,
            R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})",
            &shape, &out_dim, &out),
        "predict");
  return std::vector<float>(out, out + n);
}

std::vector<std::pair<std::string, double>> GbdtBooster::importance() const {
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  bst_ulong const* shape = nullptr;
  const float* scores = nullptr;
  check(XGBoosterFeatureScore(impl_->h, R"({"importance_type": "total_gain"})", &n, &names, &dim, &shape, &scores),
        "importance");
  std::vector<std::pair<std::string, double>> out;
  for (bst_ulong i = 0; i < n; ++i) {
    // Names as the booster knows them: ours when it kept them, else "f<column>".
    std::string name = names[i];
    if (name.size() > 1 && name[0] == 'f' && name.find_first_not_of("0123456789", 1) == std::string::npos &&
        std::stoul(name.substr(1)) < names_.size())
      name = names_[std::stoul(name.substr(1))];
    out.emplace_back(name, double(scores[i]));
  }
  return out;
}

}  // namespace fr
