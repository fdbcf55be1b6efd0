"""Shared plumbing for the components' ``<Name>Args`` classes.

Component arguments are validated by the same loaders as stack config, so a library user and a
stack user get the same rules and the same messages; only the key paths are translated back to
the Python argument names the library user typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi

from eks_access.errors import SpecError

T = TypeVar("T")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(path: str) -> str:
    return _CAMEL.sub(lambda m: "_" + m.group(1).lower(), path)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_config(values: Mapping[str, Any]) -> dict[str, Any]:
    """snake_case keyword arguments -> the camelCase config shape the loaders read."""
    return {camel(k): v for k, v in values.items() if v is not None}


def validate(owner: str, loader: Callable[[], T]) -> T:
    """Run a spec loader and re-label its key path as ``<Owner>Args.<snake_name>``."""
    try:
        return loader()
    except SpecError as err:
        raise SpecError(f"{owner}.{snake(err.path)}" if err.path else owner, err.detail) from None


def child_opts(parent: pulumi.Resource, depends_on: list[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    """``parent=self``; plus the component's own ``depends_on`` so children really wait for it."""
    inherited = list(getattr(parent, "_eks_access_deps", []))
    deps = inherited + list(depends_on or [])
    return pulumi.ResourceOptions(parent=parent, depends_on=deps or None)


def remember_deps(component: pulumi.Resource, opts: pulumi.ResourceOptions | None) -> None:
    raw = opts.depends_on if opts is not None else None
    if raw is None:
        deps: list[pulumi.Resource] = []
    elif isinstance(raw, pulumi.Resource):
        deps = [raw]
    else:
        deps = [d for d in raw if isinstance(d, pulumi.Resource)]  # type: ignore[union-attr]
    component._eks_access_deps = deps  # type: ignore[attr-defined]


def parse_cluster_arn(arn: str) -> tuple[str, str, str, str]:
    """(partition, region, account, cluster name) of an EKS cluster ARN; checked at apply time."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "eks" or not parts[5].startswith("cluster/"):
        raise SpecError("cluster_arn", f"{arn!r} is not an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>)")
    return parts[1], parts[3], parts[4], parts[5].removeprefix("cluster/")


def apply_manifest(kind: Any, resource_name: str, manifest: Mapping[str, Any], parent: pulumi.Resource,
           depends_on: list[pulumi.Resource] | None = None) -> Any:
    """Register a Kubernetes object from its manifest dict, the same dict ``plan`` writes out."""
    fields = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    kwargs: dict[str, Any] = {}
    for key, value in fields.items():
        kwargs[_SNAKE.get(key, key)] = value
    return kind(resource_name, **kwargs, opts=child_opts(parent, depends_on))


_SNAKE = {
    "roleRef": "role_ref",
    "aggregationRule": "aggregation_rule",
    "automountServiceAccountToken": "automount_service_account_token",
    "imagePullSecrets": "image_pull_secrets",
}
