"""Metrics that judge synthetic time series from any generator.

All functions take windows as arrays of shape (n_windows, n_timepoints) or
(n_windows, n_channels, n_timepoints) (the layout of
:class:`~sklearn_iclr.timeseries.PSAGANGenerator`), or sktime panel data.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array, check_random_state

from .._torch import (
    F,
    TorchEstimatorMixin,
    nn,
    progress,
    seeded,
    to_numpy,
    torch,
    torch_seed,
)
from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
    validate_params,
)
from ._data import _is_sktime_panel, sktime_to_numpy3d
from ._modules import TS2VecNetwork, hierarchical_contrastive_loss

__all__ = [
    "TS2VecEncoder",
    "context_fid",
    "discriminative_score",
    "frechet_distance",
    "make_generator_scorer",
    "predictive_score",
]


def _as_windows(X, name="X"):
    """Windows as a float64 array of shape (n, n_channels, n_timepoints)."""
    if _is_sktime_panel(X):
        values, _ = sktime_to_numpy3d(X)
    else:
        if hasattr(X, "to_numpy") and getattr(X, "ndim", 0) == 2:
            # A DataFrame holds one univariate window per column.
            X = X.to_numpy().T
        values = np.asarray(X, dtype=np.float64)
    if values.ndim == 2:
        values = values[:, None, :]
    if values.ndim != 3:
        raise ValueError(
            f"{name} must be 2-D (n_windows, n_timepoints) or 3-D (n_windows, "
            f"n_channels, n_timepoints); got shape {values.shape}."
        )
    if values.shape[0] < 1 or values.shape[2] < 1:
        raise ValueError(f"{name} is empty (shape {values.shape}).")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    return np.ascontiguousarray(values)


def _time_major(windows):
    """(n, channels, timepoints) windows -> float32 tensor (n, timepoints, channels)."""
    return torch.from_numpy(np.array(windows.transpose(0, 2, 1), dtype=np.float32))


def _check_pair(real, synthetic):
    real = _as_windows(real, "real")
    synthetic = _as_windows(synthetic, "synthetic")
    if real.shape[1:] != synthetic.shape[1:]:
        raise ValueError(
            "real and synthetic windows must have the same (n_channels, "
            f"n_timepoints); got {real.shape[1:]} and {synthetic.shape[1:]}."
        )
    return real, synthetic


# --------------------------------------------------------------------------
# TS2Vec encoder
# --------------------------------------------------------------------------


class TS2VecEncoder(TorchEstimatorMixin, TransformerMixin, BaseEstimator):
    """Self-supervised series encoder trained TS2Vec-style, for Context-FID.

    A linear input projection, random timestamp masking and a stack of
    residual dilated convolutions (dilation ``2**i``) map a window to one
    representation per time step. Training takes two overlapping random crops
    of each window and minimises TS2Vec's hierarchical contrastive loss
    (instance-wise and temporal contrast, repeated after each max-pooling of
    time by 2). ``transform`` max-pools the representations over time into one
    vector per window. Fit it once on real windows and reuse it for every
    generator compared.

    Parameters
    ----------
    output_dims : int, default=64
        Size of the window embeddings.
    hidden_dims : int, default=32
        Width of the convolutional layers.
    depth : int, default=4
        Number of residual dilated blocks (before the output block).
    max_epochs : int, default=20
        Passes over the windows.
    batch_size : int, default=16
        Windows per mini-batch.
    lr : float, default=1e-3
        Adam learning rate.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device.
    verbose : int, default=0
        ``>= 1`` shows a progress bar over epochs.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, crops and masks.

    Attributes
    ----------
    network_ : torch.nn.Module
        The trained encoder.
    loss_curve_ : list of float
        Mean contrastive loss per epoch.
    n_channels_ : int
        Channels of the windows seen in ``fit``.
    n_timepoints_ : int
        Length of the windows seen in ``fit``.
    device_ : str
        Device of the encoder.

    References
    ----------
    .. [1] Z. Yue, Y. Wang, J. Duan, T. Yang, C. Huang, Y. Tong, B. Xu,
       "TS2Vec: Towards Universal Representation of Time Series", AAAI 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import TS2VecEncoder
    >>> X = np.sin(np.linspace(0, 6, 32) + np.arange(10)[:, None])
    >>> enc = TS2VecEncoder(output_dims=8, max_epochs=1, random_state=0).fit(X)
    >>> enc.transform(X).shape
    (10, 8)
    """

    _parameter_constraints = {
        "output_dims": [Interval(Integral, 1, None, closed="left")],
        "hidden_dims": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        output_dims=64,
        *,
        hidden_dims=32,
        depth=4,
        max_epochs=20,
        batch_size=16,
        lr=1e-3,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.output_dims = output_dims
        self.hidden_dims = hidden_dims
        self.depth = depth
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _check_windows(self, X, reset):
        if _is_sktime_panel(X):
            X, _ = sktime_to_numpy3d(X)
        if reset:
            values = validate_data(self, X, allow_nd=True, dtype=np.float64)
        else:  # windows of any length embed; channels are checked by the caller
            values = check_array(X, allow_nd=True, dtype=np.float64)
        if values.ndim == 2:
            values = values[:, None, :]
        if values.ndim != 3:
            raise ValueError(f"X must be 2-D or 3-D; got {values.ndim} dimensions.")
        return values

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the encoder on windows X with the hierarchical contrastive loss.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, \
                n_channels, n_timepoints), or sktime panel
            Real windows.
        y : None
            Ignored.

        Returns
        -------
        self : TS2VecEncoder
            The fitted encoder.
        """
        X = self._check_windows(X, reset=True)
        n, n_channels, length = X.shape
        self.n_channels_, self.n_timepoints_ = n_channels, length
        self.device_ = self._resolve_device()
        rng = check_random_state(self.random_state)
        data = _time_major(X)
        self.loss_curve_ = []
        with seeded(torch_seed(rng), self.device_):
            self.network_ = TS2VecNetwork(
                n_channels, self.hidden_dims, self.output_dims, self.depth
            ).to(self.device_)
            optimizer = torch.optim.Adam(self.network_.parameters(), lr=self.lr)
            self.network_.train()
            batch = min(self.batch_size, n)
            for _ in progress(
                range(self.max_epochs), verbose=self.verbose, desc="TS2Vec"
            ):
                losses = []
                for idx in np.array_split(rng.permutation(n), max(n // batch, 1)):
                    x = data[idx].to(self.device_)
                    if length < 2:
                        z1 = self.network_(x, mask=True)
                        z2 = self.network_(x, mask=True)
                    else:
                        z1, z2 = self._crops(x, rng)
                    loss = hierarchical_contrastive_loss(z1, z2)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.item())
                self.loss_curve_.append(float(np.mean(losses)))
        self.network_.eval()
        return self

    def _crops(self, x, rng):
        """Representations of the overlap of two random crops (TS2Vec)."""
        length = x.shape[1]
        crop_len = rng.randint(2, length + 1)
        left = rng.randint(0, length - crop_len + 1)  # overlap [left, left+crop_len)
        right = left + crop_len
        a1 = rng.randint(0, left + 1)
        b2 = rng.randint(right, length + 1)
        z1 = self.network_(x[:, a1:right], mask=True)[:, left - a1 :]
        z2 = self.network_(x[:, left:b2], mask=True)[:, :crop_len]
        return z1, z2

    def transform(self, X):
        """One embedding per window: representations max-pooled over time.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_timepoints) or (n_windows, \
                n_channels, n_timepoints), or sktime panel
            Windows with the channels of the training windows.

        Returns
        -------
        embeddings : ndarray of shape (n_windows, output_dims)
            Window embeddings.
        """
        check_is_fitted(self)
        X = self._check_windows(X, reset=False)
        if X.shape[1] != self.n_channels_:
            raise ValueError(
                f"X has {X.shape[1]} channels; the encoder was fitted on "
                f"{self.n_channels_}."
            )
        out = []
        with torch.no_grad():
            self.network_.eval()
            for start in range(0, len(X), 512):
                x = _time_major(X[start : start + 512]).to(self.device_)
                out.append(to_numpy(self.network_(x).max(dim=1).values))
        return np.concatenate(out).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


# --------------------------------------------------------------------------
# Context-FID
# --------------------------------------------------------------------------


def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to two sets of embeddings.

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})``.

    Parameters
    ----------
    a, b : array-like of shape (n_samples, n_dims)
        Embeddings.

    Returns
    -------
    distance : float
        Non-negative distance.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import frechet_distance
    >>> rng = np.random.RandomState(0)
    >>> a = rng.normal(size=(500, 3))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> round(frechet_distance(a, a + 2.0), 6)  # shifted by 2 in each of 3 dims
    12.0
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    mu = a.mean(axis=0) - b.mean(axis=0)
    cov_a = (
        np.atleast_2d(np.cov(a, rowvar=False))
        if len(a) > 1
        else np.zeros((a.shape[1],) * 2)
    )
    cov_b = (
        np.atleast_2d(np.cov(b, rowvar=False))
        if len(b) > 1
        else np.zeros((b.shape[1],) * 2)
    )
    with warnings.catch_warnings():
        # Singular covariances (fewer windows than dimensions) are expected.
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov_a @ cov_b)
        if not np.isfinite(covmean).all():
            eps = 1e-6 * np.eye(len(cov_a))
            covmean = linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    covmean = np.real(covmean)
    value = mu @ mu + np.trace(cov_a) + np.trace(cov_b) - 2.0 * np.trace(covmean)
    return float(max(value, 0.0))


@validate_params(
    {
        "real": ["array-like", object],
        "synthetic": ["array-like", object],
        "encoder": [HasMethods(["fit", "transform"]), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def context_fid(real, synthetic, *, encoder=None, random_state=None):
    """Context-FID: Fréchet distance of TS2Vec embeddings of real and synthetic.

    The metric of PSA-GAN [1]_: an encoder trained self-supervised on the real
    windows (:class:`TS2VecEncoder`) embeds real and synthetic windows, and
    the Fréchet distance between Gaussians fitted to both sets of embeddings
    is returned. Lower is better; 0 means identical embedding statistics.

    Parameters
    ----------
    real : array-like of shape (n_windows, n_timepoints) or (n_windows, \
            n_channels, n_timepoints), or sktime panel
        Real windows.
    synthetic : array-like of the same trailing shape
        Synthetic windows (any generator's output).
    encoder : TS2VecEncoder or transformer, default=None
        A fitted encoder (fit once on real windows and reuse it to compare
        generators on the same scale), or an unfitted one to fit on ``real``.
        ``None`` fits ``TS2VecEncoder(random_state=random_state)`` on ``real``.
    random_state : int, RandomState instance or None, default=None
        Seeds the encoder fitted here (when ``encoder`` is None).

    Returns
    -------
    score : float
        The Context-FID.

    References
    ----------
    .. [1] P. Jeha et al., "PSA-GAN: Progressive Self Attention GANs for
       Synthetic Time Series", ICLR 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import TS2VecEncoder, context_fid
    >>> rng = np.random.RandomState(0)
    >>> real = np.sin(np.linspace(0, 6, 32) + rng.uniform(0, 6, (40, 1)))
    >>> enc = TS2VecEncoder(output_dims=8, max_epochs=2, random_state=0).fit(real)
    >>> noise = rng.normal(size=real.shape)
    >>> same = context_fid(real[:20], real[20:], encoder=enc)
    >>> same < context_fid(real, noise, encoder=enc)
    True
    """
    real, synthetic = _check_pair(real, synthetic)
    if encoder is None:
        encoder = TS2VecEncoder(random_state=random_state).fit(real)
    else:
        try:
            check_is_fitted(encoder)
        except Exception:  # an unfitted encoder: fit it on the real windows
            encoder = encoder.fit(real)
    return frechet_distance(encoder.transform(real), encoder.transform(synthetic))


# --------------------------------------------------------------------------
# Post-hoc discriminative and predictive scores (TimeGAN)
# --------------------------------------------------------------------------


class _GRUHead(nn.Module):
    """GRU followed by a linear layer (per step or on the last state)."""

    def __init__(self, n_inputs, hidden, per_step):
        super().__init__()
        self.gru = nn.GRU(n_inputs, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)
        self.per_step = per_step

    def forward(self, x):
        out, last = self.gru(x)
        if self.per_step:
            return torch.sigmoid(self.head(out)).squeeze(-1)
        return self.head(last[-1]).squeeze(-1)


def _train(model, X, y, loss_fn, *, iterations, batch_size, rng, lr=1e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    n = len(X)
    for _ in range(iterations):
        idx = torch.as_tensor(rng.randint(n, size=min(batch_size, n)))
        loss = loss_fn(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


_SCORE_PARAMS = {
    "real": ["array-like", object],
    "synthetic": ["array-like", object],
    "iterations": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "hidden": [Interval(Integral, 1, None, closed="left"), None],
    "random_state": ["random_state"],
}


@validate_params(
    {**_SCORE_PARAMS, "test_size": [Interval(Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def discriminative_score(
    real,
    synthetic,
    *,
    iterations=2000,
    batch_size=128,
    hidden=None,
    test_size=0.2,
    random_state=None,
):
    """Post-hoc discriminative score: ``|accuracy - 0.5|`` of a real/fake classifier.

    TimeGAN's definition [1]_: real and synthetic windows are each split into
    train and test parts (``test_size``), a one-layer GRU classifier (hidden
    size ``n_channels // 2``, at least 1) is trained for ``iterations`` Adam
    steps on mini-batches of ``batch_size`` to tell real from synthetic, and
    the score is the absolute distance of its test accuracy to 0.5. Lower is
    better: 0 means the classifier cannot tell them apart.

    Parameters
    ----------
    real : array-like of shape (n_windows, n_timepoints) or (n_windows, \
            n_channels, n_timepoints), or sktime panel
        Real windows.
    synthetic : array-like of the same trailing shape
        Synthetic windows.
    iterations : int, default=2000
        Training steps (TimeGAN uses 2000).
    batch_size : int, default=128
        Mini-batch size (TimeGAN uses 128).
    hidden : int, default=None
        GRU width; ``None`` uses TimeGAN's ``max(n_channels // 2, 1)``.
    test_size : float, default=0.2
        Fraction held out for the accuracy.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the initialisation and the mini-batches.

    Returns
    -------
    score : float
        ``|accuracy - 0.5|`` in [0, 0.5].

    References
    ----------
    .. [1] J. Yoon, D. Jarrett, M. van der Schaar, "Time-series Generative
       Adversarial Networks", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import discriminative_score
    >>> rng = np.random.RandomState(0)
    >>> real = rng.normal(size=(100, 2, 12))
    >>> other = rng.normal(size=(100, 2, 12))
    >>> discriminative_score(real, other, iterations=50, random_state=0) < 0.2
    True
    """
    real, synthetic = _check_pair(real, synthetic)
    rng = check_random_state(random_state)
    n_channels = real.shape[1]
    hidden = hidden or max(n_channels // 2, 1)

    def split(values):
        perm = rng.permutation(len(values))
        n_test = max(int(round(test_size * len(values))), 1) if len(values) > 1 else 0
        return values[perm[n_test:]], values[perm[:n_test]] if n_test else values[perm]

    real_train, real_test = split(real)
    fake_train, fake_test = split(synthetic)
    X_train = _time_major(np.concatenate([real_train, fake_train]))
    y_train = torch.cat([torch.ones(len(real_train)), torch.zeros(len(fake_train))])
    X_test = _time_major(np.concatenate([real_test, fake_test]))
    y_test = np.concatenate([np.ones(len(real_test)), np.zeros(len(fake_test))])
    with seeded(torch_seed(rng)):
        model = _GRUHead(n_channels, hidden, per_step=False)
        _train(
            model,
            X_train,
            y_train,
            F.binary_cross_entropy_with_logits,
            iterations=iterations,
            batch_size=batch_size,
            rng=rng,
        )
        with torch.no_grad():
            pred = to_numpy(model(X_test)) > 0
    return float(abs(np.mean(pred == y_test) - 0.5))


@validate_params(_SCORE_PARAMS, prefer_skip_nested_validation=True)
def predictive_score(
    real, synthetic, *, iterations=5000, batch_size=128, hidden=None, random_state=None
):
    """Post-hoc predictive score: train on synthetic, test on real (MAE).

    TimeGAN's definition [1]_: a one-layer GRU (hidden size
    ``max(n_channels // 2, 1)``) with a sigmoid output is trained on the
    synthetic windows to predict, at every step, the next value of the **last
    channel** from the other channels (``X = w[:, :-1, :-1]``, ``Y = w[:, 1:,
    -1]`` in TimeGAN's (time, channel) order); the score is its mean absolute
    error on all real windows. Lower is better. TimeGAN assumes data min-max
    scaled to [0, 1] (hence the sigmoid). For univariate windows, where no
    other channel exists, the series predicts its own next value.

    Parameters
    ----------
    real : array-like of shape (n_windows, n_timepoints) or (n_windows, \
            n_channels, n_timepoints), or sktime panel
        Real windows (the test set).
    synthetic : array-like of the same trailing shape
        Synthetic windows (the training set).
    iterations : int, default=5000
        Training steps (TimeGAN uses 5000).
    batch_size : int, default=128
        Mini-batch size (TimeGAN uses 128).
    hidden : int, default=None
        GRU width; ``None`` uses ``max(n_channels // 2, 1)``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the mini-batches.

    Returns
    -------
    score : float
        Mean absolute error on the real windows.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett, M. van der Schaar, "Time-series Generative
       Adversarial Networks", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import predictive_score
    >>> rng = np.random.RandomState(0)
    >>> real = rng.uniform(size=(50, 3, 12))
    >>> round(predictive_score(real, real, iterations=20, random_state=0), 1)
    0.3
    """
    real, synthetic = _check_pair(real, synthetic)
    if real.shape[2] < 2:
        raise ValueError("predictive_score needs windows of at least 2 timepoints.")
    rng = check_random_state(random_state)
    n_channels = real.shape[1]
    hidden = hidden or max(n_channels // 2, 1)

    def xy(values):
        seq = values.transpose(0, 2, 1)  # (n, T, C)
        inputs = seq[:, :-1, :-1] if n_channels > 1 else seq[:, :-1, :]
        target = seq[:, 1:, -1]
        return (
            torch.as_tensor(np.ascontiguousarray(inputs), dtype=torch.float32),
            torch.as_tensor(np.ascontiguousarray(target), dtype=torch.float32),
        )

    X_syn, y_syn = xy(synthetic)
    X_real, y_real = xy(real)
    with seeded(torch_seed(rng)):
        model = _GRUHead(X_syn.shape[-1], hidden, per_step=True)
        _train(
            model,
            X_syn,
            y_syn,
            lambda p, t: (p - t).abs().mean(),
            iterations=iterations,
            batch_size=batch_size,
            rng=rng,
        )
        with torch.no_grad():
            pred = to_numpy(model(X_real))
    return float(np.mean(np.abs(pred - to_numpy(y_real))))


# --------------------------------------------------------------------------
# Scorer for model selection
# --------------------------------------------------------------------------

_METRICS = {
    "context_fid": context_fid,
    "discriminative_score": discriminative_score,
    "predictive_score": predictive_score,
}


@validate_params(
    {
        "metric": [StrOptions(set(_METRICS)), callable],
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_generator_scorer(
    metric="context_fid", *, n_samples=None, random_state=0, **kwargs
):
    """A scorer for ``GridSearchCV`` that judges a generator's samples.

    The scorer ``scorer(estimator, X, y=None)`` draws windows with
    ``estimator.sample`` (the last step of a Pipeline is used after the
    previous steps transform ``X``), compares them with the held-out windows
    ``X`` by ``metric`` and returns its negative, so that greater is better.
    Held-out windows must have the generator's window length (fit with
    ``window_length=None`` on windows, or pass windows of that length).

    Parameters
    ----------
    metric : {"context_fid", "discriminative_score", "predictive_score"} or \
            callable, default="context_fid"
        The metric, or a callable ``metric(real, synthetic, **kwargs)``
        returning a loss.
    n_samples : int, default=None
        Synthetic windows per evaluation; ``None`` draws as many as ``X`` has.
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling (and the metric, when it takes ``random_state``).
    **kwargs
        Passed to the metric (for example ``iterations=500``).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``.

    Examples
    --------
    >>> from sklearn_iclr.timeseries.metrics import make_generator_scorer
    >>> scorer = make_generator_scorer("discriminative_score", iterations=200)
    """
    fn = _METRICS[metric] if isinstance(metric, str) else metric

    def scorer(estimator, X, y=None):
        generator = estimator
        if hasattr(estimator, "steps"):
            generator = estimator.steps[-1][1]
            for _, step in estimator.steps[:-1]:
                if step is not None and step != "passthrough":
                    X = step.transform(X)
        real = _as_windows(X, "X")
        n = n_samples or len(real)
        fake = _as_windows(generator.sample(n, random_state=random_state), "sample")
        if real.shape[1:] != fake.shape[1:]:
            raise ValueError(
                f"The held-out windows have shape (n, {real.shape[1]}, "
                f"{real.shape[2]}) but the generator samples windows of shape "
                f"(n, {fake.shape[1]}, {fake.shape[2]}): score it on windows of "
                "its window length and channel count."
            )
        params = dict(kwargs)
        if isinstance(metric, str):
            params.setdefault("random_state", random_state)
        return -float(fn(real, fake, **params))

    scorer.__name__ = f"neg_{getattr(fn, '__name__', 'metric')}"
    return scorer
