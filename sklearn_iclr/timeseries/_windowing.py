"""Training windows of a panel, their min-max scaling and its inverse.

A panel is a float array of shape (n_series, n_channels, n_timepoints) (see
``_data.py`` for the layouts accepted). :func:`draw_windows` cuts it into the
windows the networks train on; :class:`MinMaxScaling` scales them to [0, 1]
and maps generated windows back.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from dataclasses import dataclass

import numpy as np

from .._torch import F, torch
from ._psa_gan_net import BASE_LENGTH


def model_length(length):
    """The power of two >= max(length, 8) the networks work at."""
    return max(BASE_LENGTH, 2 ** math.ceil(math.log2(max(length, 1))))


def crop_offset(length, window, context_length):
    """First of the ``window`` steps kept from ``length`` generated steps.

    Unconditional windows keep their middle steps, away from both edges of
    the generated window; a continuation (PSA-GAN-C) starts at once.
    """
    return 0 if context_length else (length - window) // 2


def minmax(values, axis):
    """Minimum and range along ``axis`` (a zero range is returned as 0)."""
    lo = values.min(axis=axis)
    return lo, values.max(axis=axis) - lo


def safe(scale):
    """Ranges usable as divisors: zero ranges (constant values) become 1."""
    return np.where(scale > 0, scale, 1.0)


def resample(values, length):
    """Linear interpolation of (n, channels, T) windows onto ``length`` steps."""
    if values.shape[-1] == length:
        return values
    if values.shape[-1] == 1:
        return np.repeat(values, length, axis=-1)
    tensor = torch.as_tensor(np.ascontiguousarray(values), dtype=torch.float64)
    return F.interpolate(tensor, size=length, mode="linear", align_corners=True).numpy()


@dataclass
class Windows:
    """The raw training windows of a panel and where they come from.

    ``values`` is (n_windows, n_channels, span) with ``span`` either the model
    length (``strategy == "crop"``) or the window length (``"interpolate"``);
    ``contexts`` (PSA-GAN-C) is (n_windows, n_channels, context_length) or
    None; ``series`` and ``starts`` give each window's series and first step.
    """

    values: np.ndarray
    contexts: object
    series: np.ndarray
    starts: np.ndarray
    window_length: int
    model_length: int
    strategy: str

    def kept(self):
        """The ``window_length`` steps of each window that ``sample`` returns."""
        if self.strategy != "crop":
            return self.values
        offset = crop_offset(
            self.model_length, self.window_length, self.contexts is not None
        )
        return self.values[:, :, offset : offset + self.window_length]


def draw_windows(panel, window_length, context_length, stride):
    """Cut every series of ``panel`` into training windows (:class:`Windows`).

    ``window_length=None`` takes the whole series (minus the context). Raises
    ``ValueError`` naming the lengths when no window can be drawn.
    """
    n_series, n_channels, n_time = panel.shape
    context = context_length
    if n_time < 2:
        raise ValueError(
            f"PSAGANGenerator needs series of at least 2 timepoints; got {n_time} "
            f"timepoint(s), i.e. {n_time} feature(s) in a 2-D array."
        )
    if window_length is None:
        window = n_time - context
        if window < BASE_LENGTH:
            raise ValueError(
                f"window_length=None takes the whole series, here {n_time} "
                f"timepoints{f' minus context_length={context}' if context else ''}"
                f" = {window}, fewer than the {BASE_LENGTH} PSA-GAN generates at "
                "least. A 2-D array is read as (n_series, n_timepoints) and a "
                "DataFrame as one series with time steps as rows (sktime's "
                "conventions): if the rows of your array are time steps, pass "
                "X.T[:, None, :] for univariate series or X.T[None] for one "
                "multivariate series; or set window_length."
            )
    else:
        window = window_length
    if context + window > n_time:
        what = (
            f"context_length + window_length = {context} + {window}"
            if context
            else f"window_length={window}"
        )
        raise ValueError(
            f"{what} exceeds the {n_time} timepoints of the series: no window can "
            "be drawn. Shorten the window, or check the orientation of X (a 2-D "
            "array is read as (n_series, n_timepoints), a DataFrame as one "
            "series with time steps as rows)."
        )
    length = model_length(window)
    span = length if context + length <= n_time else window
    starts = np.arange(context, n_time - span + 1, stride)
    idx = starts[:, None] + np.arange(span)[None, :]
    # (n_series, n_starts, n_channels, span) -> (n_windows, n_channels, span)
    values = panel[:, :, idx].transpose(0, 2, 1, 3).reshape(-1, n_channels, span)
    contexts = None
    if context:
        cidx = starts[:, None] + np.arange(-context, 0)[None, :]
        contexts = (
            panel[:, :, cidx].transpose(0, 2, 1, 3).reshape(-1, n_channels, context)
        )
    return Windows(
        values=values,
        contexts=contexts,
        series=np.repeat(np.arange(n_series), len(starts)),
        starts=np.tile(starts, n_series),
        window_length=window,
        model_length=length,
        strategy="crop" if span == length else "interpolate",
    )


class MinMaxScaling:
    """Min-max scaling of training windows to [0, 1], and back for samples.

    ``mode`` is ``"series"`` (per series and channel, the TimeGAN protocol),
    ``"window"`` (per window and channel, over the steps ``sample`` keeps),
    ``"context"`` (PSA-GAN-C: by the context's minimum and range, the only
    values known when continuing a series) or ``"none"``. After :meth:`fit`,
    ``lo_`` and ``range_`` hold one row per series (``"series"``) or per
    training window (``"window"``, ``"context"``), and :meth:`row_of`
    tells which row a training window uses.
    """

    def __init__(self, mode):
        self.mode = mode

    def fit(self, panel, windows):
        n_channels = panel.shape[1]
        if self.mode == "series":
            self.lo_, self.range_ = minmax(panel, axis=2)
        elif self.mode == "window":
            self.lo_, self.range_ = minmax(windows.kept(), axis=2)
        elif self.mode == "context":
            self.lo_, self.range_ = minmax(windows.contexts, axis=2)
        else:
            self.lo_ = np.zeros((1, n_channels))
            self.range_ = np.ones((1, n_channels))
        self._series = windows.series
        return self

    def row_of(self, window_index):
        """Rows of ``lo_``/``range_`` used by training windows ``window_index``."""
        if self.mode == "series":
            return self._series[window_index]
        if self.mode == "none":
            return np.zeros(len(window_index), dtype=np.int64)
        return window_index

    def transform(self, values, rows):
        """Scale (n, channels, T) ``values`` with rows ``rows`` of the scales."""
        return (values - self.lo_[rows][..., None]) / safe(self.range_[rows])[..., None]

    def inverse(self, values, rows):
        """Map scaled ``values`` back with rows ``rows`` of the scales."""
        return values * self.range_[rows][..., None] + self.lo_[rows][..., None]

    @staticmethod
    def of_contexts(contexts):
        """(lo, range) of user-given contexts, for PSA-GAN-C's sampling."""
        return minmax(contexts, axis=2)
