"""What the synthetic-series metrics share: window checks and progress lines.

The metrics take windows as arrays of shape (n_windows, n_timepoints) or
(n_windows, n_channels, n_timepoints) (the layout of
:class:`~sklearn_iclr.timeseries.PSAGANGenerator`), or sktime panel data, and
train small torch networks through the bridge (:func:`~sklearn_iclr._torch.
build_net`); :class:`LabelledProgress` is the callback that reports on those
fits at ``verbose=1``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import time

import numpy as np

from .._torch import skorch, torch
from ._data import _is_sktime_panel, sktime_to_numpy3d

# The networks compute in float32: larger values would become infinite there.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_float32_range(values, name):
    """Raise if finite ``values`` would overflow to infinity in float32."""
    if values.size and np.abs(values).max() > FLOAT32_MAX:
        raise ValueError(
            f"{name} has values beyond float32's range (|x| > {FLOAT32_MAX:.3g}), "
            "which the metric networks compute in; scale the windows first "
            "(TimeGAN's metrics expect values in [0, 1])."
        )


def as_windows(X, name="X"):
    """Windows as a float64 array of shape (n, n_channels, n_timepoints)."""
    if _is_sktime_panel(X):
        values, _ = sktime_to_numpy3d(X)
    else:
        if hasattr(X, "to_numpy") and getattr(X, "ndim", 0) == 2:
            # A DataFrame holds one univariate window per column.
            X = X.to_numpy().T
        values = np.asarray(X, dtype=np.float64)
    if values.ndim == 2:
        values = values[:, None, :]
    if values.ndim != 3:
        raise ValueError(
            f"{name} must be 2-D (n_windows, n_timepoints) or 3-D (n_windows, "
            f"n_channels, n_timepoints); got shape {values.shape}."
        )
    if values.shape[0] < 1 or values.shape[2] < 1:
        raise ValueError(f"{name} is empty (shape {values.shape}).")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    check_float32_range(values, name)
    return np.ascontiguousarray(values)


def check_pair(real, synthetic, names=("real", "synthetic")):
    """Both sets of windows checked, with equal (n_channels, n_timepoints)."""
    real = as_windows(real, names[0])
    synthetic = as_windows(synthetic, names[1])
    if real.shape[1:] != synthetic.shape[1:]:
        raise ValueError(
            f"{names[0]} and {names[1]} windows must have the same (n_channels, "
            f"n_timepoints); got {real.shape[1:]} and {synthetic.shape[1:]}."
        )
    return real, synthetic


def time_major(windows):
    """(n, channels, timepoints) windows -> float32 tensor (n, timepoints, channels)."""
    return torch.from_numpy(np.array(windows.transpose(0, 2, 1), dtype=np.float32))


class LabelledProgress(skorch.callbacks.Callback):
    """skorch callback printing labelled progress lines of a metric network's fit.

    One line per epoch, or, with ``every``, one line per ``every`` training
    steps (the TimeGAN networks train for a number of steps in one pass), each
    naming the network, how far the fit is and the mean training loss since
    the previous line, for example
    ``TS2VecEncoder: epoch 3/20, contrastive loss 2.3101 (1.2 s)``.

    Parameters
    ----------
    label : str
        What is training, printed first on every line.
    total : int
        Number of epochs (or steps, with ``every``) of the fit.
    loss_name : str, default="loss"
        Name of the training loss on the lines.
    every : int, default=None
        Print every ``every`` steps (and at the last one) instead of once per
        epoch.
    """

    def __init__(self, label, total, loss_name="loss", every=None):
        self.label = label
        self.total = total
        self.loss_name = loss_name
        self.every = every

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()
        self.steps_ = 0
        self.losses_ = []

    def _print(self, unit, done):
        elapsed = time.perf_counter() - self.start_
        print(
            f"{self.label}: {unit} {done}/{self.total}, {self.loss_name} "
            f"{np.mean(self.losses_):.4f} ({elapsed:.1f} s)",
            flush=True,
        )
        self.losses_ = []

    def on_batch_end(self, net, training=None, **kwargs):
        if not training:
            return
        self.steps_ += 1
        self.losses_.append(net.history[-1, "batches", -1, "train_loss"])
        if self.every and (self.steps_ % self.every == 0 or self.steps_ == self.total):
            self._print("step", self.steps_)

    def on_epoch_end(self, net, **kwargs):
        if not self.every:
            self._print("epoch", len(net.history))
