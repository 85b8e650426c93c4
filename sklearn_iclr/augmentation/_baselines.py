"""Fixed-policy baselines: RandAugment-like and TrivialAugment-like.

Both use the same operations and magnitude levels as
:class:`~sklearn_iclr.augmentation.DeepAutoAugment`, so a benchmark compares
policies, not operation sets. Each layer picks an operation uniformly, then
one of its magnitude levels uniformly.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

from ..utils._docstring import Substitution
from ..utils._sklearn_compat import Interval, _fit_context
from ._base import BaseAugmenter

__all__ = ["RandAugment", "TrivialAugment"]

# The twins' shared docstring blocks (Substitution fills them in).
_DOC_BLOCKS = dict(
    fixed_parameters="""
    operations : {"image", "series"} or list of str, default="image"
        The operation set, as in :class:`DeepAutoAugment`.
    n_magnitudes : int, default=4
        Magnitude levels of each operation with a strength.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``transform``.
""",
    fixed_attributes="""
    options_ : list of (str, float)
        ``(operation, magnitude)`` of each column.
    operations_ : list of str
        Readable column labels.
    domain_ : {"image", "series"}
        The kind of data.
    input_shape_ : tuple
        Shape of one sample.
    value_range_ : tuple of float
        Lowest and highest value seen in ``fit``.
    n_features_in_ : int
        ``X.shape[1]``.
""",
)


class _FixedPolicy(BaseAugmenter):
    def _n_layers(self):
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the shape and value range of ``X`` and set the uniform policy.

        Parameters
        ----------
        X : array-like of shape (n_samples, H, W[, C]) or (n_samples, [C,] T)
            Images or series.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted augmenter.
        """
        self._validate_X(X, reset=True)
        self.policy_ = self._uniform_policy(self._n_layers())
        return self


@Substitution(**_DOC_BLOCKS)
class RandAugment(_FixedPolicy):
    """Uniform policy of ``n_layers`` layers (RandAugment-like).

    Every sample goes through ``n_layers`` operations, each drawn uniformly,
    with a magnitude level drawn uniformly too. RandAugment (Cubuk et al.,
    2020) uses one global magnitude tuned by grid search; drawing it removes
    that search, as TrivialAugment does.

    Parameters
    ----------
    n_layers : int, default=2
        Operations applied per sample (RandAugment's N).
    {fixed_parameters}

    Attributes
    ----------
    policy_ : ndarray of shape (n_layers, n_options)
        The uniform policy.
    {fixed_attributes}

    See Also
    --------
    DeepAutoAugment : The searched policy.
    TrivialAugment : One uniform layer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.augmentation import RandAugment
    >>> X = np.random.RandomState(0).rand(4, 8, 8)
    >>> RandAugment(random_state=0).fit_transform(X).shape
    (4, 8, 8)
    """

    _parameter_constraints = {
        **BaseAugmenter._parameter_constraints,
        "n_layers": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, *, n_layers=2, operations="image", n_magnitudes=4, random_state=None
    ):
        self.n_layers = n_layers
        self.operations = operations
        self.n_magnitudes = n_magnitudes
        self.random_state = random_state

    def _n_layers(self):
        return self.n_layers


@Substitution(**_DOC_BLOCKS)
class TrivialAugment(_FixedPolicy):
    """One uniformly drawn operation per sample (TrivialAugment-like).

    As TrivialAugment (Müller & Hutter, 2021): a single layer, an operation
    drawn uniformly and a magnitude level drawn uniformly.

    Parameters
    ----------
    {fixed_parameters}

    Attributes
    ----------
    policy_ : ndarray of shape (1, n_options)
        The uniform policy.
    {fixed_attributes}

    See Also
    --------
    DeepAutoAugment : The searched policy.
    RandAugment : Several uniform layers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.augmentation import TrivialAugment
    >>> X = np.random.RandomState(0).randn(4, 1, 50)
    >>> aug = TrivialAugment(operations="series", random_state=0).fit(X)
    >>> aug.sample_policy(2)
    [[('time_warp', 0.5)], [('window_slice', 0.75)]]
    """

    def __init__(self, *, operations="image", n_magnitudes=4, random_state=None):
        self.operations = operations
        self.n_magnitudes = n_magnitudes
        self.random_state = random_state

    def _n_layers(self):
        return 1
