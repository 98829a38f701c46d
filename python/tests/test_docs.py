"""docs/python.md runs: every ```python block in order, in one namespace, from
the repository root; a ```text block right after one is what it must print."""

import contextlib
import io
import re

from conftest import SOURCE_DIR

BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def examples():
    """(code, expected output or None) for each python block of docs/python.md."""
    page = (SOURCE_DIR / "docs" / "python.md").read_text()
    blocks = [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(page)]
    out = []
    for i, (lang, body, _, end) in enumerate(blocks):
        if lang != "python":
            continue
        follows = blocks[i + 1] if i + 1 < len(blocks) else None
        expected = follows[1] if follows and follows[0] == "text" and not page[end:follows[2]].strip() else None
        out.append((body, expected))
    return out


def test_the_page_has_the_tour():
    codes = [code for code, _ in examples()]
    assert len(codes) >= 8
    assert any("gpusim.sweep" in c and ".plot(" in c for c in codes)  # a sweep plotted with matplotlib
    assert any("gpusim.mc" in c and "hist(" in c for c in codes)      # a Monte Carlo histogram
    six_lines = codes[0].strip().splitlines()
    assert len(six_lines) == 6 and "utilization" in codes[0]           # the 22% in six lines


def test_every_example_runs_and_prints_what_the_page_says():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace = {"__name__": "docs_python_md"}
    for number, (code, expected) in enumerate(examples(), 1):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"docs/python.md example {number}", "exec"), namespace)
        if expected is not None:
            assert printed.getvalue() == expected, f"example {number}"
    assert plt.get_fignums(), "the sweep and the histogram drew figures"
    plt.close("all")
