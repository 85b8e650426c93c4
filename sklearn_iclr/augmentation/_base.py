"""What every augmenting transformer shares: inputs, ``transform``, policies.

A fitted augmenter holds ``policy_`` (n_layers × n_options probabilities)
over ``options_`` (``(name, magnitude)`` pairs); :meth:`transform` applies it
to arrays, :meth:`as_torch_transform` to torch tensors inside a data loader.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state

from .._torch import TorchEstimatorMixin, seeded, torch, torch_seed
from ..utils._sklearn_compat import Interval, check_is_fitted, validate_data
from ._policy import (
    apply_layers,
    build_options,
    from_tensor_layout,
    option_labels,
    resolve_operations,
    sample_chains,
    to_tensor_layout,
)

#: Accepted array dimensions per domain: images (n, H, W) or (n, H, W, C);
#: series (n, T) (one channel) or (n, C, T) as in sktime's numpy3D.
NDIMS = {"image": (3, 4), "series": (2, 3)}


def _check_same_shapes(X):
    """Refuse a list of arrays of different shapes with a clear message."""
    if isinstance(X, list | tuple) and X and hasattr(X[0], "shape"):
        shapes = {tuple(np.shape(x)) for x in X}
        if len(shapes) > 1:
            raise ValueError(
                "All samples must have the same shape (resize images or "
                f"resample series first); got shapes {sorted(shapes)[:4]}."
            )


class BaseAugmenter(TorchEstimatorMixin, TransformerMixin, BaseEstimator):
    """Base class of the augmenting transformers (not a public estimator)."""

    _parameter_constraints = {
        "operations": [str, list, tuple],
        "n_magnitudes": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.non_deterministic = False
        return tags

    # -- inputs ------------------------------------------------------------

    def _validate_X(self, X, y="no_validation", reset=True):
        _check_same_shapes(X)
        domain, names = resolve_operations(self.operations)
        kwargs = dict(allow_nd=True, dtype=[np.float64, np.float32])
        supervised = not (isinstance(y, str) and y == "no_validation")
        if supervised:
            X, y = validate_data(self, X, y, reset=reset, **kwargs)
        elif reset:
            X = validate_data(self, X, reset=True, **kwargs)
        else:
            X = validate_data(self, X, reset=False, **kwargs)
            if X.shape[1:] != self.input_shape_:
                raise ValueError(
                    f"X has samples of shape {X.shape[1:]}, but "
                    f"{type(self).__name__} was fitted on samples of shape "
                    f"{self.input_shape_}."
                )
        if X.ndim not in NDIMS[domain]:
            what = {
                "image": "images as (n, H, W) or (n, H, W, C) arrays",
                "series": "series as (n, timepoints) or (n, channels, timepoints)",
            }[domain]
            raise ValueError(
                f"operations={self.operations!r} act on {what}; got an array of "
                f"shape {X.shape}. Reshape flat images first, e.g. "
                "X.reshape(-1, 8, 8) for scikit-learn's digits."
            )
        if reset:
            self.input_shape_ = X.shape[1:]
            self.domain_ = domain
            self.options_ = build_options(domain, names, self.n_magnitudes)
            self.operations_ = option_labels(self.options_)
            low, high = float(X.min()), float(X.max())
            self.value_range_ = (low, high if high > low else low + 1.0)
        return (X, y) if supervised else X

    def _to_tensor(self, X):
        """(n, C, ...) float32 tensor; images rescaled to [0, 1] by the fit range."""
        x = to_tensor_layout(X, self.domain_)
        if self.domain_ == "image":
            low, high = self.value_range_
            x = (x - low) / (high - low)
        return x

    def _from_tensor(self, x, ndim, dtype):
        if self.domain_ == "image":
            low, high = self.value_range_
            x = x * (high - low) + low
        return from_tensor_layout(x, ndim, self.domain_).astype(dtype, copy=False)

    def _uniform_policy(self, n_layers):
        """Each operation equally likely, then each of its magnitudes equally."""
        names = [name for name, _ in self.options_]
        counts = {name: names.count(name) for name in names}
        row = np.array([1.0 / (len(counts) * counts[name]) for name in names])
        return np.tile(row / row.sum(), (n_layers, 1))

    # -- applying the policy --------------------------------------------------

    def transform(self, X):
        """Augment ``X``: every sample draws one option per layer of the policy.

        The draws are seeded from ``random_state`` at every call, so with an
        integer ``random_state`` the same ``X`` gives the same output.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W[, C]) or (n_samples, [C,] T)
            Images or series, of the shape seen in ``fit``.

        Returns
        -------
        X_aug : ndarray of the shape and dtype of ``X``
            The augmented samples.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        policy = torch.as_tensor(self.policy_, dtype=torch.float32)
        with seeded(self._torch_seed()) as generator:
            x = apply_layers(
                self._to_tensor(X), policy, self.options_, self.domain_, generator
            )
        return self._from_tensor(x, X.ndim, X.dtype)

    def sample_policy(self, n=5):
        """Draw ``n`` concrete chains of operations from the policy.

        Parameters
        ----------
        n : int, default=5
            Number of chains.

        Returns
        -------
        chains : list of list of (str, float)
            Per chain, one ``(operation, magnitude)`` per layer.
        """
        check_is_fitted(self)
        rng = check_random_state(self.random_state)
        return sample_chains(self.policy_, self.options_, int(n), rng)

    def as_torch_transform(self):
        """A callable applying the policy to torch tensors, e.g. in a Dataset.

        It takes one sample, ``(C, H, W)`` for images or ``(C, T)`` for series
        (torch's channel-first layout), or a batch with a leading sample axis,
        in the value range of the data given to ``fit``, and returns the
        augmented tensor. Each call draws new options; its stream is seeded
        from ``random_state`` (plus the data-loader worker's id), and the
        callable pickles, so it works with ``num_workers > 0``.

        Returns
        -------
        transform : callable
        """
        check_is_fitted(self)
        return PolicyTransform(
            self.policy_,
            self.options_,
            self.domain_,
            self.value_range_,
            torch_seed(self.random_state),
        )


class PolicyTransform:
    """Apply a fitted policy to torch tensors (see ``as_torch_transform``)."""

    def __init__(self, policy, options, domain, value_range, seed):
        self.policy = np.asarray(policy, dtype=np.float64)
        self.options = list(options)
        self.domain = domain
        self.value_range = value_range
        self.seed = int(seed)
        self._generator = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_generator"] = None
        return state

    def _get_generator(self):
        if self._generator is None:
            info = torch.utils.data.get_worker_info()
            worker = 0 if info is None else info.id + 1
            self._generator = torch.Generator().manual_seed(self.seed + worker)
        return self._generator

    def __call__(self, x):
        x = torch.as_tensor(x)
        single = x.ndim == (3 if self.domain == "image" else 2)
        batch = x.unsqueeze(0) if single else x
        dtype = batch.dtype if batch.is_floating_point() else torch.float32
        batch = batch.to(dtype)
        low, high = self.value_range
        if self.domain == "image":
            batch = (batch - low) / (high - low)
        policy = torch.as_tensor(self.policy, dtype=torch.float32)
        out = apply_layers(
            batch, policy, self.options, self.domain, self._get_generator()
        )
        if self.domain == "image":
            out = out * (high - low) + low
        return out[0] if single else out
