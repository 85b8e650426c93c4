# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import pandas as pd
import pytest

from sklearn_iclr.datasets import (
    load_grda_toy,
    load_movielens_small,
    load_tpt48,
    make_graph_domains,
)


@pytest.mark.parametrize(
    "name, n_domains, n_edges, sources",
    [
        ("dg15", 15, 56, [0, 3, 4, 8, 12, 14]),
        ("dg60", 60, 545, [2, 14, 23, 33, 41, 59]),
    ],
)
def test_grda_toy(data_home, name, n_domains, n_edges, sources):
    toy = load_grda_toy(name, data_home=data_home, download_if_missing=False)
    n = 100 * n_domains
    assert toy.data.shape == (n, 2) and toy.data.dtype == np.float64
    assert set(np.unique(toy.target)) == {0, 1}
    assert np.array_equal(np.bincount(toy.sample_domain), np.full(n_domains, 100))
    A = toy.domain_graph
    assert A.shape == (n_domains, n_domains)
    assert np.array_equal(A, A.T) and not np.diag(A).any()
    assert A.sum() / 2 == n_edges
    assert toy.domain_angle.shape == (n_domains,)
    assert toy.source_domains.tolist() == sources
    assert "Graph-Relational Domain" in toy.DESCR


def test_tpt48(data_home):
    tpt = load_tpt48(data_home=data_home, download_if_missing=False)
    assert tpt.data.shape == (48, 144)
    assert np.isclose(tpt.data.min(), -2.7) and np.isclose(tpt.data.max(), 89.2)
    assert tpt.states == sorted(tpt.states) and "DC" not in tpt.states
    assert tpt.state_names[tpt.states.index("CA")] == "California"
    A = tpt.domain_graph
    assert np.array_equal(A, A.T) and A.sum() / 2 == 105
    ca, nv, ny = (tpt.states.index(s) for s in ("CA", "NV", "NY"))
    assert A[ca, nv] == 1 and A[ca, ny] == 0
    assert tpt.coordinates.shape == (48, 2)
    assert (tpt.coordinates >= 0).all() and (tpt.coordinates <= 1).all()


def test_movielens_small(data_home):
    ml = load_movielens_small(data_home=data_home, download_if_missing=False)
    assert ml.data.shape == (100836, 3) and ml.data.dtype == np.int64
    assert len(np.unique(ml.data[:, 0])) == 610
    assert len(np.unique(ml.data[:, 1])) == 9724
    assert ml.rating.min() == 0.5 and ml.rating.max() == 5.0
    assert str(np.datetime64(int(ml.data[:, 2].min()), "s"))[:10] == "1996-03-29"
    assert ml.movies.loc[ml.movies.movieId == 1, "title"].item() == "Toy Story (1995)"
    assert "GroupLens" in ml.licence and ml.frame is None
    framed = load_movielens_small(
        data_home=data_home, download_if_missing=False, as_frame=True
    )
    assert isinstance(framed.data, pd.DataFrame)
    assert list(framed.data.columns) == ["user", "item", "timestamp", "rating"]


@pytest.mark.parametrize("loader", [load_grda_toy, load_tpt48, load_movielens_small])
def test_missing_files_name_path_and_source(tmp_path, loader):
    with pytest.raises(FileNotFoundError, match="raw.githubusercontent.com"):
        loader(data_home=tmp_path, download_if_missing=False)


def test_make_graph_domains_is_seeded_and_shaped_like_dg15():
    a = make_graph_domains(12, 30, n_sources=4, random_state=0)
    b = make_graph_domains(12, 30, n_sources=4, random_state=0)
    for key in ("data", "target", "domain_graph", "source_domains"):
        np.testing.assert_array_equal(a[key], b[key])
    assert a.data.shape == (360, 2)
    np.testing.assert_array_equal(a.sample_domain, np.repeat(np.arange(12), 30))
    graph = a.domain_graph
    np.testing.assert_array_equal(graph, graph.T)
    assert np.all(np.diag(graph) == 0)
    assert np.all(np.diag(graph, k=1) == 1)  # consecutive angles always joined
    assert len(a.source_domains) == 4 and a.source_domains.max() < 6
    # a binary problem in every draw
    assert set(np.unique(a.target)) == {0, 1}


@pytest.mark.parametrize(
    "kwargs", [{"n_domains": 1}, {"n_samples_per_domain": 0}, {"edge_scale": 0.0}]
)
def test_make_graph_domains_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        make_graph_domains(**kwargs)
