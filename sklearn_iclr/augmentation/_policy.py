"""Operation sets, (operation, magnitude) options, and applying a policy.

A *policy* is an array of shape (n_layers, n_options): row ``k`` is a
probability distribution over the options, and applying the policy draws,
for every sample and independently, one option per layer and applies them
in layer order. An *option* is an operation name with a magnitude in
[0, 1]: operations with a strength appear once per magnitude level
``1/n_magnitudes, 2/n_magnitudes, ..., 1``, the others once with magnitude 0.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._torch import torch
from ._image_ops import IMAGE_OPERATIONS
from ._series_ops import SERIES_OPERATIONS

DOMAINS = {"image": IMAGE_OPERATIONS, "series": SERIES_OPERATIONS}


def resolve_operations(operations):
    """``(domain, names)`` for the ``operations`` parameter.

    ``"image"`` and ``"series"`` select every operation of that domain; a
    list of names selects those, which must all belong to one domain.
    """
    if isinstance(operations, str):
        if operations not in DOMAINS:
            raise ValueError(
                f"operations must be 'image', 'series' or a list of operation "
                f"names, got {operations!r}."
            )
        return operations, list(DOMAINS[operations])
    names = list(operations)
    if not names:
        raise ValueError("operations must name at least one operation.")
    if len(set(names)) != len(names):
        raise ValueError(f"operations has duplicate names: {names}.")
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise ValueError(f"operation names must be strings, got {bad!r}.")
    unknown = sorted(set(names) - set(IMAGE_OPERATIONS) - set(SERIES_OPERATIONS))
    if unknown:
        raise ValueError(
            f"Unknown operation(s) {unknown}. Image operations: "
            f"{sorted(IMAGE_OPERATIONS)}; series operations: "
            f"{sorted(SERIES_OPERATIONS)}."
        )
    fits = [d for d, table in DOMAINS.items() if set(names) <= set(table)]
    if len(fits) == 1:
        return fits[0], names
    if fits:  # only names both domains have: identity, flip
        raise ValueError(
            f"operations {names} exist for both images and series; add an "
            "operation of one domain, or pass 'image' or 'series'."
        )
    raise ValueError(
        f"operations {names} mix image and series operations; use one domain."
    )


def build_options(domain, names, n_magnitudes):
    """The list of ``(name, magnitude)`` options of these operations."""
    table = DOMAINS[domain]
    options = []
    for name in names:
        if table[name][1]:
            options += [(name, k / n_magnitudes) for k in range(1, n_magnitudes + 1)]
        else:
            options.append((name, 0.0))
    return options


def option_labels(options):
    """Readable labels such as ``"rotate@0.50"`` or ``"flip"``."""
    return [f"{n}@{m:.2f}" if m > 0 else n for n, m in options]


def apply_option(x, option, domain, generator):
    """Apply one ``(name, magnitude)`` option to the whole batch ``x``."""
    name, magnitude = option
    return DOMAINS[domain][name][0](x, magnitude, generator)


def draw_choices(probabilities, n, generator):
    """``n`` option indices drawn from one policy row (a float tensor).

    Drawn on the CPU, where the generator lives, whatever the data's device.
    """
    probabilities = probabilities.detach().cpu()
    return torch.multinomial(probabilities, n, replacement=True, generator=generator)


def apply_layers(x, policy, options, domain, generator):
    """Apply the layers of ``policy`` (tensor (L, n_options)) to the batch ``x``.

    Every sample draws its own option per layer; the samples that drew the
    same option are transformed together, so the cost is one call per
    (layer, option drawn) rather than per sample.
    """
    for row in policy:
        choices = draw_choices(row, len(x), generator).to(x.device)
        out = x.clone()
        for j in torch.unique(choices).tolist():
            idx = torch.nonzero(choices == j).flatten()
            out[idx] = apply_option(x[idx], options[j], domain, generator)
        x = out
    return x


def sample_chains(policy, options, n, rng):
    """``n`` concrete chains, each a list of ``(name, magnitude)`` per layer."""
    chains = []
    for _ in range(n):
        chain = []
        for row in policy:
            j = rng.choice(len(options), p=row / row.sum())
            chain.append((options[j][0], float(options[j][1])))
        chains.append(chain)
    return chains


def to_tensor_layout(X, domain):
    """numpy (n, H, W[, C]) images or (n, [C,] T) series -> (n, C, ...) float32."""
    x = torch.tensor(np.asarray(X), dtype=torch.float32)  # a copy: X may be read-only
    if domain == "image":
        return x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2).contiguous()
    return x.unsqueeze(1) if x.ndim == 2 else x


def from_tensor_layout(x, ndim, domain):
    """Inverse of :func:`to_tensor_layout` for input arrays of ``ndim`` dims."""
    if domain == "image":
        x = x[:, 0] if ndim == 3 else x.permute(0, 2, 3, 1)
    elif ndim == 2:
        x = x[:, 0]
    return x.detach().cpu().numpy()
