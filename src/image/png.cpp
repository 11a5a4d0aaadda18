#include "image/png.h"

#include <png.h>

#include <cstdio>
#include <memory>

#include "core/error.h"

namespace fr {

void write_png(const std::string& path, const RgbImage& img) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw DataError(SourceLocation{path}, "cannot create file");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw InternalError("PNG encoding failed: " + path);
  }
  png_init_io(png, f.get());
  png_set_IHDR(png, info, png_uint_32(img.width), png_uint_32(img.height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < img.height; ++y) png_write_row(png, const_cast<png_bytep>(img.at(0, y)));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
}

}  // namespace fr
