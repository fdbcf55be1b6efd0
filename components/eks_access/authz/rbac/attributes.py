"""A Kubernetes authorization question, as the API server's authorizers receive it.

The fields are those of ``authorizer.Attributes`` (k8s.io/apiserver
``pkg/authorization/authorizer/interfaces.go``) and of a SubjectAccessReview's
``resourceAttributes``/``nonResourceAttributes``: taken literally, as a SubjectAccessReview
takes them. Turning what a person types (``get namespaces/dev``, ``nodes -n x``) into these
attributes the way a real HTTP request would carry them is the caller's job
(``eks_access.analysis.requests``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attributes:
    verb: str
    resource: str = ""
    subresource: str = ""
    api_group: str = ""
    namespace: str = ""
    name: str = ""
    path: str | None = None  # set for non-resource requests (``/healthz``)

    @property
    def is_resource(self) -> bool:
        return self.path is None

    @property
    def combined_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    @property
    def display(self) -> str:
        """The resource as kubectl spells it: ``pods/log``, ``deployments.apps/scale``."""
        if self.path is not None:
            return self.path
        base = f"{self.resource}.{self.api_group}" if self.api_group else self.resource
        return f"{base}/{self.subresource}" if self.subresource else base

    def describe(self) -> str:
        if self.path is not None:
            return f"{self.verb} {self.path}"
        named = f" {self.name!r}" if self.name else ""
        where = f" in namespace {self.namespace}" if self.namespace else " cluster-wide"
        return f"{self.verb} {self.display}{named}{where}"
