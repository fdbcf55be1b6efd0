"""``eks-access diff``: the documented example's real output, filters, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_access.cli.main import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "diff"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(EXAMPLE)
    return EXAMPLE


@pytest.mark.parametrize(("fmt", "file"), [("text", "diff.txt"), ("markdown", "diff.md"), ("json", "diff.json")])
def test_example_output_is_the_documented_one(example: Path, capsys: pytest.CaptureFixture[str], fmt: str, file: str) -> None:
    code, out, err = _run(capsys, "diff", "base", "head", "--format", fmt)
    assert (code, err) == (0, "")
    assert out == (example / file).read_text()


def test_example_names_the_three_changes(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = _run(capsys, "diff", "base", "head")
    assert "+ ClusterRole edit in namespace payments by RoleBinding payments/developers-edit: 13 changes (widening)" in out
    assert "      condition dropped for AWS arn:aws:iam::111122223333:root: must sign in with MFA" in out
    assert "    serviceaccount:default:my-sa (its pods get IAM role myeks-default-my-sa)\n      + Allow s3:* on *" in out


def test_json_lists_gains_per_principal(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = _run(capsys, "diff", "base", "head", "--format", "json", "--principal", "serviceaccount:default:my-sa")
    assert json.loads(out) == {
        "base": "base", "head": "head", "widens": True, "refusals": [],
        "principals": [{
            "principal": "serviceaccount:default:my-sa", "kind": "k8s-serviceaccount", "lost": [],
            "gained": [{"layer": "iam", "cause": "policy default/my-sa-inline", "via": "its pods get IAM role myeks-default-my-sa",
                        "change": "+ Allow s3:* on *"}],
        }],
    }  # fmt: skip


def test_fail_on_widen(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "diff", "base", "head", "--fail-on", "widen")[0] == 1
    code, out, _err = _run(capsys, "diff", "head", "base", "--fail-on", "widen")
    assert code == 0
    assert out.splitlines()[0] == "Access diff head -> base: 0 principals gain access, 5 lose access"


def test_namespace_filter(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "diff", "base", "head", "-n", "default", "--fail-on", "widen")
    assert (code, out) == (0, "Access diff base -> head: no principal gains or loses access\n")
    _code, out, _err = _run(capsys, "diff", "base", "head", "-n", "payments", "--principal", "group:developers")
    assert out.splitlines()[:5] == [
        "Access diff base -> head: 1 principal gains access, 0 lose access",
        "",
        "+ ClusterRole edit in namespace payments by RoleBinding payments/developers-edit: 13 changes (widening)",
        "    group:developers",
        '      + get, list, watch on pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services/proxy [apiGroups ""] in namespace payments',
    ]


@pytest.mark.parametrize(("argv", "message"), [
    (["nope", "head"], "BASE: nope: not found (run `eks-access plan --out DIR` first)"),
    (["base", "bad.json"], "HEAD: bad.json: is not a plan.json: Expecting ',' delimiter: line 2 column 1 (char 3)"),
    (["base", "list.json"], "HEAD: list.json: record [0]: must be an object, got a number"),
    (["base", "head", "--principal", "foo"],
     "--principal: 'foo' is not a principal; use an IAM ARN, user:NAME, group:NAME or serviceaccount:NAMESPACE:NAME"),
    (["base", "head", "-n", "Bad_NS"],
     "-n/--namespace: 'Bad_NS' is not a namespace name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)"),
    (["base", "head", "--kubernetes-version", "1.99"], "BASE: base: Kubernetes version '1.99' is not supported; supported versions: 1.20, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36"),
])  # fmt: skip
def test_bad_input_exits_2_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:  # fmt: skip
    for side in ("base", "head"):
        (tmp_path / side).symlink_to(EXAMPLE / side)
    (tmp_path / "bad.json").write_text("[1\n")
    (tmp_path / "list.json").write_text("[1]")
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "diff", *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err == f"eks-access: error: {message}\n"


def test_markdown_keeps_the_widening_lines_that_fit(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eks_access.analysis import Analyzer
    from eks_access.analysis.diff import diff_analyzers
    from eks_access.analysis.diff.report import render_markdown
    from eks_access.plan.reader import read_plan

    base, head = (Analyzer.from_records(read_plan(Path(side))) for side in ("base", "head"))
    diff = diff_analyzers(base, head, "base", "head")
    full = (example / "diff.md").read_text().splitlines()
    short = render_markdown(diff, limit=1500)
    assert len(short) <= 1500
    kept = short.splitlines()
    assert kept[:-2] == full[:9]  # the title, and the first 7 lines of the widening changes
    assert kept[-2:] == ["", "17 more lines not shown (a GitHub comment holds 65536 characters); "
                             "run `eks-access diff --format json` for all of them."]  # fmt: skip


@pytest.mark.parametrize("side", ["base", "head"])
def test_example_plans_are_what_plan_writes_for_the_stack_variants(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   side: str) -> None:  # fmt: skip
    code, _out, err = _run(capsys, "plan", "--config", str(EXAMPLE / f"Pulumi.{side}.yaml"), "--out", str(tmp_path / side))
    assert (code, err) == (0, "")
    assert (tmp_path / side / "plan.json").read_text() == (EXAMPLE / side / "plan.json").read_text()


def test_ci_workflow_runs_commands_this_cli_accepts() -> None:
    import shlex

    import yaml

    from eks_access.cli.main import build_parser

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "access-diff.yml").read_text())
    steps = workflow["jobs"]["diff"]["steps"]
    commands = [line.strip().removeprefix("(cd \"$RUNNER_TEMP/base-src\" && ").removesuffix(")")
                for step in steps for line in str(step.get("run", "")).splitlines()]  # fmt: skip
    invocations = [shlex.split(c.split(" >")[0])[1:] for c in commands if c.startswith("eks-access ")]
    assert [argv[0] for argv in invocations] == ["plan", "plan", "diff", "diff"]
    for argv in invocations:
        build_parser().parse_args(argv)  # argparse exits 2 (our _Parser raises) on anything unknown
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}


def _git(repo: Path, *argv: str) -> str:
    import subprocess

    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=ci@example.com", "-c", "user.name=ci", *argv],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def test_base_ref_plans_the_revision_in_a_worktree_it_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    import tempfile

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "Pulumi.dev.yaml").write_text((EXAMPLE / "Pulumi.base.yaml").read_text())
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    (repo / "Pulumi.dev.yaml").write_text((EXAMPLE / "Pulumi.head.yaml").read_text())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(repo)
    code, out, err = _run(capsys, "diff", "--base-ref", "HEAD")
    assert (code, err) == (0, "")
    expected = (EXAMPLE / "diff.txt").read_text().replace("Access diff base -> head", "Access diff HEAD:Pulumi.dev.yaml -> Pulumi.dev.yaml")
    assert out == expected
    assert _git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert list(scratch.iterdir()) == []
    code, out, err = _run(capsys, "diff", "--base-ref", "HEAD", "--config", "Pulumi.dev.yaml", str(EXAMPLE / "head"), "--format", "json")
    assert json.loads(out)["base"] == "HEAD:Pulumi.dev.yaml"


@pytest.mark.parametrize(("argv", "message"), [
    (["--base-ref", "nope"], "--base-ref: 'nope' is not a commit of {repo}"),
    (["--base-ref", "HEAD", "a", "b"], "--base-ref: BASE is the revision; give at most one plan (HEAD)"),
    (["base"], "diff: BASE and HEAD are required (plan directories or plan.json files), or --base-ref REF"),
])  # fmt: skip
def test_base_ref_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                            argv: list[str], message: str) -> None:  # fmt: skip
    _git(tmp_path, "init", "-q")
    (tmp_path / "Pulumi.dev.yaml").write_text((EXAMPLE / "Pulumi.base.yaml").read_text())
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "diff", *argv)
    assert (code, out, err) == (2, "", f"eks-access: error: {message.format(repo=tmp_path)}\n")


def _changed_plan(tmp_path: Path, name: str, **inputs: str) -> Path:
    records = json.loads((EXAMPLE / "base" / "plan.json").read_text())
    [cluster] = [r for r in records if r["type"] == "eks:index:Cluster"]
    cluster["inputs"].update(inputs)
    out = tmp_path / name
    out.write_text(json.dumps(records))
    return out


@pytest.mark.parametrize(("base_inputs", "head_inputs", "refusal"), [
    ({"version": "1.32"}, {"version": "1.34"}, "cluster 'myeks': version 1.32 -> 1.34: EKS updates a control plane one minor version at a time: "
                              "apply 1.33 first (update-cluster.html)"),
    ({}, {"version": "1.35"}, "cluster 'myeks': version 1.36 -> 1.35: EKS cannot lower a cluster's Kubernetes version "
                              "(update-cluster.html)"),
    ({}, {"authenticationMode": "API_AND_CONFIG_MAP"},
     "cluster 'myeks': EKS does not change authentication mode API to API_AND_CONFIG_MAP: the mode moves one way only, "
     "one step at a time, CONFIG_MAP -> API_AND_CONFIG_MAP -> API (EKS user guide, setting-up-access-entries)"),
    ({"authenticationMode": "CONFIG_MAP"}, {},
     "cluster 'myeks': EKS does not change authentication mode CONFIG_MAP to API: the mode moves one way only, "
     "one step at a time, CONFIG_MAP -> API_AND_CONFIG_MAP -> API (EKS user guide, setting-up-access-entries)"),
])  # fmt: skip
def test_a_cluster_update_eks_refuses_fails_the_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str], base_inputs: dict[str, str],
                                                     head_inputs: dict[str, str], refusal: str) -> None:
    """Only the diff sees the step from the deployed cluster to the new one: EKS refuses to skip a
    minor version, to go back one, or to step the authentication mode back."""
    base = _changed_plan(tmp_path, "base.json", **base_inputs)
    head = _changed_plan(tmp_path, "head.json", **head_inputs)
    code, out, err = _run(capsys, "diff", str(base), str(head))
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == f"REFUSED by EKS: {refusal}"
    code, out, _err = _run(capsys, "diff", str(base), str(head), "--format", "json")
    assert (code, json.loads(out)["refusals"]) == (1, [refusal])
    code, out, _err = _run(capsys, "diff", str(base), str(head), "--format", "markdown")
    assert code == 1
    assert f"- **refused by EKS** `{refusal}`" in out.splitlines()


def test_one_minor_version_up_and_a_mode_step_forward_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = _changed_plan(tmp_path, "base.json", authenticationMode="API_AND_CONFIG_MAP", version="1.32")
    head = _changed_plan(tmp_path, "head.json", version="1.33")
    code, out, _err = _run(capsys, "diff", str(base), str(head), "--format", "json")
    assert (code, json.loads(out)["refusals"]) == (0, [])
