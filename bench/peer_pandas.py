#!/usr/bin/python3
# bench/peer_pandas.py: what an analyst would write in pandas for the engine's
# 'budget totals': read the members and cells CSV files the generator wrote,
# total every member (a member's code is a prefix of its leaves' codes) and
# print each with its name. Amounts are summed in fen, as integers, to be exact.
# Usage: peer_pandas.py DIR
import sys

import pandas as pd

d = sys.argv[1]
members = pd.read_csv(d + "/members.csv", header=None, names=["code", "name"], dtype=str)
cells = pd.read_csv(d + "/cells.csv", header=None, names=["code", "source", "kind", "amount"], dtype=str)
members["key"] = members["code"].str.replace(" ", "", regex=False)  # codes are written spaced: '1000 01'
cells["fen"] = cells["amount"].str.replace(".", "", regex=False).astype("int64")
totals = []
for width in sorted(members["key"].str.len().unique()):
    totals.append(cells.groupby(cells["code"].str[:width])["fen"].sum())
fen = pd.concat(totals)
out = members.join(fen, on="key")
out["fen"] = out["fen"].fillna(0).astype("int64")
out["total"] = (out["fen"] // 100).map("{:,}".format) + "." + (out["fen"] % 100).map("{:02d}".format)
out[["code", "name", "total"]].to_csv(sys.stdout, sep="\t", header=False, index=False)
