"""Drift between a plan (what code declares) and a snapshot (what exists), and its access effect.

Two parts. Objects: access entries, access policy associations, aws-auth rows, Pod Identity
associations, IRSA annotations, RBAC roles and bindings that exist and the plan does not
declare ("extra"), that the plan declares and do not exist ("missing"), or exist with other
contents ("different"), each named by its identity (an ARN, ``RoleBinding ns/name``). The
access effect: ``eks-access diff`` from the plan's model to the snapshot's (who gains, who
loses what), so "role X can delete nodes through an access entry no code declares" is one
line under its cause.

What EKS and Kubernetes make on their own (the creator's entry, node entries, bootstrap and
``eks:`` RBAC: ``implicit`` objects) is never drift: the plan's stand-in creator is whoever ran
the plan offline, the live one is whoever called CreateCluster. Both sides drop them before
comparing objects, and the report says how many it set aside; the access effect is computed from
the plan beside the live estate's own EKS-made objects (:func:`as_deployed`), so a policy a user
added to an EKS-made entry (a capability's, the creator's) still counts. Nor is AWS updating an AWS-managed
policy: code declares the attachment, AWS owns the document, so the plan's side reads an
AWS-managed policy as the account has it (GetAccountAuthorizationDetails' default version)
where the snapshot holds it, instead of the shipped copy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from eks_access.model import AccessModel
from eks_access.model.eks import EksFacts, IdentityMapping
from eks_access.model.k8s import KubernetesFacts

Key = tuple[str, str]  # (kind, identity)


@dataclass(frozen=True)
class ObjectDrift:
    state: str  # extra | missing | different
    kind: str
    name: str
    plan: str | None
    live: str | None


@dataclass(frozen=True)
class Drift:
    objects: tuple[ObjectDrift, ...]
    set_aside: int

    def as_json(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(o) for o in self.objects]


def declared(model: AccessModel) -> tuple[AccessModel, int]:
    """The model without what EKS or Kubernetes made on their own, and how many objects that was."""
    eks, k8s = model.eks, model.k8s
    keep_m = tuple(m for m in eks.mappings if not _made(m) and not m.shadowed)
    keep_a = tuple(a for a in eks.access_policies if not a.implicit)
    keep_r = tuple(r for r in k8s.roles if not r.origin.implicit)
    keep_b = tuple(b for b in k8s.bindings if not b.origin.implicit)
    dropped = (len(eks.mappings) - len(keep_m) + len(eks.access_policies) - len(keep_a)
               + len(k8s.roles) - len(keep_r) + len(k8s.bindings) - len(keep_b))  # fmt: skip
    out = dataclasses.replace(
        model, eks=EksFacts(eks.clusters, keep_m, keep_a, eks.pod_identities),
        k8s=KubernetesFacts(keep_r, keep_b, k8s.service_accounts, k8s.namespaces),
    )  # fmt: skip
    return out, dropped


def _index(model: AccessModel) -> dict[Key, str]:
    out: dict[Key, str] = {}

    def put(kind: str, name: str | None, value: str) -> None:
        if name:
            out[(kind, name)] = value

    for m in model.eks.mappings:
        if m.mechanism == "access-entry":
            put("access entry", m.principal_arn, f"username {m.username or '(EKS default)'}, groups [{', '.join(sorted(m.groups))}], type {m.entry_type}")
        else:
            put(f"aws-auth {m.kind}", m.principal_arn, f"username {m.username}, groups [{', '.join(sorted(m.groups))}]")
    for a in model.eks.access_policies:
        scope = a.scope.type + (f" {', '.join(sorted(a.scope.namespaces))}" if a.scope.namespaces else "")
        put("access policy", f"{a.principal_arn} {a.policy_name}", f"scope {scope}")
    for p in model.eks.pod_identities:
        put("Pod Identity", f"{p.namespace}/{p.service_account}", f"role {p.role_arn}")
    for sa in model.k8s.service_accounts:
        if sa.role_arn:
            put("IRSA annotation", f"{sa.namespace}/{sa.name}", f"role {sa.role_arn}")
    for r in model.k8s.roles:
        rules = "; ".join(_rule(x) for x in r.rules)
        put(r.kind, f"{r.namespace}/{r.name}" if r.namespace else r.name, rules or "(no rules)")
    for b in model.k8s.bindings:
        ref = f"{b.role_ref.kind} {b.role_ref.name}" if b.role_ref else "(no roleRef)"
        subjects = ", ".join(sorted(f"{s.kind} {s.namespace + '/' if s.namespace else ''}{s.name}" for s in b.subjects))
        put(b.kind, f"{b.namespace}/{b.name}" if b.namespace else b.name, f"{ref} to {subjects or '(no subjects)'}")
    return out


def _rule(rule: Any) -> str:
    what = ",".join(rule.resources) or ",".join(rule.non_resource_urls)
    groups = ",".join(g or '""' for g in rule.api_groups)
    names = f" names {','.join(rule.resource_names)}" if rule.resource_names else ""
    return f"{','.join(rule.verbs)} {what}" + (f" ({groups})" if groups else "") + names


def object_drift(plan: AccessModel, live: AccessModel) -> list[ObjectDrift]:
    a, b = _index(plan), _index(live)
    out = [ObjectDrift("extra", k[0], k[1], None, v) for k, v in b.items() if k not in a]
    out += [ObjectDrift("missing", k[0], k[1], v, None) for k, v in a.items() if k not in b]
    out += [ObjectDrift("different", k[0], k[1], v, b[k]) for k, v in a.items() if k in b and b[k] != v]
    order: dict[str, int] = {"extra": 0, "different": 1, "missing": 2}
    return sorted(out, key=lambda o: (order[o.state], o.kind, o.name))


def with_live_managed_policies(plan: AccessModel, live: AccessModel) -> AccessModel:
    """The plan with each AWS-managed policy's contents as the live account has them."""
    current = {a.policy_arn: a.contents for a in live.iam.attachments
               if ":iam::aws:policy/" in a.policy_arn and a.contents.known}  # fmt: skip
    if not current:
        return plan
    attachments = tuple(dataclasses.replace(a, contents=current[a.policy_arn]) if a.policy_arn in current else a
                        for a in plan.iam.attachments)  # fmt: skip
    return dataclasses.replace(plan, iam=dataclasses.replace(plan.iam, attachments=attachments))


def drift(plan: AccessModel, live: AccessModel, diff: Callable[[AccessModel, AccessModel], Any]) -> tuple[Drift, Any]:
    """(object drift over the declared parts, the access diff ``diff`` computes from the plan as
    it would exist, :func:`as_deployed`, to the live estate)."""
    planned = with_live_managed_policies(plan, live)
    p, dropped_p = declared(planned)
    s, dropped_s = declared(live)
    return Drift(tuple(object_drift(p, s)), dropped_p + dropped_s), diff(as_deployed(planned, live), live)


def as_deployed(plan: AccessModel, live: AccessModel) -> AccessModel:
    """The plan beside what EKS and Kubernetes made in the live estate (its creator, node and
    capability entries with their own policies, bootstrap and ``eks:`` RBAC) instead of the plan's
    stand-ins. Comparing this with the live model keeps what EKS made out of the access effect,
    yet counts what a user changed on it: a policy added to a capability's or the creator's entry
    widens access although the entry itself is EKS's."""
    pe, pk, le, lk = plan.eks, plan.k8s, live.eks, live.k8s
    mappings = (*(m for m in pe.mappings if not _made(m)), *(m for m in le.mappings if _made(m)))
    policies = (*(a for a in pe.access_policies if not a.implicit), *(a for a in le.access_policies if a.implicit))
    roles = (*(r for r in pk.roles if not r.origin.implicit), *(r for r in lk.roles if r.origin.implicit))
    bindings = (*(b for b in pk.bindings if not b.origin.implicit), *(b for b in lk.bindings if b.origin.implicit))
    return dataclasses.replace(
        plan, eks=EksFacts(pe.clusters, tuple(mappings), tuple(policies), pe.pod_identities),
        k8s=KubernetesFacts(tuple(roles), tuple(bindings), pk.service_accounts, pk.namespaces),
    )  # fmt: skip


def _made(m: IdentityMapping) -> bool:
    return bool(m.implicit) or m.node_role


def text_lines(d: Drift) -> Iterable[str]:
    sign = {"extra": "+", "missing": "-", "different": "~"}
    for o in d.objects:
        if o.state == "different":
            yield f"~ {o.kind} {o.name}: plan {o.plan}; live {o.live}"
        else:
            yield f"{sign[o.state]} {o.kind} {o.name}: {o.live if o.state == 'extra' else o.plan} ({'exists, no code declares it' if o.state == 'extra' else 'declared, does not exist'})"
