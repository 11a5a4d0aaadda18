#pragma once
// The artifact container: every file a stage writes into the workspace.
//
// Layout (little-endian):
//   [Header, 128 bytes][section 0][section 1]...[TOC][meta JSON]
// Each section starts 64-byte aligned so a reader can take a typed span over the mmap.
// The header holds a magic number, the container version, the artifact kind and its schema
// version, the file size (a truncated file is caught before anything else), and the
// checksum of everything after the header: XXH3 over the XXH3 of each 8 MB block, so that
// writing and verifying run on every core. A write goes to "<path>.tmp.<pid>", is fsynced, renamed over
// <path>, and the directory is fsynced: a killed writer never damages the previous artifact.
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/mapped_file.h"

namespace fr {

enum class DType : uint32_t { kU8 = 1, kI8, kI16, kI32, kI64, kU64, kF32, kF64 };
size_t dtype_size(DType t);
const char* dtype_name(DType t);

template <class T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, char> || std::is_same_v<T, std::byte>)
    return DType::kU8;
  else if constexpr (std::is_same_v<T, int8_t>)
    return DType::kI8;
  else if constexpr (std::is_same_v<T, int16_t>)
    return DType::kI16;
  else if constexpr (std::is_same_v<T, int32_t>)
    return DType::kI32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return DType::kI64;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return DType::kU64;
  else if constexpr (std::is_same_v<T, float>)
    return DType::kF32;
  else if constexpr (std::is_same_v<T, double>)
    return DType::kF64;
  else
    static_assert(sizeof(T) == 0, "unsupported column type");
}

/// A column of strings stored as two sections: "<name>.offsets" ([n + 1] u64) and
/// "<name>.data" (the bytes). A view: it points into the artifact's mmap.
class StringColumn {
 public:
  StringColumn() = default;
  StringColumn(std::span<const uint64_t> offsets, const char* data) : offsets_(offsets), data_(data) {}
  size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  std::string_view operator[](size_t i) const { return {data_ + offsets_[i], size_t(offsets_[i + 1] - offsets_[i])}; }

 private:
  std::span<const uint64_t> offsets_;
  const char* data_ = nullptr;
};

/// Writes one artifact atomically. Sections are laid out as they are added; their bytes are
/// written by commit(), on several threads, so the data behind every span given to add*()
/// must stay alive until commit() returns. If the writer is destroyed without commit(),
/// nothing is left behind.
class ArtifactWriter {
 public:
  ArtifactWriter(std::string path, std::string kind, uint32_t kind_version);
  ~ArtifactWriter();
  ArtifactWriter(const ArtifactWriter&) = delete;
  ArtifactWriter& operator=(const ArtifactWriter&) = delete;

  /// Appends a section whose bytes are the concatenation of parts (a gather write, so
  /// column chunks made by several threads need no copy into one buffer).
  void add_raw(const std::string& name, DType type, std::span<const std::span<const std::byte>> parts);

  template <class T>
  void add(const std::string& name, std::span<const T> values) {
    std::span<const std::byte> part = std::as_bytes(values);
    add_raw(name, dtype_of<T>(), std::span(&part, 1));
  }
  template <class T>
  void add(const std::string& name, const std::vector<T>& values) {
    add(name, std::span<const T>(values));
  }
  /// A temporary would be gone before commit() writes it: use add_owned.
  template <class T>
  void add(const std::string& name, std::vector<T>&& values) = delete;
  /// Takes ownership of values (for data made only to be written).
  template <class T>
  void add_owned(const std::string& name, std::vector<T> values) {
    auto keep = std::make_shared<std::vector<T>>(std::move(values));
    owned_.push_back(keep);
    add(name, std::span<const T>(*keep));
  }
  /// One section made of several vectors (any allocator), in order.
  template <class Vec>
  void add_parts(const std::string& name, const std::vector<Vec>& parts) {
    using T = typename Vec::value_type;
    std::vector<std::span<const std::byte>> p;
    for (auto& v : parts) p.push_back(std::as_bytes(std::span<const T>(v.data(), v.size())));
    add_raw(name, dtype_of<T>(), p);
  }
  /// A string column ("<name>.offsets" + "<name>.data"); the strings are copied.
  void add_strings(const std::string& name, const std::vector<std::string>& values);

  void set_meta(nlohmann::json meta) { meta_ = std::move(meta); }

  /// Writes everything (threads = 0: all cores), fsyncs and renames. Returns the checksum.
  uint64_t commit(int threads = 0);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  nlohmann::json meta_ = nlohmann::json::object();
  std::vector<std::shared_ptr<void>> owned_;
};

/// A read-only, mmapped artifact. open() checks the magic, versions, size and checksum.
class Artifact {
 public:
  static Artifact open(const std::string& path, std::string_view kind, uint32_t kind_version,
                       bool verify_checksum = true, int threads = 0);

  const nlohmann::json& meta() const { return meta_; }
  const std::string& path() const { return file_.path(); }
  uint64_t checksum() const { return checksum_; }
  bool has(const std::string& name) const { return sections_.count(name) > 0; }
  std::vector<std::string> section_names() const;
  /// A section's type and bytes, whatever its type (to copy sections into another artifact).
  std::pair<DType, std::span<const std::byte>> raw_section(const std::string& name) const;

  template <class T>
  std::span<const T> column(const std::string& name) const {
    const Section& s = section(name, dtype_of<T>());
    return {reinterpret_cast<const T*>(file_.data() + s.offset), size_t(s.count)};
  }
  StringColumn strings(const std::string& name) const;

  /// Reads only the header and returns the stored checksum (no full verification).
  static uint64_t peek_checksum(const std::string& path);

 private:
  struct Section {
    DType type;
    uint64_t count;
    uint64_t offset;
  };
  const Section& section(const std::string& name, DType want) const;

  MappedFile file_;
  nlohmann::json meta_;
  uint64_t checksum_ = 0;
  std::map<std::string, Section> sections_;
};

/// Whether ArtifactWriter writes with direct I/O where the file system allows it (default
/// true). Off forces the buffered path (tests use it to cover the fallback).
void set_artifact_direct_io(bool on);

/// Writes bytes to path atomically (tmp + fsync + rename + dir fsync). For small files such
/// as the workspace manifest.
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace fr
