"""Settings of the time-series estimators for the common checks."""

# Tiny networks and one epoch: the checks test the API, not the samples. The
# checks' arrays have as few as 2 columns (timepoints), fewer than the 8 steps
# ``window_length=None`` needs, so the window is set.
_TINY_PSAGAN = {
    "window_length": 2,
    "hidden": 4,
    "noise_channels": 2,
    "max_epochs": 1,
    "batch_size": 32,
    "random_state": 0,
}

INIT_PARAMS = {
    # The second configuration adds per-window scaling and seasonal time
    # features.
    "PSAGANGenerator": [
        _TINY_PSAGAN,
        {
            **_TINY_PSAGAN,
            "scaling": "window",
            "seasonal_periods": (4,),
        },
    ],
    "TS2VecEncoder": {
        "output_dims": 3,
        "hidden_dims": 4,
        "depth": 1,
        "max_epochs": 1,
        "random_state": 0,
    },
}

# PSAGANGenerator is absent on purpose: it passes every check of scikit-learn 1.9.1.
# A generator has no predict/transform/score, and scikit-learn only runs the
# method-based checks (pickled predictions, subset invariance, fit idempotence,
# n_features_in_ after fitting, ...) on the methods an estimator has, so those
# checks pass without testing anything for it; tests/timeseries/test_psa_gan.py
# covers the equivalent properties of ``sample`` (pickling, repeatability,
# shapes). 2-D X is read as (n_series, n_timepoints), so every check's data is
# a valid panel; too-short series (1 timepoint) raise the "1 feature(s)" error
# check_fit2d_1feature accepts.
EXPECTED_FAILED_CHECKS = {
    "PSAGANGenerator": {
        # sktime reads a 1-D array (like a pandas Series) as one univariate
        # series; PSAGANGenerator follows it and fits that series instead of
        # raising (tests/timeseries/test_psa_gan.py checks it).
        "check_fit1d": "a 1-D array is one univariate series, as in sktime",
    },
    "TS2VecEncoder": {
        # TS2Vec representations are length-agnostic: transform embeds windows
        # of any length (only the channel count must match), so a different
        # number of columns than in fit is valid input.
        "check_n_features_in_after_fitting": "transform accepts any window length",
        "check_transformer_general": "transform accepts any window length",
        # float32 convolutions over different batch sizes differ by ~1e-7.
        "check_methods_subset_invariance": "float32 round-off across batches",
        "check_methods_sample_order_invariance": "float32 round-off across batches",
    },
}
