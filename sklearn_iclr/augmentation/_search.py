"""The proxy networks and Deep AutoAugment's gradient-matching search.

For one layer of the policy, with the earlier layers fixed, every option
``j`` of the layer has a gradient ``g_j`` (of the proxy's loss on the batch
augmented by the earlier layers and then by ``j``). The augmented-data
gradient is ``g_T = Σ_j p_j g_j`` and the clean validation gradient ``g_V``.
The search raises the cosine between ``g_T`` and ``g_V``; its derivative in
``p_j`` is ``g_j · w`` with

    w = (ĝ_V − (ĝ_V · ĝ_T) ĝ_T) / |g_T|,

the part of the validation direction orthogonal to ``g_T``, normalised: the
*importance* of option ``j``. It is computed per sample, for every option at
once, as one forward-mode Jacobian-vector product of the (options × samples)
matrix of losses in the direction ``w`` (:func:`torch.func.jvp`), so a step
costs one backward pass for ``g_T``, one for ``g_V`` and one JVP pass,
whatever the number of options.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._torch import F, build_net, nn, progress, skorch, torch
from ._policy import apply_layers, apply_option

EPS = 1e-12


# --------------------------------------------------------------------------
# Proxy networks and their training (also the benchmark's classifier)
# --------------------------------------------------------------------------


class SmallCNN(nn.Module):
    """Two convolutions with batch norm, pooled to a coarse grid, linear head.

    Images (``n_dims=2``): 3×3 kernels, pooled to a 2×2 grid, which keeps
    coarse position (left from right, top from bottom) that global pooling
    would lose and that flips and translations change. Series (``n_dims=1``):
    kernels of 5, pooled to 4 bins. Either way the head sees ``8 * width``
    features.
    """

    def __init__(self, n_dims, n_channels=1, n_classes=2, width=16):
        super().__init__()
        conv, norm, pool = {
            2: (nn.Conv2d, nn.BatchNorm2d, nn.AdaptiveAvgPool2d),
            1: (nn.Conv1d, nn.BatchNorm1d, nn.AdaptiveAvgPool1d),
        }[n_dims]
        kernel = 3 if n_dims == 2 else 5
        self.features = nn.Sequential(
            conv(n_channels, width, kernel, padding=kernel // 2),
            norm(width),
            nn.ReLU(),
            conv(width, 2 * width, kernel, padding=kernel // 2),
            norm(2 * width),
            nn.ReLU(),
            pool(2 if n_dims == 2 else 4),
        )
        self.head = nn.Linear(8 * width, n_classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def make_cnn(domain, n_channels, n_classes, width=16):
    """The default proxy network for ``"image"`` or ``"series"`` inputs."""
    n_dims = 2 if domain == "image" else 1
    return SmallCNN(n_dims, n_channels=n_channels, n_classes=n_classes, width=width)


class AugmentedNet(skorch.NeuralNet):
    """skorch net that augments each training batch with ``augment``.

    ``augment`` maps a batch tensor (n, C, ...) to an augmented one; it runs
    on training batches only, so validation and prediction see clean data.
    """

    def __init__(self, *args, augment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.augment = augment

    def train_step_single(self, batch, **fit_params):
        if self.augment is not None:
            Xi, yi = batch
            with torch.no_grad():
                Xi = self.augment(Xi)
            batch = (Xi, yi)
        return super().train_step_single(batch, **fit_params)


def train_cnn(
    module,
    x,
    y,
    *,
    augment=None,
    max_epochs=30,
    lr=3e-3,
    batch_size=32,
    device="cpu",
    verbose=0,
):
    """Train ``module`` on tensors ``x`` (n, C, ...) and labels ``y`` (0..K−1).

    Call inside :func:`~sklearn_iclr._torch.seeded` for repeatable weights.
    Returns the fitted skorch net.
    """
    net = build_net(
        module,
        criterion=nn.CrossEntropyLoss,
        net_class=AugmentedNet,
        augment=augment,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        device=device,
        verbose=verbose,
    )
    net.fit(x, torch.as_tensor(np.asarray(y), dtype=torch.long))
    return net


# --------------------------------------------------------------------------
# Option importance
# --------------------------------------------------------------------------


def _flat(tensors):
    return torch.cat([t.reshape(-1) for t in tensors])


def option_importance(model, x_options, y, x_val, y_val, weights):
    """Per-sample importance of every option, one JVP pass for all of them.

    Parameters
    ----------
    model : torch.nn.Module
        The proxy, in evaluation mode (batch norm frozen).
    x_options : tensor of shape (n_options, n_samples, C, ...)
        The batch transformed by each option.
    y : tensor of shape (n_samples,)
        Labels of the batch.
    x_val, y_val : tensors
        The clean validation batch.
    weights : tensor of shape (n_options,)
        The layer's current probabilities ``p``.

    Returns
    -------
    importance : tensor of shape (n_options, n_samples)
        ``∇ℓ(option j, sample b) · w``; its mean over samples is the
        derivative of cos(g_T, g_V) in ``p_j``.
    """
    names = [name for name, p in model.named_parameters() if p.requires_grad]
    params = {name: p.detach() for name, p in model.named_parameters()}
    buffers = dict(model.named_buffers())
    n_options, n_samples = x_options.shape[:2]
    flat_x = x_options.reshape(n_options * n_samples, *x_options.shape[2:])
    flat_y = y.repeat(n_options)

    def losses(trainable):
        merged = {**params, **trainable}
        logits = torch.func.functional_call(model, (merged, buffers), (flat_x,))
        loss = F.cross_entropy(logits, flat_y, reduction="none")
        return loss.view(n_options, n_samples)

    def val_loss(trainable):
        merged = {**params, **trainable}
        logits = torch.func.functional_call(model, (merged, buffers), (x_val,))
        return F.cross_entropy(logits, y_val)

    trainable = {name: params[name].clone().requires_grad_() for name in names}
    weighted = (weights.detach().view(-1, 1) * losses(trainable)).mean(dim=1).sum()
    g_t = _flat(torch.autograd.grad(weighted, list(trainable.values())))
    g_v = _flat(torch.autograd.grad(val_loss(trainable), list(trainable.values())))
    w = direction(g_t, g_v)

    tangent, start = {}, 0
    for name in names:
        size = params[name].numel()
        tangent[name] = w[start : start + size].view_as(params[name])
        start += size
    primal = {name: params[name] for name in names}
    _, importance = torch.func.jvp(losses, (primal,), (tangent,))
    return importance


def direction(g_t, g_v):
    """``(ĝ_V − (ĝ_V·ĝ_T) ĝ_T) / |g_T|``: the gradient of cos(g_T, g_V) in g_T."""
    norm_t = g_t.norm().clamp(min=EPS)
    unit_t = g_t / norm_t
    unit_v = g_v / g_v.norm().clamp(min=EPS)
    return (unit_v - (unit_v @ unit_t) * unit_t) / norm_t


# --------------------------------------------------------------------------
# The layer-by-layer search
# --------------------------------------------------------------------------


def _class_batch(rng, y, classes, per_class):
    idx = []
    for c in classes:
        members = np.flatnonzero(y == c)
        take = min(per_class, len(members))
        idx.append(rng.choice(members, size=take, replace=False))
    return np.concatenate(idx)


def search_policy(
    model,
    data,
    options,
    domain,
    *,
    n_layers,
    n_steps,
    n_classes_per_step,
    n_samples_per_class,
    lr,
    variance_penalty,
    rng,
    generator,
    verbose=0,
):
    """Grow the policy one layer at a time by gradient matching.

    ``data`` is ``(x_train, y_train, x_val, y_val)`` (tensors in the (n, C,
    ...) layout, integer labels). Returns the policy, a tensor (n_layers,
    n_options), and the per-layer history of the mean importance.
    """
    x_train, y_train, x_val, y_val = data
    y_train_np, y_val_np = y_train.cpu().numpy(), y_val.cpu().numpy()
    shared = np.intersect1d(y_train_np, y_val_np)
    n_options = len(options)
    policy = torch.zeros(0, n_options, device=x_train.device)
    history = []
    model.eval()  # batch norm frozen: running statistics, no updates
    for p in model.parameters():
        p.requires_grad_(True)
    for layer in range(n_layers):
        logits = torch.zeros(n_options, device=x_train.device, requires_grad=True)
        optimizer = torch.optim.Adam([logits], lr=lr)
        scores = []
        steps = progress(
            range(n_steps), verbose=verbose, desc=f"searching layer {layer + 1}"
        )
        for _ in steps:
            k = min(n_classes_per_step, len(shared))
            classes = rng.choice(shared, size=k, replace=False)
            tr = _class_batch(rng, y_train_np, classes, n_samples_per_class)
            va = _class_batch(rng, y_val_np, classes, n_samples_per_class)
            with torch.no_grad():
                x = apply_layers(x_train[tr], policy, options, domain, generator)
                x_options = torch.stack(
                    [apply_option(x, o, domain, generator) for o in options]
                )
            weights = torch.softmax(logits, dim=0).detach()
            importance = option_importance(
                model, x_options, y_train[tr], x_val[va], y_val[va], weights
            )
            score = importance.mean(dim=1)
            if variance_penalty and layer > 0 and importance.shape[1] > 1:
                # The earlier layers are random: prefer options that help on
                # most of their draws, not on average only.
                score = score - importance.std(dim=1)
            objective = (torch.softmax(logits, dim=0) * score.detach()).sum()
            optimizer.zero_grad()
            (-objective).backward()
            optimizer.step()
            scores.append(score.detach().cpu().numpy())
        policy = torch.cat([policy, torch.softmax(logits.detach(), dim=0)[None]])
        history.append(np.mean(scores, axis=0) if scores else np.zeros(n_options))
    return policy, np.array(history)
