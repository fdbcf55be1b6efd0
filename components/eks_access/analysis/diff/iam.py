"""The IAM side of a diff: who may assume which role and on which conditions, trust policies,
and the statements of each principal's identity policies.

Assumability is decided by the analyzer's own ``IamPaths.assumable`` (``authz.iam.assume_role``
over identity policies, boundary and trust), so a change in any of them shows as the role a
user can now (or no longer) assume, and the conditions it must meet (``describe_requirement``).
A role's trust policy is also compared statement by statement, so a lost MFA condition or a
new trusted account shows even when no user of the plan is affected. Identity-policy
statements are compared as written (one line per statement added or removed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from eks_access.analysis.analyzer import Analyzer
from eks_access.analysis.principals import Principal
from eks_access.authz.iam import (
    Caller,
    RequestContext,
    describe_condition,
    describe_requirement,
    identity_sources,
)
from eks_access.model.arns import account_of, account_root
from eks_access.model.iam import IamRole, PolicyDocument, Statement

WIDEN, NARROW = "gained", "lost"


@dataclass(frozen=True)
class IamChange:
    direction: str  # "gained" (widening) | "lost" (narrowing)
    cause: str  # "role EKSOps" / "trust policy of role EKSOps" / "inline policy x of role y"
    text: str
    via: str = ""  # for a ServiceAccount: how its pods get the role


def iam_changes(base: Analyzer, head: Analyzer, p: Principal) -> list[IamChange]:
    out: list[IamChange] = []
    if p.kind == "iam-user":
        out += _assume_changes(_assumable(base, p), _assumable(head, p))
    if p.kind == "iam-role":
        out += _trust_changes(base.model.roles_by_arn.get(p.arn or ""), head.model.roles_by_arn.get(p.arn or ""))
    if p.is_iam:
        out += _statement_changes(_statements(base, p), _statements(head, p))
    return out


def linked_roles(analyzer: Analyzer, p: Principal) -> list[str]:
    """The IAM roles a ServiceAccount's pods get (IRSA annotation or EKS Pod Identity)."""
    return [w.role_arn for w in analyzer.model.workload_roles if (w.namespace, w.service_account) == (p.namespace, p.name)]


# ---------------------------------------------------------------------- assume
def _assumable(analyzer: Analyzer, p: Principal) -> dict[str, tuple[str, tuple[str, ...]]]:
    caller = analyzer.paths.user_caller(p)
    if analyzer.model.users_by_name.get(caller.name) is None:
        return {}
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for role, path in analyzer.paths.assumable(Caller.user(caller.arn, caller.name), RequestContext()):
        out[str(role.arn)] = (role.name, tuple(describe_requirement(path.requirement)))
    return out


def _assume_changes(base: dict[str, tuple[str, tuple[str, ...]]], head: dict[str, tuple[str, tuple[str, ...]]]) -> list[IamChange]:
    out: list[IamChange] = []
    for arn, (name, conditions) in head.items():
        if arn not in base:
            out.append(IamChange(WIDEN, f"sts:AssumeRole on role {name}", f"can now assume role {name}{_only_if(conditions)}"))
            continue
        old = base[arn][1]
        out += [IamChange(WIDEN, f"sts:AssumeRole on role {name}", f"condition dropped on assuming role {name}: {c}") for c in old if c not in conditions]
        out += [IamChange(NARROW, f"sts:AssumeRole on role {name}", f"condition added on assuming role {name}: {c}") for c in conditions if c not in old]
    out += [IamChange(NARROW, f"sts:AssumeRole on role {name}", f"can no longer assume role {name}") for arn, (name, _c) in base.items() if arn not in head]
    return out


def _only_if(conditions: Iterable[str]) -> str:
    shown = "; ".join(conditions)
    return f" (only if {shown})" if shown else ""


# ---------------------------------------------------------------------- trust
def _trusted(role: IamRole | None) -> dict[str, set[str]]:
    """Trusted principal -> the conditions of the statements that admit it (Allow only)."""
    out: dict[str, set[str]] = defaultdict(set)
    for st in role.trust.statements if role is not None and role.trust is not None else ():
        if st.effect != "Allow":
            continue
        conditions = {describe_condition(c) for c in st.conditions}
        for who in _admitted(st):
            out[who] |= conditions
    return out


def _admitted(st: Statement) -> list[str]:
    if st.not_principal is not None:
        return ["everyone but " + ", ".join(v for _k, v in st.not_principal.entries)]
    if st.principal is None:
        return []
    if st.principal.everyone:
        return ["*"]
    return [f"{kind} {value}" for kind, value in st.principal.entries]


def _trust_changes(base: IamRole | None, head: IamRole | None) -> list[IamChange]:
    if base is None or head is None:
        return []
    cause = f"trust policy of role {head.name}"
    old, new = _trusted(base), _trusted(head)
    own = account_of(head.arn or "")
    out: list[IamChange] = []
    for who, conditions in new.items():
        if who not in old:
            account = account_root(who.removeprefix("AWS "))
            wider = f" (trust widened to account {account})" if account and account != own else ""
            out.append(IamChange(WIDEN, cause, f"now trusts {who}{wider}{_only_if(sorted(conditions))}"))
            continue
        out += [IamChange(WIDEN, cause, f"condition dropped for {who}: {c}") for c in sorted(old[who] - conditions)]
        out += [IamChange(NARROW, cause, f"condition added for {who}: {c}") for c in sorted(conditions - old[who])]
    out += [IamChange(NARROW, cause, f"no longer trusts {who}") for who in old if who not in new]
    return out


# ---------------------------------------------------------------------- identity policies
def _statements(analyzer: Analyzer, p: Principal) -> dict[str, str]:
    """Statement text -> the policy it is in, for every identity policy of the principal."""
    if p.kind == "iam-user":
        name = analyzer.paths.user_caller(p).name
        kind = "user"
    else:
        role = analyzer.model.roles_by_arn.get(p.arn or "")
        if role is None:
            return {}
        name, kind = role.name, "role"
    out: dict[str, str] = {}
    for source in identity_sources(analyzer.model, kind, name):  # type: ignore[arg-type]
        for text in _document_lines(source.document):
            out.setdefault(text, source.label)
    return out


def _document_lines(doc: PolicyDocument | None) -> list[str]:
    if doc is None:
        return ["(contents unknown)"]
    return [statement_text(st) for st in doc.statements]


def statement_text(st: Statement) -> str:
    actions = _element(st.actions, st.not_actions)
    resources = _element(st.resources, st.not_resources)
    when = "; ".join(describe_condition(c) for c in st.conditions)
    return f"{st.effect} {actions} on {resources}" + (f" (only if {when})" if when else "")


def _element(values: tuple[str, ...] | None, negated: tuple[str, ...] | None) -> str:
    if negated is not None:
        return "all but " + ", ".join(negated)
    return ", ".join(values or ())


def _statement_changes(base: dict[str, str], head: dict[str, str]) -> list[IamChange]:
    out = [IamChange(_direction(text, True), label, f"+ {text}") for text, label in head.items() if text not in base]
    out += [IamChange(_direction(text, False), label, f"- {text}") for text, label in base.items() if text not in head]
    return out


def _direction(text: str, added: bool) -> str:
    allow = text.startswith("Allow")
    return WIDEN if allow == added else NARROW
