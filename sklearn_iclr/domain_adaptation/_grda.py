"""GRDA: adversarial domain adaptation along a graph of related domains."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_consistent_length

from .._torch import (
    F,
    TorchEstimatorMixin,
    build_net,
    nn,
    seeded,
    skorch,
    to_numpy,
    torch,
)
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)

__all__ = ["GRDAClassifier", "GRDARegressor"]

#: Width of the domain embeddings u_d fitted to the graph.
EMBEDDING_DIM = 8
#: Width of the graph discriminator's output, whose inner products
#: reconstruct the adjacency.
DISCRIMINATOR_DIM = 8
#: Full-batch Adam steps (and learning rate) fitting u_d to the graph.
EMBEDDING_STEPS = 300
EMBEDDING_LR = 0.05
#: The logit the spectral start aims at for an edge (its negative for a
#: non-edge): sigmoid(3) = 0.95.
EMBEDDING_LOGIT = 3.0


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


def _balanced_bce(logits, target, keep):
    """Binary cross-entropy, connected and unconnected pairs weighted equally.

    ``logits`` and ``target`` are pair matrices (or vectors); ``keep`` masks the
    pairs that count. The mean over connected pairs (``target > 0``) and the
    mean over unconnected pairs are averaged, as in the paper, so that a sparse
    graph does not let the discriminator win by predicting "no edge".
    """
    losses = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    parts = []
    for mask in (keep & (target > 0), keep & (target <= 0)):
        if bool(mask.any()):
            parts.append(losses[mask].mean())
    if not parts:
        return logits.sum() * 0.0
    return sum(parts) / len(parts)


def _graph_discriminator_loss(z, domain, adjacency):
    """GRDA's L_D: sigmoid(z_iᵀ z_j) reconstructs A between the rows' domains.

    Every pair of rows of the batch from two different domains is one sampled
    domain pair; pairs within one domain are left out (the graph says nothing
    about a domain and itself).
    """
    logits = z @ z.T
    target = adjacency[domain][:, domain]
    keep = domain[:, None] != domain[None, :]
    return _balanced_bce(logits, target, keep)


class _PairLogits(nn.Module):
    """Logit u_iᵀu_j of a pair of domains, from a table of embeddings."""

    def __init__(self, init):
        super().__init__()
        self.embedding = nn.Parameter(torch.as_tensor(init, dtype=torch.float32))

    def forward(self, pairs):
        u = self.embedding
        return (u[pairs[:, 0]] * u[pairs[:, 1]]).sum(dim=1)


class _PairBCE(nn.Module):
    """Balanced BCE of pair logits; ``y`` holds the adjacency of each pair."""

    def forward(self, logits, target):
        keep = torch.ones_like(target, dtype=torch.bool)
        return _balanced_bce(logits, target, keep)


def _canonical_sign(vector):
    """``vector`` or ``-vector``, chosen whatever the order of its entries.

    The sorted entries of the two are compared (rounded, so that rounding
    noise cannot flip the choice); a vector whose entries are symmetric about
    zero has no canonical sign and is left as it is.
    """
    up = np.round(np.sort(vector), 8)
    down = np.round(np.sort(-vector), 8)
    differ = np.flatnonzero(up != down)
    if len(differ) and up[differ[-1]] < down[differ[-1]]:
        return -vector
    return vector


def fit_domain_embedding(adjacency, *, device="cpu"):
    """Embeddings u_d with sigmoid(u_iᵀu_j) ≈ A_ij, fitted to the graph.

    Starts from the spectral solution of u_iᵀu_j ≈ ±EMBEDDING_LOGIT (the
    leading eigenvectors of that target matrix, signs fixed by a rule that
    does not depend on the order of the domains), then minimises the
    balanced binary cross-entropy over all pairs of distinct domains with
    full-batch Adam. Every step is a function of the graph alone, so
    relabelling the domains relabels the embeddings (exactly when the
    target matrix has distinct leading eigenvalues).
    """
    n_domains = adjacency.shape[0]
    embedding = np.zeros((n_domains, EMBEDDING_DIM))
    if n_domains < 2:
        return embedding
    target = EMBEDDING_LOGIT * (2.0 * (adjacency > 0) - 1.0)
    np.fill_diagonal(target, 0.0)
    eigval, eigvec = np.linalg.eigh(target)
    order = np.argsort(eigval)[::-1][:EMBEDDING_DIM]
    for column, k in enumerate(order):
        if eigval[k] <= 0:
            break
        vector = _canonical_sign(eigvec[:, k])
        embedding[:, column] = vector * np.sqrt(eigval[k])

    i, j = np.triu_indices(n_domains, k=1)
    pairs = np.column_stack([i, j]).astype(np.int64)
    net = build_net(
        _PairLogits(embedding),
        criterion=_PairBCE,
        lr=EMBEDDING_LR,
        max_epochs=EMBEDDING_STEPS,
        batch_size=-1,
        device=device,
        iterator_train__shuffle=False,
    )
    net.fit(pairs, adjacency[i, j].astype(np.float32))
    return to_numpy(net.module_.embedding).astype(np.float64)


# --------------------------------------------------------------------------
# Networks and the training step
# --------------------------------------------------------------------------


def _layers(n_in, sizes):
    layers, width = [], n_in
    for size in sizes:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    return nn.Sequential(*layers), width


class _GRDAModule(nn.Module):
    """Encoder E(x, u_d), predictor F and discriminator D of GRDA.

    The input and the domain embedding go through a layer each, are
    concatenated and go through the shared layers; F and D are two-layer
    perceptrons on the encoding.
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        domain_embedding,
        hidden_sizes,
        discriminator_outputs,
    ):
        super().__init__()
        self.register_buffer(
            "domain_embedding", torch.as_tensor(domain_embedding, dtype=torch.float32)
        )
        first = hidden_sizes[0]
        self.x_layers, _ = _layers(n_features, [first])
        self.u_layers, _ = _layers(self.domain_embedding.shape[1], [first])
        shared = list(hidden_sizes[1:]) or [first]
        self.shared, width = _layers(2 * first, shared)
        self.predictor = nn.Sequential(
            nn.Linear(width, width), nn.ReLU(), nn.Linear(width, n_outputs)
        )
        self.discriminator = None
        if discriminator_outputs:
            self.discriminator = nn.Sequential(
                nn.Linear(width, width),
                nn.ReLU(),
                nn.Linear(width, discriminator_outputs),
            )

    def encode(self, x, domain):
        u = self.domain_embedding[domain]
        return self.shared(torch.cat([self.x_layers(x), self.u_layers(u)], dim=1))

    def forward(self, x, domain):
        return self.predictor(self.encode(x, domain))


class _TensorBatches:
    """Mini-batches sliced from whole tensors: skorch's ``iterator_train``.

    The rows are a few columns of numbers, so indexing the tensors once per
    batch replaces the per-row ``__getitem__`` and collation of a
    ``DataLoader``, which cost more than the step itself on small networks.
    The order comes from torch's global generator, which
    :func:`~sklearn_iclr._torch.seeded` fixes.
    """

    def __init__(self, dataset, batch_size, shuffle=False, **kwargs):
        X, y = dataset.X, dataset.y
        self.x = torch.as_tensor(X["x"])
        self.domain = torch.as_tensor(X["domain"])
        self.y = None if y is None else torch.as_tensor(y)
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __iter__(self):
        n = len(self.x)
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            y = None if self.y is None else self.y[idx]
            yield {"x": self.x[idx], "domain": self.domain[idx]}, y


class _GRDANet(skorch.NeuralNet):
    """skorch net with GRDA's alternating adversarial step.

    ``optimizer_`` updates the encoder and the predictor,
    ``optimizer_discriminator_`` the discriminator. Each batch makes one
    discriminator step on detached encodings (D minimises L_D), then one
    encoder/predictor step on ``task loss - lambda_adv * L_D``.
    """

    def __init__(
        self,
        *args,
        task="classification",
        discriminator="graph",
        lambda_adv=1.0,
        adjacency=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.task = task
        self.discriminator = discriminator
        self.lambda_adv = lambda_adv
        self.adjacency = adjacency

    def initialize_optimizer(self, *args, **kwargs):
        module = self.module_
        main = [
            (name, p)
            for name, p in module.named_parameters()
            if not name.startswith("discriminator.")
        ]
        args, kw = self.get_params_for_optimizer("optimizer", main)
        self.optimizer_ = self.optimizer(*args, **kw)
        self.optimizer_discriminator_ = None
        if module.discriminator is not None:
            args, kw = self.get_params_for_optimizer(
                "optimizer", module.discriminator.named_parameters()
            )
            self.optimizer_discriminator_ = self.optimizer(*args, **kw)
        self.adjacency_ = torch.as_tensor(
            np.asarray(self.adjacency), dtype=torch.float32, device=self.device
        )
        return self

    def task_loss(self, output, y):
        if self.task == "classification":
            labelled = y >= 0
            if not bool(labelled.any()):
                return output.sum() * 0.0
            return F.cross_entropy(output[labelled], y[labelled])
        labelled = ~torch.isnan(y).any(dim=1)
        if not bool(labelled.any()):
            return output.sum() * 0.0
        return F.mse_loss(output[labelled], y[labelled])

    def discriminator_loss(self, encoding, domain):
        z = self.module_.discriminator(encoding)
        if self.discriminator == "graph":
            return _graph_discriminator_loss(z, domain, self.adjacency_)
        return F.cross_entropy(z, domain)  # "categorical": DANN

    def train_step(self, batch, **fit_params):
        Xi, yi = batch
        module = self.module_
        module.train()
        x = Xi["x"].to(self.device)
        domain = Xi["domain"].to(self.device)
        y = yi.to(self.device)
        encoding = module.encode(x, domain)
        adversarial = self.optimizer_discriminator_ is not None
        if adversarial:
            # D's own step, on encodings detached from E: D minimises L_D at
            # full strength whatever lambda_adv is.
            self.optimizer_discriminator_.zero_grad()
            d_loss = self.discriminator_loss(encoding.detach(), domain)
            d_loss.backward()
            self.optimizer_discriminator_.step()
        # E and F: the task loss minus lambda_adv * L_D (D's new weights).
        self.optimizer_.zero_grad()
        output = module.predictor(encoding)
        task_loss = self.task_loss(output, y)
        loss = task_loss
        if adversarial and self.lambda_adv:
            loss = task_loss - self.lambda_adv * self.discriminator_loss(
                encoding, domain
            )
        loss.backward()
        self.optimizer_.step()
        if adversarial:
            self.history.record_batch("discriminator_loss", d_loss.item())
        return {"loss": task_loss.detach(), "y_pred": output.detach()}

    def on_epoch_end(self, net, **kwargs):
        batches = self.history[-1, "batches"]
        d_losses = [
            b["discriminator_loss"] for b in batches if "discriminator_loss" in b
        ]
        if d_losses:
            self.history.record("discriminator_loss", float(np.mean(d_losses)))
        super().on_epoch_end(net, **kwargs)


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------

_SHARED_PARAMS = dict(
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


class _BaseGRDA(TorchEstimatorMixin, BaseEstimator):
    _parameter_constraints = {
        "domain_graph": ["array-like", "sparse matrix", None],
        "discriminator": [StrOptions({"graph", "categorical", "none"})],
        "lambda_adv": [Interval(Real, 0, None, closed="left")],
        "hidden_sizes": [tuple, list],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        domain_graph=None,
        *,
        discriminator="graph",
        lambda_adv=1.0,
        hidden_sizes=(64, 64),
        lr=1e-3,
        max_epochs=100,
        batch_size=64,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.domain_graph = domain_graph
        self.discriminator = discriminator
        self.lambda_adv = lambda_adv
        self.hidden_sizes = hidden_sizes
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- validation --------------------------------------------------------

    def _check_graph(self):
        graph = self.domain_graph
        if graph is None:
            return None
        if sp.issparse(graph):
            graph = graph.toarray()
        try:
            graph = np.asarray(graph, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"domain_graph must hold numeric edge weights in [0, 1]: {err}"
            ) from None
        if graph.ndim != 2 or graph.shape[0] != graph.shape[1] or not graph.size:
            raise ValueError(
                "domain_graph must be a square (n_domains, n_domains) adjacency "
                f"matrix; got shape {graph.shape}."
            )
        if not np.all(np.isfinite(graph)):
            raise ValueError("domain_graph contains NaN or infinite weights.")
        if np.any(graph < 0) or np.any(graph > 1):
            raise ValueError(
                "domain_graph weights must lie in [0, 1] (1: related domains, "
                f"0: unrelated); got values in [{graph.min():g}, {graph.max():g}]."
            )
        if not np.allclose(graph, graph.T):
            raise ValueError(
                "domain_graph must be symmetric: A[i, j] == A[j, i] for every "
                "pair of domains."
            )
        return graph

    def _check_domains(self, sample_domain, n_samples, n_domains, *, fitting):
        """Integer domain ids of the rows, each < ``n_domains``."""
        if sample_domain is None:
            if n_domains is not None and n_domains > 1:
                raise ValueError(
                    f"sample_domain is required: the domain graph has {n_domains} "
                    "domains. Pass each row's domain index (an integer row of "
                    "domain_graph)."
                )
            return np.zeros(n_samples, dtype=np.int64)
        domains = check_array(
            sample_domain, ensure_2d=False, dtype=None, input_name="sample_domain"
        )
        if domains.ndim != 1 or domains.shape[0] != n_samples:
            raise ValueError(
                f"sample_domain must be 1-D with one entry per row of X "
                f"({n_samples}); got shape {domains.shape}."
            )
        if domains.dtype.kind == "f" and np.all(domains == np.round(domains)):
            domains = domains.astype(np.int64)
        if domains.dtype.kind not in "iu":
            raise ValueError(
                "sample_domain must hold integer domain indices; got dtype "
                f"{domains.dtype}."
            )
        domains = domains.astype(np.int64)
        limit = n_domains if n_domains is not None else np.inf
        bad = (domains < 0) | (domains >= limit)
        if np.any(bad):
            raise ValueError(
                f"sample_domain must index the domain graph's rows, 0 .. "
                f"{n_domains - 1}; got {sorted(set(domains[bad].tolist()))[:5]}."
                if n_domains is not None
                else "sample_domain must be non-negative domain indices; got "
                f"{sorted(set(domains[bad].tolist()))[:5]}."
            )
        if fitting:
            n_domains = n_domains or int(domains.max()) + 1
            counts = np.bincount(domains, minlength=n_domains)
            empty = np.flatnonzero(counts == 0)
            if len(empty):
                raise ValueError(
                    f"Domain(s) {empty[:5].tolist()} of the graph have no rows in "
                    "X. Every domain must appear at fit time (its rows may be "
                    "unlabelled); drop it from domain_graph otherwise."
                )
        return domains

    # -- fitting -----------------------------------------------------------

    def _fit(self, X, y_train, sample_domain, n_outputs):
        graph = self._check_graph()
        domains = self._check_domains(
            sample_domain,
            X.shape[0],
            None if graph is None else graph.shape[0],
            fitting=True,
        )
        if graph is None:
            n_domains = int(domains.max()) + 1
            graph = np.ones((n_domains, n_domains)) - np.eye(n_domains)
        self.domain_graph_ = graph
        self.n_domains_ = graph.shape[0]
        hidden = tuple(int(h) for h in self.hidden_sizes)
        if not hidden or min(hidden) < 1:
            raise ValueError(
                "hidden_sizes must be a non-empty sequence of positive integers; "
                f"got {self.hidden_sizes!r}."
            )
        self._x_mean = X.mean(axis=0)
        scale = X.std(axis=0)
        self._x_scale = np.where(scale > 0, scale, 1.0)
        self.device_ = self._resolve_device()
        d_outputs = {
            "graph": DISCRIMINATOR_DIM,
            "categorical": self.n_domains_,
            "none": 0,
        }[self.discriminator]
        with seeded(self._torch_seed(), self.device_):
            self.domain_embedding_ = fit_domain_embedding(graph, device=self.device_)
            module = _GRDAModule(
                X.shape[1], n_outputs, self.domain_embedding_, hidden, d_outputs
            )
            self.net_ = build_net(
                module,
                criterion=nn.MSELoss,  # unused: train_step computes the losses
                net_class=_GRDANet,
                iterator_train=_TensorBatches,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=min(self.batch_size, X.shape[0]),
                device=self.device_,
                verbose=self.verbose,
                task=self._task,
                discriminator=self.discriminator,
                lambda_adv=self.lambda_adv,
                adjacency=graph,
            )
            self.net_.fit({"x": self._scale_x(X), "domain": domains}, y_train)
        self.history_ = [
            {k: v for k, v in record.items() if k != "batches"}
            for record in self.net_.history
        ]
        return self

    def _scale_x(self, X):
        return ((X - self._x_mean) / self._x_scale).astype(np.float32)

    def _forward(self, X, sample_domain):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        domains = self._check_domains(
            sample_domain, X.shape[0], self.n_domains_, fitting=False
        )
        module = self.net_.module_
        module.eval()
        # Predict in float64: float32 matrix products round differently with
        # the batch's size, and a row's prediction must not depend on which
        # other rows (or domains) are predicted with it.
        params = {k: v.double() for k, v in module.state_dict().items()}
        x = torch.as_tensor((X - self._x_mean) / self._x_scale, device=self.device_)
        d = torch.as_tensor(domains, device=self.device_)
        with torch.no_grad():
            out = torch.func.functional_call(module, params, (x, d))
        return to_numpy(out).astype(np.float64)


_GRDA_DOC = """{summary}

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


class GRDAClassifier(ClassifierMixin, _BaseGRDA):
    __doc__ = _GRDA_DOC.format(
        **_SHARED_PARAMS,
        summary="Graph-relational domain adaptation for classification.",
        extra_attributes="""classes_ : ndarray of shape (n_classes,)
        The class labels (the labelled rows' values other than ``-1``).""",
        see_also="GRDARegressor : The same method for regression targets.",
        example=""">>> import numpy as np
    >>> from sklearn_iclr.domain_adaptation import GRDAClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(90, 2))
    >>> domain = np.repeat([0, 1, 2], 30)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> y[domain == 2] = -1  # domain 2 is unlabelled (the target)
    >>> chain = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> clf = GRDAClassifier(chain, max_epochs=5, random_state=0)
    >>> clf = clf.fit(X, y, sample_domain=domain)
    >>> clf.predict(X[:3], sample_domain=[2, 2, 2]).shape
    (3,)""",
    )

    _task = "classification"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_domain=None):
        """Fit on labelled and unlabelled rows of several domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows of every domain, labelled or not.
        y : array-like of shape (n_samples,)
            Class labels; ``-1`` marks an unlabelled row (a target-domain
            row), as in :mod:`sklearn.semi_supervised`.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain, an integer index of ``domain_graph``'s rows.
            ``None``: every row is one domain (a plain network).

        Returns
        -------
        self : GRDAClassifier
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        unlabelled = y == -1 if y.dtype.kind in "iuf" else np.zeros(len(y), bool)
        if unlabelled.all():
            raise ValueError(
                "y has no labelled rows: every label is -1 (unlabelled). At "
                "least the source domains need labels."
            )
        encoder = LabelEncoder().fit(y[~unlabelled])
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                "The labelled rows hold 1 class only "
                f"({self.classes_[0]!r}); a classifier needs at least two "
                "classes."
            )
        codes = np.full(len(y), -1, dtype=np.int64)
        codes[~unlabelled] = encoder.transform(y[~unlabelled])
        return self._fit(X, codes, sample_domain, len(self.classes_))

    def predict_proba(self, X, sample_domain=None):
        """Class probabilities of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows); may be
            omitted only when the model was fitted on one domain.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        logits = self._forward(X, sample_domain)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X, sample_domain=None):
        """Class labels of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        logits = self._forward(X, sample_domain)
        return self.classes_[np.argmax(logits, axis=1)]

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """Accuracy on rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain.

        Returns
        -------
        score : float
            Mean accuracy.
        """
        return accuracy_score(
            y, self.predict(X, sample_domain), sample_weight=sample_weight
        )


class GRDARegressor(RegressorMixin, _BaseGRDA):
    __doc__ = _GRDA_DOC.format(
        **{
            **_SHARED_PARAMS,
            "notes": _SHARED_PARAMS["notes"]
            + """

    Targets are standardised with the labelled rows' mean and spread for
    training and mapped back at prediction.""",
        },
        summary="Graph-relational domain adaptation for (multi-output) regression.",
        extra_attributes="""n_outputs_ : int
        Number of targets.""",
        see_also="GRDAClassifier : The same method for class labels.",
        example=""">>> import numpy as np
    >>> from sklearn_iclr.domain_adaptation import GRDARegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(90, 2))
    >>> domain = np.repeat([0, 1, 2], 30)
    >>> y = X[:, 0] + 0.5 * domain
    >>> y[domain == 2] = np.nan  # domain 2 is unlabelled (the target)
    >>> chain = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> reg = GRDARegressor(chain, max_epochs=5, random_state=0)
    >>> reg = reg.fit(X, y, sample_domain=domain)
    >>> reg.predict(X[:3], sample_domain=[2, 2, 2]).shape
    (3,)""",
    )

    _task = "regression"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_domain=None):
        """Fit on labelled and unlabelled rows of several domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows of every domain, labelled or not.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; a row with ``NaN`` targets is unlabelled (a
            target-domain row).
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain, an integer index of ``domain_graph``'s rows.
            ``None``: every row is one domain (a plain network).

        Returns
        -------
        self : GRDARegressor
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = validate_data(self, X, dtype=np.float64)
        y = check_array(
            y,
            ensure_2d=False,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            input_name="y",
        )
        check_consistent_length(X, y)
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        if np.isinf(y).any():
            raise ValueError("Input y contains infinity; NaN marks unlabelled rows.")
        self._y_1d = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        labelled = ~np.isnan(y2).any(axis=1)
        if not labelled.any():
            raise ValueError(
                "y has no labelled rows: every target is NaN (unlabelled). At "
                "least the source domains need targets."
            )
        self.n_outputs_ = y2.shape[1]
        self._y_mean = y2[labelled].mean(axis=0)
        spread = y2[labelled].std(axis=0)
        self._y_scale = np.where(spread > 0, spread, 1.0)
        y_train = (y2 - self._y_mean) / self._y_scale
        y_train[~labelled] = np.nan
        return self._fit(X, y_train.astype(np.float32), sample_domain, self.n_outputs_)

    def predict(self, X, sample_domain=None):
        """Targets of rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain (an index of ``domain_graph``'s rows); may be
            omitted only when the model was fitted on one domain.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when ``y`` was 1-D at fit.
        """
        pred = self._forward(X, sample_domain) * self._y_scale + self._y_mean
        return pred.ravel() if self._y_1d else pred

    def score(self, X, y, sample_weight=None, sample_domain=None):
        """R² on rows of known domains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        sample_domain : array-like of shape (n_samples,), default=None
            Each row's domain.

        Returns
        -------
        score : float
            Coefficient of determination.
        """
        return r2_score(y, self.predict(X, sample_domain), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
