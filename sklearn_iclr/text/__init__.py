"""Text methods: unsupervised sentence-pair scoring.

- :class:`TransEncoder` -- Trans-Encoder (Liu et al., ICLR 2022): a bi-encoder
  and a cross-encoder trained in turn on each other's pseudo-labels, with no
  labelled pairs.

sentence-transformers is imported only when a model is fitted or loaded.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._hf import default_model_path
from ._trans_encoder import TransEncoder

__all__ = ["TransEncoder", "default_model_path"]
