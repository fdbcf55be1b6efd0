"""Preview mode: the program as a first `pulumi preview` sees it (issue 8 item 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from eks_access.cli import main
from eks_access.guardrails import run_checks
from eks_access.offline import UNKNOWN, plan_config
from eks_access.offline.wire import has_unknown, is_unknown
from tests.offline.helpers import NODE_TRUST, by_name, run

ROOT = Path(__file__).resolve().parents[2]


def test_outputs_of_new_resources_are_unknown_inputs_and_invokes_are_known() -> None:
    def program() -> None:
        account = aws.get_caller_identity_output().account_id
        role = aws.iam.Role("r", name="R", assume_role_policy=NODE_TRUST)
        aws.iam.RolePolicy("p", role=role.name, name="p", policy=account.apply(
            lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::logs-{a}"}]})))
        aws.iam.RolePolicy("q", role=role.name, name="q", policy=role.arn.apply(lambda arn: json.dumps({"arn": arn})))

    records = run(program, preview=True)
    role = by_name(records, "r")
    assert role["outputs"] == {"arn": UNKNOWN, "name": "R", "uniqueId": UNKNOWN}  # the name is an input: known
    assert json.loads(by_name(records, "p")["inputs"]["policy"])["Statement"][0]["Resource"] == "arn:aws:s3:::logs-111122223333"
    assert by_name(records, "p")["inputs"]["role"] == "R"
    assert by_name(records, "q")["inputs"]["policy"] == UNKNOWN  # waits on an ARN that exists only after create


def test_none_and_unknown_stay_distinct() -> None:
    def program() -> None:
        role = aws.iam.Role("r", name="R", assume_role_policy=NODE_TRUST)
        k8s.core.v1.ConfigMap("cm", metadata={"name": "cm", "namespace": "default", "labels": None,
                                              "annotations": {"role": role.arn, "team": "dev"}}, data={"a": "b"})

    meta = by_name(run(program, preview=True), "cm")["inputs"]["metadata"]
    assert meta == {"name": "cm", "namespace": "default", "labels": None, "annotations": {"role": UNKNOWN, "team": "dev"}}
    up = by_name(run(program), "cm")["inputs"]["metadata"]
    assert up["annotations"] == {"role": "arn:aws:iam::111122223333:role/R", "team": "dev"} and up["labels"] is None


def test_contracts_skip_what_a_preview_cannot_know() -> None:
    def program() -> None:
        a = aws.iam.Role("a", name="A", assume_role_policy=NODE_TRUST)
        aws.iam.RolePolicyAttachment("x1", role=a.name, policy_arn=a.arn)  # unknown ARN: not judged in preview
        aws.iam.RolePolicyAttachment("x2", role=a.name, policy_arn=a.arn)

    assert len(run(program, preview=True)) == 3
    with pytest.raises(Exception, match="x1 already attaches arn:aws:iam::111122223333:role/A to role 'A'"):
        run(program)


@pytest.fixture(scope="module")
def dev_preview(dev_config: dict[str, Any]) -> list[dict[str, Any]]:
    return plan_config(dev_config, stack="dev", preview=True).resources


def _unknown_documents(records: list[dict[str, Any]]) -> list[str]:
    return sorted(
        r["name"] for r in records
        if str(r["type"]).startswith("aws:iam/") and any(is_unknown(r["inputs"].get(k)) for k in ("assumeRolePolicy", "policy"))
    )


def test_dev_preview_knows_every_iam_document_except_irsa_trust_on_a_new_cluster(
    dev_preview: list[dict[str, Any]], dev_config: dict[str, Any]
) -> None:
    """An IRSA trust names the cluster's OIDC issuer, which EKS assigns when it creates the cluster.

    pulumi-eks derives ``oidcIssuer`` and ``oidcProviderArn`` from the created cluster's
    ``identities`` (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts), so a real first preview of
    a stack that creates its cluster cannot know these three documents either; every other
    document (team roles and group policies, Pod Identity and node trust) is known.
    """
    irsa = sorted(f"{w['namespace']}/{w['serviceAccount']}-role" for w in dev_config["team-cluster:workloads"]
                  if w.get("identity", "irsa") == "irsa")
    assert _unknown_documents(dev_preview) == irsa == ["default/my-sa-role", "dev-team/dev-k8s-role", "infra-team/infra-k8s-role"]
    documents = [r for r in dev_preview if str(r["type"]).startswith("aws:iam/") and ("policy" in r["inputs"] or "assumeRolePolicy" in r["inputs"])]
    assert len(documents) - len(irsa) == 8  # 7 role trusts, 2 group policies, 2 role policies, less the 3 IRSA trusts


def test_dev_preview_knows_every_kubernetes_object_name(dev_preview: list[dict[str, Any]]) -> None:
    objects = [r for r in dev_preview if str(r["type"]).startswith("kubernetes:") and isinstance(r["inputs"].get("metadata"), dict)]
    assert len(objects) == 13
    for record in objects:
        meta = record["inputs"]["metadata"]
        assert not has_unknown(meta.get("name")) and not has_unknown(meta.get("namespace")), record["name"]
        assert not has_unknown({k: v for k, v in record["inputs"].items() if k != "metadata"}), record["name"]


def test_guardrails_judge_a_preview_plan(dev_preview: list[dict[str, Any]], dev_plan_resources: list[dict[str, Any]]) -> None:
    """What a preview cannot know is skipped, so it never adds a finding the full plan lacks."""
    preview = {(f.rule, f.resource) for f in run_checks(dev_preview)}
    full = {(f.rule, f.resource) for f in run_checks(dev_plan_resources)}
    assert preview <= full
    assert ("EKS-USERNAME-TEMPLATE", "developers-access-entry") in preview


def test_plan_preview_writes_the_sentinel_and_check_preview_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "preview"
    assert main(["plan", "--preview", "--out", str(out), "--format", "json"]) == 0
    capsys.readouterr()
    plan = json.loads((out / "plan.json").read_text())
    assert by_name(plan, "default/my-sa-role")["inputs"]["assumeRolePolicy"] == UNKNOWN
    assert not (out / "iam" / "default-my-sa-role.trust.json").exists()
    assert (out / "iam" / "developers-role.trust.json").exists()
    code = main(["check", "--preview"])
    from_stack = capsys.readouterr()
    assert main(["check", "--plan", str(out / "plan.json")]) == code
    assert capsys.readouterr().out == from_stack.out and from_stack.err == ""


def test_preview_plans_are_deterministic(dev_config: dict[str, Any]) -> None:
    first = plan_config(dev_config, stack="dev", preview=True)
    second = plan_config(dev_config, stack="dev", preview=True)
    assert json.dumps(first.resources, sort_keys=True) == json.dumps(second.resources, sort_keys=True)
    assert first.exports["clusterArn"] == "arn:aws:eks:ap-northeast-2:111122223333:cluster/myeks"
    assert first.exports["oidcProviderArn"] == UNKNOWN


def test_a_program_that_never_awaits_an_output_still_completes() -> None:
    def program() -> None:
        role = aws.iam.Role("r", name="R", assume_role_policy=NODE_TRUST)
        role.arn.apply(lambda arn: arn.upper())  # nobody reads it: unknown in a preview, never an error
        pulumi.export("arn", role.arn)

    fake_run = run(program, preview=True)
    assert [r["name"] for r in fake_run] == ["r"]
