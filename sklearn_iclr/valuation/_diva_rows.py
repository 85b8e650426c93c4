"""DIVA and labelled rows: the task, the one-hot targets, the value of rows.

``RowsMixin`` holds :class:`DIVAWeighter`'s private methods that read ``y``
(the task and its targets) and that value rows after the fit: training rows
by their derivative, new rows as candidate additions (the paper's dataset
extension) from the kept factorisation.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import type_of_target

from ._diva_features import row_keys
from ._linear_loo import extension_grad


class RowsMixin:
    """:class:`DIVAWeighter`'s private methods on targets and row values."""

    def _resolve_task(self, y):
        target_type = type_of_target(y, input_name="y")
        if self.task == "auto":
            if target_type in ("binary", "multiclass"):
                self.task_ = "classification"
            elif target_type == "continuous":
                self.task_ = "regression"
            else:
                raise ValueError(
                    f"Unknown label type {target_type!r}: y must be binary, "
                    "multiclass or continuous."
                )
        else:
            self.task_ = self.task
        if self.task_ == "classification":
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"Classification needs class labels; got y of type {target_type!r}."
                )
            self._binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._binarizer.classes_
            if len(self.classes_) < 2:
                raise ValueError(
                    "DIVAWeighter needs at least 2 classes for classification; got "
                    "1 class."
                )
            return y
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity.")
        return y

    def _targets(self, y):
        if self.task_ == "classification":
            Y = self._binarizer.transform(y).astype(np.float64)
            if Y.shape[1] == 1:  # binary: two one-hot columns
                Y = np.hstack([1.0 - Y, Y])
            return Y
        return np.asarray(y, dtype=np.float64).reshape(-1, 1)

    def _value_rows(self, Z_base, y):
        """score_samples from the rows' base features."""
        if y is not None:
            y = np.asarray(y)
            if y.shape[0] != Z_base.shape[0]:
                raise ValueError(
                    f"X has {Z_base.shape[0]} rows but y has {y.shape[0]} entries."
                )
        values = np.empty(Z_base.shape[0])
        new_rows = []
        if not hasattr(self, "_train_keys"):
            self._train_keys = {}
            for i, key in enumerate(row_keys(self._train_keys_source).tolist()):
                self._train_keys.setdefault(key, []).append(i)
        for j, key in enumerate(row_keys(Z_base).tolist()):
            candidates = self._train_keys.get(key, [])
            if y is not None:
                candidates = [i for i in candidates if self._y_fit[i] == y[j]]
            if candidates:
                values[j] = -self.dataset_derivative_[candidates[0]]
            else:
                new_rows.append(j)
        if new_rows:
            if y is None:
                raise ValueError(
                    f"{len(new_rows)} row(s) of X are not training rows; pass their "
                    "labels y to value them as candidate additions."
                )
            values[new_rows] = self._extension_values(Z_base[new_rows], y[new_rows])
        return values

    def _extension_values(self, Z_base, y):
        """-dL/da of new rows added with weight 0 (LOO loss on training rows)."""
        if self.task_ == "classification":
            unknown = set(np.unique(y)) - set(self.classes_)
            if unknown:
                raise ValueError(
                    f"y contains labels not seen during fit: {sorted(unknown)}."
                )
        else:
            y = np.asarray(y, dtype=np.float64)
        Y_new = self._targets(y)
        if self._linear_form:
            Z_new = self._map(Z_base)
            if self.solver_ == "primal":
                grad = extension_grad(self._factor, Y_new, Z_new=Z_new)
            else:  # linear kernel in the dual form
                grad = extension_grad(
                    self._factor, Y_new, gram_new=self._linear_gram(Z_new)
                )
        else:
            grad = extension_grad(
                self._factor, Y_new, gram_new=self._gram(self._Z_base_fit, Z_base)
            )
        return -grad

    def _linear_gram(self, Z_new):
        return self._Z_dual_fit @ Z_new.T
