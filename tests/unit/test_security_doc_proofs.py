"""docs/security.md names a test as the proof of each mitigation; each named test must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROOF = re.compile(r"`(tests/[\w/]+\.py)(?:::([\w:]+))?`")


def _names_in(path: Path) -> set[str]:
    """`test_x` and `Class::test_x` for every test function in the file."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}::{item.name}")
    return names


def test_every_proof_named_in_the_security_document_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    proofs = PROOF.findall(text)
    assert len(proofs) > 50, "the document names its proofs as `tests/file.py::test`"
    missing = []
    for file, name in proofs:
        path = ROOT / file
        if not path.is_file():
            missing.append(f"{file} (no such file)")
        elif name and name not in _names_in(path):
            missing.append(f"{file}::{name}")
    assert not missing, "docs/security.md names tests that do not exist:\n" + "\n".join(sorted(set(missing)))
