#include "data/csv_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstring>
#include <thread>

#include "core/checksum.h"
#include "core/error.h"

namespace fr {

OnError parse_on_error(const std::string& s) {
  if (s == "fail") return OnError::kFail;
  if (s == "skip") return OnError::kSkip;
  throw UsageError("--on-error must be 'fail' or 'skip', not '" + s + "'");
}

namespace {

constexpr int kMaxQuotedNewlines = 100;  // a longer quoted field is taken as broken quoting
constexpr size_t kMaxIssues = 5;

/// Thrown inside a chunk when a quoted field spans lines in parallel mode.
struct NeedSerial {};

class Fd {
 public:
  explicit Fd(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw_errno("cannot open " + path);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~Fd() { ::close(fd_); }
  int get() const { return fd_; }
  uint64_t size() const { return uint64_t(::lseek(fd_, 0, SEEK_END)); }

 private:
  int fd_;
};

size_t pread_full(int fd, char* buf, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, buf + got, n - got, off_t(off + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_errno("read failed");
    }
    if (r == 0) break;
    got += size_t(r);
  }
  return got;
}

struct Chunk {
  uint64_t begin = 0, end = 0;  // byte range; rows that start in it belong to it
  std::unique_ptr<RowHandler> handler;
  int64_t newlines = 0;
  int64_t rows = 0, skipped = 0, blank = 0, crlf = 0, quoted = 0;
  std::vector<RowIssue> issues;  // line numbers local to the chunk until fixed up
  std::map<std::string, int64_t> reasons;
  bool failed = false;
};

struct Shared {
  std::string path;
  int fd;
  uint64_t size;
  size_t n_fields;
  std::vector<int> select;  // requested column i is file field select[i]
  std::vector<std::string> names;
  bool parallel;
  OnError on_error;
  std::vector<uint64_t>* block_hashes;
  std::atomic<size_t>* first_failed_chunk;
  const std::function<void(uint64_t)>* on_bytes;
  uint64_t window;
};

/// Tokenizes and dispatches the rows of one chunk.
class ChunkParser {
 public:
  ChunkParser(const Shared& sh, Chunk& c, size_t index) : sh_(sh), c_(c), index_(index) {
    fields_.resize(sh.n_fields);
    selected_.resize(sh.select.size());
    scratch_.resize(sh.n_fields);
  }

  /// Maps the chunk window by window (64 MB, ending on block boundaries, so every block is
  /// held whole by one window and hashed once) and parses the rows that start in it. A
  /// window is mapped rather than read: copying 3.5 GB out of the page cache was a fifth of a
  /// full-scale ingest's CPU time. Memory stays at one window per thread.
  void run(uint64_t skip_prefix) {
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    uint64_t start = c_.begin;  // file offset of the first byte not consumed yet
    uint64_t window = sh_.window;
    size_t next_block = size_t(c_.begin / kFingerprintBlock);
    bool first = true;
    while (true) {
      uint64_t map_off = start / page * page;
      uint64_t map_end = (start + window + kFingerprintBlock - 1) / kFingerprintBlock * kFingerprintBlock;
      map_end = std::min<uint64_t>(sh_.size, map_end);
      Mapping m(sh_.fd, map_off, size_t(map_end - map_off), sh_.path);
      for (; uint64_t(next_block) * kFingerprintBlock < c_.end; ++next_block) {
        uint64_t bs = uint64_t(next_block) * kFingerprintBlock;
        uint64_t be = std::min<uint64_t>(sh_.size, bs + kFingerprintBlock);
        if (bs < map_off || be > map_end) break;
        (*sh_.block_hashes)[next_block] = xxh3(m.data() + (bs - map_off), size_t(be - bs));
      }
      view_ = m.data() + (start - map_off);
      view_size_ = size_t(map_end - start);
      cursor_ = 0;
      const bool eof = map_end >= sh_.size;
      if (first) {
        int r = skip_to_row_start(skip_prefix, map_end >= c_.end);
        if (r == kNoRow) return;
        if (r == kGrow) {
          window *= 2;
          continue;
        }
        first = false;
      }
      bool go_on = consume(eof);
      if (!go_on || eof) return;
      if (cursor_ == 0) window *= 2;  // a row longer than the window
      start += cursor_;
    }
  }

 private:
  enum { kFound, kGrow, kNoRow };

  /// A read-only mapping of part of the file, unmapped on scope exit.
  class Mapping {
   public:
    Mapping(int fd, uint64_t off, size_t len, const std::string& path) : len_(len) {
      if (len_ == 0) return;
      void* p = ::mmap(nullptr, len_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(off));
      if (p == MAP_FAILED) throw_errno("cannot map " + path);
      ::madvise(p, len_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(p);
    }
    ~Mapping() {
      if (data_) ::munmap(const_cast<char*>(data_), len_);
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    const char* data() const { return data_; }

   private:
    const char* data_ = nullptr;
    size_t len_;
  };

  /// Finds the first row start of this chunk in the view. Chunk 0 skips the header (and
  /// BOM); later chunks skip the tail of the row that started in the previous chunk.
  int skip_to_row_start(uint64_t skip_prefix, bool view_reaches_chunk_end) {
    if (index_ == 0) {
      cursor_ = size_t(std::min<uint64_t>(skip_prefix, view_size_));
      row_start_ = c_.begin + cursor_;
      return kFound;
    }
    // A row starts at c_.begin only if the byte before it is '\n'.
    char prev = 0;
    pread_full(sh_.fd, &prev, 1, c_.begin - 1);
    if (prev == '\n') {
      cursor_ = 0;
      row_start_ = c_.begin;
      return kFound;
    }
    size_t span = size_t(std::min<uint64_t>(view_size_, c_.end - c_.begin));
    const char* nl = static_cast<const char*>(std::memchr(view_, '\n', span));
    if (!nl) return view_reaches_chunk_end ? kNoRow : kGrow;
    cursor_ = size_t(nl - view_) + 1;
    row_start_ = c_.begin + cursor_;
    return kFound;
  }

  /// Parses the complete rows of the view from cursor_ (cursor_ ends at the first byte not
  /// consumed). Returns false to stop the chunk.
  bool consume(bool eof) {
    bool go_on = consume_rows(eof);
    c_.handler->flush();
    return go_on;
  }

  bool consume_rows(bool eof) {
    const char* base = view_;
    const char* end = base + view_size_;
    while (cursor_ < view_size_) {
      if (row_start_ >= c_.end) return false;  // the next row belongs to the next chunk
      if (sh_.first_failed_chunk->load(std::memory_order_relaxed) < index_) return false;
      const char* p = base + cursor_;
      const char* next = nullptr;
      int64_t newlines = 0;
      int status = parse_row(p, end, eof, next, newlines);
      if (status == kNeedMore) break;
      pending_row_newlines_ = newlines;
      row_end_ = next;
      c_.newlines += newlines;
      if (status == kBad) {
        record_issue();
        if (c_.failed) return false;
      } else if (status == kRow) {
        dispatch(p);
        if (c_.failed) return false;
      }
      size_t used = size_t(next - p);
      cursor_ += used;
      row_start_ += used;
      progress_bytes_ += used;
      if (progress_bytes_ >= (1 << 20) && *sh_.on_bytes) {  // batched: a shared counter per row would bounce
        (*sh_.on_bytes)(progress_bytes_);
        progress_bytes_ = 0;
      }
    }
    return true;
  }

  enum { kRow, kBlank, kBad, kNeedMore };

  /// Splits one row starting at p. Sets next past its line end and counts its newlines.
  /// The common row (no quotes) is split in one pass that finds commas, quotes and the line
  /// end 16 bytes at a time (SSE2, part of x86-64's baseline); a row with a quote goes to
  /// parse_quoted_row.
  int parse_row(const char* p, const char* end, bool eof, const char*& next, int64_t& newlines) {
    bad_column_ = 0;
    bad_field_ = -1;
    const size_t cap = fields_.size();
    size_t n = 0;
    const char* field = p;
    const char* q = p;
    const char* line_end = nullptr;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    while (q + 16 <= end) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      unsigned mn = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)));
      unsigned mq = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
      unsigned mc = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)));
      unsigned before = mn ? ((mn & (0u - mn)) - 1) : 0xFFFFu;  // bits before the newline
      if (mq & before) return parse_quoted_row(p, end, eof, next, newlines);
      for (unsigned m = mc & before; m; m &= m - 1) {
        const char* c = q + __builtin_ctz(m);
        if (n < cap) fields_[n] = std::string_view(field, size_t(c - field));
        ++n;
        field = c + 1;
      }
      if (mn) {
        line_end = q + __builtin_ctz(mn);
        break;
      }
      q += 16;
    }
#endif
    if (!line_end) {
      for (; q < end; ++q) {
        char ch = *q;
        if (ch == '\n') break;
        if (ch == '"') return parse_quoted_row(p, end, eof, next, newlines);
        if (ch == ',') {
          if (n < cap) fields_[n] = std::string_view(field, size_t(q - field));
          ++n;
          field = q + 1;
        }
      }
      if (q == end && !eof) return kNeedMore;
      line_end = q;
    }
    next = line_end < end ? line_end + 1 : end;
    newlines = line_end < end ? 1 : 0;
    const char* content_end = line_end;
    bool crlf = content_end > p && content_end[-1] == '\r';
    if (crlf) --content_end;
    if (content_end == p) {
      ++c_.blank;
      return kBlank;
    }
    if (crlf) ++c_.crlf;
    if (n < cap) fields_[n] = std::string_view(field, field <= content_end ? size_t(content_end - field) : 0);
    ++n;
    n_found_ = n;
    return n == cap ? kRow : bad_count(p);
  }

  int bad_count(const char* p) {
    bad_reason_ = "expected " + std::to_string(fields_.size()) + " fields, found " + std::to_string(n_found_);
    bad_text_ = p;
    return kBad;
  }

  int parse_quoted_row(const char* p, const char* end, bool eof, const char*& next, int64_t& newlines) {
    const char* q = p;
    size_t n = 0;
    int64_t nls = 0;
    bad_text_ = p;
    auto fail_line = [&](const char* at, std::string reason) {
      bad_reason_ = std::move(reason);
      bad_column_ = int64_t(at - p) + 1;
      bad_field_ = n < fields_.size() ? int(n) : -1;
      // Resume after the row's first physical line.
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
      next = nl ? nl + 1 : end;
      newlines = nl ? 1 : 0;
      return kBad;
    };
    while (true) {
      if (q < end && *q == '"') {
        const char* open = q;
        ++c_.quoted;
        std::string& s = scratch_[std::min(n, scratch_.size() - 1)];
        s.clear();
        ++q;
        bool closed = false;
        int field_newlines = 0;
        while (q < end) {
          if (*q == '"') {
            if (q + 1 < end && q[1] == '"') {
              s.push_back('"');
              q += 2;
              continue;
            }
            if (q + 1 == end && !eof) return kNeedMore;
            closed = true;
            ++q;
            break;
          }
          if (*q == '\n') {
            if (sh_.parallel) throw NeedSerial{};
            if (++field_newlines > kMaxQuotedNewlines)
              return fail_line(
                  open, "broken quoting: no closing quote within " + std::to_string(kMaxQuotedNewlines) + " lines");
            ++nls;
          }
          s.push_back(*q++);
        }
        if (!closed) {
          if (!eof) return kNeedMore;
          return fail_line(open, "broken quoting: unterminated quoted field");
        }
        bool row_end = q == end || *q == '\n' || (*q == '\r' && (q + 1 == end || q[1] == '\n'));
        if (!row_end && *q != ',') return fail_line(open, "broken quoting: text after a closing quote");
        if (n < fields_.size()) fields_[n] = s;
        ++n;
        if (row_end) break;
        ++q;
        continue;
      }
      const char* f = q;
      while (q < end && *q != ',' && *q != '\n') {
        if (*q == '"') return fail_line(q, "broken quoting: a quote inside an unquoted field");
        ++q;
      }
      const char* fe = q;
      if (fe > f && (q == end || *q == '\n') && fe[-1] == '\r') --fe;
      if (n < fields_.size()) fields_[n] = std::string_view(f, size_t(fe - f));
      ++n;
      if (q < end && *q == ',') {
        ++q;
        continue;
      }
      break;
    }
    bool crlf = q < end && *q == '\r';
    if (crlf) ++q;
    if (q < end && *q == '\n') {
      ++q;
      ++nls;
    } else if (q == end && !eof) {
      return kNeedMore;
    }
    next = q;
    newlines = nls;
    n_found_ = n;
    if (crlf) ++c_.crlf;
    return n == fields_.size() ? kRow : bad_count(p);
  }

  void dispatch(const char* p) {
    for (size_t i = 0; i < selected_.size(); ++i) selected_[i] = fields_[size_t(sh_.select[i])];
    try {
      c_.handler->row(selected_);
      ++c_.rows;
    } catch (RowError& e) {
      bad_reason_ = std::move(e.reason);
      bad_text_ = p;
      bad_field_ = e.field >= 0 ? sh_.select[size_t(e.field)] : -1;
      bad_column_ = 0;
      if (e.field >= 0) {  // column of that field: offset of its view inside the line
        std::string_view fv = fields_[size_t(bad_field_)];
        if (fv.data() >= p && fv.data() < row_end_) bad_column_ = int64_t(fv.data() - p) + 1;
      }
      record_issue();
    }
  }

  void record_issue() {
    // Line numbers here are 1-based within the chunk; read_csv adds the offset.
    RowIssue is;
    is.line = c_.newlines + 1 - last_row_newlines_fix();
    is.column = bad_column_;
    is.field = bad_field_ >= 0 && size_t(bad_field_) < sh_.names.size() ? sh_.names[size_t(bad_field_)] : "";
    is.reason = bad_reason_;
    size_t room = size_t(view_ + view_size_ - bad_text_);  // never read past the window
    const char* nl = static_cast<const char*>(std::memchr(bad_text_, '\n', std::min<size_t>(160, room)));
    size_t len = nl ? size_t(nl - bad_text_) : 0;
    is.text = std::string(bad_text_, std::min<size_t>(len, 120));
    if (sh_.on_error == OnError::kFail) {
      c_.failed = true;
      c_.issues.push_back(std::move(is));
      size_t cur = sh_.first_failed_chunk->load();
      while (index_ < cur && !sh_.first_failed_chunk->compare_exchange_weak(cur, index_)) {
      }
      return;
    }
    ++c_.skipped;
    ++c_.reasons[bad_reason_];
    if (c_.issues.size() < kMaxIssues) c_.issues.push_back(std::move(is));
  }
  /// The row's newlines were already added when the issue is recorded for the row itself.
  int64_t last_row_newlines_fix() const { return pending_row_newlines_; }

  const Shared& sh_;
  Chunk& c_;
  size_t index_;
  const char* view_ = nullptr;  // the current window, from the first byte not yet consumed
  size_t view_size_ = 0;
  size_t cursor_ = 0;
  uint64_t row_start_ = 0;
  std::vector<std::string_view> fields_, selected_;
  std::vector<std::string> scratch_;
  size_t n_found_ = 0;
  std::string bad_reason_;
  const char* bad_text_ = nullptr;
  int64_t bad_column_ = 0;
  int bad_field_ = -1;
  int64_t pending_row_newlines_ = 0;
  const char* row_end_ = nullptr;
  uint64_t progress_bytes_ = 0;

 public:
  ~ChunkParser() {
    if (progress_bytes_ && *sh_.on_bytes) (*sh_.on_bytes)(progress_bytes_);
  }
};

std::vector<std::string> split_header(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool inq = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (inq) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cur.push_back('"'), ++i;
      else if (ch == '"')
        inq = false;
      else
        cur.push_back(ch);
    } else if (ch == '"') {
      inq = true;
    } else if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

std::vector<std::unique_ptr<RowHandler>> read_csv(const std::string& path, const std::vector<std::string>& columns,
                                                  const CsvOptions& options, const HandlerFactory& factory,
                                                  CsvReport& report) {
  Fd fd(path);
  report = CsvReport{};
  report.path = path;
  uint64_t size = fd.size();
  report.bytes = size;
  if (size == 0) throw DataError(SourceLocation{path, 1}, "empty file: expected a header row");

  // Header: the first line (after an optional UTF-8 BOM).
  std::string head(size_t(std::min<uint64_t>(size, 1 << 16)), '\0');
  head.resize(pread_full(fd.get(), head.data(), head.size(), 0));
  size_t skip = 0;
  if (head.size() >= 3 && std::memcmp(head.data(), "\xEF\xBB\xBF", 3) == 0) {
    report.bom = true;
    skip = 3;
  }
  size_t nl = head.find('\n', skip);
  if (nl == std::string::npos && head.size() < size)
    throw DataError(SourceLocation{path, 1}, "header line longer than 64 KB");
  std::string_view hline(head.data() + skip, (nl == std::string::npos ? head.size() : nl) - skip);
  if (!hline.empty() && hline.back() == '\r') hline.remove_suffix(1);
  report.header = split_header(hline);
  uint64_t first_row = nl == std::string::npos ? size : nl + 1;

  Shared sh;
  sh.path = path;
  sh.fd = fd.get();
  sh.size = size;
  sh.n_fields = report.header.size();
  sh.names = report.header;
  sh.on_error = options.on_error;
  for (auto& c : columns) {
    auto it = std::find(report.header.begin(), report.header.end(), c);
    if (it == report.header.end())
      throw DataError(SourceLocation{path, 1, 0, c}, "required column is missing from the header");
    sh.select.push_back(int(it - report.header.begin()));
  }
  for (auto& h : report.header)
    if (std::find(columns.begin(), columns.end(), h) == columns.end()) report.extra_columns.push_back(h);

  size_t n_blocks = size_t((size + kFingerprintBlock - 1) / kFingerprintBlock);
  std::vector<uint64_t> block_hashes(n_blocks);
  sh.block_hashes = &block_hashes;
  sh.on_bytes = &options.on_bytes;
  sh.window = std::max<uint64_t>(kFingerprintBlock, options.window_bytes);

  auto run = [&](bool parallel) {
    sh.parallel = parallel;
    size_t blocks_per_chunk = parallel ? std::max<size_t>(1, options.chunk_bytes / kFingerprintBlock) : n_blocks;
    size_t n_chunks = std::max<size_t>(1, (n_blocks + blocks_per_chunk - 1) / blocks_per_chunk);
    std::vector<Chunk> chunks(n_chunks);
    for (size_t i = 0; i < n_chunks; ++i) {
      chunks[i].begin = uint64_t(i * blocks_per_chunk) * kFingerprintBlock;
      chunks[i].end = std::min<uint64_t>(size, uint64_t((i + 1) * blocks_per_chunk) * kFingerprintBlock);
      chunks[i].handler = factory(i);
    }
    std::atomic<size_t> next{0};
    std::atomic<size_t> first_failed{SIZE_MAX};
    std::atomic<bool> need_serial{false};
    sh.first_failed_chunk = &first_failed;
    int threads = parallel ? std::max(1, std::min<int>(options.threads, int(n_chunks))) : 1;
    std::exception_ptr error;
    std::mutex error_mu;
    auto worker = [&] {
      while (!need_serial.load()) {
        size_t i = next.fetch_add(1);
        if (i >= n_chunks) return;
        try {
          ChunkParser(sh, chunks[i], i).run(first_row);
        } catch (NeedSerial&) {
          need_serial = true;
        } catch (...) {
          std::lock_guard lk(error_mu);
          if (!error) error = std::current_exception();
          need_serial = true;  // stops the other workers
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    if (need_serial) return std::vector<Chunk>{};
    return chunks;
  };

  std::vector<Chunk> chunks = run(options.threads > 1);
  if (chunks.empty()) {
    report.serial_fallback = true;
    if (options.on_restart) options.on_restart();
    chunks = run(false);
  }

  // Absolute line numbers: the header is line 1; a chunk's rows follow the previous chunks'.
  int64_t line_base = 1;
  const RowIssue* fail = nullptr;
  for (auto& c : chunks) {
    for (auto& is : c.issues) is.line += line_base;
    line_base += c.newlines;
    if (c.failed && !fail) fail = &c.issues.back();
    report.rows += c.rows;
    report.skipped += c.skipped;
    report.blank_lines += c.blank;
    report.crlf_lines += c.crlf;
    report.quoted_fields += c.quoted;
    for (auto& [k, v] : c.reasons) report.skipped_by_reason[k] += v;
    for (auto& is : c.issues)
      if (report.first_issues.size() < kMaxIssues) report.first_issues.push_back(is);
  }
  if (fail)
    throw DataError(SourceLocation{path, fail->line, fail->column, fail->field},
                    fail->reason + " (row: \"" + fail->text + "\"; --on-error skip skips such rows)");
  report.fingerprint = combine_block_hashes(block_hashes);
  std::vector<std::unique_ptr<RowHandler>> out;
  for (auto& c : chunks) out.push_back(std::move(c.handler));
  return out;
}

}  // namespace fr
