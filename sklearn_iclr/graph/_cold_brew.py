"""Cold Brew (Zheng et al., ICLR 2022): a GCN teacher distilled into an MLP
student that needs no edges, for nodes with few, noisy or no neighbours."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import copy

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.metrics import accuracy_score

from .._torch import nn, torch
from ..utils._docstring import Substitution
from ..utils._sklearn_compat import StrOptions
from ._cold_brew_base import GRAPH_PARAMS, _BaseColdBrew
from ._cold_brew_checks import _sizes, _unlabelled_mask
from ._docs import (
    COMMON_PARAMETERS,
    FIT_ATTRIBUTES,
    GRAPH_AT_PREDICT,
    STUDENT_PARAMETERS,
    TEACHER_PARAMETERS,
)
from ._gcn import MixingHead
from ._neighbors import InnerProductIndex, resolve_search

_SUBSTITUTIONS = dict(
    teacher_parameters=TEACHER_PARAMETERS,
    student_parameters=STUDENT_PARAMETERS,
    common_parameters=COMMON_PARAMETERS,
    fit_attributes=FIT_ATTRIBUTES,
)


@Substitution(**_SUBSTITUTIONS)
class ColdBrewEmbedder(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseColdBrew
):
    """Cold Brew node embeddings that need no edges at prediction time.

    A GCN teacher with structural embeddings learns from the graph; an MLP
    student learns to reproduce the teacher's node representation (the
    concatenated outputs of its layers) from node features alone.
    :meth:`transform` returns the student's embedding, so nodes never seen,
    and nodes with no edges at all (strict cold start), get a representation
    close to what the teacher would give them with a neighbourhood; given the
    query nodes' graph, nodes with edges get the teacher's own embedding.

    Read more in the :ref:`User Guide <graph_guide>`.

    Parameters
    ----------
    {teacher_parameters}
    {student_parameters}
    {common_parameters}

    Attributes
    ----------
    {fit_attributes}
    history_ : dict
        skorch training histories, keyed ``"teacher"`` and ``"distill"``.

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
    __metadata_request__transform = GRAPH_PARAMS

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

    @Substitution(graph=GRAPH_AT_PREDICT)
    def transform(self, X, adjacency=None, node_ids=None):
        """Embeddings of any nodes: the student's, or the teacher's given edges.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features.
        {graph}

        Returns
        -------
        X_new : ndarray of shape (n_samples, ``n_embedding_``)
            The student's estimate of the teacher's representation; for nodes
            with edges in ``adjacency``, the teacher's representation.
        """
        X = self._validate_X(X)
        Z = self._encode(self.student_encoder_, X)
        if adjacency is not None:
            H, connected = self._teacher_outputs(X, adjacency, node_ids)
            Z[torch.as_tensor(connected)] = H[torch.as_tensor(connected)]
        return Z.cpu().numpy()


@Substitution(**_SUBSTITUTIONS)
class ColdBrewClassifier(ClassifierMixin, _BaseColdBrew):
    """Cold Brew node classifier: predicts cold-start nodes without edges.

    A GCN teacher with structural embeddings learns from the graph. The
    student then (1) regresses the teacher's embedding ``e_hat`` from the
    node's features, (2) builds a virtual neighbourhood
    ``e_tilde = softmax(topK(e_hat E^T)) E`` over the teacher embeddings
    ``E`` of the training graph's nodes, and (3) classifies
    ``[x, e_tilde, e_hat]`` with learnable mixing weights. Without a graph,
    prediction needs node features only, so isolated and unseen nodes are
    handled; given the query nodes' edges, the nodes that have some are
    predicted by the teacher, as the paper deploys it.

    Read more in the :ref:`User Guide <graph_guide>`.

    Parameters
    ----------
    {teacher_parameters}
    {student_parameters}
    neighbor_search : {{"auto", "exact", "approximate"}}, default="auto"
        How prediction without a graph finds the ``top_k`` virtual
        neighbours among the reference nodes. ``"exact"`` scores every
        reference node: time grows with queries x reference nodes, hours
        for all nodes of a 10^6-node graph. ``"approximate"`` builds a
        nearest-neighbour-descent index of the reference embeddings at fit
        time (needs the ``ann`` extra, pynndescent) and scores only its
        candidates, with a small chance of missing a true neighbour.
        ``"auto"`` is exact below 200 000 reference nodes, approximate above
        (exact, with a warning, if pynndescent is not installed).
    soft_labels : bool, default=True
        Also train MLP2 on the connected unlabelled nodes, with the teacher's
        class probabilities as targets (knowledge distillation of the
        teacher's outputs, on top of the paper's distillation of its
        embeddings). ``False`` trains MLP2 on the labelled nodes only, as in
        the paper. Nodes without edges never get soft labels: there the
        teacher knows no more than the features.
    {common_parameters}

    Attributes
    ----------
    {fit_attributes}
    head_net_ : skorch.NeuralNet
        The trained student MLP2 (with the mixing weights).
    student_head_ : torch.nn.Module
        Float64 copy of MLP2 used for prediction.
    neighbor_search_ : str
        ``"exact"`` or ``"approximate"``: the search ``neighbor_search``
        chose for this training graph.
    soft_label_index_ : ndarray of shape (n_soft,)
        Rows MLP2 learnt the teacher's class probabilities on: the connected
        unlabelled nodes (empty with ``soft_labels=False``); on graphs with
        more than 10 000 of them, a random 10 000, which MLP1 then does not
        regress on.
    history_ : dict
        skorch histories keyed ``"teacher"``, ``"distill"`` and ``"head"``.

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
    >>> clf.predict(g.data, adjacency=g.adjacency).shape  # edges: the teacher
    (150,)
    """

    _parameter_constraints = {
        **_BaseColdBrew._parameter_constraints,
        "soft_labels": ["boolean"],
        "neighbor_search": [StrOptions({"auto", "exact", "approximate"})],
    }
    __metadata_request__predict_proba = GRAPH_PARAMS

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
        neighbor_search="auto",
        soft_labels=True,
        graph="knn",
        n_neighbors=10,
        validation_fraction=0.1,
        compute_fcr=False,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        super().__init__(
            hidden_sizes,
            se_layers=se_layers,
            se_reg=se_reg,
            norm=norm,
            dropout=dropout,
            lr=lr,
            weight_decay=weight_decay,
            max_epochs=max_epochs,
            patience=patience,
            student_hidden_sizes=student_hidden_sizes,
            student_dropout=student_dropout,
            distill_dropout=distill_dropout,
            distill_weight_decay=distill_weight_decay,
            student_weight_decay=student_weight_decay,
            student_lr=student_lr,
            student_max_epochs=student_max_epochs,
            top_k=top_k,
            graph=graph,
            n_neighbors=n_neighbors,
            validation_fraction=validation_fraction,
            compute_fcr=compute_fcr,
            device=device,
            verbose=verbose,
            random_state=random_state,
        )
        self.neighbor_search = neighbor_search
        self.soft_labels = soft_labels

    def _fit_head_stage(self, data):
        """Stage 3: MLP2 on ``[x, e_tilde, e_hat]`` with learnable mixing."""
        X32, y_enc, n_classes = data.X32, data.y_enc, data.n_classes
        train_idx, val_idx, ref_idx = (
            data.train_idx,
            data.val_idx,
            self.reference_index_,
        )
        # With soft_labels, the connected unlabelled nodes join MLP2's
        # training set with the teacher's class probabilities as targets.
        # Edgeless nodes are left out: there the teacher has no neighbourhood
        # knowledge to pass on.
        soft_idx = data.soft_idx
        self.soft_label_index_ = soft_idx
        rows = np.concatenate([train_idx, soft_idx, val_idx])
        e_hat = self._student_e_hat(data, rows)
        position = np.full(X32.shape[0], -1, dtype=np.int64)
        position[ref_idx] = np.arange(len(ref_idx))
        e_tilde = self._virtual(e_hat, exclude=position[rows])
        E = torch.cat([e_tilde, e_hat], dim=1).cpu().numpy().astype(np.float32)
        n_fit = len(train_idx) + len(soft_idx)
        targets = np.eye(n_classes, dtype=np.float32)[y_enc[train_idx]]
        if len(soft_idx):
            logits = torch.as_tensor(data.H[soft_idx, -n_classes:])
            targets = np.concatenate([targets, torch.softmax(logits, 1).numpy()])
        head = MixingHead(
            X32.shape[1],
            data.H.shape[1],
            n_classes,
            hidden_sizes=_sizes(self.student_hidden_sizes, "student_hidden_sizes"),
            dropout=self.student_dropout,
        )
        self.head_net_ = self._net(
            head,
            criterion=nn.CrossEntropyLoss,
            lr_name="student_lr",
            max_epochs=self.student_max_epochs,
            weight_decay=self.student_weight_decay,
            valid=({"x": X32[val_idx], "e": E[n_fit:]}, y_enc[val_idx]),
        ).fit({"x": X32[rows[:n_fit]], "e": E[:n_fit]}, targets)
        self.student_head_ = copy.deepcopy(self.head_net_.module_).double().eval()
        self._build_neighbor_index(data)

    def _build_neighbor_index(self, data):
        """The approximate search's index, built once here so that predict
        stays read-only (and its cost is the fit's)."""
        n_reference = len(self.reference_embeddings_)
        self.neighbor_search_ = resolve_search(self.neighbor_search, n_reference)
        self._neighbor_index = None
        if self.neighbor_search_ == "approximate" and n_reference > 1:
            if self.verbose:
                print(
                    f"[{type(self).__name__}] building the approximate neighbour "
                    f"index of {n_reference} reference nodes"
                )
            self._neighbor_index = InnerProductIndex(
                self.reference_embeddings_, random_state=data.rng.randint(2**31 - 1)
            )

    def _student_e_hat(self, data, rows):
        """Out-of-sample ``e_hat`` of ``rows``, as MLP2 will see at prediction time.

        Rows MLP1 was trained on get theirs from 2-fold cross-fitting: an
        MLP1 trained without them.
        """
        e_hat = self._encode(self.student_encoder_, data.X32[rows])
        inside = np.flatnonzero(np.isin(rows, self.distill_index_))
        if len(inside):
            for fold in np.array_split(data.rng.permutation(inside), 2):
                keep = np.setdiff1d(self.distill_index_, rows[fold])
                if not len(fold) or not len(keep):
                    continue
                encoder = self._distill_net(data, keep).module_.double().eval()
                e_hat[fold] = self._encode(encoder, data.X32[rows[fold]])
        return e_hat

    @torch.no_grad()
    def _student_proba(self, X):
        e_hat = self._encode(self.student_encoder_, X)
        e = torch.cat([self._virtual(e_hat), e_hat], dim=1)
        return torch.softmax(self.student_head_(self._to_tensor(X), e), dim=1)

    @Substitution(graph=GRAPH_AT_PREDICT)
    def predict_proba(self, X, adjacency=None, node_ids=None):
        """Class probabilities: the student's, or the teacher's given edges.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features.
        {graph}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._validate_X(X)
        if adjacency is None:
            return self._student_proba(X).cpu().numpy()
        H, connected = self._teacher_outputs(X, adjacency, node_ids)
        proba = torch.softmax(H[:, -len(self.classes_) :], dim=1)
        cold = np.flatnonzero(~connected)
        if len(cold):
            proba[torch.as_tensor(cold)] = self._student_proba(X[cold])
        return proba.cpu().numpy()

    @Substitution(graph=GRAPH_AT_PREDICT)
    def predict(self, X, adjacency=None, node_ids=None):
        """Class of any nodes: the student's, or the teacher's given edges.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features.
        {graph}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X, adjacency=adjacency, node_ids=node_ids)
        return self.classes_[np.argmax(proba, axis=1)]

    @Substitution(graph=GRAPH_AT_PREDICT)
    def score(self, X, y, sample_weight=None, adjacency=None, node_ids=None):
        """Accuracy on the labelled nodes; rows with ``y == -1`` are left out.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Node features.
        y : array-like of shape (n_samples,)
            True labels; ``-1`` marks an unlabelled node, which is not scored
            (so ``cross_val_score`` on semi-supervised labels gives the
            accuracy on the labelled held-out nodes).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        {graph}

        Returns
        -------
        score : float
            Accuracy of :meth:`predict` on the labelled rows.
        """
        y = np.asarray(y)
        labelled = ~_unlabelled_mask(y)
        if y.ndim != 1 or not labelled.any():
            raise ValueError(
                "score needs a 1-d y with at least one labelled node (y != -1)."
            )
        pred = self.predict(X, adjacency=adjacency, node_ids=node_ids)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[labelled]
        return accuracy_score(y[labelled], pred[labelled], sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # tiny settings in the checks
        return tags
