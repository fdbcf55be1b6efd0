"""Where a fact of the model came from: the plan record, and the place inside it.

Every model object keeps its origin so answers can name the resource in a chain
("access entry developers-access-entry") and guardrail findings can point at the record a
user has to change, and honour the allow-list names a user may write for it.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    allow_keys: frozenset[str] = frozenset()
    arn_suffixes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"RecordRef({self.index}, {self.type}::{self.name})"


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
