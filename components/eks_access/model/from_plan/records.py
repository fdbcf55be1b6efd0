"""The generic part of a plan record (docs/plan-format.md), its labels and allow-list names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eks_access.errors import PlanError
from eks_access.model.arns import account_of
from eks_access.model.origin import RecordRef
from eks_access.model.values import is_unknown, kind_of


@dataclass(frozen=True)
class PlanRecord:
    """A record whose generic fields have been checked, with its reference."""

    ref: RecordRef
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    custom: bool | None


def read_records(raw: Sequence[Any]) -> list[PlanRecord]:
    """Check the generic schema the model relies on and build every record's reference."""
    counts = Counter(r.get("name") if isinstance(r, dict) else None for r in raw)
    out: list[PlanRecord] = []
    for i, record in enumerate(raw):
        if not isinstance(record, Mapping):
            raise PlanError(f"plan record #{i}: expected an object, got {kind_of(record)}")
        name, rtype = record.get("name"), record.get("type")
        if type(name) is not str or type(rtype) is not str or not name or not rtype:
            key = "type" if type(rtype) is not str or not rtype else "name"
            raise PlanError(f"plan record #{i}: {key}: expected a non-empty string, got {kind_of(record.get(key))}")
        inputs, outputs = record.get("inputs"), record.get("outputs")
        parent, implicit = record.get("parent"), record.get("implicit")
        for key, value, kinds in (("inputs", inputs, Mapping), ("outputs", outputs, Mapping),
                                  ("parent", parent, str), ("implicit", implicit, str)):  # fmt: skip
            if value is not None and not isinstance(value, kinds):
                wanted = "an object" if kinds is Mapping else "a string or null"
                raise PlanError(f"plan record {name!r} ({rtype}): {key}: expected {wanted}, got {kind_of(value)}")
        custom = record.get("custom")
        ref = RecordRef(
            index=i,
            name=name,
            type=rtype,
            parent=parent or None,
            implicit=implicit or None,
            label=name if counts[name] == 1 else f"{rtype}::{name}",
            inputs=inputs or {},
            outputs=outputs or {},
        )
        out.append(PlanRecord(ref, ref.inputs, ref.outputs, custom if isinstance(custom, bool) else None))
    return out


def detect_account(records: Sequence[PlanRecord]) -> tuple[str | None, str]:
    """The stack's account id and partition: from the first IAM/EKS ARN the plan states."""
    for record in records:
        for value in (record.outputs.get("arn"), record.inputs.get("principalArn"), record.inputs.get("roleArn")):
            if isinstance(value, str) and not is_unknown(value) and value.startswith("arn:"):
                account = account_of(value)
                if account and (":iam::" in value or ":eks:" in value or ":sts::" in value):
                    return account, value.split(":")[1]
    return None, "aws"
