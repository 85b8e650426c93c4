"""PSA-GAN (Jeha et al., ICLR 2022) against its ablations and a classical baseline.

What is measured, side by side on the same windows:

1. **Stock** (TimeGAN protocol: GOOG daily, 6 channels, min-max scaled to
   [0, 1] per channel over the whole series, sliding windows of 24 with
   stride 1): TimeGAN's discriminative score (target <= 0.10) and predictive
   score (target <= 0.040), with the score of real data as reference.
2. **ETTh1** and **exchange rate**, each channel a univariate series of a
   panel (the paper's univariate setting), per-series min-max scaling, windows
   of 64 and 128: Context-FID (TS2Vec encoder fitted once per data set and
   window on the real windows, shared by all generators). Target: PSA-GAN below
   every baseline and below its ablations.
   Each row also records the roughness of the windows (median std and
   lag-1 autocorrelation of their increments), with the real windows as a
   "real data" row. ``--block-noise 1`` trains every GAN with
   ``block_noise=True`` (fresh noise at every length of the generator), and
   ``--window-scaling 1`` with ``scaling="window"`` instead of per series;
   ``--scale-condition 1`` adds ``condition_on_scale=True`` (each window's
   shape generated for a training window's minimum and range),
   ``--seasonal-periods 24,168`` gives the networks the phase of each period
   as time features (``seasonal_periods``; ETTh1 is hourly: day and week),
   and ``--checkpoint-every N`` keeps each GAN's epoch of lowest Context-FID
   (scored every N epochs by the estimator itself, with its own encoder and
   noise, against the same training windows; the reported score is then
   measured afresh with the benchmark's encoder and new samples).
   A second column, ``context_fid_held_out``, compares the same samples with
   every window of the held-out last 20 % of each series (the span the
   downstream forecaster is tested on), so a selection that only fits the
   training windows shows; its "real data" row scores the training windows
   themselves against that span.
   Two reference "generators" made of real training windows can be added to
   ``--models``: ``real_bootstrap`` (the windows drawn with replacement: the
   floor of Context-FID on this many windows) and ``real_shuffled_scale``
   (real shapes with another real window's min and range: the floor of
   ``scaling="window"``, which learns shapes apart from scales).
3. **Downstream**: a Ridge forecaster of the last ``horizon`` steps of a window
   from the preceding ones, trained on real windows vs real + synthetic, tested
   on held-out (later) real windows: NRMSE.
4. **Overhead**: seconds per epoch of ``PSAGANGenerator.fit`` vs a minimal
   hand-written torch loop training the same networks with the same step
   (target ratio <= 1.15), and sampling throughput.

Baselines: a per-series autoregressive sampler (statsmodels ``AutoReg``, lag
order by AIC) for the univariate panels and a ``VAR`` for stock (multivariate);
ablations: no self-attention, no progressive growing (and no moment loss).
TimeGAN from a maintained package: none installs here (``timegan`` pins
tensorflow 2.11 and numpy 1.26, ``ydata-synthetic`` tensorflow 2.15, numpy<2
and pandas<3; ``tsgm`` implements TimeGAN in TensorFlow/Keras), so it is left out
and reported as such.

Progressive growing adds a block every ``--growth-epochs`` epochs (25 in the
full protocol, so all blocks are in after 50 of 300 stock epochs and most of
training is at full length; 0 splits training into equal stages per length,
the quick configuration).

Run ``python benchmarks/psa_gan.py`` for the quick configuration (fewer
epochs, strided windows, one seed) or ``--full`` for the paper-sized protocol
(3 seeds, stride 1, more epochs); every size is also a flag, and
``--first-seed`` lets the seeds of one protocol run in separate processes;
``--merge`` combines their results and, with ``--pool``, summarises their
seeds together. ``--targets`` then summarises, from ``psa_gan.json``, the
runs behind each target (``TARGET_RUNS``) into ``psa_gan_targets.json`` and
a plot.
Results go to ``benchmarks/results/psa_gan.json`` and ``psa_gan_*.png``.
"""

import argparse
import json
import math
import time
import warnings

import numpy as np
from _harness import data_home, measure, print_table, save_plot, write_results

QUICK = dict(
    seeds=1,
    first_seed=0,
    epochs=30,
    stock_epochs=30,
    growth_epochs=0,
    block_noise=0,
    window_scaling=0,
    scale_condition=0,
    seasonal_periods=(),
    checkpoint_every=0,
    stride=32,
    stock_stride=2,
    windows=(64,),
    datasets=("etth1", "exchange"),
    max_series_len=4000,
    disc_iterations=1000,
    pred_iterations=2000,
    encoder_epochs=5,
    hidden=16,
    batch_size=32,
    models=("psagan", "no_self_attention", "no_progressive", "ar_baseline"),
    stock_models=("psagan", "ar_baseline"),
    overhead_epochs=2,
)
FULL = dict(
    seeds=3,
    first_seed=0,
    epochs=200,
    stock_epochs=300,
    growth_epochs=25,
    block_noise=0,
    window_scaling=0,
    scale_condition=0,
    seasonal_periods=(),
    checkpoint_every=0,
    stride=1,
    stock_stride=1,
    windows=(64, 128),
    datasets=("etth1", "exchange"),
    max_series_len=None,
    disc_iterations=2000,
    pred_iterations=5000,
    encoder_epochs=40,
    hidden=64,
    batch_size=64,
    models=(
        "psagan",
        "no_self_attention",
        "no_progressive",
        "no_moment_loss",
        "ar_baseline",
    ),
    stock_models=("psagan", "no_self_attention", "no_progressive", "ar_baseline"),
    overhead_epochs=5,
)

ABLATIONS = {
    "psagan": {},
    "no_self_attention": {"self_attention": False},
    "no_progressive": {"progressive": False},
    "no_moment_loss": {"moment_loss": 0.0},
}


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


def load_panel(name, max_len):
    from sklearn_iclr.datasets import load_etth1, load_exchange_rate, load_stock

    loader = {"etth1": load_etth1, "exchange": load_exchange_rate, "stock": load_stock}
    values = loader[name](download_if_missing=False).data
    if name == "stock":
        # TimeGAN: min-max per channel over the whole (reversed) series.
        return _minmax(values[::-1].copy(), axis=0).T[None]  # (1, 6, T)
    values = values[-max_len:] if max_len else values
    return _minmax(values.T[:, None, :], axis=2)  # (n_channels, 1, T) univariate panel


# ----------------------------------------------------------------------------
# classical baseline: autoregressive sampler
# ----------------------------------------------------------------------------


class ARSampler:
    """Per-series AutoReg (univariate) or VAR (multivariate) fitted by statsmodels;
    windows are simulated from a random real starting context with Gaussian
    innovations of the fitted residual covariance."""

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
            self.models_.append(
                (
                    p,
                    np.asarray(coefs),
                    np.asarray(const),
                    np.linalg.cholesky(np.atleast_2d(cov) + 1e-12 * np.eye(len(cov))),
                )
            )
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
    generator that memorised its data would get, the floor set by the finite
    number of windows. ``shuffle_scale=True`` gives each drawn window's min-max
    shape the minimum and range of another drawn window: the best a generator
    trained with ``scaling="window"`` can do, since it learns shapes and is
    rescaled by an independently drawn training window's scale.
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


# ----------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------


def seed_range(cfg):
    """The seeds a run covers: ``--seeds`` of them from ``--first-seed``."""
    return range(cfg["first_seed"], cfg["first_seed"] + cfg["seeds"])


def make_generator(model, window, cfg, seed, epochs, stride):
    from sklearn_iclr.timeseries import PSAGANGenerator

    if model == "ar_baseline":
        return ARSampler(window, random_state=seed)
    if model in ("real_bootstrap", "real_shuffled_scale"):
        return RealWindowSampler(
            window, stride, model == "real_shuffled_scale", random_state=seed
        )
    return PSAGANGenerator(
        window_length=window,
        stride=stride,
        hidden=cfg["hidden"],
        batch_size=cfg["batch_size"],
        max_epochs=epochs,
        growth_epochs=cfg["growth_epochs"] or None,  # 0: equal stages
        block_noise=bool(cfg["block_noise"]),
        scaling="window" if cfg["window_scaling"] else "series",
        condition_on_scale=bool(cfg["scale_condition"]),
        seasonal_periods=tuple(cfg["seasonal_periods"]) or None,
        checkpoint_every=cfg["checkpoint_every"] or None,  # 0: keep the last epoch
        random_state=seed,
        **ABLATIONS[model],
    )


def fit_generator(gen, panel):
    with measure() as m:
        gen.fit(panel)
    return m.seconds


def downstream_nrmse(train_windows, test_windows, synthetic, horizon):
    from sklearn.linear_model import Ridge

    def xy(w):
        flat = w.reshape(len(w), w.shape[1], -1)
        return flat[:, :, :-horizon].reshape(len(w), -1), flat[:, -1, -horizon:]

    X_te, y_te = xy(test_windows)
    scores = {}
    for name, train in [
        ("real", train_windows),
        ("real+synthetic", np.concatenate([train_windows, synthetic])),
    ]:
        X, y = xy(train)
        pred = Ridge(alpha=1.0).fit(X, y).predict(X_te)
        scores[name] = float(
            np.sqrt(np.mean((pred - y_te) ** 2)) / np.mean(np.abs(y_te))
        )
    return scores


# ----------------------------------------------------------------------------
# experiments
# ----------------------------------------------------------------------------


def run_stock(cfg, rows, raw):
    from sklearn_iclr.timeseries.metrics import discriminative_score, predictive_score

    panel = load_panel("stock", None)
    window = 24
    real = sliding(panel, window, 1)
    print(f"stock: {len(real)} windows of {window} x {panel.shape[1]}")
    ref = predictive_score(
        real, real, iterations=cfg["pred_iterations"], random_state=0
    )
    print(f"  real data predictive score {ref:.4f}", flush=True)
    rows.append(
        {
            "dataset": "stock",
            "window": 24,
            "model": "real data",
            "seed": "-",
            "discriminative": float("nan"),
            "predictive": ref,
            "fit_s": 0.0,
        }
    )
    for seed in seed_range(cfg):
        for model in cfg["stock_models"]:
            gen = make_generator(
                model, window, cfg, seed, cfg["stock_epochs"], cfg["stock_stride"]
            )
            seconds = fit_generator(gen, panel)
            fake = np.asarray(gen.sample(len(real), random_state=seed))
            disc = discriminative_score(
                real, fake, iterations=cfg["disc_iterations"], random_state=seed
            )
            pred = predictive_score(
                real, fake, iterations=cfg["pred_iterations"], random_state=seed
            )
            row = {
                "dataset": "stock",
                "window": 24,
                "model": model,
                "seed": seed,
                "discriminative": disc,
                "predictive": pred,
                "fit_s": seconds,
            }
            rows.append(row)
            print(row, flush=True)
            if model == "psagan" and seed == 0:
                raw["stock"] = (real[:: len(real) // 4][:4], fake[:4])


def increment_stats(windows):
    """Roughness of windows: median std and lag-1 autocorrelation of their steps.

    Random-walk-like data have nearly uncorrelated increments; windows
    interpolated from coarse noise have strongly correlated ones.
    """
    steps = np.diff(windows, axis=-1).reshape(-1, windows.shape[-1] - 1)
    centred = steps - steps.mean(axis=1, keepdims=True)
    var = (centred**2).mean(axis=1)
    lag1 = (centred[:, 1:] * centred[:, :-1]).mean(axis=1) / np.where(var > 0, var, 1.0)
    return {
        "increment_std": float(np.median(np.sqrt(var))),
        "increment_autocorr": float(np.median(lag1)),
    }


def run_context_fid(cfg, name, window, rows, raw):
    from sklearn_iclr.timeseries.metrics import TS2VecEncoder, context_fid

    panel = load_panel(name, cfg["max_series_len"])
    split = int(0.8 * panel.shape[2])
    train_panel, test_panel = panel[:, :, :split], panel[:, :, split - window :]
    real = sliding(train_panel, window, cfg["stride"])
    test = sliding(test_panel, window, max(cfg["stride"], window // 4))
    print(f"{name}/{window}: {len(real)} train windows, {len(test)} test windows")
    with measure() as m:
        encoder = TS2VecEncoder(max_epochs=cfg["encoder_epochs"], random_state=0).fit(
            real
        )
    print(f"  encoder fitted in {m.seconds:.0f} s")
    n_eval = min(len(real), 2000)
    eval_real = real[np.random.RandomState(0).permutation(len(real))[:n_eval]]
    # Every window of the held-out span, none overlapping the training span:
    # a generator that only reproduces its training windows scores no better
    # here than the training windows themselves (the "real data" row).
    held_out = sliding(panel[:, :, split:], window, 1)
    held_out = held_out[np.random.RandomState(0).permutation(len(held_out))[:n_eval]]
    rows.append(
        {
            "dataset": name,
            "window": window,
            "model": "real data",
            "seed": "-",
            "context_fid_held_out": context_fid(held_out, eval_real, encoder=encoder),
            **increment_stats(eval_real),
        }
    )
    for seed in seed_range(cfg):
        for model in cfg["models"]:
            gen = make_generator(model, window, cfg, seed, cfg["epochs"], cfg["stride"])
            seconds = fit_generator(gen, train_panel)
            fake = np.asarray(gen.sample(n_eval, random_state=seed))
            fid = context_fid(eval_real, fake, encoder=encoder)
            fid_held_out = context_fid(held_out, fake, encoder=encoder)
            down = downstream_nrmse(real, test, fake, horizon=max(window // 8, 1))
            row = {
                "dataset": name,
                "window": window,
                "model": model,
                "seed": seed,
                "context_fid": fid,
                "context_fid_held_out": fid_held_out,
                "nrmse_real": down["real"],
                "nrmse_real+syn": down["real+synthetic"],
                "fit_s": seconds,
                **increment_stats(fake),
            }
            if hasattr(gen, "best_epoch_"):
                row["best_epoch"] = gen.best_epoch_
            rows.append(row)
            print(row, flush=True)
            if model == "psagan" and seed == 0:
                raw[f"{name}_{window}"] = (real[:: len(real) // 4][:4], fake[:4])


def run_overhead(cfg):
    """Seconds per epoch: PSAGANGenerator.fit vs a hand-written torch loop."""
    from sklearn_iclr._torch import seeded, torch
    from sklearn_iclr.timeseries import PSAGANGenerator
    from sklearn_iclr.timeseries._modules import (
        BASE_LENGTH,
        PSADiscriminator,
        PSAGenerator,
    )

    panel = load_panel("stock", None)
    epochs = cfg["overhead_epochs"]
    gen = PSAGANGenerator(
        window_length=24,
        hidden=cfg["hidden"],
        batch_size=cfg["batch_size"],
        max_epochs=epochs,
        progressive=False,
        random_state=0,
    )
    with measure() as m:
        gen.fit(panel)
    toolkit = m.seconds / epochs
    n_windows = gen.n_windows_

    # The same networks, data and step, written by hand.
    windows = torch.as_tensor(
        sliding(panel, 32, 1).astype(np.float32)
    )  # crop strategy: length 32
    with seeded(0):
        G = PSAGenerator(6, 32, hidden=cfg["hidden"])
        D = PSADiscriminator(6, 32, hidden=cfg["hidden"])
        opt_g = torch.optim.Adam(G.parameters(), lr=5e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=5e-4, betas=(0.5, 0.999))
        start = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(len(windows))
            for i in range(0, len(windows), cfg["batch_size"]):
                real = windows[perm[i : i + cfg["batch_size"]]]
                noise = torch.randn(len(real), G.noise_channels, BASE_LENGTH)
                fake = G(noise)
                opt_d.zero_grad()
                d_loss = 0.5 * (
                    ((D(real) - 1) ** 2).mean() + (D(fake.detach()) ** 2).mean()
                )
                d_loss.backward()
                opt_d.step()
                opt_g.zero_grad()
                g_loss = 0.5 * ((D(fake) - 1) ** 2).mean() + (
                    (
                        fake.std(dim=(0, 2), unbiased=False)
                        - real.std(dim=(0, 2), unbiased=False)
                    )
                    .abs()
                    .mean()
                    + (fake.mean(dim=(0, 2)) - real.mean(dim=(0, 2))).abs().mean()
                )
                g_loss.backward()
                opt_g.step()
                d_loss.item()
                g_loss.item()
        manual = (time.perf_counter() - start) / epochs
    with measure() as m:
        gen.sample(10000, random_state=0)
    return {
        "windows_per_epoch": n_windows,
        "toolkit_s_per_epoch": toolkit,
        "manual_s_per_epoch": manual,
        "overhead_ratio": toolkit / manual,
        "sampling_windows_per_s": 10000 / m.seconds,
    }


def summarise(rows, keys):
    import collections

    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r["dataset"], r["window"], r["model"])].append(r)
    out = []
    for (dataset, window, model), rs in groups.items():
        row = {"dataset": dataset, "window": window, "model": model, "n_seeds": len(rs)}
        for k in keys:
            vals = [
                r[k]
                for r in rs
                if k in r and not (isinstance(r[k], float) and math.isnan(r[k]))
            ]
            if vals:
                row[k] = float(np.mean(vals))
                row[k + "_std"] = float(np.std(vals))
        out.append(row)
    return out


def plot(raw, summary, name="psa_gan"):
    import matplotlib.pyplot as plt

    if raw:
        fig, axes = plt.subplots(
            len(raw), 2, figsize=(9, 2.2 * len(raw)), squeeze=False
        )
        for i, (label, (real, fake)) in enumerate(raw.items()):
            for j, (title, w) in enumerate([("real", real), ("PSA-GAN", fake)]):
                ax = axes[i, j]
                for k in range(len(w)):
                    ax.plot(w[k, -1], lw=1)
                ax.set_title(f"{label}: {title}", fontsize=9)
        fig.tight_layout()
        save_plot(fig, f"{name}_windows")
    fid = [r for r in summary if "context_fid" in r]
    if fid:
        labels = sorted({(r["dataset"], r["window"]) for r in fid})
        models = sorted({r["model"] for r in fid})
        fig, ax = plt.subplots(figsize=(8, 3.5))
        width = 0.8 / len(models)
        for m_i, model in enumerate(models):
            vals = [
                next(
                    (
                        r["context_fid"]
                        for r in fid
                        if (r["dataset"], r["window"]) == lab and r["model"] == model
                    ),
                    np.nan,
                )
                for lab in labels
            ]
            ax.bar(np.arange(len(labels)) + m_i * width, vals, width, label=model)
        ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2)
        ax.set_xticklabels([f"{d}/{w}" for d, w in labels])
        ax.set_yscale("log")
        ax.set_ylabel("Context-FID (lower is better)")
        ax.legend(fontsize=8)
        save_plot(fig, f"{name}_context_fid")


#: Config keys in which the parts of one pooled protocol may differ.
_PER_PART_KEYS = {"seeds", "first_seed", "models", "stock_models"}

#: Per-seed figures summarised as mean and std.
_SUMMARY_KEYS = [
    "discriminative",
    "predictive",
    "context_fid",
    "context_fid_held_out",
    "nrmse_real",
    "nrmse_real+syn",
    "fit_s",
    "increment_std",
    "increment_autocorr",
]


def merge(name, parts, pool=False):
    """Combine the JSON of partial runs (e.g. stock and fid run in parallel).

    With ``pool``, the parts must be seeds or models of one protocol (their
    configs may differ only in ``_PER_PART_KEYS``); their rows are then
    summarised together, by dataset, window and model, into
    ``pooled_summary``, printed and plotted.
    """
    from _harness import RESULTS

    figures, configs = {"rows": [], "summary": []}, {}
    for part in parts:
        payload = json.loads((RESULTS / f"{part}.json").read_text())
        configs[part] = payload["config"]
        for key, value in payload["figures"].items():
            if key in ("rows", "summary"):
                for row in value:
                    row["run"] = part
                figures[key] += value
            else:
                figures.setdefault("by_run", {}).setdefault(part, {})[key] = value
    if pool:
        shared = [
            {k: v for k, v in c.items() if k not in _PER_PART_KEYS}
            for c in configs.values()
        ]
        missing = object()
        differing = sorted(
            k
            for k in set().union(*shared)
            if any(c.get(k, missing) != shared[0].get(k, missing) for c in shared)
        )
        if differing:
            raise SystemExit(
                f"--pool: the parts differ in {differing}, so they are not one "
                "protocol; merge them without --pool"
            )
        seen, rows = set(), []
        for r in figures["rows"]:
            key = (r["dataset"], r["window"], r["model"], r["seed"])
            if key not in seen:  # the reference rows repeat in every part
                seen.add(key)
                rows.append(r)
        figures["pooled_summary"] = summarise(rows, _SUMMARY_KEYS)
        print_table(
            figures["pooled_summary"],
            [
                "dataset",
                "window",
                "model",
                "n_seeds",
                "context_fid",
                "context_fid_std",
                "context_fid_held_out",
                "nrmse_real+syn",
                "fit_s",
            ],
            title=f"Pooled over {len(parts)} parts",
        )
        plot({}, figures["pooled_summary"], name)
    write_results(name, figures, config={"merged_from": configs})


def _seeds(prefix, n=3):
    return [f"{prefix}_s{seed}" for seed in range(n)]


#: The partial runs behind each of the issue's targets, by model: the setting
#: that reached each figure of the user guide's summary table. Every run is
#: one of the parts merged into ``psa_gan.json``.
TARGET_RUNS = {
    ("stock", 24): {
        "psagan": ["psa_gan_stock_growth"],
        "no_self_attention": ["psa_gan_stock_growth"],
        "no_progressive": ["psa_gan_stock_ablations"],
        "ar_baseline": ["psa_gan_stock_main"],
    },
    ("exchange", 64): {
        "psagan": ["psa_gan_fid_exchange64_window_a"],
        "no_self_attention": ["psa_gan_fid_exchange64_window_a"],
        "no_progressive": ["psa_gan_fid_exchange64_window_b"],
        "ar_baseline": ["psa_gan_fid_exchange64_window_a"],
    },
    ("exchange", 128): dict.fromkeys(
        ["psagan", "no_self_attention", "no_progressive", "ar_baseline"],
        ["psa_gan_fid_exchange128_window"],
    ),
    **{
        ("etth1", window): {
            "psagan": _seeds(f"psa_gan_fid_etth1_{window}_seasonal"),
            "no_self_attention": [f"psa_gan_fid_etth1_{window}_seasonal_nosa"],
            "no_progressive": _seeds(f"psa_gan_fid_etth1_{window}_seasonal_noprog"),
            "ar_baseline": [f"psa_gan_fid_etth1_{window}_seasonal_nosa"],
        }
        for window in (64, 128)
    },
}

#: (metric, target): PSA-GAN must reach the number, or be below every other row.
TARGETS = {("stock", 24): [("discriminative", 0.10), ("predictive", 0.040)]}


def targets(name="psa_gan_targets"):
    """Summarise and plot, from ``psa_gan.json``, the runs behind each target."""
    import matplotlib.pyplot as plt
    from _harness import RESULTS

    rows = json.loads((RESULTS / "psa_gan.json").read_text())["figures"]["rows"]
    table = []
    for (dataset, window), by_model in TARGET_RUNS.items():
        picked = [
            r
            for r in rows
            if r["dataset"] == dataset
            and r["window"] == window
            and r["run"] in by_model.get(r["model"], ())
        ]
        for row in summarise(picked, _SUMMARY_KEYS):
            row["runs"] = by_model[row["model"]]
            table.append(row)
    cell = {(r["dataset"], r["window"], r["model"]): r for r in table}
    for key, by_model in TARGET_RUNS.items():
        psagan = cell[(*key, "psagan")]
        for metric, bound in TARGETS.get(key, [("context_fid", None)]):
            others = [cell[(*key, m)][metric] for m in by_model if m != "psagan"]
            value = psagan[metric]
            met = value <= bound if bound is not None else value < min(others)
            psagan[f"{metric}_target_met"] = bool(met)
    print_table(
        table,
        [
            "dataset",
            "window",
            "model",
            "n_seeds",
            "discriminative",
            "discriminative_target_met",
            "predictive",
            "predictive_target_met",
            "context_fid",
            "context_fid_std",
            "context_fid_target_met",
        ],
        title="The runs behind each target (mean over seeds)",
    )

    models = ["psagan", "no_self_attention", "no_progressive", "ar_baseline"]
    panels = [(k, metric) for k, ms in TARGETS.items() for metric, _ in ms]
    panels.append((None, "context_fid"))
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(4 * len(panels), 3.4),
        gridspec_kw={"width_ratios": [1] * (len(panels) - 1) + [3]},
    )
    width = 0.8 / len(models)
    for ax, (key, metric) in zip(axes, panels):
        groups = [key] if key else [k for k in TARGET_RUNS if k not in TARGETS]
        for m_i, model in enumerate(models):
            cells = [cell[(*g, model)] for g in groups]
            ax.bar(
                np.arange(len(groups)) + m_i * width,
                [c[metric] for c in cells],
                width,
                yerr=[c[metric + "_std"] for c in cells],
                capsize=2,
                label=model.replace("ar_baseline", "AR/VAR sampler"),
            )
        ax.set_xticks(np.arange(len(groups)) + 0.4 - width / 2)
        ax.set_xticklabels([f"{d}/{w}" for d, w in groups])
        bound = dict(TARGETS.get(key, [])).get(metric)
        if bound is not None:
            ax.axhline(bound, color="k", ls="--", lw=1)
        goal = f"target <= {bound}" if bound is not None else "target: PSA-GAN lowest"
        ax.set_title(f"{metric.replace('_', ' ')} ({goal})", fontsize=9)
    axes[-1].legend(fontsize=7)
    fig.tight_layout()
    save_plot(fig, name)
    write_results(
        name,
        {"rows": table},
        config={
            "from": "psa_gan.json",
            "runs": {f"{d}/{w}": v for (d, w), v in TARGET_RUNS.items()},
        },
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="paper-sized protocol")
    parser.add_argument(
        "--parts",
        default="stock,fid,overhead",
        help="comma-separated subset of stock,fid,overhead",
    )
    for key, value in QUICK.items():
        kind = type(value)
        if kind is tuple:
            parser.add_argument(
                f"--{key.replace('_', '-')}",
                default=None,
                help=f"comma-separated (quick: {','.join(map(str, value))})",
            )
        else:
            parser.add_argument(
                f"--{key.replace('_', '-')}",
                type=int,
                default=None,
                help=f"(quick: {value})",
            )
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--name",
        default="psa_gan",
        help="results name (benchmarks/results/<name>.json)",
    )
    parser.add_argument(
        "--merge",
        default=None,
        help="comma-separated result names of partial runs to merge "
        "into <name>.json instead of running",
    )
    parser.add_argument(
        "--pool",
        action="store_true",
        help="with --merge: summarise the parts' seeds together "
        "(only for parts of one protocol)",
    )
    parser.add_argument(
        "--targets",
        action="store_true",
        help="summarise and plot the runs behind each target from psa_gan.json "
        "(psa_gan_targets.json and .png); runs nothing",
    )
    args = parser.parse_args(argv)
    if args.targets:
        return targets()
    if args.merge:
        return merge(args.name, args.merge.split(","), pool=args.pool)
    cfg = dict(FULL if args.full else QUICK)
    for key, value in QUICK.items():
        given = getattr(args, key)
        if given is not None:
            if type(value) is tuple:
                given = tuple(int(v) if v.isdigit() else v for v in given.split(","))
            cfg[key] = given
    if data_home() is None:
        raise SystemExit("real data sets not found: set SKLEARN_ICLR_DATA")
    from sklearn_iclr._torch import torch

    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    parts = args.parts.split(",")
    rows, raw, figures = [], {}, {}
    t0 = time.perf_counter()
    if "stock" in parts:
        run_stock(cfg, rows, raw)
    if "fid" in parts:
        for name in cfg["datasets"]:
            for window in cfg["windows"]:
                run_context_fid(cfg, name, window, rows, raw)
    summary = summarise(rows, _SUMMARY_KEYS)
    if "overhead" in parts:
        figures["overhead"] = run_overhead(cfg)
        print_table([figures["overhead"]], title="Overhead vs hand-written loop")
    print_table(
        [r for r in summary if "predictive" in r],
        [
            "dataset",
            "window",
            "model",
            "n_seeds",
            "discriminative",
            "predictive",
            "fit_s",
        ],
        title="Stock (TimeGAN protocol)",
    )
    print_table(
        [r for r in summary if "context_fid" in r or "context_fid_held_out" in r],
        [
            "dataset",
            "window",
            "model",
            "n_seeds",
            "context_fid",
            "context_fid_std",
            "context_fid_held_out",
            "nrmse_real",
            "nrmse_real+syn",
            "fit_s",
        ],
        title="Context-FID and downstream",
    )
    print_table(
        [r for r in summary if "increment_std" in r],
        [
            "dataset",
            "window",
            "model",
            "n_seeds",
            "increment_std",
            "increment_autocorr",
        ],
        title="Roughness: median std and lag-1 autocorrelation of the increments",
    )
    figures.update(
        {
            "rows": rows,
            "summary": summary,
            "total_seconds": time.perf_counter() - t0,
            "timegan": "not run: no maintained TimeGAN package installs here "
            "(timegan pins tensorflow==2.11 and numpy==1.26.4; "
            "ydata-synthetic pins tensorflow 2.15, numpy<2, pandas<3; "
            "tsgm's TimeGAN is TensorFlow/Keras)",
        }
    )
    cfg_out = {
        **cfg,
        "mode": "full" if args.full else "quick",
        "parts": parts,
        "torch_threads": args.threads,
    }
    write_results(args.name, figures, config=cfg_out)
    plot(raw, summary, args.name)
    print(json.dumps({"total_seconds": figures["total_seconds"]}))


if __name__ == "__main__":
    main()
