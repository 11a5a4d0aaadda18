#pragma once
// The H&M vocabularies the generator draws from: product types, colours, graphical
// appearances, departments with their index and section, garment groups. Codes and names
// are those of the H&M articles.csv (a subset of each vocabulary).
#include <cstdint>
#include <span>

namespace fr::synth {

/// A rough garment silhouette for the picture.
enum class Shape : uint8_t {
  kTop,
  kLongSleeve,
  kTrousers,
  kShorts,
  kSkirt,
  kDress,
  kBra,
  kBriefs,
  kSock,
  kShoe,
  kBag,
  kSmall
};

struct ProductType {
  int32_t no;
  const char* name;
  const char* group;  // product_group_name
  int32_t garment_group_no;
  const char* garment_group_name;
  Shape shape;
  int32_t base_sek;  // typical price in SEK
  float season_amp;  // seasonality amplitude, peak at season_peak_day (day of year)
  int32_t season_peak_day;
};

struct Colour {
  int32_t code;
  const char* name;
  int32_t value_id;  // perceived_colour_value
  const char* value_name;
  int32_t master_id;  // perceived_colour_master
  const char* master_name;
  uint8_t r, g, b;  // how the picture draws it
};

/// The pattern a picture draws for a graphical appearance.
enum class Pattern : uint8_t { kSolid, kStripe, kDot, kCheck, kPrint, kMelange, kDenim, kBlock };

struct Appearance {
  int32_t no;
  const char* name;
  Pattern pattern;
  float share;  // how common it is
};

struct Department {
  int32_t no;
  const char* name;
  const char* index_code;
  const char* index_name;
  int32_t index_group_no;
  const char* index_group_name;
  int32_t section_no;
  const char* section_name;
  float young;  // 0..1: how much its buyers skew young (links taste to age)
};

std::span<const ProductType> product_types();
std::span<const Colour> colours();
std::span<const Appearance> appearances();
std::span<const Department> departments();

}  // namespace fr::synth
