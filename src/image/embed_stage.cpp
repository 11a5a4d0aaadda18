#include "image/embed_stage.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <unordered_map>

#include "core/artifact.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/parse.h"
#include "image/contact_sheet.h"
#include "image/extractor.h"
#include "image/pca.h"
#include "image/resnet.h"

namespace fs = std::filesystem;
namespace fr {

Pca load_image_pca(const Workspace& ws) {
  Artifact a = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
  Pca p;
  auto mean = a.column<float>("pca.mean");
  auto comp = a.column<float>("pca.components");
  auto expl = a.column<double>("pca.explained");
  p.in_dim = int64_t(mean.size());
  p.out_dim = int64_t(expl.size());
  p.mean.assign(mean.begin(), mean.end());
  p.components.assign(comp.begin(), comp.end());
  p.explained.assign(expl.begin(), expl.end());
  if (p.in_dim == 0 || p.components.size() != size_t(p.in_dim * p.out_dim))
    throw ArtifactError(ws.path(kImageFile), "the PCA sections disagree: the file is corrupt");
  return p;
}

std::string article_image_path(const std::string& images_dir, int64_t article_id) {
  std::string id = format_article_id(article_id);
  return (fs::path(images_dir) / id.substr(0, 3) / (id + ".jpg")).string();
}

// make_resnet_extractor: image/resnet.h

namespace {

enum Status : int32_t { kOk = 0, kMissing = 1, kCorrupt = 2, kNotJpeg = 3, kTooSmall = 4 };
const char* status_name(int32_t s) {
  switch (s) {
    case kOk:
      return "embedded";
    case kMissing:
      return "missing file";
    case kCorrupt:
      return "corrupt or truncated JPEG";
    case kNotJpeg:
      return "not a JPEG";
    case kTooSmall:
      return "too small (under 16 x 16)";
  }
  return "?";
}

constexpr char kCacheMagic[8] = {'F', 'R', 'I', 'M', 'G', 'C', '0', '1'};

/// The append-only cache of finished articles: [magic][int32 dim][int32 pad] then records
/// {int64 article_id, int32 status, int32 pad, float v[dim]}.
class Cache {
 public:
  Cache(const std::string& path, int dim) : path_(path), dim_(dim) {
    rec_ = 16 + size_t(dim) * 4;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot open " + path);
    off_t size = ::lseek(fd_, 0, SEEK_END);
    char head[16] = {};
    bool ok = size >= 16 && ::pread(fd_, head, 16, 0) == 16 && std::memcmp(head, kCacheMagic, 8) == 0 &&
              std::memcmp(head + 8, &dim_, 4) == 0;
    if (!ok) {  // new, or made by another extractor / build: start again
      if (::ftruncate(fd_, 0) != 0) throw_errno("cannot reset " + path);
      std::memcpy(head, kCacheMagic, 8);
      std::memcpy(head + 8, &dim_, 4);
      if (::pwrite(fd_, head, 16, 0) != 16) throw_errno("cannot write " + path);
      size = 16;
    }
    size_t n = (size_t(size) - 16) / rec_;
    std::vector<char> buf(n * rec_);
    if (n && ::pread(fd_, buf.data(), buf.size(), 16) != ssize_t(buf.size())) throw_errno("cannot read " + path);
    for (size_t i = 0; i < n; ++i) {
      const char* r = buf.data() + i * rec_;
      int64_t id;
      int32_t st;
      std::memcpy(&id, r, 8);
      std::memcpy(&st, r + 8, 4);
      Entry& e = entries_[id];
      e.status = st;
      e.v.resize(size_t(dim_));
      std::memcpy(e.v.data(), r + 16, size_t(dim_) * 4);
    }
    end_ = 16 + n * rec_;  // a partial record a killed run left is overwritten
    resumed_ = n;
  }
  ~Cache() { ::close(fd_); }

  struct Entry {
    int32_t status = 0;
    std::vector<float> v;
  };
  const Entry* find(int64_t id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void append(int64_t id, int32_t status, const float* v) {
    std::vector<char> r(rec_, 0);
    std::memcpy(r.data(), &id, 8);
    std::memcpy(r.data() + 8, &status, 4);
    if (v) std::memcpy(r.data() + 16, v, size_t(dim_) * 4);
    if (::pwrite(fd_, r.data(), rec_, off_t(end_)) != ssize_t(rec_)) throw_errno("cannot write " + path_);
    end_ += rec_;
    Entry& e = entries_[id];
    e.status = status;
    if (v)
      e.v.assign(v, v + dim_);
    else
      e.v.assign(size_t(dim_), 0.f);
  }
  void sync() { ::fdatasync(fd_); }
  size_t resumed() const { return resumed_; }

 private:
  std::string path_;
  int dim_;
  size_t rec_;
  int fd_;
  uint64_t end_ = 16;
  size_t resumed_ = 0;
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace

nlohmann::json run_embed_images(const Workspace& ws, const EmbedConfig& c, int threads, bool force,
                                const std::string& contact_sheet) {
  if (c.images.empty()) throw UsageError("embed-images needs --images DIR");
  if (!fs::is_directory(c.images)) throw DataError(SourceLocation{c.images}, "the images folder does not exist");
  std::string kind = c.extractor == "auto" ? (c.model.empty() ? "color-texture" : "resnet") : c.extractor;
  if (kind != "color-texture" && kind != "resnet")
    throw UsageError("--extractor must be auto, color-texture or resnet, not '" + c.extractor + "'");
  if (kind == "resnet" && c.model.empty()) throw UsageError("--extractor resnet needs --model FILE.ts");
  if (c.pca_dim < 1) throw UsageError("--pca-dim must be at least 1");
  nlohmann::json config = identity_json(c);  // the fingerprint: run-time knobs left out
  nlohmann::json inputs = {{"artifact:dataset", ws.artifact_input(kDatasetArtifact)}};
  std::string why;
  if (!force && contact_sheet.empty() && ws.is_up_to_date(kImageArtifact, config, {}, &why)) {
    auto a = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion, false);
    auto m = a.meta();
    m["up_to_date"] = true;
    return m;
  }
  threads = resolve_threads(threads);
  std::unique_ptr<Extractor> ex =
      kind == "resnet" ? make_resnet_extractor(c.model, threads) : make_color_texture_extractor();
  const int dim = ex->dim();
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  const size_t n = size_t(d.n_articles());
  Cache cache(ws.path("image_cache." + ex->name() + ".bin"), dim);

  std::vector<size_t> todo;
  for (size_t a = 0; a < n; ++a)
    if (!cache.find(d.article_id[a])) todo.push_back(a);
  std::map<std::string, int64_t> bad_counts;
  nlohmann::json first_bad = nlohmann::json::array();
  Progress progress("embed-images (" + ex->name() + ")", todo.size(), "articles");
  const size_t batch = size_t(std::max<int64_t>(1, c.batch));
  const size_t group = batch * size_t(ex->thread_safe() ? threads : 1);
  // Two-stage pipeline: while the extractor works on one group, the next is decoded.
  struct Decoded {
    size_t g0 = 0, g1 = 0;
    std::vector<RgbImage> imgs;
    std::vector<int32_t> status;
    std::vector<std::string> reason;
  };
  auto decode = [&](size_t g0) {
    Decoded dg;
    dg.g0 = g0;
    dg.g1 = std::min(todo.size(), g0 + group);
    size_t m = dg.g1 - g0;
    dg.imgs.resize(m);
    dg.status.assign(m, kOk);
    dg.reason.resize(m);
    parallel_for(m, threads, [&](size_t i) {
      std::string path = article_image_path(c.images, d.article_id[todo[g0 + i]]);
      if (!fs::exists(path)) {
        dg.status[i] = kMissing;
        return;
      }
      try {
        dg.imgs[i] = read_jpeg(path);
        if (dg.imgs[i].width < 16 || dg.imgs[i].height < 16) {
          dg.status[i] = kTooSmall;
          dg.reason[i] = path + ": " + std::to_string(dg.imgs[i].width) + "x" + std::to_string(dg.imgs[i].height);
        }
      } catch (const DataError& e) {
        dg.status[i] = std::string(e.what()).find("not a JPEG") != std::string::npos ? kNotJpeg : kCorrupt;
        dg.reason[i] = e.what();
      }
    });
    return dg;
  };
  int64_t from_cmyk = 0;
  std::future<Decoded> next;
  if (!todo.empty()) next = std::async(std::launch::async, decode, size_t(0));
  while (next.valid()) {
    Decoded dg = next.get();
    if (dg.g1 < todo.size()) next = std::async(std::launch::async, decode, dg.g1);
    std::vector<size_t> ok;
    for (size_t i = 0; i < dg.status.size(); ++i)
      if (dg.status[i] == kOk) ok.push_back(i), from_cmyk += dg.imgs[i].from_cmyk;
    std::vector<float> out(ok.size() * size_t(dim));
    size_t n_batches = (ok.size() + batch - 1) / batch;
    parallel_for(n_batches, ex->thread_safe() ? threads : 1, [&](size_t b) {
      std::vector<const RgbImage*> ptrs;
      for (size_t k = b * batch; k < std::min(ok.size(), (b + 1) * batch); ++k) ptrs.push_back(&dg.imgs[ok[k]]);
      ex->extract(ptrs, out.data() + b * batch * size_t(dim));
    });
    for (size_t k = 0, i = 0; i < dg.status.size(); ++i) {
      int64_t id = d.article_id[todo[dg.g0 + i]];
      if (dg.status[i] == kOk) {
        cache.append(id, kOk, out.data() + k++ * size_t(dim));
      } else {
        cache.append(id, dg.status[i], nullptr);
        if (dg.status[i] != kMissing) {
          ++bad_counts[status_name(dg.status[i])];
          if (first_bad.size() < 5) first_bad.push_back(dg.reason[i]);
        }
      }
    }
    cache.sync();
    progress.add(dg.g1 - dg.g0);
  }
  progress.finish();

  // The matrix, the mask and the PCA.
  std::vector<float> raw(n * size_t(dim), 0.f);
  std::vector<uint8_t> mask(n, 0);
  std::map<std::string, int64_t> totals;
  std::vector<float> fit_rows;
  int64_t fit_n = 0;
  for (size_t a = 0; a < n; ++a) {
    const auto* e = cache.find(d.article_id[a]);
    int32_t st = e ? e->status : kMissing;
    ++totals[status_name(st)];
    if (st != kOk) continue;
    mask[a] = 1;
    std::copy(e->v.begin(), e->v.end(), raw.begin() + std::ptrdiff_t(a * size_t(dim)));
    fit_rows.insert(fit_rows.end(), e->v.begin(), e->v.end());
    ++fit_n;
  }
  if (fit_n < 2)
    throw DataError(SourceLocation{c.images}, "fewer than 2 photos could be embedded: nothing to fit a PCA on");
  Pca pca = Pca::fit(fit_rows.data(), fit_n, dim, c.pca_dim, c.pca_variance);
  std::vector<float> reduced(n * size_t(pca.out_dim), 0.f);
  parallel_for(n, threads, [&](size_t a) {
    if (mask[a]) pca.apply(&raw[a * size_t(dim)], &reduced[a * size_t(pca.out_dim)]);
  });
  nlohmann::json meta = {{"extractor", ex->name()},
                         {"raw_dim", dim},
                         {"pca_dim", pca.out_dim},
                         {"explained_variance", pca.explained_total()},
                         {"articles", n},
                         {"counts", totals},
                         {"bad_this_run", bad_counts},
                         {"first_bad", first_bad},
                         {"embedded_this_run", todo.size()},
                         {"converted_from_cmyk_this_run", from_cmyk},
                         {"resumed_from_cache", cache.resumed()},
                         {"images", c.images}};
  ArtifactWriter w(ws.path(kImageFile), kImageArtifact, kImageVersion);
  w.add("raw", raw);
  w.add("mask", mask);
  w.add("pca", reduced);
  w.add("pca.mean", pca.mean);
  w.add("pca.components", pca.components);
  w.add("pca.explained", pca.explained);
  w.set_meta(meta);
  uint64_t sum = w.commit(threads);
  ws.record(kImageArtifact, kImageFile, kImageArtifact, kImageVersion, sum, config, inputs);

  if (!contact_sheet.empty()) {
    std::vector<std::vector<std::string>> rows;
    std::vector<int64_t> with;
    for (size_t a = 0; a < n; ++a)
      if (mask[a]) with.push_back(int64_t(a));
    for (int q = 0; q < 6 && !with.empty(); ++q) {
      int64_t a = with[size_t(q) * with.size() / 6];
      std::vector<std::string> row = {article_image_path(c.images, d.article_id[size_t(a)])};
      for (int32_t nb : nearest_rows(reduced.data(), int64_t(n), pca.out_dim, mask.data(), a, 5))
        row.push_back(article_image_path(c.images, d.article_id[size_t(nb)]));
      rows.push_back(row);
    }
    write_contact_sheet(contact_sheet, rows);
    meta["contact_sheet"] = contact_sheet;
  }
  return meta;
}

}  // namespace fr
