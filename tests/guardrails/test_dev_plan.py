"""The guardrails over real plans of the stack program, run offline on mocks."""

from __future__ import annotations

import copy
import runpy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from eks_access import awsdata
from eks_access.guardrails import Enforcement, run_checks

ROOT = Path(__file__).resolve().parents[2]
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
CW_READ = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"


def _plan(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    offline = pytest.importorskip("eks_access.offline")
    stackconfig = pytest.importorskip("eks_access.config.stackfile")
    program = str(ROOT / "__main__.py")
    result = offline.run_program(
        lambda: runpy.run_path(program, run_name="__main__"), config=stackconfig.pulumi_config(config)
    )
    return list(result.resources)


def _dev_config() -> dict[str, Any]:
    stackconfig = pytest.importorskip("eks_access.config.stackfile")
    return dict(stackconfig.read_config_file(ROOT / "Pulumi.dev.yaml"))


@pytest.fixture(scope="module")
def dev_plan(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The lead's session fixture when present, else the same plan made here."""
    try:
        return list(request.getfixturevalue("dev_plan_resources"))
    except pytest.FixtureLookupError:
        return _plan(_dev_config())


def test_dev_plan_has_no_mandatory_finding(dev_plan: list[dict[str, Any]]) -> None:
    found = run_checks(dev_plan)
    assert [f for f in found if f.enforcement is Enforcement.MANDATORY] == []
    # the worked example's fixed username 'developer' is reported, as advice only; so is each
    # workload role whose AWS-managed policy the shipped data lacks (it cannot be judged)
    unknown = [(role, arn) for role, arn in (("default/my-sa-role", S3_READ), ("default/reporter-role", CW_READ))
               if awsdata.managed_policy(arn) is None]
    # and, once the plan records what EKS creates on its own, the creator's admin entry
    creator = [r["name"] for r in dev_plan if r.get("implicit") == "eks-cluster-creator"
               and r["type"] == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"]  # fmt: skip
    assert [(f.rule, f.resource) for f in found] == [
        *(("EKS-CREATOR-ADMIN", name) for name in creator),
        ("EKS-USERNAME-TEMPLATE", "developers-access-entry"),
        *(("IAM-WORKLOAD-ESCALATION", role) for role, _ in unknown),
    ]
    for f, (_, arn) in zip(found[1 + len(creator):], unknown, strict=True):
        assert f.enforcement is Enforcement.ADVISORY
        assert f"has policies whose contents eks-access does not ship ({arn}), so its effective" in f.message


def test_team_mapped_to_system_masters_is_mandatory() -> None:
    config = copy.deepcopy(_dev_config())
    config["team-cluster:cluster"]["authenticationMode"] = "CONFIG_MAP"
    team = config["team-cluster:teams"][1]
    team["kubernetesGroups"] = ["system:masters"]
    team["dangerouslyAllowSystemGroups"] = True
    found = run_checks(_plan(config))
    masters = [f for f in found if f.rule == "EKS-MASTERS"]
    # the mapping itself, and the team's binding that names system:masters as its subject
    assert [(f.resource, f.enforcement) for f in masters] == [
        ("myeks", Enforcement.MANDATORY),
        ("operators-crb/pod-node-reader", Enforcement.MANDATORY),
    ]
    assert "roleMappings[1] (arn:aws:iam::111122223333:role/EKSOperators) is mapped to system:masters" in masters[0].message
    assert "EKS-AUTHMODE" in {f.rule for f in found}


def test_readme_examples_have_no_mandatory_finding() -> None:
    """The README's stack config and library snippet are the safe configs users copy."""
    import re

    import yaml

    from eks_access.offline import FakeCloud, run_program

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stack_yaml = text.split("## Stack config", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    found = run_checks(_plan(yaml.safe_load(stack_yaml)["config"]))
    assert [f for f in found if f.enforcement is Enforcement.MANDATORY] == []
    assert {f.rule for f in found} >= {"EKS-CLUSTER-ADMIN-POLICY", "EKS-NO-IAM-USERS"}  # break-glass, mapped IAM user
    [block] = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "TeamAccess" in b]
    snippet = run_program(lambda: exec(block, {}), config={}, cloud=FakeCloud(region="ap-northeast-2")).resources
    assert [f for f in run_checks(list(snippet)) if f.enforcement is Enforcement.MANDATORY] == []
