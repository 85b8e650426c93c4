"""Constructor settings of the valuation estimators for the common checks."""

from sklearn.linear_model import LogisticRegression, Ridge

INIT_PARAMS = {
    "DIVAWeighter": [{}, {"kernel": "rbf", "n_steps": 1}],
    "DIVAReweightedClassifier": {"estimator": LogisticRegression(max_iter=200)},
    "DIVAReweightedRegressor": {"estimator": Ridge(alpha=0.1)},
    "NetworkFeaturizer": [
        {"max_epochs": 2, "hidden_sizes": (8,), "random_state": 0},
        {"features": "jacobian", "max_epochs": 2, "hidden_sizes": (8, 4)},
    ],
}

_PIPELINE_STEP = (
    "fit_transform raises by design: a Pipeline cannot hand the weights to the "
    "next step, so the weighter as a Pipeline step is an error pointing to "
    "DIVAReweightedClassifier / DIVAReweightedRegressor (issue 30)"
)
EXPECTED_FAILED_CHECKS = {
    "DIVAWeighter": {
        "check_fit_score_takes_y": _PIPELINE_STEP,
        "check_pipeline_consistency": _PIPELINE_STEP,
        "check_transformer_data_not_an_array": _PIPELINE_STEP,
        "check_transformer_general": _PIPELINE_STEP,
        "check_transformer_preserve_dtypes": _PIPELINE_STEP,
    },
}
