"""The analyzer's Python API: questions about one access model, answered end to end.

Build it once, ask many questions; every question reuses the indexes::

    from eks_access.analysis import Analyzer

    analyzer = Analyzer.from_records(json.load(open("build/dev/plan.json")))
    answer = analyzer.can_i("arn:aws:iam::111122223333:user/dev1", "list", "pods", "default",
                            context={"sts:RoleSessionName": ["dev1"]})
    answer.allowed, answer.conditions, [hop.text for hop in answer.chain]

    # the Kubernetes half alone, with SubjectAccessReview semantics (attributes taken literally)
    analyzer.kubernetes_can_i("alice", ["devs", "system:authenticated"], "get", resource="pods",
                              namespace="dev").allowed
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eks_access.analysis.answers import Answer, Hop
from eks_access.analysis.chains import grant_hop, why_denied
from eks_access.analysis.paths import IamPaths, Path
from eks_access.analysis.principals import Principal, kubernetes_subject, parse_principal
from eks_access.analysis.requests import Request, parse_request
from eks_access.authz.iam import RequestContext, identity_sources
from eks_access.authz.identity import AUTHENTICATED, MASTERS, IdentityResolver, KubernetesIdentity
from eks_access.authz.kubernetes import KubernetesAuthorizer
from eks_access.authz.rbac.access_policies import unknown_policies
from eks_access.authz.rbac.attributes import Attributes
from eks_access.authz.rbac.policy import SA_PREFIX
from eks_access.kubedata import UnsupportedVersion, normalize_version
from eks_access.model import AccessModel, read_model
from eks_access.model.arns import canonical_arn
from eks_access.model.gcpause import paused_gc
from eks_access.model.k8s import RbacBinding, Subject

ContextInput = RequestContext | Mapping[str, Sequence[str]] | None
KIND_LABEL = {
    "iam-user": "IAM user", "iam-role": "IAM role", "k8s-user": "Kubernetes user",
    "k8s-group": "Kubernetes group", "k8s-serviceaccount": "ServiceAccount",
}  # fmt: skip


@dataclass(frozen=True)
class WhoCanEntry:
    kind: str  # a Principal kind
    principal: Principal
    answer: Answer


class Analyzer:
    """Answers can-i / who-can questions over one model, as AWS IAM, EKS and Kubernetes would.

    ``kubernetes_version`` selects the built-in RBAC (default: the cluster's configured
    version, else the newest one the data has); ``version_note`` says so when that may not be
    the cluster's own release.
    """

    def __init__(self, model: AccessModel, kubernetes_version: str | None = None) -> None:
        self.model = model
        with paused_gc():
            self.kubernetes = KubernetesAuthorizer(model, kubernetes_version)
        self.version = self.kubernetes.version
        self.version_note = _version_note(model, kubernetes_version, self.version)
        self.resolver = IdentityResolver(model)
        self.paths = IamPaths(model, self.resolver)

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, object]], kubernetes_version: str | None = None) -> Analyzer:
        """An analyzer over plan records (docs/plan-format.md)."""
        return cls(read_model(records), kubernetes_version)

    # ------------------------------------------------------------------ questions
    def request(self, verb: str, resource: str, namespace: str | None = None, name: str | None = None) -> Request:
        """A request as a person writes it (``pods``, ``deployments.apps/scale``, ``/healthz``)."""
        return parse_request(verb, resource, namespace, name, self.version, self.model.discovery)

    def can_i(self, principal: str, verb: str, resource: str, namespace: str | None = None, *,
              name: str | None = None, groups: Sequence[str] = (), context: ContextInput = None) -> Answer:  # fmt: skip
        """May ``principal`` (an IAM ARN or ``user:``/``group:``/``serviceaccount:NS:NAME``) do it?

        ``groups`` adds Kubernetes groups to a Kubernetes subject (``--as-group``); ``context``
        gives IAM condition keys (``{"aws:MultiFactorAuthPresent": ["true"]}``) so conditional
        answers become definite.
        """
        return self.ask(parse_principal(principal, groups), self.request(verb, resource, namespace, name), as_context(context))

    def kubernetes_can_i(self, user: str, groups: Sequence[str], verb: str, *, resource: str = "", subresource: str = "",
                         api_group: str = "", namespace: str = "", name: str = "", path: str | None = None) -> Answer:  # fmt: skip
        """The Kubernetes half only, as a SubjectAccessReview: attributes and groups literal."""
        attrs = Attributes(verb, resource, subresource, api_group, namespace, name, path)
        principal = Principal("k8s-user", user, typed=f"user:{user}", extra_groups=tuple(groups))
        ident = KubernetesIdentity(user, tuple(groups))
        return self._decide(principal, Request(attrs), [Path((), ident)])

    def ask(self, principal: Principal, request: Request, context: RequestContext | None = None) -> Answer:
        return self._decide(principal, request, self.paths_for(principal, context or RequestContext()))

    def paths_for(self, p: Principal, context: RequestContext) -> list[Path]:
        """Every way ``p`` reaches a Kubernetes identity (failed ones carry ``failure``)."""
        if not p.is_iam:
            user, groups = kubernetes_subject(p)
            return [Path((), _subject_identity(user, groups))]
        if p.kind == "iam-role":
            return self.paths.role_paths(p, context)
        return self.paths.user_paths(p, context)

    def _decide(self, p: Principal, request: Request, paths: list[Path]) -> Answer:
        best: tuple[int, Path, str] | None = None
        found: Answer | None = None
        for path in paths:
            if path.identity is None:
                candidate = (path.depth, path, path.failure or "no path")
            else:
                ident = path.identity
                d = self.kubernetes.authorize(ident.username, ident.groups, request.attrs, ident.access_policies)
                if d.allowed:
                    hop = grant_hop(d, request, ident, self.kubernetes.rbac)
                    answer = Answer(True, p, request, (*path.hops, hop), "allowed", self.version, path.requirement,
                                    self._notes(p, request, ident, True))  # fmt: skip
                    if not answer.conditional:
                        return answer
                    found = found or answer
                    continue
                candidate = (path.depth + 1, path, why_denied(ident, request, self.kubernetes.rbac))
            if best is None or candidate[0] > best[0]:
                best = candidate
        if found is not None:
            return found
        assert best is not None
        _depth, path, why = best
        return Answer(False, p, request, path.hops, why, self.version, path.requirement,
                      self._notes(p, request, path.identity, False))  # fmt: skip

    # ------------------------------------------------------------------ notes
    def _notes(self, p: Principal, request: Request, ident: KubernetesIdentity | None, allowed: bool) -> tuple[str, ...]:
        notes = list(request.notes)
        if ident is not None:
            notes += [f"username {u!r} depends on the session name; pass --context sts:RoleSessionName=NAME"
                      for u in ident.unresolved]  # fmt: skip
            unknown = unknown_policies(ident.access_policies)
            if unknown and not allowed:
                notes.append("access policies without shipped permissions data (not evaluated): "
                             + ", ".join(a.policy_name for a in unknown))  # fmt: skip
        if not allowed and self.model.unknown_mappings:
            sources = ", ".join(m.origin.describe() for m in self.model.unknown_mappings)
            notes.append(f"identity mappings whose principal is unknown until deployment ({sources}): the answer may change")
        if p.kind == "k8s-serviceaccount":
            notes += self.workload_notes(p.namespace or "", p.name)
        if self.version_note:
            notes.append(self.version_note)
        notes += [d.note for d in self.model.denied if p.is_iam or not d.touches_iam()]
        return tuple(notes)

    def workload_notes(self, namespace: str, name: str) -> list[str]:
        """What a ServiceAccount gets on the AWS side: its IAM role and that role's policies."""
        out: list[str] = []
        for link in self.model.workload_roles:
            if (link.namespace, link.service_account) != (namespace, name):
                continue
            role = self.model.roles_by_arn.get(link.role_arn)
            policies = ""
            if role is not None:
                labels = [s.label for s in identity_sources(self.model, "role", role.name)]
                policies = f"; policies: {', '.join(labels)}" if labels else "; no policies attached"
            out.append(f"serviceaccount {namespace}/{name} gets IAM role {link.role_arn} via {link.mechanism} "
                       f"({link.origin.name}){policies}")  # fmt: skip
        return out

    # ------------------------------------------------------------------ who-can
    def who_can(self, request: Request, context: ContextInput = None) -> list[WhoCanEntry]:
        """Every principal allowed: Kubernetes subjects, then IAM roles, then IAM users."""
        with paused_gc():
            return self._who_can(request, as_context(context))

    def _who_can(self, request: Request, ctx: RequestContext) -> list[WhoCanEntry]:
        subjects: dict[str, Principal] = {}
        for binding, _role, _rule in self.kubernetes.rbac.grants(request.attrs):
            for s in binding.subjects:
                p = _subject_principal(binding, s)
                if p is not None:
                    subjects.setdefault(p.display, p)
        subjects.setdefault(f"group:{MASTERS}", Principal("k8s-group", MASTERS, typed=f"group:{MASTERS}"))
        out: list[WhoCanEntry] = []
        for p in subjects.values():
            answer = self.ask(p, request, ctx)
            if answer.allowed:
                out.append(WhoCanEntry(p.kind, p, answer))
        everyone = f"group:{AUTHENTICATED}" in subjects
        allowed_roles: list[str] = []
        for m in self.resolver.in_effect():
            if m.principal_arn is None or m.kind == "account":
                continue
            groups = {*m.groups, AUTHENTICATED}
            hit = everyone or MASTERS in groups or any(f"group:{g}" in subjects for g in groups)
            hit = hit or m.username is None or "{{" in m.username or f"user:{m.username}" in subjects
            hit = hit or bool(self.model.access_policies_by_principal.get(m.principal_arn))
            if not hit:
                continue
            for arn in self._principal_arns(m.principal_arn, m.kind):
                p = parse_principal(arn)
                answer = self.ask(p, request, ctx)
                if answer.allowed:
                    out.append(WhoCanEntry(p.kind, p, answer))
                    if p.kind == "iam-role":
                        allowed_roles.append(arn)
        seen = {e.principal.name for e in out if e.kind == "iam-user"}
        for arn in allowed_roles:
            for name in self.paths.assumers.get(arn, ()):
                if name in seen:
                    continue
                seen.add(name)
                user = self.model.users_by_name[name]
                p = parse_principal(str(user.arn))
                answer = self.ask(p, request, ctx)
                if answer.allowed:
                    out.append(WhoCanEntry("iam-user", p, answer))
        return out

    def _principal_arns(self, arn: str, kind: str) -> list[str]:
        """The plan's roles an aws-auth ARN (no path) stands for; otherwise the ARN itself."""
        if kind != "role" or arn in self.model.roles_by_arn:
            return [arn]
        matches = [str(r.arn) for r in self.model.iam.roles if r.arn and canonical_arn(r.arn).lower() == arn.lower()]
        return matches if matches and arn.lower() == canonical_arn(arn).lower() else [arn]

    # ------------------------------------------------------------------ inventory
    def plan_subjects(self) -> list[Principal]:
        """Kubernetes subjects the plan itself names (bindings and mappings), for matrix."""
        keys: dict[str, Principal] = {}
        for b in self.model.k8s.bindings:
            for s in b.subjects:
                p = _subject_principal(b, s)
                if p is not None:
                    keys.setdefault(p.display, p)
        for m in self.resolver.in_effect():
            if m.node_role or m.entry_type != "STANDARD":
                continue
            for g in m.groups:
                keys.setdefault(f"group:{g}", Principal("k8s-group", g, typed=f"group:{g}"))
        return list(keys.values())


def as_context(context: ContextInput) -> RequestContext:
    if context is None:
        return RequestContext()
    if isinstance(context, RequestContext):
        return context
    return RequestContext.of({k: list(v) for k, v in context.items()})


def _subject_identity(user: str, groups: tuple[str, ...]) -> KubernetesIdentity:
    return KubernetesIdentity(user, groups)


def _subject_principal(binding: RbacBinding, s: Subject) -> Principal | None:
    if s.kind == "User":
        if s.name.startswith(SA_PREFIX):
            ns, _, name = s.name[len(SA_PREFIX) :].partition(":")
            return Principal("k8s-serviceaccount", name, namespace=ns)
        return Principal("k8s-user", s.name, typed=f"user:{s.name}")
    if s.kind == "Group":
        return Principal("k8s-group", s.name, typed=f"group:{s.name}")
    if s.kind == "ServiceAccount":
        sa_ns = binding.subject_namespace(s)
        return Principal("k8s-serviceaccount", s.name, namespace=sa_ns) if sa_ns else None
    return None


__all__ = ["KIND_LABEL", "Analyzer", "Hop", "WhoCanEntry", "as_context"]


def _version_note(model: AccessModel, requested: str | None, used: str) -> str | None:
    """Say which release's built-in roles answered whenever it may not be the cluster's own: when
    neither the user nor the cluster chose one (EKS then creates its own default version), and
    when ``--kubernetes-version`` differs from the version the cluster sets."""
    configured = model.kubernetes_version
    if not configured:
        return None if requested else version_note(used)
    if requested and _minor(configured) != used:
        return (f"built-in roles are those of Kubernetes {used} (--kubernetes-version); the cluster "
                f"sets {configured}, whose built-in roles may differ")  # fmt: skip
    return None


def _minor(version: str) -> str | None:
    try:
        return normalize_version(version)
    except UnsupportedVersion:
        return None


def version_note(used: str) -> str:
    """The note of an answer given with the data's default Kubernetes version."""
    return (f"built-in roles are those of Kubernetes {used} (the data's newest); the cluster sets no "
            "version, so EKS picks its default: set cluster.version or pass --kubernetes-version")
