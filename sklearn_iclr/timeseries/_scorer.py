"""Any synthetic-series metric as a scorer for model selection."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import inspect
import math
from numbers import Integral

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._fid import context_fid
from ._metric_utils import as_windows
from ._post_hoc_scores import discriminative_score, predictive_score

__all__ = ["make_generator_scorer"]

_METRICS = {
    "context_fid": context_fid,
    "discriminative_score": discriminative_score,
    "predictive_score": predictive_score,
}


def _check_metric_kwargs(fn, kwargs):
    """Raise now, not at the first evaluation, if ``fn`` cannot take ``kwargs``."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and the like: nothing to check
        return
    params = signature.parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    accepted = [
        name
        for name, p in list(params.items())[2:]  # after real and synthetic
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        name = getattr(fn, "__name__", "metric")
        raise TypeError(
            f"{name} does not take the keyword argument(s) {unknown}; it takes "
            f"{accepted}."
        )


def _generator_and_windows(estimator, X):
    """The generator (a Pipeline's last step) and X transformed by the steps before."""
    generator = estimator
    if hasattr(estimator, "steps"):
        generator = estimator.steps[-1][1]
        for _, step in estimator.steps[:-1]:
            if step is not None and step != "passthrough":
                X = step.transform(X)
    if not callable(getattr(generator, "sample", None)):
        raise TypeError(
            "A generator scorer needs an estimator with a sample(n_samples, "
            "random_state=...) method (a generator such as PSAGANGenerator, or "
            f"a Pipeline ending in one); got {type(generator).__name__}."
        )
    return generator, X


@validate_params(
    {
        "metric": [StrOptions(set(_METRICS)), callable],
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_generator_scorer(
    metric="context_fid", *, n_samples=None, random_state=0, **kwargs
):
    """A scorer for ``GridSearchCV`` that judges a generator's samples.

    The scorer ``scorer(estimator, X, y=None)`` draws windows with
    ``estimator.sample`` (the last step of a Pipeline is used after the
    previous steps transform ``X``), compares them with the held-out windows
    ``X`` by ``metric`` and returns its negative, so that greater is better.
    Held-out windows must have the generator's window length (fit with
    ``window_length=None`` on windows, or pass windows of that length).

    Parameters
    ----------
    metric : {"context_fid", "discriminative_score", "predictive_score"} or \
            callable, default="context_fid"
        The metric, or a callable ``metric(real, synthetic, **kwargs)``
        returning a loss.
    n_samples : int, default=None
        Synthetic windows per evaluation; ``None`` draws as many as ``X`` has.
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling (and the metric, when it takes ``random_state``).
    **kwargs
        Passed to the metric (for example ``iterations=500``); a keyword the
        metric does not take raises a ``TypeError`` here.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``. It raises a ``TypeError``
        for an estimator without ``sample``, and a ``ValueError`` naming the
        problem for held-out windows or samples that are empty, non-finite or
        of different shapes, and for a metric value that is not finite.

    See Also
    --------
    context_fid, discriminative_score, predictive_score : The metrics.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.timeseries.metrics import make_generator_scorer
    >>> class Noise:  # any estimator with a sample method
    ...     def sample(self, n, random_state=None):
    ...         return np.random.RandomState(random_state).uniform(size=(n, 16))
    >>> scorer = make_generator_scorer("discriminative_score", iterations=50)
    >>> held_out = np.sin(np.linspace(0, 6, 16) + np.arange(40)[:, None])
    >>> -0.5 <= scorer(Noise(), held_out) <= 0
    True
    """
    fn = _METRICS[metric] if isinstance(metric, str) else metric
    _check_metric_kwargs(fn, kwargs)

    def scorer(estimator, X, y=None):
        generator, X = _generator_and_windows(estimator, X)
        real = as_windows(X, "X (the held-out windows)")
        n = n_samples or len(real)
        fake = as_windows(
            generator.sample(n, random_state=random_state),
            "The generator's sample",
        )
        if real.shape[1:] != fake.shape[1:]:
            raise ValueError(
                f"The held-out windows have shape (n, {real.shape[1]}, "
                f"{real.shape[2]}) but the generator samples windows of shape "
                f"(n, {fake.shape[1]}, {fake.shape[2]}): score it on windows of "
                "its window length and channel count."
            )
        params = dict(kwargs)
        if isinstance(metric, str):
            params.setdefault("random_state", random_state)
        value = float(fn(real, fake, **params))
        if not math.isfinite(value):
            raise ValueError(
                f"The metric {scorer.__name__[4:]} returned {value} for these "
                "windows; a generator scorer needs a finite loss."
            )
        return -value

    scorer.__name__ = f"neg_{getattr(fn, '__name__', 'metric')}"
    return scorer
