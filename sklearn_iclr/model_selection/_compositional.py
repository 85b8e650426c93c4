"""CompositionalSplit: hold out combinations or values of the factors of variation.

Schott et al. (ICLR 2022) test whether a model learnt how each factor of
variation acts, rather than memorising the training combinations, by holding
out parts of the factor grid in four ways. Their benchmark ships only the
resulting split files; this module makes the splits for any factor table.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import GroupsConsumerMixin

__all__ = ["CompositionalSplit", "check_factors"]

_MODES = ("random", "composition", "interpolation", "extrapolation")
# Candidate per-factor fractions scanned to meet ``test_size`` (vectorised).
_GRID = np.linspace(0.0, 1.0, 401)


def check_factors(factors, factor_sizes=None):
    """Validate a factor table and return it as ranks with the factor sizes.

    Parameters
    ----------
    factors : array-like of shape (n_samples, n_factors)
        Integer levels, one column per factor of variation.
    factor_sizes : array-like of int, default=None
        Number of levels of each factor. ``None`` takes the distinct levels
        present in each column, in increasing order, as the factor's levels.

    Returns
    -------
    levels : ndarray of shape (n_samples, n_factors), dtype int64
        The level of each sample, ``0 .. size - 1``.
    factor_sizes : ndarray of shape (n_factors,), dtype int64
    """
    if factors is None:
        raise ValueError(
            "CompositionalSplit needs the factor table: pass it as groups "
            "(an array of shape (n_samples, n_factors) of integer levels)."
        )
    table = np.asarray(factors)
    if table.ndim == 1:
        table = table[:, None]
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] == 0:
        raise ValueError(
            "factors must be a non-empty 2-D array (n_samples, n_factors), got "
            f"shape {np.shape(factors)}."
        )
    if table.dtype.kind == "f":
        if not np.isfinite(table).all():
            raise ValueError("factors contains NaN or infinity; levels are integers.")
        if not np.array_equal(table, np.round(table)):
            raise ValueError(
                "factors must hold integer levels; got non-integer values such "
                f"as {table[table != np.round(table)][0]!r}."
            )
        table = table.astype(np.int64)
    elif table.dtype.kind == "b":
        table = table.astype(np.int64)
    elif table.dtype.kind not in "iu":
        raise ValueError(
            f"factors must hold integer levels, got dtype {table.dtype} "
            "(encode categories with sklearn.preprocessing.OrdinalEncoder)."
        )
    table = table.astype(np.int64, copy=False)
    if (table < 0).any():
        raise ValueError("factors must hold non-negative integer levels.")
    if factor_sizes is None:
        levels = np.empty_like(table)
        sizes = np.empty(table.shape[1], dtype=np.int64)
        for j in range(table.shape[1]):
            column = table[:, j]
            top = int(column.max())
            if top <= 4 * len(column):  # small levels: rank them in linear time
                present = np.bincount(column, minlength=top + 1) > 0
                ranks = np.cumsum(present) - 1
                levels[:, j] = ranks[column]
                sizes[j] = int(present.sum())
            else:
                values, levels[:, j] = np.unique(column, return_inverse=True)
                sizes[j] = len(values)
        return levels, sizes
    sizes = np.asarray(factor_sizes)
    if sizes.shape != (table.shape[1],) or sizes.dtype.kind not in "iu":
        raise ValueError(
            f"factor_sizes must be {table.shape[1]} integers (one per factor), "
            f"got {factor_sizes!r}."
        )
    sizes = sizes.astype(np.int64)
    if (sizes < 1).any() or (table >= sizes).any():
        raise ValueError(
            "every level must be below its factor's size: factor_sizes="
            f"{sizes.tolist()}, largest levels {table.max(axis=0).tolist()}."
        )
    return table, sizes


def _closest(fractions, target):
    """Index of the candidate whose test fraction is closest to ``target``."""
    return int(np.argmin(np.abs(fractions - target)))


class CompositionalSplit(GroupsConsumerMixin, BaseCrossValidator):
    """Hold out combinations or values of the factors of variation.

    A cross-validator for data whose samples are defined by factors of
    variation (shape, size, position; or product category x region x price
    band): it asks whether a model generalises beyond the combinations and
    values it was trained on. The factor table (n_samples x n_factors of
    integer levels) is passed as ``groups``; scikit-learn passes a 2-D
    ``groups`` unchanged through :func:`~sklearn.model_selection.cross_validate`
    and :class:`~sklearn.model_selection.GridSearchCV`, and, with metadata
    routing enabled, ``params={"groups": factors}`` routes it here (this
    splitter requests ``groups`` by default).

    The four modes of Schott et al. (2022), Figure 1:

    - ``"random"``: cells of the factor grid (distinct combinations) go to the
      test set at random, i.i.d.; several samples of one cell stay together.
    - ``"composition"``: the block where every chosen factor is in its upper
      range at once goes to the test set; each factor's lowest level stays in
      training, so every single level of every factor is seen in training,
      only not in those combinations.
    - ``"interpolation"``: interior levels of each chosen factor, evenly
      spread, are held out; a sample goes to the test set when any chosen
      factor is at a held-out level. The lowest and highest levels stay in
      training, so test levels lie inside the training range.
    - ``"extrapolation"``: the levels above a threshold of each chosen factor
      are held out; a sample goes to the test set when any chosen factor is
      above its threshold.

    The thresholds (or the number of held-out levels) are the same fraction
    of each chosen factor's levels, chosen so that the test fraction is as
    close to ``test_size`` as the grid allows; ``test_fraction_`` after a
    split says what it was. One split is made (``get_n_splits`` is 1).

    Read more in the :ref:`User Guide <compositional_split>`.

    Parameters
    ----------
    mode : {"random", "composition", "interpolation", "extrapolation"}, \
            default="random"
        How the test set is chosen (see above).
    test_size : float, default=0.7
        Target fraction of samples in the test set, in (0, 1). The paper's
        splits are about 30 % train and 70 % test, hence the default; the
        structured modes meet it as closely as the factor grid allows.
    factors : list of int or None, default=None
        Columns of the factor table the split acts on (for ``"random"``, the
        columns that define a cell). ``None`` takes every factor with enough
        levels for the mode (2 for composition and extrapolation, 3 for
        interpolation). Composition needs at least two.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``"random"`` mode; the structured modes are deterministic.

    Attributes
    ----------
    test_fraction_ : float
        Fraction of samples in the test set of the last split.
    held_out_levels_ : dict of int to ndarray
        For the structured modes, the levels of each chosen factor that are
        held out (composition: the levels forming the test block).

    See Also
    --------
    grid_r2_score : The paper's R² over the full factor grid.
    level_response : Predicted against true level per held-out level.

    References
    ----------
    .. [1] L. Schott, J. von Kügelgen, F. Träuble, P. Gehler, C. Russell, M.
       Bethge, B. Schölkopf, F. Locatello, W. Brendel, "Visual
       representation learning does not generalize strongly within the same
       domain", ICLR 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.model_selection import CompositionalSplit
    >>> grid = np.stack(np.meshgrid(range(5), range(5), indexing="ij"), -1)
    >>> factors = grid.reshape(-1, 2)
    >>> cv = CompositionalSplit("extrapolation", test_size=0.5)
    >>> train, test = next(cv.split(factors, groups=factors))
    >>> int(factors[train].max()), len(test)
    (2, 16)
    """

    def __init__(
        self, mode="random", *, test_size=0.7, factors=None, random_state=None
    ):
        self.mode = mode
        self.test_size = test_size
        self.factors = factors
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splits: always 1.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for API compatibility.

        Returns
        -------
        n_splits : int
        """
        return 1

    def split(self, X, y=None, groups=None):
        """Generate the indices of the training and test sets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; only its length is used.
        y : array-like of shape (n_samples,), default=None
            Ignored.
        groups : array-like of shape (n_samples, n_factors)
            The factor table: the integer level of each sample's factors.

        Yields
        ------
        train : ndarray
            The training set indices for that split.
        test : ndarray
            The testing set indices for that split.
        """
        yield from super().split(X, y, groups)

    def _iter_test_masks(self, X=None, y=None, groups=None):
        self._check_params()
        levels, sizes = check_factors(groups)
        if X is not None and len(levels) != len(X):
            raise ValueError(
                f"groups has {len(levels)} rows but X has {len(X)} samples."
            )
        test = self._test_mask(levels, sizes)
        if test.all() or not test.any():
            side = "training" if test.all() else "test"
            raise ValueError(
                f"mode={self.mode!r} with test_size={self.test_size} leaves the "
                f"{side} set empty on this factor grid (sizes {sizes.tolist()}); "
                "change test_size or the factors."
            )
        self.test_fraction_ = float(test.mean())
        yield test

    def _check_params(self):
        if self.mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {self.mode!r}.")
        if (
            not isinstance(self.test_size, numbers.Real)
            or isinstance(self.test_size, bool)
            or not 0 < self.test_size < 1
        ):
            raise ValueError(f"test_size must be in (0, 1), got {self.test_size!r}.")

    def _chosen(self, sizes, min_levels):
        n_factors = len(sizes)
        if self.factors is None:
            chosen = [j for j in range(n_factors) if sizes[j] >= min_levels]
        else:
            chosen = list(self.factors)
            for j in chosen:
                if not isinstance(j, numbers.Integral) or not 0 <= j < n_factors:
                    raise ValueError(
                        f"factors must be column indices in [0, {n_factors}), "
                        f"got {self.factors!r}."
                    )
            too_small = [j for j in chosen if sizes[j] < min_levels]
            if too_small:
                raise ValueError(
                    f"mode={self.mode!r} needs at least {min_levels} levels per "
                    f"chosen factor; factor(s) {too_small} have "
                    f"{[int(sizes[j]) for j in too_small]}."
                )
        need = 2 if self.mode == "composition" else 1
        if len(chosen) < need:
            raise ValueError(
                f"mode={self.mode!r} needs at least {need} factor(s) with "
                f"{min_levels} or more levels; the factor sizes are "
                f"{sizes.tolist()}."
            )
        return chosen

    def _test_mask(self, levels, sizes):
        if self.mode == "random":
            return self._random_mask(levels[:, self._chosen(sizes, 1)])
        if self.mode in ("composition", "extrapolation"):
            return self._upper_mask(levels, sizes)
        return self._interpolation_mask(levels, sizes)

    def _upper_mask(self, levels, sizes):
        """Composition and extrapolation: hold out levels from a threshold up.

        The threshold ``t`` of each chosen factor is the number of its levels
        kept below, in ``[1, size - 1]``. Composition tests the block where
        every chosen factor is at or above its threshold; extrapolation tests
        the samples where any of them is.
        """
        chosen = self._chosen(sizes, 2)
        n = sizes[chosen][None, :]
        thresholds = np.clip(np.ceil(n * (1 - _GRID[:, None])), 1, n - 1)
        if self.mode == "composition":
            fractions = np.prod((n - thresholds) / n, axis=1)
        else:
            fractions = 1 - np.prod(thresholds / n, axis=1)
        t = thresholds[_closest(fractions, self.test_size)].astype(int)
        self.held_out_levels_ = {
            f: np.arange(t[i], sizes[f]) for i, f in enumerate(chosen)
        }
        above = levels[:, chosen] >= t
        return above.all(axis=1) if self.mode == "composition" else above.any(axis=1)

    @staticmethod
    def _interpolation_levels(size, n_held_out):
        """``n_held_out`` interior levels of a factor, evenly spread."""
        if n_held_out == 0:
            return np.empty(0, dtype=int)
        interior = np.arange(1, size - 1)
        picks = np.round(np.linspace(0, len(interior) - 1, n_held_out + 2)[1:-1])
        if n_held_out >= len(interior):
            return interior
        return np.unique(interior[picks.astype(int)])

    def _interpolation_mask(self, levels, sizes):
        chosen = self._chosen(sizes, 3)
        interior = sizes[chosen][None, :] - 2
        counts = np.clip(np.round(interior * _GRID[:, None]), 1, interior)
        held = {}
        fractions = np.empty(len(_GRID))
        for g, row in enumerate(counts.astype(int)):
            kept = 1.0
            for i, f in enumerate(chosen):
                n_held = len(self._interpolation_levels(sizes[f], row[i]))
                kept *= 1 - n_held / sizes[f]
            fractions[g] = 1 - kept
        best = counts[_closest(fractions, self.test_size)].astype(int)
        mask = np.zeros(len(levels), dtype=bool)
        for i, f in enumerate(chosen):
            held[f] = self._interpolation_levels(sizes[f], best[i])
            mask |= np.isin(levels[:, f], held[f])
        self.held_out_levels_ = held
        return mask

    def _random_mask(self, levels):
        rng = check_random_state(self.random_state)
        sizes = levels.max(axis=0) + 1
        if np.sum(np.log2(sizes.astype(float))) < 62:
            # one integer per cell: far faster than a unique over rows
            codes = np.ravel_multi_index(levels.T, sizes)
            n_codes = int(np.prod(sizes))
            if n_codes <= 4 * len(codes):  # dense grid: rank in linear time
                present = np.bincount(codes, minlength=n_codes) > 0
                cell = (np.cumsum(present) - 1)[codes]
            else:
                _, cell = np.unique(codes, return_inverse=True)
        else:
            _, cell = np.unique(levels, axis=0, return_inverse=True)
        cell = cell.ravel()
        n_cells = cell.max() + 1
        if n_cells < 2:
            raise ValueError("mode='random' needs at least 2 distinct cells.")
        n_test = int(np.clip(round(self.test_size * n_cells), 1, n_cells - 1))
        test_cells = np.zeros(n_cells, dtype=bool)
        test_cells[rng.permutation(n_cells)[:n_test]] = True
        self.held_out_levels_ = {}
        return test_cells[cell]
