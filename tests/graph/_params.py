"""Small, fast constructor settings of the graph estimators for the common checks."""

_TINY = dict(
    hidden_sizes=(8,),
    student_hidden_sizes=(8,),
    max_epochs=5,
    student_max_epochs=5,
    patience=3,
    n_neighbors=5,
)

INIT_PARAMS = {
    "ColdBrewEmbedder": dict(_TINY),
    "ColdBrewClassifier": [
        dict(_TINY),
        # the other options: PairNorm, SE on every layer, no validation, no soft labels
        dict(
            _TINY,
            norm="pairnorm",
            se_layers="all",
            validation_fraction=0.0,
            soft_labels=False,
        ),
    ],
    "NeighborhoodPredictionEmbedder": dict(
        n_components=4,
        hidden_sizes=(8,),
        branching_factor=4,
        max_leaf_size=4,
        epochs_per_level=2,
        n_neighbors=5,
    ),
}

EXPECTED_FAILED_CHECKS = {
    "ColdBrewClassifier": {
        "check_classifiers_classes": (
            "its last case trains on labels {-1, 1}, but -1 marks an unlabelled "
            "node (the sklearn.semi_supervised convention), so only one class is "
            "left; scikit-learn exempts its own semi-supervised classifiers from "
            "this case by name (_choose_check_classifiers_labels). String and "
            "object labels are tested in tests/graph/test_cold_brew.py."
        ),
    },
}
