"""Shapley attribution of a trajectory predictor's performance to agents.

One estimator; about half of this module is its user-facing docstrings. The
game's estimators live in ``_coalitions.py``, the removal of players in
``_removal.py``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch, check_random_state

from ..utils._parallel import Parallel, delayed
from ..utils._progress import progress
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from ._coalitions import (
    MAX_EXACT_PLAYERS,
    banzhaf_draws,
    n_banzhaf_coalitions,
    n_permutation_coalitions,
    permutation_draws,
)
from ._game import CoalitionGame, explain_batch
from ._removal import add_random_agent, removed_players
from ._validation import agent_mask, check_future, check_scenes


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
        ``clone`` (and so ``GridSearchCV``, ``cross_validate`` or a
        ``Pipeline``) would replace it by an unfitted copy: wrap it in
        :class:`sklearn.frozen.FrozenEstimator` to keep it fitted.

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

    n_jobs : int or None, default=None
        Number of batches explained at once, in joblib workers: explaining
        thousands of scenes with a slow model is dominated by the model's
        calls, and the batches are independent. ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context (for example ``"dask"``, to
        spread the batches over a Dask cluster); ``-1`` uses every processor.
        The model travels to each worker with its batch. Parallelism is over
        batches, so explaining few scenes needs a ``batch_size`` that makes at
        least as many batches as workers. The values do not depend on
        ``n_jobs`` or on the backend: the random numbers of each batch are
        drawn in order in the calling process.

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
    model encodes each agent once per frame of reference, the target kept or
    replaced, and recomputes only the attention and the decoder per
    coalition).

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
        "n_jobs": [Integral, None],
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
        n_jobs=None,
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
        self.n_jobs = n_jobs
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
            Scenes explained later must have the same number of agent slots
            (pad with NaN slots).
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
                    f"The model given to ShapleyTrajectoryExplainer "
                    f"({type(model).__name__}) is not fitted: fit it first. If "
                    "the explainer is cloned (clone, GridSearchCV, "
                    "cross_validate, a Pipeline's fit), the clone holds an "
                    "unfitted copy of the model: wrap the fitted model in "
                    "sklearn.frozen.FrozenEstimator so that it stays fitted."
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
        if X.shape[1] != self.n_agents_:
            raise ValueError(
                f"X has {X.shape[1]} agent slots but the explainer was fitted on "
                f"scenes with {self.n_agents_}: the players (and the columns of "
                "transform) are fixed by fit. Pad the scenes with NaN slots "
                "(absent agents) to a common number and fit on that."
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
        if self.include_random_agent:
            X = add_random_agent(
                X, self.background_neighbours_, self.background_target_, rng
            )
        n_draws = 1 if self.removal == "zero" else self.n_draws
        repl = removed_players(
            X,
            self.removal,
            n_draws,
            self.background_target_,
            self.background_neighbours_,
            rng,
            n_agents=self.n_agents_,
        )
        return X, y, repl, rng

    def _n_coalitions(self, p):
        if self.method in ("exact", "banzhaf"):
            return 2**p
        if self.method == "permutation":
            return n_permutation_coalitions(p, self.n_permutations)
        return n_banzhaf_coalitions(p, self.n_permutations)

    def _attribute(self, X, y):
        X, y, repl, rng = self._prepare(X, y)
        n, p = X.shape[:2]
        k = repl.shape[0]
        if self.method in ("exact", "banzhaf") and p > MAX_EXACT_PLAYERS:
            raise ValueError(
                f"method={self.method!r} enumerates 2**{p} coalitions; with "
                f"more than {MAX_EXACT_PLAYERS} players use "
                "method='permutation' or 'banzhaf_sampling'."
            )
        if self.batch_size is not None:
            step = self.batch_size
        else:
            step = max(1, 16384 // (k * self._n_coalitions(p)))
        slices = [slice(i, min(i + step, n)) for i in range(0, n, step)]
        game = CoalitionGame(self.model, self.metric)

        def draws(sl):
            b = sl.stop - sl.start
            if self.method == "permutation":
                return permutation_draws(rng, b, p, self.n_permutations)
            if self.method == "banzhaf_sampling":
                return banzhaf_draws(rng, b, p, self.n_permutations)
            return None

        # joblib consumes this generator lazily, in order and under a lock, so
        # each batch's random numbers are the same whatever runs the batches.
        tasks = (
            delayed(explain_batch)(
                game,
                self.method,
                X[sl],
                None if y is None else y[sl],
                repl[:, sl],
                draws(sl),
            )
            for sl in slices
        )
        results = Parallel(n_jobs=self.n_jobs, return_as="generator")(tasks)
        desc = f"ShapleyTrajectoryExplainer: explaining {n} scenes, batch"
        values = baseline = full_value = None
        for sl, (phi, v0, v1) in zip(
            slices,
            progress(results, verbose=self.verbose, desc=desc, total=len(slices)),
        ):
            if values is None:
                values = np.empty((n,) + phi.shape[1:])
                baseline = np.empty((n,) + v0.shape[1:])
                full_value = np.empty((n,) + v1.shape[1:])
            values[sl], baseline[sl], full_value[sl] = phi, v0, v1
        present = agent_mask(X)
        return values, baseline, full_value, present

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
