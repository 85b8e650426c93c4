"""SocialAttentionPredictor: a neural trajectory model that can use neighbours."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning

from .._torch import TorchEstimatorMixin, build_net, check_finite, seeded, skorch, torch
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._base import _TrajectoryRegressorMixin
from ._social_net import (
    DisplacementLoss,
    SocialAttentionModule,
    scene_features,
    target_frame,
    to_world,
)
from ._validation import check_future, check_scenes


class SocialAttentionPredictor(
    TorchEstimatorMixin, _TrajectoryRegressorMixin, BaseEstimator
):
    """A neural trajectory predictor that attends over the target's neighbours.

    Every scene is expressed in the target's frame: translated to its last
    observed position, rotated so that its last velocity points along +x, and
    divided by a scale fitted on the training scenes; predictions are
    therefore invariant to translations and rotations of the scene. Every
    agent's past (positions and velocities) is encoded by a shared MLP or
    recurrent (GRU) encoder. The target's encoding queries the neighbours'
    encodings with scaled dot-product attention, masked for absent agents
    (NaN slots) and with a learned "nobody" slot so the model may ignore all
    neighbours. An MLP decodes the target's encoding and the attended context
    into a correction of the constant-velocity extrapolation of the target;
    the correction starts at zero, so training starts from the constant-
    velocity model. The network is trained through a skorch net with Adam, a
    cosine learning-rate schedule and the average displacement error as loss.

    The number of agents may differ between ``fit`` and ``predict``
    (scenes are NaN-padded), so neighbours can be removed or added, as
    :class:`ShapleyTrajectoryExplainer` does.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    hidden_size : int, default=32
        Width of the agent encodings and of the attention.
    encoder : {"mlp", "gru"}, default="mlp"
        Per-agent encoder of the observed past. The MLP reads the ``t_obs``
        steps at once and trains several times faster on a CPU; the GRU reads
        them in order.
    max_epochs : int, default=20
        Number of training epochs.
    lr : float, default=2e-3
        Initial Adam learning rate (decayed to zero along a cosine over the
        epochs). Too large a value makes training diverge, which raises an
        error naming ``lr``.
    batch_size : int, default=64
        Training mini-batch size.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device; ``"auto"`` uses CUDA when available.
    verbose : int, default=0
        ``>= 1`` prints what is trained, then skorch's per-epoch table of the
        training loss (in units of ``scale_``).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling; an int gives repeatable fits.

    Attributes
    ----------
    t_obs_ : int
        Number of observed steps.
    t_pred_ : int
        Number of predicted steps.
    scale_ : float
        Scale (metres) dividing positions in the target's frame, the standard
        deviation of the training scenes' relative coordinates.
    net_ : skorch.NeuralNet
        The trained net.
    device_ : str
        The torch device used.

    See Also
    --------
    ConstantVelocityPredictor : A baseline that ignores neighbours.
    ShapleyTrajectoryExplainer : Which agents does the model use?

    Notes
    -----
    On the ETH/UCY leave-one-scene-out protocol (scenes from
    :func:`prepare_trajectory_scenes`), the defaults beat the constant-velocity
    baseline, which is hard to beat there, by a few centimetres of ADE; the
    results page of the documentation gives the measured errors per scene. A
    fit on 4000 scenes takes about 15 seconds on one CPU core.

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
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        hidden_size=32,
        *,
        encoder="mlp",
        max_epochs=20,
        lr=2e-3,
        batch_size=64,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.encoder = encoder
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _features(self, X):
        origin, rotation = target_frame(X[:, 0])
        feats, mask = scene_features(X, origin, rotation, self.scale_)
        return feats, mask, origin, rotation

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
        scale = float(np.nanstd(X - X[:, :1, -1:]))
        self.scale_ = scale if np.isfinite(scale) and scale > 0 else 1.0
        feats, mask, origin, rotation = self._features(X)
        target = np.einsum("nij,ntj->nti", rotation, y - origin[:, None, :])
        target = (target / self.scale_).reshape(len(y), -1).astype(np.float32)
        self.device_ = self._resolve_device()
        if self.verbose:
            print(
                f"SocialAttentionPredictor: training the social attention network "
                f"({self.encoder} encoder, {self.hidden_size} units) on "
                f"{len(X)} scenes for {self.max_epochs} epochs",
                flush=True,
            )
        schedule = skorch.callbacks.LRScheduler(
            policy=torch.optim.lr_scheduler.CosineAnnealingLR, T_max=self.max_epochs
        )
        with seeded(self._torch_seed(), self.device_):
            self.net_ = build_net(
                SocialAttentionModule,
                module__t_obs=self.t_obs_,
                module__t_pred=self.t_pred_,
                module__hidden_size=self.hidden_size,
                module__encoder=self.encoder,
                criterion=DisplacementLoss,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                device=self.device_,
                verbose=self.verbose,
                callbacks=[("lr_schedule", schedule)],
            )
            self.net_.fit({"feats": feats, "mask": mask}, target)
        self._warn_if_worse_than_start(feats, target)
        return self

    def _warn_if_worse_than_start(self, feats, target):
        """Warn when training ended worse than the constant-velocity start.

        The decoder's correction starts at zero, so the untrained network is
        the constant-velocity model; ending with a higher training loss means
        the optimisation failed (typically ``lr`` too large).
        """
        steps = np.arange(1, self.t_pred_ + 1)
        start = steps[None, :, None] * feats[:, :1, -1, 2:]
        diff = target.reshape(start.shape) - start
        start_loss = float(np.sqrt((diff**2).sum(-1)).mean())
        end_loss = float(self.net_.history[-1, "train_loss"])
        if end_loss > 1.1 * start_loss:  # margin: one epoch of noise
            warnings.warn(
                f"SocialAttentionPredictor ended training with a loss of "
                f"{end_loss:.3g}, above the {start_loss:.3g} of its starting "
                "point (the constant-velocity extrapolation): the optimisation "
                f"failed. Lower the learning rate (lr={self.lr!r}).",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _run(self, fn, n_rows, chunk):
        """Evaluate ``fn(slice)`` (a tensor) over row chunks, as float64 numpy."""
        module = self.net_.module_
        module.eval()
        parts = []
        with torch.no_grad():
            for start in range(0, n_rows, chunk):
                sl = slice(start, min(start + chunk, n_rows))
                parts.append(fn(module, sl).cpu().numpy().astype(np.float64))
        out = np.concatenate(parts) if parts else np.empty((0,))
        return check_finite(
            out,
            "The prediction",
            hint=f"The network's weights are not finite; refit with a lower lr "
            f"(lr={self.lr!r}).",
        )

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
        feats, mask, origin, rotation = self._features(X)
        dev = self.device_

        def forward(module, sl):
            f = torch.as_tensor(feats[sl], device=dev)
            return module(f, torch.as_tensor(mask[sl], device=dev))

        out = self._run(forward, len(X), 8192).reshape(len(X), self.t_pred_, 2)
        return to_world(out, origin, rotation, self.scale_)

    def predict_coalitions(self, X, keep, X_removed):
        """Predict every coalition of agents without re-encoding them.

        Equal (up to floating-point rounding) to calling :meth:`predict` on
        ``np.where(keep[..., None, None], X[:, None], X_removed[:, None])``,
        but each agent's trajectory is encoded once per frame of reference
        (the target kept or replaced) and only the attention and the decoder
        run per coalition: the fast path that
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
        if (
            X_removed.shape != X.shape
            or n != len(X)
            or A != X.shape[1]
            or not np.allclose(X_removed[:, 0, -1], X[:, 0, -1])
        ):
            scenes = np.where(keep[..., None, None], X[:, None], X_removed[:, None])
            return self.predict(scenes.reshape(n * C, *X.shape[1:])).reshape(
                n, C, self.t_pred_, 2
            )
        # Two frames of reference: the target kept (from X) or replaced. When
        # every sample keeps its target in the same coalitions (the exact
        # estimators), each frame runs only on its own coalitions.
        kept_target = keep[:, :, 0]
        if (kept_target == kept_target[:1]).all():
            columns = [np.flatnonzero(kept_target[0]), np.flatnonzero(~kept_target[0])]
        else:
            columns = [np.arange(C), np.arange(C)]
        out = np.empty((n, C, self.t_pred_, 2))
        dev = self.device_
        for frame, cols in enumerate(columns):
            if not len(cols):
                continue
            origin, rotation = target_frame((X, X_removed)[frame][:, 0])
            f_x, m_x = scene_features(X, origin, rotation, self.scale_)
            f_r, m_r = scene_features(X_removed, origin, rotation, self.scale_)
            sub_keep = keep[:, cols]

            def forward(module, sl, arrays=(f_x, m_x, f_r, m_r), sub_keep=sub_keep):
                f_x, m_x, f_r, m_r = (
                    torch.as_tensor(a[sl], device=dev) for a in arrays
                )
                k = torch.as_tensor(sub_keep[sl], device=dev)
                h_x, h_r = module.encode(f_x), module.encode(f_r)
                res = module.attend_coalitions(h_x, m_x, h_r, m_r, k)
                # the target's constant-velocity base, kept or replaced
                base = torch.where(
                    k[:, :, :1],
                    module.extrapolate(f_x)[:, None],
                    module.extrapolate(f_r)[:, None],
                )
                return res + base

            pred = self._run(forward, n, max(1, 2**14 // len(cols)))
            world = to_world(
                pred.reshape(n, len(cols), self.t_pred_, 2),
                origin,
                rotation,
                self.scale_,
            )
            in_frame = (sub_keep[:, :, 0] == (frame == 0))[:, :, None, None]
            out[:, cols] = np.where(in_frame, world, out[:, cols])
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.device != "cpu"
        return tags
