"""Recommendation events: MovieLens latest-small and a user-supplied 1M."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import io
import os

import numpy as np
from sklearn.utils import Bunch

from ..utils._sklearn_compat import validate_params
from ._base import RemoteFileMetadata, _fetch_file, _load_descr

_ML = (
    "https://raw.githubusercontent.com/damon46kai/uvic-485b/"
    "7d9e4e7d80b35633ef81f3e0b26e8e9e3284244c/ml-latest-small"
)
_MOVIELENS_SMALL = {
    "ratings": RemoteFileMetadata(
        filename="recsys/ml_latest_small/ratings.csv",
        url=f"{_ML}/ratings.csv",
        checksum="aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    ),
    "movies": RemoteFileMetadata(
        filename="recsys/ml_latest_small/movies.csv",
        url=f"{_ML}/movies.csv",
        checksum="5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    ),
    "readme": RemoteFileMetadata(
        filename="recsys/ml_latest_small/README.txt",
        url=f"{_ML}/README.txt",
        checksum="caa1eb1d1d113578e9dbb36b37398404e00f379492b7aa31df0b30c855017095",
    ),
}


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_movielens_small(*, data_home=None, download_if_missing=True, as_frame=False):
    """Load MovieLens latest-small: 100,836 timestamped ratings of 9,724 movies.

    The GroupLens "ml-latest-small" release: every rating of 610 users, with
    its Unix timestamp, from 1996-03-29 to 2018-09-24, and the movies'
    titles and genres. As an event log, each rating is a (user, item, time)
    event. GroupLens licence: research use only, no commercial use,
    redistribution only under the same terms (the README is kept beside the
    data and returned in ``licence``).

    Read more in the :ref:`User Guide <movielens_small_dataset>`.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder; see :func:`get_data_home`. The files are read from
        ``<data_home>/recsys/ml_latest_small/``.
    download_if_missing : bool, default=True
        If a file is absent, try to download it from its source.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with columns ``user``, ``item``,
        ``timestamp`` and ``rating``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (100836, 3) int64 array of user id, movie id and Unix
        timestamp, in the file's order (by user, then movie), or a DataFrame;
        ``rating`` (100836,) float64 (0.5 to 5 stars); ``movies``, a
        DataFrame of ``movieId``, ``title`` and ``genres``; ``frame``;
        ``licence``, the GroupLens README; ``DESCR``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import load_movielens_small
    >>> ml = load_movielens_small()  # doctest: +SKIP
    >>> ml.data.shape  # doctest: +SKIP
    (100836, 3)
    """
    import pandas as pd

    files = {
        key: _fetch_file(remote, data_home, download_if_missing=download_if_missing)
        for key, remote in _MOVIELENS_SMALL.items()
    }
    ratings = pd.read_csv(io.BytesIO(files["ratings"]))
    movies = pd.read_csv(io.BytesIO(files["movies"]))
    events = ratings[["userId", "movieId", "timestamp"]].to_numpy(dtype=np.int64)
    rating = ratings["rating"].to_numpy(dtype=np.float64)
    frame = None
    data = events
    if as_frame:
        frame = pd.DataFrame(events, columns=["user", "item", "timestamp"])
        frame["rating"] = rating
        data = frame
    return Bunch(
        data=data,
        rating=rating,
        movies=movies,
        frame=frame,
        licence=files["readme"].decode("utf-8"),
        DESCR=_load_descr("movielens_small.rst"),
    )


@validate_params(
    {"data_home": [str, os.PathLike, None], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_movielens_1m(*, data_home=None, as_frame=False):
    """Load a user-supplied MovieLens 1M ``ratings.dat``: 1,000,209 ratings.

    The GroupLens "ml-1m" release (6,040 users, 3,706 rated movies, 2000-2003)
    is the data set of the RIM paper's figures. Its licence forbids
    redistribution, so it is never downloaded: fetch ``ml-1m.zip`` from
    https://grouplens.org/datasets/movielens/1m/ yourself and put
    ``ratings.dat`` (``UserID::MovieID::Rating::Timestamp``) in
    ``<data_home>/recsys/ml_1m/``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder; see :func:`get_data_home`.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with columns ``user``, ``item``,
        ``timestamp`` and ``rating``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n_ratings, 3) int64 array of user id, movie id and Unix
        timestamp (or a DataFrame), ``rating`` (n_ratings,) float64.

    Examples
    --------
    >>> from sklearn_iclr.datasets import load_movielens_1m
    >>> ml = load_movielens_1m()  # doctest: +SKIP
    >>> ml.data.shape  # doctest: +SKIP
    (1000209, 3)
    """
    import pandas as pd

    from ._base import get_data_home

    path = os.path.join(get_data_home(data_home), "recsys", "ml_1m", "ratings.dat")
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{path} is missing. MovieLens 1M may not be redistributed: download "
            "ml-1m.zip from https://grouplens.org/datasets/movielens/1m/ and "
            "copy its ratings.dat there."
        )
    with open(path, encoding="latin-1") as f:
        # "::" is a two-character separator: make it one before parsing.
        text = f.read().replace("::", ",")
    table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape[1] != 4:
        raise ValueError(
            f"{path} should have 4 fields per line (UserID::MovieID::Rating::"
            f"Timestamp); found {table.shape[1]}."
        )
    events = table[:, [0, 1, 3]]
    rating = table[:, 2].astype(np.float64)
    data = events
    if as_frame:
        data = pd.DataFrame(events, columns=["user", "item", "timestamp"])
        data["rating"] = rating
    return Bunch(data=data, rating=rating)
