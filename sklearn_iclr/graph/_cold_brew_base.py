"""The shared implementation of Cold Brew's two estimators.

``fit`` runs one stage per method (teacher, distillation, the classifier's
student head, and the feature contribution ratio when asked for);
prediction sends the nodes with edges in a given graph through the teacher,
the others through the student.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import copy
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.multiclass import check_classification_targets

from .._torch import (
    MLP,
    StopOnNonFiniteLoss,
    TorchEstimatorMixin,
    build_net,
    check_finite,
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
from ._cold_brew_checks import (
    GRAPH_PARAMS,
    StopOnExplodingLoss,
    _se_flags,
    _sizes,
    _unlabelled_mask,
    prepare_graph,
    silent,
    split_labelled,
    valid_accuracy,
)
from ._fcr import feature_contribution_ratio
from ._gcn import (
    ColdBrewGCN,
    FullBatchLoader,
    NodeIndexNet,
    as_tensor,
    sparse_tensor,
    virtual_neighbourhood,
)
from ._graph_utils import (
    check_node_ids,
    graph_rows,
    join_query_graph,
    label_propagation,
    node_degree,
    normalized_adjacency,
)

_SE_PRESETS = {"first", "last", "all", "none"}
# Most connected unlabelled nodes MLP2 learns the teacher's soft labels on.
MAX_SOFT_LABELS = 10_000
# MLP1 (a regression, no validation set) stops once its training MSE has not
# improved by 1 % in this many epochs. The loss plateaus within ~100
# full-batch epochs on Cora and on planted graphs of 10^4 to 10^5 nodes, so
# the stage runs about half of student_max_epochs (Cora, Table 3 protocol,
# 5 seeds: 128 epochs on average, isolated-node accuracy 73.6 vs 73.8 % with
# all 300; it was over half of the fit at 10^5 nodes).
DISTILL_PLATEAU_EPOCHS = 20
DISTILL_PLATEAU_IMPROVEMENT = 0.01


class _BaseColdBrew(TorchEstimatorMixin, BaseEstimator):
    """Shared implementation of :class:`ColdBrewEmbedder` and
    :class:`ColdBrewClassifier`; not meant to be used directly."""

    _parameter_constraints = {
        "hidden_sizes": [tuple, list],
        "se_layers": [StrOptions(_SE_PRESETS), tuple],
        "se_reg": [Interval(Real, 0, None, closed="left")],
        "norm": [StrOptions({"none", "pairnorm"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "student_hidden_sizes": [tuple, list],
        "student_dropout": [Interval(Real, 0, 1, closed="left")],
        "distill_dropout": [Interval(Real, 0, 1, closed="left")],
        "distill_weight_decay": [Interval(Real, 0, None, closed="left")],
        "student_weight_decay": [Interval(Real, 0, None, closed="left")],
        "student_lr": [Interval(Real, 0, None, closed="neither")],
        "student_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "top_k": [Interval(Integral, 1, None, closed="left")],
        "graph": [StrOptions({"knn", "require"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "compute_fcr": ["boolean"],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    _fit_head = True  # the classifier's MLP2 stage
    __metadata_request__predict = GRAPH_PARAMS
    __metadata_request__score = GRAPH_PARAMS

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
        graph="knn",
        n_neighbors=10,
        validation_fraction=0.1,
        compute_fcr=False,
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
        self.graph = graph
        self.n_neighbors = n_neighbors
        self.validation_fraction = validation_fraction
        self.compute_fcr = compute_fcr
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ------------------------------------------------------------ nets
    def _net(
        self,
        module,
        *,
        criterion,
        lr_name,
        max_epochs,
        weight_decay,
        valid=None,
        stop_on_plateau=False,
        **kw,
    ):
        """A full-batch skorch net (one optimiser step per epoch) from the bridge.

        ``lr_name`` is the estimator's parameter holding the learning rate
        (named in the error if the fit diverges). ``valid=(X_val, y_val)``
        adds validation accuracy, early stopping on it (``patience``) and
        skorch's ``predefined_split``. ``stop_on_plateau`` stops when the
        training loss stalls (``DISTILL_PLATEAU_*``; not with
        ``patience=None``).
        """
        lr = getattr(self, lr_name)
        callbacks = []
        if stop_on_plateau and self.patience is not None:
            callbacks.append(
                skorch.callbacks.EarlyStopping(
                    monitor="train_loss",
                    patience=DISTILL_PLATEAU_EPOCHS,
                    threshold=DISTILL_PLATEAU_IMPROVEMENT,
                    threshold_mode="rel",
                    sink=print if self.verbose else silent,
                )
            )
        split = None
        if valid is not None and len(valid[1]):
            split = skorch.helper.predefined_split(skorch.dataset.Dataset(*valid))
            callbacks.append(
                skorch.callbacks.EpochScoring(
                    valid_accuracy, name="valid_acc", lower_is_better=False
                )
            )
            if self.patience is not None:
                callbacks.append(
                    skorch.callbacks.EarlyStopping(
                        monitor="valid_acc",
                        lower_is_better=False,
                        patience=self.patience,
                        load_best=True,
                        sink=print if self.verbose else silent,
                    )
                )
        hint = f"Lower the learning rate ({lr_name}={lr!r}), or scale the features."
        callbacks += [
            ("nonfinite_loss", StopOnNonFiniteLoss(hint=hint)),
            ("exploding_loss", StopOnExplodingLoss(hint=hint)),
        ]
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
            optimizer__weight_decay=weight_decay,
            iterator_train=FullBatchLoader,
            iterator_valid=FullBatchLoader,
            **kw,
        )

    def _mlp(self, n_inputs, n_outputs, dropout):
        return MLP(
            n_inputs,
            n_outputs,
            _sizes(self.student_hidden_sizes, "student_hidden_sizes"),
            dropout,
            input_dropout=True,
        )

    # ------------------------------------------------------------ fit
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
            Distinct, non-negative position of each row of ``X`` in the graph
            ``adjacency`` describes, when ``adjacency`` covers more nodes than
            ``X`` (shape ``(n_samples, n_nodes)`` or ``(n_nodes, n_nodes)``);
            the induced subgraph on these nodes is used. This is what keeps
            the graph right under cross-validation: route both ``adjacency``
            and ``node_ids`` (``np.arange(n_nodes)``); each fold then trains
            on the subgraph of its training nodes.
        validation_mask : array-like of bool, shape (n_samples,), default=None
            Labelled nodes to hold out for early stopping (and the feature
            contribution ratio) instead of a random ``validation_fraction``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        data = self._check_fit_data(X, y, adjacency, node_ids, validation_mask)
        stages = [
            ("teacher: GCN with structural embeddings", self._fit_teacher),
            ("distillation: student MLP1 regresses the teacher", self._fit_distill),
        ]
        if self._fit_head:
            stages.append(
                ("student: MLP2 on [x, e_tilde, e_hat]", self._fit_head_stage)
            )
        if self.compute_fcr:
            stages.append(("feature contribution ratio: MLP and LP", self._fit_fcr))
        name = type(self).__name__
        with seeded(data.seed, self.device_):
            bar = progress(stages, verbose=self.verbose, desc=name, total=len(stages))
            for i, (label, stage) in enumerate(bar, start=1):
                if self.verbose:  # through tqdm, so the bar is not broken up
                    bar.write(f"[{name}] stage {i}/{len(stages)}, {label}")
                stage(data)
        self.history_ = {"teacher": self.teacher_net_.history}
        self.history_["distill"] = self.distill_net_.history
        if self._fit_head:
            self.history_["head"] = self.head_net_.history
        return self

    def _check_fit_data(self, X, y, adjacency, node_ids, validation_mask):
        hidden = _sizes(self.hidden_sizes, "hidden_sizes")
        _sizes(self.student_hidden_sizes, "student_hidden_sizes")
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        n_nodes = X.shape[0]
        labelled = np.flatnonzero(~_unlabelled_mask(y))
        if len(labelled) == 0:
            raise ValueError(
                "All labels are -1 (unlabelled): at least two labelled classes are "
                "needed to train the teacher."
            )
        check_classification_targets(y[labelled])
        self.classes_, y_l_enc = np.unique(y[labelled], return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y contains only one class ({self.classes_[0]!r}) among the labelled "
                "nodes; at least two classes are needed."
            )
        y_enc = np.full(n_nodes, -1, dtype=np.int64)
        y_enc[labelled] = y_l_enc
        self.device_ = self._resolve_device()
        rng = check_random_state(self.random_state)
        seed = torch_seed(rng)
        se_flags = _se_flags(self.se_layers, len(hidden) + 1)
        A, self.graph_source_, ids = prepare_graph(
            X, adjacency, node_ids, self.graph, self.n_neighbors
        )
        self.node_ids_ = np.arange(n_nodes) if ids is None else ids
        self._adjacency = A
        self.n_edges_ = int(A.nnz // 2)
        train_idx, val_idx = split_labelled(
            labelled, y_enc, validation_mask, self.validation_fraction, rng
        )
        # Own copies: torch shares memory with numpy, and X may be a read-only
        # memory map that disappears after fit.
        X32 = (
            X.astype(np.float32)
            if sp.issparse(X)
            else np.array(X, dtype=np.float32, order="C", copy=True)
        )
        return Bunch(
            X32=X32,
            A=A,
            y_enc=y_enc,
            n_classes=len(self.classes_),
            hidden=hidden,
            se_flags=se_flags,
            train_idx=train_idx,
            val_idx=val_idx,
            rng=rng,
            seed=seed,
        )

    def _fit_teacher(self, data):
        """Stage 1: the GCN teacher, full batch, early-stopped on validation."""
        teacher = ColdBrewGCN(
            as_tensor(data.X32),
            sparse_tensor(normalized_adjacency(data.A)),
            data.n_classes,
            hidden_sizes=data.hidden,
            se_layers=data.se_flags,
            se_reg=self.se_reg,
            dropout=self.dropout,
            norm=self.norm,
        )
        val = data.val_idx
        self.teacher_net_ = self._net(
            teacher,
            criterion=nn.CrossEntropyLoss,
            net_class=NodeIndexNet,
            lr_name="lr",
            max_epochs=self.max_epochs,
            weight_decay=self.weight_decay,
            valid=(val, data.y_enc[val]),
        )
        self.teacher_net_.fit(data.train_idx, data.y_enc[data.train_idx])
        H = self.teacher_net_.module_.embeddings().float()
        check_finite(H, "The teacher's output", hint=f"Lower lr (lr={self.lr!r}).")
        data.H = H.cpu().numpy()
        self.n_embedding_ = data.H.shape[1]

    def _fit_distill(self, data):
        """Stage 2: MLP1 regresses the teacher's embeddings from the features."""
        connected = np.flatnonzero(node_degree(data.A) > 0)
        ref_idx = connected if len(connected) else np.arange(data.A.shape[0])
        # MLP2 must see the kind of e_hat it gets at prediction time: an
        # out-of-sample one. The labelled nodes (training and validation)
        # are left out of MLP1's regression set when they are a minority
        # of it; otherwise their e_hat comes from 2-fold cross-fitting.
        data.labelled_rows = np.concatenate([data.train_idx, data.val_idx])
        distill_idx = ref_idx
        data.soft_idx = np.empty(0, dtype=np.int64)
        if self._fit_head:
            outside = np.setdiff1d(ref_idx, data.labelled_rows)
            if len(outside) >= max(1, len(ref_idx) / 2):
                distill_idx = outside
            if getattr(self, "soft_labels", False):
                data.soft_idx = outside
                # On a large graph MLP2 learns the soft labels of a random
                # MAX_SOFT_LABELS of these nodes, held out of MLP1's set so that
                # their e_hat is out-of-sample without cross-fitting: this bounds
                # MLP2's epochs and the top-K search of fit.
                if len(outside) > MAX_SOFT_LABELS:
                    soft = data.rng.choice(outside, MAX_SOFT_LABELS, replace=False)
                    data.soft_idx = np.sort(soft)
                    distill_idx = np.setdiff1d(distill_idx, data.soft_idx)
        self.distill_index_ = distill_idx
        self.distill_net_ = self._distill_net(data, distill_idx)
        self.reference_embeddings_ = data.H[ref_idx].astype(np.float64)
        self.reference_index_ = ref_idx
        self.student_encoder_ = copy.deepcopy(self.distill_net_.module_).double().eval()

    def _distill_net(self, data, rows):
        net = self._net(
            self._mlp(data.X32.shape[1], data.H.shape[1], self.distill_dropout),
            criterion=nn.MSELoss,
            lr_name="student_lr",
            max_epochs=self.student_max_epochs,
            weight_decay=self.distill_weight_decay,
            stop_on_plateau=True,
        )
        return net.fit(data.X32[rows], data.H[rows])

    def _fit_head_stage(self, data):  # overridden by the classifier
        raise NotImplementedError

    def _fit_fcr(self, data):
        """Optional stage: the feature contribution ratio on validation nodes."""
        val, train, y_enc = data.val_idx, data.train_idx, data.y_enc
        if len(val) == 0:
            self.fcr_scores_ = {"gnn": np.nan, "mlp": np.nan, "lp": np.nan}
            self.feature_contribution_ratio_ = np.nan
            return
        y_val = y_enc[val]
        gnn_pred = data.H[:, -data.n_classes :].argmax(axis=1)
        gnn = float(np.mean(gnn_pred[val] == y_val))
        mlp_net = self._net(
            self._mlp(data.X32.shape[1], data.n_classes, self.student_dropout),
            criterion=nn.CrossEntropyLoss,
            lr_name="student_lr",
            max_epochs=self.student_max_epochs,
            weight_decay=self.student_weight_decay,
            valid=(data.X32[val], y_val),
        ).fit(data.X32[train], y_enc[train])
        mlp = float(np.mean(mlp_net.predict(data.X32[val]).argmax(axis=1) == y_val))
        y_train_only = np.full(len(y_enc), -1, dtype=np.int64)
        y_train_only[train] = y_enc[train]
        scores = label_propagation(data.A, y_train_only)
        prior = np.bincount(y_enc[train], minlength=scores.shape[1]).argmax()
        lp_pred = np.where(scores.sum(axis=1) > 0, scores.argmax(axis=1), prior)
        lp = float(np.mean(lp_pred[val] == y_val))
        self.fcr_scores_ = {"gnn": gnn, "mlp": mlp, "lp": lp}
        self.feature_contribution_ratio_ = feature_contribution_ratio(gnn, mlp, lp)

    # ------------------------------------------------------------ inference
    def _to_tensor(self, array):
        return as_tensor(array, dtype=torch.float64, device=self.device_)

    @torch.no_grad()
    def _encode(self, encoder, X):
        """``e_hat``: a float64 MLP1 applied to features."""
        return encoder(self._to_tensor(X))

    @torch.no_grad()
    def _virtual(self, e_hat, exclude=None):
        """``e_tilde``: the virtual neighbourhood of ``e_hat`` (chunked)."""
        reference = self._to_tensor(self.reference_embeddings_)
        ex = None
        if exclude is not None:
            ex = torch.as_tensor(exclude, device=self.device_)
        index = getattr(self, "_neighbor_index", None)
        candidates = index.candidates if index is not None and ex is None else None
        return virtual_neighbourhood(
            e_hat, reference, self.top_k, exclude=ex, candidates=candidates
        )

    def _validate_X(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, reset=False, accept_sparse="csr", dtype=[np.float64, np.float32]
        )

    @torch.no_grad()
    def _teacher_outputs(self, X, adjacency, node_ids):
        """Teacher outputs of the query nodes on the training graph joined
        with their edges, and which queries have an edge there."""
        n = X.shape[0]
        ids = np.arange(n) if node_ids is None else check_node_ids(node_ids, n)
        rows = graph_rows(adjacency, ids)
        A, query_rows, new = join_query_graph(
            self._adjacency, self.node_ids_, rows, ids
        )
        connected = node_degree(A)[query_rows] > 0
        module = self.teacher_net_.module_
        X_all = module.X
        if len(new):
            X_new = X[new].astype(np.float32)
            if X_all.is_sparse:
                X_new = sp.csr_matrix(X_new)
            elif sp.issparse(X_new):
                X_new = X_new.toarray()
            X_all = torch.cat([X_all, as_tensor(X_new, device=self.device_)])
        A_hat = sparse_tensor(normalized_adjacency(A), device=self.device_)
        H = module.embeddings(X_all, A_hat)[torch.as_tensor(query_rows)]
        return H.double(), connected

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
