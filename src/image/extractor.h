#pragma once
// Image feature extractors: a batch of decoded pictures -> one row each.
#include <memory>
#include <string>
#include <vector>

#include "image/jpeg.h"

namespace fr {

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual std::string name() const = 0;
  virtual int dim() const = 0;
  /// out: [images.size(), dim()] row-major.
  virtual void extract(const std::vector<const RgbImage*>& images, float* out) = 0;
  /// Whether extract() may run on several threads at once with different batches.
  virtual bool thread_safe() const { return true; }
};

/// The colour-texture descriptor (color_texture.h): no weights needed.
std::unique_ptr<Extractor> make_color_texture_extractor();

}  // namespace fr
