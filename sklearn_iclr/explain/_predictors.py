"""Trajectory predictors to explain: constant velocity and social attention."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from .._torch import (
    MLP,
    TorchEstimatorMixin,
    build_net,
    nn,
    seeded,
    skorch,
    torch,
)
from ..utils._sklearn_compat import (
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
)


class _TrajectoryRegressorMixin(RegressorMixin):
    """Shared API of the trajectory predictors: 4-D input, ADE score."""

    def _check_predict_input(self, X):
        check_is_fitted(self)
        X = check_scenes(X)
        if X.shape[2] != self.t_obs_:
            raise ValueError(
                f"X has t_obs={X.shape[2]} observed steps but {type(self).__name__} "
                f"was fitted with t_obs={self.t_obs_}."
            )
        return X

    def score(self, X, y, sample_weight=None):
        """Negative average displacement error (higher is better).

        ``GridSearchCV`` uses this score by default, since the coefficient
        of determination of :class:`~sklearn.base.RegressorMixin` is not
        defined for trajectories.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes.
        y : array-like of shape (n_samples, t_pred, 2)
            The target's true future positions.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Minus the (weighted) mean ADE.
        """
        y_pred = self.predict(X)
        y = check_future(y, y_pred.shape[0], t_pred=y_pred.shape[1])
        return -float(
            np.average(average_displacement_error(y, y_pred), weights=sample_weight)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Inputs are 4-D scenes (n_samples, n_agents, t_obs, 2): sklearn's
        # tabular checks cannot build such data, and two_d_array=False is how
        # sklearn's tags say so. NaN marks absent agents.
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class ConstantVelocityPredictor(_TrajectoryRegressorMixin, BaseEstimator):
    """Predict that the target keeps its last observed velocity.

    The classic strong baseline of pedestrian trajectory prediction: it
    uses only the target's own past, so every neighbour is a dummy player
    for :class:`ShapleyTrajectoryExplainer`. There is nothing to learn;
    ``fit`` only checks the data and records its shapes.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    n_velocity_steps : int, default=1
        The velocity is the mean displacement per step over the last
        ``n_velocity_steps`` observed steps (at most ``t_obs - 1``).

    Attributes
    ----------
    t_obs_ : int
        Number of observed steps the predictor was fitted with.
    t_pred_ : int
        Number of predicted steps.

    See Also
    --------
    SocialAttentionPredictor : A learned model that can use neighbours.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> from sklearn_iclr.explain import ConstantVelocityPredictor
    >>> scenes = make_pedestrian_scenes(n_samples=20, random_state=0)
    >>> model = ConstantVelocityPredictor().fit(scenes.data, scenes.target)
    >>> model.predict(scenes.data).shape
    (20, 12, 2)
    """

    _parameter_constraints = {
        "n_velocity_steps": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, n_velocity_steps=1):
        self.n_velocity_steps = n_velocity_steps

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the scenes and record ``t_obs`` and ``t_pred``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Observed scenes; agent 0 is the target, absent agents are NaN.
        y : array-like of shape (n_samples, t_pred, 2)
            The target's future positions.

        Returns
        -------
        self : object
            Fitted predictor.
        """
        X = check_scenes(X)
        y = check_future(y, X.shape[0])
        if self.n_velocity_steps > X.shape[2] - 1:
            raise ValueError(
                f"n_velocity_steps={self.n_velocity_steps} needs at least "
                f"{self.n_velocity_steps + 1} observed steps, got t_obs={X.shape[2]}."
            )
        self.t_obs_ = X.shape[2]
        self.t_pred_ = y.shape[1]
        return self

    def predict(self, X):
        """Extrapolate the target's last velocity.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes; any number of agents.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, t_pred, 2)
            Predicted future positions of the target.
        """
        X = self._check_predict_input(X)
        k = self.n_velocity_steps
        last = X[:, 0, -1]
        velocity = (last - X[:, 0, -1 - k]) / k
        steps = np.arange(1, self.t_pred_ + 1, dtype=float)
        return last[:, None, :] + steps[None, :, None] * velocity[:, None, :]

    def predict_coalitions(self, X, keep, X_removed):
        """Predict every coalition of agents at once.

        Equal to calling :meth:`predict` on
        ``np.where(keep[..., None, None], X[:, None], X_removed[:, None])``;
        only the target's past matters, so two predictions per scene suffice.
        :class:`ShapleyTrajectoryExplainer` uses this fast path.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes.
        keep : array-like of bool, shape (n_samples, n_coalitions, n_agents)
            Which agents keep their trajectory in each coalition.
        X_removed : array-like of shape (n_samples, n_agents, t_obs, 2)
            Trajectories of removed agents (NaN: absent).

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_coalitions, t_pred, 2)
            Predicted futures of the target for every coalition.
        """
        X = self._check_predict_input(X)
        keep = np.asarray(keep, dtype=bool)
        X_removed = np.asarray(X_removed, dtype=float)
        kept = self.predict(X[:, :1])
        removed = self.predict(X_removed[:, :1])
        return np.where(keep[:, :, :1, None], kept[:, None], removed[:, None])


def _scene_features(X, origin, scale):
    """Per-agent inputs: position relative to the target's last position and
    velocity, both divided by ``scale``; absent agents are zero and masked."""
    mask = agent_mask(X)
    rel = (X - origin[:, None, None, :]) / scale
    vel = np.zeros_like(rel)
    vel[:, :, 1:] = rel[:, :, 1:] - rel[:, :, :-1]
    feats = np.concatenate([rel, vel], axis=-1)
    feats[~mask] = 0.0
    return feats.astype(np.float32), mask.astype(np.float32)


class _SocialAttentionModule(nn.Module):
    """Per-agent encoder and attention of the target over its neighbours."""

    def __init__(self, t_obs, t_pred, hidden_size=32, encoder="gru"):
        super().__init__()
        H = hidden_size
        self.encoder_kind = encoder
        if encoder == "gru":
            self.encoder = nn.GRU(4, H, batch_first=True)
        else:
            self.encoder = MLP(t_obs * 4, H, (H,))
        self.query = nn.Linear(H, H)
        self.key = nn.Linear(H, H)
        self.value = nn.Linear(H, H)
        # A learned "nobody" key lets the target attend to no neighbour.
        self.null_key = nn.Parameter(torch.zeros(H))
        self.decoder = MLP(2 * H, t_pred * 2, (2 * H,))
        self.scale = 1.0 / math.sqrt(H)
        self.t_pred = t_pred

    def encode(self, feats):
        B, A, T, C = feats.shape
        flat = feats.reshape(B * A, T, C)
        if self.encoder_kind == "gru":
            _, h = self.encoder(flat)
            h = h[-1]
        else:
            h = torch.relu(self.encoder(flat.reshape(B * A, T * C)))
        return h.reshape(B, A, -1)

    def attend(self, h, mask):
        """Decode from agent encodings ``h`` (B, A, H) and presence ``mask``."""
        present = mask > 0.5
        h_target = h[:, 0]
        q = self.query(h_target)
        if h.shape[1] > 1:
            k = self.key(h[:, 1:])
            v = self.value(h[:, 1:])
            scores = torch.einsum("bh,bah->ba", q, k) * self.scale
            scores = scores.masked_fill(~present[:, 1:], float("-inf"))
            null = (q * self.null_key).sum(-1, keepdim=True) * self.scale
            att = torch.softmax(torch.cat([null, scores], dim=1), dim=1)
            context = torch.einsum("ba,bah->bh", att[:, 1:], v)
        else:
            context = torch.zeros_like(h_target)
        return self.decoder(torch.cat([h_target, context], dim=-1))

    def forward(self, feats, mask):
        return self.attend(self.encode(feats), mask) + self.extrapolate(feats)

    def attend_coalitions(self, h_x, m_x, h_r, m_r, keep):
        """:meth:`attend` for every coalition, without materialising them.

        ``h_x``/``m_x`` encode the scene, ``h_r``/``m_r`` the removed agents,
        both (B, A, H) and (B, A); ``keep`` (B, C, A) picks one per agent.
        Attention scores are scalars per (query, key) pair, so they are
        computed once for the 2 x 2 choices and selected per coalition.
        Returns (B, C, t_pred * 2).
        """
        keep0 = keep[:, :, 0]
        h_t = torch.where(keep0[..., None], h_x[:, None, 0], h_r[:, None, 0])
        if h_x.shape[1] == 1:
            context = torch.zeros_like(h_t)
            return self.decoder(torch.cat([h_t, context], dim=-1))
        q_x, q_r = self.query(h_x[:, 0]), self.query(h_r[:, 0])
        k_x, k_r = self.key(h_x[:, 1:]), self.key(h_r[:, 1:])
        v_x, v_r = self.value(h_x[:, 1:]), self.value(h_r[:, 1:])

        def score(q, k):
            return torch.einsum("bh,bah->ba", q, k)[:, None] * self.scale

        keepn = keep[:, :, 1:]
        q0 = keep0[..., None]
        s_kept = torch.where(q0, score(q_x, k_x), score(q_r, k_x))
        s_removed = torch.where(q0, score(q_x, k_r), score(q_r, k_r))
        scores = torch.where(keepn, s_kept, s_removed)
        present = torch.where(keepn, m_x[:, None, 1:], m_r[:, None, 1:]) > 0.5
        scores = scores.masked_fill(~present, float("-inf"))
        null = (
            torch.where(
                keep0,
                (q_x * self.null_key).sum(-1)[:, None],
                (q_r * self.null_key).sum(-1)[:, None],
            )
            * self.scale
        )
        att = torch.softmax(torch.cat([null[..., None], scores], dim=-1), dim=-1)
        att = att[..., 1:]
        kept = keepn.to(att.dtype)
        context = torch.einsum("bca,bah->bch", att * kept, v_x) + torch.einsum(
            "bca,bah->bch", att * (1 - kept), v_r
        )
        return self.decoder(torch.cat([h_t, context], dim=-1))

    def extrapolate(self, feats):
        """Constant-velocity future of the target, the decoder's residual base."""
        velocity = feats[:, 0, -1, 2:]
        steps = torch.arange(1, self.t_pred + 1, dtype=feats.dtype, device=feats.device)
        return (steps[None, :, None] * velocity[:, None, :]).reshape(len(feats), -1)


class _RotationAugmentedNet(skorch.NeuralNet):
    """skorch net rotating every training batch by random angles.

    Scenes are expressed relative to the target's last position, so a
    rotation about the origin of the inputs (relative positions and
    velocities) and of the targets gives another valid scene.
    """

    def train_step_single(self, batch, **fit_params):
        Xi, yi = batch
        feats = Xi["feats"]
        angle = torch.rand(len(feats), device=feats.device) * (2 * math.pi)
        cos, sin = torch.cos(angle), torch.sin(angle)
        rot = torch.stack(
            [torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2
        )

        def turn(points):  # (B, ..., 2) rotated by each sample's angle
            shape = points.shape
            flat = points.reshape(shape[0], -1, 2)
            return torch.einsum("bij,bnj->bni", rot, flat).reshape(shape)

        B, A, T, _ = feats.shape
        pairs = feats.reshape(B, A, T, 2, 2)
        feats = turn(pairs.transpose(3, 2).reshape(B, A * 2 * T, 2))
        feats = feats.reshape(B, A, 2, T, 2).transpose(2, 3).reshape(B, A, T, 4)
        yi = turn(yi.reshape(B, -1, 2)).reshape(B, -1)
        return super().train_step_single(({**Xi, "feats": feats}, yi), **fit_params)


class SocialAttentionPredictor(
    TorchEstimatorMixin, _TrajectoryRegressorMixin, BaseEstimator
):
    """A neural trajectory predictor that attends over the target's neighbours.

    Every agent's past, expressed relative to the target's last observed
    position and divided by a scale learned in ``fit``, is encoded by a
    shared recurrent (GRU) or MLP encoder together with its velocities. The
    target's encoding queries the neighbours' encodings with scaled
    dot-product attention, masked for absent agents (NaN slots) and with a
    learned "nobody" slot so the model may ignore all neighbours. An MLP
    decodes the target's encoding and the attended context into a
    correction of the constant-velocity extrapolation of the target, giving
    the ``t_pred`` future positions. It is trained with the mean squared
    error (in scaled units) through a skorch net, on batches rotated at
    random when ``rotation_augment=True``.

    The number of agents may differ between ``fit`` and ``predict``
    (scenes are NaN-padded), so neighbours can be removed or added, as
    :class:`ShapleyTrajectoryExplainer` does.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    hidden_size : int, default=32
        Width of the agent encodings and of the attention.
    encoder : {"gru", "mlp"}, default="gru"
        Per-agent encoder of the observed past.
    rotation_augment : bool, default=True
        Rotate every training batch by random angles about the target's
        last position (scenes have no preferred direction); the model then
        generalises to scenes whose walkers head in directions unseen in
        training, as the leave-one-scene-out ETH/UCY protocol requires.
    max_epochs : int, default=30
        Number of training epochs.
    lr : float, default=3e-3
        Adam learning rate.
    batch_size : int, default=64
        Training mini-batch size.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device; ``"auto"`` uses CUDA when available.
    verbose : int, default=0
        ``>= 1`` prints skorch's per-epoch training table.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling; an int gives repeatable fits.

    Attributes
    ----------
    t_obs_ : int
        Number of observed steps.
    t_pred_ : int
        Number of predicted steps.
    scale_ : float
        Scale (metres) dividing relative positions, the standard deviation
        of the training scenes' relative coordinates.
    net_ : skorch.NeuralNet
        The trained net.
    device_ : str
        The torch device used.

    See Also
    --------
    ConstantVelocityPredictor : A baseline that ignores neighbours.
    ShapleyTrajectoryExplainer : Which agents does the model use?

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> from sklearn_iclr.explain import SocialAttentionPredictor
    >>> scenes = make_pedestrian_scenes(n_samples=40, random_state=0)
    >>> model = SocialAttentionPredictor(max_epochs=2, random_state=0)
    >>> model.fit(scenes.data, scenes.target).predict(scenes.data).shape
    (40, 12, 2)
    """

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "encoder": [StrOptions({"gru", "mlp"})],
        "rotation_augment": ["boolean"],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        hidden_size=32,
        *,
        encoder="gru",
        rotation_augment=True,
        max_epochs=30,
        lr=3e-3,
        batch_size=64,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.encoder = encoder
        self.rotation_augment = rotation_augment
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on scenes and the target's futures.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Observed scenes; agent 0 is the target, absent agents are NaN.
        y : array-like of shape (n_samples, t_pred, 2)
            The target's future positions.

        Returns
        -------
        self : object
            Fitted predictor.
        """
        X = check_scenes(X)
        y = check_future(y, X.shape[0])
        if X.shape[2] < 2:
            raise ValueError(
                f"SocialAttentionPredictor needs t_obs >= 2, got {X.shape[2]}."
            )
        self.t_obs_, self.t_pred_ = X.shape[2], y.shape[1]
        origin = X[:, 0, -1]
        rel = X - origin[:, None, None, :]
        scale = float(np.nanstd(rel))
        self.scale_ = scale if np.isfinite(scale) and scale > 0 else 1.0
        feats, mask = _scene_features(X, origin, self.scale_)
        target = ((y - origin[:, None, :]) / self.scale_).reshape(len(y), -1)
        self.device_ = self._resolve_device()
        with seeded(self._torch_seed(), self.device_):
            self.net_ = build_net(
                _SocialAttentionModule,
                module__t_obs=self.t_obs_,
                module__t_pred=self.t_pred_,
                module__hidden_size=self.hidden_size,
                module__encoder=self.encoder,
                net_class=_RotationAugmentedNet if self.rotation_augment else None,
                criterion=torch.nn.MSELoss,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                device=self.device_,
                verbose=self.verbose,
            )
            self.net_.fit({"feats": feats, "mask": mask}, target.astype(np.float32))
        return self

    def predict(self, X):
        """Predict the target's future positions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes; any number of agents (absent ones NaN).

        Returns
        -------
        y_pred : ndarray of shape (n_samples, t_pred, 2)
            Predicted future positions of the target.
        """
        X = self._check_predict_input(X)
        origin = X[:, 0, -1]
        feats, mask = _scene_features(X, origin, self.scale_)
        module = self.net_.module_
        module.eval()
        out = np.empty((len(X), self.t_pred_ * 2))
        chunk = 8192
        with torch.no_grad():
            for start in range(0, len(X), chunk):
                f = torch.as_tensor(feats[start : start + chunk], device=self.device_)
                m = torch.as_tensor(mask[start : start + chunk], device=self.device_)
                out[start : start + chunk] = module(f, m).cpu().numpy()
        out = out.reshape(len(X), self.t_pred_, 2) * self.scale_
        return out + origin[:, None, :]

    def predict_coalitions(self, X, keep, X_removed):
        """Predict every coalition of agents without re-encoding them.

        Equal (up to floating-point rounding) to calling :meth:`predict` on
        ``np.where(keep[..., None, None], X[:, None], X_removed[:, None])``,
        but each agent's trajectory is encoded once and only the attention
        and the decoder run per coalition: the fast path that
        :class:`ShapleyTrajectoryExplainer` uses when a model offers it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes.
        keep : array-like of bool, shape (n_samples, n_coalitions, n_agents)
            Which agents keep their trajectory in each coalition.
        X_removed : array-like of shape (n_samples, n_agents, t_obs, 2)
            Trajectories of removed agents (NaN: the agent is absent). The
            target's replacement must end at the target's last observed
            position (the frame of reference).

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_coalitions, t_pred, 2)
            Predicted futures of the target for every coalition.
        """
        X = self._check_predict_input(X)
        keep = np.array(keep, dtype=bool)
        X_removed = np.asarray(X_removed, dtype=float)
        n, C, A = keep.shape
        origin = X[:, 0, -1]
        if (
            X_removed.shape != X.shape
            or keep.shape[0] != n
            or A != X.shape[1]
            or not np.allclose(X_removed[:, 0, -1], origin)
        ):
            scenes = np.where(keep[..., None, None], X[:, None], X_removed[:, None])
            return self.predict(scenes.reshape(n * C, *X.shape[1:])).reshape(
                n, C, self.t_pred_, 2
            )
        module = self.net_.module_
        module.eval()
        dev = self.device_
        out = np.empty((n, C, self.t_pred_ * 2))
        rows = max(1, 2**15 // max(1, C))
        with torch.no_grad():
            for start in range(0, n, rows):
                sl = slice(start, min(start + rows, n))
                encoded = []
                for scenes in (X[sl], X_removed[sl]):
                    feats, mask = _scene_features(scenes, origin[sl], self.scale_)
                    h = module.encode(torch.as_tensor(feats, device=dev))
                    encoded.append((h, torch.as_tensor(mask, device=dev)))
                (h_x, m_x), (h_r, m_r) = encoded
                k = torch.as_tensor(keep[sl], device=dev)
                b = sl.stop - sl.start
                res = module.attend_coalitions(h_x, m_x, h_r, m_r, k)
                # the target's constant-velocity base, removed or kept
                feats_x, _ = _scene_features(X[sl, :1], origin[sl], self.scale_)
                feats_r, _ = _scene_features(X_removed[sl, :1], origin[sl], self.scale_)
                base = torch.where(
                    k[:, :, :1],
                    module.extrapolate(torch.as_tensor(feats_x, device=dev))[:, None],
                    module.extrapolate(torch.as_tensor(feats_r, device=dev))[:, None],
                )
                res = res.reshape(b, C, -1) + base
                out[sl] = res.cpu().numpy()
        out = out.reshape(n, C, self.t_pred_, 2) * self.scale_
        return out + origin[:, None, None, :]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.device != "cpu"
        return tags
