#include "image/resnet.h"

#include <dlfcn.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"

namespace fr {
namespace {

torch::Tensor preprocess_tensor(const RgbImage& img) {
  // [1, 3, H, W] float, as torchvision's resize sees a uint8 tensor.
  auto hwc = torch::from_blob(const_cast<uint8_t*>(img.data.data()), {img.height, img.width, 3}, torch::kUInt8);
  auto x = hwc.permute({2, 0, 1}).to(torch::kFloat32).unsqueeze(0);
  int64_t h = img.height, w = img.width, nh, nw;
  if (w <= h) {
    nw = 256;
    nh = int64_t(256.0 * double(h) / double(w));
  } else {
    nh = 256;
    nw = int64_t(256.0 * double(w) / double(h));
  }
  namespace F = torch::nn::functional;
  x = F::interpolate(
      x, F::InterpolateFuncOptions().size(std::vector<int64_t>{nh, nw}).mode(torch::kBilinear).align_corners(false));
  x = torch::round(x).clamp(0, 255);  // torchvision casts back to uint8 after resizing
  int64_t top = int64_t(std::round(double(nh - 224) / 2.0)), left = int64_t(std::round(double(nw - 224) / 2.0));
  x = x.slice(2, top, top + 224).slice(3, left, left + 224) / 255.0;
  auto mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1});
  auto std = torch::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1});
  return ((x - mean) / std).contiguous();
}

class ResnetExtractor : public Extractor {
 public:
  ResnetExtractor(const std::string& path, int threads) {
    if (!std::filesystem::exists(path)) throw DataError(SourceLocation{path}, "model file not found");
    torch::set_num_threads(threads);
    // Debian's libtorch calls OpenBLAS; its own threads on top of torch's slow both down.
    if (auto f = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(1);
    try {
      module_ = torch::jit::load(path);
    } catch (const c10::Error& e) {
      throw DataError(SourceLocation{path},
                      std::string("not a loadable TorchScript model: ") + e.what_without_backtrace());
    }
    module_.eval();
    torch::NoGradGuard ng;
    auto probe = module_.forward({torch::zeros({1, 3, 224, 224})}).toTensor();
    if (probe.dim() != 2)
      throw DataError(SourceLocation{path}, "the model must return [batch, features] (fc = Identity)");
    dim_ = int(probe.size(1));
  }
  std::string name() const override { return "resnet"; }
  int dim() const override { return dim_; }
  bool thread_safe() const override { return false; }  // torch uses every core itself
  void extract(const std::vector<const RgbImage*>& images, float* out) override {
    if (images.empty()) return;
    std::vector<torch::Tensor> xs;
    for (auto* im : images) xs.push_back(preprocess_tensor(*im));
    torch::NoGradGuard ng;
    auto y = module_.forward({torch::cat(xs, 0)}).toTensor().contiguous().to(torch::kFloat32);
    std::memcpy(out, y.data_ptr<float>(), size_t(y.numel()) * sizeof(float));
  }

 private:
  torch::jit::script::Module module_;
  int dim_ = 0;
};

}  // namespace

std::vector<float> resnet_preprocess(const RgbImage& img) {
  auto t = preprocess_tensor(img);
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

std::unique_ptr<Extractor> make_resnet_extractor(const std::string& model, int threads) {
  return std::make_unique<ResnetExtractor>(model, threads);
}

}  // namespace fr
