"""Fréchet distance between embeddings, and PSA-GAN's Context-FID."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import warnings

import numpy as np
from scipy import linalg
from sklearn.base import clone
from sklearn.utils import check_array

from ..utils._sklearn_compat import HasMethods, check_is_fitted, validate_params
from ._metric_utils import check_pair
from ._ts2vec import TS2VecEncoder

__all__ = ["context_fid", "frechet_distance"]


def _check_embedding_set(x, name):
    x = check_array(
        x,
        dtype=np.float64,
        ensure_2d=False,
        allow_nd=True,
        ensure_min_samples=0,
        ensure_min_features=0,
        input_name=name,
    )
    if x.ndim != 2:
        hint = " (reshape 1-D values with .reshape(-1, 1))" if x.ndim == 1 else ""
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_dims), one embedding per row; got "
            f"an array of shape {x.shape}{hint}."
        )
    if x.size == 0:
        raise ValueError(
            f"{name} is empty (shape {x.shape}): the Fréchet distance needs at "
            "least one embedding of at least one dimension."
        )
    return x


def _check_embeddings(a, b, names):
    a = _check_embedding_set(a, names[0])
    b = _check_embedding_set(b, names[1])
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of dimensions "
            f"(columns); got {a.shape[1]} and {b.shape[1]}."
        )
    return a, b


def _covariance(a):
    if len(a) < 2:  # one embedding: a point mass
        return np.zeros((a.shape[1],) * 2)
    return np.atleast_2d(np.cov(a, rowvar=False))


def _frechet(a, b):
    mu = a.mean(axis=0) - b.mean(axis=0)
    cov_a, cov_b = _covariance(a), _covariance(b)
    with warnings.catch_warnings():
        # Singular covariances (fewer windows than dimensions) are expected.
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov_a @ cov_b)
        if not np.isfinite(covmean).all():
            eps = 1e-6 * np.eye(len(cov_a))
            covmean = linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    covmean = np.real(covmean)
    value = mu @ mu + np.trace(cov_a) + np.trace(cov_b) - 2.0 * np.trace(covmean)
    # Round-off can take the distance of near-identical sets slightly below 0.
    return float(max(value, 0.0))


@validate_params(
    {"a": ["array-like"], "b": ["array-like"]}, prefer_skip_nested_validation=True
)
def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to two sets of embeddings.

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})``, with ``mu`` the
    means and ``S`` the covariances of the rows (zero for a single row).

    Parameters
    ----------
    a : array-like of shape (n_samples_a, n_dims)
        Embeddings, one per row.
    b : array-like of shape (n_samples_b, n_dims)
        Embeddings with the same number of columns.

    Returns
    -------
    distance : float
        Non-negative distance (round-off below 0 is clipped to 0).

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, has no row, contains NaN or infinity,
        or if their numbers of columns differ.

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
    return _frechet(*_check_embeddings(a, b, ("a", "b")))


@validate_params(
    {
        "real": ["array-like", object],
        "synthetic": ["array-like", object],
        "encoder": [HasMethods(["fit", "transform"]), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def context_fid(real, synthetic, *, encoder=None, random_state=None, verbose=0):
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
        generators on the same scale), or an unfitted one: a clone of it is
        fitted on ``real``, and ``encoder`` itself is left unfitted. ``None``
        fits ``TS2VecEncoder(random_state=random_state)`` on ``real``.
    random_state : int, RandomState instance or None, default=None
        Seeds the encoder fitted here (when ``encoder`` is None).
    verbose : int, default=0
        Passed to the encoder fitted here (when ``encoder`` is None):
        ``>= 1`` prints one line per training epoch.

    Returns
    -------
    score : float
        The Context-FID.

    See Also
    --------
    frechet_distance : The distance on any embeddings.
    TS2VecEncoder : The encoder.

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
    real, synthetic = check_pair(real, synthetic)
    if encoder is None:
        encoder = TS2VecEncoder(random_state=random_state, verbose=verbose).fit(real)
    else:
        try:
            check_is_fitted(encoder)
        except Exception:  # an unfitted encoder: fit a copy on the real windows
            encoder = clone(encoder).fit(real)
    return _frechet(
        *_check_embeddings(
            encoder.transform(real),
            encoder.transform(synthetic),
            ("the embeddings of real", "the embeddings of synthetic"),
        )
    )
