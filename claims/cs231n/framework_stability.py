r"""Framework softmax, log-softmax and log-sum-exp stay finite and accurate far above log(max float).

CS231n lecture notes, "Softmax Classifier", numerical stability trick: subtracting the max score "is what every
framework does internally".

Hypothesis: :math:`s\in\mathbb F^n` (``dtype`` float32 or float64), :math:`\|s\|_\infty\le M` with :math:`M`
far above :math:`\log(\max\mathbb F)` (88.72 in float32, 709.78 in float64).

Conclusion: ``torch.softmax``, ``torch.log_softmax``, ``scipy.special.softmax`` and ``scipy.special.logsumexp``
evaluated in ``dtype`` are finite, with :math:`|\hat p_i-p_i|\le4(n+3)\epsilon`,
:math:`|\hat\ell_i-\ell_i|\le4\epsilon(|\ell_i|+n+3)` and :math:`|\hat L-L|\le4\epsilon(|L|+n+3)` against the
exact values of the same (rounded) inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import numpy as np
import scipy.special
import torch
from hypothesis import strategies as st

from claims.cs231n.stable_softmax import FORMATS, threshold
from verifiers import (
    SOURCE_STATEMENT,
    WHOLE,
    Choice,
    Choices,
    Context,
    NegativeControl,
    Outcome,
    Reference,
    Resolution,
    check,
    claim,
)
from verifiers import property as prop
from verifiers.strategies import logits

#: Working precision (decimal digits) of the exact reference.
DPS = 40
#: Multiplier of the rounding-error bounds (a sum of n terms, one exp, one log, one division or subtraction).
SLACK = 4
#: Fraction of examples whose largest entry must exceed log(max float) for the search to count.
MIN_EXERCISED = 0.3


def _naive_softmax(s: np.ndarray) -> np.ndarray:
    e = torch.exp(torch.from_numpy(s))
    return (e / e.sum()).numpy()


def _naive_logsumexp(s: np.ndarray) -> np.ndarray:
    return torch.log(torch.exp(torch.from_numpy(s)).sum()).reshape(1).numpy()


#: Each function under test: the quantity it returns and how it is called on a vector of the dtype.
FUNCTIONS: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "torch.softmax": ("softmax", lambda s: torch.softmax(torch.from_numpy(s), dim=0).numpy()),
    "torch.log_softmax": ("log_softmax", lambda s: torch.log_softmax(torch.from_numpy(s), dim=0).numpy()),
    "scipy.special.softmax": ("softmax", lambda s: np.asarray(scipy.special.softmax(s))),
    "scipy.special.logsumexp": ("logsumexp", lambda s: np.asarray(scipy.special.logsumexp(s)).reshape(1)),
    "naive.softmax": ("softmax", _naive_softmax),
    "naive.logsumexp": ("logsumexp", _naive_logsumexp),
}
FRAMEWORK = ("torch.softmax", "torch.log_softmax", "scipy.special.softmax", "scipy.special.logsumexp")

FRAMEWORK_STABILITY = claim(
    id="cs231n/framework-stability",
    title="torch and scipy softmax, log-softmax and log-sum-exp are finite and accurate for huge logits",
    statement=r"\forall s\in\mathbb F^n,\ \|s\|_\infty\le M:\ \hat p,\hat\ell,\hat L\ \text{finite},\ "
              r"|\hat p_i-p_i|\le 4(n+3)\epsilon,\ |\hat\ell_i-\ell_i|\le 4\epsilon(|\ell_i|+n+3),\ "
              r"|\hat L-L|\le 4\epsilon(|L|+n+3),\quad M\gg\log(\max\mathbb F)",
    reference=Reference("cs231n", "Numerical stability trick",
                        "overflows for large scores. … This is what every framework does internally."),
    origin=SOURCE_STATEMENT,
    notes="The seed says frameworks subtract the max internally; we test the consequence a user relies on, not "
          "the mechanism: the framework functions (`functions`, default torch.softmax, torch.log_softmax, "
          "scipy.special.softmax, scipy.special.logsumexp) evaluated in `dtype` (float32 by default; float64 via "
          "--set) return finite values within rounding-error bounds of the exact values: absolute "
          "4(n+3)ε for probabilities, 4ε(|v| + n + 3) for the log-domain outputs log-softmax and log-sum-exp "
          "(whose size grows with the logits), with ε the dtype's machine epsilon. The reference uses the same "
          "dtype-rounded inputs (a function cannot know the unrounded ones): exact mpmath at "
          f"{DPS} digits for float64, log-space float64 for float32 (its error is 1e-9 of the float32 bounds). Inputs: "
          "the structured logit families (lengths up to the profile's max_n) shifted by up to the profile's "
          "max_magnitude (1e3, 1e5, 1e7), most above log(max float) (88.72 in float32, 709.78 in float64), some "
          f"far below it; the search is inconclusive unless at least {MIN_EXERCISED:g} of the examples have "
          "max s > log(max float). Near the largest float itself a log-domain output can exceed the range "
          "(log_softmax of (3e38, -3e38) in float32 is -6e38): such magnitudes are outside M. The control "
          "`naive` (exp(s)/Σexp(s) and log Σexp(s) in the dtype) overflows once max s > log(max float). "
          "Complements cs231n/stable-softmax (the max-subtracted formula written out by hand).",
    params={
        "dtype": Choice("float32", tuple(FORMATS), doc="floating-point type of the computation"),
        "functions": Choices(FRAMEWORK, tuple(FUNCTIONS), doc="the functions claimed finite and accurate"),
    },
    negative_controls=(NegativeControl("naive", {"functions": ("naive.softmax", "naive.logsumexp")},
                                       "exp(s) overflows once max s > log(max float): inf/inf = nan, log inf = inf"),),
    tags=("numerics", "frameworks"),
)


def exact_values(s: np.ndarray) -> dict[str, list[float]]:
    """Reference softmax, log-softmax and log-sum-exp of a float vector (entries convert exactly).

    Exact (mpmath at :data:`DPS` digits, rounded to float64) for float64 inputs; for float32 inputs the
    max-subtracted float64 evaluation, whose error (≈ 1e-16 · (|v| + n)) is 1e-9 of the float32 bounds.
    """
    if s.dtype == np.float32:
        x = s.astype(np.float64)
        top = float(x.max())
        lse = top + math.log(float(np.exp(x - top).sum()))
        return {"softmax": np.exp(x - lse).tolist(), "log_softmax": (x - lse).tolist(), "logsumexp": [lse]}
    with mpmath.workdps(DPS):
        xs = [mpmath.mpf(float(v)) for v in s]
        top = max(xs)
        lse = top + mpmath.log(mpmath.fsum(mpmath.exp(x - top) for x in xs))
        log_p = [x - lse for x in xs]
        return {"softmax": [float(mpmath.exp(v)) for v in log_p], "log_softmax": [float(v) for v in log_p],
                "logsumexp": [float(lse)]}


def error_ratio(kind: str, got: np.ndarray, exact: dict[str, list[float]], eps: float) -> float:
    """The largest error of ``got`` divided by its allowed bound (≤ 1: accurate)."""
    n, ref = len(exact["softmax"]), exact[kind]
    if kind == "softmax":
        return max(abs(float(g) - v) for g, v in zip(got, ref)) / (SLACK * (n + 3) * eps)
    return max(abs(float(g) - v) / (SLACK * eps * (abs(v) + n + 3)) for g, v in zip(got, ref))


@st.composite
def huge_logits(draw: st.DrawFn, budget, dtype: str) -> np.ndarray:  # noqa: ANN001 - a Budget
    """Structured logit vectors shifted by ± up to the profile's magnitude, mostly above log(max float)."""
    base = draw(logits(2, max(2, budget.max_n), max_magnitude=budget.max_magnitude))
    above = float(threshold(dtype))
    exponent = draw(st.floats(math.log10(above), math.log10(budget.max_magnitude)))
    shift = draw(st.sampled_from([1.0, 1.0, 1.0, -1.0, 0.0])) * 10.0**exponent
    s = np.clip(base + shift, -budget.max_magnitude, budget.max_magnitude)
    return s.astype(np.float32 if dtype == "float32" else np.float64)


@check(FRAMEWORK_STABILITY, "property")
def framework_property(ctx: Context) -> Outcome:
    """Every function finite and within its rounding-error bound of the exact value, huge logits included."""
    dtype, names = ctx["dtype"], ctx["functions"]
    eps, above = float(np.finfo(dtype).eps), float(threshold(dtype))
    seen = {"exercised": 0, "worst_ratio": 0.0}

    def holds(s: np.ndarray) -> bool | str:
        seen["exercised"] += int(float(s.max()) > above)
        exact = exact_values(s)
        for name in names:
            kind, fn = FUNCTIONS[name]
            with np.errstate(all="ignore"):
                got = np.asarray(fn(s))
            if got.dtype != s.dtype:
                return f"{name} returned {got.dtype} for {s.dtype} input"
            if not np.all(np.isfinite(got)):
                return f"{name} is not finite at max s = {float(s.max()):.6g}: {got.astype(np.float64).tolist()[:4]}…"
            ratio = error_ratio(kind, got, exact, eps)
            seen["worst_ratio"] = max(seen["worst_ratio"], ratio)
            if ratio > 1:
                return f"{name} is off by {ratio:.3g} × its rounding-error bound at max |s| = {np.abs(s).max():.6g}"
        return True

    out = prop.forall(ctx, huge_logits(ctx.budget, dtype), holds, what=f"{', '.join(names)} finite and accurate "
                                                                           f"in {dtype}")
    stats = {**out.statistics, **seen, "log_max_float": above, "machine_epsilon": eps}
    resolution = Resolution(SLACK * eps, f"error per unit of n + 3 (probabilities) or |v| + n + 3 (log outputs), "
                                         f"{dtype}")
    if out.verdict == "supported" and seen["exercised"] < MIN_EXERCISED * out.statistics["valid"]:
        return out.but(verdict="inconclusive", statistics=stats, resolution=resolution,
                       reason=f"only {seen['exercised']} examples had max s above log(max {dtype}) = {above:.2f}")
    return out.but(statistics=stats, resolution=resolution, scope=WHOLE)
