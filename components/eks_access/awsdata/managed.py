"""AWS-managed IAM policies: the default version's document, as ``iam get-policy-version`` returns it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

DATA_PACKAGE = "eks_access.awsdata"
MANAGED_POLICIES_FILE = "managed-policies.json"


@dataclass(frozen=True)
class ManagedPolicy:
    """One AWS-managed policy; ``retrieved`` is when the source last saw this version (ISO 8601)."""

    name: str
    arn: str
    version_id: str
    create_date: str
    document: dict[str, Any] = field(hash=False)
    source: str
    retrieved: str


@cache
def _catalog() -> dict[str, ManagedPolicy]:
    text = resources.files(DATA_PACKAGE).joinpath("data", MANAGED_POLICIES_FILE).read_text(encoding="utf-8")
    doc = json.loads(text)
    out: dict[str, ManagedPolicy] = {}
    for arn, raw in doc["policies"].items():
        out[arn] = ManagedPolicy(
            name=raw["name"], arn=arn, version_id=raw["versionId"], create_date=raw["createDate"],
            document=raw["document"], source=f"{doc['source']}: {raw['path']}",
            retrieved=doc["retrieved"],
        )  # fmt: skip
    return out


def managed_policy(arn: str) -> ManagedPolicy | None:
    """The shipped document of an AWS-managed policy ARN, or None when the data lacks it.

    The returned ``document`` is shared: treat it as read-only (``copy.deepcopy`` to change it).
    """
    return _catalog().get(arn)


KNOWN_MANAGED_POLICIES: frozenset[str] = frozenset(_catalog())
