#!/usr/bin/python3
# The reference values of tests/unit.c's hard cases, by python3-mpmath at
# 60 digits, from the papers' formulas (not from libcrm):
#   BG/NBD: Fader, Hardie & Lee (2005), equations (6), (10), (13);
#   MBG/NBD: Batislam, Denizel & Filiztekin (2007);
#   Pareto/NBD: the likelihood's integral form (Fader & Hardie's note
#   on the Pareto/NBD), by mpmath's hyp2f1 in the closed form of the
#   integral, checked against mpmath's quadrature of the integral.
# Run it to print every value unit.c compares with.
import mpmath as mp

mp.mp.dps = 60
F = lambda v: mp.nstr(v, 17)


def pnbd(r, al, s, be, x, tx, T):
    r, al, s, be, x, tx, T = map(mp.mpf, (r, al, s, be, x, tx, T))
    m = r + x
    C = mp.loggamma(m) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be)
    e = lambda t: (al + t) ** (-m) * (be + t) ** (-s)
    # s int_t^inf (al+u)^-m (be+u)^-(s+1) du = e(t) s/(m+s) 2F1(m, 1; m+s+1; z)
    G = lambda t: e(t) * s / (m + s) * mp.hyp2f1(m, 1, m + s + 1,
                                                 (al - be) / (al + t))
    I = G(tx) - G(T) if tx < T else 0
    Iq = s * mp.quad(lambda u: (al + u) ** (-m) * (be + u) ** (-(s + 1)),
                     mp.linspace(tx, T, 400)) if tx < T else 0
    assert I == 0 or abs(I / Iq - 1) < 1e-12, (I, Iq)
    L = e(T) + I
    return C + mp.log(L), e(T) / L


def bg(mbg, r, al, a, b, x, tx, T):
    r, al, a, b, x, tx, T = map(mp.mpf, (r, al, a, b, x, tx, T))
    k = x + 1 if mbg else x
    A = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + \
        mp.log(mp.beta(a, b + k)) - mp.log(mp.beta(a, b))
    u1 = (al + T) ** (-(r + x))
    u2 = 0 if not mbg and x == 0 else \
        a / (b + x if mbg else b + x - 1) * (al + tx) ** (-(r + x))
    return A + mp.log(u1 + u2), u1 / (u1 + u2)


def bgE(mbg, r, al, a, b, x, tx, T, t):
    pa = bg(mbg, r, al, a, b, x, tx, T)[1]
    r, al, a, b, x, tx, T, t = map(mp.mpf, (r, al, a, b, x, tx, T, t))
    if mbg:
        b += 1
    z = t / (al + T + t)
    return (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) **
            (r + x) * mp.hyp2f1(r + x, b + x, a + b + x - 1, z)) * pa


def pnbdE(r, al, s, be, x, tx, T, t):
    pa = pnbd(r, al, s, be, x, tx, T)[1]
    r, al, s, be, x, T, t = map(mp.mpf, (r, al, s, be, x, T, t))
    return (r + x) * (be + T) / ((al + T) * (s - 1)) * \
        (1 - ((be + T) / (be + T + t)) ** (s - 1)) * pa


for c in [((0.5, 1e4, 0.5, 0.01), 0, 0, 40), ((0.5, 1e4, 0.5, 0.01), 3, 20, 40),
          ((0.5, 0.01, 2.5, 1e4), 0, 0, 40), ((0.5, 0.01, 2.5, 1e4), 3, 20, 40),
          ((0.5534, 10.5802, 0.6061, 11.6656), 2, 30.43, 38.86),
          ((0.553, 74.06, 0.606, 81.66), 100000, 364, 365),
          ((0.553, 74.06, 0.606, 81.66), 0, 0, 1),
          ((0.5534, 10.5802, 0.6061, 11.6656), 1, 1 / 7, 1 / 7 + 1e-9),
          ((0.5534, 10.5802, 0.6061, 11.6656), 7, 2 / 7, 1)]:
    ll, pa = pnbd(*c[0], *c[1:])
    print('pnbd', c, 'LL', F(ll), 'P(alive)', F(pa))
for mbg in (0, 1):
    for c in [((0.243, 4.414, 0.793, 2.426), 2, 30.43, 38.86),
              ((0.243, 4.414, 0.793, 2.426), 0, 0, 1 / 7),
              ((0.243, 4.414, 0.793, 2.426), 100000, 77, 78),
              ((1e-3, 1e5, 2.6e9, 1e9), 0, 0, 30),
              ((0.525, 6.183, 0.891, 1.614), 3, 1 / 7, 1 / 7)]:
        ll, pa = bg(mbg, *c[0], *c[1:])
        print('mbgnbd' if mbg else 'bgnbd', c, 'LL', F(ll), 'P(alive)', F(pa))
for mbg in (0, 1):
    for c in [((0.243, 4.414, 0.793, 2.426), 2, 30.43, 38.86, 39),
              ((0.243, 4.414, 0.793, 2.426), 0, 0, 1 / 7, 520),
              ((0.243, 30.9, 0.793, 2.426), 1, 1, 1, 3650),
              ((0.243, 4.414, 1.0000001, 2.426), 2, 30.43, 38.86, 39),
              ((0.243, 4.414, 0.3, 0.5), 0, 0, 1, 1e6),
              ((2, 0.5, 3, 0.7), 40, 70, 70.5, 1e4),
              ((0.243, 4.414, 0.05, 30), 3, 10, 40, 1e5)]:
        print('mbgnbd' if mbg else 'bgnbd', c, 'E', F(bgE(mbg, *c[0], *c[1:])))
print('pnbd E', F(pnbdE(0.5534, 10.5802, 0.6061, 11.6656, 2, 30.43, 38.86, 39)))
print('digamma', *(F(mp.digamma(v)) for v in (1, 0.5, 10, 1e-8, 100, 6.5)))
print('lgamma ratio', F(mp.loggamma(mp.mpf(1e9) + 2.5) - mp.loggamma(1e9)),
      F(mp.loggamma(mp.mpf(0.3) + 1e5) - mp.loggamma(0.3)),
      F(mp.loggamma(mp.mpf(15) + 0.7) - mp.loggamma(15)))
print('digamma ratio', F(mp.digamma(mp.mpf(1e9) + 2.5) - mp.digamma(1e9)),
      F(mp.digamma(mp.mpf(15) + 0.7) - mp.digamma(15)))
