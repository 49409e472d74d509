r"""Validation of user-supplied vectors for the shared implementations under test.

The implementations of the maps and losses (``claims/<source>/*.py`` helpers such as
``maps.apply``) take vectors of logits from callers. A NaN or an infinity there does not raise
by itself: it propagates silently (``softmax([nan, 0]) = [nan, nan]``) and ends up as a confusing
verdict far from its cause. :func:`finite_vector` rejects such inputs at the public entry point
with an :class:`~verifiers.errors.InvalidArgument` that names the function, the offending entry
and what was expected::

    >>> finite_vector("maps.apply", [0.0, float("nan")])
    Traceback (most recent call last):
    ...
    verifiers.errors.InvalidArgument: maps.apply: entry 1 of the input is nan; expected a non-empty vector of finite numbers (1 non-finite entry)
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from verifiers.errors import InvalidArgument

T = TypeVar("T")


def _as_numpy(x: Any) -> np.ndarray:
    """A NumPy view of ``x`` (torch tensors are detached and moved to the CPU)."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def finite_vector(name: str, x: T) -> T:
    """Return ``x`` unchanged if it is a non-empty array of finite real numbers, else raise.

    Parameters
    ----------
    name : str
        The public function being called (e.g. ``"maps.apply"``); it starts the message.
    x : array-like or torch.Tensor
        A vector of scores, or a batch of them (last dimension = classes).

    Returns
    -------
    The same object ``x`` (no copy, no dtype conversion).

    Raises
    ------
    InvalidArgument
        If ``x`` is a scalar, empty, not numeric, or contains NaN or ±inf. The message names the
        first offending entry (an int for a vector, a tuple for a batch) and its value.
    """
    try:
        arr = _as_numpy(x)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InvalidArgument(f"{name}: the input is not an array ({exc}); expected a vector of finite numbers") \
            from None
    if arr.ndim == 0 or arr.size == 0:
        raise InvalidArgument(f"{name}: the input has shape {arr.shape}; expected a non-empty vector of finite "
                              "numbers")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or np.iscomplexobj(arr):
        raise InvalidArgument(f"{name}: the input has dtype {arr.dtype}; expected a vector of finite real numbers")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        index: int | tuple[int, ...] = first[0] if arr.ndim == 1 else first
        count = int(bad.sum())
        raise InvalidArgument(f"{name}: entry {index} of the input is {arr[first]}; expected a non-empty vector "
                              f"of finite numbers ({count} non-finite entr{'y' if count == 1 else 'ies'})")
    return x
