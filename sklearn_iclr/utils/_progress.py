"""Labelled progress output for long work, with or without tqdm."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import sys

__all__ = ["progress"]


def progress(iterable, *, verbose=0, desc=None, total=None):
    """Wrap ``iterable`` in a labelled progress bar when ``verbose`` is truthy.

    tqdm draws the bar when it is installed (the ``torch`` extra brings it);
    otherwise one plain line per step goes to standard error, so the
    torch-free parts of the toolkit report progress too.

    Parameters
    ----------
    iterable : iterable
        The steps.
    verbose : int, default=0
        ``0`` returns ``iterable`` unchanged.
    desc : str, default=None
        The label: which model, which stage.
    total : int, default=None
        The number of steps, when ``iterable`` has no length.

    Returns
    -------
    iterable
    """
    if not verbose:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _plain(iterable, desc, total)
    return tqdm(iterable, desc=desc, total=total)


def _plain(iterable, desc, total):
    for i, item in enumerate(iterable, start=1):
        yield item
        print(f"{desc}: {i}/{total}", file=sys.stderr, flush=True)
