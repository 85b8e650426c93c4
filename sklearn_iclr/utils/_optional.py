"""Importing an optional dependency with an error that names the extra to install."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import importlib

__all__ = ["import_optional", "missing_extra_message"]


def missing_extra_message(module, extra, err=None):
    """The message of a missing optional dependency."""
    cause = f" ({err})" if err is not None else ""
    return (
        f"{module} is required here but could not be imported{cause}. Install "
        f"the extra that brings it: pip install 'sklearn-iclr[{extra}]' "
        "(or 'sklearn-iclr[all]'). On a machine without a GPU, install torch's "
        "CPU wheel first (pip install torch --index-url "
        "https://download.pytorch.org/whl/cpu) to avoid gigabytes of CUDA "
        "packages."
    )


def import_optional(module, extra):
    """Import ``module`` or raise ``ImportError`` naming the extra to install.

    Parameters
    ----------
    module : str
        Dotted module name, for example ``"sktime.datatypes"``.
    extra : str
        The sklearn-iclr extra that installs it, for example ``"torch"``,
        ``"text"``, ``"timeseries"``, ``"distributed"`` or ``"ann"``.

    Returns
    -------
    module : module
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(missing_extra_message(module, extra, err)) from err
