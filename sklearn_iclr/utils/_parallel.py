"""joblib parallelism shared by the toolkit's embarrassingly parallel loops.

scikit-learn's ``Parallel``/``delayed`` pass the caller's scikit-learn
configuration on to the workers (``set_config`` holds in every process, on a
Dask cluster too), so the toolkit uses them rather than joblib's own.

Reproducibility rule of the toolkit: a task never draws from a generator
shared with other tasks. Random numbers are either drawn in the calling
process, in task order, and sent with the task, or each task gets its own
seed from :func:`task_seeds`; either way a fixed ``random_state`` gives the
same result for any ``n_jobs`` and any joblib backend.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed

__all__ = ["Parallel", "delayed", "task_seeds"]


def task_seeds(random_state, n_tasks):
    """One independent integer seed per task, drawn from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        The caller's seed.
    n_tasks : int
        Number of tasks.

    Returns
    -------
    seeds : ndarray of shape (n_tasks,)
        Seeds for :class:`numpy.random.RandomState`, the same for a fixed
        ``random_state`` whatever runs the tasks.
    """
    rng = check_random_state(random_state)
    return rng.randint(np.iinfo(np.int32).max, size=n_tasks)
