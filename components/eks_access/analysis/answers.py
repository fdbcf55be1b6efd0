"""What the analyzer answers: a yes/no, the chain of hops that explains it, and its conditions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eks_access.analysis.principals import Principal
from eks_access.analysis.requests import Request
from eks_access.authz.iam import Requirement, describe_requirement, requirement_json


@dataclass(frozen=True)
class Hop:
    """One step of a chain: ``membership``, ``assume``, ``mapping``, ``rbac``, ``masters`` or
    ``access-policy``; ``fields`` are the structured facts the JSON output carries."""

    step: str
    text: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "text": self.text, **self.fields}


@dataclass(frozen=True)
class Answer:
    """``allowed`` may be conditional: ``requirement`` then says what must hold (in the
    caller's session, MFA, ...); ``conditions`` is the same in words."""

    allowed: bool
    principal: Principal
    request: Request
    chain: tuple[Hop, ...]
    reason: str
    kubernetes_version: str
    requirement: Requirement = field(default_factory=Requirement)
    notes: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.allowed and not self.requirement.empty

    @property
    def conditions(self) -> list[str]:
        return describe_requirement(self.requirement)

    def requirement_json(self) -> dict[str, Any]:
        return requirement_json(self.requirement)
