#pragma once
// The ResNet extractor: a TorchScript model (scripts/export-resnet) run with libtorch.
// The only file pair of the image stage that includes torch headers (they compile slowly).
#include <memory>
#include <string>
#include <vector>

#include "image/extractor.h"

namespace fr {

/// ImageNet preprocessing, as torchvision does it on a uint8 tensor: resize the shorter side
/// to 256 (bilinear, no antialias, rounded back to uint8), centre-crop 224, scale to [0, 1],
/// normalise with the ImageNet mean and std. Returns [3, 224, 224], channel-major.
std::vector<float> resnet_preprocess(const RgbImage& img);

/// Loads the TorchScript file; a missing or broken file is a DataError naming it.
std::unique_ptr<Extractor> make_resnet_extractor(const std::string& model, int threads);

}  // namespace fr
