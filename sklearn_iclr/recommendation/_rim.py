"""RecurrentIntensityRecommender: relevance p(item | history) times the user's
activity intensity, ranked per user (recommendation) or per item (targeting)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator

from .._torch import TorchEstimatorMixin
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._activity import ActivityModel
from ._events import EventLog, encode, split_columns
from ._metrics import precision_at_k, top_k
from ._relevance import CooccurrenceRelevance, GRURelevance, PopularityRelevance
from ._split import window_targets

_CHUNK = 2048  # users scored at once: bounds memory at _CHUNK x n_items floats


class RecurrentIntensityRecommender(TorchEstimatorMixin, BaseEstimator):
    """Recurrent intensity model (RIM): which users will consume an item, and when.

    The score of a user ``x`` and item ``y`` for the window ``[t, t +
    horizon)`` is ``lambda(x, t) * p(y | x)``: the expected number of events
    of the user in the window (the activity intensity, integrated) times the
    probability of the item as the user's next one. Ranking items per user
    (:meth:`recommend_items`) is ordinary recommendation and does not depend on
    the intensity; ranking users per item (:meth:`recommend_users`) is user
    targeting, where the users' activity matters as much as their taste.

    Read more in the :ref:`User Guide <recommendation>`.

    Parameters
    ----------
    relevance : {"gru", "popularity", "cooccurrence"}, default="gru"
        ``p(item | history)``: a GRU over the user's item sequence with tied
        item embeddings trained on next-item prediction (the paper's RNN),
        the item frequencies, or the transitions from the user's last item.
    intensity : {"hawkes", "hawkes_poisson", "ema", "none"}, default="hawkes"
        The activity model: a Hawkes process with sum-of-exponential kernels
        shared by all users; the same with its parts reweighted by a Poisson
        fit on the last ``horizon`` of the log; an exponential moving average
        of past events (decay ``horizon``) scaled on that window; or none
        (every user equally active: relevance alone).
    horizon : float, default=None
        Length of the prediction window, in the units of the timestamps;
        ``None`` uses a tenth of the log's time span.
    n_decays : int, default=6
        Number of Hawkes kernels, with decays log-spaced from ``horizon / 10``
        to ``100 * horizon``.
    hidden_size : int, default=128
        GRU width (and item-embedding size).
    n_layers : int, default=2
        GRU layers.
    max_len : int, default=256
        Each user's sequence is truncated to its last ``max_len`` events.
    train_sequences : {"last", "all"}, default="last"
        ``"last"`` trains the GRU on each user's last ``max_len + 1`` events
        (the released code); ``"all"`` also cuts the rest of longer histories
        into windows of that length, so that every event is a target once.
        Use ``"all"`` when there are few users with long histories (a few
        hundred, as in ml-latest-small): the GRU then learns from every
        transition instead of one sequence per user, at the cost of longer
        epochs.
    max_epochs : int, default=20
        GRU training epochs.
    lr : float, default=0.1
        Adagrad learning rate (halved when the training loss plateaus).
    batch_size : int, default=32
        Users per GRU batch.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Torch device of the GRU.
    verbose : int, default=0
        ``1`` prints the GRU's per-epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds the GRU; equal values give identical fits.

    Attributes
    ----------
    users_ : ndarray of shape (n_users,)
        The user ids seen in ``fit``, sorted (row order of
        :meth:`predict_matrix`).
    items_ : ndarray of shape (n_items,)
        The item ids seen in ``fit``, sorted.
    horizon_ : float
        The prediction window used.
    end_time_ : float
        The last timestamp of the fitted log: the default window start.
    hawkes_ : object or None
        The fitted Hawkes process (``baseline_``, ``adjacency_``, ``decays``
        per horizon) for the Hawkes intensities.
    activity_model_ : object
        The fitted activity model (the intensity and its refinements).
    relevance_model_ : object
        The fitted relevance model.
    n_features_in_ : int
        Number of columns of ``X`` (the first three are used).

    Notes
    -----
    A user unknown at ``fit`` gets the intensity of a user without history
    (the Hawkes baseline; the mean for ``"ema"``) times the item popularity;
    an item unknown at ``fit`` gets the smallest popularity, so users are
    ranked for it by intensity alone. ``predict`` conditions the intensity on
    the fitted events strictly before each query's time, and the relevance on
    the whole fitted history.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_hawkes_events
    >>> from sklearn_iclr.recommendation import RecurrentIntensityRecommender
    >>> ev = make_hawkes_events(n_users=40, n_items=15, random_state=0)
    >>> rim = RecurrentIntensityRecommender(
    ...     relevance="popularity", horizon=10.0).fit(ev.data)
    >>> rim.recommend_users([3.0], k=5).shape
    (1, 5)
    """

    _parameter_constraints = {
        "relevance": [StrOptions({"gru", "popularity", "cooccurrence"})],
        "intensity": [StrOptions({"hawkes", "hawkes_poisson", "ema", "none"})],
        "horizon": [Interval(Real, 0, None, closed="neither"), None],
        "n_decays": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "max_len": [Interval(Integral, 1, None, closed="left")],
        "train_sequences": [StrOptions({"last", "all"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        relevance="gru",
        intensity="hawkes",
        *,
        horizon=None,
        n_decays=6,
        hidden_size=128,
        n_layers=2,
        max_len=256,
        train_sequences="last",
        max_epochs=20,
        lr=0.1,
        batch_size=32,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.relevance = relevance
        self.intensity = intensity
        self.horizon = horizon
        self.n_decays = n_decays
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.max_len = max_len
        self.train_sequences = train_sequences
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- reading event tables ------------------------------------------------
    def _read(self, X, reset):
        if hasattr(X, "iloc"):
            validate_data(self, X, reset=reset, skip_check_array=True)
        else:
            X = validate_data(
                self,
                X,
                reset=reset,
                dtype=None,
                ensure_min_samples=2 if reset else 1,
                ensure_min_features=3 if reset else 1,
            )
        return split_columns(X)

    def _scaled(self, t):
        return (np.asarray(t, dtype=np.float64) - self.time_origin_) / self.horizon_

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the relevance and intensity models on an event log.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_events, >= 3)
            One row per event: user id, item id, timestamp (numeric, or
            datetime in a DataFrame, read as seconds). A DataFrame is read by
            its ``user``, ``item`` and ``timestamp`` columns when present.
            Rows need not be sorted: each user's events are ordered by time,
            ties in input order. Further columns are ignored.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        users, items, times = self._read(X, reset=True)
        try:
            self.users_, u = np.unique(users, return_inverse=True)
            self.items_, i = np.unique(items, return_inverse=True)
        except TypeError as err:
            raise TypeError(
                "User and item ids must be sortable: each argument must be a "
                f"string or a number of one kind ({err})."
            ) from None
        self.time_origin_ = float(times.min())
        self.end_time_ = float(times.max())
        span = self.end_time_ - self.time_origin_
        self.horizon_ = float(self.horizon or (span / 10 if span > 0 else 1.0))
        log = EventLog(u.ravel(), i.ravel(), self._scaled(times), len(self.users_))
        self.log_ = log
        self._fit_intensity(log)
        n_items = len(self.items_)
        if self.relevance == "gru":
            self.device_ = self._resolve_device()
            model = GRURelevance(
                hidden_size=self.hidden_size,
                n_layers=self.n_layers,
                max_len=self.max_len,
                all_events=self.train_sequences == "all",
                max_epochs=self.max_epochs,
                lr=self.lr,
                batch_size=self.batch_size,
                device=self.device_,
                verbose=self.verbose,
                seed=self._torch_seed(),
            )
        elif self.relevance == "cooccurrence":
            model = CooccurrenceRelevance()
        else:
            model = PopularityRelevance()
        self.relevance_model_ = model.fit(log, n_items)
        import scipy.sparse as sp

        self.seen_ = sp.csr_matrix(
            (np.ones(len(log.user), dtype=bool), (log.user, log.item)),
            shape=(len(self.users_), n_items),
        )
        return self

    def refit_intensity(self, intensity):
        """Refit only the activity model, keeping the fitted relevance.

        Comparing intensities over one GRU (the costly part) this way gives
        the same result as fitting again with the new ``intensity``.

        Parameters
        ----------
        intensity : {"hawkes", "hawkes_poisson", "ema", "none"}
            The new activity model (also set as the ``intensity`` parameter).

        Returns
        -------
        self : object
        """
        check_is_fitted(self)
        self.set_params(intensity=intensity)
        self._validate_params()
        self._fit_intensity(self.log_)
        return self

    def _fit_intensity(self, log):
        model = ActivityModel(self.intensity, self.n_decays)
        self.activity_model_ = model.fit(log, self._scaled(self.end_time_))
        self.hawkes_ = model.hawkes_

    def _expected_counts(self, users, at):
        """Expected events of users (codes, ``-1`` unknown) in the window
        starting at the scaled times ``at``."""
        return self.activity_model_.expected_counts(self.log_, users, at)

    def _window_start(self, at):
        return self._scaled(self.end_time_ if at is None else at)

    def intensity_at(self, users, times):
        """Activity intensity (events per unit of time) of users at given times.

        Parameters
        ----------
        users : array-like of shape (n_queries,)
            User ids.
        times : array-like of shape (n_queries,) or float
            Query times; only fitted events strictly before each time count.

        Returns
        -------
        intensity : ndarray of shape (n_queries,)
            For ``"hawkes"``, the conditional intensity; for the other
            intensities, the expected count of the window starting at the time
            divided by ``horizon_``.
        """
        check_is_fitted(self)
        codes = encode(np.asarray(users), self.users_)
        at = self._scaled(times)
        return self.activity_model_.intensity(self.log_, codes, at) / self.horizon_

    def _item_codes(self, items):
        return encode(np.asarray(items), self.items_)

    def _relevance(self, users, item_codes):
        """float32 p(item | user) for user codes x item codes (``-1``: unknown)."""
        p = self.relevance_model_.proba(users)
        n_items = len(self.items_)
        if len(item_codes) == n_items and (item_codes == np.arange(n_items)).all():
            return p
        floor = 1.0 / (self.log_.item.size + n_items)  # one pseudo-count
        out = np.full((len(users), len(item_codes)), floor, dtype=np.float32)
        known = item_codes >= 0
        out[:, known] = p[:, item_codes[known]]
        return out

    def predict(self, X):
        """Score (user, item, time) queries: expected count x relevance.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_queries, >= 3)
            User id, item id and window start of each query.

        Returns
        -------
        scores : ndarray of shape (n_queries,)
            ``lambda(user, [t, t + horizon)) * p(item | user)``.
        """
        check_is_fitted(self)
        users, items, times = self._read(X, reset=False)
        u = encode(users, self.users_)
        i = self._item_codes(items)
        counts = self._expected_counts(u, self._scaled(times))
        out = np.empty(len(u))
        for b in range(0, len(u), _CHUNK):
            sl = slice(b, b + _CHUNK)
            cols, col = np.unique(i[sl], return_inverse=True)
            p = self._relevance(u[sl], cols)
            out[sl] = p[np.arange(len(col)), col.ravel()]
        return counts * out

    def _chunk_scores(self, u, i, at, exclude_seen):
        counts = self._expected_counts(u, np.full(len(u), at))
        scores = self._relevance(u, i) * counts.astype(np.float32)[:, None]
        if exclude_seen:
            rows, cols = np.flatnonzero(u >= 0), np.flatnonzero(i >= 0)
            seen = self.seen_[u[rows]][:, i[cols]].tocoo()
            scores[rows[seen.row], cols[seen.col]] = -np.inf
        return scores

    def predict_matrix(self, users=None, items=None, *, at=None, exclude_seen=False):
        """Scores of every (user, item) pair for the window starting at ``at``.

        Parameters
        ----------
        users, items : array-like or None, default=None
            Ids; ``None`` means all fitted ones (``users_``, ``items_``).
        at : float, default=None
            Window start; ``None`` is ``end_time_``.
        exclude_seen : bool, default=False
            Give pairs seen in ``fit`` a score of ``-inf``.

        Returns
        -------
        scores : ndarray of shape (n_users, n_items), float32
        """
        check_is_fitted(self)
        u = np.arange(len(self.users_)) if users is None else encode(users, self.users_)
        i = np.arange(len(self.items_)) if items is None else self._item_codes(items)
        return self._chunk_scores(u, i, self._window_start(at), exclude_seen)

    @staticmethod
    def _check_k(k):
        if isinstance(k, bool) or not isinstance(k, Integral) or k <= 0:
            raise ValueError(f"k must be a positive integer; got {k!r}.")
        return int(k)

    def recommend_items(self, users, k=10, *, at=None, exclude_seen=True):
        """The ``k`` items each user is most likely to consume next.

        Parameters
        ----------
        users : array-like of shape (n_queries,)
            User ids (unknown ones get the most popular items).
        k : int, default=10
            Number of items per user (at most the number of items).
        at : float, default=None
            Window start (does not change this ranking: the intensity is a
            per-user factor).
        exclude_seen : bool, default=True
            Leave out items the user consumed in ``fit``.

        Returns
        -------
        items : ndarray of shape (n_queries, k)
            Item ids, best first (ties: smaller id first).
        """
        check_is_fitted(self)
        k = min(self._check_k(k), len(self.items_))
        u = encode(np.asarray(users), self.users_)
        i = np.arange(len(self.items_))
        at = self._window_start(at)
        out = np.empty((len(u), k), dtype=np.int64)
        for b in range(0, len(u), _CHUNK):
            out[b : b + _CHUNK] = top_k(
                self._chunk_scores(u[b : b + _CHUNK], i, at, exclude_seen), k
            )
        return self.items_[out]

    def recommend_users(self, items, k=10, *, at=None, exclude_seen=True):
        """The ``k`` users most likely to consume each item in the window.

        Users are scored in chunks of 2048 with a running top ``k``, so memory
        stays at a chunk times the number of queried items.

        Parameters
        ----------
        items : array-like of shape (n_queries,)
            Item ids (unknown ones rank users by intensity alone).
        k : int, default=10
            Number of users per item (at most the number of users).
        at : float, default=None
            Window start; ``None`` is ``end_time_``.
        exclude_seen : bool, default=True
            Leave out users who consumed the item in ``fit``.

        Returns
        -------
        users : ndarray of shape (n_queries, k)
            User ids, best first (ties: smaller id first).
        """
        check_is_fitted(self)
        k = min(self._check_k(k), len(self.users_))
        i = self._item_codes(items)
        at = self._window_start(at)
        best_s = np.empty((len(i), 0), dtype=np.float32)
        best_u = np.empty((len(i), 0), dtype=np.int32)
        for b in range(0, len(self.users_), _CHUNK):
            u = np.arange(b, min(b + _CHUNK, len(self.users_)), dtype=np.int32)
            s = self._chunk_scores(u, i, at, exclude_seen).T
            # Earlier users come first, so a stable sort keeps brute-force ties.
            cand_s = np.hstack([best_s, s])
            cand_u = np.hstack([best_u, np.broadcast_to(u, s.shape)])
            idx = top_k(cand_s, k)
            best_s = np.take_along_axis(cand_s, idx, axis=1)
            best_u = np.take_along_axis(cand_u, idx, axis=1)
        return self.users_[best_u]

    def score(self, X, y=None):
        """User-targeting precision at 1 % of the users on a held-out window.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_events, >= 3)
            Events of the window (its start is their earliest time).
        y : None
            Ignored.

        Returns
        -------
        precision : float
            Mean over the items consumed in ``X`` of the share of their top
            1 % users (at least one) who consumed them.
        """
        check_is_fitted(self)
        _, _, times = self._read(X, reset=False)
        Y = window_targets(X, self.users_, self.items_)
        S = self.predict_matrix(at=float(times.min()))
        return precision_at_k(Y, S, k=0.01, target="users")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags
