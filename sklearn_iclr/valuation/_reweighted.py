"""Meta-estimators that train any estimator with DIVA sample weights."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    has_fit_parameter,
)

from ..utils._sklearn_compat import (
    HasMethods,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._diva import DIVAWeighter


def _sample_weight_key(estimator):
    """Name under which ``estimator.fit`` takes the weights (None: it does not).

    A Pipeline passes them to its last step as ``<step>__sample_weight``.
    """
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        if last is None or last == "passthrough":
            return None
        return f"{name}__sample_weight" if _sample_weight_key(last) else None
    return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None


def _check_raw(estimator, X, y=None, *, reset):
    """Check shape and feature names of ``X`` but keep its values as given.

    A DataFrame stays a DataFrame (a wrapped Pipeline may select columns by
    name); other input becomes a 2-D array of its own dtype (strings kept).
    """
    if not hasattr(X, "iloc"):
        X = check_array(X, accept_sparse=True, dtype=None, ensure_all_finite=False)
    if y is None:
        return validate_data(estimator, X, reset=reset, skip_check_array=True)
    X, y = validate_data(estimator, X, y, reset=reset, skip_check_array=True)
    y = np.asarray(y)
    check_consistent_length(X, y)
    return X, y


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class _BaseDIVAReweighted(MetaEstimatorMixin, BaseEstimator):
    """Fit DIVA weights, then ``estimator.fit(X, y, sample_weight=weights)``."""

    _task = None

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "weighter": [None, DIVAWeighter],
    }

    def __init__(self, estimator, *, weighter=None):
        self.estimator = estimator
        self.weighter = weighter

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit the weighter, then the estimator with its weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        **fit_params : dict
            Only with metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``): metadata
            routed to ``estimator.fit`` and ``weighter.fit`` as requested by
            them.  ``sample_weight`` is set by DIVA and cannot be routed to
            the estimator.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        _raise_for_params(fit_params, self, "fit")
        # X goes as given to the weighter (and its featurizer) and the
        # estimator, which validate it themselves: a Pipeline may take
        # string columns.
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X, y = _check_raw(self, X, y, reset=True)
        if self._task == "classification":
            check_classification_targets(y)
            if not is_classifier(self.estimator):
                raise ValueError(
                    f"DIVAReweightedClassifier needs a classifier; "
                    f"{type(self.estimator).__name__} is not one (its predictions "
                    "would not be class labels). Use DIVAReweightedRegressor for a "
                    "regressor, or a classifier such as LogisticRegression or "
                    "RidgeClassifier."
                )
        elif not is_regressor(self.estimator):
            raise ValueError(
                f"DIVAReweightedRegressor needs a regressor; "
                f"{type(self.estimator).__name__} is not one. Use "
                "DIVAReweightedClassifier for a classifier."
            )
        weight_key = _sample_weight_key(self.estimator)
        if weight_key is None:
            raise ValueError(
                f"{type(self.estimator).__name__}.fit does not accept sample_weight, "
                "so it cannot be trained with DIVA weights."
            )
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            estimator_params = dict(routed.estimator.fit)
            weighter_params = dict(routed.weighter.fit)
        else:
            estimator_params, weighter_params = {}, {}
        if "sample_weight" in estimator_params:
            raise ValueError(
                "sample_weight is computed by DIVA and cannot be routed to the "
                "estimator; leave set_fit_request(sample_weight=...) unset."
            )
        weighter = DIVAWeighter() if self.weighter is None else clone(self.weighter)
        if weighter.task == "auto":
            weighter.set_params(task=self._task)
        self.weighter_ = weighter.fit(X, y, **weighter_params)
        self.sample_weight_ = self.weighter_.sample_weight_
        estimator_params[weight_key] = self.sample_weight_
        self.estimator_ = clone(self.estimator).fit(X, y, **estimator_params)
        return self

    def set_params(self, **params):
        """Set parameters; ``weighter__*`` also works with ``weighter=None``.

        With the default ``weighter=None``, setting a ``weighter__*``
        parameter (as a grid search does) first makes the weighter an
        explicit ``DIVAWeighter()``.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        if params.get("weighter", self.weighter) is None and any(
            key.startswith("weighter__") for key in params
        ):
            params = {**params, "weighter": DIVAWeighter()}
        return super().set_params(**params)

    def predict(self, X):
        """Predict with the reweighted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions of ``estimator_``.
        """
        check_is_fitted(self)
        X = _check_raw(self, X, reset=False)
        return self.estimator_.predict(X)

    def get_metadata_routing(self):
        """Routing of metadata to ``estimator.fit`` and ``weighter.fit``.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        weighter = DIVAWeighter() if self.weighter is None else self.weighter
        return (
            MetadataRouter(owner=self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                weighter=weighter,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        return tags


class DIVAReweightedClassifier(ClassifierMixin, _BaseDIVAReweighted):
    """Train a classifier with DIVA sample weights.

    Fits a :class:`DIVAWeighter` on the training data, then fits a clone of
    ``estimator`` with ``sample_weight`` set to the optimised DIVA weights, so
    that rows which hurt the leave-one-out loss of the linearised model (for
    example mislabelled rows) count less.

    Read more in the :ref:`User Guide <valuation_guide>`.

    Parameters
    ----------
    estimator : classifier
        Any classifier whose ``fit`` accepts ``sample_weight``.
    weighter : DIVAWeighter or None, default=None
        The weighter (cloned); ``None`` uses ``DIVAWeighter()``.  Its
        ``task="auto"`` is set to ``"classification"``.

    Attributes
    ----------
    weighter_ : DIVAWeighter
        The fitted weighter.
    sample_weight_ : ndarray of shape (n_samples,)
        The weights passed to ``estimator_``.
    estimator_ : classifier
        The classifier fitted with the weights.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

        .. versionadded:: 0.1
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

        .. versionadded:: 0.1

    See Also
    --------
    DIVAWeighter : The weights and per-row values.
    DIVAReweightedRegressor : The same for regression.

    Notes
    -----
    With metadata routing enabled, extra ``fit`` arguments are routed to the
    estimator and the weighter as they request them, and ``score`` needs
    ``set_score_request`` as for any consumer; the DIVA weights themselves
    are always passed as ``sample_weight``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_iclr.valuation import DIVAReweightedClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DIVAReweightedClassifier(LogisticRegression(max_iter=500)).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> clf.sample_weight_.shape
    (150,)
    """

    _task = "classification"

    @property
    def classes_(self):
        """Class labels of the fitted estimator."""
        return self.estimator_.classes_

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the reweighted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities from ``estimator_``.
        """
        check_is_fitted(self)
        X = _check_raw(self, X, reset=False)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the reweighted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log probabilities from ``estimator_``.
        """
        check_is_fitted(self)
        X = _check_raw(self, X, reset=False)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the reweighted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Decision values from ``estimator_``.
        """
        check_is_fitted(self)
        X = _check_raw(self, X, reset=False)
        return self.estimator_.decision_function(X)


class DIVAReweightedRegressor(RegressorMixin, _BaseDIVAReweighted):
    """Train a regressor with DIVA sample weights.

    Fits a :class:`DIVAWeighter` (squared-error leave-one-out loss) on the
    training data, then fits a clone of ``estimator`` with ``sample_weight``
    set to the optimised weights, so that rows which hurt the leave-one-out
    loss of the linearised model (outliers, corrupted targets) count less.

    Read more in the :ref:`User Guide <valuation_guide>`.

    Parameters
    ----------
    estimator : regressor
        Any regressor whose ``fit`` accepts ``sample_weight``.
    weighter : DIVAWeighter or None, default=None
        The weighter (cloned); ``None`` uses ``DIVAWeighter()``.  Its
        ``task="auto"`` is set to ``"regression"``.

    Attributes
    ----------
    weighter_ : DIVAWeighter
        The fitted weighter.
    sample_weight_ : ndarray of shape (n_samples,)
        The weights passed to ``estimator_``.
    estimator_ : regressor
        The regressor fitted with the weights.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

        .. versionadded:: 0.1
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

        .. versionadded:: 0.1

    See Also
    --------
    DIVAWeighter : The weights and per-row values.
    DIVAReweightedClassifier : The same for classification.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_iclr.valuation import DIVAReweightedRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = DIVAReweightedRegressor(Ridge(alpha=0.1)).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _task = "regression"
