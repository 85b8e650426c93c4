# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import hashlib
import io
import os
import shutil
from pathlib import Path
from urllib.error import URLError

import pytest

from sklearn_iclr.datasets import _base, get_data_home, load_stock
from sklearn_iclr.datasets._base import RemoteFileMetadata, _fetch_file
from sklearn_iclr.datasets._timeseries import _STOCK

CONTENT = b"frame ped x y\n"
REMOTE = RemoteFileMetadata(
    filename="toy/sub/file.txt",
    url="https://example.invalid/toy/file.txt",
    checksum=hashlib.sha256(CONTENT).hexdigest(),
)


def _fake_urlopen(content=None, error=None):
    def urlopen(url, timeout=None):
        if error is not None:
            raise error
        return io.BytesIO(content)

    return urlopen


def test_get_data_home_precedence(tmp_path, monkeypatch):
    explicit = tmp_path / "explicit"
    from_env = tmp_path / "env"
    monkeypatch.setenv("SKLEARN_ICLR_DATA", str(from_env))
    assert get_data_home(explicit) == str(explicit)
    assert get_data_home() == str(from_env)

    monkeypatch.delenv("SKLEARN_ICLR_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / "sklearn_iclr_data"
    assert get_data_home() == str(expected)
    # Asking where the data lives creates nothing.
    assert sorted(os.listdir(tmp_path)) == []


def test_loader_without_download_creates_nothing(tmp_path):
    home = tmp_path / "home"
    with pytest.raises(FileNotFoundError):
        load_stock(data_home=home, download_if_missing=False)
    assert not home.exists()


def test_fetch_file_reads_and_checks(tmp_path):
    path = tmp_path / "toy" / "sub" / "file.txt"
    path.parent.mkdir(parents=True)
    path.write_bytes(CONTENT)
    assert _fetch_file(REMOTE, data_home=tmp_path, download_if_missing=False) == (
        CONTENT
    )


def test_fetch_file_missing_no_download(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        _fetch_file(REMOTE, data_home=tmp_path, download_if_missing=False)
    message = str(excinfo.value)
    assert os.path.join(str(tmp_path), "toy", "sub", "file.txt") in message
    assert REMOTE.url in message


def test_fetch_file_downloads_through_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(_base, "urlopen", _fake_urlopen(CONTENT))
    assert _fetch_file(REMOTE, data_home=tmp_path) == CONTENT
    folder = tmp_path / "toy" / "sub"
    assert (folder / "file.txt").read_bytes() == CONTENT
    assert sorted(os.listdir(folder)) == ["file.txt"]  # no temporary file left


def test_fetch_file_failed_download_is_clear(tmp_path, monkeypatch):
    monkeypatch.setattr(
        _base, "urlopen", _fake_urlopen(error=URLError("network unreachable"))
    )
    with pytest.raises(FileNotFoundError, match="download") as excinfo:
        _fetch_file(REMOTE, data_home=tmp_path)
    assert REMOTE.url in str(excinfo.value)
    assert "file.txt" in str(excinfo.value)
    # the folders made for the download are gone again
    assert os.listdir(tmp_path) == []


def test_fetch_file_rejects_wrong_download(tmp_path, monkeypatch):
    monkeypatch.setattr(_base, "urlopen", _fake_urlopen(b"something else"))
    with pytest.raises(OSError, match="checksum") as excinfo:
        _fetch_file(REMOTE, data_home=tmp_path)
    assert REMOTE.checksum in str(excinfo.value)
    assert os.listdir(tmp_path) == []


def test_loader_missing_file_names_path_and_url(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        load_stock(data_home=tmp_path, download_if_missing=False)
    message = str(excinfo.value)
    assert os.path.join(str(tmp_path), "timeseries", "timegan_stock") in message
    assert "stock_data.csv" in message
    assert _STOCK.url in message
    assert _STOCK.url.startswith("https://raw.githubusercontent.com/jsyoon0823/")


def test_loader_offline_download_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(
        _base, "urlopen", _fake_urlopen(error=URLError("Name or service not known"))
    )
    with pytest.raises(FileNotFoundError, match="downloading it from") as excinfo:
        load_stock(data_home=tmp_path, download_if_missing=True)
    assert _STOCK.url in str(excinfo.value)


def test_loader_download_puts_file_in_place(tmp_path, monkeypatch, data_home):
    content = (Path(data_home) / _STOCK.filename).read_bytes()
    monkeypatch.setattr(_base, "urlopen", _fake_urlopen(content))
    stock = load_stock(data_home=tmp_path)
    assert stock.data.shape == (3685, 6)
    assert (tmp_path / _STOCK.filename).read_bytes() == content


def test_corrupted_file_is_reported_and_left_untouched(tmp_path, data_home):
    target = tmp_path / _STOCK.filename
    target.parent.mkdir(parents=True)
    shutil.copyfile(Path(data_home) / _STOCK.filename, target)
    corrupted = bytearray(target.read_bytes())
    corrupted[100] ^= 0xFF
    target.write_bytes(bytes(corrupted))
    actual = hashlib.sha256(bytes(corrupted)).hexdigest()

    for download_if_missing in (False, True):
        with pytest.raises(OSError, match="checksum") as excinfo:
            load_stock(data_home=tmp_path, download_if_missing=download_if_missing)
        message = str(excinfo.value)
        assert str(target) in message
        assert _STOCK.checksum in message
        assert actual in message
        assert not isinstance(excinfo.value, FileNotFoundError)
    assert target.read_bytes() == bytes(corrupted)
    assert os.listdir(target.parent) == ["stock_data.csv"]


def test_shared_data_checksums_match_tables(data_home):
    """Every file of SHA256SUMS is in a loader table with the same checksum."""
    from sklearn_iclr.datasets._domains import _GRDA_TOY, _TPT48
    from sklearn_iclr.datasets._eth_ucy import _FILE_NAMES, _eth_ucy_remote
    from sklearn_iclr.datasets._planetoid import (
        _PLANETOID_CHECKSUMS,
        _planetoid_remote,
    )
    from sklearn_iclr.datasets._recsys import _MOVIELENS_SMALL
    from sklearn_iclr.datasets._sts import _STS_FILES
    from sklearn_iclr.datasets._timeseries import _ETTH1, _EXCHANGE_RATE

    remotes = [_ETTH1, _EXCHANGE_RATE, _STOCK]
    remotes += [*_GRDA_TOY.values(), *_TPT48.values(), *_MOVIELENS_SMALL.values()]
    remotes += list(_STS_FILES["stsbenchmark"].values())
    remotes += [
        _eth_ucy_remote(name, split)
        for name in _FILE_NAMES
        for split in ("all", "train", "val")
    ]
    remotes += [
        _planetoid_remote(name, part)
        for name, parts in _PLANETOID_CHECKSUMS.items()
        for part in parts
    ]
    sums = {}
    for line in (Path(data_home) / "SHA256SUMS").read_text().splitlines():
        checksum, path = line.split()
        sums[path.removeprefix("./")] = checksum
    for remote in remotes:
        assert sums[remote.filename] == remote.checksum, remote.filename
        assert remote.url.startswith("https://raw.githubusercontent.com/")
        assert remote.url.rsplit("/", 1)[1] == remote.filename.rsplit("/", 1)[1]
    loaded = {remote.filename for remote in remotes}
    # only licence/readme files are not loaded
    assert {p for p in sums if p not in loaded} == {
        "domains/LICENSE.VDI",
        "sts/stsbenchmark/LICENSE.txt",
        "sts/stsbenchmark/readme.txt",
        "timeseries/ett_small/LICENSE",
    }
