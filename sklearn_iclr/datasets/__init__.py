"""Loaders for the real data sets of the papers and seeded toy generators.

The loaders (``load_*``) read checksummed copies of public files below the
data home (see :func:`get_data_home`) and download a missing file when allowed.
The generators (``make_*``) build small synthetic problems for the tests,
the examples and the quick tour.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._base import get_data_home
from ._domains import load_grda_toy, load_tpt48
from ._eth_ucy import load_eth_ucy, load_eth_ucy_file
from ._graph_domains import make_graph_domains
from ._hawkes_events import make_hawkes_events
from ._planetoid import load_planetoid
from ._planted_graph import make_planted_graph
from ._recsys import load_movielens_1m, load_movielens_small
from ._samples_generator import make_pedestrian_scenes, make_seasonal_series
from ._sprites import make_sprites
from ._sts import load_sts_benchmark
from ._timeseries import load_etth1, load_exchange_rate, load_stock

__all__ = [
    "get_data_home",
    "load_eth_ucy",
    "load_eth_ucy_file",
    "load_etth1",
    "load_exchange_rate",
    "load_grda_toy",
    "load_movielens_1m",
    "load_movielens_small",
    "load_planetoid",
    "load_stock",
    "load_sts_benchmark",
    "load_tpt48",
    "make_graph_domains",
    "make_hawkes_events",
    "make_pedestrian_scenes",
    "make_planted_graph",
    "make_seasonal_series",
    "make_sprites",
]
