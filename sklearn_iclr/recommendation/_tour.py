"""Quick-tour step of the recommendation family: RIM on generated events."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from .._tour import TourResult


def rim_step(fast=False, verbose=0):
    """RIM: target the users who will consume an item in the next window."""
    from ..datasets import make_hawkes_events
    from ._metrics import precision_at_k
    from ._rim import RecurrentIntensityRecommender
    from ._split import temporal_user_split, window_targets

    ev = make_hawkes_events(
        n_users=300 if fast else 1000,
        n_items=50,
        end_time=100.0,
        baseline_spread=2.0,
        random_state=0,
    )
    train, test = temporal_user_split(ev.data, horizon=10.0)
    gru = RecurrentIntensityRecommender(
        intensity="hawkes",
        horizon=10.0,
        hidden_size=16 if fast else 32,
        n_layers=1,
        max_len=50,
        max_epochs=5 if fast else 15,
        random_state=0,
        verbose=verbose,
    ).fit(train)
    Y = window_targets(test, gru.users_, gru.items_)
    with_hawkes = precision_at_k(Y, gru.predict_matrix(), k=0.05, target="users")
    gru.refit_intensity("none")  # the same GRU without an activity model
    alone = precision_at_k(Y, gru.predict_matrix(), k=0.05, target="users")
    return TourResult(
        estimator="RecurrentIntensityRecommender",
        did=(
            f"{len(train)} events of {len(gru.users_)} users with Hawkes activity; "
            "ranked users per item for the next window"
        ),
        headline=(
            f"user-targeting precision@5% GRU x Hawkes {100 * with_hawkes:.1f}%, "
            f"GRU alone {100 * alone:.1f}%"
        ),
    )


STEPS = [rim_step]
