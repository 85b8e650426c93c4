"""The one harness every benchmark script runs on.

A benchmark script declares its runs and leaves the rest here::

    PRESETS = {
        "quick": {"seeds": [0, 1], "max_epochs": 20},     # minutes on 2 cores
        "paper": {"seeds": [0, 1, 2, 3, 4], "max_epochs": 200},
    }

    def cora(config):                    # one paper table or claim
        rows = [...]                     # one dict per (setting, seed)
        return Table(rows, by=("model", "group"), metrics=("accuracy",),
                     paper=[{"model": "Cold Brew", "group": "isolated",
                             "accuracy": 69.62}],
                     title="Cora accuracy (%)")

    TABLES = {"cold_brew_cora": cora}

    if __name__ == "__main__":
        main(__doc__, PRESETS, TABLES)

and is run as ``python benchmarks/<method>.py --preset paper``. Each table
becomes ``results/<preset>/<table>.json`` plus ``<table>.png``: the per-seed
rows, their mean ± std per setting, the paper's figures beside them, and the
provenance (preset, resolved configuration, ``sys.argv``, git revision, machine,
versions, wall time). ``docs/_ext/benchmark_results.py`` renders the results
page of the documentation from these files.

Rules the harness enforces:

- ``results/`` holds canonical results only: the harness refuses to write there
  when the code is dirty (uncommitted changes outside ``benchmarks/results/``)
  or when the configuration was changed on the command line (``--set``).
  Exploration goes to ``--out DIR`` (``benchmarks/runs/`` is git-ignored).
- A preset only ever writes into its own folder, so ``make bench`` (the quick
  presets) cannot overwrite a paper result.
- A long preset may run in parts: ``--seeds 0`` runs seed 0 alone and writes
  ``results/<preset>/parts/<table>.seeds-0.json``; once the parts cover the
  preset's seeds the harness merges them into the canonical file, which keeps
  each part's rows, ``extra`` and provenance, and deletes the part files (``--merge``
  merges what is there without running anything). Rerunning some seeds of a
  merged table later takes the other seeds' parts back out of the canonical
  file, so one seed can be redone without redoing the others.

Seeds in parallel: ``--n-jobs N`` runs the seeds of the tables that call
:func:`map_seeds` as ``N`` joblib tasks at a time (loky processes), and
``--dask ADDRESS`` runs them on a Dask cluster (``local``: one started here).
These options are the harness's, not the preset's: ``main`` sets the
module-level ``N_JOBS`` for the duration of the run (:func:`seed_jobs`;
``map_seeds(..., n_jobs=None)`` reads it) and records ``n_jobs`` and the joblib
backend in the provenance, never in ``config``. So ``check_presets``, ``--set``
and the merging of parts see the same configuration whatever ``N`` is, and a
run with ``--n-jobs 2`` is as canonical as one without: the rows are identical
(each seed's task draws only from its own seed and runs on one thread); only
the wall time and the timing columns measured beside other tasks change.
Loops that exist to time something stay sequential.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
RUNS = BENCHMARKS / "runs"
REPO = BENCHMARKS.parent
_PACKAGES = (
    "sklearn-iclr",
    "numpy",
    "scipy",
    "scikit-learn",
    "torch",
    "skorch",
    "sentence-transformers",
    "transformers",
    "sktime",
    "pandas",
    "cleanlab",
    "torch-geometric",
)
# The running benchmark script's stem (``cold_brew`` for cold_brew.py).
SCRIPT = Path(sys.argv[0]).stem
# Keys of a preset that the harness itself reads.
RESERVED_KEYS = {"seeds", "tables", "description"}
#: Tasks ``map_seeds`` runs at a time when not told: ``--n-jobs`` during ``main``.
#: ``None`` is joblib's default: 1, unless a ``joblib.parallel_backend`` block
#: says otherwise (the Dask backend: every worker).
N_JOBS = None


@dataclass
class Table:
    """One paper table or claim, as the rows a benchmark measured.

    Parameters
    ----------
    rows : list of dict
        One row per (setting, seed): the ``by`` columns name the setting, a
        ``seed`` column the seed, the ``metrics`` columns hold the figures;
        other columns (times, sizes) are kept as they are.
    by : tuple of str
        Columns that name a setting (model, data set, split, ...). Rows that
        agree on them are aggregated over seeds.
    metrics : tuple of str
        Numeric columns summarised as mean, std (``ddof=1``) and count.
    paper : list of dict, default=()
        The paper's figures: rows with ``by`` columns and metric values, shown
        beside ours; a setting may appear here alone (a figure we did not run).
    title : str
        Caption of the table on the results page.
    notes : str
        What the figures mean and how they were made: protocol, deviations.
    lower_is_better : tuple of str
        Metrics for which smaller is better (for the page and the plot).
    plot : callable, default=None
        ``plot(table) -> matplotlib Figure``; ``None`` draws one bar chart per
        metric with the seeds' spread and the paper's figure.
    extra : dict
        Anything else worth keeping in the JSON (not rendered).
    """

    rows: list
    by: tuple
    metrics: tuple
    paper: list = field(default_factory=list)
    title: str = ""
    notes: str = ""
    lower_is_better: tuple = ()
    plot: object = None
    extra: dict = field(default_factory=dict)

    def summary(self):
        """Mean, std and count per setting and metric, in first-seen order."""
        return summarize(self.rows, self.by, self.metrics)


def summarize(rows, by, metrics):
    """Group ``rows`` by the ``by`` columns and summarise each metric."""
    groups = {}
    for row in rows:
        key = tuple(row.get(column) for column in by)
        groups.setdefault(key, []).append(row)
    out = []
    for key, members in groups.items():
        entry = dict(zip(by, key))
        for metric in metrics:
            values = np.array(
                [m[metric] for m in members if _is_number(m.get(metric))], float
            )
            values = values[np.isfinite(values)]
            entry[metric] = {
                "mean": float(values.mean()) if len(values) else None,
                "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                "n": int(len(values)),
            }
        out.append(entry)
    return out


def _is_number(value):
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------


def data_home():
    """The real data sets: $SKLEARN_ICLR_DATA, else ../shared/data; None if absent."""
    for candidate in (
        os.environ.get("SKLEARN_ICLR_DATA"),
        REPO.parent / "shared" / "data",
    ):
        if candidate and Path(candidate).is_dir():
            os.environ["SKLEARN_ICLR_DATA"] = str(candidate)
            return Path(candidate)
    return None


def _git(*args):
    try:
        out = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def git_state():
    """``(revision, dirty)``: dirty means uncommitted changes outside results/."""
    revision = _git("rev-parse", "HEAD")
    status = _git(
        "status", "--porcelain", "--untracked-files=normal", "--", ".",
        ":(exclude)benchmarks/results",
    )  # fmt: skip
    if revision is None or status is None:
        return None, True
    return revision.strip(), bool(status.strip())


def machine_info():
    """CPU, memory, device and library versions of this run."""
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }
    with contextlib.suppress(ImportError):
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    versions = {}
    for package in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    info["versions"] = versions
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = (
            torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        )
    info["omp_num_threads"] = os.environ.get("OMP_NUM_THREADS")
    return info


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------


def check_presets(presets, tables):
    """Raise ``ValueError`` unless every preset is runnable as declared.

    Every preset has non-empty integer ``seeds``; ``tables`` (when given) names
    tables of the script; every preset has the same keys, so a preset cannot
    silently miss a setting another one sets. Both ``quick`` and ``paper``
    exist.
    """
    for required in ("quick", "paper"):
        if required not in presets:
            raise ValueError(f"presets must include {required!r}")
    reference = None
    for name, config in presets.items():
        if not isinstance(config, dict):
            raise ValueError(f"preset {name!r} must be a dict")
        seeds = config.get("seeds")
        if (
            not isinstance(seeds, list | tuple)
            or not seeds
            or not all(isinstance(s, int) for s in seeds)
            or len(set(seeds)) != len(seeds)
        ):
            raise ValueError(
                f"preset {name!r}: 'seeds' must be a non-empty list of distinct ints"
            )
        unknown = set(config.get("tables", tables)) - set(tables)
        if unknown:
            raise ValueError(f"preset {name!r} names unknown tables {sorted(unknown)}")
        keys = set(config) - RESERVED_KEYS
        if reference is None:
            reference = (name, keys)
        elif keys != reference[1]:
            diff = sorted(keys ^ reference[1])
            raise ValueError(
                f"presets {reference[0]!r} and {name!r} set different keys: {diff}"
            )


def resolve(presets, name, overrides=None, seeds=None):
    """The configuration a preset runs with (a copy), after overrides."""
    if name not in presets:
        raise ValueError(f"unknown preset {name!r}; choose from {sorted(presets)}")
    config = json.loads(json.dumps(presets[name]))
    for key, value in (overrides or {}).items():
        if key not in config:
            raise ValueError(f"--set {key}: preset {name!r} has no such key")
        config[key] = value
    if seeds is not None:
        config["seeds"] = list(seeds)
    return config


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def table_payload(name, table, *, preset, config, provenance):
    """The JSON document of one table."""
    return {
        "benchmark": name,
        "script": SCRIPT,
        "title": table.title,
        "notes": table.notes,
        "preset": preset,
        "config": config,
        "by": list(table.by),
        "metrics": list(table.metrics),
        "lower_is_better": list(table.lower_is_better),
        "summary": table.summary(),
        "paper": list(table.paper),
        "rows": table.rows,
        "extra": table.extra,
        "provenance": provenance,
    }


def write_table(out_dir, name, table, *, preset, config, provenance, plot=True):
    """Write ``<out_dir>/<name>.json`` (and ``.png``); return the JSON path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = table_payload(
        name, table, preset=preset, config=config, provenance=provenance
    )
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(payload, indent=1, default=_jsonable) + "\n")
    print(f"wrote {_display(path)}")
    if plot:
        save_table_plot(table, out_dir / f"{name}.png")
    return path


def _display(path):
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def save_table_plot(table, path):
    """Draw ``table`` (its own ``plot`` or the default bars) into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = table.plot(table) if table.plot is not None else default_plot(table)
    if fig is None:
        return None
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {_display(path)}")
    return path


def default_plot(table):
    """One horizontal bar chart per metric: mean, seeds' std, paper's figure."""
    import matplotlib.pyplot as plt

    summary = table.summary()
    if not summary or not table.metrics:
        return None
    labels = [" / ".join(str(s[c]) for c in table.by) for s in summary]
    paper = {" / ".join(str(p.get(c)) for c in table.by): p for p in table.paper or []}
    n = len(table.metrics)
    fig, axes = plt.subplots(
        1, n, figsize=(4.5 * n, 0.35 * len(labels) + 1.2), squeeze=False
    )
    y = np.arange(len(labels))
    for ax, metric in zip(axes[0], table.metrics):
        means = [s[metric]["mean"] for s in summary]
        means = [np.nan if m is None else m for m in means]
        stds = [s[metric]["std"] for s in summary]
        ax.barh(y, means, xerr=stds, color="tab:blue", alpha=0.8, label="ours")
        marks = [paper.get(label, {}).get(metric) for label in labels]
        if any(m is not None for m in marks):
            ax.scatter(
                [np.nan if m is None else m for m in marks],
                y,
                marker="|",
                s=300,
                color="tab:red",
                label="paper",
                zorder=3,
            )
            ax.legend(loc="best", fontsize=7)
        better = "lower" if metric in table.lower_is_better else "higher"
        ax.set_xlabel(f"{metric} ({better} is better)")
        ax.set_yticks(y)
        ax.set_yticklabels(labels if ax is axes[0][0] else [], fontsize=8)
        ax.invert_yaxis()
    if table.title:
        fig.suptitle(table.title, fontsize=10)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------


def _part_name(name, seeds):
    return f"{name}.seeds-{'-'.join(str(s) for s in seeds)}"


def _without_seeds(mapping):
    return {k: v for k, v in mapping.items() if k != "seeds"}


def _parts_of_canonical(path, expected, exclude):
    """The part documents a merged canonical file carries, minus ``exclude``.

    A merged file keeps every part's seeds and provenance (``provenance.parts``),
    its ``extra`` (``extra.parts_extra``, same order) and its rows (each with
    its ``seed``), so the parts can be rebuilt from it alone. Seeds in
    ``exclude`` (run again since) are left out, and a part left with no seed
    is dropped. A canonical file of one whole run, or of another
    configuration, yields nothing.
    """
    if not path.exists():
        return []
    merged = json.loads(path.read_text())
    parts = merged["provenance"].get("parts")
    if not parts:
        return []
    if _without_seeds(merged["config"]) != expected:
        print(
            f"{path.stem}: the canonical file ran another configuration; "
            "its seeds are not reused"
        )
        return []
    keys = ("by", "metrics", "paper", "title", "notes", "lower_is_better")
    head = {k: merged[k] for k in keys}
    documents = []
    for part, extra in zip(parts, merged["extra"]["parts_extra"]):
        seeds = [s for s in part["seeds"] if s not in exclude]
        if seeds:
            documents.append(
                {
                    **head,
                    "config": {**merged["config"], "seeds": seeds},
                    "rows": [r for r in merged["rows"] if r["seed"] in seeds],
                    "extra": extra,
                    "provenance": _without_seeds(part),
                }
            )
    return documents


def merge_parts(preset_dir, name, presets, preset, tables):
    """Merge the parts of one table when they cover the preset's seeds.

    The parts are the files under ``<preset_dir>/parts/`` and, for seeds no
    such file covers, the parts kept in an earlier merged canonical file (a
    part of it that overlaps a newer file keeps only its other seeds). Once
    they cover the preset's seeds, the canonical file is written and the part
    files are deleted: it holds their rows, ``extra`` and provenance.

    Returns the canonical JSON path, or ``None`` while seeds are missing.
    The parts must have run the same configuration apart from ``seeds``.
    """
    parts_dir = Path(preset_dir) / "parts"
    files = sorted(parts_dir.glob(f"{name}.seeds-*.json"))
    documents = [json.loads(p.read_text()) for p in files]
    if not documents:
        return None
    wanted = list(presets[preset]["seeds"])
    expected = _without_seeds(resolve(presets, preset))
    seen = []
    for doc in documents:
        if _without_seeds(doc["config"]) != expected:
            raise ValueError(
                f"{name}: part with seeds {doc['config']['seeds']} ran another "
                "configuration than the preset's; delete it and run it again"
            )
        seen += doc["config"]["seeds"]
    if len(seen) != len(set(seen)):
        raise ValueError(f"{name}: parts overlap in seeds {sorted(seen)}")
    canonical = Path(preset_dir) / f"{name}.json"
    reused = _parts_of_canonical(canonical, expected, exclude=seen)
    documents += reused
    seen += [s for doc in reused for s in doc["config"]["seeds"]]
    if sorted(seen) != sorted(wanted):
        missing = sorted(set(wanted) - set(seen))
        print(f"{name}: parts so far cover seeds {sorted(seen)}; missing {missing}")
        return None
    documents.sort(key=lambda doc: min(doc["config"]["seeds"]))
    first = documents[0]
    rows = [row for doc in documents for row in doc["rows"]]
    table = Table(
        rows=rows,
        by=tuple(first["by"]),
        metrics=tuple(first["metrics"]),
        paper=first["paper"],
        title=first["title"],
        notes=first["notes"],
        lower_is_better=tuple(first["lower_is_better"]),
        extra={"parts_extra": [doc["extra"] for doc in documents]},
    )
    # The plot function is the script's: rebuild it from the table function.
    plot_source = tables.get(name)
    table.plot = getattr(plot_source, "plot", None)
    provenance = {
        "merged_at": _now(),
        "parts": [
            {"seeds": d["config"]["seeds"], **d["provenance"]} for d in documents
        ],
    }
    config = resolve(presets, preset)
    path = write_table(
        preset_dir, name, table, preset=preset, config=config, provenance=provenance
    )
    # The canonical file now carries everything the parts held.
    for file in files:
        file.unlink()
    with contextlib.suppress(OSError):
        parts_dir.rmdir()  # only when no other table's parts remain
    return path


# ---------------------------------------------------------------------------
# Seeds in parallel
# ---------------------------------------------------------------------------


def map_seeds(function, seeds, n_jobs=None):
    """``[function(seed) for seed in seeds]``, the seeds as joblib tasks.

    Parameters
    ----------
    function : callable
        ``function(seed) -> result``, self-contained: it may read what it
        closes over but changes nothing outside (its prints are its progress).
        It travels to the workers by pickling (cloudpickle: closures and the
        script's own functions are fine).
    seeds : iterable of int
        The seeds, one task each.
    n_jobs : int, default=None
        Tasks at a time, as joblib's ``n_jobs`` (``-1``: every processor).
        ``None`` takes the ``--n-jobs`` of the running :func:`main`, and
        without one joblib's default: 1, or what an enclosing
        ``joblib.parallel_backend`` block says. The backend is joblib's
        current one: loky processes, or the cluster of a
        ``joblib.parallel_backend("dask")`` block (``--dask``).

    Returns
    -------
    results : list
        One result per seed, in the order of ``seeds``, whatever order the
        tasks finished in.

    Notes
    -----
    Every task, in this process or a worker, runs with one torch intra-op
    thread and one BLAS/OpenMP thread, so that ``n_jobs`` workers do not
    oversubscribe the cores and a result does not depend on how many threads
    summed it. The ``"threading"`` backend is not suitable for torch code:
    :func:`sklearn_iclr._torch.seeded` seeds torch's process-wide generator,
    which threads would share; use processes (loky, or Dask workers with one
    thread each).
    """
    from joblib import Parallel, delayed

    seeds = list(seeds)
    n_jobs = N_JOBS if n_jobs is None else n_jobs
    if n_jobs != 1 and len(seeds) > 1:
        _ship_by_value()
    return Parallel(n_jobs=n_jobs)(delayed(_one_task)(function, s) for s in seeds)


@contextlib.contextmanager
def seed_jobs(n_jobs):
    """Within the block, ``map_seeds(..., n_jobs=None)`` runs ``n_jobs`` tasks."""
    global N_JOBS
    previous, N_JOBS = N_JOBS, n_jobs
    try:
        yield
    finally:
        N_JOBS = previous


def _one_task(function, seed):
    import importlib.util

    from threadpoolctl import threadpool_limits

    torch = None
    if importlib.util.find_spec("torch") is not None:
        import torch
    previous = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(1)
        with threadpool_limits(limits=1):
            return function(seed)
    finally:
        if torch is not None:
            torch.set_num_threads(previous)


def _ship_by_value():
    # A worker unpickles a task by importing the modules its functions come
    # from; ``_harness`` is importable only with benchmarks/ on the path, which
    # a Dask worker (or a loky worker started earlier) may lack. Pickled by
    # value, the harness's functions travel with the task instead.
    import cloudpickle

    module = sys.modules.get(__name__)
    if module is not None and getattr(module, "__file__", None) == __file__:
        with contextlib.suppress(ValueError):
            cloudpickle.register_pickle_by_value(module)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _parse_set(items):
    overrides = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


@contextlib.contextmanager
def dask_backend(address, n_workers=None):
    """Run the block under joblib's ``"dask"`` backend.

    ``address`` is a scheduler's (``tcp://host:8786``), or ``"local"`` for a
    local cluster of ``n_workers`` (as joblib's ``n_jobs``: ``-1`` is every
    processor; default 2) processes of one thread each, closed at the end of
    the block. Within it, ``map_seeds(..., n_jobs=None)`` uses every worker.
    """
    import logging

    import distributed
    from joblib import effective_n_jobs, parallel_backend

    cluster = None
    if address == "local":
        cluster = distributed.LocalCluster(
            n_workers=2 if n_workers is None else effective_n_jobs(n_workers),
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    try:
        with distributed.Client(cluster or address), parallel_backend("dask"):
            yield
    finally:
        if cluster is not None:
            cluster.close()


def _joblib_setting(n_jobs):
    """The backend's name and the tasks ``map_seeds`` would run at a time."""
    from joblib import effective_n_jobs
    from joblib.parallel import get_active_backend

    backend = type(get_active_backend()[0]).__name__
    return backend.removesuffix("Backend"), effective_n_jobs(n_jobs)


def _n_jobs(text):
    value = int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("--n-jobs must not be 0")
    return value


def main(doc, presets, tables, argv=None):
    """Run a benchmark script's presets from the command line.

    ``tables`` maps each table name (the results file stem) to a function
    ``fn(config) -> Table``. Returns the process exit code.
    """
    check_presets(presets, tables)
    script = Path(sys.argv[0]).name if argv is None else "benchmark"
    parser = argparse.ArgumentParser(
        prog=script,
        description=(doc or "").strip().splitlines()[0] if doc else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="presets:\n"
        + "\n".join(
            f"  {name}: {config.get('description', '')}"
            for name, config in presets.items()
        ),
    )
    parser.add_argument("--preset", default="quick", choices=sorted(presets))
    parser.add_argument(
        "--tables", nargs="+", choices=sorted(tables), help="run only these tables"
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", help="run these seeds only (a part)"
    )
    parser.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a preset key (JSON value); exploration only, needs --out",
    )
    parser.add_argument("--out", type=Path, help="write here instead of results/")
    parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        metavar="N",
        help="run the seeds of a table as N joblib tasks at a time (default 1; "
        "-1: every processor); the rows are identical, so the result stays "
        "canonical",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the seeds' tasks on every worker of a Dask cluster: its "
        "scheduler's address, or 'local' for a local cluster of --n-jobs "
        "(default 2) one-thread worker processes",
    )
    parser.add_argument(
        "--merge", action="store_true", help="merge the parts written so far"
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the configuration, stop"
    )
    args = parser.parse_args(argv)

    overrides = _parse_set(args.set)
    config = resolve(presets, args.preset, overrides, args.seeds)
    selected = args.tables or config.get("tables") or list(tables)
    if args.print_config:
        print(json.dumps({"preset": args.preset, "config": config}, indent=1))
        return 0

    preset_dir = RESULTS / args.preset
    if args.merge:
        for name in selected:
            merge_parts(preset_dir, name, presets, args.preset, tables)
        return 0

    revision, dirty = git_state()
    if args.out is None:
        if overrides:
            raise SystemExit(
                "--set changes the preset, so the result is not canonical: "
                "pass --out benchmarks/runs/<name> to write it there"
            )
        if dirty:
            raise SystemExit(
                "refusing to write into benchmarks/results/: the code has "
                "uncommitted changes (git status). Commit them first, or pass "
                "--out benchmarks/runs/<name> for an exploratory run."
            )

    partial = args.seeds is not None and sorted(args.seeds) != sorted(
        presets[args.preset]["seeds"]
    )
    out_dir = args.out or preset_dir
    with contextlib.ExitStack() as stack:
        if args.dask:
            # --n-jobs sizes a local cluster; the seeds then use every worker
            # (joblib runs n_jobs=1 in this process, whatever the backend).
            stack.enter_context(dask_backend(args.dask, args.n_jobs))
            stack.enter_context(seed_jobs(None))
        else:
            stack.enter_context(seed_jobs(args.n_jobs))
        backend, n_jobs = _joblib_setting(N_JOBS)
        for name in selected:
            started = _now()
            start = time.perf_counter()
            print(f"== {name} (preset {args.preset}, seeds {config['seeds']})")
            table = tables[name](config)
            if table is None:
                print(f"{name}: skipped (see the message above)")
                continue
            if table.plot is None:
                table.plot = getattr(tables[name], "plot", None)
            provenance = {
                "argv": [script, *(sys.argv[1:] if argv is None else argv)],
                "git_revision": revision,
                "git_dirty": dirty,
                "started": started,
                "wall_seconds": round(time.perf_counter() - start, 1),
                "n_jobs": n_jobs,
                "joblib_backend": backend,
                "machine": machine_info(),
            }
            print_table(_flat_summary(table), title=table.title)
            if partial:
                write_table(
                    Path(out_dir) / "parts",
                    _part_name(name, config["seeds"]),
                    table,
                    preset=args.preset,
                    config=config,
                    provenance=provenance,
                    plot=False,
                )
                if args.out is None:
                    merge_parts(preset_dir, name, presets, args.preset, tables)
            else:
                write_table(
                    out_dir,
                    name,
                    table,
                    preset=args.preset,
                    config=config,
                    provenance=provenance,
                )
    return 0


def _flat_summary(table):
    flat = []
    for entry in table.summary():
        row = {c: entry[c] for c in table.by}
        for metric in table.metrics:
            s = entry[metric]
            row[metric] = (
                "n/a" if s["mean"] is None else f"{s['mean']:.4g} ± {s['std']:.2g}"
            )
        flat.append(row)
    return flat


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def print_table(rows, columns=None, *, title=None):
    """Print a list of dicts as an aligned text table."""
    if not rows:
        return
    columns = columns or list(rows[0])
    cells = [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [
        max(len(str(c)), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)
    ]
    if title:
        print(f"\n{title}")
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class Measurement:
    """Wall time and peak resident memory of a block (see :func:`measure`)."""

    seconds = None
    peak_rss_mb = None
    peak_rss_increase_mb = None


@contextlib.contextmanager
def measure(interval=0.01):
    """Measure the wall time and the peak resident memory of a block.

    Memory is sampled from a background thread (psutil), which also sees torch's
    allocations, unlike tracemalloc.
    """
    import psutil

    process = psutil.Process()
    result = Measurement()
    baseline = process.memory_info().rss
    peak = [baseline]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - start
        stop.set()
        thread.join()
        peak[0] = max(peak[0], process.memory_info().rss)
        result.peak_rss_mb = peak[0] / 2**20
        result.peak_rss_increase_mb = (peak[0] - baseline) / 2**20
