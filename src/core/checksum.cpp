#include "core/checksum.h"

#include <fcntl.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "core/error.h"
#include "xxhash.h"

namespace fr {

uint64_t xxh3(const void* data, size_t bytes) { return XXH3_64bits(data, bytes); }

struct Hasher::State {
  XXH3_state_t* s = nullptr;
};

Hasher::Hasher() : state_(std::make_unique<State>()) {
  state_->s = XXH3_createState();
  if (!state_->s) throw InternalError("XXH3_createState failed");
  XXH3_64bits_reset(state_->s);
}
Hasher::~Hasher() {
  if (state_ && state_->s) XXH3_freeState(state_->s);
}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
void Hasher::update(const void* data, size_t bytes) { XXH3_64bits_update(state_->s, data, bytes); }
uint64_t Hasher::digest() const { return XXH3_64bits_digest(state_->s); }

std::string hex64(uint64_t v) {
  static const char* d = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[i] = d[v & 15];
  return s;
}

uint64_t combine_block_hashes(std::span<const uint64_t> block_hashes) {
  return xxh3(block_hashes.data(), block_hashes.size_bytes());
}

uint64_t file_fingerprint(const std::string& path, int threads) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + path);
  off_t size = ::lseek(fd, 0, SEEK_END);
  size_t n_blocks = (size_t(size) + kFingerprintBlock - 1) / kFingerprintBlock;
  std::vector<uint64_t> hashes(n_blocks);
  if (threads < 1) threads = 1;
  std::vector<std::thread> pool;
  bool failed = false;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<char> buf(kFingerprintBlock);
      for (size_t b = t; b < n_blocks; b += threads) {
        ssize_t got = ::pread(fd, buf.data(), kFingerprintBlock, off_t(b * kFingerprintBlock));
        if (got < 0) {
          failed = true;
          return;
        }
        hashes[b] = xxh3(buf.data(), size_t(got));
      }
    });
  }
  for (auto& th : pool) th.join();
  ::close(fd);
  if (failed) throw InternalError("read failed while hashing " + path);
  return combine_block_hashes(hashes);
}

}  // namespace fr
