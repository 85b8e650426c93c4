"""Checks of Cold Brew's ``fit``: labels, layer sizes, graph, split, and the
guard that stops a fit whose loss explodes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numbers
from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split

from .._torch import NonFiniteLossError, skorch
from ._graph_utils import check_adjacency, check_node_ids, graph_rows, knn_adjacency

# Fewest validation nodes a random validation_fraction split may hold.
MIN_VALIDATION = 10


def _unlabelled_mask(y):
    """``y == -1`` for numeric or object labels; string arrays have none."""
    y = np.asarray(y)
    if y.dtype.kind in "iuf":
        return y == -1
    if y.dtype.kind == "O":
        return np.array(
            [
                isinstance(v, numbers.Number) and not isinstance(v, bool) and v == -1
                for v in y.ravel()
            ],
            dtype=bool,
        ).reshape(y.shape)
    return np.zeros(y.shape, dtype=bool)


def silent(*args, **kwargs):
    """A sink that prints nothing (picklable, unlike a lambda)."""


def valid_accuracy(net, X, y):
    """Accuracy of a skorch net whose module returns class logits."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == np.asarray(y)))


def _se_flags(se_layers, n_layers):
    if isinstance(se_layers, str):
        if se_layers == "first":
            return tuple(i == 0 for i in range(n_layers))
        if se_layers == "last":
            return tuple(i == n_layers - 1 for i in range(n_layers))
        return tuple([se_layers == "all"] * n_layers)
    flags = tuple(bool(s) for s in se_layers)
    if len(flags) != n_layers:
        raise ValueError(
            f"se_layers has {len(flags)} entries but the teacher has {n_layers} "
            f"layers (len(hidden_sizes) + 1 = {n_layers})."
        )
    return flags


def _sizes(sizes, name):
    if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise ValueError(
            f"{name} must be a tuple or list of positive ints, got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)


def prepare_graph(X, adjacency, node_ids, graph, n_neighbors):
    """The checked training graph, where it came from, and the checked node_ids."""
    n_nodes = X.shape[0]
    if node_ids is not None:
        node_ids = check_node_ids(node_ids, n_nodes)
    if adjacency is None:
        if graph == "require":
            raise ValueError(
                "adjacency is None but graph='require': pass the graph to fit "
                "(through a Pipeline or a search, request it with "
                "set_fit_request(adjacency=True)), or set graph='knn' to build "
                "a k-nearest-neighbour graph of X."
            )
        return knn_adjacency(X, n_neighbors), "knn", node_ids
    if node_ids is None:
        shape = getattr(adjacency, "shape", None)
        if shape is not None and len(shape) == 2 and shape[0] == n_nodes:
            if shape[1] > n_nodes:
                raise ValueError(
                    f"adjacency has shape {shape}: its {n_nodes} rows are the "
                    f"rows of X but it has {shape[1]} columns, the rows of a "
                    "larger graph (as cross-validation passes a routed "
                    "adjacency). Pass node_ids too, each row's position in "
                    "that graph (route node_ids=np.arange(n_nodes) with "
                    "set_fit_request(adjacency=True, node_ids=True))."
                )
        return check_adjacency(adjacency, n_nodes), "given", node_ids
    rows = graph_rows(adjacency, node_ids)
    return check_adjacency(rows[:, node_ids], n_nodes), "given", node_ids


def split_labelled(labelled, y_enc, validation_mask, validation_fraction, rng):
    """Training and validation rows among the labelled ones."""
    if validation_mask is not None:
        validation_mask = np.asarray(validation_mask, dtype=bool)
        if validation_mask.shape != (y_enc.shape[0],):
            raise ValueError(
                f"validation_mask must have shape ({y_enc.shape[0]},), got "
                f"{validation_mask.shape}."
            )
        val = labelled[validation_mask[labelled]]
        train = labelled[~validation_mask[labelled]]
        if len(train) == 0:
            raise ValueError(
                "validation_mask covers every labelled node: no labelled node "
                "is left to train on."
            )
        return train, val
    n_val = int(round(validation_fraction * len(labelled)))
    # A handful of validation nodes cannot tell a good epoch from a bad one
    # (one node more or less right is 25% on four): below MIN_VALIDATION the
    # labelled nodes all train and early stopping is off.
    if n_val < MIN_VALIDATION or len(labelled) - n_val < 2:
        return labelled, labelled[:0]
    counts = np.bincount(y_enc[labelled])
    counts = counts[counts > 0]
    stratify = y_enc[labelled]
    n_cls = len(counts)
    if counts.min() < 2 or n_val < n_cls or len(labelled) - n_val < n_cls:
        stratify = None
    train, val = train_test_split(
        labelled,
        test_size=n_val,
        stratify=stratify,
        random_state=rng.randint(np.iinfo(np.int32).max),
    )
    return np.sort(train), np.sort(val)


# A training loss this many times its first epoch's value means divergence.
_DIVERGED_FACTOR = 1e4


class StopOnExplodingLoss(skorch.callbacks.Callback):
    """Raise when the training loss explodes while staying finite.

    Adam with a huge learning rate rarely produces NaN: the loss jumps to
    1e12 and the outputs saturate. The bridge's ``StopOnNonFiniteLoss`` sees
    nothing; this sees the jump.
    """

    def __init__(self, hint):
        self.hint = hint

    def on_epoch_end(self, net, **kwargs):
        losses = net.history[:, "train_loss"]
        if len(losses) > 1 and losses[-1] > _DIVERGED_FACTOR * max(losses[0], 1e-8):
            raise NonFiniteLossError(
                f"The training loss grew from {losses[0]:.3g} to {losses[-1]:.3g} "
                f"at epoch {len(losses)}: the optimisation diverged. {self.hint}"
            )


# The graph is optional at prediction time: not requested unless asked, so
# routing it to ``fit`` alone keeps working.
GRAPH_PARAMS = {"adjacency": False, "node_ids": False}
