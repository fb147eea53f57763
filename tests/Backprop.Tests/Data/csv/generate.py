#!/usr/bin/python3
"""Writes flowers.csv: a small three-class problem (two informative features, one of noise) for the CLI tests.
Regenerate: /usr/bin/python3 generate.py   (needs Debian's python3-numpy; the output is committed).
streetlights.csv is the notes' 4-row "Backpropagation in code" data, typed in by hand."""
import numpy as np

rs = np.random.RandomState(3)
rows = []
names = ['setosa', 'versicolor', 'virginica']
for i in range(90):
    c = i % 3
    x1 = rs.normal([1.0, 3.0, 5.0][c], 0.6)
    x2 = rs.normal([4.0, 2.0, 3.0][c], 0.6)
    x3 = rs.normal(0, 1)
    rows.append(f"{x1:.3f},{x2:.3f},{x3:.3f},{names[c]}")
open('flowers.csv', 'w').write("length,width,noise,species\n" + "\n".join(rows) + "\n")
