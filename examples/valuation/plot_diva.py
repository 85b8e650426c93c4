"""
=====================================================
Finding and down-weighting mislabelled rows with DIVA
=====================================================

DIVA (Dukler et al., ICLR 2022) computes the *dataset derivative*: how the
leave-one-out (LOO) loss of a linearised model changes when one training row
is up- or down-weighted.  Rows whose weight increase makes the LOO loss of the
other rows worse are the ones that hurt, typically mislabelled rows.  All of
it is computed in closed form, without retraining a single model.

In this example we swap 30% of the labels of scikit-learn's digits between
digits annotators confuse (1-7, 3-8, 4-9), find them with
:class:`~sklearn_iclr.valuation.DIVAWeighter` beside the check most users try
first (the out-of-fold probability of the given label under a logistic
regression, the cleanlab recipe), and retrain a logistic regression with the
DIVA weights through
:class:`~sklearn_iclr.valuation.DIVAReweightedClassifier`.
"""

# %%
# Noisy digits
# ------------
# We keep the digits 1, 3, 4, 7, 8 and 9 and a clean test set, and swap 30%
# of the training labels for the confusable partner digit.
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import cross_val_predict, train_test_split

from sklearn_iclr.valuation import (
    DIVAReweightedClassifier,
    DIVAWeighter,
    find_label_issues,
)

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

PAIRS = {1: 7, 7: 1, 3: 8, 8: 3, 4: 9, 9: 4}
X, y = load_digits(return_X_y=True)
keep = np.isin(y, list(PAIRS))
X, y = X[keep] / 16.0, y[keep]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=400 if FAST else 700, random_state=0, stratify=y
)
rng = np.random.RandomState(0)
flipped = rng.rand(len(y_train)) < 0.3
y_noisy = y_train.copy()
y_noisy[flipped] = [PAIRS[label] for label in y_noisy[flipped]]
print(f"{flipped.sum()} of {len(y_noisy)} training labels swapped")

# %%
# The dataset derivative
# ----------------------
# ``score_samples`` returns minus the derivative of the LOO loss with respect
# to each row's weight: low values are suspicious.  A few projected gradient
# steps on the weights give ``sample_weight_``.  Beside it, the out-of-fold
# probability that a logistic regression gives the noisy label.
weighter = DIVAWeighter().fit(X_train, y_noisy)
values = weighter.score_samples(X_train, y_noisy)
auroc = roc_auc_score(flipped, -values)
proba = cross_val_predict(
    LogisticRegression(max_iter=500), X_train, y_noisy, cv=5, method="predict_proba"
)
given = proba[np.arange(len(y_noisy)), np.searchsorted(np.unique(y_noisy), y_noisy)]
auroc_oof = roc_auc_score(flipped, -given)
print(f"detection AUROC, DIVA values:                     {auroc:.3f}")
print(f"detection AUROC, out-of-fold LR label confidence: {auroc_oof:.3f}")
print("LOO loss along the weight steps:", np.round(weighter.loo_loss_path_, 4))

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
bins = np.linspace(values.min(), values.max(), 40)
axes[0].hist(values[~flipped], bins=bins, alpha=0.6, density=True, label="clean")
axes[0].hist(values[flipped], bins=bins, alpha=0.6, density=True, label="flipped")
axes[0].set(xlabel="DIVA value", ylabel="density", title="Values of the rows")
axes[0].legend()
fpr, tpr, _ = roc_curve(flipped, -values)
axes[1].plot(fpr, tpr, label=f"DIVA (AUROC {auroc:.3f})")
fpr, tpr, _ = roc_curve(flipped, -given)
axes[1].plot(fpr, tpr, label=f"out-of-fold LR (AUROC {auroc_oof:.3f})")
axes[1].plot([0, 1], [0, 1], "k:")
axes[1].set(
    xlabel="false positive rate",
    ylabel="true positive rate",
    title="Detecting flipped labels",
)
axes[1].legend()
fig.tight_layout()

# %%
# Flagging label issues
# ---------------------
# :func:`~sklearn_iclr.valuation.find_label_issues` ranks the rows, most
# suspicious first; here we inspect as many rows as there are swapped labels.
issues = find_label_issues(X_train, y_noisy, n_issues=int(flipped.sum()))
precision = flipped[issues].mean()
print(f"precision of the {len(issues)} flagged rows: {precision:.2f}")

fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, i in zip(axes, issues[:8]):
    ax.imshow(X_train[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"label {y_noisy[i]}", fontsize=9)
    ax.axis("off")
fig.suptitle("The eight most suspicious rows and their (noisy) labels")

# %%
# Retraining with the DIVA weights
# --------------------------------
# The reweighted classifier fits the weights, then the logistic regression
# with ``sample_weight``.  A larger ``step_size`` than the default 0.1 lets
# the weights of harmful rows fall further in the three steps.  The unweighted
# logistic regression is the baseline.
base = LogisticRegression(max_iter=500).fit(X_train, y_noisy)
reweighted = DIVAReweightedClassifier(
    LogisticRegression(max_iter=500), weighter=DIVAWeighter(step_size=0.5)
).fit(X_train, y_noisy)
print(f"test accuracy, unweighted:     {base.score(X_test, y_test):.3f}")
print(f"test accuracy, DIVA-reweighted: {reweighted.score(X_test, y_test):.3f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.hist(
    [reweighted.sample_weight_[~flipped], reweighted.sample_weight_[flipped]],
    bins=20,
    label=["clean", "flipped"],
)
ax.set(xlabel="DIVA weight", ylabel="rows", title="Optimised weights")
ax.legend()
plt.show()
