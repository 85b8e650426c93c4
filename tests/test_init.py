"""The top-level package: version, lazy imports, discovery."""

import re
import subprocess
import sys
from pathlib import Path

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
    # In a fresh interpreter: here the test session has imported them all.
    out = _run(
        "import sys, sklearn_iclr; "
        "before = 'sklearn_iclr.valuation' in sys.modules; "
        "module = sklearn_iclr.valuation; "
        "print(before, module is sys.modules['sklearn_iclr.valuation'])"
    )
    assert out == "False True"
    assert sklearn_iclr.utils.all_estimators is all_estimators
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = sklearn_iclr.nope


def test_all_estimators_type_filter():
    from sklearn.base import ClassifierMixin, TransformerMixin

    every = all_estimators()
    transformers = all_estimators(type_filter="transformer")
    classifiers = all_estimators(type_filter=["classifier"])
    assert transformers and classifiers
    assert set(transformers) <= set(every)
    assert all(issubclass(cls, TransformerMixin) for _, cls in transformers)
    assert all(issubclass(cls, ClassifierMixin) for _, cls in classifiers)
    assert ("ColdBrewClassifier", sklearn_iclr.graph.ColdBrewClassifier) in classifiers
    assert ("ColdBrewClassifier", sklearn_iclr.graph.ColdBrewClassifier) not in (
        transformers
    )
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators(type_filter="banana")


def test_readme_lists_every_public_estimator():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme[readme.index("| estimator |") :]
    listed = set(re.findall(r"`([A-Z][A-Za-z0-9]+)`", table.split("\n\n")[0]))
    missing = {name for name, _ in all_estimators()} - listed
    assert not missing, f"README's estimator table misses {sorted(missing)}"
