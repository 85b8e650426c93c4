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
