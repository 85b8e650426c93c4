"""Small, fast constructor settings of the recommendation estimators."""

INIT_PARAMS = {
    "RecurrentIntensityRecommender": [
        dict(hidden_size=8, n_layers=1, max_len=8, max_epochs=2, n_decays=2),
        dict(relevance="popularity", intensity="hawkes_poisson", n_decays=2),
    ],
}

_TWO_COLUMNS = (
    "the check generates X with make_blobs(n_features=2), but an event log "
    "needs three columns (user, item, timestamp) and a two-column table is "
    "rejected with a clear error; tests/recommendation/test_rim.py runs the same "
    "property on a three-column log (test_sklearn_contract_on_event_logs)."
)

EXPECTED_FAILED_CHECKS = {
    "RecurrentIntensityRecommender": {
        check: _TWO_COLUMNS
        for check in (
            "check_estimators_overwrite_params",
            "check_estimators_fit_returns_self",
            "check_readonly_memmap_input",
            "check_fit_idempotent",
            "check_fit_check_is_fitted",
            "check_n_features_in",
        )
    },
}
