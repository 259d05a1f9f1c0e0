"""transforms/ is pure: it must not import orchestration, storage or validation libraries."""

import ast
from pathlib import Path

import pytest

FORBIDDEN = {"prefect", "duckdb", "great_expectations", "flows", "warehouse", "expectations"}
TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"


@pytest.mark.parametrize("path", sorted(TRANSFORMS.glob("*.py")), ids=lambda p: p.name)
def test_transforms_import_nothing_impure(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN
