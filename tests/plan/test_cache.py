"""The plan cache: keyed by content, rebuilt when corrupt, no Pulumi on the warm path (issue 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eks_access.cli import main
from eks_access.plan import cache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EKS_ACCESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def entries(project: Path) -> list[Path]:
    return sorted((project / "cache").glob("*.json"))


def test_second_answer_comes_from_the_cache_and_imports_no_pulumi(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can", "list", "nodes"]) == 0
    first = capsys.readouterr().out
    assert len(entries(project)) == 1
    code = ("import sys; from eks_access.cli import main; rc = main(['who-can', 'list', 'nodes']); "
            "assert not [m for m in sys.modules if m.startswith('pulumi')], 'pulumi imported'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=False,
                          env={**os.environ, "EKS_ACCESS_CACHE_DIR": str(project / "cache"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == first


def test_a_changed_stack_file_is_a_new_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can", "list", "nodes"]) == 0
    stack = project / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("clusterRoleBindings: [view]", "clusterRoleBindings: [view, edit]"))
    assert main(["who-can", "delete", "pods", "-n", "default"]) == 0
    assert "developers" in capsys.readouterr().out
    assert len(entries(project)) == 2


def test_corrupt_entry_is_ignored_and_rebuilt(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can", "list", "nodes"]) == 0
    good = capsys.readouterr().out
    [entry] = entries(project)
    for junk in (b"{not json", b'{"format": 1, "key": "other"}', b'{"format": 1, "key": "' + entry.stem.encode() + b'", "records": "x"}'):
        entry.write_bytes(junk)
        assert main(["who-can", "list", "nodes"]) == 0
        assert capsys.readouterr().out == good
    assert entry.read_bytes().startswith(b'{"format": 2')
    assert cache.load(entry.stem) is not None


def test_cache_can_be_switched_off(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EKS_ACCESS_CACHE", "off")
    assert main(["who-can", "list", "nodes"]) == 0
    assert entries(project) == []


def test_key_covers_the_package_sources() -> None:
    file = ROOT / "Pulumi.dev.yaml"
    key = cache.plan_key("dev", file)
    cache.package_fingerprint.cache_clear()
    assert cache.plan_key("dev", file) == key
    assert cache.plan_key("prod", file) != key


def test_the_day_is_in_the_key(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A stack pinned to 1.32 deploys on 2027-03-22, the last day of its extended support; the
    next day EKS refuses it, and so does the analyzer, instead of answering from yesterday's plan."""
    stack = project / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("    name: myeks\n", '    name: myeks\n    version: "1.32"\n', 1))
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2027-03-22")
    assert main(["who-can", "list", "nodes"]) == 0
    assert len(entries(project)) == 1
    capsys.readouterr()
    monkeypatch.setenv("EKS_ACCESS_TODAY", "2027-03-23")
    assert main(["who-can", "list", "nodes"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0] == (
        "eks-access: error: Pulumi.dev.yaml: line 9: team-cluster:cluster.version: EKS no longer creates clusters on Kubernetes 1.32: its extended support "
        "ended 2027-03-23 and EKS moves such control planes to 1.33; on 2027-03-23 EKS offers standard support 1.36, "
        "1.35; extended support 1.34, 1.33")
