r"""The delta method for :math:`\log\hat Z_k`, derived with SymPy: moments, remainder bounds, limits.

Setting (variant ``zhat`` of :mod:`claims.pu2026.ssm_variants`): :math:`n` classes, logits :math:`s`,
:math:`Z=\sum_ie^{s_i}`, a proposal :math:`q` with :math:`q_i>0`, :math:`k` i.i.d. draws :math:`i_j\sim q`,
weights :math:`w_i=e^{s_i}/(Zq_i)`, :math:`\hat Z_k/Z=1+\varepsilon`, :math:`\varepsilon=\frac1k\sum_jX_j`,
:math:`X_j=w_{i_j}-1`. Because :math:`n` is finite and every :math:`q_i>0`, the weights are bounded:
:math:`0<w_{\min}\le w_i\le w_{\max}<\infty`.

Each function returns a :class:`Derivation`: the derived constant, the steps (each one either checked
by SymPy here or a listed :class:`~verifiers.Premise` with its citation) and whether every checked step
held. Nothing is asserted in prose that SymPy could check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from verifiers import Premise

#: Symbols shared by the derivations (their assumptions are the hypotheses).
k = sp.Symbol("k", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
chi2 = sp.Symbol("chi^2", positive=True)  # χ²(P‖Q) > 0, i.e. P ≠ Q
mu3 = sp.Symbol("mu3", real=True)
mu4 = sp.Symbol("mu4", positive=True)
w_min = sp.Symbol("w_min", positive=True)
eps, t, u, x = sp.symbols("varepsilon t u x", real=True)

MGF_PRODUCT = Premise(
    "the moment generating function of a sum of independent variables is the product of theirs; for a bounded "
    "variable it is analytic and its derivatives at 0 are the moments",
    "Billingsley, Probability and Measure, 3rd ed. (1995), Section 21 (moment generating functions)")
TAYLOR_LAGRANGE = Premise(
    "Taylor's theorem with the Lagrange remainder: f(x) = Σ_{r<m} f^(r)(0) x^r / r! + f^(m)(ξ) x^m / m! for some ξ "
    "between 0 and x, when f is m times differentiable on that interval",
    "Rudin, Principles of Mathematical Analysis, 3rd ed. (1976), Theorem 5.15")
LYAPUNOV = Premise(
    "Lyapunov's inequality: (E|Y|^a)^(1/a) ≤ (E|Y|^b)^(1/b) for 0 < a ≤ b; here E|ε|³ ≤ (E ε⁴)^(3/4)",
    "Billingsley, Probability and Measure, 3rd ed. (1995), eq. (5.37)")
MEAN_BETWEEN = Premise(
    "a weighted mean lies between the smallest and the largest of the averaged values: 1 + ε = Ẑ_k/Z (a mean of "
    "drawn weights) lies in [w_min, w_max], and w_min ≤ E_q w = 1",
    "elementary (e.g. Hardy, Littlewood & Pólya, Inequalities, 2nd ed. (1952), Section 2.2)")


@dataclass(frozen=True)
class Derivation:
    """A derived constant with its trail: ``ok`` is False when a machine-checked step failed (named in ``failed``)."""

    value: sp.Expr
    steps: tuple[str, ...]
    premises: tuple[Premise, ...]
    failed: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether every machine-checked step held."""
        return not self.failed


class _Trail:
    """Collects steps; ``check(cond, text)`` records a machine-checked step and whether it held."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.failed: list[str] = []

    def check(self, holds: bool, text: str) -> None:
        self.steps.append(text + (" (checked)" if holds else " — SymPy could NOT confirm this step"))
        if not holds:
            self.failed.append(text)

    def note(self, text: str) -> None:
        self.steps.append(text)


def _zero(expr: sp.Expr) -> bool:
    return sp.simplify(expr) == 0


def weight_moments(trail: _Trail) -> None:
    r"""For every :math:`n`: :math:`\mathbb E_qw=1` and :math:`\mathrm{Var}_qw=\chi^2(P\|Q)`, term by term."""
    i = sp.Symbol("i", integer=True, positive=True)
    s, q = sp.IndexedBase("s", real=True), sp.IndexedBase("q", positive=True)
    Z = sp.Symbol("Z", positive=True)
    p = sp.exp(s[i]) / Z
    term = sp.cancel(q[i] * sp.exp(s[i]) / (Z * q[i]))
    mean_w = sp.Sum(term, (i, 1, n))
    trail.check(_zero(term - p),
                rf"$\mathbb E_q w=\sum_{{i=1}}^n q_i\frac{{e^{{s_i}}}}{{Zq_i}}={sp.latex(mean_w)}=\sum_ip_i=1$ "
                r"for symbolic $n$ ($p_i=e^{s_i}/Z$, $Z=\sum_ie^{s_i}$)")
    pearson = (p - q[i]) ** 2 / q[i]
    split = p**2 / q[i] - 2 * p + q[i]
    trail.check(_zero(sp.expand(pearson - split)) and _zero(q[i] * (p / q[i]) ** 2 - p**2 / q[i]),
                r"$\chi^2(P\|Q)=\sum_i\frac{(p_i-q_i)^2}{q_i}=\sum_i\frac{p_i^2}{q_i}-2\sum_ip_i+\sum_iq_i"
                r"=\sum_iq_iw_i^2-1=\mathbb E_qw^2-(\mathbb E_qw)^2=\mathrm{Var}_qw$ "
                r"(termwise identities for symbolic $n$; $\sum_ip_i=\sum_iq_i=1$)")


def mean_moments(trail: _Trail) -> dict[int, sp.Expr]:
    r""":math:`\mathbb E\varepsilon^r`, :math:`r=1..4`, from :math:`M_\varepsilon(t)=M_X(t/k)^k`, symbolic :math:`k`."""
    h = (chi2 * u**2 / 2 + mu3 * u**3 / 6 + mu4 * u**4 / 24).subs(u, t / k)
    trail.check(sp.cancel(h**3 / t**6).is_polynomial(t),
                r"$X=w-1$: $\mathbb EX=0$, $\mathbb EX^2=\chi^2$, $\mathbb EX^3=\mu_3$, $\mathbb EX^4=\mu_4$, so "
                r"$M_\varepsilon(t)=M_X(t/k)^k=(1+h)^k$ with $h=\chi^2t^2/(2k^2)+\mu_3t^3/(6k^3)+\mu_4t^4/(24k^4)"
                r"+O(t^5)$ (premise: MGF of a sum); $(1+h)^k=1+kh+\binom k2h^2+O(h^3)$ and $h^3=O(t^6)$")
    power = sp.expand(1 + k * h + k * (k - 1) / 2 * h**2)
    moments = {r: sp.cancel(sp.factorial(r) * power.coeff(t, r)) for r in range(1, 5)}
    expected = {1: sp.Integer(0), 2: chi2 / k, 3: mu3 / k**2, 4: (3 * (k - 1) * chi2**2 + mu4) / k**3}
    for r in range(1, 5):
        trail.check(_zero(moments[r] - expected[r]),
                    rf"$\mathbb E\varepsilon^{r}={r}!\,[t^{r}]M_\varepsilon(t)={sp.latex(moments[r])}$")
    return moments


def _taylor(order: int, trail: _Trail) -> sp.Expr:
    """Lagrange form of log(1 + x) to ``order`` terms; returns the remainder factor f^(order)(ξ)/order!."""
    f = sp.log(1 + x)
    coefficients = [sp.diff(f, x, r).subs(x, 0) / sp.factorial(r) for r in range(order)]
    derivative = sp.simplify(sp.diff(f, x, order) / sp.factorial(order))
    polynomial = sum(c * eps**r for r, c in enumerate(coefficients))
    trail.check(sp.expand(polynomial - sp.series(sp.log(1 + eps), eps, 0, order).removeO()) == 0,
                rf"$\log(1+\varepsilon)={sp.latex(polynomial)}+R$, "
                rf"$R=\frac{{f^{{({order})}}(\xi)}}{{{order}!}}\varepsilon^{order}="
                rf"{sp.latex(derivative.subs(x, sp.Symbol('xi')))}\,\varepsilon^{order}$, "
                r"$\xi$ between $0$ and $\varepsilon$ (premise: Lagrange remainder)")
    return derivative


def _remainder_factor_bound(factor: sp.Expr, trail: _Trail) -> sp.Expr:
    """|factor(ξ)| ≤ |factor(w_min − 1)| because 1 + ξ ≥ w_min and |factor| decreases in 1 + x > 0."""
    y = sp.Symbol("y", positive=True)
    magnitude = sp.Abs(factor).subs(x, y - 1)
    bound = magnitude.subs(y, w_min)
    trail.check(sp.simplify(sp.diff(magnitude, y)).is_negative is True,
                rf"$|f^{{(m)}}(\xi)/m!|={sp.latex(magnitude.subs(y, 1 + sp.Symbol('xi')))}$ decreases in "
                r"$1+\xi>0$; $1+\xi\ge\min(1,1+\varepsilon)\ge w_{\min}$ (premise: a mean lies between its extremes), "
                rf"so $|R|\le{sp.latex(bound)}\,|\varepsilon|^m$")
    return bound


@lru_cache(maxsize=None)
def bias_coefficient() -> Derivation:
    r"""Derive :math:`\lim_k k(\mathbb E\log\hat Z_k-\log Z)/\chi^2=-\tfrac12` with a bounded remainder."""
    trail = _Trail()
    weight_moments(trail)
    m = mean_moments(trail)
    factor = _taylor(3, trail)
    bound = _remainder_factor_bound(factor, trail)
    leading = sp.simplify(m[1] - m[2] / 2)
    trail.check(_zero(k * leading + chi2 / 2),
                rf"$\mathbb E[\varepsilon-\varepsilon^2/2]={sp.latex(leading)}$ exactly")
    remainder = k * bound * m[4] ** sp.Rational(3, 4)
    limit = sp.limit(remainder, k, sp.oo)
    trail.check(limit == 0,
                r"$k\,|\mathbb ER|\le k\,\frac{\mathbb E|\varepsilon|^3}{3w_{\min}^3}\le k\,\frac{(\mathbb E"
                r"\varepsilon^4)^{3/4}}{3w_{\min}^3}=O(k^{-1/2})$ (premise: Lyapunov); "
                rf"$\lim_{{k\to\infty}}{sp.latex(remainder)}={sp.latex(limit)}$")
    value = sp.limit(-(k * leading) / chi2, k, sp.oo)
    trail.note(r"so $k(\mathbb E\log\hat Z_k-\log Z)=-\chi^2/2+k\,\mathbb ER\to-\chi^2/2$: "
               r"$\mathbb E\log\hat Z_k-\log Z=-\frac12\cdot\frac{\chi^2}{k}+O(k^{-3/2})$, and the coefficient "
               r"of $\chi^2/k$ is unique when $\chi^2>0$")
    return Derivation(value, tuple(trail.steps), (MGF_PRODUCT, TAYLOR_LAGRANGE, MEAN_BETWEEN, LYAPUNOV),
                      tuple(trail.failed))


@lru_cache(maxsize=None)
def variance_coefficient() -> Derivation:
    r"""Derive :math:`\lim_k k\,\mathrm{Var}\log\hat Z_k/\chi^2=1` with bounded remainders."""
    trail = _Trail()
    weight_moments(trail)
    m = mean_moments(trail)
    factor = _taylor(2, trail)
    bound = _remainder_factor_bound(factor, trail)
    trail.note(r"$\mathrm{Var}\log(1+\varepsilon)=\mathbb E\varepsilon^2+2\mathbb E[\varepsilon R]+\mathbb ER^2-"
               r"(\mathbb ER)^2$ (using $\mathbb E\varepsilon=0$)")
    cross = 2 * bound * m[4] ** sp.Rational(3, 4)          # |2 E[εR]| ≤ 2c E|ε|³ ≤ 2c (E ε⁴)^{3/4}
    square = bound**2 * m[4]                               # E R² ≤ c² E ε⁴
    mean_sq = bound**2 * m[2] ** 2                         # (E R)² ≤ c² (E ε²)²
    remainder = k * (cross + square + mean_sq)
    limit = sp.limit(remainder, k, sp.oo)
    trail.check(limit == 0,
                r"$k\,|\mathrm{Var}\log\hat Z_k-\mathbb E\varepsilon^2|\le k\big[2c(\mathbb E\varepsilon^4)^{3/4}"
                r"+c^2\mathbb E\varepsilon^4+c^2(\mathbb E\varepsilon^2)^2\big]$, $c=\frac1{2w_{\min}^2}$ "
                rf"(premise: Lyapunov); its limit is ${sp.latex(limit)}$")
    value = sp.limit(k * m[2] / chi2, k, sp.oo)
    trail.check(_zero(k * m[2] - chi2), r"$k\,\mathbb E\varepsilon^2=\chi^2$ exactly")
    trail.note(r"so $\mathrm{Var}\log\hat Z_k=1\cdot\frac{\chi^2}{k}+O(k^{-3/2})$")
    return Derivation(value, tuple(trail.steps), (MGF_PRODUCT, TAYLOR_LAGRANGE, MEAN_BETWEEN, LYAPUNOV),
                      tuple(trail.failed))


@lru_cache(maxsize=None)
def rate_exponent() -> Derivation:
    r"""Derive the exponent of :math:`|\mathbb E\log\hat Z_k-\log Z|` in :math:`k` (for :math:`P\ne Q`): :math:`-1`."""
    bias = bias_coefficient()
    trail = _Trail()
    trail.steps.extend(bias.steps)
    trail.failed.extend(bias.failed)
    c = sp.Symbol("c", positive=True)
    exponent = sp.limit(sp.log(c / k) / sp.log(k), k, sp.oo)
    trail.check(exponent == -1 and bias.value == sp.Rational(1, 2),
                r"$|\mathrm{bias}|=\frac{\chi^2}{2k}(1+o(1))$ with $\chi^2>0$: for large $k$, "
                r"$\frac{\chi^2}{4}k^{-1}\le|\mathrm{bias}|\le\chi^2k^{-1}$, and "
                rf"$\lim_{{k\to\infty}}\frac{{\log(c/k)}}{{\log k}}={sp.latex(exponent)}$ for every $c>0$: "
                r"the exponent is $-1$ and no other ($|\mathrm{bias}|/k^{a}\to0$ or $\infty$ for $a\ne-1$)")
    return Derivation(exponent, tuple(trail.steps), bias.premises, tuple(trail.failed))


@lru_cache(maxsize=None)
def proposal_equals_target() -> Derivation:
    r"""With :math:`q_i=e^{s_i}/Z`, every term of :math:`\hat Z_k` equals :math:`Z`: :math:`\hat Z_k=Z` (any n, k)."""
    trail = _Trail()
    j = sp.Symbol("j", integer=True, positive=True)
    s, idx = sp.IndexedBase("s", real=True), sp.IndexedBase("i", integer=True, positive=True)
    Z = sp.Symbol("Z", positive=True)
    term = sp.exp(s[idx[j]]) / (sp.exp(s[idx[j]]) / Z)
    estimate = sp.simplify(sp.Sum(sp.simplify(term), (j, 1, k)).doit() / k)
    trail.check(_zero(estimate - Z),
                r"$Q=P$: $\hat Z_k=\frac1k\sum_{j=1}^k\frac{e^{s_{i_j}}}{e^{s_{i_j}}/Z}="
                rf"{sp.latex(estimate)}$ for every draw $i_1,\dots,i_k$ and symbolic $k$")
    return Derivation(estimate, tuple(trail.steps), (), tuple(trail.failed))
