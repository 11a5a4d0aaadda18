#include "image/extractor.h"

#include <algorithm>

#include "image/color_texture.h"

namespace fr {
namespace {

class ColorTextureExtractor : public Extractor {
 public:
  std::string name() const override { return "color-texture"; }
  int dim() const override { return kColorTextureDim; }
  void extract(const std::vector<const RgbImage*>& images, float* out) override {
    for (size_t i = 0; i < images.size(); ++i) {
      auto v = color_texture_descriptor(*images[i]);
      std::copy(v.begin(), v.end(), out + i * size_t(kColorTextureDim));
    }
  }
};

}  // namespace

std::unique_ptr<Extractor> make_color_texture_extractor() { return std::make_unique<ColorTextureExtractor>(); }

}  // namespace fr
