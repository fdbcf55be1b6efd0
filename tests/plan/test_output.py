"""plan --out never loses a user's data: refusals, atomic swap, lock, signals (issue 9)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli import main
from eks_access.plan.files import file_name, manifests
from eks_access.plan.output import MARKER, OutputError, write_plan

ROOT = Path(__file__).resolve().parents[2]
RECORDS: list[dict[str, Any]] = [
    {"type": "kubernetes:rbac.authorization.k8s.io/v1:Role", "name": "r", "parent": None, "custom": True,
     "inputs": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader", "namespace": "web"}, "rules": []},
     "outputs": {}},
]


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "is the working directory or one of its parents; refusing to write a plan there"),
        ("", "--out: empty path; name a directory for the plan, e.g. build/dev"),
        ("..", "is the working directory or one of its parents; refusing to write a plan there"),
        ("notes.txt", "exists and is not a directory; refusing to replace it"),
        ("mine", "holds files that are not an eks-access plan; refusing to overwrite them (choose an empty or new directory)"),
    ],
)
def test_refused_outputs_touch_nothing(project: Path, out: str, reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "mine").mkdir()
    (project / "mine" / "code.py").write_text("x = 1")
    before = snapshot(project)
    entries = sorted(p.name for p in project.iterdir())
    assert main(["plan", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err
    assert snapshot(project) == before
    assert sorted(p.name for p in project.iterdir()) == entries


def test_plan_replaces_its_own_previous_plan_atomically(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    write_plan(RECORDS, {}, out)
    first = os.readlink(out)
    assert out.is_symlink() and (out / MARKER).is_file()
    recorded = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in ("plan.json", "outputs.json", "manifests/02-role-web.reader.yaml")}
    assert json.loads((out / MARKER).read_text()) == {"tool": "eks-access", "format": 2, "files": recorded}
    write_plan(RECORDS, {"x": 1}, out)
    assert os.readlink(out) != first
    assert not (tmp_path / first).exists()  # the old version is gone once the new one is in place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.readlink(out), "plan"])


def test_empty_directory_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    write_plan(RECORDS, {}, tmp_path / "plan")
    assert (tmp_path / "plan" / "plan.json").is_file()


def _legacy_plan(out: Path) -> None:
    """What eks-access 0.1 left in DIR: plan.json, outputs.json, manifests/*.yaml, iam/*.json, no marker."""
    (out / "manifests").mkdir(parents=True)
    (out / "iam").mkdir()
    (out / "plan.json").write_text("[]\n")
    (out / "outputs.json").write_text("{}\n")
    (out / "manifests" / "02-role-web-reader.yaml").write_text("kind: Role\n")
    (out / "iam" / "developers-role.trust.json").write_text("{}\n")


def test_a_plan_directory_of_release_0_1_is_adopted_and_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    _legacy_plan(out)
    write_plan(RECORDS, {}, out)
    assert out.is_symlink() and (out / MARKER).is_file()
    assert json.loads((out / "plan.json").read_text())[0]["name"] == "r"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.readlink(out), "plan"])


@pytest.mark.parametrize(
    "extra",
    ["notes.txt", "manifests/notes.txt", "iam/sub/"],
    ids=["file-beside", "non-yaml-in-manifests", "folder-in-iam"],
)
def test_a_0_1_layout_with_anything_else_is_not_ours(tmp_path: Path, extra: str) -> None:
    out = tmp_path / "plan"
    _legacy_plan(out)
    (out / extra).mkdir() if extra.endswith("/") else (out / extra).write_text("mine")
    before = snapshot(out)
    with pytest.raises(OutputError, match="holds files that are not an eks-access plan"):
        write_plan(RECORDS, {}, out)
    assert snapshot(out) == before


def test_foreign_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "plan").symlink_to("elsewhere")
    with pytest.raises(OutputError, match="is a symbolic link eks-access did not make"):
        write_plan(RECORDS, {}, tmp_path / "plan")


def test_nan_is_refused_naming_the_key_and_previous_plan_stays(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    write_plan(RECORDS, {}, out)
    before, entries = snapshot(out), sorted(p.name for p in tmp_path.iterdir())
    bad = [{**RECORDS[0], "inputs": {"policy": {"n": float("nan")}}}]
    with pytest.raises(OutputError) as info:
        write_plan(bad, {}, out)
    assert str(info.value) == "plan.json: [0].inputs.policy.n is NaN or infinite, which JSON cannot hold"
    assert snapshot(out) == before and sorted(p.name for p in tmp_path.iterdir()) == entries


def test_concurrent_runs_wait_for_each_other(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            write_plan(RECORDS, {"run": i}, out)
        except BaseException as err:  # pragma: no cover - a failure is the test's finding
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads((out / "outputs.json").read_text())["run"] in range(6)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".plan.plan-")]) == 1


def test_manifest_names_are_short_and_injective() -> None:
    def named(ns: str, name: str) -> str:
        record = {**RECORDS[0], "inputs": {**RECORDS[0]["inputs"], "metadata": {"name": name, "namespace": ns}}}
        return manifests([record])[0][0]

    assert named("web", "api-reader") == "02-role-web.api-reader.yaml"
    assert named("a-b", "c") != named("a", "b-c")
    long = named("n" * 63, "x" * 253)
    assert len(long.encode()) <= 255 and long.startswith("02-role-nnn") and long.endswith(".yaml")
    assert file_name("", "a/b", ".json") != file_name("", "a:b", ".json")


def _wait_until_catching_sigterm(proc: subprocess.Popen[str]) -> None:
    """Wait until the CLI has installed its handlers (SIGTERM in /proc's SigCgt mask), not a fixed time.

    A fixed sleep raced with interpreter start-up on a loaded machine: the signal arrived before the
    handlers and the process died of it (-2) instead of exiting with its one line.
    """
    bit = 1 << (signal.SIGTERM - 1)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught & bit:
            return
        time.sleep(0.01)


@pytest.mark.parametrize(("signum", "code", "line"), [
    (signal.SIGTERM, 143, "eks-access: terminated; nothing was changed\n"),
    (signal.SIGINT, 130, "eks-access: interrupted; nothing was changed\n"),
])
def test_signal_during_plan_exits_with_one_line_and_no_stray_files(project: Path, signum: int, code: int, line: str) -> None:
    out = project / "build"
    proc = subprocess.Popen([sys.executable, "-m", "eks_access", "plan", "--out", str(out)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_until_catching_sigterm(proc)
    proc.send_signal(signum)
    printed, err = proc.communicate(timeout=120)
    # Finished before the signal: nothing to assert about interruption. That includes a signal
    # that lands after main() returned (its handlers restored) while the interpreter shuts down.
    if proc.returncode == 0 or (proc.returncode == -signum and err == "" and "\nWrote " in printed):
        return
    assert (proc.returncode, err) == (code, line)
    assert not out.exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".build.")] == []


def test_signal_while_writing_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C in the middle of writing files removes the half-written version; DIR stays the old plan."""
    import eks_access.plan.output as output

    out = tmp_path / "plan"
    write_plan(RECORDS, {}, out)
    before, entries = snapshot(out), sorted(p.name for p in tmp_path.iterdir())

    def interrupted(staging: Path, files: object) -> None:
        (staging / "plan.json").write_text("[")
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_fill", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_plan(RECORDS, {"new": 1}, out)
    assert snapshot(out) == before and sorted(p.name for p in tmp_path.iterdir()) == entries
