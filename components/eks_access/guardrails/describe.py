"""How findings name what they are about: Kubernetes objects, subjects and principals."""

from __future__ import annotations

from eks_access.model.eks import IdentityMapping
from eks_access.model.k8s import RbacBinding, RbacRole, Subject


def describe_role(role: RbacRole) -> str:
    name = role.name or role.origin.name
    return f"{role.kind} '{role.namespace}/{name}'" if role.namespace else f"{role.kind} '{name}'"


def describe_binding(binding: RbacBinding) -> str:
    name = binding.name or binding.origin.name
    return f"{binding.kind} '{binding.namespace}/{name}'" if binding.namespace else f"{binding.kind} '{name}'"


def subject_text(binding: RbacBinding, subject: Subject) -> str:
    if subject.kind == "ServiceAccount":
        return f"ServiceAccount {binding.subject_namespace(subject)}/{subject.name}"
    return f"{subject.kind} {subject.name}"


def subjects_text(binding: RbacBinding) -> str:
    return ", ".join(subject_text(binding, s) for s in binding.subjects) or "no subjects"


def subject_key(binding: RbacBinding, subject: Subject) -> str | None:
    """The principal as ``can-i --as`` spells it, or None for a subject that names nobody."""
    if subject.kind == "User":
        return f"user:{subject.name}"
    if subject.kind == "Group":
        return f"group:{subject.name}"
    if subject.kind == "ServiceAccount":
        ns = binding.subject_namespace(subject)
        return f"serviceaccount:{ns}:{subject.name}" if ns else None
    return None


def subject_allow_keys(binding: RbacBinding) -> list[str]:
    """``Kind:name`` of each subject: how an allow-list names who a binding is for."""
    return [f"{s.kind}:{s.name}" for s in binding.subjects]


def binding_subjects(binding: RbacBinding) -> list[str]:
    return [k for k in (subject_key(binding, s) for s in binding.subjects) if k]


def mapping_subjects(entry: IdentityMapping) -> list[str]:
    """The IAM principal a mapping authenticates, when its ARN is known."""
    return [entry.principal_arn] if entry.principal_arn and entry.kind != "account" else []
