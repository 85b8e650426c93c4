"""Properties of every image and series operation."""

import numpy as np
import pytest

pytest.importorskip("torch")

from sklearn_iclr._torch import torch  # noqa: E402
from sklearn_iclr.augmentation._image_ops import IMAGE_OPERATIONS  # noqa: E402
from sklearn_iclr.augmentation._series_ops import SERIES_OPERATIONS  # noqa: E402

IMAGES = torch.rand(5, 3, 9, 7, generator=torch.Generator().manual_seed(0))
SERIES = torch.randn(5, 2, 40, generator=torch.Generator().manual_seed(0))
CASES = [("image", n, f, s) for n, (f, s) in IMAGE_OPERATIONS.items()] + [
    ("series", n, f, s) for n, (f, s) in SERIES_OPERATIONS.items()
]
IDS = [f"{domain}-{name}" for domain, name, _, _ in CASES]


def _run(op, x, magnitude, seed=0):
    return op(x.clone(), magnitude, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(("domain", "name", "op", "has_magnitude"), CASES, ids=IDS)
@pytest.mark.parametrize("magnitude", [0.0, 0.5, 1.0])
def test_shape_dtype_finite_and_seeded(domain, name, op, has_magnitude, magnitude):
    x = IMAGES if domain == "image" else SERIES
    for dtype in (torch.float32, torch.float64):
        out = _run(op, x.to(dtype), magnitude)
        assert out.shape == x.shape
        assert out.dtype == dtype
        assert torch.isfinite(out).all()
    first, second = _run(op, x, magnitude, seed=3), _run(op, x, magnitude, seed=3)
    assert torch.equal(first, second)


@pytest.mark.parametrize(("domain", "name", "op", "has_magnitude"), CASES, ids=IDS)
def test_magnitude_zero_is_identity(domain, name, op, has_magnitude):
    if not has_magnitude and name != "identity":
        pytest.skip(f"{name} has no strength, so no identity setting")
    x = IMAGES if domain == "image" else SERIES
    assert torch.equal(_run(op, x, 0.0), x)


@pytest.mark.parametrize(("domain", "name", "op", "has_magnitude"), CASES, ids=IDS)
def test_strong_setting_changes_the_input(domain, name, op, has_magnitude):
    if name == "identity":
        pytest.skip("the identity changes nothing")
    x = IMAGES if domain == "image" else SERIES
    assert not torch.allclose(_run(op, x, 1.0), x)


@pytest.mark.parametrize("name", ["flip", "invert"])
def test_involutions(name):
    op = IMAGE_OPERATIONS[name][0]
    assert torch.allclose(_run(op, _run(op, IMAGES, 0.0), 0.0), IMAGES)
    series_flip = SERIES_OPERATIONS["flip"][0]
    assert torch.equal(_run(series_flip, _run(series_flip, SERIES, 0), 0), SERIES)


@pytest.mark.parametrize(
    "name", ["brightness", "contrast", "sharpness", "posterize", "equalize"]
)
def test_photometric_ops_stay_in_the_unit_range(name):
    out = _run(IMAGE_OPERATIONS[name][0], IMAGES, 1.0)
    assert out.min() >= 0 and out.max() <= 1


def test_equalize_flattens_the_histogram():
    x = (torch.rand(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))) ** 4
    out = IMAGE_OPERATIONS["equalize"][0](x, 0.0, None)
    assert abs(float(out.mean()) - 0.5) < abs(float(x.mean()) - 0.5) / 2
    assert out.min() == 0 and out.max() == 1


def test_permutation_keeps_the_values_of_each_series():
    out = _run(SERIES_OPERATIONS["permutation"][0], SERIES, 1.0)
    np.testing.assert_allclose(
        np.sort(out.numpy(), axis=2), np.sort(SERIES.numpy(), axis=2)
    )


def test_series_ops_accept_one_timepoint():
    x = torch.randn(3, 2, 1)
    for name, (op, _) in SERIES_OPERATIONS.items():
        assert _run(op, x, 1.0).shape == x.shape, name


def test_cutout_and_crop_zero_fill_only():
    ones = torch.ones(4, 1, 10, 10)
    for name in ("cutout", "crop"):
        out = _run(IMAGE_OPERATIONS[name][0], ones, 0.0)
        assert set(torch.unique(out).tolist()) <= {0.0, 1.0}
        assert out.sum() < ones.sum() or name == "crop"
