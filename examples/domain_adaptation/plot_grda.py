"""
===========================================================
Adapting along a graph of domains: GRDA, DANN, source-only
===========================================================

Domains on a half circle: in domain ``k`` the points are stretched along an
angle ``theta_k`` and the class boundary turns with it, so a model fitted on
a few labelled domains (the sources) is wrong on domains of distant angles.
The domain graph joins domains of nearby angles.

:class:`~sklearn_iclr.domain_adaptation.GRDAClassifier` gets the graph; the
same class with ``discriminator="categorical"`` is DANN (every domain aligned
with every other) and with ``discriminator="none"`` trains on the sources
only. We compare their accuracy on the unlabelled domains, draw each one's
decision boundary per domain, and colour the graph by GRDA's accuracy.
"""

# %%
# Data: generated domains with a graph
# ------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np

from sklearn_iclr.domain_adaptation import (
    GRDAClassifier,
    plot_decision_boundary_per_domain,
    plot_domain_graph,
)
from sklearn_iclr.domain_adaptation._samples import make_graph_domains

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

d = make_graph_domains(
    n_domains=10, n_samples_per_domain=100, n_sources=4, random_state=0
)
source = np.isin(d.sample_domain, d.source_domains)
y = np.where(source, d.target, -1)  # -1: an unlabelled (target) row
print(f"sources: {d.source_domains.tolist()}, edges: {int(d.domain_graph.sum() // 2)}")

# %%
# Three models, one class
# -----------------------
epochs = 20 if FAST else 150
models = {}
for name, kind in [("GRDA", "graph"), ("DANN", "categorical"), ("source-only", "none")]:
    models[name] = GRDAClassifier(
        d.domain_graph, discriminator=kind, max_epochs=epochs, random_state=0
    ).fit(d.data, y, sample_domain=d.sample_domain)

for name, clf in models.items():
    pred = clf.predict(d.data[~source], sample_domain=d.sample_domain[~source])
    print(f"{name:12s} target accuracy {100 * np.mean(pred == d.target[~source]):.1f}%")

# %%
# Decision boundary in every domain
# ---------------------------------
# Grey points are unlabelled rows; the black line is the predicted boundary.
for name, clf in models.items():
    axes = plot_decision_boundary_per_domain(
        clf, d.data, y, d.sample_domain, n_cols=5, resolution=40 if FAST else 80
    )
    axes[0].figure.suptitle(name)

# %%
# The graph, coloured by GRDA's accuracy per domain
# -------------------------------------------------
pred = models["GRDA"].predict(d.data, sample_domain=d.sample_domain)
accuracy = [
    np.mean(pred[d.sample_domain == k] == d.target[d.sample_domain == k])
    for k in range(len(d.domain_graph))
]
positions = np.column_stack([np.cos(d.domain_angle), np.sin(d.domain_angle)])
plot_domain_graph(
    d.domain_graph,
    accuracy,
    positions=positions,
    vmin=0,
    vmax=1,
    colorbar_label="accuracy",
)
plt.show()
