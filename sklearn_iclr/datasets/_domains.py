"""Data with a graph of related domains: DG-15, DG-60 and TPT-48 (GRDA)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import csv
import io
import os
import pickle

import numpy as np
from sklearn.utils import Bunch

from ..utils._sklearn_compat import StrOptions, validate_params
from ._base import RemoteFileMetadata, _fetch_file, _load_descr

_VDI = "https://raw.githubusercontent.com/Wang-ML-Lab/VDI/383f4318cb34c09846b7e19a8b460d5d557b2043"
_GRDA = "https://raw.githubusercontent.com/Wang-ML-Lab/GRDA/96800d62577b8046af3fbc9ade0a51c2b71129c1"

_GRDA_TOY = {
    "dg15": RemoteFileMetadata(
        filename="domains/grda_toy/toy_d15_spiral_tight_boundary.pkl",
        url=f"{_VDI}/Toy/data/toy_d15_spiral_tight_boundary.pkl",
        checksum="46de00f5cbb33afb315c22ce55cc127d6fead57ea09d7a578f4152c1d6900a96",
    ),
    "dg60": RemoteFileMetadata(
        filename="domains/grda_toy/toy_d60_spiral.pkl",
        url=f"{_GRDA}/data/toy_d60_spiral.pkl",
        checksum="b3bb65f047fda93d68e641eb8ea6bd9edcc32bf38279f4409161f35b5d6a6f18",
    ),
}
# The source domains of the authors' configurations; every other is a target.
_SOURCE_DOMAINS = {"dg15": [0, 3, 4, 8, 12, 14], "dg60": [2, 14, 23, 33, 41, 59]}

_TPT48 = {
    "temperatures": RemoteFileMetadata(
        filename="domains/tpt48/month_temp_data.pkl",
        url=f"{_VDI}/TPT-48/train_data/data/month_temp_data.pkl",
        checksum="f996d73fd0cb4a13d9ef2015b6a2cf973dc88c0e21c368cef18c2b16c874bea4",
    ),
    "edges": RemoteFileMetadata(
        filename="domains/tpt48/usa_map.txt",
        url=f"{_VDI}/TPT-48/visualization/usa_map/usa_map.txt",
        checksum="93851875ccd2935f447137185a2a4785e685a7dce55fbd28b9d651bd24362313",
    ),
    "names": RemoteFileMetadata(
        filename="domains/tpt48/Abbre.csv",
        url=f"{_VDI}/TPT-48/visualization/usa_map/Abbre.csv",
        checksum="c0a2d03fa4009519714e3f8fd8d36076f0c1f0320e57ccf9e4d2f742bc7257ea",
    ),
    "coordinates": RemoteFileMetadata(
        filename="domains/tpt48/longitude-latitude-normalize.csv",
        url=f"{_VDI}/TPT-48/visualization/usa_map/longitude-latitude-normalize.csv",
        checksum="fade81a3626372b2dd787f64404d1ff349cbd3980698a4e6e86f9ec6ca063f1a",
    ),
}

_FILE_CONSTRAINTS = {
    "data_home": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
}


def _unpickle(data):
    # Only files whose SHA-256 checksum was just verified are unpickled.
    return pickle.loads(data, encoding="latin1")


@validate_params(
    {"name": [StrOptions({"dg15", "dg60"})], **_FILE_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def load_grda_toy(name="dg15", *, data_home=None, download_if_missing=True):
    """Load DG-15 or DG-60, the GRDA paper's synthetic domain-graph data sets.

    Two-dimensional points of a binary task in 15 (or 60) domains placed on a
    spiral; the decision boundary rotates with the domain's angle, and the
    domain graph links domains of nearby angles. The GRDA paper adapts from
    six source domains (``source_domains``) to all the others.

    =================  ===============  ===============
    data set           DG-15            DG-60
    =================  ===============  ===============
    samples            1500 (2 feat.)   6000 (2 feat.)
    domains            15 × 100 points  60 × 100 points
    graph edges        56               545
    =================  ===============  ===============

    Read more in the :ref:`User Guide <grda_toy_dataset>`.

    Parameters
    ----------
    name : {"dg15", "dg60"}, default="dg15"
        Which data set.
    data_home : str or path-like, default=None
        The data folder; see :func:`get_data_home`. The file is read from
        ``<data_home>/domains/grda_toy/``.
    download_if_missing : bool, default=True
        If the file is absent, try to download it from its source.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n_samples, 2) float64; ``target`` (n_samples,) int 0/1;
        ``sample_domain`` (n_samples,) int, the domain of each row;
        ``domain_graph`` (n_domains, n_domains) float 0/1 symmetric
        adjacency; ``domain_angle`` (n_domains,); ``source_domains``, the
        authors' labelled domains; ``DESCR``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import load_grda_toy
    >>> dg15 = load_grda_toy("dg15")  # doctest: +SKIP
    >>> dg15.data.shape, dg15.domain_graph.shape  # doctest: +SKIP
    ((1500, 2), (15, 15))
    """
    raw = _unpickle(
        _fetch_file(_GRDA_TOY[name], data_home, download_if_missing=download_if_missing)
    )
    return Bunch(
        data=np.asarray(raw["data"], dtype=np.float64),
        target=np.asarray(raw["label"]).astype(np.int64),
        sample_domain=np.asarray(raw["domain"]).astype(np.int64),
        domain_graph=np.asarray(raw["A"], dtype=np.float64),
        domain_angle=np.asarray(raw["angle"], dtype=np.float64),
        source_domains=np.array(_SOURCE_DOMAINS[name]),
        DESCR=_load_descr("grda_toy.rst"),
    )


@validate_params(_FILE_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_tpt48(*, data_home=None, download_if_missing=True):
    """Load TPT-48: monthly temperatures of the 48 contiguous US states.

    144 monthly average temperatures (°F) per state, with the graph of
    bordering states and each state's normalised latitude and longitude. In
    the GRDA paper each state is a domain and the task is to predict the next
    6 months from the previous 6, adapting east to west or north to south.

    =================  ===========================
    states (domains)   48
    months             144
    graph edges        105 (borders; DC dropped)
    =================  ===========================

    Read more in the :ref:`User Guide <tpt48_dataset>`.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder; see :func:`get_data_home`. The files are read from
        ``<data_home>/domains/tpt48/``.
    download_if_missing : bool, default=True
        If a file is absent, try to download it from its source.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (48, 144) float64, one row per state, oldest month first;
        ``states`` the two-letter codes (sorted); ``state_names``;
        ``domain_graph`` (48, 48) float 0/1 symmetric adjacency of bordering
        states; ``coordinates`` (48, 2), normalised latitude and longitude in
        [0, 1]; ``DESCR``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import load_tpt48
    >>> tpt = load_tpt48()  # doctest: +SKIP
    >>> tpt.data.shape, int(tpt.domain_graph.sum() // 2)  # doctest: +SKIP
    ((48, 144), 105)
    """
    files = {
        key: _fetch_file(remote, data_home, download_if_missing=download_if_missing)
        for key, remote in _TPT48.items()
    }
    temperatures = _unpickle(files["temperatures"])
    states = sorted(temperatures)
    index = {code: i for i, code in enumerate(states)}
    data = np.stack([np.asarray(temperatures[s], dtype=np.float64) for s in states])
    graph = np.zeros((len(states), len(states)))
    for line in files["edges"].decode("utf-8").split("\n"):
        pair = line.split()
        if len(pair) == 2 and pair[0] in index and pair[1] in index:  # skips DC
            i, j = index[pair[0]], index[pair[1]]
            graph[i, j] = graph[j, i] = 1.0
    names = dict(
        (row["Abbr"], row["State"])
        for row in csv.DictReader(io.StringIO(files["names"].decode("utf-8-sig")))
    )
    coords = {
        row["state"]: (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(io.StringIO(files["coordinates"].decode("utf-8-sig")))
    }
    return Bunch(
        data=data,
        states=states,
        state_names=[names.get(s, s) for s in states],
        domain_graph=graph,
        coordinates=np.array([coords[s] for s in states]),
        DESCR=_load_descr("tpt48.rst"),
    )
