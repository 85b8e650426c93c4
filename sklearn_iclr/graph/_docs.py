"""Parameter descriptions shared by the docstrings of Cold Brew's twin estimators.

:class:`~sklearn_iclr.graph.ColdBrewEmbedder` and
:class:`~sklearn_iclr.graph.ColdBrewClassifier` take the same teacher and
student parameters; each block below is written once and placed in both
docstrings by :class:`~sklearn_iclr.utils._docstring.Substitution`.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

TEACHER_PARAMETERS = """
    hidden_sizes : tuple or list of int, default=(64,)
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
        L2 weight decay of the teacher's optimiser (the students have their
        own, ``distill_weight_decay`` and ``student_weight_decay``).
    max_epochs : int, default=200
        Most teacher epochs (one full-graph step each).
    patience : int or None, default=50
        Early stopping on the **validation accuracy** (of the teacher and of
        every student classifier): stop after ``patience`` epochs without
        improvement and keep the best weights. The distillation (MLP1, a
        regression with no validation set) stops instead when its training
        loss has not improved by 1 % in 20 epochs. ``None`` runs all epochs
        of every stage. Only the validation nodes are used, never test
        nodes."""

STUDENT_PARAMETERS = """
    student_hidden_sizes : tuple or list of int, default=(128,)
        Hidden widths of the student MLPs.
    student_dropout : float, default=0.5
        Dropout of the student classifier (MLP2) and of the MLP behind the
        feature contribution ratio.
    distill_dropout : float, default=0.5
        Dropout of MLP1, the regression of the teacher embeddings.
    distill_weight_decay : float, default=2e-4
        L2 weight decay of MLP1; much larger values collapse the regression
        to near-constant embeddings.
    student_weight_decay : float, default=0.0
        L2 weight decay of MLP2 (and of the MLP behind the feature
        contribution ratio).
    student_lr : float, default=0.01
        Learning rate (Adam) of every student MLP.
    student_max_epochs : int, default=300
        Most epochs of each student MLP (full batch).
    top_k : int, default=3
        Size of the virtual neighbourhood: the student embedding attends
        (softmax over dot products) to the ``top_k`` closest teacher
        embeddings of the training graph's connected nodes."""

COMMON_PARAMETERS = """
    graph : {"knn", "require"}, default="knn"
        What to do when ``fit`` receives no ``adjacency``: build a symmetric
        ``n_neighbors``-nearest-neighbour graph of ``X``, or raise (use
        ``"require"`` in pipelines and searches, so that a forgotten
        ``set_fit_request(adjacency=True)`` is an error).
    n_neighbors : int, default=10
        Neighbours per node of the fallback kNN graph.
    validation_fraction : float, default=0.1
        Fraction of the labelled nodes held out (stratified) for early
        stopping, unless ``fit`` gets a ``validation_mask``. 0 disables early
        stopping, and so does a fraction that would hold out fewer than 10
        nodes: so few cannot tell a good epoch from a bad one, and every
        labelled node then trains.
    compute_fcr : bool, default=False
        Also measure the feature contribution ratio of the training graph on
        the validation nodes (``feature_contribution_ratio_``): whether the
        graph is worth distilling at all. It costs one more MLP fit and a
        label propagation, so it is off unless asked for (like
        ``oob_score`` in scikit-learn's forests).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Torch device; ``"auto"`` uses a GPU when one is present.
    verbose : int, default=0
        ``>= 1`` prints one labelled line per stage (teacher, distillation,
        student), skorch's per-epoch tables and a progress bar over the
        stages.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split and torch, for repeatable fits."""

FIT_ATTRIBUTES = """
    classes_ : ndarray of shape (n_classes,)
        Labels seen among the labelled nodes.
    teacher_net_ : skorch.NeuralNet
        The trained GCN teacher (its module keeps the training graph).
    distill_net_ : skorch.NeuralNet
        The trained student MLP1 (features to teacher embeddings).
    student_encoder_ : torch.nn.Module
        A float64 copy of MLP1 used at prediction time.
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
    node_ids_ : ndarray of shape (n_samples,)
        Position of each training node in the user's graph (``node_ids``
        of ``fit``, or ``0..n_samples-1``); a graph given at prediction time
        is read in the same numbering.
    n_embedding_ : int
        Width of the embeddings (``sum(hidden_sizes) + n_classes``).
    feature_contribution_ratio_ : float
        FCR (see :func:`feature_contribution_ratio`) of the training graph on
        the validation nodes; ``nan`` without validation nodes. Only with
        ``compute_fcr=True``.
    fcr_scores_ : dict
        Validation accuracies of the teacher (``"gnn"``), an MLP on features
        (``"mlp"``) and label propagation (``"lp"``) behind the FCR. Only
        with ``compute_fcr=True``.
    graph_source_ : str
        ``"given"`` or ``"knn"``: where the training graph came from.
    n_edges_ : int
        Undirected edges of the training graph.
    device_ : str
        The torch device used.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings."""

# Indented for a method's docstring.
GRAPH_AT_PREDICT = """
        adjacency : {array-like, sparse matrix}, default=None
            The graph of the query nodes, in the numbering of ``node_ids_``
            (the training nodes keep their positions; new nodes take new ones):
            the whole graph, shape ``(n_nodes, n_nodes)``, or only the rows of
            the query nodes, shape ``(n_samples, n_nodes)``. A query node with
            an edge to a training or another query node is predicted by the
            teacher on the training graph joined with these edges; a node
            without such an edge by the student, from its features alone.
            ``None`` (default) sends every node through the student. Edges to
            nodes that are neither training nor query nodes are ignored (their
            features are unknown).
        node_ids : array-like of int, shape (n_samples,), default=None
            Position of each row of ``X`` in that graph; default
            ``0..n_samples-1``. Only read with ``adjacency``."""
