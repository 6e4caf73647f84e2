"""Feasibility check (issue #3, not part of the bench suite): could an exact int16 prefilter beat the
float32 pass of KNeighborsClassifier p=2? Quantizes the standardized data with a global power-of-2
scale s (|q| <= 3300, so a 784-term i16 dot product cannot overflow i32 lanes), records each row's exact
quantization-error radius r = ||x - s q||, keeps the kk candidates with the smallest key
||s qQ - s qT|| - r_T (or the plain quantized distance with the global max radius) and reports how
often the proof "key of the kk-th - r_Q > exact k-th distance among the candidates" would hold,
i.e. how often no float64 rescan would be needed. Triangle inequality: | ||x-y|| - ||x'-y'|| | <= r_x + r_y.

Usage: /usr/bin/python3 bench/knn_int16_feasibility.py   (300 test queries against the 60,000 training rows)
"""
import numpy as np

from fashion_data import load_slices, standardized

xtr, _, xte, _ = load_slices(None, 300)
T, Q = (a.astype(np.float64) for a in standardized(xtr, xte))
maxabs = np.abs(T).max(); print("train maxabs", maxabs, "99.99% quantile", np.quantile(np.abs(T), 0.9999), "query maxabs", np.abs(Q).max())
exact = ((Q**2).sum(1)[:, None] + (T**2).sum(1)[None, :] - 2 * Q @ T.T).clip(0)
k = 5
for QMAX in [3300]:
  for clipv in [maxabs, 32.0, 16.0]:
    s = 2.0 ** np.ceil(np.log2(clipv / QMAX))
    qT = np.clip(np.rint(T / s), -QMAX, QMAX); qQ = np.clip(np.rint(Q / s), -QMAX, QMAX)
    rT = np.sqrt(((T - s * qT) ** 2).sum(1)); rQ = np.sqrt(((Q - s * qQ) ** 2).sum(1))
    approx = s * s * ((qQ**2).sum(1)[:, None] + (qT**2).sum(1)[None, :] - 2 * qQ @ qT.T)
    print(f"clip {clipv:.1f} s=2^{np.log2(s):.0f}: rT median {np.median(rT):.3f} max {rT.max():.3f}, rows rT>1: {(rT>1).sum()}, rQ max {rQ.max():.3f}")
    kth = np.sort(exact, 1)[:, k - 1]
    for kk in [16, 32, 64]:
        part = np.argpartition(approx, kk, 1)[:, :kk]
        top = np.take_along_axis(approx, part, 1).max(1)
        # exact kth among candidates
        cand = np.sort(np.take_along_axis(exact, part, 1), 1)[:, k - 1]
        ok_global = np.sqrt(top) - rQ - rT.max() > np.sqrt(cand)
        # key by sqrt(D') - rT (per-row radius): non-candidates have sqrt(D')-rT >= topkey
        key = np.sqrt(approx.clip(0)) - rT[None, :]
        part2 = np.argpartition(key, kk, 1)[:, :kk]
        top2 = np.take_along_axis(key, part2, 1).max(1)
        cand2 = np.sort(np.take_along_axis(exact, part2, 1), 1)[:, k - 1]
        ok_row = top2 - rQ > np.sqrt(cand2)
        print(f"   kk={kk}: proof passes (r_max) {ok_global.mean()*100:.1f}%, (per-row key) {ok_row.mean()*100:.1f}%, candidates exact={np.allclose(cand, kth)}")
