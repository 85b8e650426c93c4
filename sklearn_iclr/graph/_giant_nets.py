"""Torch pieces of GIANT: the encoder with one level's linear ranker, trained
on node indices with the squared hinge over positive and hard-negative
clusters."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from .._torch import nn, torch
from ._gcn import as_tensor


class LevelRanker(nn.Module):
    """The shared encoder plus the linear ranker of one level of the tree.

    ``forward(idx)`` encodes the features of nodes ``idx`` and scores only
    their candidate clusters (positives and teacher-forced hard negatives),
    so a step costs the number of candidates, not the number of clusters.

    Parameters
    ----------
    encoder : torch.nn.Module
        Features to embeddings; shared across levels (the warm start).
    weight : torch.Tensor of shape (n_clusters, n_components)
        Initial ranker weights (the parent clusters' weights on levels
        below the first).
    bias : torch.Tensor of shape (n_clusters,)
        Initial ranker biases.
    features : {ndarray, csr_matrix} of shape (n_nodes, n_features) or (n_nodes,)
        Float32 features of every node, or its text (an object array, for a
        text encoder); rows are taken per batch.
    signs : csr_matrix of shape (n_nodes, n_clusters)
        ``+1`` on positive, ``-1`` on hard-negative candidate clusters.
    """

    def __init__(self, encoder, weight, bias, features, signs):
        super().__init__()
        self.encoder = encoder
        self.weight = nn.Parameter(weight.clone())
        self.bias = nn.Parameter(bias.clone())
        self.features = features
        self.signs = signs

    def encode_rows(self, idx):
        rows = self.features[idx]
        device = self.weight.device
        if isinstance(rows, np.ndarray) and rows.dtype == object:  # texts
            return self.encoder(list(rows))
        if sp.issparse(rows):
            return self.encoder(as_tensor(sp.csr_matrix(rows), device=device))
        return self.encoder(torch.as_tensor(rows, device=device))

    def forward(self, idx):
        idx = idx.cpu().numpy()
        h = self.encode_rows(idx)
        pairs = self.signs[idx].tocoo()
        device = h.device
        row = torch.as_tensor(pairs.row.astype(np.int64), device=device)
        col = torch.as_tensor(pairs.col.astype(np.int64), device=device)
        scores = (h[row] * self.weight[col]).sum(dim=1) + self.bias[col]
        sign = torch.as_tensor(pairs.data, dtype=scores.dtype, device=device)
        return scores, sign, torch.tensor(float(len(idx)), device=device)


class SquaredHinge(nn.Module):
    """``sum(max(0, 1 - sign * score)^2)`` over the candidates, per node.

    The target skorch passes is a placeholder: the signs travel with the
    scores, since each node has its own candidate set.
    """

    def forward(self, output, target=None):
        scores, sign, n_rows = output
        return torch.clamp(1.0 - sign * scores, min=0.0).pow(2).sum() / n_rows


@torch.no_grad()
def precision_at_k(module, rows, positives, ks=(1, 5), chunk=512):
    """Mean precision@k of the full ranking of ``rows`` against ``positives``."""
    module.eval()
    hits = {k: 0.0 for k in ks}
    n_clusters = module.weight.shape[0]
    for start in range(0, len(rows), chunk):
        idx = rows[start : start + chunk]
        scores = module.encode_rows(idx) @ module.weight.T + module.bias
        top = min(max(ks), n_clusters)
        best = torch.topk(scores, top, dim=1).indices.cpu().numpy()
        truth = positives[idx]
        for k in ks:
            kk = min(k, n_clusters)
            picked = best[:, :kk]
            r = np.repeat(np.arange(len(idx)), kk)
            found = np.asarray(truth[r, picked.ravel()]).ravel()
            hits[k] += found.sum() / kk
    module.train()
    return {k: float(hits[k] / max(len(rows), 1)) for k in ks}


def placeholder_targets(n):
    """Targets for skorch, which the squared hinge does not read."""
    return np.zeros(n, dtype=np.float32)
