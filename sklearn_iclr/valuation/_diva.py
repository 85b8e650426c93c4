"""DIVA: the dataset derivative of a (linearised) learning task."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import hashlib
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    clone,
)
from sklearn.metrics.pairwise import PAIRWISE_KERNEL_FUNCTIONS, pairwise_kernels
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target

from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._linear_loo import loo_state

_KERNELS = {"linear"} | (set(PAIRWISE_KERNEL_FUNCTIONS) - {"linear"})


def _row_keys(X):
    """One 128-bit digest per row of ``X``, to recognise training rows."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in X]


def _dense(X):
    X = X.toarray() if sp.issparse(X) else X
    return np.asarray(X, dtype=np.float64)


class DIVAWeighter(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Value and reweight training rows with the dataset derivative (DIVA).

    DIVA linearises the learning task as a weighted (kernel) ridge regression
    on fixed features ``Z`` (the raw ``X`` or the output of ``featurizer``;
    one-hot targets for classification).  Giving row ``i`` the weight
    ``a_i``, the leave-one-out (LOO) predictions of that model, and hence the
    LOO loss ``L(a)``, have a closed form in ``a`` (Sherman-Morrison on the
    weighted hat matrix), so no model is ever refitted.  The *dataset
    derivative* ``dL/da`` says, for every row, how the LOO loss changes when
    the row is up- or down-weighted: rows with a positive derivative hurt
    (typically mislabelled rows), rows with a negative derivative help.  A
    few projected gradient steps on ``a`` within ``[0, max_weight]`` give the
    optimised weights :attr:`sample_weight_`.

    ``transform`` passes ``X`` through unchanged so that the weighter can sit
    in a :class:`~sklearn.pipeline.Pipeline`; use
    :class:`DIVAReweightedClassifier` or :class:`DIVAReweightedRegressor` to
    train a model with the weights.

    Read more in the :ref:`User Guide <valuation_guide>`.

    Parameters
    ----------
    featurizer : estimator with ``fit`` and ``transform`` or None, default=None
        Maps ``X`` to the fixed features ``Z`` of the linearised model.  It is
        cloned and fitted on the training data inside :meth:`fit`; wrap an
        already fitted (for example pretrained) transformer in
        :class:`sklearn.frozen.FrozenEstimator` to use it as is.  ``None``
        uses ``X`` itself.
    alpha : float, default=1.0
        Ridge penalty ``lambda`` of the linearised model (> 0).  This is the
        ridge ``alpha`` of :class:`~sklearn.linear_model.Ridge`, not the
        paper's per-sample weights, which are :attr:`sample_weight_` here.
    kernel : str, default="linear"
        ``"linear"`` for ridge regression on ``Z``; any other name of
        :func:`sklearn.metrics.pairwise.pairwise_kernels` (``"rbf"``,
        ``"laplacian"``, ``"cosine"`` ...) for kernel ridge regression, which
        always uses the dual form.
    kernel_params : dict or None, default=None
        Extra arguments of the kernel (``gamma``, ``degree`` ...).
    fit_intercept : bool, default=True
        Add a constant feature (a constant 1 to the kernel).  The intercept
        is penalised like the other coefficients.
    loss : {"auto", "cross_entropy", "squared"}, default="auto"
        Loss of the LOO predictions in ``L``: ``"auto"`` is the cross-entropy
        of the softmax of the LOO outputs for classification and the squared
        error for regression.
    task : {"auto", "classification", "regression"}, default="auto"
        ``"auto"`` is classification for binary or multiclass ``y`` and
        regression for continuous ``y``.
    n_steps : int, default=3
        Projected gradient steps on the weights (the paper uses 1 to 3).
        ``0`` keeps all weights at 1 and only computes the derivative.
    step_size : float, default=0.1
        Length of each step, relative to the largest absolute derivative:
        ``a <- clip(a - step_size * g / max|g|, 0, max_weight)``, so that the
        most harmful row loses ``step_size`` per step.
    max_weight : float, default=1.0
        Upper bound of the weights (>= 1).  With the default 1 the weights
        can only shrink from their start at 1 (soft curation).
    solver : {"auto", "primal", "dual"}, default="auto"
        ``"primal"`` factorises a ``d x d`` matrix (cost O(n d^2 + d^3)),
        ``"dual"`` an ``n x n`` one (O(n^3)); ``"auto"`` takes the cheaper
        one (dual when ``n < d`` or for a non-linear kernel).
    verbose : int, default=0
        Print the LOO loss at each step when > 0.

    Attributes
    ----------
    sample_weight_ : ndarray of shape (n_samples,)
        The optimised weights, within ``[0, max_weight]``.
    dataset_derivative_ : ndarray of shape (n_samples,)
        ``dL/da`` at ``a = 1``, the derivative of the summed LOO loss with
        respect to each row's weight.  Positive values mark harmful rows.
    loo_loss_ : float
        Mean LOO loss per row at the optimised weights.
    loo_loss_path_ : ndarray of shape (n_steps + 1,)
        Mean LOO loss at the start (``a = 1``) and after each step.
    loo_predictions_ : ndarray of shape (n_samples, n_outputs)
        Closed-form LOO outputs of the linearised model at ``a = 1`` (one
        column per class for classification).
    classes_ : ndarray of shape (n_classes,)
        Class labels (classification only).
    task_ : str
        ``"classification"`` or ``"regression"``.
    loss_ : str
        The loss used.
    solver_ : str
        ``"primal"`` or ``"dual"``, the form used.
    featurizer_ : estimator or None
        The fitted clone of ``featurizer``.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

        .. versionadded:: 0.1
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

        .. versionadded:: 0.1

    See Also
    --------
    DIVAReweightedClassifier : Fit a classifier with the DIVA weights.
    find_label_issues : Flag likely mislabelled rows.
    knn_shapley_values, data_oob_values, tmc_shapley_values,
    leave_one_out_values : Baseline data valuation methods.

    Notes
    -----
    The paper linearises a pretrained deep network around its weights (the
    features are then the network's Jacobian or last-layer embedding); here
    the features are whatever ``featurizer`` outputs.  The LOO loss is the
    validation loss, so no held-out set is needed.  The derivative is exact
    for the linearised model; it is a first-order (local) statement about
    the weights.

    References
    ----------
    .. [1] Y. Dukler, A. Achille, G. Paolini, A. Ravichandran, M. Polito and
       S. Soatto, "DIVA: Dataset Derivative of a Learning Task", ICLR 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.valuation import DIVAWeighter
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.randn(30, 2) - 2, rng.randn(30, 2) + 2]
    >>> y = np.r_[np.zeros(30, int), np.ones(30, int)]
    >>> y[:3] = 1  # three flipped labels
    >>> weighter = DIVAWeighter().fit(X, y)
    >>> values = weighter.score_samples(X, y)
    >>> bool(np.all(values[:3] < np.median(values)))
    True
    >>> bool(np.all(weighter.sample_weight_[:3] < 1.0))
    True
    """

    _parameter_constraints: dict = {
        "featurizer": [None, HasMethods(["fit", "transform"])],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "kernel": [StrOptions(_KERNELS)],
        "kernel_params": [dict, None],
        "fit_intercept": ["boolean"],
        "loss": [StrOptions({"auto", "cross_entropy", "squared"})],
        "task": [StrOptions({"auto", "classification", "regression"})],
        "n_steps": [Interval(Integral, 0, None, closed="left")],
        "step_size": [Interval(Real, 0, None, closed="left")],
        "max_weight": [Interval(Real, 1, None, closed="left")],
        "solver": [StrOptions({"auto", "primal", "dual"})],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        featurizer=None,
        *,
        alpha=1.0,
        kernel="linear",
        kernel_params=None,
        fit_intercept=True,
        loss="auto",
        task="auto",
        n_steps=3,
        step_size=0.1,
        max_weight=1.0,
        solver="auto",
        verbose=0,
    ):
        self.featurizer = featurizer
        self.alpha = alpha
        self.kernel = kernel
        self.kernel_params = kernel_params
        self.fit_intercept = fit_intercept
        self.loss = loss
        self.task = task
        self.n_steps = n_steps
        self.step_size = step_size
        self.max_weight = max_weight
        self.solver = solver
        self.verbose = verbose

    # -- helpers -----------------------------------------------------------
    def _features(self, X):
        Z = X if self.featurizer_ is None else self.featurizer_.transform(X)
        Z = _dense(Z)
        if not np.all(np.isfinite(Z)):
            raise ValueError("The featurizer produced NaN or infinite features.")
        if self.fit_intercept and self.kernel == "linear":
            Z = np.hstack([Z, np.ones((Z.shape[0], 1))])
        return Z

    def _gram(self, Z):
        if self.kernel == "linear":
            return None
        Q = pairwise_kernels(Z, metric=self.kernel, **(self.kernel_params or {}))
        Q = np.asarray(Q, dtype=np.float64)
        if self.fit_intercept:
            Q = Q + 1.0
        return Q

    def _targets(self, y):
        if self.task_ == "classification":
            Y = self._binarizer.transform(y).astype(np.float64)
            if Y.shape[1] == 1:  # binary: two one-hot columns
                Y = np.hstack([1.0 - Y, Y])
            return Y
        return np.asarray(y, dtype=np.float64).reshape(-1, 1)

    def _state(self, Z, Y, weights, val_mask=None, gram=None, need_grad=True):
        return loo_state(
            Z,
            Y,
            weights,
            self.alpha,
            form=self.solver_,
            loss=self.loss_,
            val_mask=val_mask,
            gram=gram,
            need_grad=need_grad,
        )

    # -- API ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Compute the dataset derivative and the optimised weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels or continuous targets.

        Returns
        -------
        self : object
            The fitted weighter.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=np.float64,
            y_numeric=False,
        )
        n_samples = X.shape[0]
        if n_samples < 2:
            raise ValueError(
                f"DIVAWeighter needs at least 2 samples for leave-one-out; got "
                f"{n_samples} sample."
            )
        target_type = type_of_target(y, input_name="y")
        if self.task == "auto":
            if target_type in ("binary", "multiclass"):
                self.task_ = "classification"
            elif target_type == "continuous":
                self.task_ = "regression"
            else:
                raise ValueError(
                    f"Unknown label type {target_type!r}: y must be binary, "
                    "multiclass or continuous."
                )
        else:
            self.task_ = self.task
        if self.task_ == "classification":
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"Classification needs class labels; got y of type {target_type!r}."
                )
            self._binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._binarizer.classes_
            if len(self.classes_) < 2:
                raise ValueError(
                    "DIVAWeighter needs at least 2 classes for classification; got "
                    "1 class."
                )
        else:
            y = np.asarray(y, dtype=np.float64)
        self.loss_ = (
            ("cross_entropy" if self.task_ == "classification" else "squared")
            if self.loss == "auto"
            else self.loss
        )

        self.featurizer_ = None
        if self.featurizer is not None:
            self.featurizer_ = clone(self.featurizer).fit(X, y)
        Z = self._features(X)
        Y = self._targets(y)
        if self.kernel != "linear":
            self.solver_ = "dual"
        elif self.solver == "auto":
            self.solver_ = "primal" if Z.shape[1] <= n_samples else "dual"
        else:
            self.solver_ = self.solver
        gram = self._gram(Z)

        weights = np.ones(n_samples)
        state = self._state(Z, Y, weights, gram=gram)
        self.dataset_derivative_ = state["grad"]
        self.loo_predictions_ = state["loo_predictions"]
        path = [state["loss"] / n_samples]
        if self.verbose:
            print(f"[DIVA] {self.solver_} form, step 0: LOO loss {path[-1]:.6f}")
        for step in range(self.n_steps):
            grad = state["grad"]
            scale = np.max(np.abs(grad))
            if scale == 0 or self.step_size == 0:
                path.append(path[-1])
                continue
            weights = np.clip(
                weights - self.step_size * grad / scale, 0.0, self.max_weight
            )
            last = step == self.n_steps - 1
            state = self._state(Z, Y, weights, gram=gram, need_grad=not last)
            path.append(state["loss"] / n_samples)
            if self.verbose:
                print(f"[DIVA] step {step + 1}: LOO loss {path[-1]:.6f}")
        self.sample_weight_ = weights
        self.loo_loss_path_ = np.asarray(path)
        self.loo_loss_ = float(path[-1])
        # What score_samples needs to value new rows or recognise training rows.
        self._Z_fit = Z
        self._Y_fit = Y
        self._train_keys = {}
        for i, key in enumerate(_row_keys(_dense(X))):
            self._train_keys.setdefault(key, []).append(i)
        self._y_fit = y
        return self

    def score_samples(self, X, y=None):
        """Per-row value: minus the dataset derivative (higher = more useful).

        For rows of the training set (matched by their feature values, and by
        their label when ``y`` is given) this is ``-dataset_derivative_``.
        Other rows are valued as candidates to add to the training set: their
        value is ``-dL/da`` for that row added with weight 0 (training rows
        at weight 1), which needs their label ``y`` (the paper's dataset
        extension).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to value.
        y : array-like of shape (n_samples,), default=None
            Their labels; required for rows that are not training rows.

        Returns
        -------
        values : ndarray of shape (n_samples,)
            Higher values mark more useful rows; negative values mark rows
            whose up-weighting increases the LOO loss.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=("csr", "csc"), dtype=np.float64, reset=False
        )
        if y is not None:
            y = np.asarray(y)
            if y.shape[0] != X.shape[0]:
                raise ValueError(
                    f"X has {X.shape[0]} rows but y has {y.shape[0]} entries."
                )
        values = np.empty(X.shape[0])
        new_rows = []
        for j, key in enumerate(_row_keys(_dense(X))):
            candidates = self._train_keys.get(key, [])
            if y is not None:
                candidates = [i for i in candidates if self._y_fit[i] == y[j]]
            if candidates:
                values[j] = -self.dataset_derivative_[candidates[0]]
            else:
                new_rows.append(j)
        if new_rows:
            if y is None:
                raise ValueError(
                    f"{len(new_rows)} row(s) of X are not training rows; pass their "
                    "labels y to value them as candidate additions."
                )
            values[new_rows] = self._extension_values(X[new_rows], y[new_rows])
        return values

    def _extension_values(self, X, y):
        """-dL/da of new rows added with weight 0 (LOO loss on training rows)."""
        if self.task_ == "classification":
            unknown = set(np.unique(y)) - set(self.classes_)
            if unknown:
                raise ValueError(
                    f"y contains labels not seen during fit: {sorted(unknown)}."
                )
        else:
            y = np.asarray(y, dtype=np.float64)
        Z_new = self._features(X)
        Z = np.vstack([self._Z_fit, Z_new])
        Y = np.vstack([self._Y_fit, self._targets(y)])
        n = self._Z_fit.shape[0]
        weights = np.r_[np.ones(n), np.zeros(Z_new.shape[0])]
        val_mask = np.r_[np.ones(n, bool), np.zeros(Z_new.shape[0], bool)]
        state = self._state(Z, Y, weights, val_mask=val_mask, gram=self._gram(Z))
        return -state["grad"][n:]

    def transform(self, X):
        """Return ``X`` unchanged (after validation).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            The same data.
        """
        check_is_fitted(self)
        return validate_data(self, X, accept_sparse=True, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
