"""The linearisation of a trained network, as features for DIVA.

torch is imported inside ``fit`` and ``transform`` only (through the bridge),
so that ``sklearn_iclr.valuation`` imports and runs without torch.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.multiclass import type_of_target

from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


class NetworkFeaturizer(TransformerMixin, BaseEstimator):
    """Features of a network trained on the data, linearised around its weights.

    Trains a multi-layer perceptron on ``(X, y)`` through the project's
    torch bridge (cross-entropy for class labels, squared error for
    continuous targets) and returns, for each row, the features of the
    network's linearisation around its trained weights (the setting of the
    DIVA paper):

    - ``"last_layer"``: the activations of the last hidden layer, the
      Jacobian of the outputs with respect to the last layer's weights;
    - ``"jacobian"``: the gradient, with respect to the weights and biases
      of the last two layers, of the sum of the network's outputs (the trace
      approximation of the per-output Jacobians, so that one feature vector
      serves every class).  It has ``h1 * h2 + h2`` more columns than
      ``"last_layer"`` (``h1``, ``h2`` the last two hidden widths).

    Use it as the ``featurizer`` of :class:`DIVAWeighter` when the raw
    columns are a poor feature space for a kernel (raw signals, many
    irrelevant columns); a linear kernel on the Jacobian features is the
    paper's linearised network.  Requires torch (``pip install
    sklearn-iclr[torch]``).

    Parameters
    ----------
    features : {"last_layer", "jacobian"}, default="last_layer"
        Which linearisation to return (see above).
    hidden_sizes : tuple of int, default=(64, 64)
        Widths of the hidden layers (at least one).
    max_epochs : int, default=20
        Training epochs.  A network trained to zero training loss fits the
        noisy labels too, which blunts the features for label-error
        detection; a few epochs keep it close to the clean signal.
    lr : float, default=1e-3
        Adam learning rate.
    batch_size : int, default=128
        Mini-batch size.
    device : {"auto", "cpu", "cuda"}, default="cpu"
        Where the network trains.
    verbose : int, default=0
        ``>= 1`` prints skorch's per-epoch table.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation and the batch order.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained network.
    scaler_ : StandardScaler
        Standardisation of the inputs before the network.
    n_features_out_ : int
        Number of features returned by :meth:`transform`.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    See Also
    --------
    DIVAWeighter : Uses these features as its linearised model.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_iclr.valuation import DIVAWeighter, NetworkFeaturizer
    >>> X, y = load_digits(return_X_y=True)
    >>> featurizer = NetworkFeaturizer(max_epochs=5, random_state=0)
    >>> weighter = DIVAWeighter(featurizer, kernel="linear").fit(X[:300], y[:300])
    >>> weighter.featurizer_.transform(X[:2]).shape
    (2, 64)
    """

    _parameter_constraints: dict = {
        "features": [StrOptions({"last_layer", "jacobian"})],
        "hidden_sizes": [tuple, list],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        features="last_layer",
        *,
        hidden_sizes=(64, 64),
        max_epochs=20,
        lr=1e-3,
        batch_size=128,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.features = features
        self.hidden_sizes = hidden_sizes
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels or continuous targets.

        Returns
        -------
        self : object
            The fitted featurizer.
        """
        from .._torch import MLP, build_net, nn, seeded, torch_seed

        hidden = tuple(int(h) for h in self.hidden_sizes)
        if not hidden or min(hidden) < 1:
            raise ValueError(
                f"hidden_sizes must list at least one positive width; got "
                f"{self.hidden_sizes!r}."
            )
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=False)
        self.scaler_ = StandardScaler().fit(X)
        Xs = self.scaler_.transform(X).astype(np.float32)
        if type_of_target(y) in ("binary", "multiclass"):
            target = LabelEncoder().fit_transform(y).astype(np.int64)
            n_outputs = int(target.max()) + 1
            criterion = nn.CrossEntropyLoss
        else:
            target = np.asarray(y, dtype=np.float32).reshape(-1, 1)
            n_outputs = 1
            criterion = nn.MSELoss
        self.net_ = build_net(
            MLP,
            criterion=criterion,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            device=self.device,
            verbose=self.verbose,
            module__n_inputs=X.shape[1],
            module__n_outputs=n_outputs,
            module__hidden_sizes=hidden,
        )
        with seeded(torch_seed(self.random_state), self.device):
            self.net_.fit(Xs, target)
        losses = self.net_.history[:, "train_loss"]
        if len(losses) > 1 and losses[-1] > 100 * losses[0]:
            raise ValueError(
                f"The network's training diverged (training loss {losses[0]:.3g} "
                f"after the first epoch, {losses[-1]:.3g} after the last), so its "
                f"features are meaningless; lower lr (now {self.lr!r})."
            )
        self.n_features_out_ = self._features(Xs[:1]).shape[1]
        return self

    def _features(self, Xs):
        from .._torch import torch

        module = self.net_.module_
        layers = list(module.layers)
        linears = [m for m in layers if isinstance(m, torch.nn.Linear)]
        last = linears[-1]
        with torch.no_grad():
            h = torch.as_tensor(Xs, device=self.net_.device)
            inputs = []  # input of each Linear layer
            for layer in layers:
                if isinstance(layer, torch.nn.Linear):
                    inputs.append(h)
                h = layer(h)
            embedding = inputs[-1]  # activations of the last hidden layer
            if self.features == "last_layer":
                return embedding.cpu().numpy().astype(np.float64)
            # d(sum of outputs)/d(last layer) = the embedding (per output);
            # d/d(penultimate layer) = (W_last^T 1 * relu'(z)) outer its input.
            k = last.out_features
            hidden_linear = linears[-2]
            pre_input = inputs[-2]
            z = hidden_linear(pre_input)
            g = last.weight.sum(dim=0)[None, :] * (z > 0).to(z.dtype)
            outer = (g[:, :, None] * pre_input[:, None, :]).flatten(1)
            parts = [np.sqrt(k) * embedding, outer, g]
            return torch.cat(parts, dim=1).cpu().numpy().astype(np.float64)

    def transform(self, X):
        """Linearisation features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        Z : ndarray of shape (n_samples, `n_features_out_`)
            The features chosen by ``features``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return self._features(self.scaler_.transform(X).astype(np.float32))

    def get_feature_names_out(self, input_features=None):
        """Names ``networkfeaturizer0`` ... of the output features.

        Parameters
        ----------
        input_features : None
            Unused.

        Returns
        -------
        names : ndarray of str
            One name per output feature.
        """
        check_is_fitted(self)
        return np.asarray(
            [f"networkfeaturizer{i}" for i in range(self.n_features_out_)],
            dtype=object,
        )
