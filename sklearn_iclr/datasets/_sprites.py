"""A dSprites-like grid of rendered shapes, for generalisation tests."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils._sklearn_compat import Interval, validate_params

__all__ = ["make_sprites"]

SHAPES = ("square", "ellipse", "heart", "triangle")
FACTOR_NAMES = ("shape", "scale", "orientation", "x", "y")


def _inside(shape, u, v):
    """Whether the local coordinates ``(u, v)`` fall inside a unit ``shape``."""
    if shape == "square":
        return np.maximum(np.abs(u), np.abs(v)) <= 0.8
    if shape == "ellipse":
        return u**2 + (v / 0.55) ** 2 <= 1.0
    if shape == "heart":  # (a² + b² - 1)³ - a² b³ <= 0, point downwards
        a, b = 1.15 * u, -1.15 * v + 0.2
        return (a**2 + b**2 - 1) ** 3 - a**2 * b**3 <= 0
    # triangle: an equilateral one, pointing up
    return (v >= -0.5) & (v <= 1.0 - np.sqrt(3) * np.abs(u) * 0.87)


@validate_params(
    {
        "n_shapes": [Interval(Integral, 1, len(SHAPES), closed="both")],
        "n_scales": [Interval(Integral, 1, None, closed="left")],
        "n_orientations": [Interval(Integral, 1, None, closed="left")],
        "n_positions": [Interval(Integral, 1, None, closed="left")],
        "image_size": [Interval(Integral, 8, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_sprites(
    n_shapes=3,
    n_scales=4,
    n_orientations=6,
    n_positions=8,
    *,
    image_size=24,
    noise=0.0,
    random_state=None,
):
    """Render every combination of five factors of variation as small images.

    A dSprites-like data set made in numpy: each image shows one white shape
    on black, defined by five factors: shape (square, ellipse, heart,
    triangle), scale, orientation, horizontal and vertical position. Every
    combination of levels appears exactly once, so the factor table is a
    full grid, as the splits of
    :class:`~sklearn_iclr.model_selection.CompositionalSplit` and the
    :func:`~sklearn_iclr.model_selection.grid_r2_score` assume. Orientations
    span a quarter turn, so that no two orientations of the square or the
    ellipse look alike.

    Read more in the :ref:`User Guide <compositional_split>`.

    Parameters
    ----------
    n_shapes : int, default=3
        Number of shapes, 1 to 4, taken in the order square, ellipse, heart,
        triangle.
    n_scales : int, default=4
        Number of sizes, evenly spaced.
    n_orientations : int, default=6
        Number of rotations, evenly spaced over a quarter turn.
    n_positions : int, default=8
        Number of positions along each of x and y.
    image_size : int, default=24
        Height and width of the images in pixels.
    noise : float, default=0.0
        Standard deviation of Gaussian pixel noise added to the images.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise (the rendering itself is deterministic).

    Returns
    -------
    sprites : Bunch
        ``images`` (n_samples, image_size, image_size) float32 in [0, 1]
        (plus noise); ``data`` the same flattened to (n_samples,
        image_size**2); ``factors`` (n_samples, 5) integer levels;
        ``target`` (n_samples, 5) the normalised factors
        ``level / (size - 1)`` (0 for a factor with one level);
        ``factor_names``; ``factor_sizes``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_sprites
    >>> sprites = make_sprites(n_orientations=2, n_positions=4)
    >>> sprites.images.shape, sprites.factors.shape
    ((384, 24, 24), (384, 5))
    >>> sprites.factor_sizes.tolist()
    [3, 4, 2, 4, 4]
    """
    sizes = np.array([n_shapes, n_scales, n_orientations, n_positions, n_positions])
    grid = np.stack(np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij"), -1)
    factors = grid.reshape(-1, len(sizes)).astype(np.int64)
    n = len(factors)

    scales = np.linspace(0.26, 0.44, n_scales) if n_scales > 1 else np.array([0.35])
    angles = np.arange(n_orientations) * (np.pi / 2) / n_orientations
    margin = 0.95 - scales.max()
    positions = (
        np.linspace(-margin, margin, n_positions) if n_positions > 1 else np.zeros(1)
    )

    axis = (np.arange(image_size) + 0.5) / image_size * 2 - 1
    ys, xs = np.meshgrid(axis, axis, indexing="ij")
    images = np.zeros((n, image_size, image_size), dtype=np.float32)
    chunk = max(1, 2**22 // image_size**2)  # bound the temporary arrays
    for start in range(0, n, chunk):
        block = factors[start : start + chunk]
        s = scales[block[:, 1]][:, None, None]
        theta = angles[block[:, 2]][:, None, None]
        dx = xs[None] - positions[block[:, 3]][:, None, None]
        dy = ys[None] - positions[block[:, 4]][:, None, None]
        cos, sin = np.cos(theta), np.sin(theta)
        u = (cos * dx + sin * dy) / s
        v = (-sin * dx + cos * dy) / s
        for k in range(n_shapes):
            rows = np.flatnonzero(block[:, 0] == k)
            if len(rows):
                images[start + rows] = _inside(SHAPES[k], u[rows], v[rows])
    if noise:
        rng = check_random_state(random_state)
        images += rng.normal(scale=noise, size=images.shape).astype(np.float32)
    target = factors / np.maximum(sizes - 1, 1)
    return Bunch(
        images=images,
        data=images.reshape(n, -1),
        factors=factors,
        target=target,
        factor_names=list(FACTOR_NAMES),
        factor_sizes=sizes,
    )
