"""Shared harness for the benchmark scripts in this folder.

Each ``benchmarks/<name>.py`` measures one method against the paper's table and
calls :func:`write_results`, which records the figures together with the
machine, the library versions and the git revision in
``benchmarks/results/<name>.json``; :func:`print_table` prints the table and
:func:`save_plot` writes ``benchmarks/results/<name>*.png``.
"""

import contextlib
import datetime
import json
import os
import platform
import subprocess
import threading
import time
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]
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
)


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


def machine_info():
    """CPU, memory, device, library versions and git revision of this run."""
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
    }
    with contextlib.suppress(ImportError):
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    versions = {}
    for package in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    info["versions"] = versions
    with contextlib.suppress(ImportError):
        import torch

        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = (
            torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        )
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True
        )
        info["git_revision"] = rev.stdout.strip() or None
        info["git_dirty"] = bool(dirty.stdout.strip())
    except OSError:
        info["git_revision"] = None
    return info


def write_results(name, figures, *, config=None):
    """Write ``benchmarks/results/<name>.json`` and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "config": config or {},
        "machine": machine_info(),
        "figures": figures,
    }
    path.write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")
    print(f"wrote {path.relative_to(REPO)}")
    return path


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


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


def save_plot(fig, name):
    """Save a matplotlib figure as ``benchmarks/results/<name>.png``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    print(f"wrote {path.relative_to(REPO)}")
    return path


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
