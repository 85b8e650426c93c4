"""Sphinx configuration for the sklearn-iclr documentation."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import sklearn_iclr  # noqa: E402

project = "sklearn-iclr"
author = "sklearn-iclr developers"
copyright = "2026, sklearn-iclr developers"
release = sklearn_iclr.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "benchmark_results",  # docs/_ext: the Benchmarks page from benchmarks/results
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-iclr {release}"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}

intersphinx_mapping = {}  # no network here: references to other projects stay plain

sphinx_gallery_conf = {
    "doc_module": "sklearn_iclr",
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "backreferences_dir": "generated",
    "reference_url": {"sklearn_iclr": None},
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}
