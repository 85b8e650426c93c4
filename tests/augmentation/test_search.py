"""The importance computation against autograd, and the search on planted data."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("torch")

from sklearn_iclr._torch import F as functional  # noqa: E402
from sklearn_iclr._torch import nn, torch  # noqa: E402
from sklearn_iclr.augmentation import DeepAutoAugment  # noqa: E402
from sklearn_iclr.augmentation._search import (  # noqa: E402
    direction,
    option_importance,
)


def _tiny(seed, n_features, hidden, n_classes):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(n_features, hidden),
        nn.Tanh(),
        nn.Linear(hidden, n_classes),
    ).double()


def _grad(model, loss):
    grads = torch.autograd.grad(loss, list(model.parameters()))
    return torch.cat([g.reshape(-1) for g in grads])


@given(
    seed=st.integers(0, 10_000),
    n_options=st.integers(1, 5),
    n_samples=st.integers(1, 4),
    hidden=st.integers(1, 6),
    n_classes=st.integers(2, 4),
)
def test_importance_matches_autograd_reference(
    seed, n_options, n_samples, hidden, n_classes
):
    g = torch.Generator().manual_seed(seed)
    model = _tiny(seed, 6, hidden, n_classes)
    x = torch.randn(n_options, n_samples, 2, 3, generator=g, dtype=torch.float64)
    y = torch.randint(0, n_classes, (n_samples,), generator=g)
    x_val = torch.randn(3, 2, 3, generator=g, dtype=torch.float64)
    y_val = torch.randint(0, n_classes, (3,), generator=g)
    p = torch.softmax(torch.randn(n_options, generator=g, dtype=torch.float64), 0)

    got = option_importance(model, x, y, x_val, y_val, p)

    # Reference: one autograd gradient per (option, sample), then the dot.
    per = [
        [
            _grad(model, functional.cross_entropy(model(x[j, b : b + 1]), y[b : b + 1]))
            for b in range(n_samples)
        ]
        for j in range(n_options)
    ]
    g_t = sum(p[j] * torch.stack(per[j]).mean(0) for j in range(n_options))
    g_v = _grad(model, functional.cross_entropy(model(x_val), y_val))
    w = direction(g_t, g_v)
    want = torch.stack([torch.stack([gb @ w for gb in row]) for row in per])
    torch.testing.assert_close(got, want, rtol=1e-6, atol=1e-9)

    # Its mean over samples is the derivative of cos(g_T, g_V) in p.
    p_var = p.clone().requires_grad_()
    g_t_var = sum(p_var[j] * torch.stack(per[j]).mean(0) for j in range(n_options))
    cosine = torch.nn.functional.cosine_similarity(g_t_var, g_v, dim=0)
    (d_cos,) = torch.autograd.grad(cosine, p_var)
    if float(g_t.norm()) > 1e-8 and float(g_v.norm()) > 1e-8:
        torch.testing.assert_close(got.mean(1), d_cos, rtol=1e-5, atol=1e-9)


def test_direction_is_orthogonal_to_the_augmented_gradient():
    g = torch.Generator().manual_seed(0)
    g_t, g_v = torch.randn(20, generator=g), torch.randn(20, generator=g)
    w = direction(g_t, g_v)
    assert abs(float(w @ g_t)) < 1e-5
    assert float(w @ g_v) > 0


def test_importance_is_one_batched_pass(monkeypatch):
    """The options go through the network together, not one call per option."""
    model = _tiny(0, 6, 4, 2)
    calls = []
    model.register_forward_hook(lambda m, args, out: calls.append(args[0].shape[0]))
    x = torch.randn(7, 3, 2, 3, dtype=torch.float64)
    y = torch.tensor([0, 1, 0])
    option_importance(model, x, y, x[0], y, torch.full((7,), 1 / 7.0).double())
    # g_T's forward, g_V's forward, and the single JVP pass over 7 × 3 rows.
    assert sorted(calls) == [3, 21, 21]


def _left_right(n=120, seed=0):
    """8×8 images whose class is the side of a bright square: flips swap it."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, n)
    X = rng.rand(n, 8, 8) * 0.3
    for i in range(n):
        r, c = rng.randint(1, 6), rng.randint(0, 2) + (5 if y[i] else 1)
        X[i, r : r + 2, c : c + 2] += 1.0
    return X, y


@pytest.mark.parametrize("variance_penalty", [True, False])
def test_search_avoids_the_label_destroying_operation(variance_penalty):
    X, y = _left_right()
    aug = DeepAutoAugment(
        operations=["identity", "flip", "brightness"],
        n_layers=2,
        n_magnitudes=2,
        n_steps_per_layer=25,
        proxy_epochs=10,
        variance_penalty=variance_penalty,
        random_state=0,
    ).fit(X, y)
    flip = aug.operations_.index("flip")
    others = [j for j in range(len(aug.operations_)) if j != flip]
    for row in aug.policy_:
        assert row[flip] < 0.5 / len(aug.operations_)
        assert row[flip] < row[others].min()
    assert (aug.importance_history_[:, flip] < 0).all()
