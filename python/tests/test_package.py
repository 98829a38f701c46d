"""Install and package: `cmake --install` lays out the command, the module,
the man page and bash completion; the .deb built by CPack unpacks into a
scratch folder and runs from there (`gpusim --version`, `gpusim run` on a
shipped scenario, `import gpusim`)."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import BINARY, BUILD_DIR, SOURCE_DIR

import gpusim

SCENARIO = "articles/coreweave-2024-utilization.yaml"
COMMANDS = ["run", "solve", "explain", "sweep", "mc", "figures", "validate", "catalog", "docs"]


def run(*args, **kwargs):
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done.stdout


def clean_env(**extra):
    """The environment without this build's module on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    out = tmp_path_factory.mktemp("cpack")
    cpack = os.environ.get("GPUSIM_CPACK") or shutil.which("cpack") or "cpack"
    run(cpack, "-G", "DEB", "--config", BUILD_DIR / "CPackConfig.cmake", "-B", out)
    arch = run("dpkg", "--print-architecture").strip()
    path = out / f"gpusim_{gpusim.__version__}_{arch}.deb"
    assert path.is_file(), sorted(p.name for p in out.rglob("*.deb"))
    return path


@pytest.fixture(scope="module")
def unpacked(deb, tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    run("dpkg-deb", "-x", deb, root)
    return root


def test_the_deb_depends_on_debian_runtime_packages(deb):
    depends = run("dpkg-deb", "-f", deb, "Depends")
    for package in ("libyaml-cpp0.7", "libspdlog1", "gnuplot-nox", "python3 (>= 3.", "python3-pandas"):
        assert package in depends, depends
    assert run("dpkg-deb", "-f", deb, "Package").strip() == "gpusim"
    assert run("dpkg-deb", "-f", deb, "Version").strip() == gpusim.__version__


def test_the_unpacked_command_runs_a_shipped_scenario(unpacked):
    command = unpacked / "usr/bin/gpusim"
    assert run(command, "--version").strip() == f"gpusim {gpusim.__version__}"
    shipped = unpacked / "usr/share/gpusim/scenarios" / SCENARIO
    summary = json.loads(run(command, "run", shipped, "--format", "json"))
    built = json.loads(run(BINARY, "run", SOURCE_DIR / "scenarios" / SCENARIO, "--format", "json"))
    assert summary == built
    # 300M GPU-h are 62% of revenue at one price: 300M / 0.62 / (250,000 × 8,760 h) = 0.2209.
    assert summary["utilization"]["billed"] == pytest.approx(300e6 / 0.62 / 2.19e9, rel=1e-9)


def test_the_unpacked_module_imports_and_runs(unpacked):
    site = unpacked / "usr/lib/python3/dist-packages"
    code = ("import gpusim, sys; r = gpusim.load(sys.argv[1]).run(); "
            "print(gpusim.__file__); print(gpusim.__version__); print(repr(r.summary['utilization']['billed']))")
    out = run(sys.executable, "-c", code, unpacked / "usr/share/gpusim/scenarios" / SCENARIO,
              env=clean_env(PYTHONPATH=str(site)), cwd=unpacked).splitlines()
    assert out[0].startswith(str(site / "gpusim"))
    assert out[1] == gpusim.__version__
    assert float(out[2]) == gpusim.load(SOURCE_DIR / "scenarios" / SCENARIO).run().summary["utilization"]["billed"]


def test_the_man_page_holds_every_commands_help(unpacked):
    page = gzip.decompress((unpacked / "usr/share/man/man1/gpusim.1.gz").read_bytes()).decode()
    assert page.startswith(".TH GPUSIM 1")
    for command in COMMANDS:
        assert f".SS gpusim {command}\n" in page
    # Every option of `gpusim run --help` is there.
    for option in re.findall(r"--[a-z-]+", run(BINARY, "run", "--help")):
        assert option in page


def complete(script, *words):
    """The completions bash offers after `words` (the last one being completed)."""
    words_text = " ".join(f"'{w}'" for w in words)
    return run("bash", "-c", f"source '{script}'; COMP_WORDS=({words_text}); COMP_CWORD={len(words) - 1}; "
                             "_gpusim; printf '%s\\n' \"${COMPREPLY[@]}\"").split()


def test_bash_completion_offers_commands_options_and_values(unpacked):
    script = unpacked / "usr/share/bash-completion/completions/gpusim"
    command = str(unpacked / "usr/bin/gpusim")
    assert complete(script, command, "") == COMMANDS
    assert complete(script, command, "s") == ["solve", "sweep"]
    assert set(complete(script, command, "run", "--")) == {"--help", "--set", "--format", "--out", "--every", "--engine"}
    assert complete(script, command, "run", "--engine", "") == ["step", "segment"]
    assert complete(script, command, "run", "--format", "") == ["table", "json", "csv"]
    assert complete(script, command, "mc", "--r") == ["--runs"]


def test_cmake_install_lays_out_the_command_module_man_page_and_completion(tmp_path):
    run(os.environ.get("GPUSIM_CMAKE", "cmake"), "--install", BUILD_DIR, "--prefix", tmp_path)
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    for path in ("bin/gpusim", f"lib/python{minor}/dist-packages/gpusim/__init__.py",
                 f"lib/python{minor}/dist-packages/gpusim/__init__.pyi",
                 "share/man/man1/gpusim.1.gz", "share/bash-completion/completions/gpusim",
                 "share/gpusim/scenarios/figures.yaml", "share/doc/gpusim/python.md"):
        assert (tmp_path / path).is_file(), path
    assert list((tmp_path / f"lib/python{minor}/dist-packages/gpusim").glob("_gpusim*.so"))
