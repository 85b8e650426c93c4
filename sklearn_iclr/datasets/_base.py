"""Data home, checksummed remote files and dataset descriptions.

Every real data set is described by a table of :class:`RemoteFileMetadata`
records: the path of the file relative to the data home, the public URL the
file was copied from, and its SHA-256 checksum. :func:`_fetch_file` is the only
place that touches those files: it checks the checksum of every file it reads,
never writes over an existing file, and downloads a missing file (when allowed)
to a temporary file that is moved into place only once its checksum is right.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import hashlib
import os
import tempfile
from collections import namedtuple
from importlib import resources
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from ..utils._sklearn_compat import validate_params

_DATA_HOME_ENV = "SKLEARN_ICLR_DATA"
_DEFAULT_DATA_HOME = "~/sklearn_iclr_data"

RemoteFileMetadata = namedtuple("RemoteFileMetadata", ["filename", "url", "checksum"])
RemoteFileMetadata.__doc__ = """Where a data file lives, locally and remotely.

Parameters
----------
filename : str
    Path of the file relative to the data home, with ``/`` separators, e.g.
    ``"planetoid/ind.cora.x"``.
url : str
    Public URL of the original file (a raw GitHub URL pinned at a commit).
checksum : str
    Hex SHA-256 digest of the file.
"""


@validate_params(
    {"data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def get_data_home(data_home=None):
    """Return the folder where sklearn-iclr looks for its data sets.

    The folder is, in order of precedence: the ``data_home`` argument, the
    ``SKLEARN_ICLR_DATA`` environment variable, or ``~/sklearn_iclr_data``.
    The files keep the layout of their sources below it, e.g.
    ``<data_home>/planetoid/ind.cora.x`` or
    ``<data_home>/timeseries/ett_small/ETTh1.csv``. Nothing is created here:
    a loader creates the folders of a file only when it is about to download
    it, and removes them again if the download fails.

    Read more in the :ref:`User Guide <datasets>`.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The path to the data folder. If None, use the environment variable
        ``SKLEARN_ICLR_DATA``, else ``~/sklearn_iclr_data``. A leading ``~``
        is expanded.

    Returns
    -------
    data_home : str
        The path to the data folder.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_iclr.datasets import get_data_home
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     get_data_home(folder) == folder
    True
    """
    if data_home is None:
        data_home = os.environ.get(_DATA_HOME_ENV, _DEFAULT_DATA_HOME)
    return os.path.expanduser(os.fspath(data_home))


def _sha256(data):
    """Hex SHA-256 digest of ``data`` (bytes)."""
    return hashlib.sha256(data).hexdigest()


def _local_path(remote, data_home):
    """Absolute local path of ``remote`` below ``data_home``."""
    return os.path.join(data_home, *remote.filename.split("/"))


def _check_checksum(data, remote, path):
    """Raise a clear OSError when ``data`` is not the content of ``remote``."""
    actual = _sha256(data)
    if actual != remote.checksum:
        raise OSError(
            f"The SHA-256 checksum of the data file {path!r} does not match: "
            f"expected {remote.checksum}, got {actual}. The file may be corrupted "
            f"or be another version than the one published at {remote.url}. "
            "It was left untouched; delete or replace it by hand to fetch it again."
        )


def _make_folders(folder):
    """Create ``folder`` and its missing parents; return those created, deepest last."""
    missing = []
    while not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    created = []
    for folder in reversed(missing):
        os.makedirs(folder, exist_ok=True)
        created.append(folder)
    return created


def _download(remote, path, timeout):
    """Download ``remote`` to ``path`` through a checked temporary file.

    The folders made for the file are removed again when the download fails,
    so a failed fetch leaves nothing behind.
    """
    folder = os.path.dirname(path)
    created = _make_folders(folder)
    fd, tmp_path = tempfile.mkstemp(
        prefix="." + os.path.basename(path) + ".", suffix=".part", dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as tmp:
            try:
                with urlopen(remote.url, timeout=timeout) as response:
                    data = response.read()
            except (URLError, OSError, ValueError) as exc:
                raise FileNotFoundError(
                    f"The data file {path!r} is missing and downloading it from "
                    f"{remote.url} failed ({exc}). Copy the file there by hand, "
                    "or point data_home (or the SKLEARN_ICLR_DATA environment "
                    "variable) to a folder that holds it."
                ) from exc
            tmp.write(data)
        actual = _sha256(data)
        if actual != remote.checksum:
            raise OSError(
                f"The file downloaded from {remote.url} has the SHA-256 checksum "
                f"{actual}, expected {remote.checksum}. It was discarded and "
                f"nothing was written to {path!r}."
            )
        if os.path.exists(path):  # another process won the race: keep theirs
            os.remove(tmp_path)
        else:
            os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        for made in reversed(created):
            try:
                os.rmdir(made)  # only if still empty
            except OSError:
                break
        raise
    return data


def _fetch_file(remote, data_home=None, download_if_missing=True, timeout=30):
    """Return the checked content of a data file, downloading it if allowed.

    Parameters
    ----------
    remote : RemoteFileMetadata
        The file to read.
    data_home : str or path-like, default=None
        See :func:`get_data_home`.
    download_if_missing : bool, default=True
        If the file is absent, try to download it from ``remote.url``.
    timeout : float, default=30
        Timeout in seconds of the download.

    Returns
    -------
    data : bytes
        The content of the file, whose SHA-256 checksum was checked.

    Raises
    ------
    FileNotFoundError
        If the file is absent and ``download_if_missing=False``, or if the
        download failed. The message names the expected path and the URL.
    OSError
        If the checksum of the file (local or downloaded) is wrong. A local
        file with a wrong checksum is never modified.
    """
    data_home = get_data_home(data_home)
    path = _local_path(remote, data_home)
    if os.path.exists(path):
        data = Path(path).read_bytes()
        _check_checksum(data, remote, path)
        return data
    if not download_if_missing:
        raise FileNotFoundError(
            f"The data file {path!r} was not found and download_if_missing=False."
            f" Its source is {remote.url} (SHA-256 {remote.checksum}). Copy the "
            "file there, point data_home (or the SKLEARN_ICLR_DATA environment "
            "variable) to a folder that holds it, or pass download_if_missing=True."
        )
    return _download(remote, path, timeout)


def _load_descr(descr_file_name):
    """Read ``descr/<descr_file_name>`` shipped with the package."""
    return (
        resources.files("sklearn_iclr.datasets")
        .joinpath("descr", descr_file_name)
        .read_text(encoding="utf-8")
    )
