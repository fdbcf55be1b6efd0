"""Who a question is about: an IAM ARN or a Kubernetes subject, parsed from what a user types.

Everything a user types goes through here, so that a typo becomes a ``UsageError`` naming the
argument instead of a silent "no".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from eks_access.authz.rbac.policy import SA_PREFIX
from eks_access.errors import UsageError
from eks_access.limits import dns1123_label_problem
from eks_access.model.arns import identity_arn, parse_identity, parse_session

PrincipalKind = Literal["iam-user", "iam-role", "k8s-user", "k8s-group", "k8s-serviceaccount"]
_K8S_NAME = re.compile(r"\S+")  # used with fullmatch: "$" would accept a trailing newline


@dataclass(frozen=True)
class Principal:
    """One identity a question is about; IAM ARNs keep the text as typed."""

    kind: PrincipalKind
    name: str
    arn: str | None = None
    account: str | None = None
    session: str | None = None
    namespace: str | None = None
    typed: str = ""
    extra_groups: tuple[str, ...] = field(default=())  # --as-group

    @property
    def display(self) -> str:
        if self.kind in ("iam-user", "iam-role"):
            return self.typed or (self.arn or self.name)
        if self.kind == "k8s-serviceaccount":
            return f"serviceaccount:{self.namespace}:{self.name}"
        return f"{'user' if self.kind == 'k8s-user' else 'group'}:{self.name}"

    @property
    def is_iam(self) -> bool:
        return self.kind in ("iam-user", "iam-role")


def parse_principal(text: str, groups: Sequence[str] = ()) -> Principal:
    """Parse ``--as``: an IAM ARN or ``user:``/``group:``/``serviceaccount:`` subject."""
    raw = text.strip()
    if not raw:
        raise UsageError("--as: empty principal")
    extra = _groups(groups)
    session = parse_session(raw)
    if session is not None:
        _no_groups(extra, raw)
        return Principal("iam-role", session.role, arn=identity_arn(session.partition, session.account, "role", session.role),
                         account=session.account, session=session.session, typed=raw)  # fmt: skip
    if raw.startswith("arn:"):
        parsed = parse_identity(raw)
        if parsed is None:
            raise UsageError(
                f"--as: {raw!r} is not an IAM user or role ARN "
                "(expected arn:aws:iam::<12-digit account>:user/NAME, ...:role/NAME or "
                "arn:aws:sts::<account>:assumed-role/ROLE/SESSION)"
            )
        _no_groups(extra, raw)
        kind: PrincipalKind = "iam-user" if parsed.kind == "user" else "iam-role"
        return Principal(kind, parsed.name, arn=raw, account=parsed.account, typed=raw)
    prefix, sep, rest = raw.partition(":")
    if not sep or not rest:
        raise UsageError(
            f"--as: {raw!r} is not a principal; use an IAM ARN, user:NAME, group:NAME "
            "or serviceaccount:NAMESPACE:NAME"
        )
    if prefix in ("user", "group"):
        if not _K8S_NAME.fullmatch(rest):
            raise UsageError(f"--as: {raw!r} has an empty or blank name")
        return Principal("k8s-user" if prefix == "user" else "k8s-group", rest, typed=raw, extra_groups=extra)
    if prefix in ("serviceaccount", "sa"):
        ns, sep2, name = rest.partition(":")
        if not sep2 or dns1123_label_problem(ns) is not None or not _K8S_NAME.fullmatch(name) or ":" in name:
            raise UsageError(f"--as: {raw!r} must be serviceaccount:NAMESPACE:NAME")
        return Principal("k8s-serviceaccount", name, namespace=ns, typed=raw, extra_groups=extra)
    raise UsageError(
        f"--as: unknown principal kind {prefix!r} in {raw!r}; use an IAM ARN, user:NAME, "
        "group:NAME or serviceaccount:NAMESPACE:NAME"
    )


def _groups(groups: Sequence[str]) -> tuple[str, ...]:
    for g in groups:
        if not _K8S_NAME.fullmatch(g):
            raise UsageError(f"--as-group: {g!r} is not a group name (empty or with blanks)")
    return tuple(groups)


def _no_groups(groups: tuple[str, ...], raw: str) -> None:
    if groups:
        raise UsageError(f"--as-group: only with a Kubernetes subject (user:, group:, serviceaccount:), not with {raw!r}")


def kubernetes_subject(p: Principal) -> tuple[str, tuple[str, ...]]:
    """(username, groups) the API server sees for a Kubernetes subject asked about directly.

    Like an impersonated request (k8s.io/apiserver ``pkg/endpoints/filters/impersonation.go``):
    ``system:authenticated`` is added; a ServiceAccount also gets ``system:serviceaccounts`` and
    ``system:serviceaccounts:<namespace>`` when no group is given.
    """
    if p.kind == "k8s-user":
        groups: tuple[str, ...] = p.extra_groups
        return p.name, (*groups, "system:authenticated") if "system:authenticated" not in groups else groups
    if p.kind == "k8s-group":
        if p.name == "system:unauthenticated":
            return "system:anonymous", (p.name, *p.extra_groups)
        groups = (p.name, *p.extra_groups)
        return "", groups if "system:authenticated" in groups else (*groups, "system:authenticated")
    ns = p.namespace or ""
    groups = p.extra_groups or ("system:serviceaccounts", f"system:serviceaccounts:{ns}")
    return f"{SA_PREFIX}{ns}:{p.name}", (*groups, "system:authenticated")
