"""Quick-tour step of the text family (``python -m sklearn_iclr --only text``)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

# Hand-written pairs with a rough 0-5 similarity, so the step needs no download.
_PAIRS = [
    ("A dog is running across the park.", "A dog runs through the park.", 4.6),
    ("The child is reading a book.", "A kid reads a book.", 4.4),
    ("Two men are playing football.", "Two men play soccer on a field.", 4.2),
    ("The woman is slicing an onion.", "A woman cuts an onion.", 4.8),
    ("It is raining in the city.", "Rain is falling on the town.", 4.0),
    ("The plane landed safely.", "The aircraft touched down.", 4.5),
    ("He bought a new car.", "He sold his old bicycle.", 1.6),
    ("The soup is too salty.", "The soup needs more salt.", 2.0),
    ("A man is playing a guitar.", "A man is playing a piano.", 2.6),
    ("The cat sleeps on the sofa.", "A dog sleeps on the floor.", 1.8),
    ("The meeting starts at noon.", "The meeting was cancelled.", 1.4),
    ("A dog is running across the park.", "The stock market closed higher.", 0.0),
    ("The child is reading a book.", "Volcanoes erupt molten rock.", 0.0),
    ("Two men are playing football.", "She painted the kitchen blue.", 0.2),
    ("The woman is slicing an onion.", "The server crashed at midnight.", 0.0),
    ("It is raining in the city.", "A cat sleeps on the sofa.", 0.4),
]


def trans_encoder_step(fast, verbose):
    """TransEncoder: unsupervised sentence-pair scoring on hand-written pairs."""
    import warnings

    from sklearn_iclr._tour import TourResult
    from sklearn_iclr.text import TransEncoder

    del fast  # one cycle on 16 pairs takes seconds either way
    pairs = [(a, b) for a, b, _ in _PAIRS]
    gold = [s for _, _, s in _PAIRS]
    est = TransEncoder(
        n_cycles=1,
        cross_batch_size=8,
        cross_max_length=32,
        bi_epochs=1,
        bi_batch_size=8,
        bi_max_length=16,
        verbose=verbose,
        random_state=0,
    )
    # The hand labels are the dev pairs that choose the kept model; when no
    # trained model beats the start on them, fit keeps the start and warns.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est.fit(pairs, dev_pairs=pairs, dev_scores=gold)
    start, trained = est.history_[0], est.history_[1]
    kept = (
        "the starting model"
        if est.best_cycle_["bi"] == 0 and est.predict_with_ == "bi"
        else f"the trained {est.predict_with_}-encoder"
    )
    return TourResult(
        estimator="TransEncoder",
        did=f"1 bi->cross->bi cycle on {len(pairs)} unlabelled pairs "
        "(packaged all-MiniLM-L6-v2), hand labels as dev pairs",
        headline=f"Spearman vs hand labels: starting model {start['bi_dev']:.2f}, "
        f"trained bi-encoder {trained['bi_dev']:.2f}, cross-encoder "
        f"{trained['cross_dev']:.2f}; fit kept {kept} "
        f"({est.score(pairs, gold):.2f})",
    )


STEPS = [trans_encoder_step]
