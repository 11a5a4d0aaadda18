#include <gtest/gtest.h>
#include <jpeglib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/artifact.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/ingest.h"
#include "data/parse.h"
#include "image/embed_stage.h"
#include "image/extractor.h"
#include "image/jpeg.h"
#include "image/png.h"
#include "image/resnet.h"
#include "synth/synth.h"
#include "test_util.h"

using namespace fr;
namespace fs = std::filesystem;

namespace {

bool have_torchvision() { return std::system("/usr/bin/python3 -c 'import torchvision' >/dev/null 2>&1") == 0; }

RgbImage solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.data.resize(size_t(w) * size_t(h) * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool garment = x > w / 4 && x < 3 * w / 4 && y > h / 4 && y < 3 * h / 4;
      uint8_t* p = img.at(x, y);
      p[0] = garment ? r : 235, p[1] = garment ? g : 235, p[2] = garment ? b : 235;
    }
  return img;
}

/// A CMYK JPEG (Adobe-style inverted values, as Photoshop writes them).
void write_cmyk_jpeg(const std::string& path, int w, int h) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  FILE* f = std::fopen(path.c_str(), "wb");
  jpeg_stdio_dest(&c, f);
  c.image_width = JDIMENSION(w);
  c.image_height = JDIMENSION(h);
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_start_compress(&c, TRUE);
  std::vector<uint8_t> row(size_t(w) * 4);
  for (int x = 0; x < w; ++x)
    row[size_t(x) * 4 + 0] = 255, row[size_t(x) * 4 + 1] = 40, row[size_t(x) * 4 + 2] = 40,
                        row[size_t(x) * 4 + 3] = 255;  // inverted: red
  while (c.next_scanline < c.image_height) {
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::fclose(f);
}

/// A workspace whose Dataset has articles 0100000001..0100000007 and an images folder with a
/// good photo, a CMYK photo, a truncated one, a PNG named .jpg, a 1x1 one, and two missing.
struct BadPhotoShop {
  test::TempDir dir;
  std::string images = dir / "images";
  BadPhotoShop() {
    std::string tx = "t_dat,customer_id,article_id,price,sales_channel_id\n";
    for (int i = 1; i <= 7; ++i) tx += "2020-09-01,c1,010000000" + std::to_string(i) + ",0.02,2\n";
    test::write_file(dir / "transactions_train.csv", tx);
    IngestConfig ic;
    ic.transactions = dir / "transactions_train.csv";
    Workspace ws(dir / "ws");
    run_ingest(ws, ic, 1, false);
    fs::create_directories(images + "/010");
    auto p = [&](int i) { return article_image_path(images, 100000000 + i); };
    write_jpeg(p(1), solid(64, 96, 200, 30, 40));
    write_jpeg(p(2), solid(64, 96, 30, 40, 200));
    write_cmyk_jpeg(p(3), 64, 96);
    auto bytes = encode_jpeg(solid(64, 96, 10, 200, 10));
    test::write_file(p(4), std::string(bytes.begin(), bytes.begin() + std::ptrdiff_t(bytes.size() / 2)));  // truncated
    write_png(p(5), solid(64, 96, 1, 2, 3));  // a PNG named .jpg
    write_jpeg(p(6), solid(1, 1, 9, 9, 9));   // 1x1
    // 7: missing
  }
};

}  // namespace

TEST(Jpeg, BadPhotosGetClearErrors) {
  BadPhotoShop s;
  auto p = [&](int i) { return article_image_path(s.images, 100000000 + i); };
  EXPECT_NO_THROW(read_jpeg(p(1)));
  RgbImage cmyk = read_jpeg(p(3));
  EXPECT_EQ(cmyk.width, 64);
  EXPECT_GT(cmyk.at(10, 10)[0], 200);  // red after the CMYK conversion
  EXPECT_LT(cmyk.at(10, 10)[1], 60);
  try {
    read_jpeg(p(4));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt or truncated"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p(4)), std::string::npos);
  }
  try {
    read_jpeg(p(5));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("PNG"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_jpeg(p(7)), DataError);
}

TEST(EmbedImages, CountsEveryKindOfBadPhotoAndGoesOn) {
  BadPhotoShop s;
  Workspace ws(s.dir / "ws");
  EmbedConfig c;
  c.images = s.images;
  c.pca_dim = 4;
  auto m = run_embed_images(ws, c, 2, false);
  EXPECT_EQ(m["extractor"], "color-texture");
  EXPECT_EQ(m["counts"]["embedded"], 3);  // two RGB and the CMYK one
  EXPECT_EQ(m["counts"]["missing file"], 1);
  EXPECT_EQ(m["counts"]["corrupt or truncated JPEG"], 1);
  EXPECT_EQ(m["counts"]["not a JPEG"], 1);
  EXPECT_EQ(m["counts"]["too small (under 16 x 16)"], 1);
  EXPECT_EQ(m["first_bad"].size(), 3u);
  EXPECT_EQ(m["converted_from_cmyk_this_run"], 1);
  EXPECT_EQ(m["pca_dim"], 4);
  Artifact a = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
  auto mask = a.column<uint8_t>("mask");
  ASSERT_EQ(mask.size(), 7u);
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  EXPECT_EQ(mask[size_t(*d.find_article("0100000001"))], 1);
  EXPECT_EQ(mask[size_t(*d.find_article("0100000007"))], 0);
  EXPECT_EQ(a.column<float>("pca").size(), 7u * 4u);
  // Serving projects a vector with the stored PCA and gets the stored row.
  Pca pca = load_image_pca(ws);
  size_t a1 = size_t(*d.find_article("0100000001"));
  auto raw = a.column<float>("raw");
  std::vector<float> y(4);
  pca.apply(&raw[a1 * size_t(pca.in_dim)], y.data());
  for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(y[k], a.column<float>("pca")[a1 * 4 + k], 1e-5);
}

TEST(EmbedImages, ReRunsAndKilledRunsResumeFromTheCache) {
  BadPhotoShop s;
  Workspace ws(s.dir / "ws");
  EmbedConfig c;
  c.images = s.images;
  c.pca_dim = 4;
  auto first = run_embed_images(ws, c, 2, false);
  EXPECT_EQ(first["embedded_this_run"], 7);
  Artifact before = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
  std::vector<float> pca_before(before.column<float>("pca").begin(), before.column<float>("pca").end());
  EXPECT_TRUE(run_embed_images(ws, c, 2, false)["up_to_date"].get<bool>());
  auto again = run_embed_images(ws, c, 2, true);  // forced: the cache still answers
  EXPECT_EQ(again["embedded_this_run"], 0);
  EXPECT_EQ(again["resumed_from_cache"], 7);
  // A run killed while appending leaves a partial record: it is dropped and redone.
  std::string cache = ws.path("image_cache.color-texture.bin");
  fs::resize_file(cache, fs::file_size(cache) - 10);
  auto resumed = run_embed_images(ws, c, 2, true);
  EXPECT_EQ(resumed["resumed_from_cache"], 6);
  EXPECT_EQ(resumed["embedded_this_run"], 1);
  Artifact after = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
  auto pca_after = after.column<float>("pca");
  ASSERT_EQ(pca_after.size(), pca_before.size());
  for (size_t i = 0; i < pca_after.size(); ++i) EXPECT_NEAR(std::fabs(pca_after[i]), std::fabs(pca_before[i]), 1e-4);
}

TEST(Resnet, BrokenOrMissingModelFilesAreClearErrors) {
  test::TempDir d;
  EXPECT_THROW(make_resnet_extractor(d / "none.ts", 1), DataError);
  test::write_file(d / "broken.ts", "this is not a TorchScript archive");
  try {
    make_resnet_extractor(d / "broken.ts", 1);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("TorchScript"), std::string::npos) << e.what();
  }
}

// The C++ preprocessing and model output match torchvision's own within 1e-4, on real H&M
// photos (synthetic pictures where ../shared is absent), with a small ResNet exported now.
TEST(Resnet, MatchesTorchvisionWithin1e4) {
  if (!have_torchvision()) GTEST_SKIP() << "python3-torchvision is not installed (scripts/install-deps installs it)";
  test::TempDir d;
  std::string model = d / "r18.ts";
  std::string export_cmd = "/usr/bin/python3 " + std::string(FR_SOURCE_DIR) +
                           "/scripts/export-resnet --arch resnet18 " + "--random-weights --out " + model +
                           " > /dev/null";
  ASSERT_EQ(std::system(export_cmd.c_str()), 0);
  std::vector<std::string> photos;
  std::string real = test::shared_data() + "/hm-sample/images";
  if (fs::exists(real)) {
    for (auto& e : fs::recursive_directory_iterator(real))
      if (e.path().extension() == ".jpg" && photos.size() < 4) photos.push_back(e.path().string());
  } else {
    synth::SynthConfig c;
    c.preset = "tiny";
    c.out = d / "synth";
    synth::run_synth(c, 1);
    for (auto& e : fs::recursive_directory_iterator(c.out + "/images"))
      if (e.path().extension() == ".jpg" && photos.size() < 4) photos.push_back(e.path().string());
  }
  ASSERT_EQ(photos.size(), 4u);
  std::string cmd = "/usr/bin/python3 " + std::string(FR_SOURCE_DIR) + "/tests/image/resnet_reference.py " + model +
                    " " + d / "ref.bin";
  for (auto& p : photos) cmd += " " + p;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string ref = test::read_file(d / "ref.bin");
  const size_t px = 3 * 224 * 224, feat = 512;
  ASSERT_EQ(ref.size(), photos.size() * (px + feat) * 4);
  auto ex = make_resnet_extractor(model, 2);
  ASSERT_EQ(ex->dim(), 512);
  for (size_t i = 0; i < photos.size(); ++i) {
    const float* r = reinterpret_cast<const float*>(ref.data()) + i * (px + feat);
    RgbImage img = read_jpeg(photos[i]);
    auto x = resnet_preprocess(img);
    ASSERT_EQ(x.size(), px);
    float worst = 0;
    for (size_t k = 0; k < px; ++k) worst = std::max(worst, std::fabs(x[k] - r[k]));
    EXPECT_LE(worst, 1e-4) << "preprocessing of " << photos[i];
    std::vector<float> y(feat);
    ex->extract({&img}, y.data());
    float worst_y = 0, scale = 0;
    for (size_t k = 0; k < feat; ++k)
      worst_y = std::max(worst_y, std::fabs(y[k] - r[px + k])), scale = std::max(scale, std::fabs(r[px + k]));
    EXPECT_LE(worst_y, 1e-4 * std::max(1.f, scale)) << "features of " << photos[i] << " (largest " << scale << ")";
  }
}
