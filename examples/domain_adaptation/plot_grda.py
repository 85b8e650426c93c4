"""
=======================================================================
Adapting along a graph of US states: GRDA, DANN and source-only, TPT-48
=======================================================================

TPT-48 holds twelve years of monthly average temperatures of the 48
contiguous US states. As in the GRDA paper, each state is a domain, bordering
states are joined in the domain graph, the 24 northernmost states are
labelled (the sources), and the task is to predict the next six months of a
state from its previous six, in the 24 southern states, whose labels are
never seen.

:class:`~sklearn_iclr.domain_adaptation.GRDARegressor` gets the graph; the
same class with ``discriminator="categorical"`` is DANN (every domain aligned
with every other) and with ``discriminator="none"`` trains on the sources
only, the model a user would fit first. We compare their error on the
southern states and colour the map of states by each model's error. Then,
on the paper's synthetic DG-15 (15 domains on a circle, the class boundary
turning with the angle), we draw each model's decision boundary per domain.
"""

# %%
# Data: windows of six months, a domain per state
# -----------------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np

from sklearn_iclr.datasets import load_grda_toy, load_tpt48
from sklearn_iclr.domain_adaptation import (
    GRDAClassifier,
    GRDARegressor,
    plot_decision_boundary_per_domain,
    plot_domain_graph,
)

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

tpt = load_tpt48()  # data (48 states, 144 months), domain_graph, coordinates
latitude, longitude = tpt.coordinates[:, 0], tpt.coordinates[:, 1]
source_state = np.isin(np.arange(48), np.argsort(latitude)[::-1][:24])

# Standardise with the sources' statistics only: the targets' are unknown.
mean, spread = tpt.data[source_state].mean(), tpt.data[source_state].std()
series = (tpt.data - mean) / spread
starts = range(series.shape[1] - 12 + 1)
X = np.stack([series[:, t : t + 6] for t in starts], axis=1).reshape(-1, 6)
Y = np.stack([series[:, t + 6 : t + 12] for t in starts], axis=1).reshape(-1, 6)
state = np.repeat(np.arange(48), len(starts))  # the domain of each window
source = source_state[state]
y = np.where(source[:, None], Y, np.nan)  # NaN rows: unlabelled (target) states
n_borders = int(tpt.domain_graph.sum() // 2)
print(f"{len(X)} windows, {source.sum()} labelled; {n_borders} borders")

# %%
# Three models, one class
# -----------------------
# The same networks and settings; only the discriminator differs.
errors = {}
for name, kind in [("GRDA", "graph"), ("DANN", "categorical"), ("source-only", "none")]:
    model = GRDARegressor(
        tpt.domain_graph, discriminator=kind, max_epochs=20, random_state=0
    ).fit(X, y, sample_domain=state)
    squared = (model.predict(X, sample_domain=state) - Y) ** 2
    errors[name] = np.array([squared[state == s].mean() for s in range(48)])
    south = errors[name][~source_state].mean()
    print(f"{name:12s} MSE on the southern states {south:.2f}")

# %%
# GRDA's error is well below the source-only model's on the southern states.
# DANN's is lower still in this run, but DANN is the unstable one: trained for
# 100 epochs over five seeds (``benchmarks/grda.py``, table ``grda_tpt48``)
# it diverged on some seeds while GRDA stayed the best of the three on
# average. Adversarial training is sensitive to its length; check it on your
# data with held-out labelled domains before trusting either.
#
# The map of states, coloured by each model's error
# -------------------------------------------------
# Each state at its longitude and latitude; the sources are the upper half.
fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
top = max(errors[name][~source_state].max() for name in errors)
for ax, (name, error) in zip(axes, errors.items()):
    plot_domain_graph(
        tpt.domain_graph,
        error,
        positions=np.column_stack([longitude, latitude]),
        labels=tpt.states,
        vmin=0,
        vmax=top,
        colorbar_label="MSE",
        ax=ax,
    )
    ax.set_title(name)
fig.tight_layout()

# %%
# Decision boundaries per domain on DG-15
# ---------------------------------------
# Six of the 15 domains are labelled, as in the authors' configuration; the
# domain graph joins domains of nearby angles. ``lambda_adv=15`` is the
# authors' lambda = 1 times the number of domains, as their code scales the
# discriminator's loss. Grey points are unlabelled rows; the black line is the
# predicted boundary.
toy = load_grda_toy("dg15")
labelled = np.isin(toy.sample_domain, toy.source_domains)
y_toy = np.where(labelled, toy.target, -1)  # -1: an unlabelled (target) row
for name, kind in [("GRDA", "graph"), ("DANN", "categorical"), ("source-only", "none")]:
    clf = GRDAClassifier(
        toy.domain_graph,
        discriminator=kind,
        lambda_adv=15.0,
        max_epochs=60 if FAST else 100,
        random_state=0,
    ).fit(toy.data, y_toy, sample_domain=toy.sample_domain)
    pred = clf.predict(toy.data[~labelled], sample_domain=toy.sample_domain[~labelled])
    accuracy = 100 * np.mean(pred == toy.target[~labelled])
    print(f"DG-15 {name:12s} target accuracy {accuracy:.1f}%")
    axes = plot_decision_boundary_per_domain(
        clf, toy.data, y_toy, toy.sample_domain, n_cols=5, resolution=30 if FAST else 80
    )
    axes[0].figure.suptitle(f"{name}: {accuracy:.0f}% on the unlabelled domains")

# %%
# GRDA is ahead of the source-only model here too, but far from the paper's
# 84 % on DG-15: the domains at the far end of the circle, whose boundary is
# flipped relative to the sources, stay wrong. DANN is well ahead in this
# run; across seeds it varies widely (``grda_dg15`` on the results page:
# 51 +- 15 % over five seeds with the paper's settings). The user guide says
# what we measured about why GRDA falls short here: its graph discriminator
# settles at chance.
plt.show()
