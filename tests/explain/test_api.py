"""scikit-learn API checks that do not need tabular data.

The estimators of this family take 4-D scenes and declare
``input_tags.two_d_array=False``, so ``parametrize_with_checks`` skips its
tabular checks for them; the data-independent checks run here.
"""

import pytest
from sklearn.base import clone
from sklearn.utils import estimator_checks as ec

from sklearn_iclr.explain import (
    ConstantVelocityPredictor,
    ShapleyTrajectoryExplainer,
    SocialAttentionPredictor,
)
from sklearn_iclr.utils import all_estimators

ESTIMATORS = [
    ConstantVelocityPredictor(),
    SocialAttentionPredictor(hidden_size=4, max_epochs=1, random_state=0),
    ShapleyTrajectoryExplainer(ConstantVelocityPredictor()),
]

CHECKS = [
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_mixin_order",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_parameters_default_constructible",
    "check_do_not_raise_errors_in_init_or_set_params",
]


@pytest.mark.parametrize("check_name", CHECKS)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_api_check(estimator, check_name):
    check = getattr(ec, check_name, None)
    if check is None:
        pytest.skip(f"{check_name} is not in this scikit-learn")
    check(type(estimator).__name__, clone(estimator))


def test_estimators_are_discovered():
    names = {name for name, _ in all_estimators()}
    assert {
        "ConstantVelocityPredictor",
        "SocialAttentionPredictor",
        "ShapleyTrajectoryExplainer",
    } <= names
