"""Shapley attribution of a trajectory predictor's performance to agents."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from math import factorial
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch, check_random_state

from .._torch import progress
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from ._validation import (
    agent_mask,
    average_displacement_error,
    check_future,
    check_scenes,
    final_displacement_error,
)

#: Largest number of players for the exact estimators (2**20 coalitions).
MAX_EXACT_PLAYERS = 20


def _coalitions(n_players):
    """All 2**p coalitions as a boolean (2**p, p) matrix, row c = bits of c."""
    codes = np.arange(2**n_players)[:, None]
    return ((codes >> np.arange(n_players)[None, :]) & 1).astype(bool)


def _size_weights(n_players, method):
    """Weight of the marginal gain v(S + i) - v(S) by the size of S."""
    p = n_players
    if method == "banzhaf":
        return np.full(p, 1.0 / 2 ** (p - 1))
    return np.array(
        [factorial(s) * factorial(p - s - 1) for s in range(p)], dtype=float
    ) / factorial(p)


def _exact_values(v, n_players, method):
    """Shapley or Banzhaf values from the values of all coalitions.

    ``v`` has shape (n_samples, 2**p, ...), coalition ``c`` holding the
    players whose bit is set in ``c``. Computed from the marginal gains, so
    a dummy player gets exactly zero.
    """
    p = n_players
    codes = np.arange(2**p)
    size = _coalitions(p).sum(axis=1)
    weights = _size_weights(p, method)
    phi = np.empty((v.shape[0], p) + v.shape[2:])
    for i in range(p):
        without = codes[(codes >> i & 1) == 0]
        gains = v[:, without | (1 << i)] - v[:, without]
        phi[:, i] = np.einsum("bc...,c->b...", gains, weights[size[without]])
    return phi


class ShapleyTrajectoryExplainer(TransformerMixin, BaseEstimator):
    """Attribute a trajectory predictor's performance to the agents of a scene.

    The method of Makansi et al. (ICLR 2022) [1]_. The *players* are the
    target's own past, every neighbour slot of the scene and, optionally, a
    *random agent* injected from another scene (a sanity check: a model that
    reasons about interactions should give it a value near zero). The value
    of a coalition ``S`` is the model's performance on the true future
    (minus the ADE or FDE, or a user metric) when the players outside ``S``
    are removed, and the Shapley value of a player is its average marginal
    contribution over all orders in which players join.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    model : estimator with ``predict``
        A fitted trajectory predictor: ``model.predict(X)`` maps scenes of
        shape ``(n, n_agents, t_obs, 2)`` (absent agents NaN) to futures of
        shape ``(n, t_pred, 2)``. It must accept one more agent slot than the
        scenes have when ``include_random_agent=True``. It is not refitted.

    method : {"exact", "permutation", "banzhaf", "banzhaf_sampling"}, \
            default="exact"
        ``"exact"``: Shapley values from all ``2**p`` coalitions, every
        coalition of a batch of samples evaluated in one ``model.predict``
        call. ``"permutation"``: Monte Carlo over ``n_permutations``
        antithetic permutations (each with its reverse). ``"banzhaf"``: the
        exact Banzhaf value (every other player joins independently with
        probability 1/2), what the paper's released code estimates.
        ``"banzhaf_sampling"``: the Banzhaf value estimated, for each
        player, from ``n_permutations`` random coalitions of the other
        players (each joins with probability 1/2), evaluated with and
        without the player, as in the paper's released code.

    removal : {"zero", "random"}, default="zero"
        How a player outside the coalition is removed. ``"zero"``: an absent
        neighbour is a NaN slot (its edge is cut), and the target's past is
        replaced by standing still at its last observed position, i.e. a zero
        standardised relative past. ``"random"``: the player's trajectory is
        replaced by one drawn from the background scenes given to ``fit``
        (translated to the target's last position) and the value is averaged
        over ``n_draws`` draws. Absent neighbour slots stay absent, and a
        removed random agent is always absent.

    metric : {"ade", "fde", "output"} or callable, default="ade"
        Value of a coalition. ``"ade"``/``"fde"``: minus the average/final
        displacement error of the prediction. A callable
        ``metric(y_true, y_pred) -> ndarray (n,)`` returns a per-sample value
        to maximise (e.g. minus a negative log-likelihood). ``"output"``: the
        raw prediction (no ``y`` needed); the values then have shape
        ``(n_samples, n_players, t_pred, 2)`` in :meth:`explain`, and
        :meth:`transform` returns the mean norm of each player's effect.

    n_permutations : int, default=100
        Number of permutations (``"permutation"``, rounded up to an even
        number) or of sampled coalitions per player (``"banzhaf_sampling"``).

    n_draws : int, default=8
        Number of background draws averaged with ``removal="random"``.

    include_random_agent : bool, default=False
        Add a player: a neighbour trajectory from the background scenes,
        placed relative to the target as in its own scene.

    batch_size : int or None, default=None
        Number of samples whose coalitions go into one ``model.predict``
        call; ``None`` picks it so that a call holds about 16384 scenes (at
        least one sample, whose coalitions always share one call).

    random_state : int, RandomState instance or None, default=None
        Seeds background draws, the random agent and the permutations.

    verbose : int, default=0
        ``>= 1`` shows a progress bar over batches.

    Attributes
    ----------
    background_target_ : ndarray of shape (n_background, t_obs, 2)
        Background pasts of the targets, relative to their last position.
    background_neighbours_ : ndarray of shape (n_neighbours, t_obs, 2)
        Background neighbour trajectories relative to their target's last
        position (the pool of the random agent and of ``removal="random"``).
    t_obs_ : int
        Number of observed steps.
    n_agents_ : int
        Number of agent slots of the background scenes.

    See Also
    --------
    SocialAttentionPredictor : A model that can use its neighbours.
    ConstantVelocityPredictor : A model that cannot.
    plot_scene_attribution : Draw a scene with attribution-wide arrows.

    Notes
    -----
    The exact estimators cost ``2**p`` model evaluations per sample (times
    ``n_draws`` with random removal) but in few large batched calls; they
    are limited to 20 players. Shapley values satisfy efficiency: they sum
    to ``v(all) - v(none)`` (``full_value - baseline_value``).

    A model may offer a fast path, ``predict_coalitions(X, keep,
    X_removed) -> (n_samples, n_coalitions, t_pred, 2)``, equal to
    ``predict`` on ``np.where(keep[..., None, None], X[:, None],
    X_removed[:, None])``; the explainer then calls it instead of building
    every masked scene. Both predictors of this module offer it (the social
    model encodes each agent once and recomputes only the attention and the
    decoder per coalition).

    References
    ----------
    .. [1] O. Makansi, J. von Kügelgen, F. Locatello, P. Gehler, D. Janzing,
       T. Brox, B. Schölkopf, "You Mostly Walk Alone: Analyzing Feature
       Attribution in Trajectory Prediction", ICLR 2022.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> from sklearn_iclr.explain import (
    ...     ConstantVelocityPredictor, ShapleyTrajectoryExplainer)
    >>> scenes = make_pedestrian_scenes(n_samples=30, random_state=0)
    >>> X, y = scenes.data, scenes.target
    >>> model = ConstantVelocityPredictor().fit(X, y)
    >>> explainer = ShapleyTrajectoryExplainer(model).fit(X)
    >>> phi = explainer.transform(X, y)
    >>> phi.shape
    (30, 4)
    >>> bool(abs(phi[:, 1:]).max() == 0)  # neighbours are dummy players
    True
    """

    _parameter_constraints = {
        "model": [HasMethods(["predict"])],
        "method": [StrOptions({"exact", "permutation", "banzhaf", "banzhaf_sampling"})],
        "removal": [StrOptions({"zero", "random"})],
        "metric": [StrOptions({"ade", "fde", "output"}), callable],
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "n_draws": [Interval(Integral, 1, None, closed="left")],
        "include_random_agent": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        model,
        *,
        method="exact",
        removal="zero",
        metric="ade",
        n_permutations=100,
        n_draws=8,
        include_random_agent=False,
        batch_size=None,
        random_state=None,
        verbose=0,
    ):
        self.model = model
        self.method = method
        self.removal = removal
        self.metric = metric
        self.n_permutations = n_permutations
        self.n_draws = n_draws
        self.include_random_agent = include_random_agent
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the background scenes (pool of random trajectories).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Background scenes, ideally other scenes than the explained ones.
        y : None
            Ignored.

        Returns
        -------
        self : object
            Fitted explainer.
        """
        X = check_scenes(X)
        self._check_model_t_obs(X.shape[2])
        origin = X[:, 0, -1]
        rel = X - origin[:, None, None, :]
        mask = agent_mask(X)
        self.background_target_ = rel[:, 0]
        self.background_neighbours_ = rel[:, 1:][mask[:, 1:]]
        self.t_obs_ = X.shape[2]
        self.n_agents_ = X.shape[1]
        return self

    def _check_model_t_obs(self, t_obs):
        model = self.model
        if isinstance(model, BaseEstimator):
            try:
                check_is_fitted(model)
            except NotFittedError as err:
                raise NotFittedError(
                    "ShapleyTrajectoryExplainer explains a fitted model; fit "
                    f"{type(model).__name__} first."
                ) from err
        model_t_obs = getattr(model, "t_obs_", None)
        if model_t_obs is not None and model_t_obs != t_obs:
            raise ValueError(
                f"X has t_obs={t_obs} observed steps but the model was fitted "
                f"with t_obs={model_t_obs}."
            )

    # ------------------------------------------------------------ players
    def _player_names(self, n_agents):
        names = ["past"] + [f"neighbour_{j}" for j in range(1, n_agents)]
        if self.include_random_agent:
            names.append("random_agent")
        return names

    def _prepare(self, X, y):
        check_is_fitted(self)
        X = check_scenes(X)
        if X.shape[2] != self.t_obs_:
            raise ValueError(
                f"X has t_obs={X.shape[2]} observed steps but the explainer was "
                f"fitted with t_obs={self.t_obs_}."
            )
        self._check_model_t_obs(X.shape[2])
        if self.metric == "output":
            y = None if y is None else check_future(y, X.shape[0])
        else:
            if y is None:
                raise ValueError(
                    f"metric={self.metric!r} measures performance on the true "
                    "future: pass y of shape (n_samples, t_pred, 2) (or use "
                    "metric='output')."
                )
            y = check_future(y, X.shape[0])
        rng = check_random_state(self.random_state)
        n, A, T, _ = X.shape
        origin = X[:, 0, -1]
        present = agent_mask(X)
        if self.include_random_agent:
            pool = self.background_neighbours_
            if len(pool) == 0:
                pool = self.background_target_
            extra = pool[rng.randint(len(pool), size=n)] + origin[:, None, :]
            X = np.concatenate([X, extra[:, None]], axis=1)
        p = X.shape[1]
        # Replacement of removed players, shape (n_draws, n, p, T, 2).
        if self.removal == "zero":
            repl = np.full((1,) + X.shape, np.nan)
            repl[0, :, 0] = origin[:, None, :]
        else:
            k = self.n_draws
            repl = np.full((k,) + X.shape, np.nan)
            tgt = self.background_target_
            draws = tgt[rng.randint(len(tgt), size=(k, n))]
            repl[:, :, 0] = draws + origin[None, :, None]
            nb = self.background_neighbours_
            if A > 1 and len(nb):
                draws = nb[rng.randint(len(nb), size=(k, n, A - 1))]
                draws = draws + origin[None, :, None, None, :]
                draws[:, ~present[:, 1:]] = np.nan  # absent slots stay absent
                repl[:, :, 1:A] = draws
        return X, y, repl, rng, p

    # ------------------------------------------------------------- values
    def _values(self, X, y, repl, masks, batch_slice):
        """v(S) for per-sample coalitions ``masks`` (b, C, p): (b, C, ...)."""
        Xb = X[batch_slice]
        rb = repl[:, batch_slice]
        b, C, p = masks.shape
        k = rb.shape[0]
        if hasattr(self.model, "predict_coalitions"):
            # fast path: the model encodes each agent once per draw
            fast = self.model.predict_coalitions
            pred = np.stack(
                [np.asarray(fast(Xb, masks, rb[d]), dtype=float) for d in range(k)]
            )
        else:
            # scenes (k, b, C, p, T, 2), all in one model call
            keep = masks[None, :, :, :, None, None]
            scenes = np.where(keep, Xb[None, :, None], rb[:, :, None])
            flat = scenes.reshape(k * b * C, p, *X.shape[2:])
            pred = np.asarray(self.model.predict(flat), dtype=float)
            if pred.ndim != 3 or pred.shape[0] != flat.shape[0] or pred.shape[2] != 2:
                raise ValueError(
                    "model.predict must return an array of shape (n_samples, "
                    f"t_pred, 2), got {pred.shape}."
                )
            pred = pred.reshape(k, b, C, *pred.shape[1:])
        if self.metric == "output":
            vals = pred
        else:
            yb = y[batch_slice]
            if yb.shape[1] != pred.shape[3]:
                raise ValueError(
                    f"y has t_pred={yb.shape[1]} steps but the model predicts "
                    f"{pred.shape[3]}."
                )
            y_true = yb[None, :, None]
            if self.metric == "ade":
                vals = -average_displacement_error(y_true, pred)
            elif self.metric == "fde":
                vals = -final_displacement_error(y_true, pred)
            else:
                y_true = np.broadcast_to(y_true, pred.shape)
                vals = np.asarray(
                    self.metric(
                        y_true.reshape(-1, *pred.shape[3:]),
                        pred.reshape(-1, *pred.shape[3:]),
                    ),
                    dtype=float,
                ).reshape(k, b, C)
        return vals.mean(axis=0)

    def _batch_size(self, n_rows_per_sample):
        if self.batch_size is not None:
            return self.batch_size
        return max(1, 16384 // max(1, n_rows_per_sample))

    def _attribute(self, X, y):
        X, y, repl, rng, p = self._prepare(X, y)
        n = X.shape[0]
        k = repl.shape[0]
        if self.method in ("exact", "banzhaf"):
            if p > MAX_EXACT_PLAYERS:
                raise ValueError(
                    f"method={self.method!r} enumerates 2**{p} coalitions; with "
                    f"more than {MAX_EXACT_PLAYERS} players use "
                    "method='permutation' or 'banzhaf_sampling'."
                )
            masks = _coalitions(p)
            full, empty = len(masks) - 1, 0
        values = baseline = full_value = None
        step = self._batch_size(
            k
            * (
                2**p
                if self.method in ("exact", "banzhaf")
                else self._n_coalitions_sampled(p)
            )
        )
        batches = range(0, n, step)
        for start in progress(batches, verbose=self.verbose, desc="explaining"):
            sl = slice(start, min(start + step, n))
            b = sl.stop - sl.start
            if self.method in ("exact", "banzhaf"):
                all_masks = np.broadcast_to(masks, (b,) + masks.shape)
                v = self._values(X, y, repl, all_masks, sl)
                phi = _exact_values(v, p, self.method)
                v0, v1 = v[:, empty], v[:, full]
            elif self.method == "permutation":
                phi, v0, v1 = self._permutation(X, y, repl, sl, p, rng)
            else:
                phi, v0, v1 = self._banzhaf_sampling(X, y, repl, sl, p, rng)
            if values is None:
                values = np.empty((n,) + phi.shape[1:])
                baseline = np.empty((n,) + v0.shape[1:])
                full_value = np.empty((n,) + v1.shape[1:])
            values[sl], baseline[sl], full_value[sl] = phi, v0, v1
        present = agent_mask(X)
        return values, baseline, full_value, present

    def _n_coalitions_sampled(self, p):
        if self.method == "permutation":
            m = self.n_permutations + self.n_permutations % 2
            return m * (p + 1)
        return 2 * p * self.n_permutations + 2

    def _permutation(self, X, y, repl, sl, p, rng):
        b = sl.stop - sl.start
        half = (self.n_permutations + 1) // 2
        perms = np.argsort(rng.uniform(size=(b, half, p)), axis=2)
        perms = np.concatenate([perms, perms[:, :, ::-1]], axis=1)  # antithetic
        m = perms.shape[1]
        # prefix masks: coalition j of a permutation holds its first j players
        rank = np.argsort(perms, axis=2)  # position of each player
        masks = rank[:, :, None, :] < np.arange(p + 1)[None, None, :, None]
        v = self._values(X, y, repl, masks.reshape(b, m * (p + 1), p), sl)
        v = v.reshape(b, m, p + 1, *v.shape[2:])
        gains = v[:, :, 1:] - v[:, :, :-1]  # gain of the player at position j
        # phi_i = mean over permutations of the gain at player i's position
        idx = rank.reshape(b, m, p, *([1] * (v.ndim - 3)))
        idx = np.broadcast_to(idx, (b, m, p) + v.shape[3:])
        phi = np.take_along_axis(gains, idx, axis=2).mean(axis=1)
        return phi, v[:, 0, 0], v[:, 0, -1]

    def _banzhaf_sampling(self, X, y, repl, sl, p, rng):
        # for each player i, coalitions S of the others (each joins with
        # probability 1/2) evaluated with and without i
        b = sl.stop - sl.start
        m = self.n_permutations
        eye = np.eye(p, dtype=bool)[None, :, None, :]
        sampled = rng.uniform(size=(b, p, m, p)) < 0.5
        pairs = np.stack([sampled | eye, sampled & ~eye], axis=3)  # (b,p,m,2,p)
        ends = np.zeros((b, 2, p), dtype=bool)
        ends[:, 1] = True
        masks = np.concatenate([pairs.reshape(b, p * m * 2, p), ends], axis=1)
        v = self._values(X, y, repl, masks, sl)
        gains = v[:, : p * m * 2].reshape(b, p, m, 2, *v.shape[2:])
        phi = (gains[:, :, :, 0] - gains[:, :, :, 1]).mean(axis=2)
        return phi, v[:, -2], v[:, -1]

    # ------------------------------------------------------------- public
    def transform(self, X, y=None):
        """Attribution of each player for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes to explain.
        y : array-like of shape (n_samples, t_pred, 2), default=None
            True futures; required unless ``metric="output"``.

        Returns
        -------
        values : ndarray of shape (n_samples, n_players)
            Shapley (or Banzhaf) values, players ordered as
            :meth:`get_feature_names_out`. With ``metric="output"``, the mean
            Euclidean norm over time of each player's vector attribution.
        """
        values, _, _, _ = self._attribute(X, y)
        if self.metric == "output":
            values = np.sqrt((values**2).sum(axis=-1)).mean(axis=-1)
        return values

    def fit_transform(self, X, y=None):
        """Fit on ``X`` as background, then explain ``X`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes (background and explained).
        y : array-like of shape (n_samples, t_pred, 2), default=None
            True futures; required unless ``metric="output"``.

        Returns
        -------
        values : ndarray of shape (n_samples, n_players)
            See :meth:`transform`.
        """
        return self.fit(X).transform(X, y)

    def explain(self, X, y=None):
        """Attributions with the baseline and full values and summary scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes to explain.
        y : array-like of shape (n_samples, t_pred, 2), default=None
            True futures; required unless ``metric="output"``.

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            attributions : ndarray of shape (n_samples, n_players) (or
            ``(n_samples, n_players, t_pred, 2)`` for ``metric="output"``),
            the Shapley (or Banzhaf) values (named so because a Bunch is a
            dict, whose ``values`` is a method);
            player_names : list of str;
            present : bool ndarray (n_samples, n_players), which players
            exist in each scene;
            baseline_value : v(no player), per sample;
            full_value : v(all players), per sample;
            past_score : mean value of the target's past;
            social_interaction_score : mean over scenes with at least one
            neighbour of the largest neighbour value, E[max_j phi(neighbour_j)];
            random_agent_score : mean value of the random agent (NaN if
            ``include_random_agent=False``).
            The scores use :meth:`transform`'s scalar values.
        """
        values, baseline, full_value, present = self._attribute(X, y)
        scalar = values
        if self.metric == "output":
            scalar = np.sqrt((values**2).sum(axis=-1)).mean(axis=-1)
        n_agents = present.shape[1] - int(self.include_random_agent)
        names = self._player_names(n_agents)
        neigh = slice(1, n_agents)
        has_neigh = present[:, neigh].any(axis=1)
        if has_neigh.any():
            masked = np.where(present[:, neigh], scalar[:, neigh], -np.inf)
            social = float(masked.max(axis=1)[has_neigh].mean())
        else:
            social = float("nan")
        random_score = (
            float(scalar[:, -1].mean()) if self.include_random_agent else float("nan")
        )
        return Bunch(
            attributions=values,
            player_names=names,
            present=present,
            baseline_value=baseline,
            full_value=full_value,
            past_score=float(scalar[:, 0].mean()),
            social_interaction_score=social,
            random_agent_score=random_score,
        )

    def get_feature_names_out(self, input_features=None):
        """Names of the players (output columns of :meth:`transform`).

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        names : ndarray of str
            ``"past"``, ``"neighbour_1"``, ... and ``"random_agent"``.
        """
        check_is_fitted(self)
        return np.asarray(self._player_names(self.n_agents_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # 4-D scenes, not tabular data (see the user guide); NaN = absent agent.
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        tags.target_tags.required = self.metric != "output"
        return tags
