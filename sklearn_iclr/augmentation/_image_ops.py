"""Image operations on float tensors of shape (n, C, H, W), values in [0, 1].

Every operation has the signature ``op(x, magnitude, generator)``:
``magnitude`` is a float in [0, 1] (0 is the identity for the operations that
have a strength), ``generator`` a CPU :class:`torch.Generator` that makes the
random parts (the sign of a rotation, the place of a cutout) repeatable. Each
sample of the batch draws its own random parts. They are written with torch
alone (``affine_grid``/``grid_sample`` for the geometry) rather than with
kornia, so that the family needs nothing beyond the ``torch`` extra and the
operations are differentiable, batched and run on the CPU or a GPU alike.

Magnitude ranges follow the usual AutoAugment conventions at magnitude 1:
rotation 30 degrees, shear 0.3, translation 30 % of the side, brightness,
contrast and sharpness factors in [0.1, 1.9], posterize to 2 bits, solarize
at threshold 0.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import math

from .._torch import F, torch

MAX_ROTATION = 30.0
MAX_SHEAR = 0.3
MAX_TRANSLATE = 0.3
MAX_ENHANCE = 0.9
MIN_POSTERIZE_BITS = 2
#: Side of the cutout square and the padding of the crop, as fractions of
#: the image side (both parameter-free, as in the paper).
CUTOUT_FRACTION = 0.4
CROP_PAD_FRACTION = 0.125


def _uniform(n, generator, like):
    return torch.rand(n, generator=generator).to(device=like.device, dtype=like.dtype)


def _signs(n, generator, like):
    """A random ±1 per sample: each strength is applied in either direction."""
    return torch.where(_uniform(n, generator, like) < 0.5, -1.0, 1.0).to(like.dtype)


def _affine(x, theta):
    """Resample ``x`` under the per-sample 2×3 affine maps ``theta`` (zero fill)."""
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(
        x, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )


def _eye(x):
    theta = torch.zeros(len(x), 2, 3, dtype=x.dtype, device=x.device)
    theta[:, 0, 0] = 1.0
    theta[:, 1, 1] = 1.0
    return theta


def identity(x, magnitude, generator):
    return x


def rotate(x, magnitude, generator):
    if magnitude == 0:
        return x
    angle = _signs(len(x), generator, x) * math.radians(MAX_ROTATION * magnitude)
    theta = _eye(x)
    theta[:, 0, 0] = torch.cos(angle)
    theta[:, 0, 1] = -torch.sin(angle)
    theta[:, 1, 0] = torch.sin(angle)
    theta[:, 1, 1] = torch.cos(angle)
    return _affine(x, theta)


def _shear(x, magnitude, generator, row, col):
    if magnitude == 0:
        return x
    theta = _eye(x)
    theta[:, row, col] = _signs(len(x), generator, x) * MAX_SHEAR * magnitude
    return _affine(x, theta)


def shear_x(x, magnitude, generator):
    return _shear(x, magnitude, generator, 0, 1)


def shear_y(x, magnitude, generator):
    return _shear(x, magnitude, generator, 1, 0)


def _translate(x, magnitude, generator, row):
    if magnitude == 0:
        return x
    theta = _eye(x)
    # affine_grid works in [-1, 1] coordinates: a shift of t sides is 2t.
    theta[:, row, 2] = _signs(len(x), generator, x) * 2 * MAX_TRANSLATE * magnitude
    return _affine(x, theta)


def translate_x(x, magnitude, generator):
    return _translate(x, magnitude, generator, 0)


def translate_y(x, magnitude, generator):
    return _translate(x, magnitude, generator, 1)


def _blend(x, other, factor):
    """``other + factor (x − other)``: factor 1 is ``x``, 0 is ``other``."""
    factor = factor.view(-1, 1, 1, 1)
    return (other + factor * (x - other)).clamp(0.0, 1.0)


def _factor(x, magnitude, generator):
    return 1.0 + _signs(len(x), generator, x) * MAX_ENHANCE * magnitude


def brightness(x, magnitude, generator):
    if magnitude == 0:
        return x
    return _blend(x, torch.zeros_like(x), _factor(x, magnitude, generator))


def contrast(x, magnitude, generator):
    if magnitude == 0:
        return x
    mean = x.mean(dim=(1, 2, 3), keepdim=True).expand_as(x)
    return _blend(x, mean, _factor(x, magnitude, generator))


def sharpness(x, magnitude, generator):
    if magnitude == 0:
        return x
    n_channels = x.shape[1]
    kernel = torch.tensor(
        [[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]], dtype=x.dtype
    ).to(x.device)
    kernel = (kernel / kernel.sum()).expand(n_channels, 1, 3, 3)
    padded = F.pad(x, (1, 1, 1, 1), mode="replicate")
    smooth = F.conv2d(padded, kernel, groups=n_channels)
    return _blend(x, smooth, _factor(x, magnitude, generator))


def posterize(x, magnitude, generator):
    if magnitude == 0:
        return x
    bits = 8 - (8 - MIN_POSTERIZE_BITS) * magnitude
    levels = 2.0**bits
    return torch.floor(x.clamp(0.0, 1.0) * (levels - 1) + 0.5) / (levels - 1)


def solarize(x, magnitude, generator):
    if magnitude == 0:
        return x
    threshold = 1.0 - magnitude
    return torch.where(x > threshold, 1.0 - x, x)


def autocontrast(x, magnitude, generator):
    low = x.amin(dim=(2, 3), keepdim=True)
    high = x.amax(dim=(2, 3), keepdim=True)
    scale = torch.where(high > low, high - low, torch.ones_like(high))
    return torch.where(high > low, (x - low) / scale, x)


def invert(x, magnitude, generator):
    return 1.0 - x


def equalize(x, magnitude, generator, n_bins=256):
    """Histogram equalisation per image and channel on ``n_bins`` levels."""
    n, c, h, w = x.shape
    flat = x.reshape(n * c, h * w)
    bins = (flat.clamp(0.0, 1.0) * (n_bins - 1)).round().long()
    counts = torch.zeros(n * c, n_bins, dtype=x.dtype, device=x.device)
    counts.scatter_add_(1, bins, torch.ones_like(flat))
    cdf = counts.cumsum(dim=1)
    # The lowest occupied level maps to 0, the highest to 1.
    first = torch.where(counts > 0, cdf, torch.full_like(cdf, float("inf")))
    cdf_min = first.amin(dim=1, keepdim=True)
    span = (h * w - cdf_min).clamp(min=1.0)
    mapped = ((cdf - cdf_min) / span).clamp(0.0, 1.0)
    out = mapped.gather(1, bins)
    constant = (counts > 0).sum(dim=1, keepdim=True) <= 1
    out = torch.where(constant, flat, out)
    return out.reshape(n, c, h, w)


def flip(x, magnitude, generator):
    """Left-right mirror."""
    return torch.flip(x, dims=(3,))


def cutout(x, magnitude, generator):
    """Zero a square of ``CUTOUT_FRACTION`` of the side at a random centre."""
    n, _, h, w = x.shape
    side_h = max(1, round(CUTOUT_FRACTION * h))
    side_w = max(1, round(CUTOUT_FRACTION * w))
    cy = torch.randint(0, h, (n,), generator=generator).to(x.device)
    cx = torch.randint(0, w, (n,), generator=generator).to(x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    top = (cy - side_h // 2).view(n, 1, 1)
    left = (cx - side_w // 2).view(n, 1, 1)
    inside = (rows >= top) & (rows < top + side_h) & (cols >= left)
    inside = inside & (cols < left + side_w)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def crop(x, magnitude, generator):
    """Random crop of a zero-padded image: a whole-pixel shift with zero fill."""
    n, _, h, w = x.shape
    pad_h = max(1, round(CROP_PAD_FRACTION * h))
    pad_w = max(1, round(CROP_PAD_FRACTION * w))
    dy = torch.randint(-pad_h, pad_h + 1, (n,), generator=generator)
    dx = torch.randint(-pad_w, pad_w + 1, (n,), generator=generator)
    padded = F.pad(x, (pad_w, pad_w, pad_h, pad_h))
    rows = (torch.arange(h).view(1, h) + pad_h + dy.view(n, 1)).to(x.device)
    cols = (torch.arange(w).view(1, w) + pad_w + dx.view(n, 1)).to(x.device)
    index = torch.arange(n, device=x.device).view(n, 1, 1)
    out = padded.permute(0, 2, 3, 1)[index, rows.view(n, h, 1), cols.view(n, 1, w)]
    return out.permute(0, 3, 1, 2).contiguous()


#: name -> (function, has a magnitude)
IMAGE_OPERATIONS = {
    "identity": (identity, False),
    "rotate": (rotate, True),
    "shear_x": (shear_x, True),
    "shear_y": (shear_y, True),
    "translate_x": (translate_x, True),
    "translate_y": (translate_y, True),
    "brightness": (brightness, True),
    "contrast": (contrast, True),
    "sharpness": (sharpness, True),
    "posterize": (posterize, True),
    "solarize": (solarize, True),
    "autocontrast": (autocontrast, False),
    "invert": (invert, False),
    "equalize": (equalize, False),
    "flip": (flip, False),
    "cutout": (cutout, False),
    "crop": (crop, False),
}
