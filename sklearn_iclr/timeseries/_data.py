"""Panels of series in every layout the time-series family accepts.

Everything is turned into a float array of shape (n_series, n_channels,
n_timepoints) and back, remembering the layout of the input so that synthetic
windows are returned the way the data came in.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ..utils._sklearn_compat import validate_data

_SKTIME_HINT = "X looks like sktime panel data but sktime could not convert it: {msg}"


def _is_sktime_panel(X):
    """Whether X is a panel container that only sktime's converters handle."""
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        if isinstance(X.index, pd.MultiIndex):
            return True
        # nested_univ: cells hold pd.Series
        return (
            X.shape[0] > 0
            and X.shape[1] > 0
            and X.dtypes.eq(object).all()
            and (isinstance(X.iat[0, 0], pd.Series))
        )
    if isinstance(X, list) and X and all(isinstance(x, pd.DataFrame) for x in X):
        return True
    return False


def sktime_to_numpy3d(X):
    """Convert sktime panel data to a numpy3D array, returning (array, mtype)."""
    from sktime.datatypes import check_is_scitype, convert_to

    valid, msg, meta = check_is_scitype(X, scitype="Panel", return_metadata=True)
    if not valid:
        raise ValueError(_SKTIME_HINT.format(msg=msg))
    if not meta.get("is_equal_length", True):
        raise ValueError(
            "all series of a panel must have the same length; got unequal lengths."
        )
    if meta.get("has_nans", False):
        raise ValueError("Input X contains NaN.")
    return np.asarray(convert_to(X, to_type="numpy3D"), dtype=np.float64), meta["mtype"]


def _check_not_ragged(X):
    """Raise a clear error for a list of series of unequal lengths."""
    if not isinstance(X, list | tuple) or not X:
        return
    shapes = {np.shape(x) for x in X}
    if len(shapes) > 1:
        lengths = sorted({shape[-1] if shape else 0 for shape in shapes})
        raise ValueError(
            "X is a list of series of unequal lengths or shapes "
            f"(lengths {lengths[:5]}{'...' if len(lengths) > 5 else ''}): "
            "PSAGANGenerator needs a panel of equal-length series. Cut them to "
            "a common length (for example their last "
            f"{lengths[0]} steps) or to equal-length windows first."
        )


def validate_panel(estimator, X):
    """Validate X for ``estimator.fit``; return (panel, layout).

    ``panel`` is a float array (n_series, n_channels, n_timepoints). Layouts
    follow sktime's conventions: a 2-D array is (n_series, n_timepoints)
    (``numpyflat``), a 3-D array (n_series, n_channels, n_timepoints)
    (``numpy3D``), a plain DataFrame is one series whose rows are time steps
    and whose columns are channels (a pandas Series one univariate series,
    and so is a 1-D array: it is read as one series of shape (1, n_timepoints)),
    and sktime panel containers are converted by sktime.
    """
    import pandas as pd

    if _is_sktime_panel(X):
        values, mtype = sktime_to_numpy3d(X)
        values = validate_data(estimator, values, allow_nd=True, dtype=np.float64)
        return values, {"kind": "sktime", "mtype": mtype}
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        values = validate_data(estimator, X, dtype=np.float64, ensure_min_samples=2)
        layout = {"kind": "frame", "columns": list(X.columns)}
        return values.T[None], layout
    _check_not_ragged(X)
    if np.ndim(X) == 1 and len(X) and np.isscalar(X[0]):
        # One univariate series, as pandas.Series above and sktime's
        # np.ndarray Series mtype read it: not n series of one point.
        X = np.asarray(X).reshape(1, -1)
    values = validate_data(
        estimator, X, allow_nd=True, dtype=np.float64, ensure_min_features=1
    )
    if values.ndim == 2:
        return values[:, None, :], {"kind": "2d"}
    if values.ndim == 3:
        return values, {"kind": "3d"}
    raise ValueError(
        "X must be 2-D (n_series, n_timepoints) or 3-D (n_series, n_channels, "
        f"n_timepoints); got an array with {values.ndim} dimensions."
    )


def numpy3d_to_layout(values, layout):
    """Turn (n, n_channels, length) windows into the layout recorded at fit.

    Windows of a DataFrame (one series) come back as a ``pd-multiindex``
    panel, one instance per window, with the DataFrame's columns.
    """
    kind = layout["kind"]
    if kind == "2d":
        return values[:, 0, :]
    if kind == "3d":
        return values
    from sktime.datatypes import convert_to

    if kind == "frame":
        panel = convert_to(values, to_type="pd-multiindex")
        panel.columns = layout["columns"]
        return panel
    return convert_to(values, to_type=layout["mtype"])
