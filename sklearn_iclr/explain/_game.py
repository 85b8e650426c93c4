"""The explainer's game: the value of coalitions of agents for one batch.

A batch is a self-contained task (its scenes, futures, replacements and
random draws), so that :class:`ShapleyTrajectoryExplainer` can hand batches
to joblib workers or a Dask cluster: only the model and the metric travel
with it, not the explainer's background pool.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._coalitions import exact_values, permutation_values, sampled_banzhaf_values
from ._validation import average_displacement_error, final_displacement_error


class CoalitionGame:
    """Value of coalitions of agents: the model's performance without the others.

    Parameters
    ----------
    model : estimator with ``predict`` (and optionally ``predict_coalitions``)
    metric : {"ade", "fde", "output"} or callable
        As in :class:`ShapleyTrajectoryExplainer`.
    """

    def __init__(self, model, metric):
        self.model = model
        self.metric = metric

    def predict_coalitions(self, Xb, rb, masks):
        """Predictions for coalitions ``masks`` (b, C, p): (k, b, C, t_pred, 2)."""
        b, C, p = masks.shape
        k = rb.shape[0]
        if hasattr(self.model, "predict_coalitions"):
            # fast path: the model encodes each agent once per draw and frame
            fast = self.model.predict_coalitions
            pred = np.stack(
                [np.asarray(fast(Xb, masks, rb[d]), dtype=float) for d in range(k)]
            )
            expected = (k, b, C)
        else:
            # scenes (k, b, C, p, T, 2), all in one model call
            keep = masks[None, :, :, :, None, None]
            scenes = np.where(keep, Xb[None, :, None], rb[:, :, None])
            flat = scenes.reshape(k * b * C, p, *Xb.shape[2:])
            pred = np.asarray(self.model.predict(flat), dtype=float)
            expected = (k * b * C,)
        if pred.shape[:-2] != expected or pred.ndim != len(expected) + 2:
            raise ValueError(
                "model.predict must return an array of shape (n_samples, t_pred, "
                f"2), got an array of shape {pred.shape[len(expected) - 1 :]} for "
                f"{expected[-1] if len(expected) == 3 else expected[0]} scenes."
            )
        if pred.shape[-1] != 2:
            raise ValueError(
                "model.predict must return (x, y) positions, an array of shape "
                f"(n_samples, t_pred, 2); got a last axis of length {pred.shape[-1]}."
            )
        if not np.isfinite(pred).all():
            raise ValueError(
                "model.predict returned NaN or infinite positions for some "
                "coalitions of agents; the explainer needs a model that predicts "
                "finite positions for any subset of the agents (absent agents "
                "are NaN slots)."
            )
        return pred.reshape(k, b, C, *pred.shape[-2:])

    def values(self, Xb, yb, rb, masks):
        """v(S) for per-sample coalitions ``masks`` (b, C, p): (b, C, ...)."""
        pred = self.predict_coalitions(Xb, rb, masks)
        k, b, C = pred.shape[:3]
        if self.metric == "output":
            return pred.mean(axis=0)
        if yb.shape[1] != pred.shape[3]:
            raise ValueError(
                f"y has t_pred={yb.shape[1]} steps but the model predicts "
                f"{pred.shape[3]}."
            )
        y_true = yb[None, :, None]
        if self.metric == "ade":
            vals = -average_displacement_error(y_true, pred)
        elif self.metric == "fde":
            vals = -final_displacement_error(y_true, pred)
        else:
            y_true = np.broadcast_to(y_true, pred.shape)
            n_scenes = k * b * C
            vals = np.asarray(
                self.metric(
                    y_true.reshape(n_scenes, *pred.shape[3:]),
                    pred.reshape(n_scenes, *pred.shape[3:]),
                ),
                dtype=float,
            )
            if vals.shape != (n_scenes,):
                raise ValueError(
                    "metric(y_true, y_pred) must return one value per scene, an "
                    f"array of shape (n_samples,) = ({n_scenes},); got shape "
                    f"{vals.shape}."
                )
            if not np.isfinite(vals).all():
                raise ValueError(
                    "metric(y_true, y_pred) returned NaN or infinite values; "
                    "Shapley values need a finite value for every coalition."
                )
            vals = vals.reshape(k, b, C)
        return vals.mean(axis=0)


def explain_batch(game, method, Xb, yb, rb, draws):
    """Values, v(none) and v(all) of one batch of samples (a joblib task).

    ``draws`` are the batch's random numbers (None for the exact methods),
    drawn by the caller so that the result does not depend on where the task
    runs.
    """

    def value(masks):
        return game.values(Xb, yb, rb, masks)

    if method in ("exact", "banzhaf"):
        return exact_values(value, Xb.shape[0], Xb.shape[1], method)
    if method == "permutation":
        return permutation_values(value, draws)
    return sampled_banzhaf_values(value, draws)
