#include "image/jpeg.h"

#include <jpeglib.h>
#include <unistd.h>
#include <csetjmp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace fr {
namespace {

struct ErrorMgr {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings = 0;
};

void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorMgr*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
  // Level -1 is a warning for corrupt data (e.g. "Premature end of JPEG file"); libjpeg would
  // go on and fill the rest grey. fashionrec counts such a photo as broken.
  if (level < 0) {
    auto* err = reinterpret_cast<ErrorMgr*>(cinfo->err);
    if (err->warnings++ == 0) (*cinfo->err->format_message)(cinfo, err->message);
  }
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const RgbImage& img, int quality) {
  jpeg_compress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(out);
    throw InternalError(std::string("JPEG encoding failed: ") + err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = JDIMENSION(img.width);
  cinfo.image_height = JDIMENSION(img.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(img.at(0, int(cinfo.next_scanline)));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::vector<uint8_t> bytes(out, out + out_size);
  std::free(out);
  return bytes;
}

void write_jpeg(const std::string& path, const RgbImage& img, int quality) {
  auto bytes = encode_jpeg(img, quality);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream o(tmp, std::ios::binary);
    if (!o) throw DataError(SourceLocation{path}, "cannot create file");
    o.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!o) throw DataError(SourceLocation{path}, "write failed");
  }
  std::filesystem::rename(tmp, path);
}

RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& name) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) {
    if (size >= 8 && data[0] == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G')
      throw DataError(SourceLocation{name}, "not a JPEG: the file is a PNG");
    throw DataError(SourceLocation{name}, "not a JPEG (no SOI marker)");
  }
  jpeg_decompress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  RgbImage img;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw DataError(SourceLocation{name}, std::string("corrupt or truncated JPEG: ") + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);
  bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  img.from_cmyk = cmyk;
  img.width = int(cinfo.output_width);
  img.height = int(cinfo.output_height);
  img.data.resize(size_t(img.width) * size_t(img.height) * 3);
  std::vector<uint8_t> row(size_t(img.width) * size_t(cinfo.output_components));
  while (cinfo.output_scanline < cinfo.output_height) {
    int y = int(cinfo.output_scanline);
    JSAMPROW r = row.data();
    jpeg_read_scanlines(&cinfo, &r, 1);
    uint8_t* dst = img.at(0, y);
    if (cmyk) {
      // Adobe CMYK JPEGs store inverted values: R = C * K / 255 on the stored bytes.
      for (int x = 0; x < img.width; ++x) {
        const uint8_t* p = &row[size_t(x) * 4];
        dst[x * 3 + 0] = uint8_t(p[0] * p[3] / 255);
        dst[x * 3 + 1] = uint8_t(p[1] * p[3] / 255);
        dst[x * 3 + 2] = uint8_t(p[2] * p[3] / 255);
      }
    } else {
      std::copy(row.begin(), row.end(), dst);
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (err.warnings > 0) throw DataError(SourceLocation{name}, std::string("corrupt or truncated JPEG: ") + err.message);
  return img;
}

RgbImage read_jpeg(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(SourceLocation{path}, "image file not found or unreadable");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_jpeg(bytes.data(), bytes.size(), path);
}

}  // namespace fr
