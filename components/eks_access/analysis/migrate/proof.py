"""The proof of one migration stage: who authenticates as whom, and who may do what, before and after.

Two answers from the project's own authorizers are compared for the plans before and after the
stage: the Kubernetes identity (``authz/identity.py``: username, groups, access policies) of every
IAM principal a mapping names on either side, and the exact effective-permission diff of every
principal (``analysis/diff``, the engine of ``eks-access diff``). A principal whose answers are
equal is proved; anything else is a difference with its reason, or an equivalence EKS itself
defines (a node role's aws-auth row and its node access entry). The cluster creator's admin needs
no equivalence: its implicit entry holds in every mode (``authz/identity.py``), so it is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.diff import PrincipalDiff, diff_analyzers
from eks_access.analysis.diff.compute import principals_of
from eks_access.authz.identity import MASTERS, SESSION, KubernetesIdentity, NotMapped
from eks_access.limits import eks_username_problem
from eks_access.model.eks import AWS_AUTH_NODE_ENTRY_TYPES, IdentityMapping

NODE_GROUP = "system:nodes"
CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
#: EKS user guide, "Create access entries" (creating-access-entries.html): kubernetesGroups of an
#: access entry cannot start with ``system:``; aws-iam-authenticator had no such rule.
SYSTEM_GROUP_REASON = "access entries cannot carry 'system:' groups (EKS user guide, creating-access-entries)"


@dataclass(frozen=True)
class Line:
    """One principal's verdict: ``kind`` is ``same``, ``equivalent`` or ``difference``."""

    kind: str
    principal: str
    text: str
    reason: str = ""


@dataclass(frozen=True)
class Proof:
    lines: tuple[Line, ...]

    @property
    def differences(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.kind == "difference")


def prove_stage(before: Analyzer, after: Analyzer) -> Proof:
    """Compare identities and effective permissions."""
    identities = _identity_lines(before, after)
    explained = {line.principal: line for line in identities}
    diff = diff_analyzers(before, after, "before", "after")
    lines = list(identities)
    spellings = {arn.lower(): arn for arn in explained}
    for pd in diff.principals:
        who = pd.principal.display
        if spellings.get(who.lower(), who) != who:
            continue  # an aws-auth row's other spelling of an ARN proved above: not another principal
        lines += _permission_lines(pd, explained)
    listed = {line.principal.lower() for line in lines}
    for p in {**principals_of(before), **principals_of(after)}.values():
        if p.is_iam and p.display.lower() not in listed:
            lines.append(Line("same", p.display, "no mapping of its own; effective permissions unchanged"))
    return Proof(tuple(lines))


def describe(ident: KubernetesIdentity | NotMapped) -> str:
    if isinstance(ident, NotMapped):
        return "not mapped"
    groups = ", ".join(ident.mapped_groups) or "none"
    text = f"username {ident.username}, groups [{groups}]"
    policies = sorted({a.policy_name + _scope(a.scope.namespaces) for a in ident.access_policies})
    if policies:
        text += f", access policies [{', '.join(policies)}]"
    return text


def _identity_lines(before: Analyzer, after: Analyzer) -> list[Line]:
    arns = _principal_arns(before, after)
    out: list[Line] = []
    for arn in arns:
        old, new = before.resolver.resolve(arn), after.resolver.resolve(arn)
        if describe(old) == describe(new):
            out.append(Line("same", arn, describe(new) + _moved(old, new), _session_note(old, new)))
            continue
        text = f"{describe(old)} -> {describe(new)}"
        equivalent = _equivalence(old, new)
        if equivalent is not None:
            out.append(Line("equivalent", arn, text, equivalent))
        else:
            out.append(Line("difference", arn, text, _reason(old, new)))
    out += _accounts(before, after)
    return out


def _mechanism(ident: KubernetesIdentity | NotMapped) -> str:
    if isinstance(ident, NotMapped) or ident.mapping is None:
        return "none"
    return "access entry" if ident.mapping.mechanism == "access-entry" else "aws-auth row"


def _moved(old: KubernetesIdentity | NotMapped, new: KubernetesIdentity | NotMapped) -> str:
    was, now = _mechanism(old), _mechanism(new)
    return f" ({was} -> {now})" if was != now else f" ({now})"


def _session_note(old: KubernetesIdentity | NotMapped, new: KubernetesIdentity | NotMapped) -> str:
    """A ``{{SessionName}}`` username is rendered by EKS for an access entry, by aws-iam-authenticator
    for an aws-auth row; authz/identity.py renders both alike ('@' becomes '-')."""
    if _mechanism(old) == _mechanism(new) or not isinstance(new, KubernetesIdentity) or SESSION not in new.username:
        return ""
    return "username template {{SessionName}}: rendered by EKS now, as aws-iam-authenticator did (the model renders both alike)"


def _principal_arns(before: Analyzer, after: Analyzer) -> list[str]:
    """Every ARN a mapping names on either side, once: aws-auth compares ARNs lower-cased
    (aws-iam-authenticator pkg/mapper/configmap), so a row's spelling yields to an entry's."""
    spelled: dict[str, str] = {}
    from_entry: set[str] = set()
    for m in (m for a in (before, after) for m in a.resolver.in_effect()):
        if m.principal_arn is None or m.kind == "account":
            continue
        key = m.principal_arn.lower()
        if key not in spelled or (m.mechanism == "access-entry" and key not in from_entry):
            spelled[key] = m.principal_arn
        if m.mechanism == "access-entry":
            from_entry.add(key)
    return list(spelled.values())


def _accounts(before: Analyzer, after: Analyzer) -> list[Line]:
    """``mapAccounts``: every principal of the account, username its ARN, no groups (aws-iam-authenticator
    server.go doMapping). An access entry names one principal; there is no per-account entry."""
    out: list[Line] = []
    for account in before.resolver.accounts:
        if account in after.resolver.accounts:
            out.append(Line("same", f"account {account}", "mapAccounts row"))
        else:
            out.append(Line("difference", f"account {account}", "mapAccounts row -> not mapped",
                            "mapAccounts has no access-entry equivalent: map each principal of the account that needs access"))
    return out


def _equivalence(old: KubernetesIdentity | NotMapped, new: KubernetesIdentity | NotMapped) -> str | None:
    if (_node(old) and _node(new) and isinstance(old, KubernetesIdentity) and isinstance(new, KubernetesIdentity)
            and old.username == new.username and NODE_GROUP in new.mapped_groups):
        return (f"node role: EKS's {_entry_type(new.mapping)} access entry is the node identity "
                f"(username {new.username}, group{'s' if len(new.mapped_groups) > 1 else ''} "
                f"{', '.join(new.mapped_groups)}; creating-access-entries)")
    return None


def _node(ident: KubernetesIdentity | NotMapped) -> bool:
    if not isinstance(ident, KubernetesIdentity) or ident.mapping is None:
        return False
    m = ident.mapping
    return m.node_role or m.entry_type in AWS_AUTH_NODE_ENTRY_TYPES or NODE_GROUP in m.groups


def _entry_type(m: IdentityMapping | None) -> str:
    return m.entry_type if m is not None else "node"


def _reason(old: KubernetesIdentity | NotMapped, new: KubernetesIdentity | NotMapped) -> str:
    if isinstance(old, NotMapped) and "includes a path" in old.reason and isinstance(new, KubernetesIdentity):
        return "a path-bearing role ARN never matched aws-auth (aws-iam-authenticator #268) and matches its access entry now"
    if isinstance(old, KubernetesIdentity) and isinstance(new, KubernetesIdentity):
        lost = [g for g in old.mapped_groups if g not in new.mapped_groups]
        if MASTERS in lost and any(a.policy_name == CLUSTER_ADMIN for a in new.access_policies):
            return f"{MASTERS} -> {CLUSTER_ADMIN}: " + SYSTEM_GROUP_REASON
        if lost and all(g.startswith("system:") for g in lost):
            return SYSTEM_GROUP_REASON
        if old.username != new.username and eks_username_problem(old.username) is not None:
            return f"EKS refuses the row's username in an access entry ({eks_username_problem(old.username)}); EKS's default applies"
        if old.username != new.username:
            return "the access entry's username differs from the aws-auth row's"
        return "the access entry's groups or access policies differ from the aws-auth row's"
    if isinstance(new, NotMapped):
        return new.reason
    return "newly mapped"


def _permission_lines(pd: PrincipalDiff, explained: dict[str, Line]) -> list[Line]:
    who = pd.principal.display
    out: list[Line] = []
    for change in pd.kubernetes:
        cause = explained.get(who) or _through(change.via, explained)
        verb = "gains" if change.direction == "gained" else "loses"
        count = len(change.permissions)
        text = f"{verb} {count} permission{'s' if count != 1 else ''} through {change.cause}"
        out.append(_explain(who, text, cause, change.via))
    for iam in pd.iam:
        out.append(Line("difference", who, f"IAM: {iam.text}", "IAM changed; a migration changes no IAM"))
    return out


def _through(via: str, explained: dict[str, Line]) -> Line | None:
    """The identity line of the role a principal reaches the cluster through (``via`` names it)."""
    for arn, line in explained.items():
        if line.kind != "same" and arn.startswith("arn:") and f"role {arn.rsplit('/', 1)[-1]}" in via:
            return line
    return None


def _explain(who: str, text: str, cause: Line | None, via: str) -> Line:
    """A permission change is a difference, with the reason its identity line gives where there is one."""
    if cause is not None and cause.kind == "equivalent":
        return Line("difference", who, text, "the node identity drops a group that a binding of this stack grants")
    if cause is not None:
        return Line("difference", who, text, cause.reason)
    if who.startswith("group:system:"):
        return Line("difference", who, text, SYSTEM_GROUP_REASON + "; the bindings that named it lose it")
    return Line("difference", who, text, f"no identity change explains it ({via})" if via else "no identity change explains it")


def _scope(namespaces: tuple[str, ...]) -> str:
    return f" in {', '.join(namespaces)}" if namespaces else ""
