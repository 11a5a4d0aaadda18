"""The pandas peer of `fashionrec features` for bench/features (python3-pandas from Debian).

Loads the CSVs (not timed: fashionrec's Dataset is already loaded by mmap in well under a
second), then times the same customer and article aggregations over the training days, as a
pandas notebook would write them, and writes the tables to .npy files.
"""
import sys
import time

import numpy as np
import pandas as pd

data, out = sys.argv[1], sys.argv[2]
tx = pd.read_csv(f"{data}/transactions_train.csv", dtype={"article_id": str})
tx["t_dat"] = pd.to_datetime(tx["t_dat"])
art = pd.read_csv(f"{data}/articles.csv", dtype={"article_id": str},
                  usecols=["article_id", "index_group_name", "product_group_name", "perceived_colour_master_name"])
tx = tx.merge(art, on="article_id", how="left")

t0 = time.time()
val_start = tx["t_dat"].max() - pd.Timedelta(days=6)
tr = tx[tx["t_dat"] < val_start].copy()
tr["days_before"] = (val_start - tr["t_dat"]).dt.days
tr["week"] = (tr["days_before"] - 1) // 7
tr["online"] = (tr["sales_channel_id"] == 2).astype("float32")
tr["p7"] = tr["price"].where(tr["days_before"] <= 7, 0.0)
tr["p30"] = tr["price"].where(tr["days_before"] <= 30, 0.0)
tr["c7"] = (tr["days_before"] <= 7).astype("int32")
tr["c30"] = (tr["days_before"] <= 30).astype("int32")

g = tr.groupby("customer_id")
cust = g.agg(purchases=("price", "size"), spend_total=("price", "sum"), spend_mean=("price", "mean"),
             spend_std=("price", "std"), spend_median=("price", "median"), purchases_7d=("c7", "sum"),
             spend_7d=("p7", "sum"), purchases_30d=("c30", "sum"), spend_30d=("p30", "sum"),
             days_since_first=("days_before", "max"), days_since_last=("days_before", "min"),
             active_weeks=("week", "nunique"), online_share=("online", "mean"))
for col in ["index_group_name", "product_group_name", "perceived_colour_master_name"]:
    shares = pd.crosstab(tr["customer_id"], tr[col], normalize="index")
    cust = cust.join(shares.add_prefix(f"share_{col}="))

a = tr.groupby("article_id")
arts = a.agg(sales=("price", "size"), unique_customers=("customer_id", "nunique"), sales_7d=("c7", "sum"),
             sales_30d=("c30", "sum"), price_mean=("price", "mean"), price_std=("price", "std"),
             price_median=("price", "median"), days_since_first_sale=("days_before", "max"))
last7 = tr[tr["days_before"] <= 7].groupby("article_id")["customer_id"].nunique().rename("unique_customers_7d")
last30 = tr[tr["days_before"] <= 30].groupby("article_id")["customer_id"].nunique().rename("unique_customers_30d")
prev7 = tr[(tr["days_before"] > 7) & (tr["days_before"] <= 14)].groupby("article_id").size().rename("prev7")
arts = arts.join(last7).join(last30).join(prev7).fillna({"prev7": 0})
arts["trend_7d"] = np.log((arts["sales_7d"] + 1) / (arts["prev7"] + 1))

np.save(f"{out}/pandas_customers.npy", cust.to_numpy(dtype="float32"))
np.save(f"{out}/pandas_articles.npy", arts.to_numpy(dtype="float32"))
print(f"aggregations {time.time() - t0:.2f} s: {cust.shape} customers, {arts.shape} articles")
