#include "tune/inner_window.h"

#include <filesystem>

#include "core/artifact.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/dataset_subset.h"
#include "data/parse.h"
#include "image/image_artifact.h"
#include "tune/refit.h"

namespace fr {

InnerWindow prepare_inner_window(const Workspace& ws, const SplitConfig& split, const FeaturesConfig& features,
                                 int64_t sample_customers, uint64_t seed, int threads) {
  InnerWindow w;
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  // The validation window evaluate scores: the split stage's, when it has run (run runs it
  // first, with the same config), else the config's.
  SplitConfig sc = split;
  if (!ws.entry(kSplitArtifact).is_null()) {
    w.outer = load_split(ws);
    sc.val_days = w.outer.val_end - w.outer.val_start + 1;
  } else {
    w.outer = make_split(d, split);
  }
  Workspace inner(ws.path(kTuneFolder));
  w.dir = inner.dir();

  // The dataset: purchases before the validation window (of a sample of customers at scale).
  SubsetSpec spec{w.outer.val_start, sample_customers, seed};
  nlohmann::json config = {
      {"before", format_date(spec.before_day)}, {"sample_customers", spec.sample_customers}, {"seed", spec.seed}};
  nlohmann::json inputs = {{"artifact:dataset", ws.artifact_input(kDatasetArtifact)}};
  nlohmann::json entry = inner.entry(kDatasetArtifact);
  bool fresh = !entry.is_null() && entry["inputs"] == inputs && inner.is_up_to_date(kDatasetArtifact, config, {});
  if (!fresh) {
    w.summary = write_dataset_subset(d, spec, inner.path(kDatasetFile), threads);
    inner.record(kDatasetArtifact, kDatasetFile, kDatasetArtifact, kDatasetVersion,
                 w.summary["checksum"].get<uint64_t>(), config, inputs);
  } else {
    w.summary = Artifact::open(inner.path(kDatasetFile), kDatasetArtifact, kDatasetVersion, false).meta()["subset"];
  }

  // The photos' embeddings: the same file (they hold no purchases).
  share_artifact(ws, inner, kImageArtifact, kImageFile);

  // The inner window: the same length, ending the day before the validation window.
  sc.val_end = format_date(w.outer.val_start - 1);
  run_split(inner, sc, false);
  w.inner = load_split(inner);
  run_features(inner, features, threads, false);
  return w;
}

}  // namespace fr
