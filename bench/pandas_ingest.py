"""The pandas peer of `fashionrec ingest` for bench/ingest (python3-pandas from Debian)."""
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1], dtype={"article_id": str})
df["t_dat"] = pd.to_datetime(df["t_dat"])
print(len(df), "rows")
