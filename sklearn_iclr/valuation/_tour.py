"""Quick-tour steps of the valuation family.

Run them with ``python -m sklearn_iclr --only valuation``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

# Annotators confuse these digits; each flipped label goes to the partner.
_PAIRS = {1: 7, 7: 1, 3: 8, 8: 3, 4: 9, 9: 4}


def _noisy_digits(fast, seed=0, noise=0.3):
    """Digits 1, 3, 4, 7, 8, 9 with ``noise`` of the training labels swapped
    for the confusable partner (1-7, 3-8, 4-9); a clean test set."""
    import numpy as np
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, list(_PAIRS))
    X, y = X[keep] / 16.0, y[keep]
    rng = np.random.RandomState(seed)
    idx = rng.permutation(len(y))
    n_train = 400 if fast else 700
    tr, te = idx[:n_train], idx[n_train:]
    y_noisy = y[tr].copy()
    flipped = rng.rand(n_train) < noise
    y_noisy[flipped] = [_PAIRS[label] for label in y_noisy[flipped]]
    return X[tr], y_noisy, flipped, X[te], y[te]


def diva_label_issues_step(fast, verbose):
    """DIVAWeighter: find swapped digit labels, beside out-of-fold confidence."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    from sklearn_iclr._tour import TourResult
    from sklearn_iclr.valuation import DIVAWeighter

    X, y, flipped, _, _ = _noisy_digits(fast)
    weighter = DIVAWeighter(verbose=verbose).fit(X, y)
    auroc = roc_auc_score(flipped, -weighter.score_samples(X, y))
    # The usual first try (the cleanlab recipe): out-of-fold probability of
    # the given label under a logistic regression.
    proba = cross_val_predict(
        LogisticRegression(max_iter=300), X, y, cv=5, method="predict_proba"
    )
    given = proba[np.arange(len(y)), np.searchsorted(np.unique(y), y)]
    baseline = roc_auc_score(flipped, -given)
    return TourResult(
        estimator="DIVAWeighter",
        did=f"valued {len(y)} digits rows ({flipped.sum()} labels swapped between "
        "1-7, 3-8, 4-9) in closed form, no retraining",
        headline=f"label-error detection AUROC {auroc:.3f} vs {baseline:.3f} for "
        "out-of-fold LogisticRegression confidence",
    )


def diva_reweighted_step(fast, verbose):
    """DIVAReweightedClassifier: retrain on noisy digits with DIVA weights."""
    from sklearn.linear_model import LogisticRegression

    from sklearn_iclr._tour import TourResult
    from sklearn_iclr.valuation import DIVAReweightedClassifier, DIVAWeighter

    X, y, _, X_test, y_test = _noisy_digits(fast)
    base = LogisticRegression(max_iter=300).fit(X, y).score(X_test, y_test)
    clf = DIVAReweightedClassifier(
        LogisticRegression(max_iter=300),
        weighter=DIVAWeighter(step_size=0.5, verbose=verbose),
    ).fit(X, y)
    acc = clf.score(X_test, y_test)
    return TourResult(
        estimator="DIVAReweightedClassifier",
        did=f"LogisticRegression on {len(y)} noisy digits, reweighted by DIVA",
        headline=f"test accuracy {acc:.3f} vs {base:.3f} unweighted",
    )


STEPS = [diva_label_issues_step, diva_reweighted_step]
