"""The vocabulary every guardrail speaks: records, findings, rules and the check context.

A rule is data plus a pure function, so the same object can be run by ``eks-access check``
over a whole plan and wrapped as a Pulumi policy by :mod:`eks_access.guardrails.pack`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

Record = Mapping[str, Any]
"""One resource of the plan: ``{type, name, parent, custom, inputs, outputs}`` (docs/plan-format.md)."""


class Severity(str, Enum):
    """How much damage the finding allows; orthogonal to whether it blocks."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Enforcement(str, Enum):
    """Mandatory findings fail ``check`` (exit 1) and block ``pulumi up``; advisory ones warn."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Scope(str, Enum):
    """Resource rules see one record; stack rules need the whole plan (cross-references)."""

    RESOURCE = "resource"
    STACK = "stack"


@dataclass(frozen=True)
class Finding:
    """One violation; ``resource`` is the record's name, or ``type::name`` when names collide."""

    rule: str
    severity: Severity
    enforcement: Enforcement
    resource: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "enforcement": self.enforcement.value,
            "resource": self.resource,
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckContext:
    """What a rule may know besides the record: the plan (if any) and the allow-list.

    ``whole_plan`` is false when the policy pack runs a resource rule on one resource; rules
    then must not conclude anything from the absence of other resources.
    """

    records: Sequence[Record]
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)
    whole_plan: bool = True
    labels: Mapping[int, str] = field(default_factory=dict)

    def label(self, record: Record) -> str:
        found = self.labels.get(id(record))
        if found is not None:
            return found
        return str(record.get("name") or "")

    def allowed(self, rule_id: str, record: Record, keys: Iterable[str | None] = ()) -> bool:
        entries = self.allow.get(rule_id)
        if not entries:
            return False
        candidates = {self.label(record), *_identity_keys(record)}
        candidates.update(k for k in keys if k)
        if not entries.isdisjoint(candidates):
            return True
        suffixes = _arn_suffixes(record)
        return any(e.startswith("arn:") and e.endswith(suffixes) for e in entries) if suffixes else False


def _identity_keys(record: Record) -> list[str]:
    """Names a user may write in an allow-list for this record."""
    name = str(record.get("name") or "")
    keys = [name, f"{record.get('type', '')}::{name}"]
    inputs = record.get("inputs")
    if isinstance(inputs, Mapping):
        meta = inputs.get("metadata")
        if isinstance(meta, Mapping) and isinstance(meta.get("name"), str):
            ns = meta.get("namespace")
            keys.append(f"{ns}/{meta['name']}" if isinstance(ns, str) and ns else meta["name"])
        for key in ("name", "arn"):
            if isinstance(inputs.get(key), str):
                keys.append(inputs[key])
    outputs = record.get("outputs")
    if isinstance(outputs, Mapping) and isinstance(outputs.get("arn"), str):
        keys.append(outputs["arn"])
    return keys


_IAM_KINDS = {"aws:iam/role:Role": "role", "aws:iam/user:User": "user", "aws:iam/group:Group": "group"}


def _arn_suffixes(record: Record) -> tuple[str, ...]:
    """ARN endings of an IAM role/user/group known only by its inputs.

    The policy pack sees inputs, not the ARN the cloud assigns, yet users name break-glass
    principals by ARN; ``:role/<path><name>`` identifies it within the stack's account.
    """
    kind = _IAM_KINDS.get(str(record.get("type") or ""))
    inputs = record.get("inputs")
    if kind is None or not isinstance(inputs, Mapping) or not isinstance(inputs.get("name"), str):
        return ()
    path = inputs.get("path") if isinstance(inputs.get("path"), str) else "/"
    return (f":{kind}{path}{inputs['name']}",)


ResourceCheck = Callable[["Rule", Record, CheckContext], Iterator[Finding]]
StackCheck = Callable[["Rule", Sequence[Record], CheckContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A guardrail. ``id`` is the contract (config keys, JSON output, policy names).

    ``enforcement`` is the strongest level the rule emits; ``also_advisory`` marks rules that
    emit weaker findings too (e.g. EKS-AUTHMODE on API_AND_CONFIG_MAP), which the policy pack
    registers as a companion ``<id>-ADVISORY`` policy because a Pulumi policy has one level.
    """

    id: str
    title: str
    description: str
    severity: Severity
    enforcement: Enforcement
    scope: Scope
    references: tuple[str, ...]
    check_resource: ResourceCheck | None = None
    check_stack: StackCheck | None = None
    also_advisory: bool = False
    advisory_severity: Severity = Severity.LOW

    def run(self, records: Sequence[Record], ctx: CheckContext) -> list[Finding]:
        if self.check_stack is not None:
            return list(self.check_stack(self, records, ctx))
        assert self.check_resource is not None
        found: list[Finding] = []
        for record in records:
            found.extend(self.check_resource(self, record, ctx))
        return found

    def finding(
        self,
        ctx: CheckContext,
        record: Record,
        message: str,
        *,
        keys: Iterable[str | None] = (),
        severity: Severity | None = None,
        enforcement: Enforcement | None = None,
    ) -> Finding | None:
        """A finding for ``record``, or None when the allow-list names it."""
        if ctx.allowed(self.id, record, keys):
            return None
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            enforcement=enforcement or self.enforcement,
            resource=ctx.label(record),
            message=message,
        )


def emit(finding: Finding | None) -> Iterator[Finding]:
    """Yield the finding unless the allow-list suppressed it (keeps rule bodies flat)."""
    if finding is not None:
        yield finding
