"""The lockout guard: after every stage the people who run the cluster can still run it.

The deployer (``cluster.deployerArn``: whoever runs ``pulumi up``) and every ``cluster.admins``
principal must keep cluster-admin (``*`` on every resource, answered by the analyzer), and every
node role must keep a node identity: in a mode that reads access entries, the access entry type
EKS gives nodes (``EC2_LINUX``; ``EC2_WINDOWS`` for a role whose row carries the Windows group
``eks:kube-proxy-windows``; ``FARGATE_LINUX`` for a Fargate pod execution role, whose row's
username is ``system:node:{{SessionName}}``), as eksctl's migrate-to-access-entry maps them
(pkg/actions/accessentry/migrator.go) and the EKS user guide lists the types
(creating-access-entries.html). A stage that breaks this is refused, naming the principal.

Where a principal has an access entry and an aws-auth row at once, EKS uses the entry
(migrating-access-entries.html) and ignores the row; the two are compared here and a mismatch is
a conflict (eksctl skips such a principal without comparing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.migrate.proof import describe
from eks_access.authz.identity import KubernetesIdentity
from eks_access.model.eks import (
    API,
    AWS_AUTH_NODE_ENTRY_TYPES,
    KUBE_PROXY_WINDOWS,
    NODE_ENTRY_IDENTITY,
    IdentityMapping,
)

FARGATE_USERNAME = NODE_ENTRY_IDENTITY["FARGATE_LINUX"][0]


@dataclass(frozen=True)
class Lockout:
    principal: str
    text: str


def node_roles(analyzer: Analyzer) -> dict[str, str]:
    """Node role ARN -> the access entry type it needs, from the mappings in effect."""
    out: dict[str, str] = {}
    for m in analyzer.resolver.in_effect():
        if m.principal_arn is None or m.kind != "role":
            continue
        wanted = node_type(m)
        if wanted is not None:
            out[m.principal_arn] = wanted
    return out


def node_type(m: IdentityMapping) -> str | None:
    if m.mechanism == "access-entry":
        return m.entry_type if m.entry_type in AWS_AUTH_NODE_ENTRY_TYPES else None
    if not (m.node_role or "system:nodes" in m.groups):
        return None
    if m.username == FARGATE_USERNAME:
        return "FARGATE_LINUX"
    return "EC2_WINDOWS" if KUBE_PROXY_WINDOWS in m.groups else "EC2_LINUX"


def lockouts(after: Analyzer, admins: Sequence[str], nodes: dict[str, str]) -> list[Lockout]:
    """What the stage breaks: admins without cluster-admin, node roles without their node identity."""
    out: list[Lockout] = []
    for arn in dict.fromkeys(admins):
        answer = after.can_i(arn, "*", "*")
        if not answer.allowed or answer.conditional:
            out.append(Lockout(arn, f"loses cluster-admin: {answer.reason}"))
    for arn, wanted in nodes.items():
        ident = after.resolver.resolve(arn)
        problem = _node_problem(ident, wanted, after.resolver.mode)
        if problem is not None:
            out.append(Lockout(arn, problem))
    return out


def _node_problem(ident: object, wanted: str, mode: str | None) -> str | None:
    if not isinstance(ident, KubernetesIdentity) or ident.mapping is None:
        return f"node role loses its node identity (needs {_a(wanted)} access entry)"
    m = ident.mapping
    if mode == API and (m.mechanism != "access-entry" or m.entry_type != wanted):
        return f"node role needs {_a(wanted)} access entry in API mode, has {describe(ident)}"
    if m.mechanism == "access-entry" and m.entry_type != wanted:
        return f"node role needs {_a(wanted)} access entry, has {_a(m.entry_type)} one"
    return None


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'AEIOU' else 'a'} {word}"


@dataclass(frozen=True)
class Conflict:
    principal: str
    entry: str
    row: str


def conflicts(analyzer: Analyzer) -> list[Conflict]:
    """Principals with an access entry and an aws-auth row that disagree on username, groups or policies."""
    resolver = analyzer.resolver
    out: list[Conflict] = []
    for arn in resolver.entries:
        row = resolver.roles.get(arn.lower()) or resolver.users.get(arn.lower())
        if row is None or (row.kind == "role" and node_type(row) == resolver.entries[arn].entry_type):
            continue  # a node row beside the node entry of its type: the same node identity (EKS's equivalence)
        entry_ident = resolver.resolve(arn)
        row_text = f"username {row.username}, groups [{', '.join(row.groups) or 'none'}]"
        entry_text = describe(entry_ident)
        if entry_text != row_text:
            out.append(Conflict(arn, entry_text, row_text))
    return out
