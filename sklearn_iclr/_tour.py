"""The quick tour: every registered estimator on data that needs no download.

Each family registers its steps in ``sklearn_iclr/<family>/_tour.py`` as a
module-level list ``STEPS`` of callables. A step takes ``fast`` (bool: smallest
settings) and ``verbose`` (int), fits one estimator on bundled or generated
data (or on a data set already in the data home, never downloading, with a
fallback that says so), and returns a :class:`TourResult`.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import argparse
import importlib
import time
from dataclasses import dataclass

from .utils.discovery import FAMILIES, all_estimators


@dataclass
class TourResult:
    """What one step of the tour did and the figure that sums it up."""

    estimator: str
    did: str
    headline: str


def registered_steps():
    """The tour steps of every family, in family order."""
    steps = []
    for family in FAMILIES:
        name = f"sklearn_iclr.{family}._tour"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        steps += [(family, step) for step in getattr(module, "STEPS", [])]
    return steps


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_iclr",
        description="Quick tour of every sklearn_iclr estimator on bundled data.",
    )
    parser.add_argument("--fast", action="store_true", help="smallest settings")
    parser.add_argument("--only", help="run only the steps of this family")
    parser.add_argument("-v", "--verbose", type=int, default=0, help="training output")
    args = parser.parse_args(argv)

    from . import __version__

    print(f"sklearn-iclr {__version__}: quick tour")
    estimators = all_estimators()
    if estimators:
        print("Registered estimators: " + ", ".join(name for name, _ in estimators))
    else:
        print("No estimators are registered yet.")

    steps = [(f, s) for f, s in registered_steps() if args.only in (None, f)]
    if not steps:
        print("No tour steps are registered yet; nothing to run.")
        return 0

    results = []
    start = time.perf_counter()
    for i, (family, step) in enumerate(steps, 1):
        print(f"[{i}/{len(steps)}] {family}: {step.__doc__.strip().splitlines()[0]}")
        t0 = time.perf_counter()
        result = step(fast=args.fast, verbose=args.verbose)
        elapsed = time.perf_counter() - t0
        print(f"    {result.did}")
        print(f"    -> {result.headline}  ({elapsed:.1f} s)")
        results.append((result, elapsed))

    print(f"\nTour finished in {time.perf_counter() - start:.1f} s.")
    width = max(len(r.estimator) for r, _ in results)
    for result, elapsed in results:
        print(f"  {result.estimator:<{width}}  {result.headline}  [{elapsed:.1f} s]")
    return 0
