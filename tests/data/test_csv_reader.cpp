#include <gtest/gtest.h>

#include "core/checksum.h"
#include "core/error.h"
#include "data/csv_reader.h"
#include "test_util.h"

using namespace fr;

namespace {

/// Collects rows as strings joined by '|'.
struct Collect : RowHandler {
  std::vector<std::string> rows;
  void row(std::span<const std::string_view> f) override {
    std::string s;
    for (size_t i = 0; i < f.size(); ++i) s.append(i ? "|" : "").append(f[i]);
    rows.push_back(s);
  }
};

/// Rejects a row whose second field is not a number, like the real handlers do.
struct Numeric : Collect {
  void row(std::span<const std::string_view> f) override {
    for (char c : f[1])
      if (c < '0' || c > '9') throw RowError{1, "not a number"};
    Collect::row(f);
  }
};

std::vector<std::string> read_all(const std::string& path, CsvReport& rep, OnError on_error = OnError::kFail,
                                  int threads = 1, std::vector<std::string> cols = {"a", "b", "c"}) {
  CsvOptions opt;
  opt.threads = threads;
  opt.on_error = on_error;
  opt.chunk_bytes = kFingerprintBlock;
  opt.window_bytes = kFingerprintBlock;  // several windows per chunk in the larger tests
  auto hs = read_csv(
      path, cols, opt, [](size_t) { return std::make_unique<Numeric>(); }, rep);
  std::vector<std::string> out;
  for (auto& h : hs)
    for (auto& r : static_cast<Collect&>(*h).rows) out.push_back(r);
  return out;
}

}  // namespace

TEST(CsvReader, QuotedFieldsWithCommasAndEscapedQuotes) {
  test::TempDir d;
  test::write_file(d / "f.csv", "a,b,c\nx,1,\"Womens Nightwear, Socks & Tigh\"\n\"say \"\"hi\"\"\",2,\n");
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "x|1|Womens Nightwear, Socks & Tigh");
  EXPECT_EQ(rows[1], "say \"hi\"|2|");
  EXPECT_EQ(rep.quoted_fields, 2);
}

TEST(CsvReader, CrlfBomBlankLinesAndNoFinalNewline) {
  test::TempDir d;
  test::write_file(d / "f.csv",
                   "\xEF\xBB\xBF"
                   "a,b,c\r\nx,1,y\r\n\r\nz,2,\"w\"\r\nq,3,r");
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "x|1|y");
  EXPECT_EQ(rows[1], "z|2|w");
  EXPECT_EQ(rows[2], "q|3|r");
  EXPECT_TRUE(rep.bom);
  EXPECT_EQ(rep.crlf_lines, 2);
  EXPECT_EQ(rep.blank_lines, 1);
  EXPECT_EQ(rep.header, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CsvReader, ColumnsAreFoundByNameAndExtraOnesReported) {
  test::TempDir d;
  test::write_file(d / "f.csv", "c,extra,b,a\n3,e,2,1\n");
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], "1|2|3");
  EXPECT_EQ(rep.extra_columns, std::vector<std::string>{"extra"});
  test::write_file(d / "g.csv", "a,b\n1,2\n");
  try {
    read_all(d / "g.csv", rep);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().field, "c");
    EXPECT_EQ(e.where().line, 1);
  }
}

TEST(CsvReader, AQuotedFieldAcrossLinesFallsBackToOneThread) {
  test::TempDir d;
  test::write_file(d / "f.csv", "a,b,c\nx,1,\"two\nlines\"\ny,2,z\n");
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep, OnError::kFail, 4);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "x|1|two\nlines");
  EXPECT_EQ(rows[1], "y|2|z");
  EXPECT_TRUE(rep.serial_fallback);
}

// Each kind of malformed row, under fail (error with line, column and field) and under skip
// (counted, reported, the good rows kept).
struct Malformed {
  const char* name;
  const char* row;
  int64_t column;
  const char* field;
  const char* reason;
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }

class MalformedRow : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedRow, FailsWithLocationOrIsSkippedAndCounted) {
  const Malformed& m = GetParam();
  test::TempDir d;
  std::string text = std::string("a,b,c\nok,1,x\n") + m.row + "\nok,2,y\n";
  test::write_file(d / "f.csv", text);
  CsvReport rep;
  try {
    read_all(d / "f.csv", rep, OnError::kFail);
    FAIL() << m.name << " was accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().file, d / "f.csv");
    EXPECT_EQ(e.where().line, 3) << e.what();
    EXPECT_EQ(e.where().column, m.column) << e.what();
    EXPECT_EQ(e.where().field, m.field) << e.what();
    EXPECT_NE(std::string(e.what()).find(m.reason), std::string::npos) << e.what();
  }
  auto rows = read_all(d / "f.csv", rep, OnError::kSkip);
  ASSERT_EQ(rows.size(), 2u) << m.name;
  EXPECT_EQ(rows[1], "ok|2|y");
  EXPECT_EQ(rep.skipped, 1);
  ASSERT_EQ(rep.first_issues.size(), 1u);
  EXPECT_EQ(rep.first_issues[0].line, 3);
  EXPECT_EQ(rep.skipped_by_reason.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, MalformedRow,
    ::testing::Values(Malformed{"too_few", "x,1", 0, "", "expected 3 fields, found 2"},
                      Malformed{"too_many", "x,1,2,3", 0, "", "expected 3 fields, found 4"},
                      Malformed{"bad_value", "x,1a,z", 3, "b", "not a number"},
                      Malformed{"quote_inside", "x,1,ab\"c", 7, "c", "a quote inside an unquoted field"},
                      Malformed{"text_after_quote", "x,\"1\"2,z", 3, "b", "text after a closing quote"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CsvReader, UnterminatedQuoteAtEndOfFile) {
  test::TempDir d;
  test::write_file(d / "f.csv", "a,b,c\nok,1,x\nx,2,\"never closed\n");
  CsvReport rep;
  try {
    read_all(d / "f.csv", rep);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("unterminated"), std::string::npos) << e.what();
  }
  auto rows = read_all(d / "f.csv", rep, OnError::kSkip);
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_EQ(rep.skipped, 1);
}

TEST(CsvReader, ParallelChunksGiveTheSameRowsLinesAndFingerprintAsOneThread) {
  test::TempDir d;
  std::string text = "a,b,c\n";
  std::mt19937 rng(1);
  int64_t bad_line = 0;
  for (int i = 0; text.size() < 3 * kFingerprintBlock + 1000; ++i) {
    if (i == 300000) {  // a bad row in a later chunk
      text += "bad,x,y\n";
      bad_line = i + 2;
      continue;
    }
    text += "r" + std::to_string(i) + "," + std::to_string(rng() % 1000) + ",\"q, " + std::to_string(i) + "\"\n";
  }
  test::write_file(d / "f.csv", text);
  CsvReport r1, r4;
  auto one = read_all(d / "f.csv", r1, OnError::kSkip, 1);
  auto four = read_all(d / "f.csv", r4, OnError::kSkip, 4);
  EXPECT_EQ(one.size(), four.size());
  EXPECT_TRUE(one == four);
  EXPECT_FALSE(r4.serial_fallback);
  EXPECT_EQ(r1.fingerprint, r4.fingerprint);
  EXPECT_EQ(r4.fingerprint, file_fingerprint(d / "f.csv"));
  ASSERT_EQ(r4.first_issues.size(), 1u);
  EXPECT_EQ(r4.first_issues[0].line, bad_line);
  EXPECT_EQ(r1.first_issues[0].line, bad_line);
  try {
    read_all(d / "f.csv", r4, OnError::kFail, 4);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, bad_line);
  }
}

TEST(CsvReader, RandomRowsOfEveryLengthSplitAsWritten) {
  // Rows from 3 to ~130 bytes, with and without quotes and CRLF, cover the 16-byte SIMD
  // splitter's edges (a comma or newline at every lane, rows shorter than a lane).
  std::mt19937 rng(7);
  auto rand_field = [&](bool allow_special) {
    std::string f;
    int len = int(rng() % 40);
    for (int i = 0; i < len; ++i) {
      int k = int(rng() % 40);
      if (allow_special && k == 0)
        f += ',';
      else if (allow_special && k == 1)
        f += '"';
      else
        f += char('a' + k % 26);
    }
    return f;
  };
  std::string text = "a,b,c\n";
  std::vector<std::string> expect;
  for (int r = 0; r < 3000; ++r) {
    bool quoted = rng() % 5 == 0;
    std::string b = std::to_string(rng() % 100000);
    std::string a = rand_field(false), c = rand_field(quoted);
    std::string cq = c;
    if (quoted) {
      cq = "\"";
      for (char ch : c) cq += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      cq += "\"";
    }
    text += a + "," + b + "," + cq + (rng() % 7 == 0 ? "\r\n" : "\n");
    expect.push_back(a + "|" + b + "|" + c);
  }
  test::TempDir d;
  test::write_file(d / "f.csv", text);
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep);
  ASSERT_EQ(rows.size(), expect.size());
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i], expect[i]) << "row " << i + 2;
}

TEST(CsvReader, ARowLongerThanTheWindowIsStillRead) {
  test::TempDir d;
  std::string big(kFingerprintBlock + 12345, 'z');
  std::string text = "a,b,c\nx,1,";
  text.append(big).append("\ny,2,w\n");
  test::write_file(d / "f.csv", text);
  CsvReport rep;
  auto rows = read_all(d / "f.csv", rep, OnError::kFail, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].size(), big.size() + 4);
  EXPECT_EQ(rows[1], "y|2|w");
  EXPECT_EQ(rep.fingerprint, file_fingerprint(d / "f.csv"));
}
