"""Cold Brew (Zheng et al., ICLR 2022): a GCN teacher distilled into an MLP
student that needs no edges, for nodes with few, noisy or no neighbours."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import copy
import numbers
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets

from .._torch import (
    TorchEstimatorMixin,
    build_net,
    nn,
    progress,
    seeded,
    skorch,
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
from ._fcr import feature_contribution_ratio
from ._gcn import (
    ColdBrewGCN,
    FullBatchLoader,
    MixingHead,
    NodeIndexNet,
    StudentMLP,
    as_tensor,
    sparse_tensor,
    virtual_neighbourhood,
)
from ._graph_utils import (
    check_adjacency,
    knn_adjacency,
    label_propagation,
    node_degree,
    normalized_adjacency,
)

_SE_PRESETS = {"first", "last", "all", "none"}


def _unlabelled_mask(y):
    """``y == -1`` for numeric or object labels; string arrays have none."""
    if y.dtype.kind in "iuf":
        return y == -1
    if y.dtype.kind == "O":
        return np.array(
            [
                isinstance(v, numbers.Number) and not isinstance(v, bool) and v == -1
                for v in y
            ],
            dtype=bool,
        )
    return np.zeros(y.shape[0], dtype=bool)


def _silent(*args, **kwargs):
    """A sink that prints nothing (picklable, unlike a lambda)."""


def _valid_accuracy(net, X, y):
    """Accuracy of a skorch net whose module returns class logits."""
    return float(np.mean(net.predict_proba(X).argmax(axis=1) == np.asarray(y)))


class _PredefinedSplit:
    """skorch ``train_split`` returning a fixed validation set (picklable)."""

    def __init__(self, valid_ds):
        self.valid_ds = valid_ds

    def __call__(self, dataset, y=None, groups=None):
        return dataset, self.valid_ds


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


class _BaseColdBrew(TorchEstimatorMixin, BaseEstimator):
    """Shared implementation of :class:`ColdBrewEmbedder` and
    :class:`ColdBrewClassifier`; not meant to be used directly."""

    _parameter_constraints = {
        "hidden_sizes": [tuple],
        "se_layers": [StrOptions(_SE_PRESETS), tuple],
        "se_reg": [Interval(Real, 0, None, closed="left")],
        "norm": [StrOptions({"none", "pairnorm"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "student_hidden_sizes": [tuple],
        "student_dropout": [Interval(Real, 0, 1, closed="left")],
        "distill_dropout": [Interval(Real, 0, 1, closed="left")],
        "distill_weight_decay": [Interval(Real, 0, None, closed="left")],
        "student_weight_decay": [Interval(Real, 0, None, closed="left")],
        "student_lr": [Interval(Real, 0, None, closed="neither")],
        "student_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "top_k": [Interval(Integral, 1, None, closed="left")],
        "soft_labels": ["boolean"],
        "graph": [StrOptions({"knn", "require"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    _fit_head = True

    def __init__(
        self,
        hidden_sizes=(64,),
        *,
        se_layers="first",
        se_reg=32.0,
        norm="none",
        dropout=0.5,
        lr=0.01,
        weight_decay=5e-4,
        max_epochs=200,
        patience=50,
        student_hidden_sizes=(128,),
        student_dropout=0.5,
        distill_dropout=0.5,
        distill_weight_decay=2e-4,
        student_weight_decay=0.0,
        student_lr=0.01,
        student_max_epochs=300,
        top_k=3,
        soft_labels=True,
        graph="knn",
        n_neighbors=10,
        validation_fraction=0.1,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden_sizes = hidden_sizes
        self.se_layers = se_layers
        self.se_reg = se_reg
        self.norm = norm
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.max_epochs = max_epochs
        self.patience = patience
        self.student_hidden_sizes = student_hidden_sizes
        self.student_dropout = student_dropout
        self.distill_dropout = distill_dropout
        self.distill_weight_decay = distill_weight_decay
        self.student_weight_decay = student_weight_decay
        self.student_lr = student_lr
        self.student_max_epochs = student_max_epochs
        self.top_k = top_k
        self.soft_labels = soft_labels
        self.graph = graph
        self.n_neighbors = n_neighbors
        self.validation_fraction = validation_fraction
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _check_sizes(self):
        for name in ("hidden_sizes", "student_hidden_sizes"):
            sizes = getattr(self, name)
            if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
                raise ValueError(
                    f"{name} must be a tuple of positive ints, got {sizes!r}."
                )

    def _prepare_graph(self, X, adjacency, node_ids):
        n_nodes = X.shape[0]
        if adjacency is None:
            if self.graph == "require":
                raise ValueError(
                    "adjacency is None but graph='require': pass the graph to fit "
                    "(through a Pipeline or a search, request it with "
                    "set_fit_request(adjacency=True)), or set graph='knn' to build "
                    "a k-nearest-neighbour graph of X."
                )
            return knn_adjacency(X, self.n_neighbors), "knn"
        if node_ids is not None:
            node_ids = np.asarray(node_ids)
            if node_ids.shape != (n_nodes,) or node_ids.dtype.kind not in "iu":
                raise ValueError(
                    f"node_ids must be {n_nodes} integer positions (one per row of "
                    f"X), got an array of shape {node_ids.shape} and dtype "
                    f"{node_ids.dtype}."
                )
            A = adjacency if sp.issparse(adjacency) else np.asarray(adjacency)
            if A.ndim != 2 or A.shape[1] <= node_ids.max(initial=-1):
                raise ValueError(
                    f"adjacency of shape {A.shape} has no column for the largest "
                    f"node id {node_ids.max()}."
                )
            if A.shape[0] == A.shape[1]:  # the whole graph: select the rows too
                A = A[node_ids]
            elif A.shape[0] != n_nodes:
                raise ValueError(
                    f"adjacency has shape {A.shape}: with node_ids it must be the "
                    f"whole graph (square) or its rows for X ({n_nodes} rows)."
                )
            A = sp.csr_matrix(A)[:, node_ids]
            adjacency = A
        return check_adjacency(adjacency, n_nodes), "given"

    def _split_labelled(self, labelled, y_enc, validation_mask, rng):
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
        n_val = int(round(self.validation_fraction * len(labelled)))
        if n_val < 1 or len(labelled) - n_val < 2:
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

    def _early_stopping(self, X_val, y_val):
        if len(y_val) == 0:
            return None, None
        split = _PredefinedSplit(skorch.dataset.Dataset(X_val, y_val))
        callbacks = [
            skorch.callbacks.EpochScoring(
                _valid_accuracy,
                name="valid_acc",
                lower_is_better=False,
                on_train=False,
            )
        ]
        if self.patience is not None:
            callbacks.append(
                skorch.callbacks.EarlyStopping(
                    monitor="valid_acc",
                    lower_is_better=False,
                    patience=self.patience,
                    load_best=True,
                    sink=print if self.verbose else _silent,
                )
            )
        return split, callbacks

    def _net(
        self,
        module,
        *,
        criterion,
        lr,
        max_epochs,
        split=None,
        callbacks=None,
        weight_decay=None,
        **kwargs,
    ):
        """A full-batch skorch net (one optimiser step per epoch)."""
        return build_net(
            module,
            criterion=criterion,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=-1,
            device=self.device_,
            verbose=self.verbose,
            train_split=split,
            callbacks=callbacks,
            optimizer__weight_decay=(
                self.student_weight_decay if weight_decay is None else weight_decay
            ),
            iterator_train=FullBatchLoader,
            iterator_valid=FullBatchLoader,
            **kwargs,
        )

    def _fit_classifier_net(self, module, Z_train, y_train, Z_val, y_val):
        split, callbacks = self._early_stopping(Z_val, y_val)
        net = self._net(
            module,
            criterion=nn.CrossEntropyLoss,
            lr=self.student_lr,
            max_epochs=self.student_max_epochs,
            split=split,
            callbacks=callbacks,
        )
        net.fit(Z_train, y_train)
        return net

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, adjacency=None, node_ids=None, validation_mask=None):
        """Train the GCN teacher on the graph, then distil it into the student.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features, one row per node.
        y : array-like of shape (n_samples,)
            Node labels; ``-1`` marks an unlabelled node (the
            :mod:`sklearn.semi_supervised` convention).
        adjacency : {array-like, sparse matrix} of shape (n_samples, n_samples), \
                default=None
            Non-negative edge weights between the rows of ``X`` (made
            symmetric; self-loops are ignored). ``None`` builds a
            ``n_neighbors`` nearest-neighbour graph of ``X`` (``graph="knn"``)
            or raises (``graph="require"``).
        node_ids : array-like of int, shape (n_samples,), default=None
            Position of each row of ``X`` in the graph ``adjacency`` describes,
            when ``adjacency`` covers more nodes than ``X`` (shape
            ``(n_samples, n_nodes)`` or ``(n_nodes, n_nodes)``); the induced
            subgraph on these nodes is used. This is what keeps the graph
            right under cross-validation: route both ``adjacency`` and
            ``node_ids`` (``np.arange(n_nodes)``); each fold then trains on
            the subgraph of its training nodes and scores the held-out nodes
            as strict cold-start nodes.
        validation_mask : array-like of bool, shape (n_samples,), default=None
            Labelled nodes to hold out for early stopping (and the feature
            contribution ratio) instead of a random ``validation_fraction``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_sizes()
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        n_nodes = X.shape[0]
        unlabelled = _unlabelled_mask(y)
        labelled = np.flatnonzero(~unlabelled)
        if len(labelled) == 0:
            raise ValueError(
                "All labels are -1 (unlabelled): at least two labelled classes are "
                "needed to train the teacher."
            )
        y_l = y[labelled]
        check_classification_targets(y_l)
        self.classes_, y_l_enc = np.unique(y_l, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y contains only one class ({self.classes_[0]!r}) among the labelled "
                "nodes; at least two classes are needed."
            )
        n_classes = len(self.classes_)
        y_enc = np.full(n_nodes, -1, dtype=np.int64)
        y_enc[labelled] = y_l_enc

        self.device_ = self._resolve_device()
        rng = check_random_state(self.random_state)
        seed = torch_seed(rng)
        n_layers = len(self.hidden_sizes) + 1
        se_flags = _se_flags(self.se_layers, n_layers)

        A, self.graph_source_ = self._prepare_graph(X, adjacency, node_ids)
        self.n_edges_ = int(A.nnz // 2)
        degree = node_degree(A)
        train_idx, val_idx = self._split_labelled(labelled, y_enc, validation_mask, rng)

        # Own copies: torch shares memory with numpy, and X may be a read-only
        # memory map that disappears after fit.
        X32 = (
            X.astype(np.float32)
            if sp.issparse(X)
            else np.array(X, dtype=np.float32, order="C", copy=True)
        )

        with seeded(seed, self.device_):
            steps = progress(
                range(4 if self._fit_head else 3),
                verbose=self.verbose,
                desc="Cold Brew",
            )
            steps = iter(steps)
            next(steps, None)
            # 1. teacher: GCN with structural embeddings, full batch.
            teacher = ColdBrewGCN(
                as_tensor(X32),
                sparse_tensor(normalized_adjacency(A)),
                n_classes,
                hidden_sizes=tuple(int(h) for h in self.hidden_sizes),
                se_layers=se_flags,
                se_reg=self.se_reg,
                dropout=self.dropout,
                norm=self.norm,
            )
            split, callbacks = self._early_stopping(val_idx, y_enc[val_idx])
            self.teacher_net_ = self._net(
                teacher,
                criterion=nn.CrossEntropyLoss,
                net_class=NodeIndexNet,
                lr=self.lr,
                max_epochs=self.max_epochs,
                split=split,
                callbacks=callbacks,
                weight_decay=self.weight_decay,
            )
            self.teacher_net_.fit(train_idx, y_enc[train_idx])
            H = self.teacher_net_.module_.embeddings().float()
            H_np = H.cpu().numpy()
            # The last layer's outputs, the final block of H, are the logits.
            teacher_logits = H[:, -n_classes:]

            # 2. student MLP1: features -> teacher's concatenated layer outputs.
            next(steps, None)
            connected = np.flatnonzero(degree > 0)
            ref_idx = connected if len(connected) else np.arange(n_nodes)
            # MLP2 must see the kind of e_hat it gets at prediction time: an
            # out-of-sample one. The labelled nodes (training and validation)
            # are left out of MLP1's regression set when they are a minority
            # of it; otherwise their e_hat comes from 2-fold cross-fitting.
            labelled_rows = np.concatenate([train_idx, val_idx])
            distill_idx = ref_idx
            if self._fit_head:
                outside = np.setdiff1d(ref_idx, labelled_rows)
                if len(outside) >= max(1, len(ref_idx) / 2):
                    distill_idx = outside
            self.distill_index_ = distill_idx
            self.distill_net_ = self._fit_distill(X32, H_np, distill_idx)
            self.reference_embeddings_ = H_np[ref_idx].astype(np.float64)
            self.reference_index_ = ref_idx
            encoder = copy.deepcopy(self.distill_net_.module_).double().eval()
            self.student_encoder_ = encoder

            # 3. student MLP2 on [x, virtual neighbourhood, own embedding].
            if self._fit_head:
                next(steps, None)
                # With soft_labels, the connected unlabelled nodes join MLP2's
                # training set with the teacher's class probabilities as
                # targets. Edgeless nodes are left out: there the teacher has
                # no neighbourhood knowledge to pass on.
                soft_idx = np.empty(0, dtype=np.int64)
                if self.soft_labels:
                    soft_idx = np.setdiff1d(ref_idx, labelled_rows)
                self.soft_label_index_ = soft_idx
                rows = np.concatenate([train_idx, soft_idx, val_idx])
                e_hat = self._student_e_hat(X32, H_np, encoder, rows, distill_idx, rng)
                position = np.full(n_nodes, -1, dtype=np.int64)
                position[ref_idx] = np.arange(len(ref_idx))
                e_tilde = self._virtual(e_hat, exclude=position[rows])
                E = torch.cat([e_tilde, e_hat], dim=1).cpu().numpy().astype(np.float32)
                n_fit = len(train_idx) + len(soft_idx)
                targets = np.eye(n_classes, dtype=np.float32)[y_enc[train_idx]]
                if len(soft_idx):
                    probs = torch.softmax(teacher_logits, dim=1).cpu().numpy()
                    targets = np.concatenate([targets, probs[soft_idx]])
                head = MixingHead(
                    X32.shape[1],
                    H_np.shape[1],
                    n_classes,
                    hidden_sizes=tuple(int(h) for h in self.student_hidden_sizes),
                    dropout=self.student_dropout,
                )
                self.head_net_ = self._fit_classifier_net(
                    head,
                    {"x": X32[rows[:n_fit]], "e": E[:n_fit]},
                    targets,
                    {"x": X32[val_idx], "e": E[n_fit:]},
                    y_enc[val_idx],
                )
                self.student_head_ = (
                    copy.deepcopy(self.head_net_.module_).double().eval()
                )

            # 4. feature contribution ratio on the validation nodes.
            next(steps, None)
            gnn_pred = teacher_logits.argmax(dim=1).cpu().numpy()
            self._fit_fcr(A, X32, y_enc, train_idx, val_idx, n_classes, gnn_pred)

        self.history_ = {
            "teacher": self.teacher_net_.history,
            "distill": self.distill_net_.history,
        }
        if self._fit_head:
            self.history_["head"] = self.head_net_.history
        self.n_embedding_ = H_np.shape[1]
        return self

    def _fit_fcr(self, A, X32, y_enc, train_idx, val_idx, n_classes, gnn_pred):
        if len(val_idx) == 0:
            self.fcr_scores_ = {"gnn": np.nan, "mlp": np.nan, "lp": np.nan}
            self.feature_contribution_ratio_ = np.nan
            return
        y_val = y_enc[val_idx]
        gnn = float(np.mean(gnn_pred[val_idx] == y_val))
        mlp_net = self._fit_classifier_net(
            StudentMLP(
                X32.shape[1],
                n_classes,
                tuple(int(h) for h in self.student_hidden_sizes),
                self.student_dropout,
            ),
            X32[train_idx],
            y_enc[train_idx],
            X32[val_idx],
            y_val,
        )
        mlp_pred = mlp_net.predict(X32[val_idx]).argmax(axis=1)
        mlp = float(np.mean(mlp_pred == y_val))
        y_train_only = np.full(len(y_enc), -1, dtype=np.int64)
        y_train_only[train_idx] = y_enc[train_idx]
        scores = label_propagation(A, y_train_only)
        prior = np.bincount(y_enc[train_idx], minlength=scores.shape[1]).argmax()
        lp_pred = np.where(scores.sum(axis=1) > 0, scores.argmax(axis=1), prior)
        lp = float(np.mean(lp_pred[val_idx] == y_val))
        self.fcr_scores_ = {"gnn": gnn, "mlp": mlp, "lp": lp}
        self.feature_contribution_ratio_ = feature_contribution_ratio(gnn, mlp, lp)

    # ------------------------------------------------------------ inference
    def _to_tensor(self, array):
        return as_tensor(array, dtype=torch.float64, device=self.device_)

    def _fit_distill(self, X32, H, rows):
        """Student MLP1 regressing the teacher embeddings ``H[rows]``."""
        net = self._net(
            StudentMLP(
                X32.shape[1],
                H.shape[1],
                tuple(int(h) for h in self.student_hidden_sizes),
                self.distill_dropout,
            ),
            criterion=nn.MSELoss,
            lr=self.student_lr,
            max_epochs=self.student_max_epochs,
            weight_decay=self.distill_weight_decay,
        )
        return net.fit(X32[rows], H[rows])

    def _student_e_hat(self, X32, H, encoder, rows, distill_idx, rng):
        """Out-of-sample ``e_hat`` of ``rows``, as MLP2 will see at prediction time.

        Rows MLP1 was trained on get theirs from 2-fold cross-fitting: an
        MLP1 trained without them.
        """
        e_hat = self._encode(encoder, X32[rows])
        inside = np.flatnonzero(np.isin(rows, distill_idx))
        if len(inside):
            for fold in np.array_split(rng.permutation(inside), 2):
                keep = np.setdiff1d(distill_idx, rows[fold])
                if not len(fold) or not len(keep):
                    continue
                net = self._fit_distill(X32, H, keep)
                fold_encoder = net.module_.double().eval()
                e_hat[fold] = self._encode(fold_encoder, X32[rows[fold]])
        return e_hat

    @torch.no_grad()
    def _encode(self, encoder, X):
        """``e_hat``: a float64 MLP1 applied to features."""
        return encoder(self._to_tensor(X))

    @torch.no_grad()
    def _virtual(self, e_hat, exclude=None):
        """``e_tilde``: the virtual neighbourhood of ``e_hat``."""
        reference = self._to_tensor(self.reference_embeddings_)
        ex = None
        if exclude is not None:
            ex = torch.as_tensor(exclude, device=self.device_)
        return virtual_neighbourhood(e_hat, reference, self.top_k, exclude=ex)

    def _student_embeddings(self, X):
        """``(e_hat, e_tilde)`` as float64 tensors."""
        e_hat = self._encode(self.student_encoder_, X)
        return e_hat, self._virtual(e_hat)

    def _student_inputs(self, X):
        """``(x, [e_tilde, e_hat])`` float64 tensors, the inputs of MLP2."""
        e_hat, e_tilde = self._student_embeddings(X)
        return self._to_tensor(X), torch.cat([e_tilde, e_hat], dim=1)

    def _validate_X(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, reset=False, accept_sparse="csr", dtype=[np.float64, np.float32]
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags


class ColdBrewEmbedder(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseColdBrew
):
    """Cold Brew node embeddings that need no edges at prediction time.

    A GCN teacher with structural embeddings learns from the graph; an MLP
    student learns to reproduce the teacher's node representation (the
    concatenated outputs of its layers) from node features alone.
    :meth:`transform` returns the student's embedding, so nodes never seen,
    and nodes with no edges at all (strict cold start), get a representation
    close to what the teacher would give them with a neighbourhood.

    Read more in the :ref:`User Guide <graph_guide>`.

    Parameters
    ----------
    hidden_sizes : tuple of int, default=(64,)
        Widths of the teacher's hidden GCN layers; it has
        ``len(hidden_sizes) + 1`` layers, the last one giving class logits.
    se_layers : {"first", "last", "all", "none"} or tuple of bool, \
            default="first"
        Which teacher layers carry a structural embedding (a learnable row
        per node added before propagation); a tuple gives one flag per layer.
        ``"first"`` is the paper's Cora configuration; ``"none"`` gives a
        plain GCN.
    se_reg : float, default=32.0
        Weight of the L2 penalty ``sum_l ||E^l||^2 / n_nodes`` on the
        structural embeddings.
    norm : {"none", "pairnorm"}, default="none"
        Normalisation after each hidden teacher layer.
    dropout : float, default=0.5
        Teacher dropout (before every layer).
    lr : float, default=0.01
        Teacher learning rate (Adam).
    weight_decay : float, default=5e-4
        L2 weight decay of every optimiser.
    max_epochs : int, default=200
        Most teacher epochs (one full-graph step each).
    patience : int or None, default=50
        Early stopping on the validation accuracy: stop after ``patience``
        epochs without improvement and keep the best weights. ``None`` runs all
        epochs. Only the validation nodes are used, never test nodes.
    student_hidden_sizes : tuple of int, default=(128,)
        Hidden widths of the student MLPs.
    student_dropout : float, default=0.5
        Dropout of the student classifier (MLP2).
    distill_dropout : float, default=0.5
        Dropout of MLP1, the regression of the teacher embeddings. 0.5
        gave the best validation accuracy on Cora (0.1, 0.5 and 0.7 tried).
    distill_weight_decay : float, default=2e-4
        L2 weight decay of MLP1. 2e-4 gave the best validation accuracy on
        Cora (0, 2e-4, 5e-4, 1e-3 and 2e-3 tried; 2e-3 collapses the
        regression to near-constant embeddings).
    student_weight_decay : float, default=0.0
        L2 weight decay of MLP2 (and of the plain MLP of the FCR).
    student_lr : float, default=0.01
        Student learning rate (Adam).
    student_max_epochs : int, default=300
        Epochs of each student MLP (full batch).
    top_k : int, default=3
        Size of the virtual neighbourhood: the student embedding attends
        (softmax over dot products) to the ``top_k`` closest teacher
        embeddings of the training graph's nodes.
    soft_labels : bool, default=True
        Used by :class:`ColdBrewClassifier` only (its MLP2); kept here so both
        estimators share their parameters.
    graph : {"knn", "require"}, default="knn"
        What to do when ``fit`` receives no ``adjacency``: build a symmetric
        ``n_neighbors``-nearest-neighbour graph of ``X``, or raise.
    n_neighbors : int, default=10
        Neighbours per node of the fallback kNN graph.
    validation_fraction : float, default=0.1
        Fraction of the labelled nodes held out (stratified) for early
        stopping and the feature contribution ratio, unless ``fit`` gets a
        ``validation_mask``. 0 disables early stopping.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device; ``"auto"`` uses a GPU when one is present.
    verbose : int, default=0
        ``>= 1`` prints a progress bar and skorch's per-epoch tables.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split and torch, for repeatable fits.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Labels seen among the labelled nodes.
    teacher_net_ : skorch.NeuralNet
        The trained GCN teacher (its module keeps the training graph).
    distill_net_ : skorch.NeuralNet
        The trained student MLP1 (features to teacher embeddings).
    student_encoder_ : torch.nn.Module
        A float64 copy of MLP1 used by :meth:`transform`.
    reference_embeddings_ : ndarray of shape (n_reference, n_embedding)
        Teacher embeddings of the training nodes with at least one edge: the
        candidates of the virtual neighbourhood.
    reference_index_ : ndarray of shape (n_reference,)
        Their rows in the training ``X``.
    distill_index_ : ndarray of shape (n_distill,)
        Rows of the training ``X`` that MLP1 regressed on: the connected
        nodes; for the classifier, less the labelled (training and
        validation) nodes when those are a minority, so that MLP2 is trained
        on out-of-sample embeddings (otherwise these come from 2-fold
        cross-fitted copies of MLP1).
    n_embedding_ : int
        Width of the embeddings (``sum(hidden_sizes) + n_classes``).
    feature_contribution_ratio_ : float
        FCR (see :func:`feature_contribution_ratio`) of the training graph,
        measured on the validation nodes; ``nan`` without validation nodes.
    fcr_scores_ : dict
        Validation accuracies of the teacher (``"gnn"``), an MLP on features
        (``"mlp"``) and label propagation (``"lp"``) behind the FCR.
    history_ : dict
        skorch training histories, keyed ``"teacher"`` and ``"distill"``.
    graph_source_ : str
        ``"given"`` or ``"knn"``: where the training graph came from.
    n_edges_ : int
        Undirected edges of the training graph.
    device_ : str
        The torch device used.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

        .. versionadded:: 0.1
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

        .. versionadded:: 0.1

    See Also
    --------
    ColdBrewClassifier : The full student, predicting classes.
    feature_contribution_ratio : Whether a graph is worth distilling.
    head_tail_isolated_split : The paper's evaluation groups.

    References
    ----------
    .. [1] W. Zheng, E. W. Huang, N. Rao, S. Katariya, Z. Wang, K. Subbian,
       "Cold Brew: Distilling Graph Node Representations with Incomplete or
       Missing Neighborhoods", ICLR 2022.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_planted_graph
    >>> from sklearn_iclr.graph import ColdBrewEmbedder
    >>> g = make_planted_graph(120, random_state=0)
    >>> emb = ColdBrewEmbedder(hidden_sizes=(16,), max_epochs=20,
    ...                        student_max_epochs=20, random_state=0)
    >>> Z = emb.fit_transform(g.data, g.target, adjacency=g.adjacency)
    >>> Z.shape
    (120, 19)
    """

    _fit_head = False

    def fit(self, X, y, adjacency=None, node_ids=None, validation_mask=None):
        super().fit(
            X,
            y,
            adjacency=adjacency,
            node_ids=node_ids,
            validation_mask=validation_mask,
        )
        self._n_features_out = self.n_embedding_
        return self

    fit.__doc__ = _BaseColdBrew.fit.__doc__

    def transform(self, X):
        """Student embeddings of any nodes, from their features alone.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features; no edges are needed.

        Returns
        -------
        X_new : ndarray of shape (n_samples, ``n_embedding_``)
            The student's estimate of the teacher's representation.
        """
        X = self._validate_X(X)
        e_hat, _ = self._student_embeddings(X)
        return e_hat.cpu().numpy()


class ColdBrewClassifier(ClassifierMixin, _BaseColdBrew):
    """Cold Brew node classifier: predicts cold-start nodes without edges.

    A GCN teacher with structural embeddings learns from the graph. The
    student then (1) regresses the teacher's embedding ``e_hat`` from the
    node's features, (2) builds a virtual neighbourhood
    ``e_tilde = softmax(topK(e_hat E^T)) E`` over the teacher embeddings
    ``E`` of the training graph's nodes, and (3) classifies
    ``[x, e_tilde, e_hat]`` with learnable mixing weights. Prediction needs
    node features only, so isolated and unseen nodes are handled.

    Read more in the :ref:`User Guide <graph_guide>`.

    Parameters
    ----------
    hidden_sizes : tuple of int, default=(64,)
        Widths of the teacher's hidden GCN layers; it has
        ``len(hidden_sizes) + 1`` layers, the last one giving class logits.
    se_layers : {"first", "last", "all", "none"} or tuple of bool, \
            default="first"
        Which teacher layers carry a structural embedding; ``"none"`` gives
        a plain GCN teacher.
    se_reg : float, default=32.0
        Weight of the L2 penalty on the structural embeddings.
    norm : {"none", "pairnorm"}, default="none"
        Normalisation after each hidden teacher layer.
    dropout : float, default=0.5
        Teacher dropout.
    lr : float, default=0.01
        Teacher learning rate (Adam).
    weight_decay : float, default=5e-4
        L2 weight decay of every optimiser.
    max_epochs : int, default=200
        Most teacher epochs.
    patience : int or None, default=50
        Early-stopping patience on the validation loss (teacher and MLP2);
        ``None`` runs all epochs.
    student_hidden_sizes : tuple of int, default=(128,)
        Hidden widths of the student MLPs.
    student_dropout : float, default=0.5
        Dropout of the student classifier (MLP2).
    distill_dropout : float, default=0.5
        Dropout of MLP1, the regression of the teacher embeddings. 0.5
        gave the best validation accuracy on Cora (0.1, 0.5 and 0.7 tried).
    distill_weight_decay : float, default=2e-4
        L2 weight decay of MLP1. 2e-4 gave the best validation accuracy on
        Cora (0, 2e-4, 5e-4, 1e-3 and 2e-3 tried; 2e-3 collapses the
        regression to near-constant embeddings).
    student_weight_decay : float, default=0.0
        L2 weight decay of MLP2 (and of the plain MLP of the FCR).
    student_lr : float, default=0.01
        Student learning rate (Adam).
    student_max_epochs : int, default=300
        Most epochs of each student MLP.
    top_k : int, default=3
        Size of the virtual neighbourhood.
    soft_labels : bool, default=True
        Also train MLP2 on the connected unlabelled nodes, with the teacher's
        class probabilities as targets (knowledge distillation of the
        teacher's outputs, on top of the paper's distillation of its
        embeddings). ``False`` trains MLP2 on the labelled nodes only, as in
        the paper. Nodes without edges never get soft labels: there the
        teacher knows no more than the features.
    graph : {"knn", "require"}, default="knn"
        Without ``adjacency`` in ``fit``: build a kNN graph of ``X``, or raise.
    n_neighbors : int, default=10
        Neighbours per node of the fallback kNN graph.
    validation_fraction : float, default=0.1
        Fraction of labelled nodes held out for early stopping and the FCR
        (unless ``fit`` gets a ``validation_mask``); 0 disables it.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device.
    verbose : int, default=0
        ``>= 1`` prints progress and per-epoch tables.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split and torch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Labels seen among the labelled nodes.
    teacher_net_ : skorch.NeuralNet
        The trained GCN teacher.
    distill_net_ : skorch.NeuralNet
        The trained student MLP1.
    head_net_ : skorch.NeuralNet
        The trained student MLP2 (with the mixing weights).
    student_encoder_ : torch.nn.Module
        Float64 copy of MLP1 used for prediction.
    student_head_ : torch.nn.Module
        Float64 copy of MLP2 used for prediction.
    reference_embeddings_ : ndarray of shape (n_reference, n_embedding)
        Teacher embeddings of the training nodes with at least one edge.
    reference_index_ : ndarray of shape (n_reference,)
        Their rows in the training ``X``.
    distill_index_ : ndarray of shape (n_distill,)
        Rows of the training ``X`` that MLP1 regressed on: the connected
        nodes; for the classifier, less the labelled (training and
        validation) nodes when those are a minority, so that MLP2 is trained
        on out-of-sample embeddings (otherwise these come from 2-fold
        cross-fitted copies of MLP1).
    soft_label_index_ : ndarray of shape (n_soft,)
        Rows MLP2 learnt the teacher's class probabilities on: the connected
        unlabelled nodes (empty with ``soft_labels=False``).
    n_embedding_ : int
        Width of the teacher embeddings.
    feature_contribution_ratio_ : float
        FCR of the training graph on the validation nodes (``nan`` without).
    fcr_scores_ : dict
        Validation accuracies of teacher, MLP and label propagation.
    history_ : dict
        skorch histories keyed ``"teacher"``, ``"distill"`` and ``"head"``.
    graph_source_ : str
        ``"given"`` or ``"knn"``.
    n_edges_ : int
        Undirected edges of the training graph.
    device_ : str
        The torch device used.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

        .. versionadded:: 0.1
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

        .. versionadded:: 0.1

    See Also
    --------
    ColdBrewEmbedder : The student's embeddings as a transformer.
    feature_contribution_ratio : Whether a graph is worth distilling.
    head_tail_isolated_split : The paper's evaluation groups.

    References
    ----------
    .. [1] W. Zheng, E. W. Huang, N. Rao, S. Katariya, Z. Wang, K. Subbian,
       "Cold Brew: Distilling Graph Node Representations with Incomplete or
       Missing Neighborhoods", ICLR 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.datasets import make_planted_graph
    >>> from sklearn_iclr.graph import ColdBrewClassifier
    >>> g = make_planted_graph(150, random_state=0)
    >>> y = g.target.copy()
    >>> y[100:] = -1  # unlabelled nodes
    >>> clf = ColdBrewClassifier(hidden_sizes=(16,), max_epochs=30,
    ...                          student_max_epochs=30, random_state=0)
    >>> clf = clf.fit(g.data, y, adjacency=g.adjacency)
    >>> clf.predict(g.data[:5]).shape  # no edges needed to predict
    (5,)
    """

    def predict_proba(self, X):
        """Class probabilities of any nodes, from their features alone.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features; no edges are needed.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._validate_X(X)
        x, e = self._student_inputs(X)
        with torch.no_grad():
            proba = torch.softmax(self.student_head_(x, e), dim=1)
        return proba.cpu().numpy()

    def predict(self, X):
        """Class of any nodes, from their features alone.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features; no edges are needed.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # tiny settings in the checks
        return tags
