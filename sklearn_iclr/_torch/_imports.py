"""Guarded imports of torch and skorch with an error that says what to install."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ..utils._optional import missing_extra_message

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as err:
    raise ImportError(missing_extra_message("torch", "torch", err)) from err

try:
    import skorch
    import skorch.helper  # noqa: F401  (skorch.helper.predefined_split)
except ImportError as err:
    raise ImportError(missing_extra_message("skorch", "torch", err)) from err

__all__ = ["F", "nn", "skorch", "torch"]
