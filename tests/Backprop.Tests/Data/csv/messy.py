#!/usr/bin/python3
"""Writes messy.csv (semicolon-separated, a text column, missing cells) and messy_expected.json: what numpy's
nanmean/nanmedian and scikit-learn's OneHotEncoder give for it, for CsvTableTests.
Regenerate: /usr/bin/python3 messy.py   (needs Debian's python3-numpy and python3-sklearn; the outputs are committed)."""
import json
import numpy as np
from sklearn.preprocessing import OneHotEncoder

rs = np.random.RandomState(13)
colours = ["red", "green", "blue", "Grey", "émeraude"]
rows, x1s, x2s, cs = [], [], [], []
for i in range(20):
    x1 = round(rs.uniform(0, 10), 3)
    x2 = round(rs.normal(0, 2), 2)
    c = colours[rs.randint(len(colours))]
    y = int((x1 > 5) != (c == "red"))
    # Missing cells: empty, NA, NaN and null, in both numeric columns and the text column.
    s1 = {3: "", 8: "NA", 14: "nan"}.get(i, repr(x1))
    s2 = {5: "null", 11: "", 17: "N/A"}.get(i, repr(x2))
    sc = {9: ""}.get(i, c)
    x1s.append(np.nan if i in (3, 8, 14) else x1)
    x2s.append(np.nan if i in (5, 11, 17) else x2)
    cs.append(None if i == 9 else c)
    rows.append(f"{s1};{sc};{s2};{y}")
open("messy.csv", "w").write("x1;colour;x2;y\n" + "\n".join(rows) + "\n")

train = 16  # --validation 0.2 of 20 rows: the first 16 train
x1, x2 = np.array(x1s), np.array(x2s)
enc = OneHotEncoder(handle_unknown="ignore")
fit_rows = [[c] for c in cs if c is not None]
enc.fit(fit_rows)
new = [["blue"], ["purple"], ["émeraude"]]
expected = {
    "mean": [float(np.nanmean(x1[:train])), float(np.nanmean(x2[:train]))],
    "median": [float(np.nanmedian(x1[:train])), float(np.nanmedian(x2[:train]))],
    "mean_all": [float(np.nanmean(x1)), float(np.nanmean(x2))],
    "median_all": [float(np.nanmedian(x1)), float(np.nanmedian(x2))],
    "categories": [str(c) for c in enc.categories_[0]],
    "one_hot_new": enc.transform(new).toarray().tolist(),
    "complete_rows": int(sum(1 for i in range(20) if not (np.isnan(x1[i]) or np.isnan(x2[i]) or cs[i] is None))),
}
json.dump(expected, open("messy_expected.json", "w"), indent=1, ensure_ascii=False)
