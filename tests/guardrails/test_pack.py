"""The policy pack adapter: policy set, preview unknowns, and the pure-layer boundary."""

from __future__ import annotations

import json
import subprocess
import sys

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy import Severity as PolicySeverity
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from eks_access.guardrails import RULES
from eks_access.guardrails.pack import build_policies, record_from_resource
from eks_access.model import UNKNOWN_SENTINEL
from tests.builders import aws_auth, cluster
from tests.guardrails.harness import run_pack


def test_one_policy_per_rule_plus_advisory_companions() -> None:
    policies = {p.name: p for p in build_policies()}
    companions = {"EKS-AUTHMODE-ADVISORY", "EKS-NO-IAM-USERS-ADVISORY", "EKS-USERNAME-TEMPLATE-ADVISORY",
                  "EKS-CLUSTER-ADMIN-POLICY-ADVISORY", "RBAC-DEFAULT-SA-ADVISORY", "IAM-WORKLOAD-ESCALATION-ADVISORY", "EKS-VERSION-ADVISORY"}
    assert set(policies) == {r.id for r in RULES} | companions
    assert policies["EKS-MASTERS"].enforcement_level is EnforcementLevel.MANDATORY
    assert policies["EKS-AUTHMODE-ADVISORY"].enforcement_level is EnforcementLevel.ADVISORY
    assert policies["SA-AUTOMOUNT"].enforcement_level is EnforcementLevel.ADVISORY
    assert policies["EKS-NO-IAM-USERS-ADVISORY"].severity is PolicySeverity.MEDIUM
    assert isinstance(policies["RBAC-WILDCARD"], ResourceValidationPolicy)
    assert isinstance(policies["IAM-IRSA-COND"], StackValidationPolicy)
    schema = policies["EKS-MASTERS"].config_schema
    assert schema is not None and schema.properties["allow"]["type"] == "array"
    assert "C-0246" in policies["EKS-MASTERS"].description


def test_unknown_preview_values_are_skipped_not_fatal() -> None:
    record = record_from_resource("eks:index:Cluster", "myeks", {"authenticationMode": UNKNOWN_STRING_VALUE})
    assert record["inputs"] == {"authenticationMode": UNKNOWN_SENTINEL}  # the plan's unknown, not null
    unknown = cluster(mode=None, roleMappings=UNKNOWN_STRING_VALUE)
    unknown["inputs"]["authenticationMode"] = UNKNOWN_STRING_VALUE
    assert run_pack([unknown]) == []


def test_pack_reports_pulumi_eks_children_which_check_deduplicates() -> None:
    from tests.guardrails.harness import findings

    masters = [{"roleArn": "arn:aws:iam::111122223333:role/A", "username": "a:{{SessionName}}",
                "groups": ["system:masters"]}]
    component = cluster(mode="CONFIG_MAP", roleMappings=masters)
    child = aws_auth(map_roles=[{"rolearn": "arn:aws:iam::111122223333:role/A", "username": "a:{{SessionName}}",
                                 "groups": ["system:masters"]}], parent="myeks")
    assert [f.resource for f in findings([component, child], "EKS-MASTERS")] == ["myeks"]
    # one resource at a time the pack cannot know the child repeats its parent
    assert len(run_pack([component, child], "EKS-MASTERS")) == 2


def test_pure_modules_do_not_import_pulumi() -> None:
    code = (
        "import sys, eks_access.guardrails, eks_access.guardrails.report;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_policy'))))"
    )
    out = subprocess.run([sys.executable, "-c", "import json;" + code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == []
