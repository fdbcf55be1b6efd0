"""Who asks what: the identities and SubjectAccessReview questions the e2e comparison uses.

Every question is a request a client can really send, with the attributes the API server derives
from its URL (k8s.io/apiserver pkg/endpoints/request/requestinfo.go): a cluster-scoped resource
never carries a namespace, except the Namespace object itself, whose request
(``/api/v1/namespaces/NS``) carries namespace NS and name NS.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from eks_access.kubedata import api_resources

AUTH = "system:authenticated"


@dataclass(frozen=True)
class Identity:
    label: str
    user: str
    groups: tuple[str, ...]


def service_account(namespace: str, name: str) -> Identity:
    """The identity a ServiceAccount token authenticates as (k8s.io/apiserver serviceaccount util)."""
    return Identity(f"serviceaccount:{namespace}:{name}", f"system:serviceaccount:{namespace}:{name}",
                    ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", AUTH))  # fmt: skip


def user(name: str, *groups: str) -> Identity:
    return Identity(f"user:{name}", name, (*groups, AUTH))


IDENTITIES: tuple[Identity, ...] = (
    user("developer", "developers"),            # dev plan: team developers (access entry username)
    user("operators:ope1", "operators"),        # dev plan: team operators, default username template
    service_account("dev-team", "dev-k8s"), service_account("infra-team", "infra-k8s"),
    service_account("default", "my-sa"), service_account("e2e-alpha", "robot"),
    user("ns-user"), user("cm-user"), user("url-user"), user("all-url-user"), user("ns-url-user"),
    user("agg-user"), user("power-user"), user("scaler-1", "scalers"), user("viewer-1", "viewers"),
    user("nobody"), user("root", "system:masters"),
    user("monitor", "system:monitoring"),       # built-in system:monitoring binding (1.36: /flagz, /statusz)
    Identity("anonymous", "system:anonymous", ("system:unauthenticated",)),
)  # fmt: skip


@dataclass(frozen=True)
class Question:
    who: Identity
    verb: str
    group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str | None = None

    def describe(self) -> str:
        if self.path is not None:
            what = f"{self.verb} {self.path}"
        else:
            res = self.resource + (f"/{self.subresource}" if self.subresource else "")
            res += f".{self.group}" if self.group else ""
            what = f"{self.verb} {res}" + (f" {self.name}" if self.name else "")
            what += f" -n {self.namespace}" if self.namespace else " (cluster-wide)"
        return f"{self.who.label} [{', '.join(self.who.groups)}]: {what}"


RESOURCES: tuple[tuple[str, str, str], ...] = (
    ("", "pods", ""), ("", "endpoints", ""), ("", "pods", "log"), ("", "pods", "exec"), ("", "nodes", ""),
    ("", "namespaces", ""), ("", "secrets", ""), ("", "configmaps", ""), ("", "serviceaccounts", ""),
    ("", "serviceaccounts", "token"), ("", "replicationcontrollers", "scale"),
    ("apps", "deployments", ""), ("apps", "deployments", "scale"), ("apps", "statefulsets", "scale"),
    ("batch", "cronjobs", ""), ("coordination.k8s.io", "leases", ""),
    ("rbac.authorization.k8s.io", "clusterroles", ""), ("rbac.authorization.k8s.io", "rolebindings", ""),
    ("networking.k8s.io", "ingresses", ""), ("example.com", "widgets", ""),
    ("events.k8s.io", "events", ""),  # view/edit cover it from 1.35 (kubernetes/kubernetes#133740)
)  # fmt: skip
VERBS = ("get", "list", "create", "update", "delete")
NAMESPACES = ("", "default", "kube-system", "dev-team", "e2e-alpha", "e2e-beta")
URLS = ("/healthz", "/healthz/etcd", "/logs", "/logs/kube", "/metrics", "/version", "/api",
        "/apis/apps", "/livez", "/readyz", "/openapi/v2", "/.well-known/openid-configuration",
        "/flagz", "/statusz")  # fmt: skip


def _special(who: Identity) -> list[Question]:
    """Named objects, impersonation, bind/escalate and non-resource URLs.

    Impersonating a ServiceAccount is asked in its namespace (k8s.io/apiserver
    pkg/endpoints/filters/impersonation.go), and ``bind`` on a ClusterRole in the namespace of
    the RoleBinding being written (k8s.io/kubernetes pkg/registry/rbac/escalation_check.go
    BindingAuthorized): real requests, though the resources are cluster-scoped.
    """
    q: list[Question] = []
    for ns, verb in itertools.product(("e2e-alpha", "e2e-beta", "dev-team"), ("get", "update", "delete", "patch")):
        q.append(Question(who, verb, "", "namespaces", "", ns, ns))
    # only verbs whose requests name an object (create and list requests carry no name in 1.20)
    for verb, name in itertools.product(("get", "update", "patch", "delete"), ("app-config", "other")):
        q.append(Question(who, verb, "", "configmaps", "", "e2e-alpha", name))
    q += [Question(who, "impersonate", "", "users", "", "", n) for n in ("alice", "bob")]
    q += [Question(who, "impersonate", "", "groups", "", "", "devs"),
          Question(who, "impersonate", "", "serviceaccounts", "", "e2e-alpha", "robot"),
          Question(who, "impersonate", "authentication.k8s.io", "userextras", "scopes", "", "view")]  # fmt: skip
    rbac = "rbac.authorization.k8s.io"
    q += [Question(who, "bind", rbac, "clusterroles", "", ns, n)
          for ns, n in itertools.product(("", "e2e-alpha"), ("view", "edit"))]  # fmt: skip
    q += [Question(who, verb, rbac, "roles", "", ns, "x")
          for verb, ns in itertools.product(("bind", "escalate"), ("e2e-alpha", "e2e-beta"))]  # fmt: skip
    q += [Question(who, "escalate", rbac, "clusterroles", "", "", "view")]
    q += [Question(who, verb, path=url) for verb, url in itertools.product(("get", "post"), URLS)]
    return q


def _namespaced(version: str, group: str, resource: str) -> bool:
    """Scope as the server's discovery says; a resource it does not serve (a CRD) is namespaced."""
    known = api_resources(version).get(f"{resource}.{group}" if group else resource)
    return known is None or known.namespaced


def all_questions(version: str) -> list[Question]:
    out: list[Question] = []
    for who in IDENTITIES:
        for (group, resource, sub), verb, ns in itertools.product(RESOURCES, VERBS, NAMESPACES):
            if ns and not _namespaced(version, group, resource):
                continue  # no such request: the cluster-wide question covers it
            out.append(Question(who, verb, group, resource, sub, ns))
        out += _special(who)
    return out


def rule_area(q: Question) -> str:
    """A coarse class of the rule a question exercises, to group disagreements in the report."""
    if q.path is not None:
        return "non-resource URL"
    if q.resource == "namespaces" and q.name and q.name == q.namespace:
        return "Namespace object (namespace = name)"
    if q.verb in ("impersonate", "bind", "escalate"):
        return f"{q.verb} verb"
    if q.name:
        return "named request (resourceNames)"
    res = q.resource + (f"/{q.subresource}" if q.subresource else "")
    return f"{res}.{q.group}" if q.group else res


def granted_beyond_masters(questions: Sequence[Question], answers: Sequence[bool]) -> int:
    """How many questions of identities outside system:masters (allowed everything, fixtures or not)
    the server answers yes: the e2e tests' check that the corpus and the dev plan were applied. Over
    the 11723 questions a bare cluster grants 129 (discovery and health URLs; 1.36: 131), the applied
    fixtures 524 (1.20), so the tests require more than one in 40."""
    return sum(yes for q, yes in zip(questions, answers, strict=True) if "system:masters" not in q.who.groups)

