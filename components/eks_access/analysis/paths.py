"""Every way an IAM principal reaches a Kubernetes identity: its own mapping, or a mapped role
it may assume. Candidate roles come from indexes (the ARNs a user's policies name, the roles
whose trust names the user), so one question touches only the principal's own edges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from eks_access.analysis.answers import Hop
from eks_access.analysis.chains import assume_hops, mapping_hop
from eks_access.analysis.principals import Principal
from eks_access.authz.iam import Caller, RequestContext, Requirement, assume_role, identity_sources
from eks_access.authz.iam.patterns import arn_match, glob_match, plain
from eks_access.authz.iam.variables import has_variables
from eks_access.authz.identity import IdentityResolver, KubernetesIdentity, NotMapped
from eks_access.authz.memo import MEMO_SIZE, BoundedMemo
from eks_access.model import AccessModel
from eks_access.model.arns import account_of, canonical_arn, identity_arn, parse_identity
from eks_access.model.iam import Condition, IamRole

ASSUME_ACTION = "sts:AssumeRole"


@dataclass(frozen=True)
class Path:
    hops: tuple[Hop, ...]
    identity: KubernetesIdentity | None
    failure: str | None = None
    requirement: Requirement = field(default_factory=Requirement)

    @property
    def depth(self) -> int:
        return len(self.hops) + (1 if self.identity else 0)


class IamPaths:
    def __init__(self, model: AccessModel, resolver: IdentityResolver) -> None:
        self.model = model
        self.resolver = resolver
        self._assumable: BoundedMemo[tuple[str, object], list[tuple[IamRole, Path]]] = BoundedMemo(MEMO_SIZE)

    # ------------------------------------------------------------------ mapped roles
    @cached_property
    def mapped_roles(self) -> list[IamRole]:
        """Roles of the plan a person can use to reach Kubernetes (node roles excluded)."""
        by_canonical: dict[str, list[IamRole]] = defaultdict(list)
        for r in self.model.iam.roles:
            if r.arn:
                by_canonical[canonical_arn(r.arn).lower()].append(r)
        out: dict[str, IamRole] = {}
        for m in self.resolver.in_effect():
            if m.principal_arn is None or m.node_role or m.entry_type != "STANDARD" or "system:nodes" in m.groups:
                continue
            if m.kind == "account":
                out.update((r.arn, r) for r in self.model.iam.roles if r.arn and account_of(r.arn) == m.principal_arn)
            elif m.kind == "role" and m.mechanism == "access-entry":
                role = self.model.roles_by_arn.get(m.principal_arn)
                if role is not None and role.arn:
                    out.setdefault(role.arn, role)
            elif m.kind == "role" and m.principal_arn.lower() == canonical_arn(m.principal_arn).lower():
                for role in by_canonical.get(m.principal_arn.lower(), ()):
                    out.setdefault(str(role.arn), role)
        return list(out.values())

    @cached_property
    def _trusting(self) -> tuple[Mapping[str, list[IamRole]], list[IamRole]]:
        """Roles whose trust names a principal ARN directly (by ARN), and those trusting anyone."""
        by_arn: dict[str, list[IamRole]] = defaultdict(list)
        anyone: list[IamRole] = []
        for role in self.model.iam.roles:
            if not role.arn:
                continue
            for st in role.trust.statements if role.trust else ():
                if st.effect != "Allow":
                    continue
                if st.not_principal is not None or (st.principal is not None and st.principal.everyone):
                    anyone.append(role)
                    continue
                for kind, value in st.principal.entries if st.principal else ():
                    if kind == "AWS" and value == "*":
                        anyone.append(role)
                    elif kind == "AWS":
                        by_arn[value].append(role)
        return by_arn, anyone

    # ------------------------------------------------------------------ users and roles
    def candidates(self, caller: Caller) -> list[IamRole]:
        """Roles of the plan ``caller`` might assume: named by its policies (exactly or by a
        pattern), or trusting it directly. Only these are evaluated in full."""
        found: dict[str, IamRole] = {}
        patterns: list[str] = []
        for source in identity_sources(self.model, caller.kind, caller.name):
            if source.document is None:
                continue
            for st in source.document.statements:
                if st.effect != "Allow" or not _mentions_assume(st.actions, st.not_actions):
                    continue
                if st.not_resources is not None:
                    patterns.append("*")
                for res in st.resources or ():
                    if has_variables(res):
                        patterns.append("*")
                    elif "*" in res or "?" in res:
                        patterns.append(res)
                    elif res in self.model.roles_by_arn:
                        found.setdefault(res, self.model.roles_by_arn[res])
        for pattern in dict.fromkeys(patterns):
            found.update((str(r.arn), r) for r in self.model.iam.roles if r.arn and arn_match(plain(pattern), r.arn))
        by_arn, anyone = self._trusting
        for role in (*by_arn.get(caller.arn, ()), *anyone):
            found.setdefault(str(role.arn), role)
        return list(found.values())

    def assumable(self, caller: Caller, context: RequestContext) -> list[tuple[IamRole, Path]]:
        """Mapped roles ``caller`` may assume (maybe conditionally), each with its hops so far."""
        return self._assumable.get((caller.arn, context.key), lambda: self._assumable_now(caller, context))

    def _assumable_now(self, caller: Caller, context: RequestContext) -> list[tuple[IamRole, Path]]:
        sources = identity_sources(self.model, caller.kind, caller.name)
        out: list[tuple[IamRole, Path]] = []
        for role in self.candidates(caller):
            d = assume_role(self.model, caller, role, context, sources)
            if d.allowed:
                out.append((role, Path(tuple(assume_hops(caller.name, d)), None, requirement=d.requirement)))
        return out

    def failure(self, caller: Caller, role: IamRole, context: RequestContext) -> str:
        return assume_role(self.model, caller, role, context).reason

    def user_paths(self, p: Principal, context: RequestContext) -> list[Path]:
        caller = self.user_caller(p)
        out: list[Path] = []
        direct = self.resolver.resolve(caller.arn)
        if isinstance(direct, KubernetesIdentity):
            out.append(Path((mapping_hop(f"IAM user {caller.name}", direct, self.resolver.mode),), direct))
        for role, path in self.assumable(caller, context):
            session = session_name(context, path.requirement)
            ident = self.resolver.resolve(str(role.arn), session)
            if isinstance(ident, NotMapped):
                out.append(Path(path.hops, None, ident.reason, path.requirement))
            else:
                hop = mapping_hop(f"role {role.name}", ident, self.resolver.mode)
                out.append(Path((*path.hops, hop), ident, None, path.requirement))
        if not out:
            out.append(Path((), None, self._why_no_role(caller, context)))
        return out

    def role_paths(self, p: Principal, context: RequestContext) -> list[Path]:
        arn = self.role_arn(p)
        session = p.session or _single(context, "sts:RoleSessionName")
        ident = self.resolver.resolve(arn, session)
        parsed = parse_identity(arn)
        name = parsed.name if parsed is not None else p.name
        if isinstance(ident, NotMapped):
            return [Path((), None, ident.reason)]
        return [Path((mapping_hop(f"role {name}", ident, self.resolver.mode),), ident)]

    def role_arn(self, p: Principal) -> str:
        """The full ARN (with path) of the role a role ARN or session ARN names."""
        role = self.model.roles_by_arn.get(p.arn or "")
        if role is None and p.session is not None:
            role = self.model.roles_by_name.get(p.name)
        return str(role.arn) if role is not None and role.arn else str(p.arn)

    def user_caller(self, p: Principal) -> Caller:
        user = self.model.users_by_name.get(p.name)
        if user is not None and user.arn and (p.arn is None or user.arn == p.arn):
            return Caller.user(user.arn, user.name)
        account = p.account or self.model.account or "000000000000"
        return Caller.user(p.arn or identity_arn(self.model.partition, account, "user", p.name), p.name)

    def _why_no_role(self, caller: Caller, context: RequestContext) -> str:
        mapped = self.mapped_roles
        if not mapped:
            return f"{caller.name} is not mapped and no IAM role in the plan is mapped to Kubernetes"
        reasons = [self.failure(caller, r, context) for r in mapped[:3]]
        if len(mapped) == 1:
            return reasons[0]
        if all("has no identity policy" in r for r in reasons):
            shown = ", ".join(str(r.arn) for r in mapped[:3]) + (", ..." if len(mapped) > 3 else "")
            return (f"{caller.name} has no identity policy allowing sts:AssumeRole on any of the "
                    f"{len(mapped)} roles mapped to Kubernetes ({shown})")  # fmt: skip
        others = len(mapped) - 1
        return f"{reasons[0]} (and {others} other mapped role{'s' if others > 1 else ''} likewise)"

    # ------------------------------------------------------------------ who-can
    @cached_property
    def assumers(self) -> Mapping[str, list[str]]:
        """Role ARN -> names of the plan's IAM users that may assume it (computed once)."""
        out: dict[str, list[str]] = defaultdict(list)
        for user in self.model.iam.users:
            if user.arn:
                for role, _path in self.assumable(Caller.user(user.arn, user.name), RequestContext()):
                    out[str(role.arn)].append(user.name)
        return out


def _mentions_assume(actions: tuple[str, ...] | None, not_actions: tuple[str, ...] | None) -> bool:
    if not_actions is not None:
        return not any(_action(a) for a in not_actions)
    return any(_action(a) for a in actions or ())


def _action(pattern: str) -> bool:
    return glob_match(plain(pattern), ASSUME_ACTION, fold=True)


def _single(context: RequestContext, key: str) -> str | None:
    values = context.get(key)
    return values[0] if values is not None and len(values) == 1 else None


def session_name(context: RequestContext, requirement: Requirement) -> str | None:
    """The session name the caller uses: given in the context, or the only one the trust allows."""
    given = _single(context, "sts:RoleSessionName")
    if given is not None:
        return given
    for c in requirement.conditions():
        if _forces_session(c):
            return c.values[0]
    return None


def _forces_session(c: Condition) -> bool:
    """A positive, single, wildcard-free condition on the session name: only that name works."""
    if c.key.lower() != "sts:rolesessionname" or c.operator not in ("StringEquals", "StringLike") or c.qualifier:
        return False
    return len(c.values) == 1 and not any(ch in c.values[0] for ch in ("*", "?", "${"))


__all__ = ["IamPaths", "Path", "session_name"]
