"""Sphinx extension: the Benchmarks page, generated from the canonical results.

At every build it reads ``benchmarks/results/<preset>/<table>.json`` (written by
``benchmarks/_harness.py``) and writes ``docs/benchmark_results.rst``: one
section per benchmark script (label ``bench-<script>``), one table per result
with our mean ± std over seeds beside the paper's figure, the figure, and the
provenance of the run. Nothing on that page is typed by hand, so every number
in the docs traces back to a JSON and the preset that wrote it.
"""

import ast
import json
import re
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
REPO = DOCS.parent
BENCHMARKS = REPO / "benchmarks"
RESULTS = BENCHMARKS / "results"
PAGE = DOCS / "benchmark_results.rst"
FIGURES = DOCS / "_benchmark_figures"
PRESET_ORDER = ("paper", "peers", "quick")


def _heading(text, char):
    return f"{text}\n{char * len(text)}\n"


def _script_title(script):
    doc = ast.get_docstring(ast.parse(script.read_text())) or script.stem
    return doc.strip().splitlines()[0].rstrip(".")


def _fmt(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(stat):
    if not stat or stat.get("mean") is None:
        return "n/a"
    if stat["n"] > 1:
        return f"{stat['mean']:.4g} ± {stat['std']:.2g} (n={stat['n']})"
    return f"{stat['mean']:.4g}"


def _escape(text):
    """A table cell: ``|`` escaped, then as prose."""
    return _prose(str(text).replace("|", "\\|"))


def _prose(text):
    """Text from a result file, safe as reST (``name_`` is not a link, and
    ``*`` is a literal star, as in ``*_exponent``, not emphasis)."""
    parts = re.split(r"(``.*?``)", text)  # leave inline literals alone
    return "".join(
        part if i % 2 else _escape_markup(part) for i, part in enumerate(parts)
    )


def _escape_markup(part):
    return re.sub(r"(?<=\w)_(?=\W|$)", r"\\_", part).replace("*", r"\*")


def render_table(doc):
    """The reST of one result file."""
    by, metrics = doc["by"], doc["metrics"]
    paper = {tuple(str(p.get(c)) for c in by): p for p in doc.get("paper") or []}
    with_paper = [m for m in metrics if any(m in p for p in paper.values())]
    header = list(by)
    for metric in metrics:
        arrow = " ↓" if metric in doc.get("lower_is_better", []) else ""
        header.append(f"{metric}{arrow}")
        if metric in with_paper:
            header.append(f"{metric} (paper)")
    rows = []
    seen = set()
    for entry in doc["summary"]:
        key = tuple(str(entry.get(c)) for c in by)
        seen.add(key)
        row = [_fmt(entry.get(c)) for c in by]
        for metric in metrics:
            row.append(_cell(entry.get(metric)))
            if metric in with_paper:
                row.append(_fmt(paper.get(key, {}).get(metric)))
        rows.append(row)
    for key, figures in paper.items():  # the paper's settings we did not run
        if key in seen:
            continue
        row = list(key)
        for metric in metrics:
            row.append("not run")
            if metric in with_paper:
                row.append(_fmt(figures.get(metric)))
        rows.append(row)
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {_escape(row[0]) or ' '}")
        lines += [f"     - {_escape(cell) or ' '}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def _provenance(doc):
    prov = doc.get("provenance", {})
    parts = prov.get("parts")
    if parts:
        revisions = sorted({p.get("git_revision", "?")[:10] for p in parts})
        seconds = sum(p.get("wall_seconds", 0) for p in parts)
        machine = parts[0].get("machine", {})
        when = ", ".join(sorted({p.get("started", "?")[:10] for p in parts}))
        how = f"merged from {len(parts)} parts (seeds {[p['seeds'] for p in parts]})"
    else:
        revisions = [str(prov.get("git_revision", "?"))[:10]]
        seconds = prov.get("wall_seconds", 0)
        machine = prov.get("machine", {})
        when = str(prov.get("started", "?"))[:10]
        how = "one run"
    command = f"python benchmarks/{doc.get('script', '?')}.py --preset {doc['preset']}"
    return (
        f"*Run:* ``{command}`` ({how}) at revision {', '.join(revisions)} on {when}; "
        f"{seconds / 60:.1f} min on {machine.get('cpu_count', '?')} CPUs"
        f"{', ' + machine['cuda'] if machine.get('cuda') else ''}."
    )


def render_page():
    """The whole page, and the figures copied next to it."""
    if FIGURES.exists():
        shutil.rmtree(FIGURES)
    documents = {}
    for path in sorted(RESULTS.glob("*/*.json")):
        doc = json.loads(path.read_text())
        doc["_png"] = path.with_suffix(".png")
        documents.setdefault(doc.get("script") or path.stem.split("_")[0], []).append(
            doc
        )
    out = [
        ".. _benchmark-results:\n",
        _heading("Benchmark results", "="),
        "Every figure on this page is read from ``benchmarks/results/<preset>/`` "
        "when the documentation is built; the run behind it is named under each "
        "table (see ``benchmarks/README.md``). Our figures are the mean ± standard "
        "deviation over seeds (n seeds); the paper's figure is beside ours where "
        "the paper reports one. Times come from shared 2-core machines, so "
        "compare the ratios measured side by side in one run.\n",
    ]
    scripts = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))
    for script in scripts:
        out.append(f".. _bench-{script.stem}:\n")
        out.append(_heading(f"{_script_title(script)}", "-"))
        out.append(f"Script: ``benchmarks/{script.name}``.\n")
        docs = documents.get(script.stem, [])
        if not docs:
            out.append(
                "No canonical result yet: run "
                f"``python benchmarks/{script.name} --preset quick``.\n"
            )
            continue
        rank = {p: i for i, p in enumerate(PRESET_ORDER)}
        docs.sort(key=lambda d: (rank.get(d["preset"], 99), d["benchmark"]))
        for doc in docs:
            title = doc.get("title") or doc["benchmark"]
            out.append(f".. _bench-{doc['preset']}-{doc['benchmark']}:\n")
            out.append(_heading(f"{_prose(title)} — preset ``{doc['preset']}``", "~"))
            if doc.get("notes"):
                out.append(_prose(doc["notes"].strip()) + "\n")
            out.append(render_table(doc))
            if doc["_png"].exists():
                target = FIGURES / doc["preset"] / doc["_png"].name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(doc["_png"], target)
                rel = target.relative_to(DOCS).as_posix()
                out.append(f".. image:: /{rel}\n   :width: 90%\n")
            out.append(_provenance(doc) + "\n")
    return "\n".join(out)


def _generate(app):
    text = render_page()
    if not PAGE.exists() or PAGE.read_text() != text:
        PAGE.write_text(text)


def setup(app):
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "version": "1"}


if __name__ == "__main__":
    _generate(None)
    print(f"wrote {PAGE}")
