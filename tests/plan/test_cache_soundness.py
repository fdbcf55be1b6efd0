"""A cached answer is the true answer (issue 16): every input of the program is in the key or
checked before use, entries are trusted only in a directory of the user's own, a damaged entry
is rebuilt, and a missing home directory is no traceback."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from eks_access.cli import main
from eks_access.plan import cache

ROOT = Path(__file__).resolve().parents[2]
Answer = tuple[int, str, str]


def run(*argv: str) -> Answer:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            _set(name, value)
        yield
    finally:
        for name, value in saved.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def uncached(*argv: str) -> Answer:
    with environment(EKS_ACCESS_CACHE="off"):
        return run(*argv)


# --------------------------------------------------------------------------- the repository's program


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's project with no ``aws:region``: the region comes from the environment."""
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_text(file.read_text().replace("  aws:region: ap-northeast-2\n", ""))
    monkeypatch.setenv("EKS_ACCESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setattr(cache, "_noted", set(), raising=False)
    return file


def kubeconfig(file: Path) -> Answer:
    return run("kubeconfig", "--team", "developers", "--config", str(file))


def the_entry(file: Path) -> Path:
    [entry] = (file.parent / "cache").glob("*.json")
    return entry


def rewrite_body(entry: Path, change: dict[str, object] | None = None, old: bytes = b"", new: bytes = b"") -> None:
    """Change the plan inside an entry as a forger would: the body, and its hash if the entry has one."""
    *head, body = entry.read_bytes().split(b"\n")
    if change is not None:
        document = json.loads(body)
        document.update(change)
        body = json.dumps(document).encode()
    body = body.replace(old, new)
    if head:
        header = json.loads(head[0])
        header["sha256"] = hashlib.sha256(body).hexdigest()
        head = [json.dumps(header).encode()]
    entry.write_bytes(b"\n".join([*head, body]))


def test_region_variables_are_part_of_the_key(stack: Path) -> None:
    """0.2.0 kept answering with the region of the first run."""
    first = kubeconfig(stack)
    assert first[0] == 0 and "- us-east-1\n" in first[1]
    os.environ["AWS_REGION"] = "eu-west-1"
    second = kubeconfig(stack)
    assert "- eu-west-1\n" in second[1]
    del os.environ["AWS_REGION"]
    os.environ["AWS_DEFAULT_REGION"] = "ap-south-1"
    assert "- ap-south-1\n" in kubeconfig(stack)[1]
    os.environ["AWS_DEFAULT_REGION"] = "bogus"
    assert kubeconfig(stack) == uncached("kubeconfig", "--team", "developers", "--config", str(stack))
    assert kubeconfig(stack) == (2, "", "eks-access: error: AWS_DEFAULT_REGION: 'bogus' is not a valid AWS region\n")


def test_key_covers_profile_python_and_sdk_environment(stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.plan_key("dev", stack)
    monkeypatch.setenv("AWS_PROFILE", "other")
    assert cache.plan_key("dev", stack) != key
    monkeypatch.delenv("AWS_PROFILE")
    assert cache.plan_key("dev", stack) == key
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert cache.plan_key("dev", stack) != key


def _group_writable_dir(entry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry.parent.chmod(0o770)


def _world_writable_dir(entry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry.parent.chmod(0o777)


def _another_users_dir(entry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)


@pytest.mark.parametrize("make_foreign", [_group_writable_dir, _world_writable_dir, _another_users_dir])
def test_an_entry_planted_in_a_directory_not_the_users_own_is_not_used(stack: Path, monkeypatch: pytest.MonkeyPatch, make_foreign: object) -> None:
    truth = kubeconfig(stack)
    entry = the_entry(stack)
    rewrite_body(entry, old=b"us-east-1", new=b"us-west-2")
    make_foreign(entry, monkeypatch)  # type: ignore[operator]
    assert kubeconfig(stack) == (0, truth[1], f"eks-access: note: plan cache {entry.parent} is not a directory of your own "
                                              "writable only by you; not using it\n")
    assert b"us-west-2" in entry.read_bytes()  # left alone, and never read


def test_an_entry_writable_by_others_is_not_used(stack: Path) -> None:
    truth = kubeconfig(stack)
    entry = the_entry(stack)
    rewrite_body(entry, old=b"us-east-1", new=b"us-west-2")
    entry.chmod(0o666)
    assert kubeconfig(stack) == (0, truth[1], f"eks-access: note: plan cache entry {entry} is not your own or is writable by "
                                              "others; not using it\n")


def test_an_entry_that_is_a_symbolic_link_is_not_used(stack: Path) -> None:
    truth = kubeconfig(stack)
    entry = the_entry(stack)
    planted = stack.parent / "planted.json"
    entry.rename(planted)
    rewrite_body(planted, old=b"us-east-1", new=b"us-west-2")
    entry.symlink_to(planted)
    assert kubeconfig(stack) == (0, truth[1], f"eks-access: note: plan cache entry {entry} is a symbolic link; not using it\n")


def test_the_cache_directory_is_made_private(stack: Path) -> None:
    kubeconfig(stack)
    entry = the_entry(stack)
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no temporary file left


@pytest.mark.parametrize("damage", ["exports", "records", "truncated", "format"])
def test_a_damaged_entry_is_ignored_and_rebuilt(stack: Path, damage: str) -> None:
    """0.2.0: an entry whose exports.teams was 5 (valid JSON) ended in a TypeError traceback."""
    truth = kubeconfig(stack)
    entry = the_entry(stack)
    good = entry.read_bytes()
    *head, body = good.split(b"\n")
    document = json.loads(body)
    if damage == "exports":
        entry.write_bytes(b"\n".join([*head, json.dumps({**document, "exports": {**document["exports"], "teams": 5}}).encode()]))
    elif damage == "records":
        entry.write_bytes(b"\n".join([*head, json.dumps({**document, "records": document["records"][1:]}).encode()]))
    elif damage == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    else:
        entry.write_bytes(good.replace(b'"format": ', b'"format": 9', 1))
    assert kubeconfig(stack) == truth
    assert entry.read_bytes() == good


def test_no_home_directory_plans_without_the_cache(stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A uid without a passwd entry and no HOME: 0.2.0 ended in RuntimeError (Path.home())."""
    import pwd

    def no_entry(uid: int) -> object:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in ("HOME", "XDG_CACHE_HOME", "EKS_ACCESS_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    truth = uncached("kubeconfig", "--team", "developers", "--config", str(stack))
    assert kubeconfig(stack) == (0, truth[1], "eks-access: note: no home directory (HOME is unset or relative, and no "
                                              "XDG_CACHE_HOME); planning without the plan cache\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(stack.parent / "xdg"))
    assert kubeconfig(stack) == (0, truth[1], "")
    assert len(list((stack.parent / "xdg" / "eks-access").glob("*.json"))) == 1


# --------------------------------------------------------------------------- a program with modules


PULUMI_YAML = """name: team-cluster
runtime: python
config:
  teams:
    default:
      - name: developers
        iamGroup: Developers
        members: [dev1]
        roleName: EKSDevelopers
        kubernetesGroups: [developers]
        clusterRoleBindings: {bindings}
"""
STACK = """config:
  team-cluster:accountId: "111122223333"
  team-cluster:cluster:
    name: myeks
{teams}"""
MAIN = """import teams
from eks_access import TeamAccess, TeamAccessArgs
from eks_access.stack import main
from lib import names

ROLE = "{role}"

main()
TeamAccess("operators", TeamAccessArgs(
    cluster_name="myeks", cluster_arn="arn:aws:eks:ap-northeast-2:111122223333:cluster/myeks",
    iam_group=names.GROUP, members=["ope1"], role_name=ROLE,
    kubernetes_groups=[open("group.txt").read().strip()], cluster_role_bindings=teams.BINDINGS,
))
"""
#: Each input of the program and the values an edit gives it (the first is the initial one).
INPUTS: dict[str, tuple[str, ...]] = {
    "__main__.py": tuple(MAIN.format(role=role) for role in ("EKSOperators", "EKSOps", "EKS Ops")),
    "teams.py": ('BINDINGS = ["view"]\n', 'BINDINGS = ["edit"]\n', 'BINDINGS = ["cluster-admin"]\n'),
    "lib/names.py": ('GROUP = "Operators"\n', 'GROUP = "Ops"\n', 'GROUP = "Ops team"\n'),
    "group.txt": ("operators\n", "ops\n", "system:masters\n"),
    "Pulumi.yaml": tuple(PULUMI_YAML.format(bindings=b) for b in ("[view]", "[edit]", "notalist")),
    "Pulumi.dev.yaml": tuple(STACK.format(teams=t) for t in ("", "  team-cluster:teams: []\n", "  team-cluster:teams: 5\n")),
    "$AWS_REGION": ("us-east-1", "eu-west-1", "bogus"),
}


def write_project(folder: Path, state: dict[str, str]) -> None:
    for name, text in state.items():
        if not name.startswith("$"):
            (folder / name).write_text(text)
    os.environ["AWS_REGION"] = state["$AWS_REGION"]


def answers(config: Path) -> list[Answer]:
    """What a CI gate and a team member see: the check, a who-can question and a kubeconfig."""
    where = ("--config", str(config))
    return [run("check", "--format", "json", *where), run("who-can", "list", "pods", "-n", "default", *where),
            run("kubeconfig", "--team", "developers", *where)]


def test_editing_a_module_the_program_imports_is_a_new_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """0.2.0: check kept passing (exit 0) after an edit that makes an uncached run fail (exit 1)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("EKS_ACCESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    state = {name: values[0] for name, values in INPUTS.items()}
    write_project(tmp_path, state)
    config = str(tmp_path / "Pulumi.dev.yaml")
    assert run("check", "--config", config)[0] == 0
    (tmp_path / "teams.py").write_text(INPUTS["teams.py"][2])
    assert run("check", "--config", config)[0] == 1
    (tmp_path / "teams.py").write_text(INPUTS["teams.py"][0])
    assert run("check", "--config", config)[0] == 0
    (tmp_path / "group.txt").write_text(INPUTS["group.txt"][2])  # a data file the program reads
    assert run("check", "--config", config) == (2, "", "eks-access: error: TeamAccessArgs.kubernetes_groups[0]: 'system:masters': "
                                                "EKS access entries refuse 'system:' groups; bind a ClusterRole to your own group instead\n")


def _every_input_once(test: Callable[..., None]) -> Callable[..., None]:
    """One edit of each input to its last value (each changes the answer) besides the random ones."""
    for name in INPUTS:
        test = example(edits=[(name, 2)])(test)
    return test


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each try plans
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@_every_input_once
@given(edits=st.lists(st.tuples(st.sampled_from(sorted(INPUTS)), st.integers(0, 2)), min_size=1, max_size=4))
def test_any_edit_to_any_input_changes_the_answer_exactly_when_an_uncached_run_would(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int]],
) -> None:
    folder = tmp_path_factory.mktemp("project")
    (folder / "lib").mkdir()
    (folder / "lib" / "__init__.py").write_text("")
    state = {name: values[0] for name, values in INPUTS.items()}
    config = folder / "Pulumi.dev.yaml"
    previous_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # no .pyc whose mtime-and-size check could hide a quick edit
    with environment(EKS_ACCESS_CACHE_DIR=str(folder / "cache"), AWS_REGION=None, AWS_DEFAULT_REGION=None):
        try:
            write_project(folder, state)
            assert answers(config)[0][0] == 0
            for name, choice in edits:
                state[name] = INPUTS[name][choice]
                write_project(folder, state)
                cached = answers(config)
                with environment(EKS_ACCESS_CACHE="off"):
                    assert cached == answers(config), (name, choice)
        finally:
            sys.dont_write_bytecode = previous_bytecode

