"""Small torch modules shared by estimators, tests and examples."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._imports import F, nn, torch


class MLP(nn.Module):
    """A multi-layer perceptron: Linear, ReLU (and dropout) per hidden layer.

    Dense or sparse (torch sparse COO) inputs: a sparse input stays sparse
    through the first layer (``torch.sparse.mm``), so bag-of-words features
    need no densifying.

    Parameters
    ----------
    n_inputs : int
        Input width.
    n_outputs : int
        Output width.
    hidden_sizes : tuple of int, default=(64,)
        Widths of the hidden layers; ``()`` gives a linear model.
    dropout : float, default=0.0
        Dropout probability after each hidden layer.
    input_dropout : bool, default=False
        Also apply ``dropout`` to the input, so that every layer sees dropped
        inputs (the recipe of GCN-style students).
    """

    def __init__(
        self, n_inputs, n_outputs, hidden_sizes=(64,), dropout=0.0, input_dropout=False
    ):
        super().__init__()
        self.input_dropout = float(dropout) if input_dropout else 0.0
        layers = []
        width = n_inputs
        for size in hidden_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        if not X.is_sparse:
            if self.input_dropout:
                X = F.dropout(X, self.input_dropout, self.training)
            return self.layers(X)
        X = X.coalesce()
        if self.input_dropout and self.training:
            values = F.dropout(X.values(), self.input_dropout, True)
            X = torch.sparse_coo_tensor(
                X.indices(), values, X.shape, check_invariants=False
            )
        first = self.layers[0]
        h = torch.sparse.mm(X, first.weight.t()) + first.bias
        return self.layers[1:](h)
