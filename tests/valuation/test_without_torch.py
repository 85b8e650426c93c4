"""sklearn_iclr.valuation works without torch (issue 24)."""

import subprocess
import sys
import textwrap


def test_valuation_imports_and_fits_without_torch():
    code = textwrap.dedent(
        """
        import sys

        class BlockTorch:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "skorch"):
                    raise ImportError(f"{name} is blocked for this test")

        sys.meta_path.insert(0, BlockTorch())
        from sklearn.datasets import load_iris
        from sklearn.linear_model import LogisticRegression

        from sklearn_iclr.valuation import (
            DIVAReweightedClassifier, DIVAWeighter, find_label_issues)

        X, y = load_iris(return_X_y=True)
        DIVAWeighter().fit(X, y).score_samples(X[:5] + 0.1, y[:5])
        DIVAReweightedClassifier(LogisticRegression(max_iter=300)).fit(X, y)
        find_label_issues(X, y)
        assert "torch" not in sys.modules, "torch was imported"
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
