"""Transitional alias of the metrics' old private module (no code of its own).

The metrics now live in ``_ts2vec.py``, ``_fid.py``, ``_post_hoc_scores.py``
and ``_scorer.py``, and are public through :mod:`sklearn_iclr.timeseries.
metrics`. This alias only keeps ``from ._metrics import ...`` in ``_psa_gan.py``
working; delete it once that module imports from ``.metrics``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from .metrics import *  # noqa: F403
from .metrics import __all__  # noqa: F401
