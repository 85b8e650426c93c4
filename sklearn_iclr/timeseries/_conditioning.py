"""What PSA-GAN's networks read besides noise, for training and for sampling.

One object answers for every kind of generator, so that neither the
estimator nor the networks branch on options: every window has a series
index and a phase per seasonal period (possibly none), and PSA-GAN-C windows
also a context.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


class WindowConditions:
    """Per-window conditions of the training windows, and draws for samples.

    Parameters
    ----------
    windows : Windows
        The training windows (see ``_windowing.draw_windows``).
    seasonal_periods : tuple of float
        Periods, in data steps, whose phase the networks read (may be empty).
    use_embedding : bool
        Whether the series index is fed to the generator; otherwise every
        window gets index 0 (an embedding of width 0).

    Notes
    -----
    A sample imitates one training window drawn uniformly at random: it is
    generated for that window's series and phase, and rescaled by its scale
    (see ``MinMaxScaling.row_of``). So windows of long series are drawn as
    often as they are in training, and a daily cycle comes out at the hours
    it has in the data. PSA-GAN-C is conditioned on given contexts instead.
    """

    def __init__(self, windows, seasonal_periods, use_embedding):
        self.series = windows.series if use_embedding else np.zeros_like(windows.series)
        self.periods = np.asarray(seasonal_periods, dtype=np.float64)
        self.n_windows = len(windows.series)
        starts = windows.starts.astype(np.float64)
        self.phase = np.mod(starts[:, None] / self.periods, 1.0).reshape(
            self.n_windows, len(self.periods)
        )
        # Data steps between consecutive steps of the model-length windows.
        self.step = (
            1.0
            if windows.strategy == "crop"
            else (windows.window_length - 1) / (windows.model_length - 1)
        )

    def inputs(self, rows, contexts=None):
        """Network inputs (besides noise) of training windows ``rows``.

        ``contexts`` are the scaled contexts of those rows (PSA-GAN-C).
        """
        data = {
            "series": self.series[rows].astype(np.int64),
            "phase": self.phase[rows].astype(np.float32),
        }
        if contexts is not None:
            data["context"] = contexts.astype(np.float32)
        return data

    def draw(self, n_samples, rng):
        """Training windows to imitate: ``n_samples`` rows drawn at random."""
        return rng.randint(self.n_windows, size=n_samples)

    def for_contexts(self, contexts):
        """Inputs of PSA-GAN-C samples continuing the scaled ``contexts``."""
        n = len(contexts)
        return {
            "series": np.zeros(n, dtype=np.int64),
            "phase": np.zeros((n, len(self.periods)), dtype=np.float32),
            "context": contexts.astype(np.float32),
        }


def check_seasonal_periods(seasonal_periods, context_length):
    """``seasonal_periods`` as a tuple of floats (empty when None)."""
    if seasonal_periods is None:
        return ()
    periods = np.asarray(seasonal_periods, dtype=np.float64)
    if (
        periods.ndim != 1
        or not len(periods)
        or not np.all(np.isfinite(periods) & (periods > 0))
    ):
        raise ValueError(
            "seasonal_periods must be a non-empty 1-D sequence of positive "
            f"numbers of time steps; got {seasonal_periods!r}."
        )
    if context_length:
        raise ValueError(
            "seasonal_periods is not available for PSA-GAN-C "
            f"(context_length={context_length}); the phase of a "
            "continuation is not known."
        )
    return tuple(periods.tolist())


def check_context(context, n_channels, context_length):
    """User-given contexts as (n_contexts, n_channels, context_length).

    ``None`` for an unconditional generator; raises ``ValueError`` for a
    missing, empty, misshapen or non-finite context.
    """
    if not context_length:
        if context is not None:
            raise ValueError("context= is only for generators with context_length > 0.")
        return None
    if context is None:
        raise ValueError(
            f"This generator was fitted with context_length={context_length} "
            "(PSA-GAN-C); pass context=."
        )
    ctx = np.asarray(context, dtype=np.float64)
    if ctx.ndim == 2 and n_channels == 1:
        ctx = ctx[:, None, :]
    if ctx.ndim != 3 or ctx.shape[1:] != (n_channels, context_length):
        raise ValueError(
            f"context must have shape (n_contexts, {n_channels}, {context_length}); "
            f"got {np.shape(context)}."
        )
    if not len(ctx):
        raise ValueError(
            "context is empty: pass at least one context window of "
            f"{context_length} steps to continue."
        )
    if not np.isfinite(ctx).all():
        raise ValueError("context contains NaN or infinity.")
    return ctx
