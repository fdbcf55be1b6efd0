"""The generic part of a plan record (docs/plan-format.md), its labels and allow-list names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eks_access.errors import PlanError
from eks_access.model.arns import account_of
from eks_access.model.from_plan.fields import kind_of, lenient_mapping, lenient_text
from eks_access.model.origin import RecordRef
from eks_access.model.values import is_unknown

_IAM_KINDS = {"aws:iam/role:Role": "role", "aws:iam/user:User": "user", "aws:iam/group:Group": "group"}


@dataclass(frozen=True)
class PlanRecord:
    """A record whose generic fields have been checked, with its reference."""

    ref: RecordRef
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    custom: bool | None


def read_records(raw: Sequence[Any]) -> list[PlanRecord]:
    """Check the generic schema the model relies on and build every record's reference."""
    checked: list[tuple[int, Mapping[str, Any]]] = []
    for i, record in enumerate(raw):
        if not isinstance(record, Mapping):
            raise PlanError(f"plan record #{i}: expected an object, got {kind_of(record)}")
        for key in ("type", "name"):
            if not isinstance(record.get(key), str) or not record.get(key):
                raise PlanError(f"plan record #{i}: {key}: expected a non-empty string, got {kind_of(record.get(key))}")
        for key in ("inputs", "outputs"):
            value = record.get(key)
            if value is not None and not isinstance(value, Mapping):
                raise PlanError(f"plan record {record['name']!r} ({record['type']}): {key}: expected an object, got {kind_of(value)}")
        for key in ("parent", "implicit"):
            value = record.get(key)
            if value is not None and not isinstance(value, str):
                raise PlanError(f"plan record {record['name']!r} ({record['type']}): {key}: expected a string or null, got {kind_of(value)}")
        checked.append((i, record))
    counts = Counter(str(r["name"]) for _, r in checked)
    out: list[PlanRecord] = []
    for i, record in checked:
        name, rtype = str(record["name"]), str(record["type"])
        inputs = lenient_mapping(record.get("inputs"))
        outputs = lenient_mapping(record.get("outputs"))
        custom = record.get("custom")
        ref = RecordRef(
            index=i,
            name=name,
            type=rtype,
            parent=record.get("parent") or None,
            implicit=record.get("implicit") or None,
            label=name if counts[name] == 1 else f"{rtype}::{name}",
            allow_keys=frozenset(_allow_keys(name, rtype, inputs, outputs)),
            arn_suffixes=_arn_suffixes(rtype, inputs),
        )
        out.append(PlanRecord(ref, inputs, outputs, custom if isinstance(custom, bool) else None))
    return out


def _allow_keys(name: str, rtype: str, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> list[str]:
    """Names a user may write in a guardrail allow-list for this record."""
    keys = [name, f"{rtype}::{name}"]
    meta = lenient_mapping(inputs.get("metadata"))
    k8s_name = lenient_text(meta.get("name"))
    if k8s_name:
        ns = lenient_text(meta.get("namespace"))
        keys.append(f"{ns}/{k8s_name}" if ns else k8s_name)
    for key in ("name", "arn"):
        value = lenient_text(inputs.get(key))
        if value:
            keys.append(value)
    arn = lenient_text(outputs.get("arn"))
    if arn:
        keys.append(arn)
    return keys


def _arn_suffixes(rtype: str, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """``:role/<path><name>``: names an IAM identity by ARN within the stack's account, from
    inputs alone (the policy pack sees inputs, not the ARN the cloud assigns)."""
    kind = _IAM_KINDS.get(rtype)
    name = lenient_text(inputs.get("name"))
    if kind is None or name is None:
        return ()
    path = lenient_text(inputs.get("path")) or "/"
    return (f":{kind}{path}{name}",)


def detect_account(records: Sequence[PlanRecord]) -> tuple[str | None, str]:
    """The stack's account id and partition: from the first IAM/EKS ARN the plan states."""
    for record in records:
        for value in (record.outputs.get("arn"), record.inputs.get("principalArn"), record.inputs.get("roleArn")):
            if isinstance(value, str) and not is_unknown(value) and value.startswith("arn:"):
                account = account_of(value)
                if account and (":iam::" in value or ":eks:" in value or ":sts::" in value):
                    return account, value.split(":")[1]
    return None, "aws"
