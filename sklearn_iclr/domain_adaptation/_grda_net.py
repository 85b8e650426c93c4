"""GRDA's networks and training step: the domain embedding fitted to the graph,
the encoder/predictor/discriminator module, and the adversarial skorch net.

The estimators in ``_grda.py`` build these; the benchmark's hand-written loop
reuses them to time the bridge against bare torch.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._torch import F, build_net, nn, skorch, to_numpy, torch

#: Width of the domain embeddings u_d fitted to the graph.
EMBEDDING_DIM = 8
#: Width of the graph discriminator's output, whose inner products
#: reconstruct the adjacency.
DISCRIMINATOR_DIM = 8
#: Full-batch Adam steps (and learning rate) fitting u_d to the graph.
EMBEDDING_STEPS = 300
EMBEDDING_LR = 0.05
#: The logit the spectral start aims at for an edge (its negative for a
#: non-edge): sigmoid(3) = 0.95.
EMBEDDING_LOGIT = 3.0


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


def _balanced_bce(logits, target, keep):
    """Binary cross-entropy, connected and unconnected pairs weighted equally.

    ``logits`` and ``target`` are pair matrices (or vectors); ``keep`` masks the
    pairs that count. The mean over connected pairs (``target > 0``) and the
    mean over unconnected pairs are averaged, as in the paper, so that a sparse
    graph does not let the discriminator win by predicting "no edge".
    """
    losses = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    parts = []
    for mask in (keep & (target > 0), keep & (target <= 0)):
        if bool(mask.any()):
            parts.append(losses[mask].mean())
    if not parts:
        return logits.sum() * 0.0
    return sum(parts) / len(parts)


def _graph_discriminator_loss(z, domain, adjacency):
    """GRDA's L_D: sigmoid(z_iᵀ z_j) reconstructs A between the rows' domains.

    Every pair of rows of the batch from two different domains is one sampled
    domain pair; pairs within one domain are left out (the graph says nothing
    about a domain and itself).
    """
    logits = z @ z.T
    target = adjacency[domain][:, domain]
    keep = domain[:, None] != domain[None, :]
    return _balanced_bce(logits, target, keep)


class _PairLogits(nn.Module):
    """Logit u_iᵀu_j of a pair of domains, from a table of embeddings."""

    def __init__(self, init):
        super().__init__()
        self.embedding = nn.Parameter(torch.as_tensor(init, dtype=torch.float32))

    def forward(self, pairs):
        u = self.embedding
        return (u[pairs[:, 0]] * u[pairs[:, 1]]).sum(dim=1)


class _PairBCE(nn.Module):
    """Balanced BCE of pair logits; ``y`` holds the adjacency of each pair."""

    def forward(self, logits, target):
        keep = torch.ones_like(target, dtype=torch.bool)
        return _balanced_bce(logits, target, keep)


def _canonical_sign(vector):
    """``vector`` or ``-vector``, chosen whatever the order of its entries.

    The sorted entries of the two are compared (rounded, so that rounding
    noise cannot flip the choice); a vector whose entries are symmetric about
    zero has no canonical sign and is left as it is.
    """
    up = np.round(np.sort(vector), 8)
    down = np.round(np.sort(-vector), 8)
    differ = np.flatnonzero(up != down)
    if len(differ) and up[differ[-1]] < down[differ[-1]]:
        return -vector
    return vector


def fit_domain_embedding(adjacency, *, device="cpu"):
    """Embeddings u_d with sigmoid(u_iᵀu_j) ≈ A_ij, fitted to the graph.

    Starts from the spectral solution of u_iᵀu_j ≈ ±EMBEDDING_LOGIT (the
    leading eigenvectors of that target matrix, signs fixed by a rule that
    does not depend on the order of the domains), then minimises the
    balanced binary cross-entropy over all pairs of distinct domains with
    full-batch Adam. Every step is a function of the graph alone, so
    relabelling the domains relabels the embeddings (exactly when the
    target matrix has distinct leading eigenvalues).
    """
    n_domains = adjacency.shape[0]
    embedding = np.zeros((n_domains, EMBEDDING_DIM))
    if n_domains < 2:
        return embedding
    target = EMBEDDING_LOGIT * (2.0 * (adjacency > 0) - 1.0)
    np.fill_diagonal(target, 0.0)
    eigval, eigvec = np.linalg.eigh(target)
    order = np.argsort(eigval)[::-1][:EMBEDDING_DIM]
    for column, k in enumerate(order):
        if eigval[k] <= 0:
            break
        vector = _canonical_sign(eigvec[:, k])
        embedding[:, column] = vector * np.sqrt(eigval[k])

    i, j = np.triu_indices(n_domains, k=1)
    pairs = np.column_stack([i, j]).astype(np.int64)
    net = build_net(
        _PairLogits(embedding),
        criterion=_PairBCE,
        lr=EMBEDDING_LR,
        max_epochs=EMBEDDING_STEPS,
        batch_size=-1,
        device=device,
        iterator_train__shuffle=False,
    )
    net.fit(pairs, adjacency[i, j].astype(np.float32))
    return to_numpy(net.module_.embedding).astype(np.float64)


# --------------------------------------------------------------------------
# Networks and the training step
# --------------------------------------------------------------------------


def _layers(n_in, sizes):
    layers, width = [], n_in
    for size in sizes:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    return nn.Sequential(*layers), width


class _GRDAModule(nn.Module):
    """Encoder E(x, u_d), predictor F and discriminator D of GRDA.

    The input and the domain embedding go through a layer each, are
    concatenated and go through the shared layers; F and D are two-layer
    perceptrons on the encoding.
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        domain_embedding,
        hidden_sizes,
        discriminator_outputs,
    ):
        super().__init__()
        self.register_buffer(
            "domain_embedding", torch.as_tensor(domain_embedding, dtype=torch.float32)
        )
        first = hidden_sizes[0]
        self.x_layers, _ = _layers(n_features, [first])
        self.u_layers, _ = _layers(self.domain_embedding.shape[1], [first])
        shared = list(hidden_sizes[1:]) or [first]
        self.shared, width = _layers(2 * first, shared)
        self.predictor = nn.Sequential(
            nn.Linear(width, width), nn.ReLU(), nn.Linear(width, n_outputs)
        )
        self.discriminator = None
        if discriminator_outputs:
            self.discriminator = nn.Sequential(
                nn.Linear(width, width),
                nn.ReLU(),
                nn.Linear(width, discriminator_outputs),
            )

    def encode(self, x, domain):
        u = self.domain_embedding[domain]
        return self.shared(torch.cat([self.x_layers(x), self.u_layers(u)], dim=1))

    def forward(self, x, domain):
        return self.predictor(self.encode(x, domain))


class _TensorBatches:
    """Mini-batches sliced from whole tensors: skorch's ``iterator_train``.

    The rows are a few columns of numbers, so indexing the tensors once per
    batch replaces the per-row ``__getitem__`` and collation of a
    ``DataLoader``, which cost more than the step itself on small networks.
    The order comes from torch's global generator, which
    :func:`~sklearn_iclr._torch.seeded` fixes.
    """

    def __init__(self, dataset, batch_size, shuffle=False, **kwargs):
        X, y = dataset.X, dataset.y
        self.x = torch.as_tensor(X["x"])
        self.domain = torch.as_tensor(X["domain"])
        self.y = None if y is None else torch.as_tensor(y)
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __iter__(self):
        n = len(self.x)
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            y = None if self.y is None else self.y[idx]
            yield {"x": self.x[idx], "domain": self.domain[idx]}, y


class _GRDANet(skorch.NeuralNet):
    """skorch net with GRDA's alternating adversarial step.

    ``optimizer_`` updates the encoder and the predictor,
    ``optimizer_discriminator_`` the discriminator. Each batch makes one
    discriminator step on detached encodings (D minimises L_D), then one
    encoder/predictor step on ``task loss - lambda_adv * L_D``.
    """

    def __init__(
        self,
        *args,
        task="classification",
        discriminator="graph",
        lambda_adv=1.0,
        adjacency=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.task = task
        self.discriminator = discriminator
        self.lambda_adv = lambda_adv
        self.adjacency = adjacency

    def initialize_optimizer(self, *args, **kwargs):
        module = self.module_
        main = [
            (name, p)
            for name, p in module.named_parameters()
            if not name.startswith("discriminator.")
        ]
        args, kw = self.get_params_for_optimizer("optimizer", main)
        self.optimizer_ = self.optimizer(*args, **kw)
        self.optimizer_discriminator_ = None
        if module.discriminator is not None:
            args, kw = self.get_params_for_optimizer(
                "optimizer", module.discriminator.named_parameters()
            )
            self.optimizer_discriminator_ = self.optimizer(*args, **kw)
        self.adjacency_ = torch.as_tensor(
            np.asarray(self.adjacency), dtype=torch.float32, device=self.device
        )
        return self

    def task_loss(self, output, y):
        if self.task == "classification":
            labelled = y >= 0
            if not bool(labelled.any()):
                return output.sum() * 0.0
            return F.cross_entropy(output[labelled], y[labelled])
        labelled = ~torch.isnan(y).any(dim=1)
        if not bool(labelled.any()):
            return output.sum() * 0.0
        return F.mse_loss(output[labelled], y[labelled])

    def discriminator_loss(self, encoding, domain):
        z = self.module_.discriminator(encoding)
        if self.discriminator == "graph":
            return _graph_discriminator_loss(z, domain, self.adjacency_)
        return F.cross_entropy(z, domain)  # "categorical": DANN

    def train_step(self, batch, **fit_params):
        Xi, yi = batch
        module = self.module_
        module.train()
        x = Xi["x"].to(self.device)
        domain = Xi["domain"].to(self.device)
        y = yi.to(self.device)
        encoding = module.encode(x, domain)
        adversarial = self.optimizer_discriminator_ is not None
        if adversarial:
            # D's own step, on encodings detached from E: D minimises L_D at
            # full strength whatever lambda_adv is.
            self.optimizer_discriminator_.zero_grad()
            d_loss = self.discriminator_loss(encoding.detach(), domain)
            d_loss.backward()
            self.optimizer_discriminator_.step()
        # E and F: the task loss minus lambda_adv * L_D (D's new weights).
        self.optimizer_.zero_grad()
        output = module.predictor(encoding)
        task_loss = self.task_loss(output, y)
        loss = task_loss
        if adversarial and self.lambda_adv:
            loss = task_loss - self.lambda_adv * self.discriminator_loss(
                encoding, domain
            )
        loss.backward()
        self.optimizer_.step()
        if adversarial:
            self.history.record_batch("discriminator_loss", d_loss.item())
        return {"loss": task_loss.detach(), "y_pred": output.detach()}

    def on_epoch_end(self, net, **kwargs):
        batches = self.history[-1, "batches"]
        d_losses = [
            b["discriminator_loss"] for b in batches if "discriminator_loss" in b
        ]
        if d_losses:
            self.history.record("discriminator_loss", float(np.mean(d_losses)))
        super().on_epoch_end(net, **kwargs)
