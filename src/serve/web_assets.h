#pragma once
// The web page's files (web/ in the source tree), compiled into the binary at build time
// (CMake writes web_assets_data.cpp), so `fashionrec serve` needs no files beside it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fr {

struct WebAsset {
  std::string_view body;
  const char* content_type;
};
/// (URL path, asset): "/" and "/index.html" are the page, then "/app.js" and "/style.css".
const std::vector<std::pair<std::string, WebAsset>>& web_assets();

}  // namespace fr
