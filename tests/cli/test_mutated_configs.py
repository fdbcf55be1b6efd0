"""Property: any mutation of the dev stack config plans cleanly or exits 2 with one line (issue 9).

Mutations replace one value of the dev config (found by a random path) with a hostile value:
wrong types, YAML tags, deep nesting, unicode, control characters, huge strings, names that
collide. Whatever happens, `eks-access plan --out DIR` either exits 0 with a valid plan, or
exits 2 with exactly one stderr line and leaves the previous plan byte-identical. Never a
traceback. Small fixed budget, derandomized: a few seconds, the same examples every run.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_access.cli import main
from eks_access.plan.reader import read_plan

ROOT = Path(__file__).resolve().parents[2]
DEV: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())

HOSTILE = st.sampled_from([
    None, True, False, 0, -1, 10**30, 1.5, float("nan"), "", " ", "x" * 300, "a" * 64, "Dev-Team", "default\n",
    "bad role", "\u00e9t\u00e9", "\u2603", "system:masters", "*", "view", "kube-system", "a\x01b", "../etc",
    [], {}, ["x"], {"a": 1}, [[[[["deep"]]]]], "2024-01-01", "0x10", "yes", "!!int developers",
])

TEXT_MUTATIONS = [
    ("roleName: EKSOperators", "roleName: !!int EKSOperators"),
    ("identity: irsa", "identity: !!float irsa"),
    ("name: myeks", "name: !!binary bXllaw=="),
    ("members: [dev1]", "members: &m [dev1, *m]"),
    ("kubernetesGroups: [developers]", "kubernetesGroups: {? [a] : b}"),
    ("namespace: default", "namespace: 2024-01-01"),
    ("members: [ope1]", "members: [ope1, ope1]"),
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


PATHS = paths(DEV["config"])


def mutated(path: tuple[Any, ...], value: Any) -> str:
    doc = copy.deepcopy(DEV)
    target = doc["config"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return yaml.safe_dump(doc, allow_unicode=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("__main__.py", "Pulumi.yaml"):
        (root / name).write_bytes((ROOT / name).read_bytes())
    (root / "Pulumi.dev.yaml").write_bytes((ROOT / "Pulumi.dev.yaml").read_bytes())
    assert main(["plan", "--config", str(root / "Pulumi.dev.yaml"), "--out", str(root / "out")]) == 0
    return root


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def check(project: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    stack = project / "Pulumi.mut.yaml"
    stack.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = project / "out"
    before = snapshot(out)
    capsys.readouterr()
    code = main(["plan", "--config", str(stack), "--out", str(out)])
    captured = capsys.readouterr()
    if code == 0:
        assert read_plan(out)
        return
    assert code == 2, captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("eks-access: error: "), captured.err
    assert snapshot(out) == before


@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=HOSTILE)
def test_mutated_values(project: Path, capsys: pytest.CaptureFixture[str], path: tuple[Any, ...], value: Any) -> None:
    check(project, mutated(path, value), capsys)


@pytest.mark.parametrize(("old", "new"), TEXT_MUTATIONS)
def test_mutated_text(project: Path, capsys: pytest.CaptureFixture[str], old: str, new: str) -> None:
    text = (ROOT / "Pulumi.dev.yaml").read_text()
    assert old in text
    check(project, text.replace(old, new, 1), capsys)
