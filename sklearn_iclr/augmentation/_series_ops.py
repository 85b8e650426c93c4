"""Time-series operations on float tensors of shape (n, channels, timepoints).

The same signature as the image operations, ``op(x, magnitude, generator)``
with ``magnitude`` in [0, 1] (0 is the identity where the operation has a
strength). Strengths are relative to each series' own scale (its standard
deviation over time), so one policy serves series of any unit. The set
follows the usual time-series augmentations (Um et al. 2017; Iwana & Uchida
2021): jitter, scaling, magnitude warp, time warp, window slice, permutation
of segments, and time reversal (``flip``).
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from .._torch import F, torch

MAX_JITTER = 0.3  # noise std, in units of the series' std
MAX_SCALING = 0.5  # std of the log-normal per-channel factor
MAX_MAGNITUDE_WARP = 0.5  # amplitude of the smooth multiplicative curve
MAX_TIME_WARP = 0.5  # spread of the local speed of time
MAX_WINDOW_CUT = 0.4  # fraction of the series cut off by a window slice
MAX_SEGMENTS = 5  # number of segments permuted at magnitude 1
N_KNOTS = 4  # knots of the smooth random curves


def _normal(shape, generator, like):
    return torch.randn(shape, generator=generator).to(like.device, like.dtype)


def _uniform(shape, generator, like):
    return torch.rand(shape, generator=generator).to(like.device, like.dtype)


def _scale(x):
    """Each series' std over time (1 where it is constant)."""
    std = x.std(dim=2, keepdim=True, unbiased=False)
    return torch.where(std > 0, std, torch.ones_like(std))


def _resample(x, positions):
    """``x`` linearly interpolated at fractional time ``positions`` (n, T')."""
    n, c, t = x.shape
    positions = positions.clamp(0, t - 1)
    low = positions.floor().long().clamp(0, t - 1)
    high = (low + 1).clamp(max=t - 1)
    weight = (positions - low.to(positions.dtype)).unsqueeze(1)
    low = low.unsqueeze(1).expand(n, c, -1)
    high = high.unsqueeze(1).expand(n, c, -1)
    return x.gather(2, low) * (1 - weight) + x.gather(2, high) * weight


def _smooth_curve(n, channels, t, generator, like):
    """Random curves (n, channels, t) through N_KNOTS standard-normal knots."""
    knots = _normal((n, channels, N_KNOTS), generator, like)
    if t == 1:
        return knots[:, :, :1]
    return F.interpolate(knots, size=t, mode="linear", align_corners=True)


def identity(x, magnitude, generator):
    return x


def jitter(x, magnitude, generator):
    if magnitude == 0:
        return x
    noise = _normal(x.shape, generator, x)
    return x + MAX_JITTER * magnitude * _scale(x) * noise


def scaling(x, magnitude, generator):
    if magnitude == 0:
        return x
    factor = torch.exp(MAX_SCALING * magnitude * _normal(x.shape[:2], generator, x))
    return x * factor.unsqueeze(2)


def magnitude_warp(x, magnitude, generator):
    if magnitude == 0:
        return x
    n, c, t = x.shape
    curve = _smooth_curve(n, c, t, generator, x)
    return x * (1.0 + MAX_MAGNITUDE_WARP * magnitude * curve.clamp(-1.5, 1.5))


def time_warp(x, magnitude, generator):
    """Resample along a random, smooth, increasing map of time onto itself."""
    if magnitude == 0 or x.shape[2] < 2:
        return x
    n, _, t = x.shape
    curve = _smooth_curve(n, 1, t, generator, x)[:, 0]
    speed = torch.exp(MAX_TIME_WARP * magnitude * curve.clamp(-2, 2))
    clock = torch.cumsum(speed, dim=1) - speed[:, :1]
    clock = clock / clock[:, -1:].clamp(min=1e-12) * (t - 1)
    return _resample(x, clock)


def window_slice(x, magnitude, generator):
    """A window of (1 − 0.4 m) of the series at a random start, stretched back."""
    if magnitude == 0 or x.shape[2] < 2:
        return x
    n, _, t = x.shape
    length = (t - 1) * (1.0 - MAX_WINDOW_CUT * magnitude)
    start = _uniform((n, 1), generator, x) * (t - 1 - length)
    steps = torch.linspace(0, 1, t, dtype=x.dtype, device=x.device).view(1, t)
    return _resample(x, start + steps * length)


def permutation(x, magnitude, generator):
    """Cut into 1 + round(4 m) equal segments and shuffle them."""
    n, c, t = x.shape
    n_segments = min(t, 1 + round((MAX_SEGMENTS - 1) * magnitude))
    if n_segments < 2:
        return x
    bounds = torch.linspace(0, t, n_segments + 1).round().long()
    lengths = bounds[1:] - bounds[:-1]
    index = torch.empty(n, t, dtype=torch.long)
    for i in range(n):
        order = torch.randperm(n_segments, generator=generator)
        index[i] = torch.cat(
            [torch.arange(bounds[k], bounds[k] + lengths[k]) for k in order.tolist()]
        )
    index = index.to(x.device).unsqueeze(1).expand(n, c, t)
    return x.gather(2, index)


def flip(x, magnitude, generator):
    """Time reversal."""
    return torch.flip(x, dims=(2,))


#: name -> (function, has a magnitude)
SERIES_OPERATIONS = {
    "identity": (identity, False),
    "jitter": (jitter, True),
    "scaling": (scaling, True),
    "magnitude_warp": (magnitude_warp, True),
    "time_warp": (time_warp, True),
    "window_slice": (window_slice, True),
    "permutation": (permutation, True),
    "flip": (flip, False),
}
