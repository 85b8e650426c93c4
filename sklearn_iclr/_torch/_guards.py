"""Stopping a fit whose optimisation diverged, with a message saying what to change."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from ._imports import skorch

__all__ = ["NonFiniteLossError", "StopOnNonFiniteLoss", "check_finite"]


class NonFiniteLossError(FloatingPointError):
    """A training loss or an output became NaN or infinite."""


def _divergence_message(what, where, hint):
    return (
        f"{what} is not finite {where}: the optimisation diverged. "
        f"{hint or 'Lower the learning rate (lr).'}"
    )


def check_finite(value, what="the training loss", *, where="", hint=None):
    """Raise :class:`NonFiniteLossError` unless ``value`` is all finite.

    For training loops and outputs outside skorch's epoch loop.

    Parameters
    ----------
    value : float, array-like or torch.Tensor
        The loss or output to check.
    what : str
        What ``value`` is, for the message.
    where : str
        When it happened (``"at epoch 3"``), for the message.
    hint : str, default=None
        Which parameter to change; default: lower ``lr``.

    Returns
    -------
    value
        ``value`` unchanged, so the call can wrap an expression.
    """
    if hasattr(value, "detach"):
        finite = bool(value.detach().isfinite().all())
    else:
        finite = bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    if not finite:
        raise NonFiniteLossError(_divergence_message(what, where, hint))
    return value


class StopOnNonFiniteLoss(skorch.callbacks.Callback):
    """skorch callback: raise as soon as a recorded batch loss is NaN or inf.

    :func:`~sklearn_iclr._torch.build_net` adds it to every net, so a fit with a
    learning rate far too large fails at the first bad batch with a message
    naming the parameter to change, instead of returning a model of NaNs.

    Parameters
    ----------
    hint : str, default=None
        The advice in the error; default: lower ``lr`` (with its value).
    """

    def __init__(self, hint=None):
        self.hint = hint

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        batches = net.history[-1, "batches"]
        if not batches:
            return
        record = batches[-1]
        for key, value in record.items():
            if key.endswith("loss") and isinstance(value, float | int):
                if not math.isfinite(value):
                    hint = self.hint or (
                        f"Lower the learning rate (lr={net.lr!r}), or scale the "
                        "input features."
                    )
                    epoch = len(net.history)
                    raise NonFiniteLossError(
                        _divergence_message(
                            f"The {key.replace('_', ' ')}",
                            f"at epoch {epoch}, batch {len(batches)}",
                            hint,
                        )
                    )
