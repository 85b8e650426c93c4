"""Relevance models p(item | a user's history): GRU, popularity, last-item
co-occurrence. Each one gives float32 probabilities over every item for a batch
of user codes, ``-1`` meaning an unknown user (who gets the popularity).
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from .._torch import F, build_net, nn, seeded, skorch, to_numpy, torch


def _log_popularity(log, n_items):
    counts = np.bincount(log.item, minlength=n_items).astype(np.float64)
    # One pseudo-count per item so an item absent from a sub-log keeps a
    # finite log-probability.
    return np.log((counts + 1.0) / (counts.sum() + n_items))


class PopularityRelevance:
    """Every user gets the item frequencies of the training log."""

    def fit(self, log, n_items):
        self.pop_ = np.exp(_log_popularity(log, n_items)).astype(np.float32)
        return self

    def proba(self, users):
        return np.broadcast_to(self.pop_, (len(users), len(self.pop_)))


class CooccurrenceRelevance:
    """p(next | last item): transition counts smoothed towards popularity."""

    def __init__(self, smoothing=1.0):
        self.smoothing = smoothing

    def fit(self, log, n_items):
        same = log.user[1:] == log.user[:-1]
        prev, nxt = log.item[:-1][same], log.item[1:][same]
        self.transitions_ = sp.csr_matrix(
            (np.ones(len(prev)), (prev, nxt)), shape=(n_items, n_items)
        )
        self.pop_ = np.exp(_log_popularity(log, n_items))
        counts = np.diff(np.append(log.starts, len(log.item)))
        self.last_item_ = np.where(
            counts > 0, log.item[np.maximum(log.starts + counts - 1, 0)], -1
        )
        return self

    def proba(self, users):
        users = np.asarray(users)
        last = np.where(users >= 0, self.last_item_[np.maximum(users, 0)], -1)
        out = np.empty((len(users), len(self.pop_)), dtype=np.float32)
        out[:] = self.smoothing * self.pop_
        has = np.flatnonzero(last >= 0)
        rows = self.transitions_[last[has]].tocoo()
        np.add.at(out, (has[rows.row], rows.col), rows.data.astype(np.float32))
        out /= out.sum(axis=1, keepdims=True)
        return out


def _sequences(log, max_len, with_targets, all_events=False):
    """Left-padded item codes (+1; 0 pads) of each user's events.

    With targets: inputs are the last ``max_len + 1`` events but the last,
    targets the same shifted by one (``-100`` is ignored by the loss), for the
    users with at least two events; with ``all_events`` the rest of a longer
    history is cut into more such windows, backwards from the last event, each
    overlapping the next by one event so that every event is a target once.
    Without targets: the last ``max_len`` events of every user, to read the
    state that predicts the next item. Returns the rows' users too.
    """
    counts = log.counts
    ends = log.starts + counts
    if not with_targets:
        windows = [
            (u, max(ends[u] - max_len, log.starts[u]), ends[u])
            for u in range(log.n_users)
        ]
    else:
        windows = []
        for u in np.flatnonzero(counts >= 2):
            hi = ends[u]
            while hi - log.starts[u] >= 2:
                lo = max(hi - max_len - 1, log.starts[u])
                windows.append((u, lo, hi))
                if not all_events:
                    break
                hi = lo + 1
    X = np.zeros((len(windows), max_len), dtype=np.int64)
    Y = np.full((len(windows), max_len), -100, dtype=np.int64)
    for r, (_, lo, hi) in enumerate(windows):
        seq = log.item[lo:hi] + 1
        if with_targets:
            X[r, max_len - len(seq) + 1 :] = seq[:-1]
            Y[r, max_len - len(seq) + 1 :] = seq[1:] - 1
        elif len(seq):
            X[r, max_len - len(seq) :] = seq
    users = np.array([w[0] for w in windows], dtype=np.int64)
    return X, Y, users


class GRUNextItem(nn.Module):
    """GRU over item embeddings, logits tied to the same embeddings."""

    def __init__(self, n_items, hidden_size=128, n_layers=2):
        super().__init__()
        self.embedding = nn.Embedding(n_items + 1, hidden_size, padding_idx=0)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, batch_first=True)
        self.bias = nn.Parameter(torch.zeros(n_items))

    def states(self, X):
        out, _ = self.gru(self.embedding(X))
        return out

    def forward(self, X):
        return self.states(X) @ self.embedding.weight[1:].T + self.bias


class NextItemLoss(nn.Module):
    """Cross-entropy of every next item; ``-100`` marks padding."""

    def forward(self, logits, target):
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            target.reshape(-1),
            ignore_index=-100,
        )


class GRURelevance:
    """Next-item GRU (the paper's RNN) trained through the torch bridge."""

    def __init__(
        self,
        *,
        hidden_size,
        n_layers,
        max_len,
        all_events,
        max_epochs,
        lr,
        batch_size,
        device,
        verbose,
        seed,
    ):
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.max_len = max_len
        self.all_events = all_events
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.seed = seed

    def fit(self, log, n_items):
        self.pop_ = np.exp(_log_popularity(log, n_items)).astype(np.float32)
        X, Y, _ = _sequences(
            log, self.max_len, with_targets=True, all_events=self.all_events
        )
        plateau = skorch.callbacks.LRScheduler(
            policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
            monitor="train_loss",
            factor=0.5,
            patience=1,
        )
        self.net_ = build_net(
            GRUNextItem,
            module__n_items=n_items,
            module__hidden_size=self.hidden_size,
            module__n_layers=self.n_layers,
            criterion=NextItemLoss,
            optimizer=torch.optim.Adagrad,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            device=self.device,
            verbose=self.verbose,
            callbacks=[("plateau", plateau)],
        )
        with seeded(self.seed, self.device):
            if len(X):
                self.net_.fit(X, Y)
            else:
                self.net_.initialize()
            module = self.net_.module_
            module.eval()
            S, _, _ = _sequences(log, self.max_len, with_targets=False)
            states = []
            with torch.no_grad():
                for b in range(0, len(S), 256):
                    batch = torch.as_tensor(S[b : b + 256], device=self.device)
                    states.append(to_numpy(module.states(batch)[:, -1]))
        H = self.hidden_size
        self.user_state_ = (
            np.concatenate(states) if states else np.zeros((0, H), np.float32)
        )
        self.item_weight_ = to_numpy(module.embedding.weight[1:]).astype(np.float32)
        self.item_bias_ = to_numpy(module.bias).astype(np.float32)
        self.n_epochs_ = len(self.net_.history) if len(X) else 0
        return self

    def proba(self, users):
        users = np.asarray(users)
        known = users >= 0
        out = np.empty((len(users), len(self.item_bias_)), dtype=np.float32)
        logits = self.user_state_[users[known]] @ self.item_weight_.T + self.item_bias_
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        out[known] = logits
        out[~known] = self.pop_
        return out
