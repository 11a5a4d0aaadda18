#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fr {

/// Strings packed into one buffer: string i is data[offsets[i], offsets[i + 1]).
/// The same layout as an artifact's StringColumn, so it is written without copying.
struct StringArena {
  std::vector<uint64_t> offsets{0};
  std::string data;

  size_t size() const { return offsets.size() - 1; }
  std::string_view operator[](size_t i) const {
    return {data.data() + offsets[i], size_t(offsets[i + 1] - offsets[i])};
  }
  void push(std::string_view s) {
    data.append(s);
    offsets.push_back(data.size());
  }
  void append(const StringArena& o) {
    for (size_t i = 0; i < o.size(); ++i) push(o[i]);
  }
};

}  // namespace fr
