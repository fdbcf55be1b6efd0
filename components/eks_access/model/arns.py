"""IAM and STS ARNs: parse, build and canonicalise, in one place.

ARN grammar: ``arn:partition:service:region:account-id:resource`` (IAM User Guide, "IAM
identifiers", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
IAM user and role ARNs carry a path (``role/teams/Dev``); STS assumed-role session ARNs never
do (``assumed-role/Dev/session``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

IdentityKind = Literal["user", "role"]

_IAM_IDENTITY = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):(?P<kind>user|role)(?P<rest>/.+)"
)
_ASSUMED_ROLE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/"
    r"(?P<role>[\w+=,.@-]+)/(?P<session>[\w+=,.@-]+)"
)
_ACCOUNT_ROOT = re.compile(r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):root|(?P<bare>\d{12})")
#: A prefix: matched with ``match``, the rest of the ARN is free.
_ANY_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


@dataclass(frozen=True)
class IdentityArn:
    """An IAM user or role ARN, split: ``path`` always begins and ends with ``/``."""

    partition: str
    account: str
    kind: IdentityKind
    path: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:{self.kind}{self.path}{self.name}"

    @property
    def pathless(self) -> str:
        """The ARN without its path: what STS reports for an assumed role's role."""
        return f"arn:{self.partition}:iam::{self.account}:{self.kind}/{self.name}"


@dataclass(frozen=True)
class SessionArn:
    """``arn:aws:sts::<account>:assumed-role/<role>/<session>``."""

    partition: str
    account: str
    role: str
    session: str

    @property
    def role_arn(self) -> str:
        """The path-less role ARN STS reports (the path is not part of a session ARN)."""
        return f"arn:{self.partition}:iam::{self.account}:role/{self.role}"


def normalize_path(path: str | None) -> str:
    """IAM paths begin and end with ``/``; absent means ``/``."""
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


def identity_arn(partition: str, account: str, kind: IdentityKind, name: str, path: str | None = "/") -> str:
    return f"arn:{partition}:iam::{account}:{kind}{normalize_path(path)}{name}"


def parse_identity(arn: str) -> IdentityArn | None:
    match = _IAM_IDENTITY.fullmatch(arn)
    if match is None:
        return None
    path, _, name = match.group("rest").rpartition("/")
    if not name:
        return None
    kind: IdentityKind = "user" if match.group("kind") == "user" else "role"
    return IdentityArn(match.group("partition"), match.group("account"), kind, path + "/", name)


def parse_session(arn: str) -> SessionArn | None:
    match = _ASSUMED_ROLE.fullmatch(arn)
    if match is None:
        return None
    return SessionArn(match.group("partition"), match.group("account"), match.group("role"), match.group("session"))


def account_root(value: str) -> str | None:
    """The account id when ``value`` names a whole account (``arn:...:root`` or 12 digits)."""
    match = _ACCOUNT_ROOT.fullmatch(value)
    if match is None:
        return None
    return match.group("account") or match.group("bare")


def account_of(arn: str) -> str | None:
    """The account id field of any ARN, or None."""
    match = _ANY_ARN_ACCOUNT.match(arn)
    return match.group(1) if match else None


def canonical_arn(arn: str) -> str:
    """The identity ARN aws-iam-authenticator compares with aws-auth entries.

    An assumed-role session becomes ``arn:<partition>:iam::<account>:role/<role>``: STS reports
    no path for the role of a session, which is why an aws-auth ``rolearn`` written with a path
    never matches (kubernetes-sigs/aws-iam-authenticator ``pkg/arn/arn.go`` Canonicalize and
    issue #153; EKS User Guide "Create access entries": "ARNs in aws-auth ConfigMap entries
    can't include a path"). A role ARN is taken as the session of that role, so its path goes
    too; user and account ARNs are returned unchanged.
    """
    session = parse_session(arn)
    if session is not None:
        return session.role_arn
    parsed = parse_identity(arn)
    if parsed is not None and parsed.kind == "role":
        return parsed.pathless
    return arn


def policy_arn(partition: str, account: str, name: str, path: str | None = "/") -> str:
    return f"arn:{partition}:iam::{account}:policy{normalize_path(path)}{name}"
