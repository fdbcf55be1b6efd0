"""Field readers and name rules for the spec loaders.

Every reader takes the key path it is reading, so an error always names the exact key the
user has to fix (``teams[1].roleName``), the way the founders' contract asks. The name rules
are the ones AWS IAM, EKS and the Kubernetes API server enforce; catching them here turns a
failed ``pulumi up`` halfway through into an error before anything is created.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eks_access import limits
from eks_access.errors import SpecError
from eks_access.limits import (
    DNS1123_LABEL,
    DNS1123_LABEL_MAX,
    DNS1123_SUBDOMAIN,
    DNS1123_SUBDOMAIN_MAX,
    EKS_RESERVED_USERNAME_PREFIXES,
)

IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
IAM_USER_NAME = limits.IAM_USER_NAME
IAM_GROUP_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)
IAM_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)
IAM_PATH = re.compile(r"^/([\x21-\x7e]{0,510}/)?$", re.ASCII)
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")
_PARTITION = "(?:" + "|".join(re.escape(p) for p in PARTITIONS) + ")"
IAM_PRINCIPAL_ARN = re.compile(
    rf"^arn:{_PARTITION}:iam::(?P<account>\d{{12}}):(?P<kind>user|role)(?P<path>/(?:[\x21-\x7e]*/)?)(?P<name>[\w+=,.@-]{{1,64}})$",
    re.ASCII,
)
#: What STS reports for a role session (``aws sts get-caller-identity``): no path, a session name.
ASSUMED_ROLE_ARN = re.compile(
    rf"^arn:{_PARTITION}:sts::(?P<account>\d{{12}}):assumed-role/(?P<name>[\w+=,.@-]{{1,64}})/(?P<session>[\w+=,.@-]{{2,64}})$",
    re.ASCII,
)
IAM_POLICY_ARN = re.compile(
    rf"^arn:{_PARTITION}:iam::(?P<account>aws|\d{{12}}):policy(?:/[\x21-\x7e]*)?/[\w+=,.@-]{{1,128}}$",
    re.ASCII,
)
OIDC_PROVIDER_ARN = re.compile(
    rf"^arn:{_PARTITION}:iam::\d{{12}}:oidc-provider/[A-Za-z0-9.\-_/]+$",
    re.ASCII,
)
ACCOUNT_ID = re.compile(r"^\d{12}$", re.ASCII)
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$", re.ASCII)
EKS_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$", re.ASCII)
RESERVED_USERNAME_PREFIXES = EKS_RESERVED_USERNAME_PREFIXES
SESSION_NAME = "{{SessionName}}"


def expect_mapping(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(path, f"must be a mapping, got {kind(value)}")
    for key in value:
        if not isinstance(key, str):
            raise SpecError(path, f"keys must be strings, got {key!r}")
    return value


def check_keys(value: Mapping[str, Any], path: str, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
    """Refuse unknown keys, so a typo such as ``acessPolicies`` is never silently ignored."""
    allowed_set = set(allowed)
    for key in value:
        if key not in allowed_set:
            hint = _closest(key, allowed_set)
            suggestion = f" (did you mean {hint!r}?)" if hint else ""
            raise SpecError(
                join(path, key),
                f"unknown key{suggestion}; allowed keys: {', '.join(sorted(allowed_set))}",
            )
    for key in required:
        if key not in value or value[key] is None:
            raise SpecError(join(path, key), "is required")


def optional(data: Mapping[str, Any], key: str, default: Any) -> Any:
    """The value, or ``default`` only when the key is absent or null: a wrong-typed falsy value
    (``false``, ``""``, ``{}`` where a list belongs) must reach the type check, not vanish."""
    value = data.get(key)
    return default if value is None else value


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def expect_str(value: object, path: str, pattern: re.Pattern[str] | None = None, what: str = "") -> str:
    if not isinstance(value, str):
        raise SpecError(path, f"must be a string, got {kind(value)}")
    if value == "":
        raise SpecError(path, "must not be empty")
    if pattern is not None and not pattern.fullmatch(value):
        raise SpecError(path, f"{value!r} is not a valid {what or 'value'}")
    return value


def expect_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise SpecError(path, f"must be true or false, got {kind(value)}")
    return value


def expect_int(value: object, path: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(path, f"must be an integer, got {kind(value)}")
    if not minimum <= value <= maximum:
        raise SpecError(path, f"must be between {minimum} and {maximum}, got {value}")
    return value


def expect_list(value: object, path: str, allow_empty: bool = True) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise SpecError(path, f"must be a list, got {kind(value)}")
    if not allow_empty and len(value) == 0:
        raise SpecError(path, "must not be empty")
    return value


def str_list(
    value: object,
    path: str,
    pattern: re.Pattern[str] | None = None,
    what: str = "",
    allow_empty: bool = True,
    unique: bool = True,
    allow_empty_items: bool = False,
) -> tuple[str, ...]:
    items = expect_list(value, path, allow_empty=allow_empty)
    out: list[str] = []
    seen: set[str] = set()  # a set: 40,000 members must not cost 40,000 x 40,000 comparisons
    for i, item in enumerate(items):
        if allow_empty_items and item == "":
            text = ""
        else:
            text = expect_str(item, index(path, i), pattern, what)
        if unique:
            if text in seen:
                raise SpecError(index(path, i), f"duplicate entry {text!r}")
            seen.add(text)
        out.append(text)
    return tuple(out)


def dns_label(value: object, path: str, what: str = "namespace") -> str:
    text = expect_str(value, path)
    if len(text) > DNS1123_LABEL_MAX or not DNS1123_LABEL.fullmatch(text):
        raise SpecError(path, f"{text!r} is not a valid {what} (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)")
    return text


def dns_subdomain(value: object, path: str, what: str) -> str:
    text = expect_str(value, path)
    if len(text) > DNS1123_SUBDOMAIN_MAX or not DNS1123_SUBDOMAIN.fullmatch(text):
        raise SpecError(path, f"{text!r} is not a valid {what} (DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters)")
    return text


def rbac_role_ref(value: object, path: str) -> str:
    """Names of roles we only *reference* (built-ins such as ``system:discovery`` contain ':')."""
    text = expect_str(value, path)
    if text in (".", "..") or "/" in text or "%" in text or len(text) > 253:
        raise SpecError(path, f"{text!r} is not a valid role name")
    return text


def kubernetes_group(value: object, path: str) -> str:
    text = expect_str(value, path)
    if len(text) > 255 or any(c.isspace() for c in text):
        raise SpecError(path, f"{text!r} is not a valid Kubernetes group name")
    return text


def kind(value: object) -> str:
    """What a config value is, for a message: ``a number (5)``, ``a boolean (True)``, ``a list``..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"a string ({_short(value)})"
    return f"{type(value).__name__} ({_short(value)})"


def _short(value: object) -> str:
    """A value as a message shows it: its repr, cut at 80 characters (a whole file may be a value)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return matches[0] if matches else None
