#pragma once
// A hand-made H&M fixture with every quirk of the real files, for the ingest tests.
#include <string>

#include "test_util.h"

namespace fr::test {

inline const char* kArticlesHeader =
    "article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,"
    "graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name,"
    "perceived_colour_value_id,perceived_colour_value_name,perceived_colour_master_id,perceived_colour_master_name,"
    "department_no,department_name,index_code,index_name,index_group_no,index_group_name,section_no,section_name,"
    "garment_group_no,garment_group_name,detail_desc\n";

/// Writes articles.csv, customers.csv, transactions_train.csv into dir.
inline void write_quirky_fixture(const std::string& dir) {
  write_file(dir + "/articles.csv",
             std::string(kArticlesHeader) +
                 // leading zero, quoted comma field, quoted free text with a comma
                 "0111565001,111565,20 den 1p Stockings,304,Underwear Tights,Socks & Tights,1010016,Solid,9,Black,4,"
                 "Dark,5,Black,3608,Tights basic,B,Lingeries/Tights,1,Ladieswear,62,\"Womens Nightwear, Socks & "
                 "Tigh\",1021,Socks and Tights,\"Semi shiny nylon stockings with a wide, reinforced trim.\"\n"
                 // no leading zero (pandas re-save), colour code 9 not 09, empty detail_desc
                 "663713001,663713,Atlanta Push Body Harlow,283,Underwear body,Underwear,1010016,Solid,9,Black,4,"
                 "Dark,5,Black,1338,Expressive Lingerie,B,Lingeries/Tights,1,Ladieswear,61,Womens Lingerie,1017,"
                 "\"Under-, Nightwear\",\n");
  write_file(dir + "/customers.csv",
             "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\r\n"
             "c1,,,ACTIVE,NONE,49,p1\r\n"
             "c2,1.0,1.0,ACTIVE,Regularly,55.0,p2\r\n"
             "c3,,,PRE-CREATE,None,,p1\r\n"
             "c4,,,,,24.0,p3\r\n");
  write_file(dir + "/transactions_train.csv",
             "\xEF\xBB\xBFt_dat,customer_id,article_id,price,sales_channel_id\n"
             "2018-09-20,c1,0663713001,0.050830508474576264,2\n"
             "2018-09-20,c1,0663713001,0.050830508474576264,2\n"  // repeated row = second unit
             "2018-09-20,c2,111565001,0.0169322033898305,1\n"
             "2018-09-21,c9,0999999001,0.03,2\n"  // customer and article without metadata
             "2018-09-22,c3,0999999001,0.03,1\n"
             "2018-09-22,c9,0888888001,0.02,2\n");
}

}  // namespace fr::test
