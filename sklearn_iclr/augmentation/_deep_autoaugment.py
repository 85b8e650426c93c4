"""Deep AutoAugment: a data-augmentation policy searched by gradient matching."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import copy
import time
from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from .._torch import TorchEstimatorMixin, nn, seeded, torch
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._base import BaseAugmenter
from ._search import make_cnn, search_policy, train_cnn

__all__ = ["DeepAutoAugment"]


def _split(y, fraction, rng):
    """Per class, ``fraction`` of the rows (at least one, never all) to validation."""
    val = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        if len(members) < 2:
            continue
        k = min(len(members) - 1, max(1, int(round(fraction * len(members)))))
        val[members[:k]] = True
    return ~val, val


class DeepAutoAugment(BaseAugmenter):
    """Learn an augmentation policy by gradient matching (Deep AutoAugment).

    The policy is a stack of ``n_layers`` layers, each a distribution over
    (operation, magnitude) options; applying it draws one option per layer
    for every sample. ``fit`` trains a small proxy network briefly on part
    of the data, freezes its batch norm, and grows the policy one layer at a
    time: at each step it draws ``n_classes_per_step`` classes, augments
    their training samples by the earlier layers and then by every option of
    the current layer, and moves the layer's logits (Adam, ``policy_lr``)
    towards the options whose loss gradient points where the clean
    validation gradient does and the current augmented gradient does not
    (Zheng et al., "Deep AutoAugment", ICLR 2022). Images are
    ``(n, H, W)`` or ``(n, H, W, C)`` arrays; series (our extension) are
    ``(n, channels, timepoints)`` arrays as in sktime, or ``(n, timepoints)``.

    Parameters
    ----------
    n_layers : int, default=6
        Number of layers of the policy (the paper's 6).
    operations : {"image", "series"} or list of str, default="image"
        The operation set: every image or series operation, or a list of
        names from one of them (see the user guide).
    n_magnitudes : int, default=4
        Magnitude levels ``1/n, ..., 1`` of each operation with a strength.
    proxy : callable, torch.nn.Module or None, default=None
        The proxy network: ``None`` is a small two-layer CNN; a callable
        ``proxy(n_channels, n_classes)`` returns a module; a module is
        copied. It maps a (n, C, ...) batch to class logits.
    proxy_epochs : int, default=30
        Epochs of proxy training before the search.
    n_steps_per_layer : int, default=100
        Policy updates per layer. Adam moves a logit by about ``policy_lr``
        per step, so a short search stays close to the uniform policy.
    n_classes_per_step : int, default=2
        Classes drawn at every step.
    n_samples_per_class : int, default=8
        Training and validation samples drawn per class at every step.
    validation_fraction : float, default=0.3
        Share of each class held out as the clean validation data of the
        search; the proxy trains on the rest.
    policy_lr : float, default=0.025
        Adam's learning rate on the policy logits (the paper's).
    variance_penalty : bool, default=True
        From the second layer on, rank options by the mean minus the
        standard deviation of their importance over the samples (which
        carry different draws of the earlier layers), as the paper does.
        ``False`` ranks by the mean alone: for a user who wants options that
        help on average even when they hurt some images, or who searches
        with few samples per step, where the standard deviation is noisy.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Where the proxy trains and the search runs.
    verbose : int, default=0
        ``1`` shows progress bars of the search.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the proxy, the search and every ``transform``.

    Attributes
    ----------
    policy_ : ndarray of shape (n_layers, n_options)
        Probabilities of the options per layer; every row sums to 1.
    options_ : list of (str, float)
        The ``(operation, magnitude)`` of each column of ``policy_``.
    operations_ : list of str
        Readable column labels, such as ``"rotate@0.50"``.
    importance_history_ : ndarray of shape (n_layers, n_options)
        Mean importance of each option over the steps of each layer.
    proxy_ : torch.nn.Module
        The trained proxy network.
    search_time_ : float
        Seconds spent on proxy training and search.
    domain_ : {"image", "series"}
        The kind of data.
    input_shape_ : tuple
        Shape of one sample.
    value_range_ : tuple of float
        Lowest and highest value seen in ``fit``; images are scaled to
        [0, 1] by it before the operations.
    classes_ : ndarray
        The class labels.
    n_features_in_ : int
        ``X.shape[1]``.

    See Also
    --------
    RandAugment : Every layer uniform over the same options.
    TrivialAugment : One uniform layer.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_iclr.augmentation import DeepAutoAugment
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 8, 8)[:200]
    >>> aug = DeepAutoAugment(n_layers=2, n_steps_per_layer=5, proxy_epochs=2,
    ...                       random_state=0).fit(X, y[:200])
    >>> aug.policy_.shape
    (2, 47)
    >>> aug.transform(X[:3]).shape
    (3, 8, 8)
    """

    _parameter_constraints = {
        **BaseAugmenter._parameter_constraints,
        **TorchEstimatorMixin._torch_parameter_constraints,
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "proxy": [None, callable, nn.Module],
        "proxy_epochs": [Interval(Integral, 0, None, closed="left")],
        "n_steps_per_layer": [Interval(Integral, 0, None, closed="left")],
        "n_classes_per_step": [Interval(Integral, 1, None, closed="left")],
        "n_samples_per_class": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "policy_lr": [Interval(Real, 0, None, closed="neither")],
        "variance_penalty": ["boolean"],
        "device": [StrOptions({"auto", "cpu", "cuda"})],
    }

    def __init__(
        self,
        *,
        n_layers=6,
        operations="image",
        n_magnitudes=4,
        proxy=None,
        proxy_epochs=30,
        n_steps_per_layer=100,
        n_classes_per_step=2,
        n_samples_per_class=8,
        validation_fraction=0.3,
        policy_lr=0.025,
        variance_penalty=True,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.n_layers = n_layers
        self.operations = operations
        self.n_magnitudes = n_magnitudes
        self.proxy = proxy
        self.proxy_epochs = proxy_epochs
        self.n_steps_per_layer = n_steps_per_layer
        self.n_classes_per_step = n_classes_per_step
        self.n_samples_per_class = n_samples_per_class
        self.validation_fraction = validation_fraction
        self.policy_lr = policy_lr
        self.variance_penalty = variance_penalty
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _make_proxy(self, n_channels, n_classes):
        if self.proxy is None:
            return make_cnn(self.domain_, n_channels, n_classes)
        if isinstance(self.proxy, nn.Module):
            return copy.deepcopy(self.proxy)
        module = self.proxy(n_channels, n_classes)
        if not isinstance(module, nn.Module):
            raise TypeError(
                "proxy(n_channels, n_classes) must return a torch.nn.Module; got "
                f"{type(module).__name__}."
            )
        return module

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the proxy and search the policy.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W[, C]) or (n_samples, [C,] T)
            Images or series.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : DeepAutoAugment
            The fitted augmenter.
        """
        X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        self.classes_, y_int = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "DeepAutoAugment needs at least 2 classes to search a policy; got "
                f"1 class ({self.classes_[0]!r})."
            )
        seed = self._torch_seed()
        rng = np.random.RandomState(seed)
        train, val = _split(y_int, self.validation_fraction, rng)
        if not val.any():
            raise ValueError(
                "DeepAutoAugment needs a class with at least 2 samples (one to "
                "train the proxy, one to validate); every class has 1 sample."
            )
        self.device_ = self._resolve_device()
        x = self._to_tensor(X).to(self.device_)
        y_t = torch.as_tensor(y_int, dtype=torch.long, device=self.device_)
        n_classes = len(self.classes_)
        start = time.perf_counter()
        with seeded(seed, self.device_) as generator:
            module = self._make_proxy(x.shape[1], n_classes)
            if self.proxy_epochs > 0:
                net = train_cnn(
                    module,
                    x[train].cpu(),
                    y_int[train],
                    max_epochs=self.proxy_epochs,
                    batch_size=min(32, int(train.sum())),
                    device=self.device_,
                )
                module = net.module_
            module = module.to(self.device_)
            data = (x[train], y_t[train], x[val], y_t[val])
            policy, history = search_policy(
                module,
                data,
                self.options_,
                self.domain_,
                n_layers=self.n_layers,
                n_steps=self.n_steps_per_layer,
                n_classes_per_step=self.n_classes_per_step,
                n_samples_per_class=self.n_samples_per_class,
                lr=self.policy_lr,
                variance_penalty=self.variance_penalty,
                rng=rng,
                generator=generator,
                verbose=self.verbose,
            )
        self.search_time_ = time.perf_counter() - start
        policy = policy.cpu().double().numpy()
        self.policy_ = policy / policy.sum(axis=1, keepdims=True)
        self.importance_history_ = history
        self.proxy_ = module.eval()
        for p in self.proxy_.parameters():
            p.requires_grad_(False)
        return self
