"""``check --format sarif|markdown`` and ``check`` on each pattern's plan through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_access.cli import main
from eks_access.guardrails import RULES, run_checks
from eks_access.guardrails.markdown import render_markdown
from eks_access.guardrails.sarif import render_sarif
from tests.guardrails.cases_issue11 import ISSUE_11_CASES
from tests.guardrails.harness import Case

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EDIT_EVERYWHERE = next(c for c in ISSUE_11_CASES if c.id == "pod-create-builtin-edit-cluster-wide")


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, records: list[dict[str, Any]], *fmt: str) -> tuple[int, str, str]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(records))
    code = main(["check", "--plan", str(plan), *fmt])
    out, err = capsys.readouterr()
    return code, out, err


def test_sarif_is_valid_and_has_one_result_per_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = EDIT_EVERYWHERE.records
    code, out, err = _run(capsys, tmp_path, records, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    findings = run_checks(records)
    [run] = log["runs"]
    assert (code, err) == (1, "")
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.id for r in RULES]
    assert [(r["ruleId"], r["level"], r["message"]["text"]) for r in run["results"]] == [
        (f.rule, "error", f"{f.resource}: {f.message}") for f in findings
    ]
    first = run["results"][0]
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (tmp_path / "plan.json").as_uri()
    assert first["locations"][0]["logicalLocations"] == [{"name": "clusterrolebinding-devs-edit", "kind": "resource"}]
    assert first["properties"] == {"enforcement": "mandatory", "severity": "high", "security-severity": "8.0",
                                   "subjects": ["group:developers"]}  # fmt: skip


def test_sarif_rule_metadata() -> None:
    log = json.loads(render_sarif([]))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    pod = rules["RBAC-POD-CREATE"]
    assert pod["name"] == "RbacPodCreate"
    assert pod["shortDescription"] == {"text": "No pod or workload creation cluster-wide or in kube-system"}
    assert pod["helpUri"] == "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
    assert pod["defaultConfiguration"] == {"level": "error"}
    assert pod["properties"]["security-severity"] == "8.0"
    assert "CIS Amazon EKS Benchmark 4.1.4" in pod["properties"]["tags"]
    assert "guardrails.allow.RBAC-POD-CREATE" in pod["help"]["text"]
    assert rules["EKS-CREATOR-ADMIN"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["IAM-WORKLOAD-SECRETS"]["helpUri"] == (
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html")


def test_markdown_for_a_pull_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, tmp_path, EDIT_EVERYWHERE.records, "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    n = len(run_checks(EDIT_EVERYWHERE.records))  # all mandatory; how many depends on edit's rules in the version
    assert n >= 6
    assert lines[0] == f"### eks-access check: {n} mandatory, 0 advisory (blocks the deploy)"
    assert lines[2] == f"{len(RULES)} rules checked over 1 resources."
    assert lines[4:6] == ["| Enforcement | Severity | Rule | Resource | Finding |", "|---|---|---|---|---|"]
    assert lines[6].startswith("| mandatory | high | `RBAC-SECRETS` | `clusterrolebinding-devs-edit` | ClusterRoleBinding "
                               "'devs-edit' (built-in ClusterRole edit, cluster-wide) grants get secrets")  # fmt: skip
    assert "<details><summary>Rules that fired</summary>" in lines


def test_markdown_escapes_cells_and_says_when_clean() -> None:
    assert render_markdown([], resources=3, rules=2) == "### eks-access check: no findings\n\n2 rules checked over 3 resources.\n"
    [finding] = run_checks(next(c for c in ISSUE_11_CASES if c.id == "default-sa-unprivileged").records)
    text = render_markdown([finding])
    assert "| advisory | medium | `RBAC-DEFAULT-SA` | `clusterrolebinding-default-view` |" in text
    from eks_access.guardrails.markdown import cell

    assert cell("a|b\nc") == "a\\|b c"


@pytest.mark.parametrize("case", ISSUE_11_CASES, ids=[c.id for c in ISSUE_11_CASES])
def test_check_cli_reports_each_pattern(case: Case, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _run(capsys, tmp_path, case.records, "--format", "json")
    found = [f for f in json.loads(out) if f["rule"] == case.rule]
    assert [(f["resource"], f["enforcement"]) for f in found] == [(r, e) for r, e, _ in case.expected]
    for f, (_, _, fragment) in zip(found, case.expected, strict=True):
        assert fragment in f["message"]
    mandatory = any(f["enforcement"] == "mandatory" for f in json.loads(out))
    assert (code, err) == (1 if mandatory else 0, "")


EXACT = {
    "pod-create-cluster-wide": (
        "ClusterRoleBinding 'deployer' gives Group ci ClusterRole deployer cluster-wide, which allows create "
        "deployments.apps: a pod started there can run as any ServiceAccount of its namespace (kube-system's "
        "controllers included) and mount the node's filesystem; bind workload rights with RoleBindings in the "
        "team's own namespaces"),
    "aws-auth-writable": (
        "RoleBinding 'kube-system/cm-editor' gives Group platform Role kube-system/cm-editor in namespace "
        "kube-system, which allows update configmaps 'aws-auth', patch configmaps 'aws-auth' in kube-system while "
        "the cluster authenticates through aws-auth (API_AND_CONFIG_MAP): a new mapRoles entry maps any IAM role "
        "to system:masters; manage mappings as access entries (authenticationMode: API) and give nobody write "
        "access to kube-system ConfigMaps"),
    "workload-eks-access-management": (
        "workload role 'App' can manage cluster access: eks:CreateAccessEntry, eks:AssociateAccessPolicy; a pod "
        "with it can give any principal (itself included) AmazonEKSClusterAdminPolicy; manage access entries from "
        "the deployment pipeline, never from a workload"),
    "trust-cross-account": (
        "role 'Partner' trust policy Statement[0] trusts arn:aws:iam::444455556666:role/Deployer (account "
        "444455556666), outside the stack's account 111122223333: whoever controls that account decides who "
        "becomes this role; trust principals of this account, or allow-list the account if the cross-account "
        "access is deliberate"),
    "creator-admin": (
        "arn:aws:iam::111122223333:user/deployer is a hidden cluster admin: EKS gives the cluster's creator this "
        "AmazonEKSClusterAdminPolicy entry (with pulumi-eks, whoever runs `pulumi up`: "
        "bootstrapClusterCreatorAdminPermissions); declare explicit break-glass admins (cluster.admins) and delete "
        "the creator's access entry once the cluster is deployed"),
}


@pytest.mark.parametrize("case_id", sorted(EXACT))
def test_exact_messages(case_id: str) -> None:
    case = next(c for c in ISSUE_11_CASES if c.id == case_id)
    assert [f.message for f in run_checks(case.records) if f.rule == case.rule] == [EXACT[case_id]]


def test_markdown_fits_a_github_comment() -> None:
    found = run_checks(EDIT_EVERYWHERE.records) * 10  # many findings
    full = render_markdown(found)
    assert len(full) > 6000
    without_details = render_markdown(found, limit=len(full) - 1)
    assert "<details>" not in without_details and without_details.count("\n| mandatory |") == len(found)
    short = render_markdown(found, limit=6000)
    shown = short.count("\n| mandatory |")
    assert len(short) <= 6000 and 0 < shown < len(found)
    assert short.endswith(f"\n{len(found) - shown} more findings not shown (a GitHub comment holds 65536 characters); "
                          "run `eks-access check --format sarif` or `--format json` for all of them.\n")


def test_markdown_default_limit_is_githubs() -> None:
    found = run_checks(EDIT_EVERYWHERE.records) * 300
    text = render_markdown(found)
    assert 60000 < len(text) <= 65536
    assert "more findings not shown" in text
