// Slow (label "slow", run by `scripts/test --all`): the medium preset through ingest.
#include <gtest/gtest.h>

#include "data/ingest.h"
#include "synth/synth.h"
#include "test_util.h"

using namespace fr;

TEST(SynthSlow, IngestReadsTheMediumPreset) {
  test::TempDir d;
  synth::SynthConfig c;
  c.preset = "medium";
  c.out = d / "data";
  auto s = synth::run_synth(c, 2);
  IngestConfig ic;
  ic.data = c.out;
  auto sum = ingest_files(resolve_inputs(ic), "fail", 2, d / "ds.frc");
  EXPECT_EQ(sum["transactions"]["rows"], 5000000);
  EXPECT_EQ(sum["transactions"]["file"]["skipped"], 0);
  EXPECT_EQ(sum["customers"]["rows"], 200000);
  EXPECT_EQ(sum["articles"]["rows"], 30000);
  EXPECT_EQ(sum["articles"]["only_in_transactions"], 0);
  EXPECT_EQ(sum["transactions"]["last_day"], "2020-09-22");
}
