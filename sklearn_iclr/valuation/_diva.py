"""DIVA: the dataset derivative of a (linearised) learning task.

One estimator, ``DIVAWeighter``; its user-facing docstring is about 200 of
these lines. The feature maps live in ``_diva_features``, the per-row
quantities in ``_diva_rows``, the out-of-core (Dask) path in ``_diva_blocked``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length

from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._diva_blocked import (
    DaskRows,
    blocked_loo_state,
    check_dask_X,
    dask_features,
    is_dask_array,
)
from ._diva_features import (
    KERNELS,
    FeatureSpaceMixin,
)
from ._diva_rows import RowsMixin
from ._linear_loo import loo_state

# Above this many training rows a non-linear kernel is approximated with
# ``n_components`` Nystroem features (memory linear in n instead of n x n).
_EXACT_KERNEL_MAX_SAMPLES = 1000

_WEIGHTER_IN_PIPELINE = (
    "DIVAWeighter cannot pass its weights on to the next step of a Pipeline "
    "(a Pipeline step only hands on X), so the weights would be silently "
    "ignored. Wrap the model instead: make_pipeline(StandardScaler(), "
    "DIVAReweightedClassifier(LogisticRegression())) trains LogisticRegression "
    "with the DIVA weights (DIVAReweightedRegressor for regression); use "
    "DIVAWeighter().fit(X, y).sample_weight_ to get the weights themselves."
)


class DIVAWeighter(FeatureSpaceMixin, RowsMixin, TransformerMixin, BaseEstimator):
    """Value and reweight training rows with the dataset derivative (DIVA).

    DIVA linearises the learning task as a weighted (kernel) ridge regression
    on fixed features ``Z`` (one-hot targets for classification).  Giving row
    ``i`` the weight ``a_i``, the leave-one-out (LOO) predictions of that
    model, and hence the LOO loss ``L(a)``, have a closed form in ``a``
    (Sherman-Morrison on the weighted hat matrix), so no model is ever
    refitted.  The *dataset derivative* ``dL/da`` says, for every row, how
    the LOO loss changes when the row is up- or down-weighted: rows with a
    positive derivative hurt (typically mislabelled rows), rows with a
    negative derivative help.  A few projected gradient steps on ``a`` within
    ``[0, max_weight]`` give the optimised weights :attr:`sample_weight_`.

    By default the features are the columns of ``X`` (standardised when they
    are in different units) and the model is kernel ridge regression with an
    RBF kernel whose ``gamma`` is set by the median heuristic; above 1000
    rows the kernel is replaced by a rank-``n_components`` Nystroem
    approximation, so that time and memory
    grow linearly with the number of rows.  For images, text or other inputs
    whose raw columns are not a good feature space, pass the linearisation of
    a network: :class:`NetworkFeaturizer` (the paper's setting) or any
    fitted embedding wrapped in :class:`~sklearn.frozen.FrozenEstimator`.

    To train a model with the weights use :class:`DIVAReweightedClassifier`
    or :class:`DIVAReweightedRegressor`; a Pipeline cannot hand the weights
    from one step to the next, so the weighter is not a Pipeline step.

    Read more in the :ref:`User Guide <valuation_guide>`.

    Parameters
    ----------
    featurizer : "auto", estimator with ``fit`` and ``transform`` or None, \
            default="auto"
        Maps ``X`` to the fixed features ``Z`` of the linearised model.
        ``"auto"`` standardises the columns (:class:`StandardScaler`, without
        centring for sparse ``X``) when they are on different scales (the
        widest column's standard deviation is more than 10 times the median
        column's: measurements in different units), so that no column
        dominates the kernel by its unit alone, and uses ``X`` as it is
        otherwise (pixels, word frequencies, already scaled features, whose
        rare columns standardising would inflate); ``None`` always uses ``X``
        as it is.  An estimator is cloned
        and fitted on the raw training data inside :meth:`fit` (it sees ``X``
        as given, string columns included); wrap an already fitted
        transformer in :class:`sklearn.frozen.FrozenEstimator` to use it as
        is.
    alpha : float or "auto", default="auto"
        Ridge penalty ``lambda`` of the linearised model (> 0).  Larger
        values smooth the leave-one-out predictions over more neighbours.
        ``"auto"`` is ``n_samples / 50``: a penalty proportional to the
        number of rows (the usual ``lambda n`` of kernel ridge regression)
        keeps that smoothing comparable from a hundred rows to a hundred
        thousand.  This is the ridge ``alpha`` of
        :class:`~sklearn.linear_model.Ridge`, not the paper's per-sample
        weights, which are :attr:`sample_weight_` here.
    kernel : str, default="rbf"
        ``"linear"`` for ridge regression on ``Z``; any other name of
        :func:`sklearn.metrics.pairwise.pairwise_kernels` (``"rbf"``,
        ``"laplacian"``, ``"cosine"`` ...) for kernel ridge regression (dual
        form, or Nystroem features above 1000 rows).
    kernel_params : dict or None, default=None
        Extra arguments of a non-linear kernel (``gamma``, ``degree`` ...).
        Without ``gamma``, the RBF kernel uses the median heuristic
        ``1 / median squared distance`` between rows of ``Z``.
    n_components : int or None, default=200
        Rank of the Nystroem approximation of a non-linear kernel, used when
        there are more than 1000 training rows.  Its cost is
        ``O(n n_components^2)`` time and ``O(n n_components)`` memory; the
        exact kernel needs several ``n x n`` matrices (8000 rows: several
        GB).  ``None`` always uses the exact kernel, and is refused when its
        matrices would exceed 2 GiB.
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
        one.  The exact non-linear kernel always uses the dual form.
    random_state : int, RandomState instance or None, default=None
        Seed of the rows drawn for the median heuristic (above 500 rows) and
        for the Nystroem approximation (above 1000 rows).
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
    alpha_ : float
        The ridge penalty used.
    gamma_ : float or None
        The RBF ``gamma`` used (None for other kernels).
    kernel_approximation_ : Nystroem or None
        The fitted Nystroem map when the kernel was approximated.
    featurizer_ : estimator or None
        The fitted featurizer: the user's, the ``StandardScaler`` chosen by
        ``"auto"``, or None when ``X`` is used as it is.
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
    NetworkFeaturizer : The linearisation of a trained network.
    find_label_issues : Flag likely mislabelled rows.
    knn_shapley_values, data_oob_values, tmc_shapley_values,
    leave_one_out_values : Baseline data valuation methods.

    Notes
    -----
    The paper linearises a pretrained deep network around its weights (the
    features are then the network's Jacobian or last-layer embedding); the
    RBF kernel of the default is the linear model in an infinite feature
    space of the inputs.  The LOO loss is the validation loss,
    so no held-out set is needed.  The derivative is exact for the
    linearised model (for the Nystroem model when the kernel is
    approximated); it is a first-order (local) statement about the weights.

    Given a Dask array (``dask.array``, the ``distributed`` extra) split by
    rows, :meth:`fit` computes the primal form chunk by chunk, where the
    chunks live (a ``distributed`` cluster, or local threads): the ``d x d``
    matrix ``Z^T diag(a) Z`` summed over the chunks, then each chunk's
    leverages, leave-one-out outputs and derivative; only ``d x d`` matrices
    and per-row vectors reach the calling process, never the ``n x d``
    features. The result equals the in-memory fit's up to rounding (same
    random rows for the median heuristic and the Nystroem basis). This path
    needs the primal form: ``kernel="linear"`` or the Nystroem approximation
    (more than 1000 rows; smaller arrays are fitted in memory), and
    ``featurizer="auto"`` or ``None``. :meth:`score_samples` then refuses,
    since the weighter keeps no training rows: their values are
    ``-dataset_derivative_``.

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
        "featurizer": [None, StrOptions({"auto"}), HasMethods(["fit", "transform"])],
        "alpha": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "kernel": [StrOptions(KERNELS)],
        "kernel_params": [dict, None],
        "n_components": [None, Interval(Integral, 1, None, closed="left")],
        "fit_intercept": ["boolean"],
        "loss": [StrOptions({"auto", "cross_entropy", "squared"})],
        "task": [StrOptions({"auto", "classification", "regression"})],
        "n_steps": [Interval(Integral, 0, None, closed="left")],
        "step_size": [Interval(Real, 0, None, closed="left")],
        "max_weight": [Interval(Real, 1, None, closed="left")],
        "solver": [StrOptions({"auto", "primal", "dual"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        featurizer="auto",
        *,
        alpha="auto",
        kernel="rbf",
        kernel_params=None,
        n_components=200,
        fit_intercept=True,
        loss="auto",
        task="auto",
        n_steps=3,
        step_size=0.1,
        max_weight=1.0,
        solver="auto",
        random_state=None,
        verbose=0,
    ):
        self.featurizer = featurizer
        self.alpha = alpha
        self.kernel = kernel
        self.kernel_params = kernel_params
        self.n_components = n_components
        self.fit_intercept = fit_intercept
        self.loss = loss
        self.task = task
        self.n_steps = n_steps
        self.step_size = step_size
        self.max_weight = max_weight
        self.solver = solver
        self.random_state = random_state
        self.verbose = verbose

    # -- helpers -----------------------------------------------------------
    def _raw_input(self):
        """Whether X goes to a user's featurizer as given (not validated)."""
        return self.featurizer is not None and not isinstance(self.featurizer, str)

    def _check_X(self, X, reset, y=None):
        if self._raw_input():
            if y is None:
                return validate_data(self, X, reset=reset, skip_check_array=True)
            X, y = validate_data(self, X, y, reset=reset, skip_check_array=True)
            return X, y
        kwargs = dict(accept_sparse=("csr", "csc"), dtype=np.float64, reset=reset)
        if y is None:
            return validate_data(self, X, **kwargs)
        return validate_data(self, X, y, y_numeric=False, **kwargs)

    def _state(self, Z, Y, weights, gram=None, need_grad=True, keep_factor=False):
        if isinstance(Z, DaskRows):
            state = blocked_loo_state(
                Z,
                Y,
                weights,
                self.alpha_,
                loss=self.loss_,
                need_grad=need_grad,
                keep_factor=keep_factor,
            )
        else:
            state = loo_state(
                Z,
                Y,
                weights,
                self.alpha_,
                form=self.solver_,
                loss=self.loss_,
                gram=gram,
                need_grad=need_grad,
                keep_factor=keep_factor,
            )
        values = [state["loss"]] + ([state["grad"]] if need_grad else [])
        if not all(np.all(np.isfinite(v)) for v in values):
            raise FloatingPointError(
                f"DIVA's leave-one-out loss or its derivative is not finite "
                f"(alpha={self.alpha_!r}): the linearised model is numerically "
                "singular. Increase alpha (for example to 1.0 or more) or rescale "
                "the features."
            )
        return state

    # -- API ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Compute the dataset derivative and the optimised weights.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape \
                (n_samples, n_features)
            Training data. A Dask array split by rows is valued where its
            chunks live, for data that does not fit in one process (see
            Notes).
        y : array-like of shape (n_samples,)
            Class labels or continuous targets.

        Returns
        -------
        self : object
            The fitted weighter.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        dask_rows = is_dask_array(X)
        if dask_rows:
            X = check_dask_X(X)
            if self.kernel != "linear" and X.shape[0] <= _EXACT_KERNEL_MAX_SAMPLES:
                X = X.compute()  # small: the exact kernel, in memory
                dask_rows = False
        if dask_rows:
            validate_data(self, X, reset=True, skip_check_array=True)
            y = np.asarray(y)
            check_consistent_length(X, y)
        else:
            X, y = self._check_X(X, reset=True, y=y)
            if self._raw_input():
                y = np.asarray(y)
                check_consistent_length(X, y)
        n_samples = y.shape[0]
        if n_samples < 2:
            raise ValueError(
                f"DIVAWeighter needs at least 2 samples for leave-one-out; got "
                f"{n_samples} sample."
            )
        if self.kernel == "linear" and self.kernel_params:
            raise ValueError(
                f"kernel_params={self.kernel_params!r} has no effect with "
                "kernel='linear'; choose a non-linear kernel (for example "
                "kernel='rbf') or leave kernel_params=None."
            )
        y = self._resolve_task(y)
        self.loss_ = (
            ("cross_entropy" if self.task_ == "classification" else "squared")
            if self.loss == "auto"
            else self.loss
        )
        rng = check_random_state(self.random_state)
        self.alpha_ = n_samples / 50 if self.alpha == "auto" else float(self.alpha)

        if dask_rows:
            Z = dask_features(self, X, y, rng, self._nystroem)
            gram = None
        else:
            Z, gram = self._features(X, y, rng, _EXACT_KERNEL_MAX_SAMPLES)
        Y = self._targets(y)

        weights = np.ones(n_samples)
        state = self._state(Z, Y, weights, gram=gram, keep_factor=True)
        self._factor = state.pop("factor")
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
        self.__dict__.pop("_train_keys", None)
        self._y_fit = y
        return self

    def score_samples(self, X, y=None):
        """Per-row value: minus the dataset derivative (higher = more useful).

        For rows of the training set (matched by their features, and by
        their label when ``y`` is given) this is ``-dataset_derivative_``.
        Other rows are valued as candidates to add to the training set: their
        value is ``-dL/da`` for that row added with weight 0 (training rows
        at weight 1), which needs their label ``y`` (the paper's dataset
        extension).  The factorisation of :meth:`fit` is reused, so valuing
        new rows costs time linear in their number.

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
        if self._train_keys_source is None:
            raise ValueError(
                "This DIVAWeighter was fitted on a Dask array, whose rows it does "
                "not keep: the values of the training rows are "
                "-dataset_derivative_ (in the order of the rows)."
            )
        X = self._check_X(X, reset=False)
        return self._value_rows(self._base_features(X), y)

    def transform(self, X):
        """Return ``X`` unchanged (after validation).

        The weighter only values rows; it does not change them.  It is not a
        Pipeline step: :meth:`fit_transform` raises, because a Pipeline cannot
        pass the weights on to the next step.

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
        if is_dask_array(X):
            return validate_data(self, X, reset=False, skip_check_array=True)
        return self._check_X(X, reset=False)

    def fit_transform(self, X, y=None, **fit_params):
        """Not supported: the weights cannot travel down a Pipeline.

        Raises
        ------
        TypeError
            Always, with the way to train a model on the DIVA weights
            (:class:`DIVAReweightedClassifier` or
            :class:`DIVAReweightedRegressor`).
        """
        self._validate_params()
        raise TypeError(_WEIGHTER_IN_PIPELINE)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
