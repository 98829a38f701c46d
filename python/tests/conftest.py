"""Shared fixtures of the Python tests (run by ctest with PYTHONPATH=build/python,
GPUSIM_BINARY, GPUSIM_SOURCE_DIR and GPUSIM_BUILD_DIR set; see python/CMakeLists.txt)."""

import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("GPUSIM_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BUILD_DIR = pathlib.Path(os.environ.get("GPUSIM_BUILD_DIR", SOURCE_DIR / "build"))
BINARY = os.environ.get("GPUSIM_BINARY", str(BUILD_DIR / "sim" / "gpusim"))


def gpusim_cli(*args, cwd=SOURCE_DIR, check=True):
    """Runs the gpusim command; returns (exit status, stdout, stderr)."""
    done = subprocess.run([BINARY, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"gpusim {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def cli():
    return gpusim_cli


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture(autouse=True)
def _repository_root(monkeypatch):
    # Scenario paths in the tests (and in docs/python.md) are relative to the repository root.
    monkeypatch.chdir(SOURCE_DIR)
