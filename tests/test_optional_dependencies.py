"""What works without the optional extras, and the error when one is missing.

Each check runs in a fresh interpreter in which importing torch, skorch,
sentence-transformers and sktime fails, as after ``pip install sklearn-iclr``
without extras.
"""

import subprocess
import sys
import textwrap

BLOCK = """
import sys

class _NotInstalled:
    BLOCKED = {"torch", "skorch", "sentence_transformers", "sktime", "tqdm"}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, _NotInstalled())
"""


def _run(code):
    result = subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_valuation_fits_without_torch():
    out = _run(
        """
        import numpy as np
        from sklearn_iclr.valuation import DIVAWeighter, find_label_issues

        rng = np.random.RandomState(0)
        X = rng.normal(size=(80, 4))
        y = (X[:, 0] > 0).astype(int)
        y[:5] = 1 - y[:5]
        scores = DIVAWeighter().fit(X, y).score_samples(X, y)
        assert np.isfinite(scores).all()
        find_label_issues(X, y)
        print("torch" in sys.modules)
        """
    )
    assert out == "False"


def test_explainer_with_a_black_box_model_works_without_torch():
    out = _run(
        """
        from sklearn_iclr.datasets import make_pedestrian_scenes
        from sklearn_iclr.explain import (
            ConstantVelocityPredictor, ShapleyTrajectoryExplainer)

        scenes = make_pedestrian_scenes(n_samples=20, random_state=0)
        X, y = scenes.data, scenes.target
        model = ConstantVelocityPredictor().fit(X, y)
        phi = ShapleyTrajectoryExplainer(model).fit(X).transform(X, y)
        print(phi.shape[0], "torch" in sys.modules)
        """
    )
    assert out == "20 False"


def test_a_missing_extra_is_named_in_the_error():
    out = _run(
        """
        try:
            import sklearn_iclr.graph
        except ImportError as err:
            print(str(err))
        """
    )
    assert "pip install 'sklearn-iclr[torch]'" in out
