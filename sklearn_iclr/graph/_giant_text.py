"""GIANT on text: the packaged MiniLM fine-tuned through sentence-transformers
as the encoder (XR-Transformer fine-tunes BERT the same way), and the TF-IDF
features the label tree and the kNN graph are built from."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._torch import nn
from ..utils._optional import import_optional

# Tokens per node text; longer texts are truncated (MiniLM was trained on 256).
MAX_LENGTH = 128


class SentenceEncoder(nn.Module):
    """A sentence-transformers model and a linear map to ``n_components``.

    ``forward(texts)`` tokenises a list of strings on the model's device and
    returns the projected sentence embeddings, with gradients through the
    transformer, so training the rankers fine-tunes it.
    """

    def __init__(self, model, n_components):
        super().__init__()
        self.model = model
        # sentence-transformers >= 6 renamed these two methods
        if hasattr(model, "get_embedding_dimension"):
            width = model.get_embedding_dimension()
        else:
            width = model.get_sentence_embedding_dimension()
        self._preprocess = getattr(model, "preprocess", None) or model.tokenize
        self.projection = nn.Linear(width, n_components)

    def forward(self, texts):
        device = self.projection.weight.device
        features = self._preprocess(list(texts))
        features = {
            key: value.to(device) if hasattr(value, "to") else value
            for key, value in features.items()
        }
        return self.projection(self.model(features)["sentence_embedding"])


def load_sentence_encoder(n_components, *, device, verbose):
    """The packaged all-MiniLM-L6-v2 with a fresh projection (seed torch first)."""
    import_optional("sentence_transformers", "text")
    from ..text import _hf

    model = _hf.load_bi_encoder(
        None, parameter="encoder", max_length=MAX_LENGTH, device=device, verbose=verbose
    )
    return SentenceEncoder(model, n_components).to(device)


def tfidf_features(texts):
    """TF-IDF rows of the texts (for PIFA and the kNN graph), CSR float64."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, dtype=np.float64)
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # only stop words or empty texts: no vocabulary
        return np.ones((len(texts), 1))


def check_texts(X):
    """A 1-D sequence of non-empty strings as an object array, clear errors."""
    from ..text._pairs import check_sentences

    try:
        return np.asarray(check_sentences(X), dtype=object)
    except ValueError as err:
        raise ValueError(f"encoder='sentence' needs texts: {err}") from None


def reject_strings(X):
    """Raise a clear error when numeric features are strings (``encoder="mlp"``)."""
    kind = getattr(getattr(X, "dtype", None), "kind", None)
    if kind in ("U", "S") or (
        kind == "O" and any(isinstance(v, str | bytes) for v in np.ravel(X)[:100])
    ):
        raise ValueError(
            "X holds strings, but encoder='mlp' needs numeric node features "
            "(dense or sparse, e.g. a bag of words or TF-IDF matrix); use "
            "encoder='sentence' for one text per node."
        )
