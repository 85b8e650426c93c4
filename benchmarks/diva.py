"""DIVA (Dukler et al., ICLR 2022) against data valuation and label-error peers.

Tables (one per paper claim, plus the side-by-side users run):

- ``diva_label_flips``: mislabelled-row detection AUROC (the paper's Fig. 3
  setting) on scikit-learn's digits and Cora's bag-of-words features, with a
  share ``noise`` of the training labels flipped to another class at random:
  DIVA with its defaults, DIVA on a linear kernel (raw features, the old
  default), DIVA on the linearised network (``NetworkFeaturizer``),
  leave-one-out by retraining (LOO), KNN-Shapley, Data-OOB and truncated
  Monte-Carlo (TMC) Data Shapley.
- ``diva_reweighting``: test accuracy of a logistic regression trained on the
  noisy labels, unweighted and DIVA-reweighted, and on the clean labels.
- ``diva_speed``: DIVA's fit time against KNN-Shapley and one TMC permutation
  at n = 2000, and DIVA's time and peak memory against n.
- ``diva_peers`` (issue 32): the detection table a user would run before
  adopting DIVA: DIVA (defaults), DIVA with an exact RBF kernel, the cleanlab
  recipe (out-of-fold probabilities of a logistic regression, 5 folds, ranked
  by cleanlab's self-confidence label quality), KNN-Shapley and Data-OOB, on
  breast-cancer, wine, digits, digits restricted to the confusable pairs
  1-7, 3-8, 4-9 (each flip goes to the partner digit) and
  ``make_classification`` with 20 000 rows, at 10/20/30 % flipped labels;
  AUROC and wall time.

Protocol: per seed, 20 % of the rows (at most ``n_val``) are held out as a
clean validation set, which only the methods that need one get (LOO,
KNN-Shapley, TMC, as in their papers); the flips are drawn on the remaining
training rows, which every method values. Features are standardised on the
training rows for every method except DIVA, which standardises by itself.
DIVA's and Data-OOB's times include everything they do; the cleanlab time is
``cross_val_predict`` plus cleanlab's ranking.

Run ``python benchmarks/diva.py --preset quick`` (minutes), ``--preset paper``
(the full protocol of issue 6) or ``--preset peers`` (issue 32; run it seed by
seed with ``--seeds 0`` etc. on a busy machine, the harness merges the parts).
pyDVL and OpenDataVal are not compared: both install only by downgrading
numpy in this environment.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Table, data_home, main, measure  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import cross_val_predict  # noqa: E402
from sklearn.preprocessing import StandardScaler, normalize  # noqa: E402

from sklearn_iclr.valuation import (  # noqa: E402
    DIVAWeighter,
    NetworkFeaturizer,
    data_oob_values,
    find_label_issues,
    knn_shapley_values,
    leave_one_out_values,
    tmc_shapley_values,
)

warnings.simplefilter("ignore", ConvergenceWarning)

_COMMON = {
    "noise": 0.2,
    "learner": "LogisticRegression(max_iter=300)",
    "scaling_d": 64,
}
PRESETS = {
    "quick": {
        **_COMMON,
        "description": "2 seeds, 500 training rows, small peers table (minutes)",
        "seeds": [0, 1],
        "tables": ["diva_label_flips", "diva_reweighting", "diva_speed", "diva_peers"],
        "detection_datasets": ["digits", "cora"],
        "n_train": 500,
        "n_val": 300,
        "oob_trees": 100,
        "tmc_seconds": 10.0,
        "loo": False,
        "network_epochs": 20,
        "scaling_n": [1000, 2000, 5000, 20000],
        "max_n_exact": 2000,
        "peers_datasets": ["breast_cancer", "wine", "digits", "digits_pairs"],
        "peers_noise": [0.2],
        "peers_oob_trees": 100,
    },
    "paper": {
        **_COMMON,
        "description": "issue 6 protocol: 5 seeds, 1000 training rows, n up to 1e5",
        "seeds": [0, 1, 2, 3, 4],
        "tables": ["diva_label_flips", "diva_reweighting", "diva_speed"],
        "detection_datasets": ["digits", "cora"],
        "n_train": 1000,
        "n_val": 300,
        "oob_trees": 200,
        "tmc_seconds": 60.0,
        "loo": True,
        "network_epochs": 20,
        "scaling_n": [1000, 2000, 5000, 20000, 100000],
        "max_n_exact": 5000,
        "peers_datasets": [],
        "peers_noise": [],
        "peers_oob_trees": 200,
    },
    "peers": {
        **_COMMON,
        "description": "issue 32 side-by-side detection table: 3 seeds, 10/20/30 %",
        "seeds": [0, 1, 2],
        "tables": ["diva_peers"],
        "detection_datasets": [],
        "n_train": 0,
        "n_val": 0,
        "oob_trees": 0,
        "tmc_seconds": 0.0,
        "loo": False,
        "network_epochs": 0,
        "scaling_n": [],
        "max_n_exact": 0,
        "peers_datasets": [
            "breast_cancer",
            "wine",
            "digits",
            "digits_pairs",
            "make_classification_20k",
        ],
        "peers_noise": [0.1, 0.2, 0.3],
        "peers_oob_trees": 100,
    },
}

_PAIRS = {1: 7, 7: 1, 3: 8, 8: 3, 4: 9, 9: 4}


# -- data ----------------------------------------------------------------------
def load(name):
    """Features (dense float64) and integer labels 0..k-1 of one data set."""
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
    elif name == "wine":
        X, y = load_wine(return_X_y=True)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif name == "digits_pairs":
        X, y = load_digits(return_X_y=True)
        keep = np.isin(y, list(_PAIRS))
        X, y = X[keep] / 16.0, y[keep]
    elif name == "make_classification_20k":
        X, y = make_classification(20000, random_state=0)
    elif name == "cora":
        if data_home() is None:
            print("Cora needs the shared data (set SKLEARN_ICLR_DATA); skipped.")
            return None
        from sklearn_iclr.datasets import load_planetoid

        bunch = load_planetoid("cora")
        X, y = normalize(bunch.data.astype(np.float64)).toarray(), bunch.target
    else:
        raise ValueError(name)
    return np.asarray(X, dtype=np.float64), np.asarray(y)


def flip_labels(y, noise, rng, pairs=False):
    """Flip exactly ``round(noise * n)`` labels; to the partner digit if pairs."""
    n = len(y)
    flipped = np.zeros(n, bool)
    flipped[rng.choice(n, int(round(noise * n)), replace=False)] = True
    y_noisy = y.copy()
    classes = np.unique(y)
    for i in np.flatnonzero(flipped):
        if pairs:
            y_noisy[i] = _PAIRS[y[i]]
        else:
            y_noisy[i] = rng.choice(classes[classes != y[i]])
    return y_noisy, flipped


def split(X, y, n_val, seed, n_train=None):
    """Train / clean validation / test indices for one seed."""
    rng = np.random.RandomState(seed)
    idx = rng.permutation(len(y))
    n_val = min(n_val, len(y) // 5) if n_val else len(y) // 5
    va = idx[:n_val]
    rest = idx[n_val:]
    if n_train:
        n_train = min(n_train, len(rest) - 200)
        return rest[:n_train], va, rest[n_train:], rng
    return rest, va, None, rng


def learner():
    return LogisticRegression(max_iter=300)


def _auroc(flipped, values):
    values = np.asarray(values, dtype=np.float64)
    values = np.nan_to_num(values, nan=np.nanmean(values))
    return float(roc_auc_score(flipped, -values))


def _timed(fn):
    start = time.perf_counter()
    values = fn()
    return values, time.perf_counter() - start


def cleanlab_recipe(X, y, seed):
    """Self-confidence of out-of-fold LR probabilities, ranked by cleanlab."""
    from cleanlab.rank import get_label_quality_scores

    labels = np.unique(y, return_inverse=True)[1]  # cleanlab wants 0..k-1
    proba = cross_val_predict(
        LogisticRegression(max_iter=1000), X, labels, cv=5, method="predict_proba"
    )
    return get_label_quality_scores(labels, proba, method="self_confidence")


def diva_values(X, y, **params):
    """DIVA values through the user's detection entry point."""
    return find_label_issues(X, y, weighter=DIVAWeighter(**params), return_values=True)[
        1
    ]


# -- tables ----------------------------------------------------------------------
def _detection_rows(config, seed, name):
    data = load(name)
    if data is None:
        return None
    X, y = data
    tr, va, te, rng = split(X, y, config["n_val"], seed, config["n_train"])
    y_tr, flipped = flip_labels(y[tr], config["noise"], rng)
    X_tr, X_va, y_va = X[tr], X[va], y[va]
    methods = {
        "DIVA (default)": lambda: diva_values(X_tr, y_tr, random_state=seed),
        "DIVA (linear, raw features)": lambda: diva_values(
            X_tr, y_tr, featurizer=None, kernel="linear", alpha=1.0
        ),
        "DIVA (network, last layer)": lambda: diva_values(
            X_tr,
            y_tr,
            featurizer=NetworkFeaturizer(
                max_epochs=config["network_epochs"], random_state=seed
            ),
            kernel="linear",
        ),
        "DIVA (network, Jacobian)": lambda: diva_values(
            X_tr,
            y_tr,
            featurizer=NetworkFeaturizer(
                "jacobian", max_epochs=config["network_epochs"], random_state=seed
            ),
            kernel="linear",
        ),
        "KNN-Shapley": lambda: knn_shapley_values(X_tr, y_tr, X_va, y_va),
        "Data-OOB": lambda: data_oob_values(
            X_tr, y_tr, n_estimators=config["oob_trees"], random_state=seed
        ),
    }
    if config["loo"]:
        methods["LOO"] = lambda: leave_one_out_values(
            learner(), X_tr, y_tr, X_va, y_va, scoring="neg_log_loss"
        )
    if config["tmc_seconds"] > 0:
        methods["TMC-Shapley"] = lambda: tmc_shapley_values(
            learner(),
            X_tr,
            y_tr,
            X_va,
            y_va,
            n_permutations=10_000,
            max_time=config["tmc_seconds"],
            random_state=seed,
        )
    rows = []
    for method, fn in methods.items():
        values, seconds = _timed(fn)
        print(f"    {method}: {seconds:.1f} s", flush=True)
        rows.append(
            {
                "data": name,
                "method": method,
                "seed": seed,
                "auroc": _auroc(flipped, values),
                "seconds": seconds,
                "n_train": len(tr),
            }
        )
    return rows


def label_flips(config):
    if config["network_epochs"]:
        import sklearn_iclr._torch  # noqa: F401  (torch's import is not timed)

    rows = []
    for name in config["detection_datasets"]:
        for seed in config["seeds"]:
            print(f"  {name} seed {seed}", flush=True)
            part = _detection_rows(config, seed, name)
            if part is None:
                break
            rows += part
    if not rows:
        return None
    return Table(
        rows,
        by=("data", "method"),
        metrics=("auroc", "seconds"),
        lower_is_better=("seconds",),
        title=f"Mislabelled-row detection AUROC ({config['noise']:.0%} flipped)",
        notes=(
            "AUROC of ranking the flipped training rows first (lowest value). "
            "DIVA uses no validation set (its leave-one-out loss is the "
            "validation loss); LOO, KNN-Shapley and TMC get a clean held-out "
            "set. TMC runs permutations until its time budget. The paper "
            "reports this comparison as curves (its Fig. 3), not as numbers."
        ),
    )


def reweighting(config):
    rows = []
    for name in config["detection_datasets"]:
        data = load(name)
        if data is None:
            continue
        X, y = data
        for seed in config["seeds"]:
            tr, va, te, rng = split(X, y, config["n_val"], seed, config["n_train"])
            y_tr, _ = flip_labels(y[tr], config["noise"], rng)
            X_tr, X_te, y_te = X[tr], X[te], y[te]
            fits = {
                "noisy, unweighted": None,
                "noisy, DIVA-reweighted (default)": {},
                "noisy, DIVA-reweighted (step 0.5)": {"step_size": 0.5},
            }
            for training, params in fits.items():
                weights = None
                if params is not None:
                    weights = (
                        DIVAWeighter(random_state=seed, **params)
                        .fit(X_tr, y_tr)
                        .sample_weight_
                    )
                model = learner().fit(X_tr, y_tr, sample_weight=weights)
                rows.append(
                    {
                        "data": name,
                        "training": training,
                        "seed": seed,
                        "test_accuracy": model.score(X_te, y_te),
                    }
                )
            rows.append(
                {
                    "data": name,
                    "training": "clean labels",
                    "seed": seed,
                    "test_accuracy": learner().fit(X_tr, y[tr]).score(X_te, y_te),
                }
            )
    if not rows:
        return None
    return Table(
        rows,
        by=("data", "training"),
        metrics=("test_accuracy",),
        title="Test accuracy of LogisticRegression trained on noisy labels",
        notes=(
            "The same noisy training rows as diva_label_flips; DIVA weights "
            "from DIVAWeighter with its defaults (3 steps of size 0.1) or "
            "steps of 0.5."
        ),
    )


def _tmc_permutation_seconds(X, y, X_val, y_val, budget, seed=0):
    """Time of one truncated TMC permutation (a lower bound when cut)."""
    rng = np.random.RandomState(seed)
    perm = rng.permutation(len(y))
    full = learner().fit(X, y).score(X_val, y_val)
    _, counts = np.unique(y_val, return_counts=True)
    previous = counts.max() / counts.sum()
    start = time.perf_counter()
    for k in range(len(y)):
        if abs(full - previous) <= 0.01 * abs(full):
            break
        idx = perm[: k + 1]
        if np.unique(y[idx]).size < 2:
            previous = float(np.mean(y_val == y[idx][0]))
        else:
            previous = learner().fit(X[idx], y[idx]).score(X_val, y_val)
        if time.perf_counter() - start > budget:
            break
    return time.perf_counter() - start


def speed(config):
    rows = []
    d = config["scaling_d"]
    for seed in config["seeds"]:
        X, y = make_classification(
            2300, n_features=d, n_informative=32, n_classes=10, random_state=seed
        )
        X_tr, y_tr, X_va, y_va = X[:2000], y[:2000], X[2000:], y[2000:]
        with measure() as m_diva:
            DIVAWeighter(random_state=seed).fit(X_tr, y_tr)
        with measure() as m_knn:
            knn_shapley_values(X_tr, y_tr, X_va, y_va)
        timings = {"DIVA (default)": m_diva.seconds, "KNN-Shapley": m_knn.seconds}
        if config["tmc_seconds"] > 0:
            timings["TMC-Shapley, one permutation"] = _tmc_permutation_seconds(
                X_tr, y_tr, X_va, y_va, config["tmc_seconds"], seed
            )
        for method, seconds in timings.items():
            rows.append(
                {
                    "setting": "n = 2000",
                    "method": method,
                    "seed": seed,
                    "seconds": seconds,
                    "ratio_to_diva": seconds / m_diva.seconds,
                }
            )
        for n in config["scaling_n"]:
            X, y = make_classification(
                n, n_features=d, n_informative=32, n_classes=10, random_state=seed
            )
            variants = {
                "DIVA (default)": {},
                "DIVA (linear, primal)": {"kernel": "linear", "featurizer": None},
            }
            if n <= config["max_n_exact"]:
                variants["DIVA (exact RBF, dual)"] = {"n_components": None}
            for method, params in variants.items():
                with measure() as m:
                    DIVAWeighter(random_state=seed, **params).fit(X, y)
                rows.append(
                    {
                        "setting": f"n = {n}",
                        "method": method,
                        "seed": seed,
                        "seconds": m.seconds,
                        "peak_rss_increase_mb": m.peak_rss_increase_mb,
                    }
                )
                print(f"  n={n} {method}: {m.seconds:.2f} s", flush=True)
    return Table(
        rows,
        by=("setting", "method"),
        metrics=("seconds", "ratio_to_diva", "peak_rss_increase_mb"),
        lower_is_better=("seconds", "peak_rss_increase_mb"),
        title=f"DIVA time (s) vs baselines and vs n (d = {d}, 10 classes)",
        notes=(
            "DIVAWeighter.fit with 3 weight steps. The default approximates "
            "the RBF kernel with 200 Nystroem features above 1000 rows (time "
            "and memory linear in n); the exact kernel needs n x n matrices. "
            "TMC-Shapley's one permutation is cut at the preset's budget."
        ),
    )


def _peer_methods(X_tr, y_tr, Z_tr, Z_va, y_va, seed, oob_trees):
    """The detection table's columns, as functions returning row values."""
    methods = {
        "DIVA (default)": lambda: diva_values(X_tr, y_tr, random_state=seed),
        "cleanlab (LR, 5-fold)": lambda: cleanlab_recipe(Z_tr, y_tr, seed),
        "KNN-Shapley": lambda: knn_shapley_values(Z_tr, y_tr, Z_va, y_va),
        "Data-OOB": lambda: data_oob_values(
            Z_tr, y_tr, n_estimators=oob_trees, random_state=seed
        ),
    }
    if len(y_tr) <= 5000:  # the exact kernel's n x n matrices
        methods["DIVA (exact RBF)"] = lambda: diva_values(
            X_tr, y_tr, n_components=None, random_state=seed
        )
    return methods


def peers(config):
    import cleanlab.rank  # noqa: F401  (imported before timing)

    rows = []
    for name in config["peers_datasets"]:
        X, y = load(name)
        for seed in config["seeds"]:
            tr, va, _, _ = split(X, y, None, seed)
            for noise in config["peers_noise"]:
                rng = np.random.RandomState([seed, int(round(noise * 100))])
                y_tr, flipped = flip_labels(y[tr], noise, rng, name == "digits_pairs")
                X_tr = X[tr]
                scaler = StandardScaler().fit(X_tr)
                Z_tr, Z_va = scaler.transform(X_tr), scaler.transform(X[va])
                methods = _peer_methods(
                    X_tr, y_tr, Z_tr, Z_va, y[va], seed, config["peers_oob_trees"]
                )
                for method, fn in methods.items():
                    values, seconds = _timed(fn)
                    rows.append(
                        {
                            "data": name,
                            "noise": noise,
                            "method": method,
                            "seed": seed,
                            "auroc": _auroc(flipped, values),
                            "seconds": seconds,
                            "n_train": len(tr),
                        }
                    )
                print(
                    f"  {name} noise {noise} seed {seed}: "
                    + ", ".join(
                        f"{r['method']} {r['auroc']:.3f} ({r['seconds']:.2f} s)"
                        for r in rows[-len(methods) :]
                    ),
                    flush=True,
                )
    if not rows:
        return None
    return Table(
        rows,
        by=("data", "noise", "method"),
        metrics=("auroc", "seconds"),
        lower_is_better=("seconds",),
        title="Label-error detection AUROC, DIVA against the peers a user runs",
        notes=(
            "Issue 32's side-by-side table. Every method values the same "
            "training rows (80 % of the data, a share noise of them flipped; "
            "digits_pairs flips 1-7, 3-8, 4-9). KNN-Shapley (K = 5) gets the "
            "other 20 %, with clean labels, as its validation set; DIVA, "
            "cleanlab and Data-OOB use none. DIVA (default) is "
            "find_label_issues with DIVAWeighter's defaults; DIVA (exact RBF) "
            "the exact kernel with the same median-heuristic gamma. cleanlab: "
            "cross_val_predict of LogisticRegression on standardised features "
            "(5 folds) ranked by cleanlab.rank.get_label_quality_scores "
            "(self-confidence). Data-OOB: 100 bootstrap decision trees."
        ),
    )


TABLES = {
    "diva_label_flips": label_flips,
    "diva_reweighting": reweighting,
    "diva_speed": speed,
    "diva_peers": peers,
}

if __name__ == "__main__":
    raise SystemExit(main(__doc__, PRESETS, TABLES))
