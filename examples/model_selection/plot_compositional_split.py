"""
==============================================================
Does a model generalise to new combinations of its factors?
==============================================================

Render a small dSprites-like grid of shapes, hold out combinations (composition),
interior values (interpolation) and upper values (extrapolation) of the factors
with :class:`~sklearn_iclr.model_selection.CompositionalSplit`, and score two
regressors of the factors with the paper's grid R²
(:func:`~sklearn_iclr.model_selection.grid_r2_score`). As Schott et al. (ICLR
2022) report, extrapolation is where models fail most, and extrapolated values
are predicted too close to the training range; the benchmark
(``benchmarks/compositional.py``) measures the four splits over seeds.
"""

# %%
# The data: every combination of five factors, rendered once
# -----------------------------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np

from sklearn_iclr.datasets import make_sprites

fast = os.environ.get("SKLEARN_ICLR_FAST") == "1"
sprites = make_sprites(n_orientations=3 if fast else 6, random_state=0)
X, y, factors = sprites.data, sprites.target, sprites.factors
print(f"{len(X)} images of {sprites.images.shape[1:]} pixels")
print(dict(zip(sprites.factor_names, sprites.factor_sizes.tolist())))

fig, axes = plt.subplots(1, 6, figsize=(9, 1.8))
for ax, i in zip(axes, np.linspace(0, len(X) - 1, 6).astype(int)):
    ax.imshow(sprites.images[i], cmap="gray")
    ax.set_title(str(factors[i].tolist()), fontsize=7)
    ax.set_axis_off()

# %%
# The four splits, seen in the plane of two factors
# -------------------------------------------------
# Each panel shows the (scale, x) plane; a cell is blue when all its samples
# train, red when all test, and purple when mixed (other factors decide).
from sklearn_iclr.model_selection import CompositionalSplit

modes = ["random", "composition", "interpolation", "extrapolation"]
splits = {}
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6))
for ax, mode in zip(axes, modes):
    cv = CompositionalSplit(mode, random_state=0)
    train, test = next(cv.split(X, groups=factors))
    splits[mode] = (train, test)
    is_test = np.zeros(len(X))
    is_test[test] = 1
    plane = np.zeros((sprites.factor_sizes[1], sprites.factor_sizes[3]))
    np.add.at(plane, (factors[:, 1], factors[:, 3]), is_test)
    counts = np.zeros_like(plane)
    np.add.at(counts, (factors[:, 1], factors[:, 3]), 1)
    ax.imshow(plane / counts, cmap="coolwarm", vmin=0, vmax=1, origin="lower")
    ax.set_title(f"{mode}\ntest {cv.test_fraction_:.0%}", fontsize=9)
    ax.set_xlabel("x position")
axes[0].set_ylabel("scale")

# %%
# Two models, four splits, the grid R²
# ------------------------------------
# A k-nearest-neighbours regressor and a random forest on the pixels, each
# trained on the training part of every split and scored on its test part.
# Both lose most on the extrapolation split, and much on composition; unseen
# interior values cost them little here, since a neighbouring training level
# looks almost the same in pixels.
from sklearn.ensemble import RandomForestRegressor
from sklearn.neighbors import KNeighborsRegressor

from sklearn_iclr.model_selection import grid_r2_score

models = {
    "5-NN": KNeighborsRegressor(5),
    "forest": RandomForestRegressor(
        30 if fast else 100, max_features=0.3, random_state=0
    ),
}
scores = {name: [] for name in models}
for mode in modes:
    train, test = splits[mode]
    for name, model in models.items():
        model.fit(X[train], y[train])
        score = grid_r2_score(
            y[test], model.predict(X[test]), factor_sizes=sprites.factor_sizes
        )
        scores[name].append(score)
for name, values in scores.items():
    print(name, " ".join(f"{m} {v:.2f}" for m, v in zip(modes, values)))

fig, ax = plt.subplots(figsize=(5, 2.8))
width = 0.38
for k, (name, values) in enumerate(scores.items()):
    ax.bar(np.arange(4) + (k - 0.5) * width, values, width, label=name)
ax.set_xticks(range(4), modes)
ax.set_ylabel("grid R² (higher is better)")
ax.axhline(0, color="0.3", lw=0.8)
ax.legend()

# %%
# Extrapolated sizes regress toward the training range
# ----------------------------------------------------
# Holding out the largest scale only, the forest predicts the unseen size too
# small: the red point falls below the diagonal, toward the training mean.
from sklearn_iclr.model_selection import level_response, plot_level_response

cv = CompositionalSplit("extrapolation", test_size=0.25, factors=[1])
train, test = next(cv.split(X, groups=factors))
model = models["forest"].fit(X[train], y[train])
report = level_response(model, X, factors, train=train, test=test)
print(
    "scale: prediction / truth, measured from the training mean, on held-out "
    f"levels: {report.factors[1].ratio_to_train_mean:.2f} (1 = follows the factor)"
)
plot_level_response(report, factor_names=sprites.factor_names)
plt.tight_layout()
plt.show()
