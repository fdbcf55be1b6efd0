"""plan --out keeps only what it wrote (issue 16): foreign files, nested and glob-like targets,
leftovers of killed runs, every OSError one line, kill -9 at every stage of the write."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eks_access.cli import main
from eks_access.plan.output import MARKER, OutputError, write_plan

ROOT = Path(__file__).resolve().parents[2]
RECORDS: list[dict[str, Any]] = [
    {"type": "kubernetes:rbac.authorization.k8s.io/v1:Role", "name": "r", "parent": None, "custom": True,
     "inputs": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader", "namespace": "web"}, "rules": []},
     "outputs": {}},
]
KILL_AT = "EKS_ACCESS_TEST_KILL_AT"  # the test hook of eks_access.plan.output
NOT_OURS = "is not a file eks-access wrote; refusing to delete it (move it out of the plan directory)"


def tree(path: Path) -> dict[str, str | bytes]:
    """Every entry under ``path`` (not following links): a file's bytes, a link's target, 'dir'."""
    out: dict[str, str | bytes] = {}
    for p in sorted(path.rglob("*")):
        key = str(p.relative_to(path))
        out[key] = f"-> {os.readlink(p)}" if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
    return out


def plan_files(plan: Path) -> dict[str, bytes]:
    return {str(p.relative_to(plan)): p.read_bytes() for p in sorted(plan.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one stderr line of a run that must end in exit 2."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


# --- A file the user put in a plan directory is never deleted ---------------------------------

@pytest.mark.parametrize(
    ("plant", "named", "why"),
    [
        (lambda d: (d / "notes.txt").write_text("mine"), "notes.txt", NOT_OURS),
        (lambda d: (d / "manifests" / "99-extra.yaml").write_text("kind: Extra\n"), "manifests/99-extra.yaml", NOT_OURS),
        (lambda d: (d / "iam" / "sub").mkdir(), "iam/sub", NOT_OURS),
        (lambda d: (d / "link").symlink_to(d / "plan.json"), "link", NOT_OURS),
        (lambda d: (d / "plan.json").write_text("[]\n"), "plan.json",
         "was changed after eks-access wrote it; refusing to delete the change (move it out of the plan directory)"),
    ],
    ids=["file-beside", "yaml-we-did-not-write", "folder-in-iam", "symlink", "edited-plan-json"],
)
def test_a_file_the_user_put_in_a_plan_stops_the_run_and_stays(
    project: Path, capsys: pytest.CaptureFixture[str], plant: Callable[[Path], Any], named: str, why: str
) -> None:
    write_plan(RECORDS, {}, project / "build" / "dev")
    plant(project / "build" / "dev")
    before = tree(project)
    assert cli_error(["plan"], capsys) == f"eks-access: error: --out: build/dev/{named} {why}\n"
    assert tree(project) == before


def _plan_of_release_0_2_0(build: Path, version: str = ".dev.plan-abcd1234") -> Path:
    """What eks-access 0.2.0 left: DIR a symlink to .DIR.plan-XXXXXXXX, marker format 1, no file list."""
    (build / version / "manifests").mkdir(parents=True)
    (build / version / "iam").mkdir()
    (build / version / MARKER).write_text('{"tool": "eks-access", "format": 1}\n')
    (build / version / "plan.json").write_text("[]\n")
    (build / version / "outputs.json").write_text("{}\n")
    (build / version / "manifests" / "02-role-web.reader.yaml").write_text("kind: Role\n")
    (build / version / "iam" / "developers-role.trust.json").write_text("{}\n")
    (build / "dev").symlink_to(version)
    return build / "dev"


def test_a_plan_of_release_0_2_0_is_replaced_whole_and_leaves_nothing_behind(tmp_path: Path) -> None:
    out = _plan_of_release_0_2_0(tmp_path)
    write_plan(RECORDS, {}, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.readlink(out), "dev"])
    assert json.loads((out / "plan.json").read_text())[0]["name"] == "r"


def test_a_file_the_user_put_in_a_0_2_0_plan_is_named_and_kept(tmp_path: Path) -> None:
    out = _plan_of_release_0_2_0(tmp_path)
    (out / "manifests" / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    with pytest.raises(OutputError) as info:
        write_plan(RECORDS, {}, out)
    assert str(info.value) == f"--out: {out}/manifests/notes.txt {NOT_OURS}"
    assert tree(tmp_path) == before


# --- Nested, glob-like and symlinked targets ------------------------------------------------

@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("build/*", "--out: build/* looks like a shell pattern (*, ? or [); name one directory, e.g. build/dev"),
        ("build/de?", "--out: build/de? looks like a shell pattern (*, ? or [); name one directory, e.g. build/dev"),
        ("build/[d]ev", "--out: build/[d]ev looks like a shell pattern (*, ? or [); name one directory, e.g. build/dev"),
        ("build/dev/y", "--out: build/dev/y is inside the eks-access plan build/dev; a plan directory holds only what eks-access wrote there"),
        ("build/dev/manifests", "--out: build/dev/manifests is inside the eks-access plan build/dev; a plan directory holds only what eks-access wrote there"),
        ("alias/y", "--out: alias/y is inside the eks-access plan alias; a plan directory holds only what eks-access wrote there"),
        ("build", "--out: build holds the eks-access plan build/dev; choose a directory that holds no plan"),
        ("build/.dev.lock", "--out: build/.dev.lock is named like eks-access's own bookkeeping beside a plan; choose another name"),
        ("build/" + "n" * 241, f"--out: build/{'n' * 241}: the name is 241 bytes; at most 240 leave room for the .NAME.plan-XXXXXXXX directory beside it"),
        ("build/" + "n" * 256 + "/x", f"--out: build/{'n' * 256}/x: a name in it is 256 bytes, over the 255-byte limit of a file name"),
    ],
    ids=["star", "question-mark", "bracket", "inside-a-plan", "inside-a-plan-folder", "inside-via-symlink", "around-a-plan",
         "our-lock-name", "no-room-for-staging", "name-over-255"],
)
def test_targets_that_would_reach_another_plan_are_refused_touching_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], out: str, message: str
) -> None:
    write_plan(RECORDS, {}, project / "build" / "dev")
    (project / "alias").symlink_to("build/dev")
    before = tree(project)
    assert cli_error(["plan", "--out", out], capsys) == f"eks-access: error: {message}\n"
    assert tree(project) == before


def test_a_planted_symlink_lock_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").write_text("theirs")
    (tmp_path / ".dev.lock").symlink_to("elsewhere")
    before = tree(tmp_path)
    with pytest.raises(OutputError) as info:
        write_plan(RECORDS, {}, tmp_path / "dev")
    assert str(info.value) == f"--out: cannot write the plan: {tmp_path}/.dev.lock: Too many levels of symbolic links (ELOOP)"
    assert tree(tmp_path) == before


def test_our_dangling_link_left_by_release_0_2_0_is_replaced(tmp_path: Path) -> None:
    """0.2.0's `--out 'build/*'` deleted build/dev's version and left build/dev dangling."""
    (tmp_path / "dev").symlink_to(".dev.plan-abcd1234")
    write_plan(RECORDS, {}, tmp_path / "dev")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.readlink(tmp_path / "dev"), "dev"])


# --- Leftovers of runs killed outright ------------------------------------------------------

def test_leftovers_of_killed_runs_are_removed_by_the_next_run_and_only_those(tmp_path: Path) -> None:
    write_plan(RECORDS, {}, tmp_path / "dev")
    (tmp_path / ".dev.plan-empty123").mkdir()  # killed right after mkdtemp
    (tmp_path / ".dev.plan-half1234" / "manifests").mkdir(parents=True)  # killed while writing
    (tmp_path / ".dev.plan-half1234" / "plan.json").write_text("[")
    (tmp_path / ".dev.link-half1234").symlink_to(".dev.plan-half1234")
    (tmp_path / ".dev.lock").touch()  # the lock a killed run held
    (tmp_path / ".dev.plan-mine1234").mkdir()  # named like ours, but holds a user's file
    (tmp_path / ".dev.plan-mine1234" / "notes.txt").write_text("mine")
    (tmp_path / ".dev.plan-mine").mkdir()  # not our exact name
    (tmp_path / ".dev.plan-x.plan-abcd1234").mkdir()  # another target's (DIR named 'dev.plan-x')
    (tmp_path / ".other.plan-abcd1234").mkdir()  # another target's
    write_plan(RECORDS, {"x": 1}, tmp_path / "dev")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [os.readlink(tmp_path / "dev"), "dev", ".dev.plan-mine1234", ".dev.plan-mine", ".dev.plan-x.plan-abcd1234", ".other.plan-abcd1234"])
    assert (tmp_path / ".dev.plan-mine1234" / "notes.txt").read_text() == "mine"


# --- Every OSError is one line, exit 2, no litter -------------------------------------------

def _raising(code: int) -> Callable[..., Any]:
    """A stand-in for an os function failing as the real one does: the paths it was given in
    ``filename`` and ``filename2``, none for write(2)."""
    def fake(*args: Any, **kwargs: Any) -> Any:
        paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
        raise OSError(code, os.strerror(code), *paths[:1], *([None, paths[1]] if len(paths) > 1 else []))

    return fake


@pytest.mark.parametrize(
    ("function", "code", "where"),
    [
        ("write", errno.ENOSPC, "dev/plan.json: No space left on device (ENOSPC)"),
        ("write", errno.EFBIG, "dev/plan.json: File too large (EFBIG)"),
        ("write", errno.EIO, "dev/plan.json: Input/output error (EIO)"),
        ("mkdir", errno.ENOSPC, "dev: No space left on device (ENOSPC)"),
        ("mkdir", errno.EACCES, "dev: Permission denied (EACCES)"),
        ("open", errno.EACCES, ".dev.lock: Permission denied (EACCES)"),
        ("symlink", errno.EROFS, "dev: Read-only file system (EROFS)"),
        ("replace", errno.EROFS, "dev: Read-only file system (EROFS)"),
        ("replace", errno.EACCES, "dev: Permission denied (EACCES)"),
    ],
    ids=["write-ENOSPC", "write-EFBIG", "write-EIO", "mkdir-ENOSPC", "mkdir-EACCES", "open-EACCES", "symlink-EROFS", "replace-EROFS", "replace-EACCES"],
)
@pytest.mark.parametrize("previous", [True, False], ids=["over-a-plan", "first-plan"])
def test_every_os_error_is_one_line_and_leaves_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, function: str, code: int, where: str, previous: bool
) -> None:
    out = tmp_path / "build" / "dev"
    if previous:
        write_plan(RECORDS, {}, out)
    before = tree(tmp_path)
    monkeypatch.setattr(os, function, _raising(code))
    with pytest.raises(OutputError) as info:
        write_plan(RECORDS, {"new": 1}, out)
    monkeypatch.undo()
    first_made = function == "mkdir" and not previous  # the first directory made is then build/ itself
    expected = f"{tmp_path}/build{where.removeprefix('dev')}" if first_made else f"{tmp_path}/build/{where}"
    assert str(info.value) == f"--out: cannot write the plan: {expected}"
    assert tree(tmp_path) == before  # the previous plan whole, no .lock, no staging, no build/ we made


def test_an_os_error_reaches_the_user_as_one_line_and_exit_2(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(os, "replace", _raising(errno.EROFS))
    assert cli_error(["plan"], capsys) == "eks-access: error: --out: cannot write the plan: build/dev: Read-only file system (EROFS)\n"
    assert sorted(p.name for p in project.iterdir()) == ["Pulumi.dev.yaml", "Pulumi.yaml", "__main__.py"]


def _cli(cwd: Path, *args: str, env: dict[str, str] | None = None, preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eks_access", "plan", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec, check=False)


@pytest.mark.parametrize("previous", [True, False], ids=["over-a-plan", "first-plan"])
def test_a_file_over_rlimit_fsize_is_one_line_efbig(project: Path, previous: bool) -> None:
    """A real EFBIG: setrlimit(RLIMIT_FSIZE) in the child; Python ignores SIGXFSZ, so write(2) fails."""
    if previous:
        write_plan(RECORDS, {}, project / "build" / "dev")
    before = tree(project)
    done = _cli(project, preexec=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)))
    assert (done.returncode, done.stderr) == (2, "eks-access: error: --out: cannot write the plan: build/dev/plan.json: File too large (EFBIG)\n")
    assert tree(project) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions (chmod has no effect)")
@pytest.mark.parametrize(
    ("out", "locked", "where"),
    [("ro/dev", "ro", "ro/.dev.lock"), ("ro/sub/dev", "ro", "ro/sub"), ("ro/dev", "ro/dev", "ro/dev")],
    ids=["read-only-parent", "read-only-grandparent", "unreadable-0.1-plan"],
)
def test_permission_denied_is_one_line_eacces(project: Path, capsys: pytest.CaptureFixture[str], out: str, locked: str, where: str) -> None:
    (project / "ro").mkdir()
    if locked == "ro/dev":
        (project / "ro" / "dev" / "manifests").mkdir(parents=True)
        (project / "ro" / "dev" / "iam").mkdir()
        (project / "ro" / "dev" / "plan.json").write_text("[]\n")
        (project / "ro" / "dev" / "outputs.json").write_text("{}\n")
    else:
        write_plan(RECORDS, {}, project / "ro" / "dev")
    before = tree(project)
    (project / locked).chmod(0o555 if locked == "ro" else 0)
    try:
        err = cli_error(["plan", "--out", out], capsys)
    finally:
        (project / locked).chmod(0o755)
    assert err == f"eks-access: error: --out: cannot write the plan: {where}: Permission denied (EACCES)\n"
    assert tree(project) == before


# --- kill -9 at every stage of the write ----------------------------------------------------

@pytest.fixture(scope="module")
def dev_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a clean `eks-access plan` of the repository's dev stack."""
    project = tmp_path_factory.mktemp("clean")
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml"):
        (project / name).write_bytes((ROOT / name).read_bytes())
    assert _cli(project).returncode == 0
    return plan_files(project / "build" / "dev")


#: stage -> whether DIR already holds the new plan when the run is killed there.
STAGES = {"locked": False, "staging": False, "filling": False, "filled": False, "linked": False,
          "swapped": True, "removing": True, "removed": True}


@pytest.mark.parametrize("stage", list(STAGES))
def test_kill_9_at_any_stage_then_the_next_run_leaves_one_whole_plan(project: Path, dev_plan: dict[str, bytes], stage: str) -> None:
    build = project / "build"
    write_plan(RECORDS, {}, build / "dev")
    old = plan_files(build / "dev")
    killed = _cli(project, env={KILL_AT: stage})
    assert killed.returncode == -signal.SIGKILL
    assert plan_files(build / "dev") == (dev_plan if STAGES[stage] else old)  # old or new, whole
    again = _cli(project)
    assert (again.returncode, again.stderr) == (0, "")
    assert plan_files(build / "dev") == dev_plan
    assert sorted(p.name for p in build.iterdir()) == sorted([os.readlink(build / "dev"), "dev"])


@pytest.mark.parametrize(("stage", "moved_aside"), [("linked", False), ("adopted", True)])
def test_kill_9_while_adopting_a_0_1_plan_then_the_next_run_leaves_one_whole_plan(
    project: Path, dev_plan: dict[str, bytes], stage: str, moved_aside: bool
) -> None:
    build = project / "build"
    (build / "dev" / "manifests").mkdir(parents=True)
    (build / "dev" / "iam").mkdir()
    (build / "dev" / "plan.json").write_text("[]\n")
    (build / "dev" / "outputs.json").write_text("{}\n")
    old = plan_files(build / "dev")
    killed = _cli(project, env={KILL_AT: stage})
    assert killed.returncode == -signal.SIGKILL
    assert os.path.lexists(build / "dev") is not moved_aside  # migration: DIR briefly absent, never half-written
    if not moved_aside:
        assert plan_files(build / "dev") == old
    again = _cli(project)
    assert (again.returncode, again.stderr) == (0, "")
    assert plan_files(build / "dev") == dev_plan
    assert sorted(p.name for p in build.iterdir()) == sorted([os.readlink(build / "dev"), "dev"])


def test_concurrent_processes_wait_for_each_other_and_leave_one_plan_and_no_lock(tmp_path: Path) -> None:
    """The lock file is unlinked at the end of each run: a run that waited on the unlinked file
    must start over on the new one, so no two runs ever write at once."""
    script = (f"import sys; from eks_access.plan.output import write_plan; records = {RECORDS!r}\n"
              "for i in range(10): write_plan(records, {'run': sys.argv[1], 'i': i}, __import__('pathlib').Path('dev'))")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=tmp_path, stderr=subprocess.PIPE, text=True) for n in range(6)]
    assert [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs] == [(0, "")] * 6
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.readlink(tmp_path / "dev"), "dev"])
    assert json.loads((tmp_path / "dev" / "outputs.json").read_text())["i"] == 9


@pytest.mark.parametrize("legacy", [True, False], ids=["0.1-plan", "empty-directory"])
def test_a_failed_swap_puts_a_real_directory_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, legacy: bool) -> None:
    out = tmp_path / "dev"
    out.mkdir()
    if legacy:
        (out / "manifests").mkdir()
        (out / "iam").mkdir()
        (out / "plan.json").write_text("[]\n")
        (out / "outputs.json").write_text("{}\n")
    before = tree(tmp_path)
    monkeypatch.setattr(os, "replace", _raising(errno.EROFS))
    with pytest.raises(OutputError, match=r"dev: Read-only file system \(EROFS\)$"):
        write_plan(RECORDS, {}, out)
    monkeypatch.undo()
    assert tree(tmp_path) == before


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_every_file_and_directory_is_synced_before_the_swap_and_the_swap_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    """After a crash or power loss DIR is a whole plan: the file bytes and the new directory's
    names reach the disk before rename(2) makes them DIR, and DIR's parent after it. On Linux one
    sync(2), which waits for the writes; elsewhere (POSIX lets sync return early) an fsync per file,
    then per directory, deepest first."""
    out = tmp_path / "dev"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        events.append(f"fsync {'dir' if path.is_dir() else 'file'} {path.relative_to(tmp_path).as_posix()}")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append(f"replace -> {Path(dst).relative_to(tmp_path).as_posix()}")
        real_replace(src, dst)

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(os, "sync", lambda: events.append("sync"))
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_plan(RECORDS, {}, out)
    monkeypatch.undo()
    version = os.readlink(out)
    swap = events.index("replace -> dev")
    before = [e.replace(version, "V") for e in events[:swap]]
    if platform == "linux":
        assert before == ["sync"]
    else:
        assert sorted(before[:4]) == sorted(["fsync file V/manifests/02-role-web.reader.yaml", f"fsync file V/{MARKER}",
                                             "fsync file V/outputs.json", "fsync file V/plan.json"])  # fmt: skip
        assert sorted(before[4:6]) == ["fsync dir V/iam", "fsync dir V/manifests"]
        assert before[6:] == ["fsync dir V"]
    assert events[swap + 1:] == ["fsync dir ."]
