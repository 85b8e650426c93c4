"""Quick-tour step of the domain-adaptation family: GRDA on generated domains."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._tour import TourResult


def grda_step(fast=False, verbose=0):
    """GRDA: adapt along a graph of domains to unlabelled domains."""
    from ._grda import GRDAClassifier
    from ._samples import make_graph_domains

    d = make_graph_domains(
        n_domains=10,
        n_samples_per_domain=60 if fast else 100,
        n_sources=4,
        random_state=0,
    )
    source = np.isin(d.sample_domain, d.source_domains)
    y = np.where(source, d.target, -1)
    scores = {}
    for name, kind in [("GRDA", "graph"), ("source-only", "none")]:
        clf = GRDAClassifier(
            d.domain_graph,
            discriminator=kind,
            max_epochs=15 if fast else 60,
            random_state=0,
            verbose=verbose,
        ).fit(d.data, y, sample_domain=d.sample_domain)
        pred = clf.predict(d.data[~source], sample_domain=d.sample_domain[~source])
        scores[name] = 100 * np.mean(pred == d.target[~source])
    return TourResult(
        estimator="GRDAClassifier",
        did=(
            f"{len(d.source_domains)} labelled of 10 domains on a half circle, "
            f"{int(d.domain_graph.sum() // 2)} graph edges; predicted the "
            "unlabelled domains"
        ),
        headline=(
            f"target accuracy GRDA {scores['GRDA']:.1f}%, source-only "
            f"{scores['source-only']:.1f}%"
        ),
    )


STEPS = [grda_step]
