#pragma once
// `fashionrec tune`: chooses the settings (and what to ship) for the data in front of it, on
// the inner window (inner_window.h), never on the validation window.
//
// The search is successive halving in two rungs:
//   0. the base settings (the defaults with what the user pinned) run in full: the reference,
//      and with --budget auto the yardstick (the whole search takes about 3 x this run);
//   1. trials drawn from the settings tables' tune ranges (search.h) run short:
//      tune.short_epochs retrieval epochs and one ranking epoch;
//   2. the best tune.finalists of them run in full.
// Each run is the ordinary pipeline on the inner workspace: train, index, evaluate (MAP@12 of
// the model, of "repurchases first, then the model", and of the baselines). The choice is the
// best full run and policy by inner MAP@12; a baseline is chosen when it beats every model.
//
// Writes <workspace>/tune.json (every trial: rung, settings, inner MAP@12 of the model and of
// the blend, epochs, seconds; the baselines; the choice) and <workspace>/tuned.toml (the chosen
// settings that differ from the base, and train.policy), which the config reads below the
// user's TOML file and flags (`config --show` marks those values "tune").
// The same seed and trial count give the same trials and scores; a time budget may stop after
// fewer trials on a slower machine.
#include <nlohmann/json.hpp>
#include <string>

#include "core/config.h"
#include "core/workspace.h"

namespace fr {

inline constexpr const char* kTuneJson = "tune.json";
inline constexpr const char* kTunedToml = "tuned.toml";

/// "90s", "10m", "1h", "auto" (-1) or a plain number of seconds. Throws UsageError.
double parse_budget(const std::string& text);

/// Runs the search with the merged config (its [tune] section says how). Returns tune.json,
/// with "up_to_date": true when tune.json was made from the same data, base settings and
/// [tune] section (unless force).
nlohmann::json run_tune(const Workspace& ws, const Config& config, int threads, bool force = false);

}  // namespace fr
