"""Torch modules of Cold Brew: the GCN teacher with structural embeddings, the
student's mixing head (MLP2), the virtual neighbourhood, and the skorch net
that trains on node indices. The student's MLP1 is the bridge's ``MLP``."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from .._torch import F, nn, skorch, torch


def sparse_tensor(matrix, device="cpu", dtype=None):
    """A scipy sparse matrix as a coalesced torch sparse COO tensor."""
    dtype = torch.float32 if dtype is None else dtype
    coo = matrix.tocoo()
    indices = torch.from_numpy(np.vstack([coo.row, coo.col]).astype(np.int64))
    values = torch.from_numpy(coo.data).to(dtype)
    tensor = torch.sparse_coo_tensor(
        indices, values, coo.shape, device=device, check_invariants=False
    )
    return tensor.coalesce()


def as_tensor(X, dtype=None, device="cpu"):
    """Dense array or tensor -> dense tensor; scipy sparse -> sparse COO tensor."""
    if sp.issparse(X):
        return sparse_tensor(X, device=device, dtype=dtype)
    if isinstance(X, torch.Tensor):
        return X.to(device=device, dtype=dtype if X.is_floating_point() else None)
    X = np.asarray(X)
    if X.dtype.kind == "f":
        dtype = torch.float32 if dtype is None else dtype
        return torch.as_tensor(X, dtype=dtype, device=device)
    return torch.as_tensor(X, device=device)


def dropout_any(x, p, training):
    """Dropout for a dense or sparse COO tensor (on the stored values)."""
    if not training or p == 0:
        return x
    if x.is_sparse:
        if not x.is_coalesced():
            x = x.coalesce()
        return torch.sparse_coo_tensor(
            x.indices(),
            F.dropout(x.values(), p, True),
            x.shape,
            check_invariants=False,
        )
    return F.dropout(x, p, True)


def matmul_any(x, weight):
    """``x @ weight`` for a dense or sparse COO ``x``."""
    return torch.sparse.mm(x, weight) if x.is_sparse else x @ weight


def linear_any(x, linear):
    """``linear(x)`` for a dense or sparse COO input."""
    if x.is_sparse:
        out = torch.sparse.mm(x, linear.weight.t())
        return out if linear.bias is None else out + linear.bias
    return linear(x)


class FullBatchLoader:
    """A skorch iterator yielding the whole data set as one batch of tensors.

    skorch's default ``DataLoader`` indexes the data set one row at a time and
    collates; for full-batch graph training that per-row Python overhead
    dominates, so this loader hands the arrays over in one piece (scipy
    sparse matrices become torch sparse tensors).
    """

    def __init__(self, dataset, **kwargs):
        self.dataset = dataset

    def __len__(self):
        return 1

    def __iter__(self):
        # Convert once per data set: the loader is rebuilt every epoch.
        cached = getattr(self.dataset, "_full_batch", None)
        if cached is None:
            X, y = self.dataset.X, self.dataset.y
            if isinstance(X, dict):
                X = {key: as_tensor(value) for key, value in X.items()}
            else:
                X = as_tensor(X)
            cached = (X, None if y is None else as_tensor(y))
            self.dataset._full_batch = cached
        yield cached


# Initial mixing weights of [x, e_tilde, e_hat] in MLP2: the raw features start
# small so that the student first leans on the distilled embeddings (the raw
# features of a few labelled nodes are easy to overfit); all three are learnt.
MIXING_INIT = [0.1, 1.0, 1.0]


def pair_norm(H, scale=1.0, eps=1e-6):
    """PairNorm (Zhao & Akoglu, 2020): centre over nodes, fix the mean row norm."""
    H = H - H.mean(dim=0, keepdim=True)
    return scale * H / torch.sqrt(eps + H.pow(2).sum(dim=1).mean())


class ColdBrewGCN(nn.Module):
    """GCN whose layers may carry a learnable structural embedding (SE).

    Layer ``l`` computes ``H^{l+1} = act(A_hat (H^l W^l + E^l) + b^l)`` where
    ``A_hat = D^-1/2 (A + I) D^-1/2`` is sparse and ``E^l`` (one row per
    node, zero-initialised) is present when ``se_layers[l]``. The last layer
    has no activation and returns class logits. ``regularization()`` is the
    L2 penalty ``se_reg * sum_l ||E^l||_F^2 / n_nodes``.

    The graph (features ``X`` and ``A_hat``) is stored as buffers, so the
    module is self-contained; ``forward(idx)`` returns the logits of nodes
    ``idx`` from one full-graph pass.
    """

    def __init__(
        self,
        X,
        A_hat,
        n_classes,
        hidden_sizes=(64,),
        se_layers=(True, False),
        se_reg=0.0,
        dropout=0.5,
        norm="none",
    ):
        super().__init__()
        n_nodes, n_features = X.shape
        self.register_buffer("X", X)
        self.register_buffer("A_hat", A_hat)
        widths = [n_features, *hidden_sizes, n_classes]
        self.linears = nn.ModuleList(
            nn.Linear(w_in, w_out) for w_in, w_out in zip(widths[:-1], widths[1:])
        )
        # Kipf & Welling's GCN: Glorot-initialised weights, zero bias added
        # after propagation (torch's Linear default init trains about a point
        # worse on Cora).
        for linear in self.linears:
            nn.init.xavier_uniform_(linear.weight)
            nn.init.zeros_(linear.bias)
        self.se = nn.ParameterList(
            nn.Parameter(torch.zeros(n_nodes, w_out) if has_se else torch.zeros(0))
            for has_se, w_out in zip(se_layers, widths[1:])
        )
        self.se_layers = tuple(bool(s) for s in se_layers)
        self.se_reg = float(se_reg)
        self.dropout = float(dropout)
        self.norm = norm
        self.n_nodes = n_nodes

    def layer_outputs(self, X=None, A_hat=None):
        """Outputs of every layer on the whole graph (last = logits).

        ``X`` and ``A_hat`` replace the training graph by a larger one whose
        first ``n_nodes`` rows are the training nodes; the nodes added after
        them have no structural embedding (zero rows), as at initialisation.
        """
        H = self.X if X is None else X
        A_hat = self.A_hat if A_hat is None else A_hat
        n_extra = H.shape[0] - self.n_nodes
        outputs = []
        n_layers = len(self.linears)
        for i, linear in enumerate(self.linears):
            H = dropout_any(H, self.dropout, self.training)
            H = matmul_any(H, linear.weight.t())
            if self.se_layers[i]:
                E = self.se[i]
                if n_extra:
                    E = torch.cat([E, E.new_zeros(n_extra, E.shape[1])])
                H = H + E
            H = torch.sparse.mm(A_hat, H) + linear.bias
            if i < n_layers - 1:
                if self.norm == "pairnorm":
                    H = pair_norm(H)
                H = F.relu(H)
            outputs.append(H)
        return outputs

    def forward(self, idx):
        return self.layer_outputs()[-1][idx]

    def regularization(self):
        penalty = 0.0
        for has_se, E in zip(self.se_layers, self.se):
            if has_se:
                penalty = penalty + E.pow(2).sum()
        return self.se_reg * penalty / self.n_nodes

    @torch.no_grad()
    def embeddings(self, X=None, A_hat=None):
        """Concatenated layer outputs of every node, in eval mode."""
        was_training = self.training
        self.eval()
        out = torch.cat(self.layer_outputs(X, A_hat), dim=1)
        self.train(was_training)
        return out


class NodeIndexNet(skorch.NeuralNet):
    """skorch net trained on node indices, adding the module's penalty.

    ``X`` given to ``fit`` is an array of node indices; the module computes
    the full graph and returns the rows asked for, so a batch size of -1 is
    one full-batch step per epoch, as in a GCN.
    """

    def get_loss(self, y_pred, y_true, X=None, training=False):
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        if training and hasattr(self.module_, "regularization"):
            loss = loss + self.module_.regularization()
        return loss


class MixingHead(nn.Module):
    """MLP2 of the Cold Brew student: classifies ``[x, e_tilde, e_hat]``.

    Each of the three blocks is scaled by a learnable scalar weight
    (initialised to ``MIXING_INIT = [0.1, 1.0, 1.0]``: the raw features start
    small) before the MLP's first layer, so training decides how
    much the node's own features, its virtual neighbourhood and its own
    estimated embedding count. ``forward(x, e)`` takes ``x`` (dense or
    sparse) and ``e = [e_tilde, e_hat]`` separately, so sparse features stay
    sparse.
    """

    def __init__(
        self, n_features, n_embedding, n_classes, hidden_sizes=(64,), dropout=0.5
    ):
        super().__init__()
        self.n_embedding = n_embedding
        self.dropout = float(dropout)
        self.mixing = nn.Parameter(torch.tensor(MIXING_INIT))
        widths = [*hidden_sizes, n_classes]
        self.in_x = nn.Linear(n_features, widths[0])
        self.in_tilde = nn.Linear(n_embedding, widths[0], bias=False)
        self.in_hat = nn.Linear(n_embedding, widths[0], bias=False)
        self.rest = nn.ModuleList(
            nn.Linear(w_in, w_out) for w_in, w_out in zip(widths[:-1], widths[1:])
        )

    def forward(self, x, e):
        d, p, w = self.n_embedding, self.dropout, self.mixing
        x = dropout_any(x, p, self.training)
        e = F.dropout(e, p, self.training)
        h = (
            w[0] * linear_any(x, self.in_x)
            + w[1] * self.in_tilde(e[:, :d])
            + w[2] * self.in_hat(e[:, d:])
        )
        for layer in self.rest:
            h = layer(F.dropout(F.relu(h), p, self.training))
        return h


def virtual_neighbourhood(
    e_hat, reference, top_k, exclude=None, chunk_size=None, candidates=None
):
    """Cold Brew's virtual neighbourhood ``softmax(topK(e_hat R^T)) R``.

    Parameters
    ----------
    e_hat : tensor of shape (n, d)
        Student embeddings of the query nodes.
    reference : tensor of shape (m, d)
        Teacher embeddings of the reference (training-graph) nodes.
    top_k : int
        Number of virtual neighbours (clipped to ``m``).
    exclude : tensor of int64, shape (n,), optional
        For each query, a reference row to leave out (its own embedding when
        the query is itself a reference node), or -1.
    chunk_size : int, optional
        Queries per chunk, so that the ``chunk x m`` score matrix stays small.
    candidates : callable, optional
        ``candidates(query_chunk, k)`` returns, per query, the reference rows
        to score (an approximate index's); by default all ``m`` are scored.
        Only without ``exclude``.

    Returns
    -------
    e_tilde : tensor of shape (n, d)
    """
    n, m = e_hat.shape[0], reference.shape[0]
    if m == 0:
        return torch.zeros_like(e_hat)
    if m < 2:
        exclude = None  # nothing would be left to attend to
    k = max(1, min(int(top_k), m - (1 if exclude is not None else 0)))
    if chunk_size is None:
        # Scored entries per chunk stay ~4M either way.
        width = m if candidates is None else max(k, 16)
        chunk_size = max(1, (1 << 22) // width)
    # The top-K search runs in float32 (half the time and memory of float64);
    # the attention weights of the chosen neighbours are exact dot products.
    reference32 = reference.float()
    out = []
    for start in range(0, n, chunk_size):
        stop = min(n, start + chunk_size)
        query = e_hat[start:stop]
        if candidates is not None:
            # Only the index's candidates are scored; a -1 marks a slot the
            # index could not fill.
            rows = torch.as_tensor(
                candidates(query.float().cpu().numpy(), k), device=reference.device
            ).long()
            scores = torch.einsum("nd,nkd->nk", query.float(), reference32[rows])
            scores[rows < 0] = float("-inf")
            _, best = torch.topk(scores, min(k, rows.shape[1]), dim=1)
            indices = torch.gather(rows, 1, best)
        else:
            scores = query.float() @ reference32.T
            if exclude is not None:
                ex = exclude[start:stop]
                rows = torch.nonzero(ex >= 0).ravel()
                if len(rows):
                    scores[rows, ex[rows]] = float("-inf")
            _, indices = torch.topk(scores, k, dim=1)
        chosen = reference[indices]
        weights = torch.softmax(torch.einsum("nd,nkd->nk", query, chosen), dim=1)
        out.append(torch.einsum("nk,nkd->nd", weights, chosen))
    return torch.cat(out, dim=0)
