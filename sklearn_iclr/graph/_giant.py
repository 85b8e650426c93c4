"""GIANT (Chien et al., ICLR 2022): node features learnt by predicting each
node's neighbourhood over a hierarchical clustering of the nodes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import copy
import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    TransformerMixin,
)
from sklearn.utils import check_random_state

from .._torch import (
    MLP,
    TorchEstimatorMixin,
    build_net,
    check_finite,
    progress,
    seeded,
    torch,
    torch_seed,
)
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)
from ._cold_brew_checks import _sizes, prepare_graph
from ._gcn import as_tensor
from ._giant_nets import LevelRanker, SquaredHinge, placeholder_targets, precision_at_k
from ._giant_text import (
    check_texts,
    load_sentence_encoder,
    reject_strings,
    tfidf_features,
)
from ._graph_utils import node_degree
from ._label_tree import build_label_tree, level_targets, pifa_embeddings

# Held-out rows scored for ``history_`` (a full ranking per row and level).
MAX_HISTORY_ROWS = 2000


class NeighborhoodPredictionEmbedder(
    TransformerMixin,
    TorchEstimatorMixin,
    BaseEstimator,
):
    """GIANT node features: an encoder fine-tuned to predict neighbourhoods.

    Self-supervised: each node's labels are its neighbours. The nodes are
    clustered into a tree (PIFA embeddings, recursive balanced spherical
    k-means) and an encoder with one linear ranker per level learns, from
    the coarsest level to the finest, to rank the clusters holding a
    node's neighbours above the other children of their parents (the
    squared hinge over positive and teacher-forced hard-negative clusters,
    as XR-Transformer trains), each level warm-started from the one above.
    :meth:`transform` returns the encoder's embedding, computed from the
    node's own features: new and isolated nodes need no edges.

    Read more in the :ref:`User Guide <giant_guide>`.

    Parameters
    ----------
    n_components : int, default=64
        Width of the embedding (the encoder's output).
    encoder : {"mlp", "sentence"}, default="mlp"
        ``"mlp"``: a multi-layer perceptron on numeric (dense or sparse)
        features. ``"sentence"``: ``X`` is one text per node, encoded by the
        packaged all-MiniLM-L6-v2 (extra ``text``) and a linear map to
        ``n_components``, fine-tuned through sentence-transformers; the tree
        and the kNN graph use the texts' TF-IDF.
    hidden_sizes : tuple of int, default=(256,)
        Hidden layers of the MLP encoder.
    branching_factor : int, default=16
        Children per cluster of the label tree.
    max_leaf_size : int, default=100
        Clusters are split until they hold at most this many nodes (there is
        always at least one level).
    max_degree : int or None, default=1000
        Nodes with more neighbours are no training rows (they remain labels);
        ``None`` keeps them all.
    epochs_per_level : int, default=20
        Epochs on each level of the tree.
    lr : float, default=None
        Adam learning rate; ``None``: 1e-3 for the MLP, 1e-4 to fine-tune
        the sentence encoder.
    batch_size : int, default=256
        Nodes per step.
    dropout : float, default=0.5
        Dropout of the MLP encoder's hidden layers. The encoder easily memorises
        the neighbourhoods of a small graph; 0.5 was chosen on Cora's
        validation nodes (5 seeds: about 1 point above 0.1 for an MLP and
        for a GCN on the embedding).
    weight_decay : float, default=0.0
        Adam weight decay.
    kmeans_max_iter : int, default=20
        Iterations of each balanced 2-means of the clustering.
    validation_fraction : float, default=0.1
        Fraction of the training rows held out to score ``history_``.
    normalize : bool, default=True
        Scale each embedding row to unit L2 norm in :meth:`transform` (the
        ranker's scores are inner products, so the direction carries the
        neighbourhood; unit rows also sit at a fixed scale beside the input
        features of ``include_input``).
    include_input : bool, default=False
        Append the input features to the embedding in :meth:`transform`
        (GIANT-XRT concatenates the XR-Linear TF-IDF part this way), so a
        downstream model keeps what the raw features know. Sparse input is
        densified.
    graph : {"knn", "require"}, default="knn"
        Without ``adjacency``: build a ``n_neighbors`` nearest-neighbour
        graph of ``X`` (``"knn"``) or raise (``"require"``).
    n_neighbors : int, default=10
        Neighbours of the kNN graph.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Torch device.
    verbose : int, default=0
        ``1`` shows one progress bar over the levels; ``2`` also skorch's
        per-epoch tables.
    random_state : int, RandomState instance or None, default=None
        Seeds the clustering, the split and torch.

    Attributes
    ----------
    label_tree_ : list of ndarray of shape (n_samples,)
        Cluster of every node at each level, coarsest first.
    encoder_ : torch.nn.Module
        The trained encoder (float64, evaluation mode).
    history_ : list of dict
        Per level: ``n_clusters``, ``epochs``, final ``train_loss``,
        ``precision_at_1`` and ``precision_at_5`` of the full ranking on the
        held-out rows (the training rows when none are held out) and
        ``fit_time``.
    graph_source_ : {"given", "knn"}
        Where the graph came from.
    node_ids_ : ndarray of shape (n_samples,)
        Graph position of each row of ``X``.
    n_edges_ : int
        Undirected edges of the training graph.
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    ColdBrewEmbedder : Distils a GCN into an MLP; GIANT features can feed it.

    References
    ----------
    .. [1] E. Chien, W.-C. Chang, C.-J. Hsieh, H.-F. Yu, J. Zhang,
       O. Milenkovic, I. S. Dhillon, "Node Feature Extraction by
       Self-Supervised Multi-scale Neighborhood Prediction", ICLR 2022.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_planted_graph
    >>> from sklearn_iclr.graph import NeighborhoodPredictionEmbedder
    >>> g = make_planted_graph(200, random_state=0)
    >>> emb = NeighborhoodPredictionEmbedder(n_components=8, hidden_sizes=(16,),
    ...                                      branching_factor=4, max_leaf_size=20,
    ...                                      epochs_per_level=5, random_state=0)
    >>> Z = emb.fit_transform(g.data, adjacency=g.adjacency)
    >>> Z.shape, [h["n_clusters"] for h in emb.history_]
    ((200, 8), [4, 16])
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "encoder": [StrOptions({"mlp", "sentence"})],
        "hidden_sizes": [tuple, list],
        "branching_factor": [Interval(Integral, 2, None, closed="left")],
        "max_leaf_size": [Interval(Integral, 1, None, closed="left")],
        "max_degree": [Interval(Integral, 1, None, closed="left"), None],
        "epochs_per_level": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "kmeans_max_iter": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "normalize": ["boolean"],
        "include_input": ["boolean"],
        "graph": [StrOptions({"knn", "require"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        n_components=64,
        *,
        encoder="mlp",
        hidden_sizes=(256,),
        branching_factor=16,
        max_leaf_size=100,
        max_degree=1000,
        epochs_per_level=20,
        lr=None,
        batch_size=256,
        dropout=0.5,
        weight_decay=0.0,
        kmeans_max_iter=20,
        validation_fraction=0.1,
        normalize=True,
        include_input=False,
        graph="knn",
        n_neighbors=10,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.encoder = encoder
        self.hidden_sizes = hidden_sizes
        self.branching_factor = branching_factor
        self.max_leaf_size = max_leaf_size
        self.max_degree = max_degree
        self.epochs_per_level = epochs_per_level
        self.lr = lr
        self.batch_size = batch_size
        self.dropout = dropout
        self.weight_decay = weight_decay
        self.kmeans_max_iter = kmeans_max_iter
        self.validation_fraction = validation_fraction
        self.normalize = normalize
        self.include_input = include_input
        self.graph = graph
        self.n_neighbors = n_neighbors
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ------------------------------------------------------------ checks
    def _check_X(self, X, reset):
        if self.encoder == "sentence":
            if self.include_input:
                raise ValueError(
                    "include_input=True appends numeric input features; with "
                    "encoder='sentence' the input is text. Set include_input=False."
                )
            return check_texts(X)
        reject_strings(X)
        return validate_data(
            self, X, reset=reset, accept_sparse="csr", dtype=[np.float64, np.float32]
        )

    # ------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, adjacency=None, node_ids=None):
        """Build the label tree and train the encoder level by level.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
                (n_samples,)
            Node features, one row per node; one text per node with
            ``encoder="sentence"``.
        y : None
            Ignored: the labels are the neighbourhoods.
        adjacency : {array-like, sparse matrix} of shape (n_samples, n_samples), \
                default=None
            Non-negative edge weights between the rows of ``X`` (made
            symmetric; self-loops ignored). ``None`` builds a
            ``n_neighbors`` nearest-neighbour graph of ``X``
            (``graph="knn"``) or raises (``graph="require"``).
        node_ids : array-like of int, shape (n_samples,), default=None
            Position of each row of ``X`` in the graph ``adjacency``
            describes, when it covers more nodes than ``X``; the induced
            subgraph is used (route both under cross-validation).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        text = self.encoder == "sentence"
        X = self._check_X(X, reset=True)
        hidden = _sizes(self.hidden_sizes, "hidden_sizes")
        n_nodes = X.shape[0]
        self.device_ = self._resolve_device()
        rng = check_random_state(self.random_state)
        seed = torch_seed(rng)
        # texts: the tree and the kNN graph are built from their TF-IDF
        numeric = tfidf_features(X) if text else X
        A, self.graph_source_, ids = prepare_graph(
            numeric, adjacency, node_ids, self.graph, self.n_neighbors
        )
        self.node_ids_ = np.arange(n_nodes) if ids is None else ids
        self.n_edges_ = int(A.nnz // 2)
        Y = A.copy()
        Y.data[:] = 1.0
        self.label_tree_ = build_label_tree(
            pifa_embeddings(Y, numeric),
            branching_factor=self.branching_factor,
            max_leaf_size=self.max_leaf_size,
            max_iter=self.kmeans_max_iter,
            random_state=rng,
        )
        degree = node_degree(A)
        cap = np.inf if self.max_degree is None else self.max_degree
        rows = np.flatnonzero((degree >= 1) & (degree <= cap))
        rows = rng.permutation(rows)
        n_val = int(round(self.validation_fraction * len(rows)))
        if len(rows) - n_val < 1:
            n_val = 0
        val_rows = np.sort(rows[:n_val])
        train_rows = np.sort(rows[n_val:])
        self.n_training_rows_ = len(train_rows)
        if not len(train_rows):
            warnings.warn(
                "The graph has no edges (or every node is above max_degree): "
                "there is no neighbourhood to predict, so the encoder keeps its "
                "random initialisation.",
                UserWarning,
                stacklevel=2,
            )
        # Own float32 copy: X may be a read-only memory map gone after fit.
        if text:
            inputs = X
        elif sp.issparse(X):
            inputs = sp.csr_matrix(X, dtype=np.float32)
        else:
            inputs = np.array(X, dtype=np.float32, order="C", copy=True)
        with seeded(seed, self.device_):
            if text:
                encoder = load_sentence_encoder(
                    self.n_components, device=self.device_, verbose=self.verbose
                )
            else:
                encoder = MLP(X.shape[1], self.n_components, hidden, self.dropout)
                encoder = encoder.to(self.device_)
            self.history_ = self._fit_levels(
                encoder, inputs, Y, train_rows, val_rows if n_val else train_rows
            )
        # float64 for the MLP (transform then does not depend on the batch);
        # the transformer stays in float32
        self.encoder_ = copy.deepcopy(encoder).eval()
        if not text:
            self.encoder_ = self.encoder_.double()
        return self

    def _lr(self):
        if self.lr is not None:
            return self.lr
        return 1e-4 if self.encoder == "sentence" else 1e-3

    def _fit_levels(self, encoder, X32, Y, train_rows, score_rows):
        """Coarse to fine: one ranker per level, each warm-started from its parent."""
        targets = level_targets(Y, self.label_tree_)
        score_rows = score_rows[:MAX_HISTORY_ROWS]
        history = []
        weight = bias = None
        bar = progress(
            list(enumerate(targets)),
            verbose=self.verbose,
            desc=type(self).__name__,
            total=len(targets),
        )
        for t, level in bar:
            start = time.perf_counter()
            if weight is None:
                # the coarsest level starts as nn.Linear would
                bound = 1.0 / np.sqrt(self.n_components)
                weight = torch.empty(level.n_clusters, self.n_components).uniform_(
                    -bound, bound
                )
                bias = torch.zeros(level.n_clusters)
            else:
                # children start from their parent's ranker (the warm start)
                parent_of = np.zeros(level.n_clusters, dtype=np.int64)
                parent_of[self.label_tree_[t]] = self.label_tree_[t - 1]
                parent_of = torch.as_tensor(parent_of)
                weight, bias = weight[parent_of], bias[parent_of]
            module = LevelRanker(
                encoder,
                weight.to(self.device_),
                bias.to(self.device_),
                X32,
                level.signs,
            )
            entry = {"level": t, "n_clusters": int(level.n_clusters), "epochs": 0}
            if len(train_rows):
                net = build_net(
                    module,
                    criterion=SquaredHinge,
                    lr=self._lr(),
                    max_epochs=self.epochs_per_level,
                    batch_size=self.batch_size,
                    device=self.device_,
                    verbose=max(int(self.verbose) - 1, 0),
                    optimizer__weight_decay=self.weight_decay,
                )
                net.fit(train_rows, placeholder_targets(len(train_rows)))
                loss = float(net.history[-1, "train_loss"])
                check_finite(
                    loss, where=f"on level {t}", hint=f"Lower lr={self._lr()!r}."
                )
                entry.update(epochs=len(net.history), train_loss=loss)
            precision = precision_at_k(module, score_rows, level.positives)
            entry.update(
                precision_at_1=precision[1],
                precision_at_5=precision[5],
                fit_time=time.perf_counter() - start,
            )
            history.append(entry)
            weight, bias = module.weight.detach().cpu(), module.bias.detach().cpu()
            module.features = module.signs = None  # keep no data in the encoder
        return history

    # ------------------------------------------------------------ transform
    @torch.no_grad()
    def transform(self, X):
        """Embed nodes from their own features (no graph needed).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
                (n_samples,)
            Node features (texts with ``encoder="sentence"``).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components [+ n_features])
            The encoder's embedding of each node (followed by ``X`` with
            ``include_input=True``).
        """
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        if self.encoder == "sentence":
            out = np.vstack(
                [
                    self.encoder_(X[start : start + 256]).cpu().numpy()
                    for start in range(0, len(X), 256)
                ]
            ).astype(np.float64)
            return self._finish(out, X)
        out = np.empty((X.shape[0], self.n_components))
        for start in range(0, X.shape[0], 4096):
            chunk = X[start : start + 4096]
            # a copy: torch warns on read-only (memory-mapped) arrays
            if sp.issparse(chunk):
                chunk = sp.csr_matrix(chunk, dtype=np.float64)
            else:
                chunk = np.array(chunk, dtype=np.float64)
            tensor = as_tensor(chunk, dtype=torch.float64, device=self.device_)
            out[start : start + 4096] = self.encoder_(tensor).cpu().numpy()
        return self._finish(out, X)

    def _finish(self, out, X):
        """Unit rows (``normalize``), then the input (``include_input``)."""
        if self.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.where(norms > 0, norms, 1.0)
        if self.include_input:
            X = X.toarray() if sp.issparse(X) else np.asarray(X)
            out = np.hstack([out, X.astype(np.float64)])
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names: the embedding's, then the input's if included.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names (default: ``feature_names_in_``, or
            ``x0, x1, ...``); used with ``include_input=True``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        names = [f"{prefix}{i}" for i in range(self.n_components)]
        if self.include_input:
            default = [f"x{i}" for i in range(self.n_features_in_)]
            if input_features is None:
                input_features = getattr(self, "feature_names_in_", default)
            if len(input_features) != self.n_features_in_:
                raise ValueError(
                    f"input_features has {len(input_features)} names, but the "
                    f"estimator was fitted on {self.n_features_in_} features."
                )
            names += [str(name) for name in input_features]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        text = self.encoder == "sentence"
        tags.input_tags.sparse = not text
        tags.input_tags.two_d_array = not text
        tags.input_tags.string = text
        return tags
