"""Parsing of the analyzer's query arguments: who is asking, and for what.

Everything a user types goes through here, so that a typo becomes a ``UsageError`` that names
the argument instead of a silent "no".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import UsageError
from .builtin_roles import api_resources

PrincipalKind = Literal["iam-user", "iam-role", "k8s-user", "k8s-group", "k8s-serviceaccount"]

_IAM_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):(?P<kind>user|role)(?P<rest>/.+)$"
)
_ASSUMED_ROLE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/"
    r"(?P<role>[\w+=,.@-]+)/(?P<session>[\w+=,.@-]+)$"
)
_K8S_NAME = re.compile(r"^[^\s]+$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_VERB = re.compile(r"^[a-z]+$|^\*$")
_RESOURCE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?(\.[a-z0-9][a-z0-9.-]*)?$")

#: Verbs the Kubernetes API server knows; anything else is almost surely a typo.
KNOWN_VERBS = frozenset(
    {
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
        "impersonate", "bind", "escalate", "approve", "sign", "use", "proxy", "*",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Principal:
    """One identity a query is about; IAM ARNs are kept both as typed and canonical."""

    kind: PrincipalKind
    name: str
    arn: str | None = None
    account: str | None = None
    session: str | None = None
    namespace: str | None = None
    typed: str = ""

    @property
    def display(self) -> str:
        if self.kind in ("iam-user", "iam-role"):
            return self.typed or (self.arn or self.name)
        if self.kind == "k8s-serviceaccount":
            return f"serviceaccount:{self.namespace}:{self.name}"
        prefix = "user" if self.kind == "k8s-user" else "group"
        return f"{prefix}:{self.name}"


@dataclass(frozen=True)
class Request:
    """A Kubernetes authorization question (one SubjectAccessReview)."""

    verb: str
    resource: str = ""
    subresource: str = ""
    group: str = ""
    namespace: str | None = None
    path: str | None = None

    @property
    def is_resource(self) -> bool:
        return self.path is None

    @property
    def full_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    @property
    def display(self) -> str:
        """The resource the way kubectl prints it: ``deployments.apps``, ``pods/log``."""
        if self.path is not None:
            return self.path
        base = self.full_resource
        return f"{base}.{self.group}" if self.group else base

    def describe(self) -> str:
        where = ""
        if self.path is None:
            where = f" in namespace {self.namespace}" if self.namespace else " cluster-wide"
        return f"{self.verb} {self.display}{where}"


def role_arn(account: str, name: str, path: str = "/", partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role{_norm_path(path)}{name}"


def user_arn(account: str, name: str, path: str = "/", partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:user{_norm_path(path)}{name}"


def _norm_path(path: str | None) -> str:
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


def split_iam_arn(arn: str) -> tuple[str, str, str, str] | None:
    """``(account, kind, path, name)`` of an IAM user/role ARN, or None if it is not one."""
    m = _IAM_ARN.match(arn)
    if not m:
        return None
    rest = m.group("rest")
    path, _, name = rest.rpartition("/")
    return m.group("account"), m.group("kind"), path + "/", name


def canonical_identity_arn(arn: str) -> str:
    """The ARN aws-iam-authenticator compares against ``mapRoles``/``mapUsers``.

    STS reports an assumed role without its IAM path, so the authenticator canonicalizes
    ``assumed-role/X/session`` to ``role/X``: a mapping that spells the path can never match.
    """
    m = _ASSUMED_ROLE.match(arn)
    if m:
        return f"arn:{m.group('partition')}:iam::{m.group('account')}:role/{m.group('role')}"
    parts = split_iam_arn(arn)
    if parts and parts[1] == "role":
        return f"arn:aws:iam::{parts[0]}:role/{parts[3]}"
    return arn


def parse_principal(text: str) -> Principal:
    """Parse ``--as``: an IAM ARN or ``user:``/``group:``/``serviceaccount:`` subject."""
    raw = text.strip()
    if not raw:
        raise UsageError("--as: empty principal")
    m = _ASSUMED_ROLE.match(raw)
    if m:
        acct, role = m.group("account"), m.group("role")
        return Principal(
            "iam-role", role, arn=role_arn(acct, role, partition=m.group("partition")),
            account=acct, session=m.group("session"), typed=raw,
        )  # fmt: skip
    if raw.startswith("arn:"):
        parts = split_iam_arn(raw)
        if parts is None:
            raise UsageError(
                f"--as: {raw!r} is not an IAM user or role ARN "
                "(expected arn:aws:iam::<12-digit account>:user/NAME, ...:role/NAME or "
                "arn:aws:sts::<account>:assumed-role/ROLE/SESSION)"
            )
        acct, kind, _path, name = parts
        return Principal(
            "iam-user" if kind == "user" else "iam-role", name, arn=raw, account=acct, typed=raw
        )
    prefix, sep, rest = raw.partition(":")
    if not sep or not rest:
        raise UsageError(
            f"--as: {raw!r} is not a principal; use an IAM ARN, user:NAME, group:NAME "
            "or serviceaccount:NAMESPACE:NAME"
        )
    if prefix == "user":
        _check_name(rest, raw)
        return Principal("k8s-user", rest, typed=raw)
    if prefix == "group":
        _check_name(rest, raw)
        return Principal("k8s-group", rest, typed=raw)
    if prefix in ("serviceaccount", "sa"):
        ns, sep2, name = rest.partition(":")
        if not sep2 or not _DNS_LABEL.match(ns) or not name or ":" in name:
            raise UsageError(f"--as: {raw!r} must be serviceaccount:NAMESPACE:NAME")
        return Principal("k8s-serviceaccount", name, namespace=ns, typed=raw)
    raise UsageError(
        f"--as: unknown principal kind {prefix!r} in {raw!r}; use an IAM ARN, user:NAME, "
        "group:NAME or serviceaccount:NAMESPACE:NAME"
    )


def _check_name(name: str, raw: str) -> None:
    if not _K8S_NAME.match(name):
        raise UsageError(f"--as: {raw!r} has an empty or blank name")


def parse_verb(verb: str) -> str:
    v = verb.strip()
    if not _VERB.match(v) or v not in KNOWN_VERBS:
        raise UsageError(
            f"VERB: {verb!r} is not a Kubernetes verb (one of {', '.join(sorted(KNOWN_VERBS))})"
        )
    return v


def parse_request(verb: str, resource: str, namespace: str | None) -> Request:
    """Resolve RESOURCE like kubectl: ``pods``, ``pods/log``, ``deployments.apps``, ``/healthz``."""
    v = parse_verb(verb)
    if namespace is not None and not _DNS_LABEL.match(namespace):
        raise UsageError(f"-n: {namespace!r} is not a valid namespace name")
    r = resource.strip()
    if r.startswith("/"):
        if "*" in r or " " in r:
            raise UsageError(f"RESOURCE: non-resource URL {resource!r} may not contain '*' or spaces")
        return Request(verb=v, path=r)
    if "*" in r:
        raise UsageError(f"RESOURCE: {resource!r} may not contain '*'; name one resource")
    if not _RESOURCE.match(r):
        raise UsageError(
            f"RESOURCE: {resource!r} is not a resource (expected e.g. pods, pods/log, "
            "deployments.apps or a URL such as /healthz)"
        )
    name, dot, group = r.partition(".")
    res, _slash, sub = name.partition("/")
    if not dot:
        known = api_resources().get(res)
        group = known[0] if known else ""
    return Request(verb=v, resource=res, subresource=sub, group=group, namespace=namespace)


def is_cluster_scoped(resource: str) -> bool:
    known = api_resources().get(resource)
    return known is not None and not known[1]
