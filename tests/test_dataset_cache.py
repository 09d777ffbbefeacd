"""The prepared-dataset cache is bounded: least recently used files go beyond N files or M MB (issue #15, item 17)."""

from __future__ import annotations

import os

import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write

from veedel_lib.errors import ConfigurationError
from veedel_lib.inputs import dataset
from veedel_lib.inputs.dataset import load_dataset


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of its own, and no datasets kept in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("VEEDEL_CACHE", str(folder))
    monkeypatch.setattr(dataset, "_IN_MEMORY", type(dataset._IN_MEMORY)())
    return folder / "prepared"


def variant(small_data, number: int):
    """The small data with a different population in 10101, so each variant has its own cache key."""
    rows = [(u, y, v, 3000 + number if (u, v) == ("10101", "population") else c) for u, y, v, c in VALID_ROWS]
    write(small_data / "statistics.csv", statistics_rows(rows))
    return small_data


def test_cache_keeps_at_most_n_files_the_least_recently_used_go(cache, small_data, monkeypatch):
    """Regression: the cache under ~/.cache/veedel grew without limit (77 MB for one large file)."""
    monkeypatch.setenv("VEEDEL_CACHE_MAX_FILES", "2")
    load_dataset(variant(small_data, 1), PARAMETERS)
    [first] = list(cache.glob("*.pkl"))
    load_dataset(variant(small_data, 2), PARAMETERS)
    second = next(p for p in cache.glob("*.pkl") if p != first)
    os.utime(first, (1_000, 1_000))
    os.utime(second, (2_000, 2_000))
    dataset._IN_MEMORY.clear()
    load_dataset(variant(small_data, 1), PARAMETERS)       # read from the cache: now the most recently used
    assert first.stat().st_atime > second.stat().st_atime
    load_dataset(variant(small_data, 3), PARAMETERS)
    files = set(cache.glob("*.pkl"))
    assert len(files) == 2 and first in files and second not in files


def test_cache_keeps_at_most_m_megabytes(tmp_path, monkeypatch):
    from veedel_lib.inputs.dataset import prune_prepared

    monkeypatch.setenv("VEEDEL_CACHE_MAX_MB", "1")
    folder = tmp_path / "prepared"
    folder.mkdir()
    paths = []
    for number in range(4):
        path = folder / f"{number}.pkl"
        path.write_bytes(b"x" * 400_000)
        os.utime(path, (1_000 + number, 1_000 + number))
        paths.append(path)
    removed = prune_prepared(folder, keep=paths[0])
    assert set(folder.glob("*.pkl")) == {paths[0], paths[3]}          # the file just written and the newest
    assert set(removed) == {paths[1], paths[2]}


def test_a_bad_bound_is_a_german_configuration_error(tmp_path, monkeypatch):
    from veedel_lib.inputs.dataset import prune_prepared

    monkeypatch.setenv("VEEDEL_CACHE_MAX_FILES", "viele")
    with pytest.raises(ConfigurationError, match="VEEDEL_CACHE_MAX_FILES muss eine ganze Zahl ab 1 sein"):
        prune_prepared(tmp_path)
