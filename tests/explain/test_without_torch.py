"""The explainer with a black-box model needs no torch (issue 24)."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import sys

    class BlockTorch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in ("torch", "skorch"):
                raise ImportError(f"{name} is blocked by the test")

    sys.meta_path.insert(0, BlockTorch())

    from sklearn_iclr.datasets import make_pedestrian_scenes
    from sklearn_iclr.explain import (
        ConstantVelocityPredictor,
        ShapleyTrajectoryExplainer,
        prepare_trajectory_scenes,
    )

    scenes = make_pedestrian_scenes(n_samples=20, random_state=0)
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    phi = ShapleyTrajectoryExplainer(model).fit(X).transform(X, y)
    assert phi.shape == (20, 4), phi.shape
    assert "torch" not in sys.modules
    try:
        from sklearn_iclr.explain import SocialAttentionPredictor
    except ImportError as err:
        assert "torch" in str(err), err
    else:
        raise AssertionError("SocialAttentionPredictor imported without torch")
    print("ok")
    """
)


def test_explain_works_without_torch():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
