"""Every size and count limit of AWS IAM/STS, EKS and Kubernetes that eks-access enforces.

One fact, one place: spec validation, the CLI and the offline engine import these constants and
check functions instead of repeating a number. Each constant cites where the real service states
it. Check functions are pure and return a one-line problem (``None`` when the value is fine), so
each caller wraps it in its own error type (``SpecError`` with a key path, a contract error naming
a resource).

Adjustable AWS quotas (:class:`AdjustableQuota`) are enforced at their default unless the stack
config raises them (``<project>:iamQuotas``), and never above the maximum AWS grants.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- AWS IAM / STS
# Source for this block unless a line says otherwise: "IAM and AWS STS quotas, name requirements,
# and character limits", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
# (read as awsdocs/iam-user-guide doc_source/reference_iam-quotas.md and the published page).

#: "User name: 64 characters".
IAM_USER_NAME_MAX = 64
#: User and role names: 1-64 of the IAM name characters (CreateUser/CreateRole API pattern ``[\w+=,.@-]+``).
IAM_USER_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
#: "Role name: 64 characters".
IAM_ROLE_NAME_MAX = 64
#: "Group name: 128 characters".
IAM_GROUP_NAME_MAX = 128
#: "Policy name: 128 characters" (managed and inline policies).
IAM_POLICY_NAME_MAX = 128
#: "Path: 512 characters"; "Path names must begin and end with a forward slash".
IAM_PATH_MAX = 512
#: "Role session name: 64 characters"; the STS AssumeRole API reference gives the minimum 2 and
#: the pattern ``[\w+=,.@-]*`` (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
IAM_ROLE_SESSION_NAME_MIN = 2
IAM_ROLE_SESSION_NAME_MAX = 64
ROLE_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
#: "Names of users, groups, roles, policies, instance profiles ... must be alphanumeric, including
#: the following common characters: plus (+), equal (=), comma (,), period (.), at (@),
#: underscore (_), and hyphen (-)."
IAM_NAME_CHARACTERS = r"[A-Za-z0-9+=,.@_-]"
#: "Tag key: 128 characters"; "Tag value: 256 characters ... Tag values can be empty".
IAM_TAG_KEY_MAX = 128
IAM_TAG_VALUE_MAX = 256
#: "Tags that can be attached to an IAM role | 50" (same for users, policies, OIDC providers).
IAM_TAGS_PER_RESOURCE = 50
#: Tag characters and the reserved prefix: "Tagging IAM resources", rules for tagging,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html: letters, numbers, spaces
#: representable in UTF-8 and ``_ . : / = + - @``; keys can't begin with ``aws:``.
IAM_TAG_RESERVED_PREFIX = "aws:"
#: Managed policy document: "6,144 characters", "IAM does not count white space when
#: calculating the size of a policy against this quota". (Also AWS re:Post knowledge center
#: "iam-increase-policy-size".)
IAM_MANAGED_POLICY_SIZE_MAX = 6144
#: Inline policies: "the total aggregate policy size (the sum size of all inline policies) per
#: entity cannot exceed": user 2,048, role 10,240, group 5,120 characters; white space not counted.
IAM_INLINE_POLICY_AGGREGATE_USER_MAX = 2048
IAM_INLINE_POLICY_AGGREGATE_ROLE_MAX = 10240
IAM_INLINE_POLICY_AGGREGATE_GROUP_MAX = 5120
#: "Managed policies attached to an IAM group | 10" (not adjustable).
IAM_MANAGED_POLICIES_PER_GROUP = 10
#: "Groups an IAM user can be a member of | 10".
IAM_GROUPS_PER_USER = 10
#: "Role session duration: 12 hours"; a role's MaxSessionDuration "can range 1-12 hours"
#: (CreateRole API: 3600 to 43200 seconds).
IAM_MAX_SESSION_DURATION_MIN = 3600
IAM_MAX_SESSION_DURATION_MAX = 43200
#: "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009),
#: linefeed (U+000A), carriage return (U+000D), and characters in the range U+0020 to U+00FF."
_IAM_POLICY_CHARACTERS = re.compile(r"[^\t\n\r\x20-\xff]")


@dataclass(frozen=True)
class AdjustableQuota:
    """An IAM quota a Service Quotas request can raise, from ``default`` up to ``maximum``."""

    key: str  # its key under <project>:iamQuotas
    what: str
    default: int
    maximum: int


#: "Role trust policy length": default 2,048 characters. Maximum: the awsdocs/iam-user-guide copy
#: (archived 2023) says 4,096; the current quotas page says 8,192 (quota L-C07B4B0D, as quoted by
#: two independent 2025 write-ups). We take 8,192: the config may only claim what AWS grants, and
#: the current page is the newer statement of it. Whitespace is not counted.
ROLE_TRUST_POLICY_LENGTH = AdjustableQuota(
    "roleTrustPolicyLength", "role trust policy length (characters, white space not counted)", 2048, 8192
)
#: "Managed policies attached to an IAM role": default 10, maximum 20 (the quotas page and AWS
#: re:Post "iam-increase-policy-size": "To increase the default limit from 10 up to a maximum of
#: 20, submit a Service Quotas request"). One 2025 blog claims 25; no AWS page we read does, so 20.
MANAGED_POLICIES_PER_ROLE = AdjustableQuota("managedPoliciesPerRole", "managed policies attached to one IAM role", 10, 20)
#: "Managed policies attached to an IAM user": default 10, maximum 20.
MANAGED_POLICIES_PER_USER = AdjustableQuota("managedPoliciesPerUser", "managed policies attached to one IAM user", 10, 20)

ADJUSTABLE_IAM_QUOTAS: tuple[AdjustableQuota, ...] = (
    ROLE_TRUST_POLICY_LENGTH,
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICIES_PER_USER,
)


@dataclass(frozen=True)
class IamQuotas:
    """The adjustable quotas in force for one account: AWS defaults unless the config raised them."""

    role_trust_policy_length: int = ROLE_TRUST_POLICY_LENGTH.default
    managed_policies_per_role: int = MANAGED_POLICIES_PER_ROLE.default
    managed_policies_per_user: int = MANAGED_POLICIES_PER_USER.default

    @classmethod
    def from_values(cls, values: Mapping[str, int]) -> IamQuotas:
        """``values`` keyed by :attr:`AdjustableQuota.key`; each must pass :func:`quota_problem`."""
        return cls(
            role_trust_policy_length=values.get(ROLE_TRUST_POLICY_LENGTH.key, ROLE_TRUST_POLICY_LENGTH.default),
            managed_policies_per_role=values.get(MANAGED_POLICIES_PER_ROLE.key, MANAGED_POLICIES_PER_ROLE.default),
            managed_policies_per_user=values.get(MANAGED_POLICIES_PER_USER.key, MANAGED_POLICIES_PER_USER.default),
        )


def quota_problem(quota: AdjustableQuota, value: object) -> str | None:
    """Why ``value`` cannot be this account's quota: not an integer, below the default, above the maximum."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be an integer between {quota.default} and {quota.maximum}"
    if value < quota.default:
        return f"{value} is below the AWS default of {quota.default}; leave it out to use the default"
    if value > quota.maximum:
        return f"{value} is above {quota.maximum}, the most AWS grants for {quota.what}"
    return None


def iam_policy_length(document: Mapping[str, Any] | str) -> int:
    """Characters IAM counts against a policy quota: the JSON text as sent, white space not counted.

    A dict is measured as eks-access sends it (``documents.to_json``: compact, sorted keys).
    """
    text = document if isinstance(document, str) else json.dumps(document, sort_keys=True, separators=(",", ":"))
    return sum(1 for c in text if not c.isspace())


def iam_policy_text_problem(text: str) -> str | None:
    """A policy string holding a character IAM refuses in policy documents (see above)."""
    match = _IAM_POLICY_CHARACTERS.search(text)
    if match is None:
        return None
    return f"contains {_describe(match.group())}, which IAM refuses in policy documents (allowed: tab, newline, U+0020 to U+00FF)"


def iam_tag_problem(key: str, value: str) -> str | None:
    """Why IAM would refuse this tag (key/value length and characters, reserved prefix)."""
    if not 1 <= len(key) <= IAM_TAG_KEY_MAX:
        return f"tag key {key!r} is {len(key)} characters; IAM allows 1 to {IAM_TAG_KEY_MAX}"
    if key.lower().startswith(IAM_TAG_RESERVED_PREFIX):
        return f"tag key {key!r} starts with the reserved prefix {IAM_TAG_RESERVED_PREFIX!r}"
    if len(value) > IAM_TAG_VALUE_MAX:
        return f"tag value of {key!r} is {len(value)} characters; IAM allows at most {IAM_TAG_VALUE_MAX}"
    for text, what in ((key, "key"), (value, "value")):
        bad = next((c for c in text if not _tag_character(c)), None)
        if bad is not None:
            return f"tag {what} {text!r} contains {_describe(bad)}; IAM tags allow letters, digits, spaces and _ . : / = + - @"
    return None


def _tag_character(c: str) -> bool:
    return c in "_.:/=+-@" or unicodedata.category(c)[0] in ("L", "N", "Z")


# --------------------------------------------------------------------------- Amazon EKS

#: Cluster names: 1-100 characters, ``^[0-9A-Za-z][A-Za-z0-9\-_]*$`` (EKS CreateCluster API
#: reference, https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html).
EKS_CLUSTER_NAME_MAX = 100
#: Access entry usernames "can't start with system:, eks:, aws:, amazon:, or iam:" (EKS user guide,
#: "Create access entries", https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html,
#: and the CreateAccessEntry API reference for ``username``).
EKS_RESERVED_USERNAME_PREFIXES = ("system:", "eks:", "aws:", "amazon:", "iam:")
#: Access entry Kubernetes groups: EKS refuses group names starting with ``system:`` (same pages;
#: system groups are granted only through access policies).
EKS_RESERVED_GROUP_PREFIX = "system:"
#: EKS resource tags (access entries, pod identity associations): 50 per resource, keys 1-128 and
#: values 0-256 characters, ``aws:`` reserved ("Tagging your Amazon EKS resources",
#: https://docs.aws.amazon.com/eks/latest/userguide/eks-using-tags.html).
EKS_TAGS_PER_RESOURCE = 50
EKS_TAG_KEY_MAX = 128
EKS_TAG_VALUE_MAX = 256


def eks_username_problem(username: str) -> str | None:
    for prefix in EKS_RESERVED_USERNAME_PREFIXES:
        if username.startswith(prefix):
            return f"{username!r}: EKS refuses access entry usernames starting with {prefix!r}"
    return None


# --------------------------------------------------------------------------- Kubernetes
# Source: kubernetes/apimachinery pkg/util/validation/validation.go (IsDNS1123Label,
# IsDNS1123Subdomain, IsQualifiedName, IsValidLabelValue) and pkg/api/validation/objectmeta.go
# (ValidateAnnotations, TotalAnnotationSizeLimitB); https://kubernetes.io/docs/concepts/overview/
# working-with-objects/names/ and .../labels/#syntax-and-character-set.

#: ``DNS1123LabelMaxLength = 63``: namespaces and other label-named objects.
DNS1123_LABEL_MAX = 63
#: ``DNS1123SubdomainMaxLength = 253``: most object names (ServiceAccounts, RBAC objects).
DNS1123_SUBDOMAIN_MAX = 253
#: ``qualifiedNameMaxLength = 63``: the name part of a label or annotation key.
QUALIFIED_NAME_MAX = 63
#: ``LabelValueMaxLength = 63``.
LABEL_VALUE_MAX = 63
#: ``TotalAnnotationSizeLimitB = 256 * (1 << 10)``: the sum of len(key) + len(value) over all
#: annotations of one object, in bytes.
ANNOTATIONS_TOTAL_MAX_BYTES = 256 * (1 << 10)

DNS1123_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?", re.ASCII)
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*", re.ASCII)
#: ``qualifiedNameFmt``: also the label value format (``labelValueFmt`` adds the empty value).
QUALIFIED_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", re.ASCII)


def dns1123_label_problem(text: str) -> str | None:
    if len(text) > DNS1123_LABEL_MAX or not DNS1123_LABEL.fullmatch(text):
        return f"{text!r} is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most {DNS1123_LABEL_MAX} characters)"
    return None


def dns1123_subdomain_problem(text: str) -> str | None:
    if len(text) > DNS1123_SUBDOMAIN_MAX or not DNS1123_SUBDOMAIN.fullmatch(text):
        return f"{text!r} is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most {DNS1123_SUBDOMAIN_MAX} characters)"
    return None


def qualified_name_problem(key: str) -> str | None:
    """A label or annotation key: ``[prefix/]name``, prefix a DNS-1123 subdomain, name a qualified name."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or dns1123_subdomain_problem(prefix) is not None):
        return f"key {key!r} has an invalid prefix (a DNS-1123 subdomain of at most {DNS1123_SUBDOMAIN_MAX} characters)"
    if len(name) > QUALIFIED_NAME_MAX or not QUALIFIED_NAME.fullmatch(name):
        return f"key {key!r}: the name part must be 1-{QUALIFIED_NAME_MAX} characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric"
    return None


def label_value_problem(value: str) -> str | None:
    if value == "":
        return None
    if len(value) > LABEL_VALUE_MAX or not QUALIFIED_NAME.fullmatch(value):
        return f"label value {value!r} must be at most {LABEL_VALUE_MAX} characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric"
    return None


def labels_problem(labels: Mapping[str, str]) -> str | None:
    for key, value in labels.items():
        problem = qualified_name_problem(key) or label_value_problem(value)
        if problem is not None:
            return problem
    return None


def annotations_problem(annotations: Mapping[str, str]) -> str | None:
    total = 0
    for key, value in annotations.items():
        problem = qualified_name_problem(key)
        if problem is not None:
            return problem
        total += len(key.encode()) + len(value.encode())
    if total > ANNOTATIONS_TOTAL_MAX_BYTES:
        return f"annotations total {total} bytes; Kubernetes allows at most {ANNOTATIONS_TOTAL_MAX_BYTES}"
    return None


# --------------------------------------------------------------------------- AWS CLI config

#: AWS CLI profile names live in ``[profile NAME]`` headers and ``source_profile = NAME`` lines of
#: ~/.aws/config (an INI file): a newline, ``[``/``]`` or a comment character would end the
#: header or inject a line ("Configuration and credential file settings",
#: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html). No white space
#: either: the CLI trims it, so the name would not be the one given.
AWS_PROFILE_NAME = re.compile(r"[^\s\[\]#;=]{1,128}")


# --------------------------------------------------------------------------- local files

#: ``NAME_MAX``: 255 bytes per path component on Linux (ext4, xfs, btrfs, tmpfs) and macOS
#: (APFS counts UTF-8 bytes too); POSIX <limits.h>. Plan file names must stay under it.
FILE_NAME_MAX_BYTES = 255


def _describe(c: str) -> str:
    """A character as a message can show it on one line."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" ({name})" if name else "")
