"""Seeding torch from a scikit-learn ``random_state``."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import os

import numpy as np
from sklearn.utils import check_random_state

from ._imports import torch


def torch_seed(random_state):
    """Derive an integer torch seed from a scikit-learn ``random_state``.

    Equal integer ``random_state`` gives equal seeds; ``None`` draws from numpy's
    global generator (so ``np.random.seed`` makes it repeatable), and a
    ``RandomState`` instance is advanced, as scikit-learn estimators do.
    """
    rng = check_random_state(random_state)
    return int(rng.randint(np.iinfo(np.int32).max))


#: Environment variable setting how many intra-op threads torch uses while an
#: estimator trains: an integer, or ``0`` for torch's own default.
THREADS_ENV = "SKLEARN_ICLR_TORCH_THREADS"


def training_threads():
    """The number of torch intra-op threads for training (``None``: torch's own).

    The default is one thread. The networks of this toolkit are small (a few
    layers of tens to hundreds of units), and torch's per-operation
    parallelism costs more in synchronisation than it gains on them: a Cold
    Brew fit of 50 epochs on 2,000 nodes took 3.6 s with one thread and
    16.0 s with two on a 2-core machine running one other job (20,000 nodes:
    21 s and 213 s under heavier load). Set ``SKLEARN_ICLR_TORCH_THREADS`` to
    a larger number for big models on an otherwise idle machine, or to ``0``
    to leave torch's setting (``torch.set_num_threads``) alone.
    """
    value = os.environ.get(THREADS_ENV, "1").strip()
    try:
        threads = int(value)
    except ValueError:
        raise ValueError(
            f"{THREADS_ENV} must be a non-negative integer, got {value!r}"
        ) from None
    if threads < 0:
        raise ValueError(f"{THREADS_ENV} must be a non-negative integer, got {threads}")
    return threads or None


@contextlib.contextmanager
def torch_threads(threads):
    """Run a block with ``threads`` torch intra-op threads (``None``: unchanged)."""
    previous = torch.get_num_threads()
    if threads is None or threads == previous:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextlib.contextmanager
def seeded(seed, device="cpu"):
    """Run a block under a fixed torch seed without disturbing global state.

    Torch's global generators (CPU, and CUDA when ``device`` is a CUDA device)
    are saved, seeded with ``seed`` and restored on exit, so weight
    initialisation, dropout and data-loader shuffling inside the block are
    repeatable, and the caller's own random stream is left as it was. The
    block also runs with the toolkit's training thread count
    (:func:`training_threads`: one thread unless ``SKLEARN_ICLR_TORCH_THREADS``
    says otherwise), restored on exit.

    Parameters
    ----------
    seed : int
        Seed, typically from :func:`torch_seed`.
    device : str, default="cpu"
        Device the block computes on.

    Yields
    ------
    generator : torch.Generator
        A CPU generator seeded with ``seed``, for code that takes one explicitly.
    """
    cuda_devices = []
    if str(device).startswith("cuda") and torch.cuda.is_available():
        cuda_devices = [torch.device(device).index or 0]
    with torch.random.fork_rng(devices=cuda_devices), torch_threads(training_threads()):
        torch.manual_seed(seed)
        if cuda_devices:
            torch.cuda.manual_seed(seed)
        yield torch.Generator().manual_seed(seed)
