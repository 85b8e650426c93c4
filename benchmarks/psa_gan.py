"""PSA-GAN (Jeha et al., ICLR 2022) against its ablations and classical baselines.

Tables (one JSON + figure each in ``results/<preset>/``):

``psa_gan_stock``
    TimeGAN's protocol (GOOG daily, 6 channels min-max scaled to [0, 1] over
    the whole series, windows of 24): TimeGAN's discriminative score (target
    <= 0.10) and predictive score (target <= 0.040) of PSA-GAN, its
    ablations (no self-attention, no progressive growing) and a VAR sampler,
    with the predictive score of real data as reference.
``psa_gan_context_fid``
    ETTh1 and exchange rate, each channel a univariate series of a panel
    (the paper's univariate setting), per-series min-max scaling, windows of
    64 and 128: Context-FID (one TS2Vec encoder per data set and window,
    fitted on the real training windows, shared by every row) of PSA-GAN,
    the ablations and a per-series AutoReg sampler; ``context_fid_held_out``
    compares the same samples with windows of the held-out last 20 % of
    each series; the "real data" row scores the training windows against
    that span (the floor).
``psa_gan_overhead``
    Seconds per epoch of ``PSAGANGenerator.fit`` against a hand-written torch
    loop training the same networks with the same step (target ratio
    <= 1.15), and sampling throughput.
``psa_gan_defaults``
    ``PSAGANGenerator(window_length=24)`` with every other parameter at its
    default, on the stock windows: both TimeGAN scores and the fit's wall
    time (target: both stock targets within 10 minutes on 2 CPU cores), with
    the process's CPU time and the machine's load average beside it, since
    the machines these run on are shared.

TimeGAN itself is not a row: no maintained TimeGAN package installs here
(``timegan`` pins tensorflow 2.11 and numpy 1.26, ``ydata-synthetic``
tensorflow 2.15, numpy<2 and pandas<3; ``tsgm`` is TensorFlow/Keras); its
published figures are in each table's ``paper`` rows.

Run ``python benchmarks/psa_gan.py --preset quick`` (what ``make bench``
runs) or ``--preset paper``; ``--tables`` and ``--seeds`` run a part.
"""

import functools
import os
import time
import warnings

import numpy as np
from _harness import Table, data_home, main, map_seeds, measure

PRESETS = {
    "quick": {
        "description": "1 seed, smoke-sized fits on strided windows (a few "
        "minutes on a quiet 2-core machine) and psa_gan_defaults, one fit "
        "with the estimator's defaults (about 10 minutes there)",
        "seeds": [0],
        "stock_epochs": 4,
        "stock_stride": 8,
        "stock_models": ["psagan", "no_self_attention", "no_progressive", "var"],
        "disc_iterations": 200,
        "pred_iterations": 400,
        "fid_epochs": 6,
        "fid_stride": 64,
        "fid_windows": [64],
        "fid_datasets": ["etth1", "exchange"],
        "fid_models": ["psagan", "no_self_attention", "no_progressive", "autoreg"],
        "fid_seasonal_periods": {"etth1": [24, 168], "exchange": None},
        "max_series_len": 4000,
        "encoder_epochs": 2,
        "hidden": 16,
        "batch_size": 32,
        "overhead_epochs": 1,
        "defaults_iterations": [2000, 5000],
    },
    "paper": {
        "description": "3 seeds, the full protocol (see README for the time)",
        "seeds": [0, 1, 2],
        "stock_epochs": 300,
        "stock_stride": 1,
        "stock_models": ["psagan", "no_self_attention", "no_progressive", "var"],
        "disc_iterations": 2000,
        "pred_iterations": 5000,
        "fid_epochs": 200,
        "fid_stride": 1,
        "fid_windows": [64, 128],
        "fid_datasets": ["etth1", "exchange"],
        "fid_models": [
            "psagan",
            "no_self_attention",
            "no_progressive",
            "no_moment_loss",
            "autoreg",
        ],
        "fid_seasonal_periods": {"etth1": [24, 168], "exchange": None},
        "max_series_len": None,
        "encoder_epochs": 40,
        "hidden": 32,
        "batch_size": 64,
        "overhead_epochs": 5,
        "defaults_iterations": [2000, 5000],
    },
}

#: The paper's ablations: PSAGANGenerator parameters of each row.
ABLATIONS = {
    "psagan": {},
    "no_self_attention": {"self_attention": False},
    "no_progressive": {"progressive": False},
    "no_moment_loss": {"moment_loss": 0.0},
}

TIMEGAN_NOTE = (
    "TimeGAN is not run: no maintained TimeGAN package installs here (timegan "
    "pins tensorflow 2.11 and numpy 1.26; ydata-synthetic tensorflow 2.15, "
    "numpy<2, pandas<3; tsgm is TensorFlow/Keras). Its row holds its published "
    "figures (TimeGAN paper, Table 2, stock)."
)


# ----------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------


def _minmax(x, axis):
    lo, hi = x.min(axis=axis, keepdims=True), x.max(axis=axis, keepdims=True)
    return (x - lo) / np.where(hi > lo, hi - lo, 1.0)


def sliding(panel, window, stride):
    """(n_series, C, T) -> (n_windows, C, window)."""
    starts = np.arange(0, panel.shape[2] - window + 1, stride)
    idx = starts[:, None] + np.arange(window)
    return panel[:, :, idx].transpose(0, 2, 1, 3).reshape(-1, panel.shape[1], window)


def load_panel(name, max_len=None):
    """Stock as one 6-channel series; ETTh1 / exchange as univariate panels."""
    if data_home() is None:
        return None
    from sklearn_iclr.datasets import load_etth1, load_exchange_rate, load_stock

    loader = {"etth1": load_etth1, "exchange": load_exchange_rate, "stock": load_stock}
    values = loader[name](download_if_missing=False).data
    if name == "stock":
        # TimeGAN: min-max per channel over the whole (reversed) series.
        return _minmax(values[::-1].copy(), axis=0).T[None]  # (1, 6, T)
    values = values[-max_len:] if max_len else values
    return _minmax(values.T[:, None, :], axis=2)  # (n_channels, 1, T)


# ----------------------------------------------------------------------------
# baselines
# ----------------------------------------------------------------------------


class ARSampler:
    """Per-series AutoReg (univariate, lag order by AIC) or VAR (multivariate).

    Windows are simulated from a random real starting context with Gaussian
    innovations of the fitted residual covariance.
    """

    def __init__(self, window, max_lags=24, random_state=0):
        self.window, self.max_lags, self.random_state = window, max_lags, random_state

    def fit(self, panel):
        from statsmodels.tsa.api import VAR
        from statsmodels.tsa.ar_model import AutoReg, ar_select_order

        self.panel_ = panel
        self.models_ = []
        for series in panel:
            if series.shape[0] == 1:
                y = series[0]
                lags = ar_select_order(y, maxlag=self.max_lags, ic="aic").ar_lags
                p = max(lags) if lags else 1
                res = AutoReg(y, lags=p).fit()
                coefs = res.params[1:].reshape(p, 1, 1)
                const = res.params[:1]
                cov = np.atleast_2d(res.sigma2)
            else:
                # Stock's Close and Adj_Close are collinear: a 1e-6 jitter keeps
                # the residual covariance positive definite for lag selection.
                jitter = 1e-6 * np.random.RandomState(0).normal(size=series.T.shape)
                res = VAR(series.T + jitter).fit(maxlags=self.max_lags, ic="aic")
                p = max(res.k_ar, 1)
                coefs, const, cov = res.coefs, res.intercept, res.sigma_u
            chol = np.linalg.cholesky(np.atleast_2d(cov) + 1e-12 * np.eye(len(cov)))
            self.models_.append((p, np.asarray(coefs), np.asarray(const), chol))
        return self

    def sample(self, n, random_state=None):
        rng = np.random.RandomState(
            self.random_state if random_state is None else random_state
        )
        out = np.empty((n, self.panel_.shape[1], self.window))
        which = rng.randint(len(self.models_), size=n)
        for i, s in enumerate(which):
            p, coefs, const, chol = self.models_[s]
            series = self.panel_[s]
            start = rng.randint(p, series.shape[1] - 1)
            hist = [series[:, start - k] for k in range(p, 0, -1)]
            for t in range(self.window):
                x = const + sum(coefs[k] @ hist[-1 - k] for k in range(p))
                x = x + chol @ rng.normal(size=len(const))
                hist.append(x)
                out[i, :, t] = x
        return out


class RealWindowSampler:
    """Reference rows made of the real training windows themselves.

    ``shuffle_scale=False`` draws them with replacement: the Context-FID a
    generator that memorised its data would get. ``shuffle_scale=True`` gives
    each drawn window's min-max shape the minimum and range of another drawn
    window: the best a generator trained with ``scaling="window"`` can do.
    Exploration rows (``--set fid_models=[...,"real_bootstrap"]``).
    """

    def __init__(self, window, stride, shuffle_scale, random_state=0):
        self.window, self.stride = window, stride
        self.shuffle_scale, self.random_state = shuffle_scale, random_state

    def fit(self, panel):
        self.windows_ = sliding(panel, self.window, self.stride)
        return self

    def sample(self, n, random_state=None):
        rng = np.random.RandomState(
            self.random_state if random_state is None else random_state
        )
        windows = self.windows_[rng.randint(len(self.windows_), size=n)]
        if not self.shuffle_scale:
            return windows
        scales = self.windows_[rng.randint(len(self.windows_), size=n)]
        lo, hi = scales.min(axis=2, keepdims=True), scales.max(axis=2, keepdims=True)
        return _minmax(windows, axis=2) * (hi - lo) + lo


def make_generator(model, window, config, seed, epochs, stride, **params):
    """The generator of a table row (a PSA-GAN ablation or a baseline).

    ``params`` are further ``PSAGANGenerator`` parameters of every GAN row.
    """
    from sklearn_iclr.timeseries import PSAGANGenerator

    if model in ("autoreg", "var"):
        return ARSampler(window, random_state=seed)
    if model in ("real_bootstrap", "real_shuffled_scale"):
        return RealWindowSampler(
            window, stride, model == "real_shuffled_scale", random_state=seed
        )
    return PSAGANGenerator(
        window_length=window,
        stride=stride,
        hidden=config["hidden"],
        batch_size=config["batch_size"],
        max_epochs=epochs,
        random_state=seed,
        **params,
        **ABLATIONS[model],
    )


def _one_thread():
    from sklearn_iclr._torch import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")


# ----------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------


def _timegan_scores(real, fake, iterations, seed):
    from sklearn_iclr.timeseries.metrics import discriminative_score, predictive_score

    disc_it, pred_it = iterations
    return {
        "discriminative": discriminative_score(
            real, fake, iterations=disc_it, random_state=seed
        ),
        "predictive": predictive_score(
            real, fake, iterations=pred_it, random_state=seed
        ),
    }


STOCK_PAPER = [
    {"model": "TimeGAN (published)", "discriminative": 0.102, "predictive": 0.038},
    {"model": "psagan", "discriminative": 0.10, "predictive": 0.040},
]


def stock(config):
    """TimeGAN's stock protocol: discriminative and predictive scores."""
    panel = load_panel("stock")
    if panel is None:
        print("stock data not found under $SKLEARN_ICLR_DATA")
        return None
    _one_thread()
    real = sliding(panel, 24, 1)
    iterations = (config["disc_iterations"], config["pred_iterations"])
    reference = _timegan_scores(real, real, iterations, 0)
    rows = [{"model": "real data", "seed": 0, "predictive": reference["predictive"]}]

    def one_seed(seed):
        # Its own rows, from the seed alone: a joblib task (``--n-jobs``).
        warnings.filterwarnings("ignore")  # a worker starts with the defaults
        seed_rows = []
        for model in config["stock_models"]:
            gen = make_generator(
                model, 24, config, seed, config["stock_epochs"], config["stock_stride"]
            )
            with measure() as m:
                gen.fit(panel)
            fake = np.asarray(gen.sample(len(real), random_state=seed))
            row = {"model": model, "seed": seed, "fit_s": m.seconds}
            row.update(_timegan_scores(real, fake, iterations, seed))
            seed_rows.append(row)
            print(row, flush=True)
        return seed_rows

    for seed_rows in map_seeds(one_seed, config["seeds"]):
        rows += seed_rows
    return Table(
        rows,
        by=("model",),
        metrics=("discriminative", "predictive", "fit_s"),
        paper=STOCK_PAPER,
        title="Stock, TimeGAN protocol (windows of 24, 6 channels)",
        notes="Lower is better. Targets (paper rows named psagan): "
        "discriminative <= 0.10, predictive <= 0.040. fit_s is wall time on "
        "one torch thread of a shared machine (with --n-jobs, beside the "
        "other seeds' fits). " + TIMEGAN_NOTE,
        lower_is_better=("discriminative", "predictive", "fit_s"),
    )


def _join(lists):
    return [row for rows in lists for row in rows]


def context_fid_seed(
    seed, *, config, dataset, window, train_panel, eval_real, held_out, encoder
):
    """The Context-FID rows of one seed and setting: every model, fitted and scored.

    A function of the seed alone (the rest is read, never changed), so the
    seeds run as joblib tasks (``--n-jobs``) with the same rows.
    """
    from sklearn_iclr.timeseries.metrics import context_fid

    warnings.filterwarnings("ignore")  # a worker starts with the defaults
    rows = []
    for model in config["fid_models"]:
        gen = make_generator(
            model,
            window,
            config,
            seed,
            config["fid_epochs"],
            config["fid_stride"],
            seasonal_periods=config["fid_seasonal_periods"][dataset],
        )
        with measure() as m:
            gen.fit(train_panel)
        fake = np.asarray(gen.sample(len(eval_real), random_state=seed))
        row = {
            "dataset": dataset,
            "window": window,
            "model": model,
            "seed": seed,
            "context_fid": context_fid(eval_real, fake, encoder=encoder),
            "context_fid_held_out": context_fid(held_out, fake, encoder=encoder),
            "fit_s": m.seconds,
        }
        rows.append(row)
        print(row, flush=True)
    return rows


def context_fid_table(config):
    """Context-FID on ETTh1 and exchange rate, with the ablations as rows."""
    from sklearn_iclr.timeseries.metrics import TS2VecEncoder, context_fid

    if data_home() is None:
        print("ETTh1 / exchange rate not found under $SKLEARN_ICLR_DATA")
        return None
    _one_thread()
    rows = []
    for name in config["fid_datasets"]:
        panel = load_panel(name, config["max_series_len"])
        split = int(0.8 * panel.shape[2])
        train_panel = panel[:, :, :split]
        for window in config["fid_windows"]:
            real = sliding(train_panel, window, config["fid_stride"])
            encoder = TS2VecEncoder(
                max_epochs=config["encoder_epochs"], random_state=0
            ).fit(real)
            n_eval = min(len(real), 2000)
            pick = np.random.RandomState(0).permutation(len(real))[:n_eval]
            eval_real = real[pick]
            held_out = sliding(panel[:, :, split:], window, 1)
            held_out = held_out[
                np.random.RandomState(0).permutation(len(held_out))[:n_eval]
            ]
            setting = {"dataset": name, "window": window}
            rows.append(
                {
                    **setting,
                    "model": "real data",
                    "seed": 0,
                    "context_fid_held_out": context_fid(
                        held_out, eval_real, encoder=encoder
                    ),
                }
            )
            rows += _join(
                map_seeds(
                    functools.partial(
                        context_fid_seed,
                        config=config,
                        dataset=name,
                        window=window,
                        train_panel=train_panel,
                        eval_real=eval_real,
                        held_out=held_out,
                        encoder=encoder,
                    ),
                    config["seeds"],
                )
            )
    return Table(
        rows,
        by=("dataset", "window", "model"),
        metrics=("context_fid", "context_fid_held_out", "fit_s"),
        title="Context-FID, univariate panels (lower is better)",
        notes="Each channel of ETTh1 / exchange rate is a univariate series, "
        "min-max scaled per series; the last 20 % of each series is held out. "
        "One TS2Vec encoder per data set and window, fitted on the real "
        "training windows. Every GAN row of ETTh1 (hourly) has "
        "seasonal_periods=(24, 168), the daily and weekly cycles a user knows. "
        "Target: PSA-GAN below its ablations and the "
        "AutoReg sampler. The paper's figures are not comparable (its "
        "encoder and windows differ), so none are listed. fit_s is wall time "
        "on one torch thread (with --n-jobs, beside the other seeds' fits).",
        lower_is_better=("context_fid", "context_fid_held_out", "fit_s"),
    )


def overhead(config):
    """Seconds per epoch: PSAGANGenerator.fit vs a hand-written torch loop."""
    from sklearn_iclr._torch import seeded, torch
    from sklearn_iclr.timeseries import PSAGANGenerator
    from sklearn_iclr.timeseries._psa_gan_net import (
        BASE_LENGTH,
        PSADiscriminator,
        PSAGenerator,
    )

    panel = load_panel("stock")
    if panel is None:
        print("stock data not found under $SKLEARN_ICLR_DATA")
        return None
    _one_thread()
    epochs, hidden, batch = (
        config["overhead_epochs"],
        config["hidden"],
        config["batch_size"],
    )
    gan = PSAGANGenerator(
        window_length=24,
        hidden=hidden,
        batch_size=batch,
        max_epochs=epochs,
        progressive=False,
        random_state=0,
    )
    with measure() as m:
        gan.fit(panel)
    toolkit = m.seconds / epochs

    # The same networks, data and step, written by hand (crop strategy: 32).
    windows = torch.as_tensor(sliding(panel, 32, 1).astype(np.float32))
    with seeded(0):
        G = PSAGenerator(6, 32, hidden=hidden)
        D = PSADiscriminator(6, 32, hidden=hidden)
        opt_g = torch.optim.Adam(G.parameters(), lr=5e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=5e-4, betas=(0.5, 0.999))
        start = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(len(windows))
            for i in range(0, len(windows), batch):
                real = windows[perm[i : i + batch]]
                series = torch.zeros(len(real), dtype=torch.long)
                phase = torch.zeros(len(real), 0)
                noise = torch.randn(len(real), G.noise_channels, BASE_LENGTH)
                fake = G(noise, series, phase)
                opt_d.zero_grad()
                d_loss = 0.5 * (
                    ((D(real, phase) - 1) ** 2).mean()
                    + (D(fake.detach(), phase) ** 2).mean()
                )
                d_loss.backward()
                opt_d.step()
                opt_g.zero_grad()
                dims = (0, 2)
                g_loss = 0.5 * ((D(fake, phase) - 1) ** 2).mean() + (
                    (
                        fake.std(dim=dims, unbiased=False)
                        - real.std(dim=dims, unbiased=False)
                    )
                    .abs()
                    .mean()
                    + (fake.mean(dim=dims) - real.mean(dim=dims)).abs().mean()
                )
                g_loss.backward()
                opt_g.step()
                d_loss.item()
                g_loss.item()
        manual = (time.perf_counter() - start) / epochs
    with measure() as m:
        gan.sample(10000, random_state=0)
    row = {
        "setting": f"stock, {gan.n_windows_} windows, hidden={hidden}, batch={batch}",
        "seed": 0,
        "toolkit_s_per_epoch": toolkit,
        "manual_s_per_epoch": manual,
        "overhead_ratio": toolkit / manual,
        "sampling_windows_per_s": 10000 / m.seconds,
    }
    print(row)
    return Table(
        [row],
        by=("setting",),
        metrics=(
            "toolkit_s_per_epoch",
            "manual_s_per_epoch",
            "overhead_ratio",
            "sampling_windows_per_s",
        ),
        paper=[{"setting": row["setting"], "overhead_ratio": 1.15}],
        title="Toolkit overhead against a hand-written torch loop",
        notes="One torch thread, progressive=False, same networks, data and "
        "step; target overhead_ratio <= 1.15 (the paper row is the target).",
        lower_is_better=("toolkit_s_per_epoch", "manual_s_per_epoch", "overhead_ratio"),
    )


def defaults(config):
    """PSAGANGenerator's defaults on the stock windows: scores and fit time."""
    from sklearn_iclr._torch import torch
    from sklearn_iclr.timeseries import PSAGANGenerator

    panel = load_panel("stock")
    if panel is None:
        print("stock data not found under $SKLEARN_ICLR_DATA")
        return None
    warnings.filterwarnings("ignore")
    torch.set_num_threads(2)  # what a user gets on a 2-core machine
    real = sliding(panel, 24, 1)
    rows = []
    for seed in config["seeds"]:
        gan = PSAGANGenerator(window_length=24, random_state=seed)
        load_before = os.getloadavg()[0]
        cpu = time.process_time()
        with measure() as m:
            gan.fit(panel)
        cpu = time.process_time() - cpu
        load_after = os.getloadavg()[0]
        fake = np.asarray(gan.sample(len(real), random_state=seed))
        row = {
            "model": "PSAGANGenerator(window_length=24)",
            "seed": seed,
            "fit_s": m.seconds,
            "fit_cpu_s": cpu,
            "torch_threads": torch.get_num_threads(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "max_epochs": gan.max_epochs,
            "batch_size": gan.batch_size,
        }
        _one_thread()
        row.update(_timegan_scores(real, fake, config["defaults_iterations"], seed))
        torch.set_num_threads(2)
        rows.append(row)
        print(row, flush=True)
    return Table(
        rows,
        by=("model",),
        metrics=("discriminative", "predictive", "fit_s", "fit_cpu_s"),
        paper=[
            {
                "model": "PSAGANGenerator(window_length=24)",
                "discriminative": 0.10,
                "predictive": 0.040,
                "fit_s": 600.0,
            }
        ],
        title="Default PSAGANGenerator on the stock windows",
        notes="Targets (the paper row): discriminative <= 0.10, predictive <= "
        "0.040, fit <= 600 s on 2 CPU cores. The fit runs on 2 torch threads; "
        "the machine is shared with other jobs, so fit_s is inflated by their "
        "load (load_average_* columns); fit_cpu_s is the process's CPU time, "
        "which a quiet 2-core machine would spread over both cores.",
        lower_is_better=("discriminative", "predictive", "fit_s", "fit_cpu_s"),
    )


TABLES = {
    "psa_gan_stock": stock,
    "psa_gan_context_fid": context_fid_table,
    "psa_gan_overhead": overhead,
    "psa_gan_defaults": defaults,
}

if __name__ == "__main__":
    raise SystemExit(main(__doc__, PRESETS, TABLES))
