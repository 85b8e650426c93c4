"""Docstring parts shared by GRDA's twin estimators.

:class:`~sklearn_iclr.domain_adaptation.GRDAClassifier` and
:class:`~sklearn_iclr.domain_adaptation.GRDARegressor` take the same parameters
and differ in their task; ``GRDA_DOC`` is formatted with ``SHARED_PARAMS`` once
per class.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

SHARED_PARAMS = dict(
    graph_params="""domain_graph : array-like or sparse matrix of shape \
(n_domains, n_domains), default=None
        Symmetric adjacency of the domains, weights in [0, 1]: entry
        ``(i, j)`` says how related domains ``i`` and ``j`` are (1 for
        neighbouring states, 0 for unrelated ones). Row ``k`` is the domain
        ``sample_domain == k``. The diagonal is ignored. ``None`` means a
        clique over the domains of ``sample_domain`` (every domain related to
        every other), with which GRDA reduces to classic adversarial
        adaptation.
    discriminator : {"graph", "categorical", "none"}, default="graph"
        What the adversary predicts from an encoding. ``"graph"`` is GRDA:
        for two rows of domains ``i`` and ``j``, ``sigmoid(D(e_i)ᵀD(e_j))``
        must reconstruct ``A_ij``, so the encodings can keep what the graph
        says about a domain's neighbours. ``"categorical"`` is DANN: a
        softmax over the domain ids, which pushes every domain's encodings
        onto one distribution. ``"none"`` trains on the labelled rows only
        (source-only), with the same networks.
    lambda_adv : float, default=1.0
        Weight λ of the adversarial term: the encoder and predictor minimise
        ``task loss - λ·L_D``. ``0`` still trains the discriminator but lets
        it have no effect on the encoder; larger values align the domains
        more at the cost of fitting the labelled rows less closely.
    hidden_sizes : tuple of int, default=(64, 64)
        Encoder widths: the input and the domain embedding each go through a
        layer of ``hidden_sizes[0]`` units, are concatenated, then go through
        layers of ``hidden_sizes[1:]`` (one of ``hidden_sizes[0]`` if empty).
        The predictor and the discriminator have one hidden layer as wide as
        the encoding.""",
    training_params="""lr : float, default=1e-3
        Learning rate of the two Adam optimisers (encoder and predictor;
        discriminator).
    max_epochs : int, default=100
        Passes over the rows (labelled and unlabelled together).
    batch_size : int, default=64
        Rows per step. The graph discriminator compares every pair of rows
        of a batch from different domains, so a batch should hold several
        domains.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Where to train; ``"auto"`` uses a GPU when one is available.
    verbose : int, default=0
        ``1`` prints skorch's per-epoch table (task and discriminator loss).
    random_state : int, RandomState instance or None, default=None
        Seeds the weights and the batch order; equal integers give
        bit-identical fits.""",
    fitted="""net_ : skorch.NeuralNet
        The fitted networks; ``net_.module_`` holds ``x_layers``,
        ``u_layers`` and ``shared`` (the encoder E), ``predictor`` (F) and
        ``discriminator`` (D, ``None`` with ``discriminator="none"``).
    domain_graph_ : ndarray of shape (n_domains, n_domains)
        The validated adjacency (the clique when ``domain_graph`` is None).
    n_domains_ : int
        Number of domains.
    domain_embedding_ : ndarray of shape (n_domains, 8)
        The embeddings u_d the encoder receives, fitted to the graph at the
        start of ``fit`` so that ``sigmoid(u_iᵀu_j) ≈ A_ij``.
    history_ : list of dict
        One record per epoch: ``epoch``, ``train_loss`` (the task loss on
        the labelled rows), ``discriminator_loss`` (L_D at the
        discriminator's steps, absent with ``discriminator="none"``) and
        ``dur`` (seconds).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column
        names.""",
    notes="""Training alternates, for every batch, one step of the discriminator on
    the detached encodings (D minimises L_D) and one step of the encoder and
    predictor on ``task loss - λ·L_D``. The authors' released code instead
    back-propagates ``L_D`` and ``task loss - λ·L_D`` into one set of
    gradients, so the discriminator's gradient is scaled by ``1 - λ``: with
    ``λ = 1`` (their DG-15 setting) the discriminator never trains and the
    adversarial term is noise. The separate steps here follow the paper's
    min-max objective.

    The domain embeddings u_d are fitted to the graph at fit time (the paper
    asks for ``sigmoid(u_iᵀu_j) ≈ A_ij``; the released code loads embeddings
    computed offline): a spectral start, then full-batch Adam on the
    balanced binary cross-entropy of all pairs of distinct domains.

    Inputs are standardised with the mean and spread of every row (labelled
    and unlabelled) before the networks see them.

    **From skada.** skada marks a row's domain with a signed integer
    (positive for a source domain, negative for a target domain, ``|id|``
    distinct per domain) and hides target labels with ``-1`` / ``NaN``. Here
    the labels alone say which rows are labelled, and ``sample_domain`` must
    index the rows of ``domain_graph``: pass
    ``np.abs(skada_sample_domain) - 1`` after ordering the graph's rows the
    same way (``abs(id) = k + 1`` for row ``k``).

    With metadata routing enabled, request the domains for every method
    that uses them: ``est.set_fit_request(sample_domain=True)
    .set_predict_request(sample_domain=True)`` (and
    ``set_score_request(sample_domain=True)`` when scoring inside
    ``GridSearchCV``).

    References
    ----------
    .. [1] Z. Xu, H. He, G.-H. Lee, Y. Wang and H. Wang, "Graph-Relational
       Domain Adaptation", ICLR 2022.""",
)


GRDA_DOC = """{summary}

    GRDA (Xu et al., ICLR 2022) adapts a model from labelled domains to
    unlabelled ones when the user knows how the domains relate: a graph of
    domains (adjacent US states, neighbouring years, nearby sensors). The
    encoder sees each row with its domain's embedding, and an adversarial
    discriminator tries to reconstruct the domain graph from pairs of
    encodings; the encoder learns to defeat it, which aligns neighbouring
    domains while keeping the graph's structure. ``discriminator`` switches
    the same networks to DANN or to source-only training.

    Read more in the :ref:`User Guide <grda>`.

    Parameters
    ----------
    {graph_params}
    {training_params}

    Attributes
    ----------
    {extra_attributes}
    {fitted}

    See Also
    --------
    {see_also}

    Notes
    -----
    {notes}

    Examples
    --------
    {example}
"""
