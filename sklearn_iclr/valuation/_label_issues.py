"""Flag likely mislabelled training rows with the dataset derivative."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.utils.multiclass import type_of_target

from ..utils._sklearn_compat import Interval, validate_params
from ._diva import DIVAWeighter


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "weighter": [None, DIVAWeighter],
        "n_issues": [None, Interval(Integral, 0, None, closed="left")],
        "threshold": [None, Interval(Real, None, None, closed="both")],
        "return_values": ["boolean"],
    },
    prefer_skip_nested_validation=False,
)
def find_label_issues(
    X, y, *, weighter=None, n_issues=None, threshold=None, return_values=False
):
    """Indices of training rows that are likely mislabelled, worst first.

    Fits a :class:`DIVAWeighter` (without its weight steps, which the values
    do not depend on) and ranks the rows by their DIVA value
    (``-dataset_derivative_``): a row with a negative value increases the
    leave-one-out loss of the other rows when it is up-weighted, which is
    what a wrong label does.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Class labels, possibly noisy.
    weighter : DIVAWeighter or None, default=None
        Weighter to fit (cloned); ``None`` uses ``DIVAWeighter()``.
    n_issues : int or None, default=None
        Return the ``n_issues`` rows of lowest value (top-k rule).
    threshold : float or None, default=None
        Return the rows whose value is below ``threshold``.  When neither
        ``n_issues`` nor ``threshold`` is given, ``threshold=0`` (the rows
        whose removal lowers the LOO loss to first order).  When both are
        given, at most ``n_issues`` rows below ``threshold``.
    return_values : bool, default=False
        Also return the value of every row.

    Returns
    -------
    issues : ndarray of int
        Row indices, lowest value (most suspicious) first.
    values : ndarray of shape (n_samples,)
        The DIVA value of every row; only when ``return_values=True``.

    See Also
    --------
    DIVAWeighter : The values and weights.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_iclr.valuation import find_label_issues
    >>> X, y = load_iris(return_X_y=True)
    >>> y_noisy = y.copy()
    >>> y_noisy[[10, 60, 110]] = [2, 0, 0]
    >>> issues = find_label_issues(X, y_noisy, n_issues=10)
    >>> sorted(set(issues) & {10, 60, 110})
    [10, 60, 110]
    """
    target_type = type_of_target(y, input_name="y")
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            f"find_label_issues needs class labels; y is {target_type!r}. To value "
            "the rows of a regression data set use DIVAWeighter(task='regression')"
            ".fit(X, y).score_samples(X, y)."
        )
    weighter = DIVAWeighter() if weighter is None else clone(weighter)
    # The values are the derivative at the start (all weights 1): the
    # projected steps, which only move the weights, are skipped.
    weighter.set_params(n_steps=0)
    weighter.fit(X, y)
    values = -weighter.dataset_derivative_
    order = np.argsort(values, kind="stable")
    if threshold is None and n_issues is None:
        threshold = 0.0
    if threshold is not None:
        order = order[values[order] < threshold]
    if n_issues is not None:
        order = order[:n_issues]
    return (order, values) if return_values else order
