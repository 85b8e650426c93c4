"""joblib parallelism shared by the toolkit's embarrassingly parallel loops.

scikit-learn's ``Parallel``/``delayed`` pass the caller's scikit-learn
configuration on to the workers (``set_config`` holds in every process, on a
Dask cluster too), so the toolkit uses them rather than joblib's own.

Reproducibility rule of the toolkit: a task never draws from a random
generator shared with other tasks. Its random numbers are drawn in the
calling process, in task order (joblib consumes the task generator lazily,
in order, under a lock), and travel with the task; results are combined in
task order. A fixed ``random_state`` then gives the same result for any
``n_jobs`` and any joblib backend.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from sklearn.utils.parallel import Parallel, delayed

__all__ = ["Parallel", "delayed"]
