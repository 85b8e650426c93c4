"""Quick-tour step of the time-series family.

Run it with ``python -m sklearn_iclr --only timeseries``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def _autoregressive_sampler(X, window, n_samples, rng, max_order=24):
    """Windows simulated by a per-channel AR(p), the baseline a user tries first.

    One linear autoregression per channel, fitted by least squares on every
    series, its order chosen by AIC up to ``max_order``; each window starts
    from ``p`` real values of a random series and adds Gaussian innovations
    of the residuals' standard deviation.
    """
    n_series, n_channels, n_time = X.shape
    best = None
    for order in range(1, max_order + 1):
        fits = []
        for c in range(n_channels):
            lags = np.stack(
                [X[:, c, k : n_time - order + k] for k in range(order)], axis=-1
            ).reshape(-1, order)
            design = np.hstack([lags, np.ones((len(lags), 1))])
            target = X[:, c, order:].reshape(-1)
            beta = np.linalg.lstsq(design, target, rcond=None)[0]
            fits.append((beta, (target - design @ beta).std()))
        n_obs = n_series * (n_time - order)
        aic = sum(n_obs * np.log(s**2) for _, s in fits) + 2 * n_channels * (order + 1)
        if best is None or aic < best[0]:
            best = (aic, order, fits)
    _, order, fits = best
    series = rng.randint(n_series, size=n_samples)
    start = rng.randint(0, n_time - order + 1, size=n_samples)
    history = np.stack([X[series, :, start + k] for k in range(order)], axis=-1)
    out = np.empty((n_samples, n_channels, window))
    for t in range(window):
        step = np.stack(
            [
                history[:, c] @ beta[:order]
                + beta[order]
                + s * rng.normal(size=n_samples)
                for c, (beta, s) in enumerate(fits)
            ],
            axis=1,
        )
        out[:, :, t] = step
        history = np.concatenate([history[:, :, 1:], step[:, :, None]], axis=2)
    return out, order


def psa_gan_step(fast, verbose):
    """PSAGANGenerator: synthetic solar-like windows, judged by Context-FID."""
    from sklearn_iclr._torch import torch
    from sklearn_iclr._tour import TourResult
    from sklearn_iclr.datasets import make_seasonal_series
    from sklearn_iclr.timeseries import PSAGANGenerator
    from sklearn_iclr.timeseries.metrics import TS2VecEncoder, context_fid

    # Half-hourly output of 12 two-channel plants: a daily cycle (48 steps)
    # cut at zero at night. The cycle is longer than the lags an AR model
    # sees, and the cut is not linear.
    X = make_seasonal_series(
        n_series=12, n_channels=2, n_timepoints=192, period=48, random_state=0
    )
    X = np.maximum(X, 0.0)
    window = 32
    # Small networks train faster on one thread than on a contended pool.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        gan = PSAGANGenerator(
            window_length=window,
            stride=4,
            seasonal_periods=(48,),  # the daily cycle, known to the user
            hidden=16,
            batch_size=16,  # more adversarial steps per epoch on 492 windows
            lr=1e-3,
            max_epochs=MAX_EPOCHS_FAST if fast else MAX_EPOCHS,
            verbose=verbose,
            random_state=0,
        ).fit(X)
        real = np.stack(
            [X[i, :, s : s + window] for i in range(12) for s in range(0, 161, 4)]
        )
        rng = np.random.RandomState(0)
        candidates = {
            "PSA-GAN": gan.sample(len(real), random_state=0),
            "Gaussian noise": rng.normal(real.mean(), real.std(), size=real.shape),
        }
        candidates["AR sampler"], order = _autoregressive_sampler(
            X, window, len(real), rng
        )
        encoder = TS2VecEncoder(output_dims=16, max_epochs=5, random_state=0).fit(real)
        fid = {
            name: context_fid(real, fake, encoder=encoder)
            for name, fake in candidates.items()
        }
    finally:
        torch.set_num_threads(threads)
    return TourResult(
        estimator="PSAGANGenerator",
        did=f"{gan.max_epochs} epochs growing 8->16->32 on {gan.n_windows_} windows "
        "of 12 solar-like series (2 channels, daily cycle given)",
        headline="Context-FID (lower is better): "
        + ", ".join(
            f"{name} {value:.3g}" + (f" (AR({order}))" if name == "AR sampler" else "")
            for name, value in fid.items()
        ),
    )


MAX_EPOCHS, MAX_EPOCHS_FAST = 32, 24

STEPS = [psa_gan_step]
