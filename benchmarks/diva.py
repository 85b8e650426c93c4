"""DIVA (Dukler et al., ICLR 2022) against data valuation baselines.

Protocol (issue 6): on scikit-learn's digits and on Cora's bag-of-words
features, 20% of the training labels are flipped to another class at random;
every method values the training rows, and we report

1. mislabelled-row detection AUROC (lower value = more suspicious) of DIVA,
   exact leave-one-out (LOO) by retraining, KNN-Shapley, Data-OOB and
   truncated Monte-Carlo (TMC) Data Shapley, over several seeds;
2. test accuracy of a logistic regression trained on the noisy labels,
   unweighted vs DIVA-reweighted (and on the clean labels, for reference);
3. the time of DIVA vs KNN-Shapley and TMC-Shapley at n = 2000;
4. DIVA's time against n (500 .. 50000) in the primal and dual forms.

Run ``python benchmarks/diva.py --quick`` for a small configuration and
``python benchmarks/diva.py`` for the full one (5 seeds).  Results go to
``benchmarks/results/diva.json`` (``diva_quick.json`` with ``--quick``) and
plots to ``benchmarks/results/diva*.png``.

The baselines that need a validation set (LOO, KNN-Shapley, TMC) get a
*clean* held-out validation set, as in their papers; DIVA and Data-OOB use
none.  pyDVL and OpenDataVal are not compared: both install only by
downgrading numpy (and OpenDataVal also pandas, torch and transformers) in
this environment.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    data_home,
    measure,
    print_table,
    save_plot,
    write_results,
)
from sklearn.datasets import load_digits, make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from sklearn_iclr.valuation import (  # noqa: E402
    DIVAWeighter,
    data_oob_values,
    knn_shapley_values,
    leave_one_out_values,
    tmc_shapley_values,
)

NOISE = 0.2


def load(name):
    """Features (dense float64) and labels of one data set."""
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    from sklearn_iclr.datasets import load_planetoid

    if data_home() is None:
        raise SystemExit("Cora needs the shared data (set SKLEARN_ICLR_DATA).")
    bunch = load_planetoid("cora")
    # Row-normalised bag of words (every method gets the same features).
    return normalize(bunch.data.astype(np.float64)).toarray(), bunch.target


def split_and_flip(X, y, n_train, n_val, seed):
    rng = np.random.RandomState(seed)
    idx = rng.permutation(len(y))
    tr, va, te = idx[:n_train], idx[n_train : n_train + n_val], idx[n_train + n_val :]
    n_classes = len(np.unique(y))
    y_noisy = y[tr].copy()
    flipped = rng.rand(n_train) < NOISE
    y_noisy[flipped] = (y_noisy[flipped] + rng.randint(1, n_classes, flipped.sum())) % (
        n_classes
    )
    return (X[tr], y_noisy, y[tr], flipped), (X[va], y[va]), (X[te], y[te])


def median_gamma(X):
    """RBF ``gamma`` by the median heuristic: 1 / median squared distance."""
    from sklearn.metrics import pairwise_distances

    D = pairwise_distances(X[:2000], squared=True)
    return float(1.0 / np.median(D[D > 0]))


def tmc_permutation_time(X, y, X_val, y_val, budget, seed=0):
    """Time of one TMC permutation (refit on growing prefixes, truncated).

    Stops at the truncation rule of ``tmc_shapley_values`` (tolerance 0.01) or
    after ``budget`` seconds; returns (seconds, fits done, finished?).  When
    it does not finish, the time is a lower bound of one permutation.
    """
    from sklearn.base import clone

    rng = np.random.RandomState(seed)
    perm = rng.permutation(len(y))
    full = learner().fit(X, y).score(X_val, y_val)
    _, counts = np.unique(y_val, return_counts=True)
    previous = counts.max() / counts.sum()
    t0 = time.perf_counter()
    fits = 0
    for k in range(len(y)):
        if abs(full - previous) <= 0.01 * abs(full):
            return time.perf_counter() - t0, fits, True
        idx = perm[: k + 1]
        if np.unique(y[idx]).size < 2:
            previous = float(np.mean(y_val == y[idx][0]))
        else:
            previous = clone(learner()).fit(X[idx], y[idx]).score(X_val, y_val)
            fits += 1
        if time.perf_counter() - t0 > budget:
            return time.perf_counter() - t0, fits, False
    return time.perf_counter() - t0, fits, True


def learner():
    return LogisticRegression(max_iter=300)


def run_detection(name, args, seed):
    X, y = load(name)
    n_train = min(args.n_train, len(y) - args.n_val - 200)
    (X_tr, y_tr, y_clean, flipped), (X_va, y_va), (X_te, y_te) = split_and_flip(
        X, y, n_train, args.n_val, seed
    )
    values, seconds, extra = {}, {}, {}

    def timed(method, fn):
        t0 = time.perf_counter()
        values[method] = fn()
        seconds[method] = time.perf_counter() - t0

    weighters = {}

    def diva(**kw):
        w = DIVAWeighter(**kw).fit(X_tr, y_tr)
        weighters[kw.get("alpha", 1.0)] = w
        return w.score_samples(X_tr, y_tr)

    gamma = median_gamma(X_tr)
    rbf = {"kernel": "rbf", "kernel_params": {"gamma": gamma}}
    timed("DIVA", lambda: diva())
    timed("DIVA (alpha=10)", lambda: diva(alpha=10.0))
    timed(
        "DIVA (rbf kernel)",
        lambda: DIVAWeighter(**rbf).fit(X_tr, y_tr).score_samples(X_tr, y_tr),
    )
    timed(
        "KNN-Shapley", lambda: knn_shapley_values(X_tr, y_tr, X_va, y_va, n_neighbors=5)
    )
    timed(
        "Data-OOB",
        lambda: data_oob_values(
            X_tr, y_tr, n_estimators=args.oob_trees, random_state=seed
        ),
    )
    if not args.skip_loo:
        timed(
            "LOO",
            lambda: leave_one_out_values(
                learner(), X_tr, y_tr, X_va, y_va, scoring="neg_log_loss"
            ),
        )
    if args.tmc_time > 0:
        t0 = time.perf_counter()
        values["TMC-Shapley"] = tmc_shapley_values(
            learner(),
            X_tr,
            y_tr,
            X_va,
            y_va,
            n_permutations=10_000,
            max_time=args.tmc_time,
            random_state=seed,
        )
        seconds["TMC-Shapley"] = time.perf_counter() - t0
    auroc = {
        m: float(roc_auc_score(flipped, -np.nan_to_num(v, nan=np.nanmean(v))))
        for m, v in values.items()
    }

    # Test accuracy: unweighted vs DIVA-reweighted, clean labels for reference.
    acc = {}
    acc["noisy, unweighted"] = learner().fit(X_tr, y_tr).score(X_te, y_te)
    for kernel, kw in (("linear", {}), ("rbf", rbf)):
        for step_size in (0.1, 0.5):
            w = DIVAWeighter(step_size=step_size, **kw).fit(X_tr, y_tr).sample_weight_
            acc[f"noisy, DIVA-{kernel} reweighted (step {step_size})"] = (
                learner().fit(X_tr, y_tr, sample_weight=w).score(X_te, y_te)
            )
    acc["clean labels"] = learner().fit(X_tr, y_clean).score(X_te, y_te)
    extra["diva_solver"] = weighters[1.0].solver_
    extra["n_train"] = int(n_train)
    extra["n_flipped"] = int(flipped.sum())
    extra["n_features"] = int(X.shape[1])
    return auroc, seconds, acc, values, flipped, extra


def time_at_2000(args):
    """DIVA vs KNN-Shapley vs one TMC permutation at n = 2000."""
    rows = []
    X, y = make_classification(
        2600, n_features=64, n_informative=32, n_classes=10, random_state=0
    )
    cases = [("synthetic d=64", X, y)]
    if data_home() is not None:
        Xc, yc = load("cora")
        cases.append(("cora d=1433", Xc, yc))
    for label, X, y in cases:
        X_tr, y_tr, X_va, y_va = X[:2000], y[:2000], X[2000:2300], y[2000:2300]
        with measure() as m_diva:
            w = DIVAWeighter().fit(X_tr, y_tr)
        with measure() as m_knn:
            knn_shapley_values(X_tr, y_tr, X_va, y_va, n_neighbors=5)
        row = {
            "data": label,
            "n": 2000,
            "diva_solver": w.solver_,
            "diva_s": m_diva.seconds,
            "knn_shapley_s": m_knn.seconds,
            "diva / knn": m_diva.seconds / m_knn.seconds,
        }
        if args.tmc_time > 0:
            seconds, fits, finished = tmc_permutation_time(
                X_tr, y_tr, X_va, y_va, budget=args.tmc_time
            )
            row["tmc_1_permutation_s"] = seconds
            row["tmc_fits"] = fits
            row["tmc_permutation_finished"] = finished
            row["tmc_1perm / diva"] = seconds / m_diva.seconds
        rows.append(row)
    return rows


def scaling(args):
    rows = []
    for d in (64, 1433):
        for n in args.scaling_n:
            if d == 1433 and n > args.max_n_wide:
                continue
            X, y = make_classification(
                n, n_features=d, n_informative=min(d, 32), n_classes=10, random_state=0
            )
            for solver in ("primal", "dual"):
                if solver == "dual" and n > args.max_n_dual:
                    continue
                with measure() as m:
                    DIVAWeighter(solver=solver).fit(X, y)
                auto = "primal" if d + 1 <= n else "dual"
                rows.append(
                    {
                        "d": d,
                        "n": n,
                        "solver": solver,
                        "auto_choice": auto,
                        "seconds": m.seconds,
                        "peak_rss_increase_mb": m.peak_rss_increase_mb,
                    }
                )
                print(f"  scaling d={d} n={n} {solver}: {m.seconds:.3f} s")
    return rows


def plots(name, values, flipped, times_rows, scaling_rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4.5))
    for method, v in values.items():
        score = -np.nan_to_num(v, nan=np.nanmean(v))
        fpr, tpr, _ = roc_curve(flipped, score)
        auc = roc_auc_score(flipped, score)
        ax.plot(fpr, tpr, label=f"{method} ({auc:.3f})")
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title=f"{name}: flipped-label detection (seed 0)",
    )
    ax.legend(fontsize=7)
    save_plot(fig, f"diva_roc_{name}")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.5))
    v = values["DIVA"]
    bins = np.linspace(v.min(), v.max(), 50)
    ax.hist(v[~flipped], bins=bins, alpha=0.6, label="clean rows", density=True)
    ax.hist(v[flipped], bins=bins, alpha=0.6, label="flipped rows", density=True)
    ax.set(
        xlabel="DIVA value (-dL/d alpha)",
        ylabel="density",
        title=f"{name}: DIVA values (seed 0)",
    )
    ax.legend()
    save_plot(fig, f"diva_hist_{name}")
    plt.close(fig)


def plot_scaling(scaling_rows, suffix):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    for d in sorted({r["d"] for r in scaling_rows}):
        for solver, style in (("primal", "-o"), ("dual", "--s")):
            pts = [
                (r["n"], r["seconds"])
                for r in scaling_rows
                if r["d"] == d and r["solver"] == solver
            ]
            if pts:
                n, s = zip(*pts)
                ax.plot(n, s, style, label=f"d={d}, {solver}")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="n (training rows)",
        ylabel="DIVAWeighter.fit time (s)",
        title="DIVA cost: primal O(nd^2), dual O(n^3)",
    )
    ax.legend(fontsize=8)
    save_plot(fig, f"diva_time_vs_n{suffix}")
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small configuration")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--datasets", nargs="+", default=["digits", "cora"])
    parser.add_argument("--skip-loo", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args(argv)
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.quick:
        args.seeds = args.seeds or 2
        args.n_train, args.n_val, args.oob_trees, args.tmc_time = 500, 300, 100, 15.0
        args.scaling_n = [500, 1000, 2000, 5000, 10000, 50000]
        args.max_n_dual, args.max_n_wide = 2000, 5000
    else:
        args.seeds = args.seeds or 5
        args.n_train, args.n_val, args.oob_trees, args.tmc_time = 1000, 300, 200, 60.0
        args.scaling_n = [500, 1000, 2000, 5000, 10000, 20000, 50000]
        args.max_n_dual, args.max_n_wide = 4000, 10000
    suffix = "_quick" if args.quick else ""

    detection, accuracy, times, extras = [], [], [], {}
    for name in args.datasets:
        per_seed = []
        for seed in range(args.seeds):
            print(f"{name} seed {seed} ...", flush=True)
            result = run_detection(name, args, seed)
            auroc, seconds, acc, values, flipped, extra = result
            per_seed.append((auroc, seconds, acc))
            extras[name] = extra
            if seed == 0:
                plots(name + suffix, values, flipped, None, None)
        methods = list(per_seed[0][0])
        for m in methods:
            a = np.array([s[0][m] for s in per_seed])
            t = np.array([s[1][m] for s in per_seed])
            detection.append(
                {
                    "data": name,
                    "method": m,
                    "auroc_mean": a.mean(),
                    "auroc_std": a.std(),
                    "seconds_mean": t.mean(),
                }
            )
        for k in per_seed[0][2]:
            a = np.array([s[2][k] for s in per_seed])
            accuracy.append(
                {
                    "data": name,
                    "training": k,
                    "test_acc_mean": a.mean(),
                    "test_acc_std": a.std(),
                }
            )
    print_table(detection, title="Mislabelled-row detection (AUROC)")
    print_table(accuracy, title="Test accuracy of LogisticRegression")

    print("timing at n = 2000 ...", flush=True)
    times = time_at_2000(args)
    print_table(times, title="Time at n = 2000")
    scaling_rows = [] if args.skip_scaling else scaling(args)
    if scaling_rows:
        print_table(scaling_rows, title="DIVA time vs n")
        plot_scaling(scaling_rows, suffix)

    config = {k: v for k, v in vars(args).items()}
    config.update(
        {
            "noise": NOISE,
            "learner": "LogisticRegression(max_iter=300)",
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "datasets_info": extras,
        }
    )
    write_results(
        "diva" + suffix,
        {
            "detection": detection,
            "accuracy": accuracy,
            "time_n2000": times,
            "scaling": scaling_rows,
        },
        config=config,
    )


if __name__ == "__main__":
    main()
