"""scikit-learn's estimator checks over every public estimator."""

import pytest
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from ._instance_generator import _tested_estimators, expected_failed_checks

ESTIMATORS = list(_tested_estimators())


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_estimators(estimator, check):
    check(estimator)


# parametrize_with_checks leaves out check_param_validation (as in scikit-learn's
# own test_common.py), so it runs separately.
@pytest.mark.parametrize(
    "estimator", ESTIMATORS, ids=[type(e).__name__ for e in ESTIMATORS]
)
def test_check_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def test_every_estimator_is_listed():
    from sklearn_iclr.utils import all_estimators

    names = [name for name, _ in all_estimators()]
    assert names == sorted(set(names))
