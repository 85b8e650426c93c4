"""Small, fast constructor settings of the domain-adaptation estimators."""

_TINY = dict(hidden_sizes=(16,), max_epochs=30, batch_size=32, lr=1e-2)

INIT_PARAMS = {
    "GRDAClassifier": dict(_TINY),
    "GRDARegressor": dict(_TINY),
}

EXPECTED_FAILED_CHECKS = {
    "GRDAClassifier": {
        "check_classifiers_classes": (
            "its last case trains on labels {-1, 1}, but -1 marks an unlabelled "
            "row (the sklearn.semi_supervised convention), so only one class is "
            "left; scikit-learn exempts its own semi-supervised classifiers from "
            "this case by name. String labels are tested in "
            "tests/domain_adaptation/test_grda.py."
        ),
    },
}
