#include "synth/vocab.h"

namespace fr::synth {

std::span<const ProductType> product_types() {
  using S = Shape;
  static const ProductType v[] = {
      {272, "Trousers", "Garment Lower body", 1009, "Trousers", S::kTrousers, 299, 0.1f, 60},
      {265, "Dress", "Garment Full body", 1013, "Dresses Ladies", S::kDress, 349, 0.4f, 180},
      {252, "Sweater", "Garment Upper body", 1003, "Knitwear", S::kLongSleeve, 299, 0.6f, 0},
      {255, "T-shirt", "Garment Upper body", 1002, "Jersey Basic", S::kTop, 99, 0.3f, 190},
      {254, "Top", "Garment Upper body", 1005, "Jersey Fancy", S::kTop, 149, 0.2f, 170},
      {258, "Blouse", "Garment Upper body", 1010, "Blouses", S::kLongSleeve, 249, 0.1f, 120},
      {262, "Jacket", "Garment Upper body", 1007, "Outdoor", S::kLongSleeve, 499, 0.5f, 300},
      {286, "Underwear bottom", "Underwear", 1017, "Under-, Nightwear", S::kBriefs, 79, 0.0f, 0},
      {306, "Bra", "Underwear", 1017, "Under-, Nightwear", S::kBra, 199, 0.0f, 0},
      {275, "Skirt", "Garment Lower body", 1012, "Skirts", S::kSkirt, 249, 0.3f, 170},
      {259, "Shirt", "Garment Upper body", 1011, "Shirts", S::kLongSleeve, 299, 0.1f, 100},
      {253, "Vest top", "Garment Upper body", 1002, "Jersey Basic", S::kTop, 79, 0.4f, 190},
      {302, "Socks", "Socks & Tights", 1021, "Socks and Tights", S::kSock, 49, 0.2f, 330},
      {308, "Hoodie", "Garment Upper body", 1005, "Jersey Fancy", S::kLongSleeve, 299, 0.4f, 330},
      {274, "Shorts", "Garment Lower body", 1025, "Shorts", S::kShorts, 199, 0.7f, 190},
      {273, "Leggings/Tights", "Garment Lower body", 1021, "Socks and Tights", S::kTrousers, 149, 0.1f, 330},
      {298, "Bikini top", "Swimwear", 1018, "Swimwear", S::kBra, 199, 0.9f, 180},
      {59, "Swimwear bottom", "Swimwear", 1018, "Swimwear", S::kBriefs, 149, 0.9f, 180},
      {245, "Cardigan", "Garment Upper body", 1003, "Knitwear", S::kLongSleeve, 349, 0.5f, 10},
      {264, "Blazer", "Garment Upper body", 1008, "Dressed", S::kLongSleeve, 599, 0.1f, 90},
      {70, "Earring", "Accessories", 1019, "Accessories", S::kSmall, 99, 0.0f, 0},
      {66, "Bag", "Accessories", 1019, "Accessories", S::kBag, 299, 0.0f, 0},
      {87, "Boots", "Shoes", 1020, "Shoes", S::kShoe, 699, 0.7f, 350},
      {67, "Belt", "Accessories", 1019, "Accessories", S::kSmall, 149, 0.0f, 0},
      {256, "Bodysuit", "Garment Upper body", 1005, "Jersey Fancy", S::kTop, 149, 0.0f, 0},
      {267, "Jumpsuit/Playsuit", "Garment Full body", 1013, "Dresses Ladies", S::kDress, 399, 0.4f, 190},
      {80, "Scarf", "Accessories", 1019, "Accessories", S::kSmall, 199, 0.8f, 0},
      {297, "Pyjama set", "Nightwear", 1017, "Under-, Nightwear", S::kLongSleeve, 299, 0.2f, 340},
      {94, "Sneakers", "Shoes", 1020, "Shoes", S::kShoe, 399, 0.2f, 120},
      {263, "Coat", "Garment Upper body", 1007, "Outdoor", S::kDress, 799, 0.9f, 330},
  };
  return v;
}

std::span<const Colour> colours() {
  static const Colour v[] = {
      {9, "Black", 4, "Dark", 5, "Black", 22, 22, 24},
      {10, "White", 3, "Light", 9, "White", 252, 252, 250},
      {73, "Dark Blue", 4, "Dark", 2, "Blue", 25, 40, 95},
      {12, "Light Beige", 1, "Dusty Light", 11, "Beige", 226, 206, 172},
      {51, "Light Pink", 1, "Dusty Light", 4, "Pink", 246, 186, 200},
      {11, "Off White", 1, "Dusty Light", 9, "White", 238, 230, 212},
      {13, "Beige", 2, "Medium Dusty", 11, "Beige", 196, 168, 128},
      {72, "Blue", 2, "Medium Dusty", 2, "Blue", 50, 100, 200},
      {5, "Gold", 5, "Bright", 15, "Metal", 212, 172, 55},
      {8, "Dark Grey", 4, "Dark", 12, "Grey", 72, 72, 76},
      {7, "Grey", 1, "Dusty Light", 12, "Grey", 140, 140, 144},
      {71, "Light Blue", 1, "Dusty Light", 2, "Blue", 160, 200, 236},
      {6, "Light Grey", 1, "Dusty Light", 12, "Grey", 196, 196, 200},
      {17, "Yellowish Brown", 2, "Medium Dusty", 13, "Brown", 150, 100, 40},
      {31, "Light Orange", 1, "Dusty Light", 3, "Orange", 250, 190, 130},
      {19, "Greenish Khaki", 2, "Medium Dusty", 20, "Khaki green", 118, 118, 66},
      {43, "Dark Red", 4, "Dark", 18, "Red", 120, 18, 30},
      {3, "Silver", 3, "Light", 15, "Metal", 172, 180, 204},
      {52, "Pink", 2, "Medium Dusty", 4, "Pink", 228, 110, 160},
      {93, "Dark Green", 4, "Dark", 19, "Green", 20, 80, 42},
      {14, "Dark Beige", 4, "Dark", 11, "Beige", 140, 112, 84},
      {21, "Light Yellow", 3, "Light", 8, "Yellow", 250, 240, 160},
      {42, "Red", 5, "Bright", 18, "Red", 212, 30, 40},
      {22, "Yellow", 7, "Medium", 8, "Yellow", 246, 210, 30},
      {92, "Green", 2, "Medium Dusty", 19, "Green", 60, 160, 70},
      {32, "Orange", 5, "Bright", 3, "Orange", 245, 128, 30},
      {61, "Light Purple", 1, "Dusty Light", 6, "Lilac Purple", 196, 166, 222},
      {53, "Dark Pink", 4, "Dark", 4, "Pink", 176, 40, 100},
      {81, "Light Turquoise", 1, "Dusty Light", 7, "Turquoise", 150, 226, 218},
      {33, "Dark Orange", 4, "Dark", 3, "Orange", 190, 80, 20},
  };
  return v;
}

std::span<const Appearance> appearances() {
  using P = Pattern;
  static const Appearance v[] = {
      {1010016, "Solid", P::kSolid, 0.55f},           {1010001, "All over pattern", P::kPrint, 0.10f},
      {1010023, "Denim", P::kDenim, 0.07f},           {1010010, "Melange", P::kMelange, 0.07f},
      {1010017, "Stripe", P::kStripe, 0.05f},         {1010004, "Check", P::kCheck, 0.04f},
      {1010014, "Placement print", P::kPrint, 0.03f}, {1010006, "Dot", P::kDot, 0.03f},
      {1010005, "Colour blocking", P::kBlock, 0.03f}, {1010008, "Front print", P::kPrint, 0.03f},
  };
  return v;
}

std::span<const Department> departments() {
  static const Department v[] = {
      {1676, "Jersey Basic", "A", "Ladieswear", 1, "Ladieswear", 16, "Womens Everyday Basics", 0.4f},
      {1636, "Jersey fancy", "A", "Ladieswear", 1, "Ladieswear", 15, "Womens Everyday Collection", 0.4f},
      {1522, "Blouse", "A", "Ladieswear", 1, "Ladieswear", 15, "Womens Everyday Collection", 0.3f},
      {1722, "Trouser", "A", "Ladieswear", 1, "Ladieswear", 15, "Womens Everyday Collection", 0.3f},
      {4242, "Swimwear", "B", "Lingeries/Tights", 1, "Ladieswear", 60, "Womens Swimwear, beachwear", 0.5f},
      {1338, "Expressive Lingerie", "B", "Lingeries/Tights", 1, "Ladieswear", 61, "Womens Lingerie", 0.5f},
      {1334, "Casual Lingerie", "B", "Lingeries/Tights", 1, "Ladieswear", 61, "Womens Lingerie", 0.4f},
      {4344, "Jewellery", "C", "Ladies Accessories", 1, "Ladieswear", 66, "Womens Small accessories", 0.6f},
      {3209, "Bags", "C", "Ladies Accessories", 1, "Ladieswear", 65, "Womens Big accessories", 0.5f},
      {3529, "Boots", "C", "Ladies Accessories", 1, "Ladieswear", 64, "Womens Shoes", 0.4f},
      {1643, "Basic 1", "D", "Divided", 2, "Divided", 51, "Divided Basics", 0.9f},
      {1344, "Dresses", "D", "Divided", 2, "Divided", 53, "Divided Collection", 0.9f},
      {1772, "Denim Trousers", "D", "Divided", 2, "Divided", 57, "Ladies Denim", 0.8f},
      {5832, "Light Basic Jersey", "F", "Menswear", 3, "Menswear", 26, "Men Underwear", 0.4f},
      {5672, "Denim trousers", "F", "Menswear", 3, "Menswear", 56, "Denim Men", 0.5f},
      {5882, "Jersey Fancy", "F", "Menswear", 3, "Menswear", 55, "Contemporary Street", 0.7f},
      {6515, "Baby basics", "G", "Baby Sizes 50-98", 4, "Baby/Children", 44, "Baby Essentials & Complements", 0.2f},
      {7616, "Kids Girl Jersey Fancy", "H", "Children Sizes 92-140", 4, "Baby/Children", 76, "Kids Girl", 0.2f},
      {8716, "Young Girl Jersey Fancy", "I", "Children Sizes 134-170", 4, "Baby/Children", 77, "Young Girl", 0.2f},
      {8316, "Ladies Sport Bras", "S", "Sport", 26, "Sport", 5, "Ladies H&M Sport", 0.6f},
  };
  return v;
}

}  // namespace fr::synth
