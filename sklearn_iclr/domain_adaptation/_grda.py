"""GRDA: adversarial domain adaptation along a graph of related domains."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_consistent_length

from .._torch import TorchEstimatorMixin, build_net, nn, seeded, to_numpy, torch
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._docs import GRDA_DOC, SHARED_PARAMS
from ._grda_net import (
    DISCRIMINATOR_DIM,
    _GRDAModule,
    _GRDANet,
    _TensorBatches,
    fit_domain_embedding,
)

__all__ = ["GRDAClassifier", "GRDARegressor"]

# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


class _BaseGRDA(TorchEstimatorMixin, BaseEstimator):
    _parameter_constraints = {
        "domain_graph": ["array-like", "sparse matrix", None],
        "discriminator": [StrOptions({"graph", "categorical", "none"})],
        "lambda_adv": [Interval(Real, 0, None, closed="left")],
        "hidden_sizes": [tuple, list],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        domain_graph=None,
        *,
        discriminator="graph",
        lambda_adv=1.0,
        hidden_sizes=(64, 64),
        lr=1e-3,
        max_epochs=100,
        batch_size=64,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.domain_graph = domain_graph
        self.discriminator = discriminator
        self.lambda_adv = lambda_adv
        self.hidden_sizes = hidden_sizes
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- validation --------------------------------------------------------

    def _check_graph(self):
        graph = self.domain_graph
        if graph is None:
            return None
        if sp.issparse(graph):
            graph = graph.toarray()
        try:
            graph = np.asarray(graph, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"domain_graph must hold numeric edge weights in [0, 1]: {err}"
            ) from None
        if graph.ndim != 2 or graph.shape[0] != graph.shape[1] or not graph.size:
            raise ValueError(
                "domain_graph must be a square (n_domains, n_domains) adjacency "
                f"matrix; got shape {graph.shape}."
            )
        if not np.all(np.isfinite(graph)):
            raise ValueError("domain_graph contains NaN or infinite weights.")
        if np.any(graph < 0) or np.any(graph > 1):
            raise ValueError(
                "domain_graph weights must lie in [0, 1] (1: related domains, "
                f"0: unrelated); got values in [{graph.min():g}, {graph.max():g}]."
            )
        if not np.allclose(graph, graph.T):
            raise ValueError(
                "domain_graph must be symmetric: A[i, j] == A[j, i] for every "
                "pair of domains."
            )
        return graph

    def _check_domains(self, sample_domain, n_samples, n_domains, *, fitting):
        """Integer domain ids of the rows, each < ``n_domains``."""
        if sample_domain is None:
            if n_domains is not None and n_domains > 1:
                raise ValueError(
                    f"sample_domain is required: the domain graph has {n_domains} "
                    "domains. Pass each row's domain index (an integer row of "
                    "domain_graph)."
                )
            return np.zeros(n_samples, dtype=np.int64)
        domains = check_array(
            sample_domain, ensure_2d=False, dtype=None, input_name="sample_domain"
        )
        if domains.ndim != 1 or domains.shape[0] != n_samples:
            raise ValueError(
                f"sample_domain must be 1-D with one entry per row of X "
                f"({n_samples}); got shape {domains.shape}."
            )
        if domains.dtype.kind == "f" and np.all(domains == np.round(domains)):
            domains = domains.astype(np.int64)
        if domains.dtype.kind not in "iu":
            raise ValueError(
                "sample_domain must hold integer domain indices; got dtype "
                f"{domains.dtype}."
            )
        domains = domains.astype(np.int64)
        limit = n_domains if n_domains is not None else np.inf
        bad = (domains < 0) | (domains >= limit)
        if np.any(bad):
            raise ValueError(
                f"sample_domain must index the domain graph's rows, 0 .. "
                f"{n_domains - 1}; got {sorted(set(domains[bad].tolist()))[:5]}."
                if n_domains is not None
                else "sample_domain must be non-negative domain indices; got "
                f"{sorted(set(domains[bad].tolist()))[:5]}."
            )
        if fitting:
            n_domains = n_domains or int(domains.max()) + 1
            counts = np.bincount(domains, minlength=n_domains)
            empty = np.flatnonzero(counts == 0)
            if len(empty):
                raise ValueError(
                    f"Domain(s) {empty[:5].tolist()} of the graph have no rows in "
                    "X. Every domain must appear at fit time (its rows may be "
                    "unlabelled); drop it from domain_graph otherwise."
                )
        return domains

    # -- fitting -----------------------------------------------------------

    def _fit(self, X, y_train, sample_domain, n_outputs):
        graph = self._check_graph()
        domains = self._check_domains(
            sample_domain,
            X.shape[0],
            None if graph is None else graph.shape[0],
            fitting=True,
        )
        if graph is None:
            n_domains = int(domains.max()) + 1
            graph = np.ones((n_domains, n_domains)) - np.eye(n_domains)
        self.domain_graph_ = graph
        self.n_domains_ = graph.shape[0]
        hidden = tuple(int(h) for h in self.hidden_sizes)
        if not hidden or min(hidden) < 1:
            raise ValueError(
                "hidden_sizes must be a non-empty sequence of positive integers; "
                f"got {self.hidden_sizes!r}."
            )
        self._x_mean = X.mean(axis=0)
        scale = X.std(axis=0)
        self._x_scale = np.where(scale > 0, scale, 1.0)
        self.device_ = self._resolve_device()
        d_outputs = {
            "graph": DISCRIMINATOR_DIM,
            "categorical": self.n_domains_,
            "none": 0,
        }[self.discriminator]
        with seeded(self._torch_seed(), self.device_):
            self.domain_embedding_ = fit_domain_embedding(graph, device=self.device_)
            module = _GRDAModule(
                X.shape[1], n_outputs, self.domain_embedding_, hidden, d_outputs
            )
            self.net_ = build_net(
                module,
                criterion=nn.MSELoss,  # unused: train_step computes the losses
                net_class=_GRDANet,
                iterator_train=_TensorBatches,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=min(self.batch_size, X.shape[0]),
                device=self.device_,
                verbose=self.verbose,
                task=self._task,
                discriminator=self.discriminator,
                lambda_adv=self.lambda_adv,
                adjacency=graph,
            )
            self.net_.fit({"x": self._scale_x(X), "domain": domains}, y_train)
        self.history_ = [
            {k: v for k, v in record.items() if k != "batches"}
            for record in self.net_.history
        ]
        return self

    def _scale_x(self, X):
        return ((X - self._x_mean) / self._x_scale).astype(np.float32)

    def _forward(self, X, sample_domain):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        domains = self._check_domains(
            sample_domain, X.shape[0], self.n_domains_, fitting=False
        )
        module = self.net_.module_
        module.eval()
        # Predict in float64: float32 matrix products round differently with
        # the batch's size, and a row's prediction must not depend on which
        # other rows (or domains) are predicted with it.
        params = {k: v.double() for k, v in module.state_dict().items()}
        x = torch.as_tensor((X - self._x_mean) / self._x_scale, device=self.device_)
        d = torch.as_tensor(domains, device=self.device_)
        with torch.no_grad():
            out = torch.func.functional_call(module, params, (x, d))
        return to_numpy(out).astype(np.float64)


class GRDAClassifier(ClassifierMixin, _BaseGRDA):
    __doc__ = GRDA_DOC.format(
        **SHARED_PARAMS,
        summary="Graph-relational domain adaptation for classification.",
        extra_attributes="""classes_ : ndarray of shape (n_classes,)
        The class labels (the labelled rows' values other than ``-1``).""",
        see_also="GRDARegressor : The same method for regression targets.",
        example=""">>> import numpy as np
    >>> from sklearn_iclr.domain_adaptation import GRDAClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(90, 2))
    >>> domain = np.repeat([0, 1, 2], 30)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> y[domain == 2] = -1  # domain 2 is unlabelled (the target)
    >>> chain = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> clf = GRDAClassifier(chain, max_epochs=5, random_state=0)
    >>> clf = clf.fit(X, y, sample_domain=domain)
    >>> clf.predict(X[:3], sample_domain=[2, 2, 2]).shape
    (3,)""",
    )

    _task = "classification"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_domain=None):
        """Fit on labelled and unlabelled rows of several domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows of every domain, labelled or not.
        y : array-like of shape (n_samples,)
            Class labels; ``-1`` marks an unlabelled row (a target-domain
            row), as in :mod:`sklearn.semi_supervised`.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain, an integer index of ``domain_graph``'s rows.
            ``None``: every row is one domain (a plain network).

        Returns
        -------
        self : GRDAClassifier
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        unlabelled = y == -1 if y.dtype.kind in "iuf" else np.zeros(len(y), bool)
        if unlabelled.all():
            raise ValueError(
                "y has no labelled rows: every label is -1 (unlabelled). At "
                "least the source domains need labels."
            )
        encoder = LabelEncoder().fit(y[~unlabelled])
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                "The labelled rows hold 1 class only "
                f"({self.classes_[0]!r}); a classifier needs at least two "
                "classes."
            )
        codes = np.full(len(y), -1, dtype=np.int64)
        codes[~unlabelled] = encoder.transform(y[~unlabelled])
        return self._fit(X, codes, sample_domain, len(self.classes_))

    def predict_proba(self, X, sample_domain=None):
        """Class probabilities of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows); may be
            omitted only when the model was fitted on one domain.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        logits = self._forward(X, sample_domain)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X, sample_domain=None):
        """Class labels of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        logits = self._forward(X, sample_domain)
        return self.classes_[np.argmax(logits, axis=1)]

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Accuracy on rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain.

        Returns
        -------
        score : float
            Mean accuracy.
        """
        return accuracy_score(
            y, self.predict(X, sample_domain), sample_weight=sample_weight
        )


class GRDARegressor(RegressorMixin, _BaseGRDA):
    __doc__ = GRDA_DOC.format(
        **{
            **SHARED_PARAMS,
            "notes": SHARED_PARAMS["notes"]
            + """

    Targets are standardised with the labelled rows' mean and spread for
    training and mapped back at prediction.""",
        },
        summary="Graph-relational domain adaptation for (multi-output) regression.",
        extra_attributes="""n_outputs_ : int
        Number of targets.""",
        see_also="GRDAClassifier : The same method for class labels.",
        example=""">>> import numpy as np
    >>> from sklearn_iclr.domain_adaptation import GRDARegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(90, 2))
    >>> domain = np.repeat([0, 1, 2], 30)
    >>> y = X[:, 0] + 0.5 * domain
    >>> y[domain == 2] = np.nan  # domain 2 is unlabelled (the target)
    >>> chain = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> reg = GRDARegressor(chain, max_epochs=5, random_state=0)
    >>> reg = reg.fit(X, y, sample_domain=domain)
    >>> reg.predict(X[:3], sample_domain=[2, 2, 2]).shape
    (3,)""",
    )

    _task = "regression"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_domain=None):
        """Fit on labelled and unlabelled rows of several domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows of every domain, labelled or not.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; a row with ``NaN`` targets is unlabelled (a
            target-domain row).
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain, an integer index of ``domain_graph``'s rows.
            ``None``: every row is one domain (a plain network).

        Returns
        -------
        self : GRDARegressor
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = validate_data(self, X, dtype=np.float64)
        y = check_array(
            y,
            ensure_2d=False,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            input_name="y",
        )
        check_consistent_length(X, y)
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        if np.isinf(y).any():
            raise ValueError("Input y contains infinity; NaN marks unlabelled rows.")
        self._y_1d = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        labelled = ~np.isnan(y2).any(axis=1)
        if not labelled.any():
            raise ValueError(
                "y has no labelled rows: every target is NaN (unlabelled). At "
                "least the source domains need targets."
            )
        self.n_outputs_ = y2.shape[1]
        self._y_mean = y2[labelled].mean(axis=0)
        spread = y2[labelled].std(axis=0)
        self._y_scale = np.where(spread > 0, spread, 1.0)
        y_train = (y2 - self._y_mean) / self._y_scale
        y_train[~labelled] = np.nan
        return self._fit(X, y_train.astype(np.float32), sample_domain, self.n_outputs_)

    def predict(self, X, sample_domain=None):
        """Targets of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows); may be
            omitted only when the model was fitted on one domain.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when ``y`` was 1-D at fit.
        """
        pred = self._forward(X, sample_domain) * self._y_scale + self._y_mean
        return pred.ravel() if self._y_1d else pred

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """R² on rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain.

        Returns
        -------
        score : float
            Coefficient of determination.
        """
        return r2_score(y, self.predict(X, sample_domain), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
