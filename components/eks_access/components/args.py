"""What the three components share: argument checks, child options, and Kubernetes manifests.

Component arguments are validated by the same spec loaders as stack config (one set of rules,
one set of messages); only key paths are relabelled to the Python argument names a library user
typed (``TeamAccessArgs.kubernetes_groups[0]``). Arguments that are Pulumi Inputs are checked at
construction when they are plain values, and when they resolve when they are Outputs.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pulumi

from eks_access.errors import SpecError
from eks_access.limits import IAM_TAGS_PER_RESOURCE, iam_tag_problem
from eks_access.spec.fields import EKS_CLUSTER_NAME, expect_mapping, expect_str, kind

T = TypeVar("T")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub(lambda m: "_" + m.group(1).lower(), name)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def relabel(owner: str, path: str) -> str:
    """``kubernetesGroups[0]`` -> ``TeamAccessArgs.kubernetes_groups[0]``; keys below the argument
    (``clusterRoles.reader[0].apiGroups``) keep the Kubernetes spelling the user wrote them in."""
    if not path:
        return owner
    head = re.match(r"[^.\[]*", path)
    argument = head.group(0) if head else path
    return f"{owner}.{snake(argument)}{path[len(argument):]}"


def validate(owner: str, loader: Callable[[], T]) -> T:
    """Run a spec loader and re-label its key path as ``<Owner>.<snake_name>``."""
    try:
        return loader()
    except SpecError as err:
        raise SpecError(relabel(owner, err.path), err.detail) from None


def is_output(value: object) -> bool:
    """An Input that resolves later (an Output or an awaitable), checked when it does."""
    return isinstance(value, pulumi.Output) or inspect.isawaitable(value)


def checked_input(value: object, path: str, check: Callable[[str, str], object]) -> pulumi.Output[str]:
    """An ``Input[str]`` argument: a plain value is checked now, an Output when it resolves.

    ``check(value, path)`` raises :class:`SpecError`. Anything that is neither a string nor an
    Output (``None``, ``7``) is refused now, before any resource is registered.
    """
    if is_output(value):
        output: pulumi.Output[Any] = pulumi.Output.from_input(value)
        return output.apply(lambda v: _checked(v, path, check))
    return pulumi.Output.from_input(_checked(value, path, check))


def check_plain(value: object, path: str, check: Callable[[str, str], object]) -> None:
    """Check an ``Input[str]`` argument now if it is a plain value (Outputs: see :func:`checked_input`)."""
    if not is_output(value):
        _checked(value, path, check)


def _checked(value: object, path: str, check: Callable[[str, str], object]) -> str:
    text = expect_str(value, path)
    check(text, path)
    return text


def eks_cluster_name(value: str, path: str) -> str:
    return expect_str(value, path, EKS_CLUSTER_NAME, "EKS cluster name")


def parse_cluster_arn(arn: str, path: str = "cluster_arn") -> tuple[str, str, str, str]:
    """(partition, region, account, cluster name) of an EKS cluster ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "eks" or not parts[5].startswith("cluster/"):
        raise SpecError(path, f"{arn!r} is not an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>)")
    return parts[1], parts[3], parts[4], parts[5].removeprefix("cluster/")


def check_cluster_pair(name: object, arn: object, owner: str) -> None:
    """When both are plain, the ARN must name the same cluster: a mismatch scopes IAM to another cluster.
    When either is an Output, :func:`checked_cluster_pair` makes the same check once both resolve."""
    if isinstance(name, str) and isinstance(arn, str):
        same_cluster(name, arn, owner)


def same_cluster(name: str, arn: str, owner: str) -> str:
    """``arn`` when it names cluster ``name``; else the SpecError a mismatch gets."""
    arn_name = parse_cluster_arn(arn, f"{owner}.cluster_arn")[3]
    if arn_name != name:
        raise SpecError(f"{owner}.cluster_arn", f"names cluster {arn_name!r} but cluster_name is {name!r}")
    return arn


def checked_cluster_pair(name: object, arn: object, owner: str, *, on_name: bool) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """(cluster_name, cluster_arn), each checked alone and, once both resolve, against each other:
    the check :func:`check_cluster_pair` makes at construction, for Outputs too (the preview fails
    with the same message). The cross-check rides on the name (``on_name``) when a resource that
    takes the name also takes something made from the ARN (an access entry, a pod identity
    association), else on the ARN; so it adds no dependency: IAM objects made from the ARN do not
    start waiting for a cluster whose name is an Output."""
    name_output = checked_input(name, f"{owner}.cluster_name", eks_cluster_name)
    arn_output = checked_input(arn, f"{owner}.cluster_arn", parse_cluster_arn)
    if on_name:
        return checked_pair(arn_output, name_output, lambda a, n: same_cluster(n, a, owner)), arn_output
    return name_output, checked_pair(name_output, arn_output, lambda n, a: same_cluster(n, a, owner))


def checked_pair(first: pulumi.Output[str], second: pulumi.Output[str], check: Callable[[str, str], object]) -> pulumi.Output[str]:
    """``second`` once both resolve and ``check(first, second)`` passes (it raises SpecError)."""
    return pulumi.Output.all(first, second).apply(lambda both: _second(both, check))


def _second(both: Sequence[str], check: Callable[[str, str], object]) -> str:
    check(both[0], both[1])
    return both[1]


def refuse_none(owner: str, arguments: Mapping[str, tuple[object, str]]) -> None:
    """Arguments that have a default but are not Optional: ``None`` is refused instead of being
    read as "not given" (``members=None`` used to mean no members). ``arguments``: name ->
    (value, what it must be)."""
    for name, (value, what) in arguments.items():
        if value is None:
            raise SpecError(f"{owner}.{name}", f"must be {what}, got None")


def tag_map(value: object, path: str) -> dict[str, str]:
    r"""Tags for the IAM role and the EKS access entry or pod identity association: a string map whose
    every tag IAM accepts (:func:`eks_access.limits.iam_tag_problem`, the rule the offline
    tag-quota contract applies to a whole plan; IAM's rules are the stricter of the two services').
    IAM API Reference, ``Tag`` data type (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html):
    Key 1-128 characters, Value 0-256, both of pattern ``[\p{L}\p{Z}\p{N}_.:/=+\-@]``; keys may not
    start with ``aws:`` (IAM User Guide, "Tagging IAM resources"). 50 tags per role (IAM quotas)."""
    tags = string_map(value, path)
    if len(tags) > IAM_TAGS_PER_RESOURCE:
        raise SpecError(path, f"has {len(tags)} tags; IAM allows {IAM_TAGS_PER_RESOURCE} on a role")
    for key, item in tags.items():
        problem = iam_tag_problem(key, item)
        if problem:
            raise SpecError(f"{path}[{key!r}]", problem)
    return tags


def string_map(value: object, path: str) -> dict[str, str]:
    """Tags and similar string-to-string maps; a value may be empty (IAM and EKS tag values can be)."""
    if value is None:
        return {}
    data = expect_mapping(value, path)
    for key, item in data.items():
        if not isinstance(item, str):
            raise SpecError(f"{path}[{key!r}]", f"must be a string, got {kind(item)}")
    return dict(data)


def string_list(value: object, path: str) -> tuple[str, ...]:
    """A list of strings; a bare string (``"abc"``, a list of characters to Python) is refused."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise SpecError(path, f"must be a list of strings, got {type(value).__name__} ({value!r})")
    return tuple(expect_str(item, f"{path}[{i}]") for i, item in enumerate(value))


def resource_or_none(value: object, path: str) -> pulumi.Resource | None:
    if value is None or isinstance(value, pulumi.Resource):
        return value
    raise SpecError(path, f"must be a pulumi Resource or None, got {type(value).__name__}")


def config_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """snake_case arguments -> the camelCase config shape the spec loaders read (None = absent)."""
    return {camel(k): v for k, v in values.items() if v is not None}


# ----------------------------------------------------------------------------- components

class AccessComponent(pulumi.ComponentResource):
    """Base of the components: ``parent=self`` on every child, the component's own ``depends_on``
    passed down (children wait for what the component waits for), and aliases that keep the
    names a child had in release 0.1 or under a former component name."""

    def __init__(self, type_: str, name: str, opts: pulumi.ResourceOptions | None) -> None:
        super().__init__(type_, name, None, opts)
        self._deps = _explicit_dependencies(opts)
        self._former_names = (name, *_alias_names(opts))

    def child_options(
        self,
        name: str,
        *,
        legacy: Callable[[str], str] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
        delete_before_replace: bool = False,
    ) -> pulumi.ResourceOptions:
        """Options of child ``name``. ``legacy(component_name)`` gives the child's release 0.1 name; by
        default a child named ``<component><suffix>`` was ``<former component name><suffix>``, so a
        component renamed with an alias keeps its children (Pulumi's own rule for child aliases)."""
        if legacy is None and name.startswith(self._name):
            suffix = name[len(self._name):]
            legacy = lambda prefix: prefix + suffix  # noqa: E731
        former = sorted({legacy(prefix) for prefix in self._former_names} - {name}) if legacy else []
        deps = [*self._deps, *depends_on]
        return pulumi.ResourceOptions(
            parent=self,
            depends_on=deps or None,
            aliases=[pulumi.Alias(name=old) for old in former] or None,
            delete_before_replace=delete_before_replace or None,
        )

    def register_manifest(self, kind: Any, name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions) -> Any:
        """Register a Kubernetes object from its manifest dict, the same dict ``plan`` writes out."""
        fields = {_SNAKE.get(k, k): v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
        return kind(name, **fields, opts=opts)


_SNAKE = {
    "roleRef": "role_ref",
    "aggregationRule": "aggregation_rule",
    "automountServiceAccountToken": "automount_service_account_token",
    "imagePullSecrets": "image_pull_secrets",
}


def _explicit_dependencies(opts: pulumi.ResourceOptions | None) -> list[pulumi.Resource]:
    raw: Any = opts.depends_on if opts is not None else None
    if raw is None:
        return []
    if isinstance(raw, pulumi.Resource):
        return [raw]
    return [d for d in raw if isinstance(d, pulumi.Resource)]


def _alias_names(opts: pulumi.ResourceOptions | None) -> list[str]:
    """Former names of the component itself (``Alias(name=...)``), so its children follow a rename."""
    aliases: Any = opts.aliases if opts is not None else None
    return [a.name for a in aliases or () if isinstance(a, pulumi.Alias) and isinstance(a.name, str)]
