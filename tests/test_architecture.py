"""The dependency rule (docs/architecture.md): what the import contracts and the composition promise."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "scheduler", "dash", "handlers")
# A dotted path into our own packages, optionally with ":attribute", e.g. "handlers.hours.jobs:fn".
MODULE_PATH = re.compile(r"^(bot|scheduler|dash|handlers)(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*)?$")


def test_the_import_contracts_hold():
    """import-linter: layers (capabilities > scheduler | dash > core), capabilities independent but
    for their public modules, no cycles between siblings. Fails with the offending import chain."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    try:
        TopologicalSorter(edges).prepare()
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_the_core_names_no_capability():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    for module in sorted(m for m in graph.modules if m == "bot" or m.startswith("bot.")):
        outside = {m for m in graph.find_modules_directly_imported_by(module) if m.split(".")[0] != "bot"}
        assert not outside, f"{module} imports {sorted(outside)}"


def _strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_module_path_written_as_a_string():
    """Modules are imported, never looked up by name: a string path hides a dependency from the contracts."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, value in _strings(path):
                if MODULE_PATH.match(value.strip()):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert not found, "\n".join(found)


def test_the_composition_list_names_every_capability_package_once():
    from handlers.composition import CAPABILITIES

    packages = sorted(p.name for p in (ROOT / "handlers").iterdir() if (p / "capability.py").exists())
    assert sorted(c.name for c in CAPABILITIES) == packages
