"""TimeGAN's post-hoc discriminative and predictive scores, and their networks."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._torch import (
    StopOnNonFiniteLoss,
    build_net,
    nn,
    seeded,
    to_numpy,
    torch,
    torch_seed,
)
from ..utils._sklearn_compat import Interval, validate_params
from ._metric_utils import LabelledProgress, check_pair, time_major

__all__ = ["discriminative_score", "predictive_score"]

# Lines printed at verbose=1 over a fit of ``iterations`` steps.
_PROGRESS_LINES = 10

_DIVERGENCE_HINT = (
    "The windows' values are too large for the network: scale them first "
    "(TimeGAN's metrics expect values in [0, 1])."
)


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


class _RandomBatches:
    """skorch ``iterator_train``: TimeGAN's mini-batches, drawn with replacement.

    One pass yields ``n_batches`` batches of ``min(batch_size, n)`` rows drawn
    uniformly with replacement by ``random_state``, as TimeGAN trains its
    post-hoc networks for a number of steps rather than epochs.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
        Holds the tensors ``dataset.X`` and ``dataset.y``.
    batch_size : int
        Rows per batch.
    random_state : numpy.random.RandomState
        Draws the rows of each batch.
    n_batches : int
        Batches per pass.
    shuffle : bool, default=True
        Ignored (the rows are always drawn at random); skorch passes it.
    """

    def __init__(self, dataset, batch_size, random_state, n_batches, shuffle=True):
        self.X, self.y = dataset.X, dataset.y
        self.batch_size = batch_size
        self.random_state = random_state
        self.n_batches = n_batches

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        n = len(self.X)
        for _ in range(self.n_batches):
            idx = torch.as_tensor(
                self.random_state.randint(n, size=min(self.batch_size, n))
            )
            yield self.X[idx], self.y[idx]


def _train_gru(
    X, y, rng, *, criterion, per_step, hidden, iterations, batch_size, verbose, label
):
    """A GRU head fitted for ``iterations`` Adam steps through the bridge.

    Built and trained under a torch seed drawn from ``rng``, which also draws
    the mini-batches; returns the trained module in eval mode. ``label`` is
    ``(network name, loss name)`` for the progress lines.
    """
    callbacks = [("nonfinite_loss", StopOnNonFiniteLoss(hint=_DIVERGENCE_HINT))]
    if verbose:
        every = max(iterations // _PROGRESS_LINES, 1)
        name, loss_name = label
        callbacks.append(
            LabelledProgress(name, iterations, loss_name=loss_name, every=every)
        )
    with seeded(torch_seed(rng)):
        module = _GRUHead(X.shape[-1], hidden, per_step=per_step)
        net = build_net(
            module,
            criterion=criterion,
            lr=1e-3,
            max_epochs=1,  # one pass of ``iterations`` random batches
            batch_size=batch_size,
            verbose=0,  # LabelledProgress prints instead of skorch's table
            callbacks=callbacks,
            iterator_train=_RandomBatches,
            iterator_train__random_state=rng,
            iterator_train__n_batches=iterations,
        )
        net.fit(X, y)
    module = net.module_
    module.eval()
    return module


_SCORE_PARAMS = {
    "real": ["array-like", object],
    "synthetic": ["array-like", object],
    "iterations": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "hidden": [Interval(Integral, 1, None, closed="left"), None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


def _train_test_split(values, test_size, rng, name):
    """TimeGAN's split of one set of windows into train and test parts."""
    n = len(values)
    if n < 2:
        raise ValueError(
            f"discriminative_score needs at least 2 {name} windows (one to train "
            f"the classifier, one to test it); got {n}."
        )
    n_test = min(max(int(round(test_size * n)), 1), n - 1)
    perm = rng.permutation(n)
    return values[perm[n_test:]], values[perm[:n_test]]


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
    verbose=0,
):
    """Post-hoc discriminative score: ``|accuracy - 0.5|`` of a real/fake classifier.

    TimeGAN's definition [1]_: real and synthetic windows are each split into
    train and test parts (``test_size``, at least one window in each part), a
    one-layer GRU classifier (hidden size ``n_channels // 2``, at least 1) is
    trained for ``iterations`` Adam steps on mini-batches of ``batch_size``
    drawn with replacement to tell real from synthetic, and the score is the
    absolute distance of its test accuracy to 0.5. Lower is better: 0 means
    the classifier cannot tell them apart.

    Parameters
    ----------
    real : array-like of shape (n_windows, n_timepoints) or (n_windows, \
            n_channels, n_timepoints), or sktime panel
        Real windows (at least 2).
    synthetic : array-like of the same trailing shape
        Synthetic windows (at least 2).
    iterations : int, default=2000
        Training steps (TimeGAN uses 2000).
    batch_size : int, default=128
        Mini-batch size (TimeGAN uses 128).
    hidden : int, default=None
        GRU width; ``None`` uses TimeGAN's ``max(n_channels // 2, 1)``.
    test_size : float, default=0.2
        Fraction of each set held out for the accuracy.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the initialisation and the mini-batches.
    verbose : int, default=0
        ``>= 1`` prints the classifier's training loss ten times during the
        fit.

    Returns
    -------
    score : float
        ``|accuracy - 0.5|`` in [0, 0.5].

    Raises
    ------
    ValueError
        If either set has fewer than 2 windows, or their shapes differ.
    NonFiniteLossError
        If the training loss becomes NaN or infinite (unscaled windows).

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
    real, synthetic = check_pair(real, synthetic)
    rng = check_random_state(random_state)
    n_channels = real.shape[1]
    real_train, real_test = _train_test_split(real, test_size, rng, "real")
    fake_train, fake_test = _train_test_split(synthetic, test_size, rng, "synthetic")
    X_train = time_major(np.concatenate([real_train, fake_train]))
    y_train = torch.cat([torch.ones(len(real_train)), torch.zeros(len(fake_train))])
    X_test = time_major(np.concatenate([real_test, fake_test]))
    y_test = np.concatenate([np.ones(len(real_test)), np.zeros(len(fake_test))])
    model = _train_gru(
        X_train,
        y_train,
        rng,
        criterion=torch.nn.BCEWithLogitsLoss,
        per_step=False,
        hidden=hidden or max(n_channels // 2, 1),
        iterations=iterations,
        batch_size=batch_size,
        verbose=verbose,
        label=("discriminative_score: GRU real/synthetic classifier", "cross-entropy"),
    )
    with torch.no_grad():
        pred = to_numpy(model(X_test)) > 0
    return float(abs(np.mean(pred == y_test) - 0.5))


@validate_params(_SCORE_PARAMS, prefer_skip_nested_validation=True)
def predictive_score(
    real,
    synthetic,
    *,
    iterations=5000,
    batch_size=128,
    hidden=None,
    random_state=None,
    verbose=0,
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
    verbose : int, default=0
        ``>= 1`` prints the forecaster's training loss ten times during the
        fit.

    Returns
    -------
    score : float
        Mean absolute error on the real windows.

    Raises
    ------
    ValueError
        If the windows have fewer than 2 time points, or their shapes differ.
    NonFiniteLossError
        If the training loss becomes NaN or infinite (unscaled windows).

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
    real, synthetic = check_pair(real, synthetic)
    if real.shape[2] < 2:
        raise ValueError("predictive_score needs windows of at least 2 timepoints.")
    rng = check_random_state(random_state)
    n_channels = real.shape[1]

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
    model = _train_gru(
        X_syn,
        y_syn,
        rng,
        criterion=torch.nn.L1Loss,
        per_step=True,
        hidden=hidden or max(n_channels // 2, 1),
        iterations=iterations,
        batch_size=batch_size,
        verbose=verbose,
        label=("predictive_score: GRU one-step forecaster", "MAE"),
    )
    with torch.no_grad():
        pred = to_numpy(model(X_real))
    return float(np.mean(np.abs(pred - to_numpy(y_real))))
