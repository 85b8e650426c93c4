"""The top-level package: version, lazy imports, discovery."""

import subprocess
import sys

import pytest

import sklearn_iclr
from sklearn_iclr.utils import all_estimators


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_version():
    assert sklearn_iclr.__version__ == "0.1.0.dev0"


def test_import_does_not_import_torch():
    out = _run(
        "import sys, sklearn_iclr; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    assert out == "False False"


def test_datasets_import_does_not_import_torch():
    out = _run("import sys, sklearn_iclr.datasets; print('torch' in sys.modules)")
    assert out == "False"


def test_subpackages_are_lazy_attributes():
    assert sklearn_iclr.utils.all_estimators is all_estimators
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = sklearn_iclr.nope


def test_all_estimators_type_filter():
    every = all_estimators()
    transformers = all_estimators(type_filter="transformer")
    assert set(transformers) <= set(every)
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators(type_filter="banana")
