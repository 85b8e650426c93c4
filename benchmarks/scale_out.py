"""Scale-out: the toolkit's parallel loops through joblib, and DIVA on Dask.

- ``scale_out_parallel``: wall time of the embarrassingly parallel loops
  (the Shapley explainer's batches, Data-OOB's bootstrap models, TMC-Shapley's
  permutations, KNN-Shapley's blocks) with ``n_jobs=1``, ``n_jobs=2`` (loky
  processes) and the ``"dask"`` joblib backend on a local cluster of two
  worker processes (one thread each), with the largest difference from the
  ``n_jobs=1`` values (0: identical). Each backend is warmed up first (worker
  start and imports are not timed).
- ``scale_out_diva``: ``DIVAWeighter`` on a Dask array split by rows, computed
  on the same two-worker cluster: wall time and peak resident memory per
  worker against the data size, beside the in-memory fit (when the data
  also fits in memory: then the largest difference of the dataset
  derivatives). The rows are drawn on the workers chunk by chunk, so the
  calling process never holds them.
- ``scale_out_graph``: ``ColdBrewClassifier`` and
  ``NeighborhoodPredictionEmbedder`` (GIANT) on ``make_planted_graph`` graphs
  of growing size, one machine, each size in a fresh process: fit time,
  predicting (or embedding) every node, peak memory, and the growth exponent
  against the number of edges. For Cold Brew, predicting every node without
  a graph runs the top-K virtual-neighbour search (exact below 200 000
  reference nodes, approximate index above: ``neighbor_search="auto"``);
  the exact search is also timed on a sample of 2 000 queries, and the two
  searches' predictions compared there.

Absolute times on a shared 2-core machine drift with its load; the ratios of
one run are the figures to read.

Usage::

    python benchmarks/scale_out.py --preset quick
    python benchmarks/scale_out.py --preset paper
    python benchmarks/scale_out.py --preset paper --tables scale_out_graph
"""

import contextlib
import json
import logging
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Table, main, measure  # noqa: E402

PRESETS = {
    "quick": {
        "description": "each loop at a few seconds of work; DIVA on 2e5 x 100",
        "seeds": [0],
        "tables": ["scale_out_parallel", "scale_out_diva", "scale_out_graph"],
        "graphs": {"sizes": [3000, 10000], "epochs": 30, "giant_epochs": 2},
        "explainer": {"n_scenes": 400, "batch_size": 50, "n_permutations": 50},
        "data_oob": {"n_samples": 2000, "n_estimators": 800},
        "tmc": {"n_samples": 100, "n_permutations": 16},
        "knn": {"n_samples": 10000, "n_val": 4000, "batch_size": 500},
        "diva": {
            "sizes": [[200_000, 100]],
            "in_memory_max_rows": 200_000,
            "chunk_rows": 25_000,
            "kernels": ["linear", "rbf"],
        },
    },
    "paper": {
        "description": "longer loops; DIVA on 1e6 x 100; Cold Brew and GIANT on "
        "graphs of 1e4, 1e5, 1e6 nodes (issue 31's presets)",
        "seeds": [0],
        "tables": ["scale_out_parallel", "scale_out_diva", "scale_out_graph"],
        "graphs": {
            "sizes": [10_000, 100_000, 1_000_000],
            "epochs": 30,
            "giant_epochs": 2,
        },
        "explainer": {"n_scenes": 2000, "batch_size": 100, "n_permutations": 100},
        "data_oob": {"n_samples": 10000, "n_estimators": 800},
        "tmc": {"n_samples": 200, "n_permutations": 32},
        "knn": {"n_samples": 50000, "n_val": 10000, "batch_size": 1000},
        "diva": {
            "sizes": [[200_000, 100], [1_000_000, 100]],
            "in_memory_max_rows": 200_000,
            "chunk_rows": 50_000,
            "kernels": ["linear", "rbf"],
        },
    },
}


@contextlib.contextmanager
def local_cluster():
    """A client on two local worker processes, one thread each."""
    import distributed

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


# --------------------------------------------------------------- workloads
def _workloads(config, seed):
    """name -> (run(n_jobs) -> values, warm-up run)."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from sklearn_iclr.datasets import make_pedestrian_scenes
    from sklearn_iclr.explain import (
        ShapleyTrajectoryExplainer,
        SocialAttentionPredictor,
    )
    from sklearn_iclr.valuation import (
        data_oob_values,
        knn_shapley_values,
        tmc_shapley_values,
    )

    ex = config["explainer"]
    scenes = make_pedestrian_scenes(n_samples=ex["n_scenes"], random_state=seed)
    model = SocialAttentionPredictor(
        hidden_size=16, max_epochs=3, random_state=seed
    ).fit(scenes.data, scenes.target)

    def explainer(n_jobs, n=None):
        n = n or ex["n_scenes"]
        return (
            ShapleyTrajectoryExplainer(
                model,
                method="permutation",
                n_permutations=ex["n_permutations"],
                batch_size=ex["batch_size"],
                n_jobs=n_jobs,
                random_state=seed,
            )
            .fit(scenes.data)
            .transform(scenes.data[:n], scenes.target[:n])
        )

    def data(n, n_val=0):
        X, y = make_classification(
            n + n_val, n_features=10, n_informative=5, flip_y=0.1, random_state=seed
        )
        return X[:n], y[:n], X[n:], y[n:]

    oob = config["data_oob"]
    X_oob, y_oob, _, _ = data(oob["n_samples"])

    def data_oob(n_jobs, n_estimators=None):
        return data_oob_values(
            X_oob,
            y_oob,
            n_estimators=n_estimators or oob["n_estimators"],
            n_jobs=n_jobs,
            random_state=seed,
        )

    tmc = config["tmc"]
    X_t, y_t, Xv_t, yv_t = data(tmc["n_samples"], 200)

    def tmc_shapley(n_jobs, n_permutations=None):
        return tmc_shapley_values(
            LogisticRegression(),
            X_t,
            y_t,
            Xv_t,
            yv_t,
            n_permutations=n_permutations or tmc["n_permutations"],
            n_jobs=n_jobs,
            random_state=seed,
        )

    knn = config["knn"]
    X_k, y_k, Xv_k, yv_k = data(knn["n_samples"], knn["n_val"])

    def knn_shapley(n_jobs, n_val=None):
        n_val = n_val or knn["n_val"]
        return knn_shapley_values(
            X_k,
            y_k,
            Xv_k[:n_val],
            yv_k[:n_val],
            batch_size=knn["batch_size"],
            n_jobs=n_jobs,
        )

    return {
        "explainer (permutation, social model)": (
            explainer,
            lambda n_jobs: explainer(n_jobs, 2 * ex["batch_size"]),
        ),
        "Data-OOB": (data_oob, lambda n_jobs: data_oob(n_jobs, 4)),
        "TMC-Shapley": (tmc_shapley, lambda n_jobs: tmc_shapley(n_jobs, 2)),
        "KNN-Shapley": (
            knn_shapley,
            lambda n_jobs: knn_shapley(n_jobs, 2 * knn["batch_size"]),
        ),
    }


def parallel_table(config):
    from joblib import parallel_backend

    rows = []
    with local_cluster():
        for seed in config["seeds"]:
            for name, (run, warm_up) in _workloads(config, seed).items():
                reference = None
                for backend in ("n_jobs=1", "n_jobs=2", "dask (2 workers)"):
                    n_jobs = {"n_jobs=1": 1, "n_jobs=2": 2}.get(backend)
                    context = (
                        parallel_backend("dask")
                        if n_jobs is None
                        else contextlib.nullcontext()
                    )
                    with context:
                        warm_up(n_jobs)
                        start = time.perf_counter()
                        values = run(n_jobs)
                        seconds = time.perf_counter() - start
                    if reference is None:
                        reference, base = values, seconds
                    diff = float(np.nanmax(np.abs(values - reference)))
                    rows.append(
                        {
                            "task": name,
                            "backend": backend,
                            "seed": seed,
                            "seconds": seconds,
                            "speedup": base / seconds,
                            "max_abs_difference": diff,
                        }
                    )
                    print(f"{name:40s} {backend:18s} {seconds:7.2f} s  diff {diff:.1e}")
    return Table(
        rows,
        by=("task", "backend"),
        metrics=("seconds", "speedup", "max_abs_difference"),
        lower_is_better=("seconds", "max_abs_difference"),
        title="Parallel loops: wall time by joblib backend (2 shared cores)",
        notes=(
            "speedup = time with n_jobs=1 / time; max_abs_difference against "
            "the n_jobs=1 values (0 = identical, the toolkit's guarantee). "
            "Warm backends (worker start and imports not timed). "
            f"Sizes: {config['explainer']} (explainer), {config['data_oob']} "
            f"(Data-OOB), {config['tmc']} (TMC), {config['knn']} (KNN)."
        ),
    )


# -------------------------------------------------------------------- DIVA
def _rss():
    import psutil

    return psutil.Process().memory_info().rss


def _worker_rss(client, stop, peaks, interval=0.25):
    """Track each worker's largest resident memory until ``stop`` is set."""
    while not stop.is_set():
        with contextlib.suppress(Exception):
            for worker, value in client.run(_rss).items():
                peaks[worker] = max(peaks.get(worker, 0), value)
        stop.wait(interval)


def _dask_data(n, d, chunk_rows, seed):
    import dask.array as da

    state = da.random.RandomState(seed)
    X = state.standard_normal((n, d), chunks=(chunk_rows, d))
    w = np.random.RandomState(seed).randn(d) / np.sqrt(d)
    noise = state.standard_normal(n, chunks=chunk_rows)
    y = ((X @ w + 0.5 * noise) > 0).astype(int)
    return X, y


def diva_table(config):
    import psutil

    from sklearn_iclr.valuation import DIVAWeighter

    cfg = config["diva"]
    rows = []
    with local_cluster() as client:
        # the workers import the toolkit once, before anything is measured
        warm, warm_y = _dask_data(2000, 4, 500, 0)
        DIVAWeighter(n_components=20).fit(warm, warm_y.compute())
        for seed in config["seeds"]:
            for n, d in cfg["sizes"]:
                X, y_lazy = _dask_data(n, d, cfg["chunk_rows"], seed)
                y = y_lazy.compute()
                data_mb = n * d * 8 / 2**20
                for kernel in cfg["kernels"]:
                    params = dict(kernel=kernel, n_steps=3, random_state=seed)
                    baseline = client.run(_rss)
                    peaks, stop = {}, threading.Event()
                    sampler = threading.Thread(
                        target=_worker_rss, args=(client, stop, peaks), daemon=True
                    )
                    sampler.start()
                    start = time.perf_counter()
                    chunked = DIVAWeighter(**params).fit(X, y)
                    seconds = time.perf_counter() - start
                    stop.set()
                    sampler.join()
                    peak = max(peaks.values()) / 2**20
                    increase = max(peaks[w] - baseline[w] for w in peaks) / 2**20
                    row = {
                        "rows": n,
                        "features": d,
                        "kernel": kernel,
                        "seed": seed,
                        "data_mb": data_mb,
                    }
                    rows.append(
                        {
                            **row,
                            "setting": "dask (2 workers)",
                            "seconds": seconds,
                            "peak_mb": peak,
                            "peak_increase_mb": increase,
                        }
                    )
                    print(
                        f"DIVA {kernel} {n}x{d} dask: {seconds:.1f} s, worker peak "
                        f"{peak:.0f} MB (+{increase:.0f}) for {data_mb:.0f} MB of data"
                    )
                    if n > cfg["in_memory_max_rows"]:
                        continue
                    X_mem = X.compute()
                    rss_before = psutil.Process().memory_info().rss
                    with measure() as m:
                        memory = DIVAWeighter(**params).fit(X_mem, y)
                    del X_mem
                    diff = float(
                        np.max(
                            np.abs(
                                memory.dataset_derivative_ - chunked.dataset_derivative_
                            )
                        )
                    )
                    rows[-1]["max_abs_difference"] = diff
                    rows.append(
                        {
                            **row,
                            "setting": "in memory (1 process)",
                            "seconds": m.seconds,
                            "peak_mb": m.peak_rss_mb,
                            "peak_increase_mb": m.peak_rss_increase_mb,
                            "max_abs_difference": 0.0,
                            "rss_before_mb": rss_before / 2**20,
                        }
                    )
                    print(
                        f"DIVA {kernel} {n}x{d} memory: {m.seconds:.1f} s, peak +"
                        f"{m.peak_rss_increase_mb:.0f} MB; max |diff| {diff:.1e}"
                    )
    return Table(
        rows,
        by=("rows", "features", "kernel", "setting"),
        metrics=("seconds", "peak_mb", "peak_increase_mb", "data_mb"),
        lower_is_better=("seconds", "peak_mb", "peak_increase_mb"),
        title="DIVAWeighter on a Dask array: time and peak memory per worker",
        notes=(
            "n_steps=3 (four leave-one-out states, three passes over the chunks "
            "each). Dask: the rows are drawn on the workers in chunks of "
            f"{cfg['chunk_rows']} rows; peak_mb is the largest resident memory "
            "of a worker process during the fit (sampled every 0.25 s), "
            "peak_increase_mb its growth from before the fit. In memory: the "
            "calling process's peak and its growth (the data itself was "
            "already loaded). kernel 'rbf' is the default (median heuristic, "
            "200 Nystroem features). max_abs_difference: the dataset "
            "derivatives of the two fits."
        ),
    )


# ------------------------------------------------------------------- graphs
EXACT_SAMPLE = 2000  # queries the exact search is timed (and compared) on


def _graph_one(method, n, epochs, seed):
    """One method on one planted graph of ``n`` nodes; run in a fresh process.

    Everything is timed after a warm-up fit on a tiny graph (imports, torch's
    and numba's one-time compilation are not the fit's).
    """
    from sklearn_iclr._torch import torch
    from sklearn_iclr.datasets import make_planted_graph
    from sklearn_iclr.graph import ColdBrewClassifier, NeighborhoodPredictionEmbedder

    torch.set_num_threads(1)
    w = make_planted_graph(300, random_state=1)
    g = make_planted_graph(
        n, n_communities=5, n_features=32, average_degree=10, random_state=seed
    )
    row = {"method": method, "n_nodes": n, "n_edges": int(g.adjacency.nnz // 2)}
    if method == "giant":
        NeighborhoodPredictionEmbedder(epochs_per_level=1, max_leaf_size=50).fit(
            w.data, adjacency=w.adjacency
        )
        emb = NeighborhoodPredictionEmbedder(epochs_per_level=epochs, random_state=seed)
        with measure() as m:
            emb.fit(g.data, adjacency=g.adjacency)
        with measure() as p:
            emb.transform(g.data)
        row.update(n_levels=len(emb.label_tree_))
    else:
        warm_y = w.target.copy()
        warm_y[100:] = -1
        for mode in ("exact", "approximate"):  # compiles the index's numba code
            ColdBrewClassifier(
                max_epochs=2, student_max_epochs=2, neighbor_search=mode
            ).fit(w.data, warm_y, adjacency=w.adjacency).predict(w.data)
        rng = np.random.RandomState(12345)
        labelled = rng.choice(n, size=min(500, n // 2), replace=False)
        y = np.full(n, -1)
        y[labelled] = g.target[labelled]
        clf = ColdBrewClassifier(
            max_epochs=epochs,
            student_max_epochs=epochs,
            patience=None,
            random_state=seed,
        )
        with measure() as m:
            clf.fit(g.data, y, adjacency=g.adjacency)
        with measure() as p:
            pred = clf.predict(g.data)  # no graph: every node through the student
        sample = rng.choice(n, size=min(EXACT_SAMPLE, n), replace=False)
        index, clf._neighbor_index = clf._neighbor_index, None
        start = time.perf_counter()
        exact = clf.predict(g.data[sample])
        exact_s = time.perf_counter() - start
        clf._neighbor_index = index
        unlabelled = y == -1
        row.update(
            neighbor_search=clf.neighbor_search_,
            accuracy_unlabelled=float(
                np.mean(pred[unlabelled] == g.target[unlabelled])
            ),
            exact_search_all_nodes_s=exact_s * n / len(sample),
            agreement_with_exact=float(np.mean(exact == pred[sample])),
        )
    row.update(
        fit_s=m.seconds,
        fit_peak_increase_mb=m.peak_rss_increase_mb,
        all_nodes_s=p.seconds,
        all_nodes_peak_increase_mb=p.peak_rss_increase_mb,
        peak_mb=max(m.peak_rss_mb, p.peak_rss_mb),
    )
    return row


def _growth_exponents(rows):
    """Slope of log(time) against log(edges) from each size to the next."""
    for method in {r["method"] for r in rows}:
        mine = sorted(
            (r for r in rows if r["method"] == method), key=lambda r: r["n_edges"]
        )
        for prev, row in zip(mine[:-1], mine[1:]):
            ratio = np.log(row["n_edges"] / prev["n_edges"])
            for key in ("fit_s", "all_nodes_s"):
                row[f"{key}_exponent"] = float(np.log(row[key] / prev[key]) / ratio)


def graph_table(config):
    cfg = config["graphs"]
    here = str(Path(__file__).resolve().parent)
    rows = []
    for seed in config["seeds"]:
        for n in cfg["sizes"]:
            for method, epochs in (
                ("cold_brew", cfg["epochs"]),
                ("giant", cfg["giant_epochs"]),
            ):
                code = (
                    f"import json, sys; sys.path.insert(0, {here!r}); "
                    "import scale_out; print('RESULT' + json.dumps("
                    f"scale_out._graph_one({method!r}, {n:d}, {epochs:d}, {seed:d})))"
                )
                out = subprocess.run(
                    [sys.executable, "-c", code],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                row = json.loads(out.split("RESULT", 1)[1])
                row.update(seed=seed, size=f"{n} nodes")
                print(row, flush=True)
                rows.append(row)
    _growth_exponents(rows)
    return Table(
        rows,
        by=("method", "size"),
        metrics=(
            "fit_s",
            "all_nodes_s",
            "peak_mb",
            "fit_s_exponent",
            "all_nodes_s_exponent",
            "exact_search_all_nodes_s",
            "agreement_with_exact",
        ),
        lower_is_better=("fit_s", "all_nodes_s", "peak_mb", "exact_search_all_nodes_s"),
        title="Cold Brew and GIANT on one machine: time and memory to 1e6 nodes",
        notes=(
            "make_planted_graph(n, 5 communities, 32 features, average degree 10); "
            "Cold Brew: 500 labelled nodes, `epochs` epochs for the teacher and each "
            "student MLP without early stopping, neighbor_search='auto'; GIANT: "
            "default tree, `giant_epochs` epochs per level. One torch thread, each "
            "size and method in a fresh process. all_nodes_s: predict (Cold Brew, no "
            "graph: the student and its top-K search) or transform (GIANT) on every "
            "node. *_exponent: slope of log(seconds) against log(edges) from the "
            "previous size (1 = linear). exact_search_all_nodes_s: the exact search "
            f"timed on {EXACT_SAMPLE} queries and scaled to all nodes; "
            "agreement_with_exact: equal predictions of the two searches there. "
            "peak_mb: the process's peak resident memory (data included)."
        ),
    )


TABLES = {
    "scale_out_parallel": parallel_table,
    "scale_out_diva": diva_table,
    "scale_out_graph": graph_table,
}

if __name__ == "__main__":
    raise SystemExit(main(__doc__, PRESETS, TABLES))
