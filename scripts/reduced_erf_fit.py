"""Coefficients of the reduced kernel's erf (assembly/reduced_erf.ts).

Chebyshev fits in 40-digit arithmetic (mpmath), converted to monomials:
  piece 0, |x| < 1/2:  erf(x) / x = P_0(x^2), degree 9 in s = x^2 on [0, 1/4];
  piece j = 1..11, 1/2 + (j-1)/2 <= |x| < 1/2 + j/2:
      e^{x^2} erfc(|x|) = P_j(|x| - c_j), degree 13 in t on [-1/4, 1/4], c_j the centre.
Prints the table (12 rows of 14 coefficients, constant term first) and each
fit's error bound relative to the function's smallest value on its piece.
Run: python3 scripts/reduced_erf_fit.py
"""
import mpmath as mp

mp.mp.dps = 40
DEG = 13


def fit(f, a, b, deg):
    poly, err = mp.chebyfit(f, [a, b], deg + 1, error=True)
    return list(reversed(poly)), err  # constant term first


def erf_over_x(s):
    if s == 0:
        return 2 / mp.sqrt(mp.pi)
    r = mp.sqrt(s)
    return mp.erf(r) / r


rows = []
p0, e0 = fit(erf_over_x, mp.mpf(0), mp.mpf(0.25), 9)
rows.append((p0 + [mp.mpf(0)] * (DEG + 1 - len(p0)), e0 / erf_over_x(mp.mpf(0.25))))
for j in range(1, 12):
    c = mp.mpf(0.5) + (j - 1) * mp.mpf(0.5) + mp.mpf(0.25)
    def scaled(t, c=c):
        x = c + t
        return mp.exp(x * x) * mp.erfc(x)
    p, e = fit(scaled, mp.mpf(-0.25), mp.mpf(0.25), DEG)
    rows.append((p, e / scaled(mp.mpf(0.25))))
for p, e in rows:
    print(", ".join(repr(float(v)) for v in p) + ",")
print("relative fit errors:", ", ".join("%.1e" % float(e) for _, e in rows))
