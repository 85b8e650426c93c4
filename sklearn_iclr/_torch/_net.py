"""Building skorch nets from an estimator's flat hyperparameters."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._device import resolve_device
from ._guards import StopOnNonFiniteLoss
from ._imports import skorch, torch

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
}


def build_net(
    module,
    *,
    criterion,
    net_class=None,
    optimizer="adam",
    lr=1e-3,
    max_epochs=10,
    batch_size=128,
    device="cpu",
    verbose=0,
    train_split=None,
    callbacks=None,
    **kwargs,
):
    """Build (but do not fit) a skorch net from flat hyperparameters.

    Estimators call this inside ``fit`` and keep the result as a fitted
    ``*_`` attribute; fit it inside :func:`~sklearn_iclr._torch.seeded` for
    repeatable results.

    Parameters
    ----------
    module : torch.nn.Module instance or class
        The network. Extra ``module__*`` keyword arguments are passed on.
    criterion : torch loss class or instance
        Training loss.
    net_class : type, default=None
        A :class:`skorch.NeuralNet` subclass; ``None`` means ``NeuralNet``.
        Custom training steps (several optimisers, adversarial losses) subclass
        it and override ``train_step``.
    optimizer : {"adam", "adamw", "sgd"} or torch optimizer class, default="adam"
        Optimiser; ``optimizer__*`` keyword arguments are passed on.
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=10
        Number of epochs.
    batch_size : int, default=128
        Mini-batch size; ``-1`` means the whole data set in one batch.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Resolved with :func:`~sklearn_iclr._torch.resolve_device`.
    verbose : int, default=0
        ``0`` is silent; ``>= 1`` prints skorch's per-epoch table.
    train_split : callable or None, default=None
        skorch's validation split; ``None`` trains on all the data.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra callbacks, for example :class:`skorch.callbacks.EarlyStopping`.
        :class:`~sklearn_iclr._torch.StopOnNonFiniteLoss` is always added, so a
        diverging fit raises with a message naming ``lr`` instead of returning
        NaN; pass your own instance under the name ``"nonfinite_loss"`` to
        change its advice.
    **kwargs
        Any other :class:`skorch.NeuralNet` argument (``iterator_train__*``,
        ``module__*``, ``predict_nonlinearity``, ...).

    Returns
    -------
    net : skorch.NeuralNet
        The initialised net on the resolved device.
    """
    if net_class is None:
        net_class = skorch.NeuralNet
    if isinstance(optimizer, str):
        optimizer = _OPTIMIZERS[optimizer]
    kwargs.setdefault("iterator_train__shuffle", True)
    callbacks = list(callbacks or [])
    named = {c[0] for c in callbacks if isinstance(c, tuple)}
    if "nonfinite_loss" not in named:
        callbacks.append(("nonfinite_loss", StopOnNonFiniteLoss()))
    return net_class(
        module=module,
        criterion=criterion,
        optimizer=optimizer,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        device=resolve_device(device),
        verbose=int(verbose),
        train_split=train_split,
        callbacks=callbacks,
        **kwargs,
    )
