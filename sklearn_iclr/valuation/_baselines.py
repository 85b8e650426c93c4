"""Baseline data valuation methods, for comparison with DIVA.

All functions return one value per training row, higher meaning more useful,
so that their rankings can be compared with ``DIVAWeighter.score_samples``.

Each takes ``n_jobs``: their refits (or blocks of validation rows) are
independent joblib tasks. Random numbers are drawn in the calling process in
task order and travel with the tasks, and the tasks' results are summed in
task order, so the values are the same for any ``n_jobs`` and any joblib
backend (a Dask cluster included). Four public functions, each with its
task helper and docstring, make the module ~500 lines.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.metrics.pairwise import pairwise_distances
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_consistent_length

from ..utils._parallel import Parallel, delayed
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)


def _check_xy(X, y, name="X"):
    X = check_array(X, accept_sparse=("csr",), dtype=np.float64, input_name=name)
    y = np.asarray(y)
    y_name = "y_val" if name == "X_val" else "y"
    if y.ndim != 1:
        raise ValueError(f"{y_name} must be one-dimensional, got shape {y.shape}.")
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError(f"{y_name} contains NaN or infinity.")
    if y.dtype == object and any(v is None or v != v for v in y):
        raise ValueError(f"{y_name} contains missing values (None or NaN).")
    check_consistent_length(X, y)
    return X, y


def _check_val(X, X_val, y_val):
    X_val, y_val = _check_xy(X_val, y_val, "X_val")
    if X_val.shape[1] != X.shape[1]:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features but X has {X.shape[1]}; the "
            "validation rows must have the training rows' columns."
        )
    return X_val, y_val


def _subset_score(estimator, scorer, X, y, X_val, y_val, idx, empty_score):
    """Score of ``estimator`` trained on rows ``idx`` (constant fallbacks)."""
    if len(idx) == 0:
        return empty_score
    y_sub = y[idx]
    if is_classifier(estimator) and np.unique(y_sub).size < 2:
        # Too few classes to fit: the model predicts the one class it saw.
        return float(np.mean(y_val == y_sub[0]))
    model = clone(estimator).fit(X[idx], y_sub)
    return float(scorer(model, X_val, y_val))


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "X_val": ["array-like", "sparse matrix"],
        "y_val": ["array-like"],
        "scoring": [None, str, callable],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=False,
)
def leave_one_out_values(estimator, X, y, X_val, y_val, *, scoring=None, n_jobs=None):
    """Exact leave-one-out values by refitting without each row.

    ``value_i = score(model trained on all rows) - score(model trained
    without row i)`` on the validation set: ``n + 1`` fits.

    Parameters
    ----------
    estimator : estimator
        Model refitted ``n + 1`` times (cloned).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Training targets.
    X_val : {array-like, sparse matrix} of shape (n_val, n_features)
        Validation data.
    y_val : array-like of shape (n_val,)
        Validation targets.
    scoring : str, callable or None, default=None
        Validation score (higher is better); ``None`` uses
        ``estimator.score``.
    n_jobs : int or None, default=None
        Number of refits run at once in joblib workers (the ``n`` refits are
        independent, and each is a full fit of the estimator). ``None`` means 1
        unless in a :func:`joblib.parallel_backend` context (for example
        ``"dask"`` to use a Dask cluster); ``-1`` uses every processor. The
        values do not depend on it.

    Returns
    -------
    values : ndarray of shape (n_samples,)
        Drop in validation score when the row is removed.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_iclr.valuation import leave_one_out_values
    >>> X, y = load_iris(return_X_y=True)
    >>> values = leave_one_out_values(LogisticRegression(), X[::10], y[::10], X, y)
    >>> values.shape
    (15,)
    """
    X, y = _check_xy(X, y)
    X_val, y_val = _check_val(X, X_val, y_val)
    scorer = check_scoring(estimator, scoring=scoring)
    n = X.shape[0]
    everything = np.arange(n)
    full = _subset_score(estimator, scorer, X, y, X_val, y_val, everything, np.nan)
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_subset_score)(
            estimator, scorer, X, y, X_val, y_val, np.delete(everything, i), np.nan
        )
        for i in range(n)
    )
    return full - np.asarray(scores, dtype=np.float64)


def _knn_shapley_block(X, y, X_val, y_val, coef, metric):
    """Summed KNN-Shapley values of the training rows for a block of points."""
    n = X.shape[0]
    D = pairwise_distances(X_val, X, metric=metric)
    order = np.argsort(D, axis=1, kind="stable")
    match = (y[order] == y_val[:, None]).astype(np.float64)
    s = np.empty_like(match)
    s[:, -1] = match[:, -1] / n
    # s_i = s_{i+1} + (m_i - m_{i+1}) * coef_i, accumulated from the end.
    increments = (match[:, :-1] - match[:, 1:]) * coef[None, :]
    s[:, :-1] = s[:, -1:] + np.cumsum(increments[:, ::-1], axis=1)[:, ::-1]
    values = np.zeros(n)
    np.add.at(values, order.ravel(), s.ravel())
    return values


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "X_val": ["array-like", "sparse matrix"],
        "y_val": ["array-like"],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "metric": [str, callable],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def knn_shapley_values(
    X,
    y,
    X_val,
    y_val,
    *,
    n_neighbors=5,
    metric="euclidean",
    batch_size=256,
    n_jobs=None,
):
    """Exact Shapley values of a K-nearest-neighbour classifier (closed form).

    Jia et al. (2019), Theorem 1: for each validation point, sort the
    training rows by distance (nearest first, ``a_1 ... a_N``); then
    ``s_{a_N} = 1[y_{a_N} = y_val] / N`` and
    ``s_{a_i} = s_{a_{i+1}} + (1[y_{a_i} = y_val] - 1[y_{a_{i+1}} = y_val])
    / K * min(K, i) / i``.  Values are averaged over the validation points.
    Cost ``O(n_val n log n)``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Training labels.
    X_val : {array-like, sparse matrix} of shape (n_val, n_features)
        Validation data.
    y_val : array-like of shape (n_val,)
        Validation labels.
    n_neighbors : int, default=5
        ``K`` of the nearest-neighbour classifier.
    metric : str or callable, default="euclidean"
        Distance, as in :func:`sklearn.metrics.pairwise_distances`.
    batch_size : int, default=256
        Validation points processed at once (memory ``batch_size * n``).
    n_jobs : int or None, default=None
        Number of blocks of ``batch_size`` validation points run at once in
        joblib workers (with many validation points the distances and sorts
        dominate, and the blocks are independent); each worker holds
        ``batch_size * n`` distances. ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context (for example ``"dask"`` to use a
        Dask cluster); ``-1`` uses every processor. The values do not depend on
        it.

    Returns
    -------
    values : ndarray of shape (n_samples,)
        The KNN-Shapley value of each training row.

    References
    ----------
    .. [1] R. Jia et al., "Efficient Task-Specific Data Valuation for
       Nearest Neighbor Algorithms", PVLDB 12(11), 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.valuation import knn_shapley_values
    >>> X = np.array([[0.0], [0.1], [1.0], [1.1]])
    >>> y = np.array([0, 0, 1, 0])
    >>> X_val, y_val = np.array([[0.05], [0.95]]), np.array([0, 1])
    >>> values = knn_shapley_values(X, y, X_val, y_val, n_neighbors=1)
    >>> int(np.argmin(values))
    3
    """
    X, y = _check_xy(X, y)
    X_val, y_val = _check_val(X, X_val, y_val)
    n = X.shape[0]
    K = n_neighbors
    ranks = np.arange(1, n + 1, dtype=np.float64)  # i = 1 .. N
    coef = np.minimum(K, ranks[:-1]) / ranks[:-1] / K  # for i = 1 .. N-1
    blocks = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_knn_shapley_block)(
            X,
            y,
            X_val[start : start + batch_size],
            y_val[start : start + batch_size],
            coef,
            metric,
        )
        for start in range(0, X_val.shape[0], batch_size)
    )
    values = np.zeros(n)
    for block in blocks:  # summed in block order: the same for any n_jobs
        values += block
    return values / X_val.shape[0]


def _oob_scores(model, X, y, idx, oob, task):
    """Out-of-bag score of each row of ``oob`` for a model fitted on ``idx``."""
    pred = model.fit(X[idx], y[idx]).predict(X[oob])
    if task == "classification":
        return oob, (pred == y[oob]).astype(np.float64)
    return oob, -((pred - y[oob]) ** 2)


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "estimator": [None, HasMethods(["fit", "predict"])],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "task": [StrOptions({"classification", "regression"})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def data_oob_values(
    X,
    y,
    *,
    estimator=None,
    n_estimators=200,
    task="classification",
    n_jobs=None,
    random_state=None,
):
    """Data-OOB: out-of-bag accuracy of each row over a bagged ensemble.

    Kwon & Zou (2023): train ``n_estimators`` models on bootstrap samples;
    a row's value is the mean, over the models for which it is out of bag,
    of ``1[f_b(x_i) = y_i]`` (classification) or ``-(f_b(x_i) - y_i)^2``
    (regression).  No validation set is needed.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Training targets.
    estimator : estimator or None, default=None
        Weak learner (cloned); ``None`` is a fully grown decision tree, as in
        the paper.
    n_estimators : int, default=200
        Number of bootstrap models (the paper uses 800).
    task : {"classification", "regression"}, default="classification"
        Kind of target.
    n_jobs : int or None, default=None
        Number of bootstrap models run at once in joblib workers (the paper's
        800 models are independent fits). ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context (for example ``"dask"`` to use a
        Dask cluster); ``-1`` uses every processor. The values do not depend on
        it.
    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap samples and the learners.

    Returns
    -------
    values : ndarray of shape (n_samples,)
        Out-of-bag score of each row (NaN if never out of bag).

    References
    ----------
    .. [1] Y. Kwon and J. Zou, "Data-OOB: Out-of-bag Estimate as a Simple
       and Efficient Data Value", ICML 2023.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_iclr.valuation import data_oob_values
    >>> X, y = load_iris(return_X_y=True)
    >>> data_oob_values(X, y, n_estimators=20, random_state=0).shape
    (150,)
    """
    X, y = _check_xy(X, y)
    rng = check_random_state(random_state)
    if estimator is None:
        estimator = (
            DecisionTreeClassifier()
            if task == "classification"
            else DecisionTreeRegressor()
        )
    n = X.shape[0]

    def bootstraps():
        # Drawn here, lazily and in order: the same samples for any n_jobs.
        for _ in range(n_estimators):
            idx = rng.randint(0, n, size=n)
            oob = np.setdiff1d(np.arange(n), idx, assume_unique=False)
            if oob.size == 0:
                continue
            model = clone(estimator)
            if "random_state" in model.get_params():
                model.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
            yield model, idx, oob

    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_oob_scores)(model, X, y, idx, oob, task)
        for model, idx, oob in bootstraps()
    )
    total = np.zeros(n)
    count = np.zeros(n)
    for oob, scores in results:  # accumulated in model order
        total[oob] += scores
        count[oob] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _tmc_permutation(
    estimator, scorer, X, y, X_val, y_val, perm, empty, full, truncation_tol
):
    """Marginal gains of the rows along one permutation (truncated)."""
    gains = np.zeros(X.shape[0])
    previous = empty
    for k in range(len(perm)):
        if abs(full - previous) <= truncation_tol * abs(full):
            break  # truncation: the rest of this permutation gets 0
        current = _subset_score(
            estimator, scorer, X, y, X_val, y_val, perm[: k + 1], empty
        )
        gains[perm[k]] = current - previous
        previous = current
    return gains


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "X_val": ["array-like", "sparse matrix"],
        "y_val": ["array-like"],
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "truncation_tol": [Interval(Real, 0, None, closed="left")],
        "scoring": [None, str, callable],
        "max_time": [None, Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def tmc_shapley_values(
    estimator,
    X,
    y,
    X_val,
    y_val,
    *,
    n_permutations=50,
    truncation_tol=0.01,
    scoring=None,
    max_time=None,
    n_jobs=None,
    random_state=None,
):
    """Truncated Monte-Carlo Data Shapley values.

    Ghorbani & Zou (2019), Algorithm 1: for random permutations of the
    training rows, add the rows one by one, refit, and credit each row with
    the change of the validation score; once the score is within
    ``truncation_tol`` (relative) of the full-data score, the remaining rows
    of that permutation get 0.  Values are averaged over permutations.

    Parameters
    ----------
    estimator : estimator
        Model refitted at every step (cloned).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Training targets.
    X_val : {array-like, sparse matrix} of shape (n_val, n_features)
        Validation data.
    y_val : array-like of shape (n_val,)
        Validation targets.
    n_permutations : int, default=50
        Number of Monte-Carlo permutations.
    truncation_tol : float, default=0.01
        Relative tolerance of the truncation.
    scoring : str, callable or None, default=None
        Validation score; ``None`` uses ``estimator.score``.  The empty set
        scores as predicting the most frequent validation class
        (classification) or ``scorer`` of a constant 0 model otherwise.
    max_time : float or None, default=None
        Stop after the permutation running when this many seconds elapsed
        (at least one permutation runs). The permutations are counted in
        order; with ``n_jobs > 1`` the ones already started past the budget
        are discarded.
    n_jobs : int or None, default=None
        Number of permutations run at once in joblib workers (each permutation
        refits the estimator up to ``n`` times, independently of the others).
        ``None`` means 1 unless in a :func:`joblib.parallel_backend` context
        (for example ``"dask"`` to use a Dask cluster); ``-1`` uses every
        processor. The values do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seed of the permutations.

    Returns
    -------
    values : ndarray of shape (n_samples,)
        Estimated Data Shapley value of each row.

    References
    ----------
    .. [1] A. Ghorbani and J. Zou, "Data Shapley: Equitable Valuation of
       Data for Machine Learning", ICML 2019.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_iclr.valuation import tmc_shapley_values
    >>> X, y = load_iris(return_X_y=True)
    >>> values = tmc_shapley_values(
    ...     LogisticRegression(), X[::10], y[::10], X, y, n_permutations=2,
    ...     random_state=0)
    >>> values.shape
    (15,)
    """
    X, y = _check_xy(X, y)
    X_val, y_val = _check_val(X, X_val, y_val)
    scorer = check_scoring(estimator, scoring=scoring)
    rng = check_random_state(random_state)
    n = X.shape[0]
    if is_classifier(estimator):
        _, counts = np.unique(y_val, return_counts=True)
        empty = float(counts.max() / counts.sum())
    else:
        empty = 0.0
    full = _subset_score(estimator, scorer, X, y, X_val, y_val, np.arange(n), empty)
    # Permutations drawn here, lazily and in order: the same for any n_jobs.
    perms = (rng.permutation(n) for _ in range(n_permutations))
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_tmc_permutation)(
            estimator, scorer, X, y, X_val, y_val, perm, empty, full, truncation_tol
        )
        for perm in perms
    )
    values = np.zeros(n)
    start = time.perf_counter()
    done = 0
    for gains in results:  # summed in permutation order
        values += gains
        done += 1
        if max_time is not None and time.perf_counter() - start > max_time:
            break
    return values / done
