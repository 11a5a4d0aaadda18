#include "core/artifact.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/checksum.h"
#include "core/error.h"

namespace fr {
namespace {

constexpr char kMagic[8] = {'F', 'R', 'E', 'C', 'A', 'R', 'T', '\x1a'};
constexpr uint32_t kContainerVersion = 1;
constexpr size_t kHeaderBytes = 128;
constexpr size_t kAlign = 64;
constexpr size_t kNameBytes = 64;

struct Header {
  char magic[8];
  uint32_t container_version;
  uint32_t kind_version;
  char kind[32];
  uint64_t file_bytes;
  uint64_t toc_offset;
  uint64_t n_sections;
  uint64_t meta_offset;
  uint64_t meta_bytes;
  uint64_t body_checksum;  // XXH3 of bytes [kHeaderBytes, file_bytes)
  uint8_t pad[kHeaderBytes - 96];
};
static_assert(sizeof(Header) == kHeaderBytes);

struct TocEntry {
  char name[kNameBytes];
  uint32_t dtype;
  uint32_t reserved;
  uint64_t count;
  uint64_t offset;
  uint64_t bytes;
};
static_assert(sizeof(TocEntry) == 96);

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write failed: " + path);
    }
    p += w;
    n -= size_t(w);
  }
}

void fsync_dir(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

size_t dtype_size(DType t) {
  switch (t) {
    case DType::kU8: case DType::kI8: return 1;
    case DType::kI16: return 2;
    case DType::kI32: case DType::kF32: return 4;
    case DType::kI64: case DType::kU64: case DType::kF64: return 8;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kU8: return "u8";
    case DType::kI8: return "i8";
    case DType::kI16: return "i16";
    case DType::kI32: return "i32";
    case DType::kI64: return "i64";
    case DType::kU64: return "u64";
    case DType::kF32: return "f32";
    case DType::kF64: return "f64";
  }
  return "?";
}

struct ArtifactWriter::Impl {
  int fd = -1;
  std::string tmp;
  std::string kind;
  uint32_t kind_version = 0;
  uint64_t offset = 0;
  Hasher hasher;
  std::vector<TocEntry> toc;
  bool committed = false;

  void append(const void* data, size_t n, const std::string& path) {
    write_all(fd, data, n, path);
    hasher.update(data, n);
    offset += n;
  }
  void pad(const std::string& path) {
    static const char zeros[kAlign] = {};
    size_t r = offset % kAlign;
    if (r) append(zeros, kAlign - r, path);
  }
};

ArtifactWriter::ArtifactWriter(std::string path, std::string kind, uint32_t kind_version)
    : impl_(std::make_unique<Impl>()), path_(std::move(path)) {
  if (kind.size() >= 32) throw InternalError("artifact kind too long: " + kind);
  impl_->kind = std::move(kind);
  impl_->kind_version = kind_version;
  impl_->tmp = path_ + ".tmp." + std::to_string(::getpid());
  impl_->fd = ::open(impl_->tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (impl_->fd < 0) throw_errno("cannot create " + impl_->tmp);
  Header h{};
  write_all(impl_->fd, &h, sizeof h, impl_->tmp);  // placeholder, rewritten by commit()
  impl_->offset = kHeaderBytes;
}

ArtifactWriter::~ArtifactWriter() {
  if (impl_->fd >= 0) ::close(impl_->fd);
  if (!impl_->committed) ::unlink(impl_->tmp.c_str());
}

void ArtifactWriter::add_raw(const std::string& name, DType type,
                             std::span<const std::span<const std::byte>> parts) {
  if (impl_->committed) throw InternalError("artifact already committed: " + path_);
  if (name.size() >= kNameBytes) throw InternalError("section name too long: " + name);
  impl_->pad(impl_->tmp);
  TocEntry e{};
  std::memcpy(e.name, name.data(), name.size());
  e.dtype = uint32_t(type);
  e.offset = impl_->offset;
  uint64_t bytes = 0;
  for (auto& p : parts) {
    impl_->append(p.data(), p.size(), impl_->tmp);
    bytes += p.size();
  }
  if (bytes % dtype_size(type)) throw InternalError("section size not a multiple of its type: " + name);
  e.bytes = bytes;
  e.count = bytes / dtype_size(type);
  impl_->toc.push_back(e);
}

void ArtifactWriter::add_strings(const std::string& name, const std::vector<std::string>& values) {
  std::vector<uint64_t> offsets(values.size() + 1, 0);
  for (size_t i = 0; i < values.size(); ++i) offsets[i + 1] = offsets[i] + values[i].size();
  add(name + ".offsets", offsets);
  std::vector<std::span<const std::byte>> parts;
  parts.reserve(values.size());
  for (auto& v : values) parts.push_back(std::as_bytes(std::span(v.data(), v.size())));
  add_raw(name + ".data", DType::kU8, parts);
}

uint64_t ArtifactWriter::commit() {
  if (impl_->committed) throw InternalError("artifact already committed: " + path_);
  impl_->pad(impl_->tmp);
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.container_version = kContainerVersion;
  h.kind_version = impl_->kind_version;
  std::memcpy(h.kind, impl_->kind.data(), impl_->kind.size());
  h.toc_offset = impl_->offset;
  h.n_sections = impl_->toc.size();
  impl_->append(impl_->toc.data(), impl_->toc.size() * sizeof(TocEntry), impl_->tmp);
  std::string meta = meta_.dump();
  h.meta_offset = impl_->offset;
  h.meta_bytes = meta.size();
  impl_->append(meta.data(), meta.size(), impl_->tmp);
  h.file_bytes = impl_->offset;
  h.body_checksum = impl_->hasher.digest();
  if (::pwrite(impl_->fd, &h, sizeof h, 0) != ssize_t(sizeof h)) throw_errno("write failed: " + impl_->tmp);
  if (::fsync(impl_->fd) != 0) throw_errno("fsync failed: " + impl_->tmp);
  ::close(impl_->fd);
  impl_->fd = -1;
  if (::rename(impl_->tmp.c_str(), path_.c_str()) != 0) throw_errno("rename failed: " + path_);
  impl_->committed = true;
  fsync_dir(path_);
  return h.body_checksum;
}

static Header read_header(const std::byte* data, size_t size, const std::string& path) {
  if (size < kHeaderBytes)
    throw ArtifactError(path, "not a fashionrec artifact: file is " + std::to_string(size) +
                                  " bytes, shorter than the header");
  Header h;
  std::memcpy(&h, data, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    throw ArtifactError(path, "not a fashionrec artifact (bad magic number)");
  if (h.container_version != kContainerVersion)
    throw ArtifactError(path, "artifact container version " + std::to_string(h.container_version) +
                                  ", this build reads version " + std::to_string(kContainerVersion));
  return h;
}

uint64_t Artifact::peek_checksum(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  Header h{};
  ssize_t got = ::pread(fd, &h, sizeof h, 0);
  ::close(fd);
  if (got != ssize_t(sizeof h) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return 0;
  return h.body_checksum;
}

Artifact Artifact::open(const std::string& path, std::string_view kind, uint32_t kind_version,
                        bool verify_checksum) {
  if (!std::filesystem::exists(path))
    throw ArtifactError(path, "artifact not found (has the stage that makes it been run?)");
  Artifact a;
  a.file_ = MappedFile(path);
  const std::byte* d = a.file_.data();
  size_t size = a.file_.size();
  Header h = read_header(d, size, path);
  std::string got_kind(h.kind, strnlen(h.kind, sizeof h.kind));
  if (got_kind != kind)
    throw ArtifactError(path, "artifact holds a '" + got_kind + "', expected a '" + std::string(kind) + "'");
  if (h.kind_version != kind_version)
    throw ArtifactError(path, "'" + got_kind + "' format version " + std::to_string(h.kind_version) +
                                  ", this build reads version " + std::to_string(kind_version) +
                                  "; re-run the stage that makes it");
  if (h.file_bytes != size)
    throw ArtifactError(path, "truncated or extended: header says " + std::to_string(h.file_bytes) +
                                  " bytes, file has " + std::to_string(size));
  if (verify_checksum) {
    uint64_t sum = xxh3(d + kHeaderBytes, size - kHeaderBytes);
    if (sum != h.body_checksum)
      throw ArtifactError(path, "checksum mismatch (stored " + hex64(h.body_checksum) + ", computed " +
                                    hex64(sum) + "): the file is corrupt");
  }
  a.checksum_ = h.body_checksum;
  if (h.toc_offset + h.n_sections * sizeof(TocEntry) > size || h.meta_offset + h.meta_bytes > size)
    throw ArtifactError(path, "table of contents out of range: the file is corrupt");
  for (uint64_t i = 0; i < h.n_sections; ++i) {
    TocEntry e;
    std::memcpy(&e, d + h.toc_offset + i * sizeof(TocEntry), sizeof e);
    std::string name(e.name, strnlen(e.name, kNameBytes));
    if (e.offset + e.bytes > size || e.offset % kAlign)
      throw ArtifactError(path, "section '" + name + "' out of range: the file is corrupt");
    a.sections_[name] = Section{DType(e.dtype), e.count, e.offset};
  }
  try {
    a.meta_ = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(d + h.meta_offset), h.meta_bytes));
  } catch (const nlohmann::json::exception& ex) {
    throw ArtifactError(path, std::string("metadata is not valid JSON: ") + ex.what());
  }
  return a;
}

std::vector<std::string> Artifact::section_names() const {
  std::vector<std::string> out;
  for (auto& [k, v] : sections_) out.push_back(k);
  return out;
}

const Artifact::Section& Artifact::section(const std::string& name, DType want) const {
  auto it = sections_.find(name);
  if (it == sections_.end()) throw ArtifactError(path(), "section '" + name + "' is missing");
  if (it->second.type != want)
    throw ArtifactError(path(), "section '" + name + "' has type " + dtype_name(it->second.type) +
                                    ", expected " + dtype_name(want));
  return it->second;
}

StringColumn Artifact::strings(const std::string& name) const {
  auto offsets = column<uint64_t>(name + ".offsets");
  auto data = column<uint8_t>(name + ".data");
  if (offsets.empty() || offsets.back() != data.size())
    throw ArtifactError(path(), "string column '" + name + "' is inconsistent: the file is corrupt");
  return StringColumn(offsets, reinterpret_cast<const char*>(data.data()));
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create " + tmp);
  try {
    write_all(fd, bytes.data(), bytes.size(), tmp);
    if (::fsync(fd) != 0) throw_errno("fsync failed: " + tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw_errno("rename failed: " + path);
  fsync_dir(path);
}

}  // namespace fr
