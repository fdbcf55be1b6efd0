"""docs/snapshot-policy.json, judged by the project's own IAM evaluator: it allows every call the
collector makes, on the resource type the Service Authorization Reference names for it, and
no other IAM or EKS action on any resource (the reference's data as parliament ships it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import parliament
import pytest

from eks_access.authz.iam import PolicySource, RequestContext, evaluate_policies
from eks_access.model.policy_json import parse_document
from eks_access.snapshot.collect import CALLS
from tests.conftest import ROOT

POLICY = PolicySource("docs/snapshot-policy.json", parse_document((ROOT / "docs/snapshot-policy.json").read_text()))
FILL = {"Partition": "aws", "Region": "ap-northeast-2", "Account": "111122223333", "ClusterName": "myeks",
        "IamIdentityType": "role", "IamIdentityAccountID": "111122223333", "IamIdentityName": "EKSOps"}  # fmt: skip
#: Needs no permission at all ("No permissions are required to perform this operation", STS API reference).
NO_PERMISSION = {"sts:GetCallerIdentity"}


#: EKS Capabilities (launched after the parliament release installed): the Service Authorization
#: Reference's rows (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html):
#: ListCapabilities on cluster, DescribeCapability, CreateCapability, UpdateCapability, DeleteCapability on capability.
CAPABILITY = {"resource": "capability",
              "arn": "arn:${Partition}:eks:${Region}:${Account}:capability/${ClusterName}/${CapabilityType}/${CapabilityName}/${UUID}"}
CAPABILITY_PRIVILEGES = {"ListCapabilities": "cluster*", "DescribeCapability": "capability*", "CreateCapability": "capability*",
                         "UpdateCapability": "capability*", "DeleteCapability": "capability*"}  # fmt: skip


def _reference() -> dict[str, Any]:
    data = json.loads((Path(os.path.dirname(parliament.__file__)) / "iam_definition.json").read_text())
    out = {s["prefix"]: s for s in data if s["prefix"] in ("eks", "iam")}
    eks = out["eks"]
    if not any(r["resource"] == "capability" for r in eks["resources"]):
        eks["resources"].append(CAPABILITY)
    known = {p["privilege"] for p in eks["privileges"]}
    eks["privileges"] += [{"privilege": name, "resource_types": [{"resource_type": rt}]}
                          for name, rt in CAPABILITY_PRIVILEGES.items() if name not in known]  # fmt: skip
    return out


REFERENCE = _reference()


def _arns(prefix: str, privilege: dict[str, Any]) -> list[str]:
    """One example ARN per resource type the action takes ("*" when it takes none)."""
    service = REFERENCE[prefix]
    templates = {r["resource"]: r["arn"] for r in service["resources"]}
    out = []
    for rt in privilege["resource_types"]:
        name = rt["resource_type"].rstrip("*")
        if not name:
            out.append("*")
        elif name in templates:
            out.append(re.sub(r"\$\{(\w+)\}", lambda m: FILL.get(m.group(1), "x1"), templates[name]))
    return out or ["*"]


def _allowed(action: str, resource: str) -> bool:
    return bool(evaluate_policies([POLICY], action, resource, RequestContext()).allowed_by)


def _privilege(action: str) -> dict[str, Any]:
    prefix, name = action.split(":")
    return next(p for p in REFERENCE[prefix]["privileges"] if p["privilege"] == name)


@pytest.mark.parametrize("action", [a for a, _call in CALLS if a not in NO_PERMISSION])
def test_every_call_the_collector_makes_is_allowed(action: str) -> None:
    arns = _arns(action.split(":")[0], _privilege(action))
    assert arns and all(_allowed(action, arn) for arn in arns), (action, arns)


def test_nothing_else_is_allowed() -> None:
    needed = {a for a, _call in CALLS}
    extra = []
    for prefix, service in REFERENCE.items():
        for privilege in service["privileges"]:
            action = f"{prefix}:{privilege['privilege']}"
            if action in needed:
                continue
            extra += [(action, arn) for arn in _arns(prefix, privilege) if _allowed(action, arn)]
    assert extra == []
    assert len(REFERENCE["eks"]["privileges"]) > 50 and len(REFERENCE["iam"]["privileges"]) > 150


def test_the_policy_names_exactly_the_collector_actions() -> None:
    named = {a for st in POLICY.document.statements for a in st.actions or ()} if POLICY.document else set()
    assert named == {a for a, _call in CALLS} - NO_PERMISSION
