"""Where a fact of the model came from: the plan record, and the place inside it.

Every model object keeps its origin so answers can name the resource in a chain
("access entry developers-access-entry") and guardrail findings can point at the record a
user has to change, and honour the allow-list names a user may write for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from eks_access.model.values import UNKNOWN_SENTINEL

_IAM_KINDS = {"aws:iam/role:Role": "role", "aws:iam/user:User": "user", "aws:iam/group:Group": "group"}


def _text(value: Any) -> str | None:
    return value if type(value) is str and value and value != UNKNOWN_SENTINEL else None


@dataclass(frozen=True, eq=False)
class RecordRef:
    """One plan record, as the model knows it.

    ``label`` is the name findings show: the logical name, or ``type::name`` when several
    records share the name (Pulumi allows one logical name under several types).
    ``allow_keys`` are the names a user may write in a guardrail allow-list for it (logical
    name, ``type::name``, Kubernetes ``name``/``namespace/name``, IAM name, ARN); ``arn_suffixes``
    the ``:role/<path><name>`` endings of an IAM identity known only by its inputs.
    """

    index: int
    name: str
    type: str
    parent: str | None = None
    implicit: str | None = None
    label: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    outputs: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"RecordRef({self.index}, {self.type}::{self.name})"

    @cached_property
    def allow_keys(self) -> frozenset[str]:
        """Computed on first use: most records never meet an allow-list."""
        keys = [self.name, f"{self.type}::{self.name}"]
        meta = self.inputs.get("metadata")
        if isinstance(meta, Mapping) and _text(meta.get("name")):
            ns = _text(meta.get("namespace"))
            keys.append(f"{ns}/{meta['name']}" if ns else str(meta["name"]))
        keys += [v for v in (_text(self.inputs.get("name")), _text(self.inputs.get("arn")), _text(self.outputs.get("arn"))) if v]
        return frozenset(keys)

    @cached_property
    def arn_suffixes(self) -> tuple[str, ...]:
        """``:role/<path><name>``: an IAM identity named by ARN within the stack's account, from
        inputs alone (the policy pack sees inputs, not the ARN the cloud assigns)."""
        kind = _IAM_KINDS.get(self.type)
        name = _text(self.inputs.get("name"))
        if kind is None or name is None:
            return ()
        return (f":{kind}{_text(self.inputs.get('path')) or '/'}{name}",)


@dataclass(frozen=True)
class Origin:
    """A record and the key path of the fact inside it (``mapRoles[1]``, ``inlinePolicies[0]``)."""

    record: RecordRef
    path: str = ""

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def implicit(self) -> str | None:
        """Why EKS or pulumi-eks creates this on its own (interfaces.md item 1), or None."""
        return self.record.implicit

    def describe(self) -> str:
        return f"{self.record.name} {self.path}" if self.path else self.record.name


BUILTIN = RecordRef(index=-1, name="(built-in)", type="builtin", label="(built-in)")
"""The origin of what a cluster has without the plan (bootstrap RBAC, EKS access policies)."""
