"""TS2Vec: a self-supervised series encoder, the embedding of Context-FID.

The network (:class:`TS2VecNetwork`), its hierarchical contrastive loss, the
skorch net that trains it on pairs of overlapping random crops, and the
scikit-learn transformer :class:`TS2VecEncoder`.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array, check_random_state

from .._torch import (
    F,
    StopOnNonFiniteLoss,
    TorchEstimatorMixin,
    build_net,
    nn,
    seeded,
    skorch,
    to_numpy,
    torch,
    torch_seed,
)
from ..utils._sklearn_compat import (
    Interval,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._data import _is_sktime_panel, sktime_to_numpy3d
from ._metric_utils import LabelledProgress, check_float32_range, time_major

__all__ = ["TS2VecEncoder", "TS2VecNetwork", "hierarchical_contrastive_loss"]

# --------------------------------------------------------------------------
# Network and loss
# --------------------------------------------------------------------------


class _DilatedBlock(nn.Module):
    """Two dilated convolutions with GELU and a residual connection."""

    def __init__(self, in_channels, out_channels, dilation, final=False):
        super().__init__()
        pad = dilation  # kernel 3 keeps the length
        self.conv1 = nn.Conv1d(
            in_channels, out_channels, 3, padding=pad, dilation=dilation
        )
        self.conv2 = nn.Conv1d(
            out_channels, out_channels, 3, padding=pad, dilation=dilation
        )
        self.project = (
            nn.Conv1d(in_channels, out_channels, 1)
            if in_channels != out_channels or final
            else None
        )

    def forward(self, x):
        residual = x if self.project is None else self.project(x)
        x = self.conv1(F.gelu(x))
        x = self.conv2(F.gelu(x))
        return x + residual


class TS2VecNetwork(nn.Module):
    """Input projection, timestamp masking and a dilated convolutional encoder.

    Returns per-timestep representations of shape (batch, length, output_dims).
    """

    def __init__(self, n_channels, hidden_dims=32, output_dims=64, depth=4):
        super().__init__()
        self.input_fc = nn.Linear(n_channels, hidden_dims)
        widths = [hidden_dims] * depth + [output_dims]
        self.blocks = nn.Sequential(
            *(
                _DilatedBlock(
                    widths[i - 1] if i > 0 else hidden_dims,
                    widths[i],
                    dilation=2**i,
                    final=i == len(widths) - 1,
                )
                for i in range(len(widths))
            )
        )
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, mask=False):
        """``x`` is (batch, length, channels); ``mask`` applies binomial masking."""
        h = self.input_fc(x)
        if mask:
            keep = torch.rand(h.shape[:2], device=h.device) > 0.5
            h = h * keep.unsqueeze(-1)
        h = self.dropout(self.blocks(h.transpose(1, 2)))
        return h.transpose(1, 2)


def _instance_contrastive(z1, z2):
    batch = z1.shape[0]
    if batch == 1:
        return z1.new_zeros(())
    z = torch.cat([z1, z2], dim=0).transpose(0, 1)  # (T, 2B, C)
    sim = torch.matmul(z, z.transpose(1, 2))  # (T, 2B, 2B)
    logits = (
        torch.tril(sim, diagonal=-1)[:, :, :-1] + torch.triu(sim, diagonal=1)[:, :, 1:]
    )
    logits = -F.log_softmax(logits, dim=-1)
    i = torch.arange(batch, device=z1.device)
    return (logits[:, i, batch + i - 1].mean() + logits[:, batch + i, i].mean()) / 2


def _temporal_contrastive(z1, z2):
    length = z1.shape[1]
    if length == 1:
        return z1.new_zeros(())
    z = torch.cat([z1, z2], dim=1)  # (B, 2T, C)
    sim = torch.matmul(z, z.transpose(1, 2))  # (B, 2T, 2T)
    logits = (
        torch.tril(sim, diagonal=-1)[:, :, :-1] + torch.triu(sim, diagonal=1)[:, :, 1:]
    )
    logits = -F.log_softmax(logits, dim=-1)
    t = torch.arange(length, device=z1.device)
    return (logits[:, t, length + t - 1].mean() + logits[:, length + t, t].mean()) / 2


def hierarchical_contrastive_loss(z1, z2):
    """TS2Vec's loss: instance and temporal contrast at every time scale.

    ``z1`` and ``z2`` are (batch, length, dims) representations of the same
    time steps seen through two different crops; the loss is averaged over the
    scales obtained by max-pooling time by 2 until one step is left.
    """
    loss = z1.new_zeros(())
    depth = 0
    while z1.shape[1] > 1:
        loss = loss + _instance_contrastive(z1, z2) + _temporal_contrastive(z1, z2)
        depth += 1
        z1 = F.max_pool1d(z1.transpose(1, 2), 2).transpose(1, 2)
        z2 = F.max_pool1d(z2.transpose(1, 2), 2).transpose(1, 2)
    if z1.shape[1] == 1:
        loss = loss + _instance_contrastive(z1, z2)
        depth += 1
    return loss / depth


class HierarchicalContrastiveLoss(nn.Module):
    """:func:`hierarchical_contrastive_loss` as a criterion module for skorch."""

    def forward(self, z1, z2):
        return hierarchical_contrastive_loss(z1, z2)


# --------------------------------------------------------------------------
# Training through the bridge: crop batches and the skorch net
# --------------------------------------------------------------------------


class _CropBatches:
    """skorch ``iterator_train`` for TS2Vec: shuffled batches with two random crops.

    Each pass draws a permutation of the windows from ``random_state`` and
    splits it into ``max(n // batch_size, 1)`` near-equal batches (so no batch
    is left with a single window, which has no other instance to contrast
    with). With each batch it draws the offsets ``(a1, left, right, b2)`` of
    two crops ``[a1, right)`` and ``[left, b2)`` that overlap on ``[left,
    right)``; windows of one time step are not cropped (``None``).

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
        Holds the time-major windows as ``dataset.X``.
    batch_size : int
        Windows per batch (at most).
    random_state : numpy.random.RandomState
        Draws the permutations and the crops.
    shuffle : bool, default=True
        Whether to permute the windows before each pass.
    """

    def __init__(self, dataset, batch_size, random_state, shuffle=True):
        self.X = dataset.X
        self.batch_size = batch_size
        self.random_state = random_state
        self.shuffle = shuffle

    def __len__(self):
        return max(len(self.X) // self.batch_size, 1)

    def _crop(self, length):
        rng = self.random_state
        crop_len = rng.randint(2, length + 1)
        left = rng.randint(0, length - crop_len + 1)
        right = left + crop_len
        a1 = rng.randint(0, left + 1)
        b2 = rng.randint(right, length + 1)
        return a1, left, right, b2

    def __iter__(self):
        n, length = self.X.shape[:2]
        order = self.random_state.permutation(n) if self.shuffle else np.arange(n)
        for idx in np.array_split(order, len(self)):
            yield self.X[idx], self._crop(length) if length >= 2 else None


class _TS2VecNet(skorch.NeuralNet):
    """skorch net whose training step contrasts the representations of two crops.

    The batches come from :class:`_CropBatches` as ``(windows, crop)``; both
    crops are encoded with random timestamp masking and the criterion (the
    hierarchical contrastive loss) compares the representations of the time
    steps they share.
    """

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        x, crop = batch
        x = x.to(self.device)
        if crop is None:  # one time step: two masked views of the same step
            z1 = self.module_(x, mask=True)
            z2 = self.module_(x, mask=True)
        else:
            a1, left, right, b2 = crop
            z1 = self.module_(x[:, a1:right], mask=True)[:, left - a1 :]
            z2 = self.module_(x[:, left:b2], mask=True)[:, : right - left]
        loss = self.criterion_(z1, z2)
        loss.backward()
        return {"loss": loss, "y_pred": z1}


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------


class TS2VecEncoder(TorchEstimatorMixin, TransformerMixin, BaseEstimator):
    """Self-supervised series encoder trained TS2Vec-style, for Context-FID.

    A linear input projection, random timestamp masking and a stack of
    residual dilated convolutions (dilation ``2**i``) map a window to one
    representation per time step. Training takes two overlapping random crops
    of each mini-batch of windows and minimises TS2Vec's hierarchical
    contrastive loss [1]_ (instance-wise and temporal contrast, repeated after
    each max-pooling of time by 2) with Adam. ``transform`` max-pools the
    representations over time into one vector per window. Fit it once on real
    windows and reuse it for every generator compared.

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
        Adam learning rate. A fit whose loss becomes NaN or infinite raises
        :class:`~sklearn_iclr._torch.NonFiniteLossError`: lower it then.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device.
    verbose : int, default=0
        ``>= 1`` prints one line per epoch with the mean contrastive loss.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, batches, crops and masks.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The skorch net that trained the encoder (its ``history`` holds every
        batch loss).
    network_ : torch.nn.Module
        The trained encoder (``net_.module_``).
    loss_curve_ : list of float
        Mean contrastive loss of the mini-batches of each epoch.
    n_channels_ : int
        Channels of the windows seen in ``fit``.
    n_timepoints_ : int
        Length of the windows seen in ``fit``.
    device_ : str
        Device of the encoder.

    See Also
    --------
    sklearn_iclr.timeseries.metrics.context_fid : The metric built on it.

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

    @property
    def network_(self):
        """The trained encoder module (``net_.module_``)."""
        return self.net_.module_

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
        check_float32_range(values, "X")
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
        callbacks = [
            (
                "nonfinite_loss",
                StopOnNonFiniteLoss(
                    hint=f"Lower the learning rate (lr={self.lr!r}) of the "
                    "TS2VecEncoder, or scale the windows."
                ),
            )
        ]
        if self.verbose:
            callbacks.append(
                LabelledProgress(
                    "TS2VecEncoder", self.max_epochs, loss_name="contrastive loss"
                )
            )
        with seeded(torch_seed(rng), self.device_):
            network = TS2VecNetwork(
                n_channels, self.hidden_dims, self.output_dims, self.depth
            )
            self.net_ = build_net(
                network,
                criterion=HierarchicalContrastiveLoss,
                net_class=_TS2VecNet,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=min(self.batch_size, n),
                device=self.device_,
                verbose=0,  # LabelledProgress prints instead of skorch's table
                callbacks=callbacks,
                iterator_train=_CropBatches,
                iterator_train__random_state=rng,
            )
            self.net_.fit(time_major(X), None)
        self.network_.eval()
        self.loss_curve_ = [
            float(np.mean(losses))
            for losses in self.net_.history[:, "batches", :, "train_loss"]
        ]
        return self

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
        network = self.network_
        with torch.no_grad():
            network.eval()
            for start in range(0, len(X), 512):
                x = time_major(X[start : start + 512]).to(self.device_)
                out.append(to_numpy(network(x).max(dim=1).values))
        embeddings = np.concatenate(out).astype(np.float64)
        if not np.isfinite(embeddings).all():
            raise ValueError(
                "The TS2Vec embeddings of X are not finite: its values are too "
                "large for the float32 network; scale the windows as those the "
                "encoder was fitted on."
            )
        return embeddings

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
