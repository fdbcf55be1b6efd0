"""Run programs on the offline mocks and keep what the engine would be told beyond inputs:
resource options (aliases, delete_before_replace, depends_on), seen through a stack transformation."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pulumi

from eks_access.offline import FakeCloud, run_program

ACCOUNT = "111122223333"
REGION = "ap-northeast-2"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass
class Run:
    records: list[dict[str, Any]]
    options: dict[str, pulumi.ResourceOptions] = field(default_factory=dict)

    def one(self, name: str) -> dict[str, Any]:
        found = [r for r in self.records if r["name"] == name]
        assert len(found) == 1, (name, sorted(r["name"] for r in self.records))
        return found[0]

    def aliases(self, name: str) -> list[str]:
        """Former names given as ``Alias(name=...)`` (the Kubernetes SDK adds type aliases of its own)."""
        return sorted(a.name for a in self.options[name].aliases or () if isinstance(a, pulumi.Alias) and isinstance(a.name, str))

    def delete_before_replace(self, name: str) -> bool:
        return bool(self.options[name].delete_before_replace)

    def depends_on(self, name: str) -> list[str]:
        deps: Any = self.options[name].depends_on or []
        return sorted(str(d._name) for d in deps)


def capture(program: Callable[[], None], cloud: FakeCloud | None = None, config: dict[str, str] | None = None,
            preview: bool = False) -> Run:
    options: dict[str, pulumi.ResourceOptions] = {}

    def observe(args: pulumi.ResourceTransformationArgs) -> None:
        options[args.name] = args.opts

    def wrapped() -> None:
        pulumi.runtime.register_stack_transformation(observe)
        program()

    cloud = cloud or FakeCloud(account_id=ACCOUNT, region=REGION)
    with _dry_run(preview) as extra:
        result = run_program(wrapped, config=config or {}, cloud=cloud, **extra)
    return Run(result.resources, options)


@contextmanager
def _dry_run(preview: bool) -> Iterator[dict[str, Any]]:
    """Run the mocks as a preview: through run_program's own ``preview=`` once it has one."""
    if not preview:
        yield {}
    elif "preview" in inspect.signature(run_program).parameters:
        yield {"preview": True}
    else:
        original = pulumi.runtime.set_mocks
        pulumi.runtime.set_mocks = lambda *a, **kw: original(*a, **{**kw, "preview": True})
        try:
            yield {}
        finally:
            pulumi.runtime.set_mocks = original


class FirstPreviewCloud(FakeCloud):
    """What a first ``pulumi preview`` knows: nothing exists yet, so a resource's state is its
    inputs and every computed output (ARNs, ids, a cluster's kubeconfig and issuer) is unknown.
    Provider functions (partition, account, region) still answer."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        super().new_resource(args)
        return "", dict(args.inputs)


def is_unknown(value: Any) -> bool:
    """The offline engine records unknown values as None (0.1) or Pulumi's unknown sentinel."""
    return value is None or value == UNKNOWN
