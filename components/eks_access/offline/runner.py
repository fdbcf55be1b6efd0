"""Run a Pulumi program in-process on the fake cloud and return what it would create.

This is how ``eks-access plan`` shows what ``pulumi up`` (or, with ``preview=True``, a first
``pulumi preview``) would do without the Pulumi CLI, its plugins or an AWS account: the real
stack program and the real components run, and only the engine is replaced. After the program
the contracts judge the whole plan; a violation is raised before anything is returned, so a
caller never writes a plan the real services would refuse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import settings
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func

from eks_access.errors import EksAccessError
from eks_access.offline import runtime
from eks_access.offline.cloud import OFFLINE_ACCOUNT, FakeCloud
from eks_access.offline.contracts import ContractError, check_plan, raise_first
from eks_access.offline.monitor import RecordingMonitor
from eks_access.offline.wire import UNKNOWN
from eks_access.spec import StackSpec

Record = dict[str, Any]
Attribution = Callable[[Sequence[Mapping[str, Any]], Mapping[str, Any]], str]


@dataclass
class ProgramResult:
    resources: list[Record]
    exports: dict[str, Any]


def run_program(
    program: Callable[[], None],
    *,
    config: Mapping[str, str],
    secret_keys: list[str] | None = None,
    project: str = "team-cluster",
    stack: str = "dev",
    cloud: FakeCloud | None = None,
    preview: bool = False,
    attribute: Attribution | None = None,
    source: str | None = None,
) -> ProgramResult:
    """Run ``program`` on the fake cloud with ``config`` (Pulumi's ``ns:key`` -> string form).

    Errors raised by the program (a bad config value, a component's ``SpecError``) propagate
    unchanged, so callers can tell a user mistake from a defect; a broken contract raises
    :class:`~eks_access.offline.contracts.ContractError`, its path given by ``attribute``
    (the config key that produced the resource) and its message prefixed with ``source``.
    """
    cloud = cloud or FakeCloud()
    cloud.preview = preview
    loop = runtime.new_loop()
    previous_loop = _current_loop()
    asyncio.set_event_loop(loop)
    exports: dict[str, Any] = {}
    # Each run gets its own root stack: set_mocks keeps a root left by an earlier run (a context
    # variable), and with it that run's exports.
    root_token = settings.ROOT.set(None)
    try:
        SETTINGS.rpc_manager.clear()
        SETTINGS.outputs.clear()
        pulumi.runtime.set_all_config(dict(config), secret_keys or [])
        pulumi.runtime.set_mocks(cloud, project=project, stack=stack, preview=preview, monitor=RecordingMonitor(cloud))
        with runtime.offline_runtime(loop):
            _complete(loop, program, exports, source)
    finally:
        runtime.drain(loop)
        SETTINGS.rpc_manager.clear()
        SETTINGS.outputs.clear()
        loop.close()
        asyncio.set_event_loop(previous_loop)
        settings.ROOT.reset(root_token)
    records = sort_records(cloud.records)
    violations = check_plan(records, cloud.providers, cloud.iam_quotas)
    raise_first(violations, (lambda record: attribute(records, record)) if attribute else None, source)
    return ProgramResult(records, exports)


def _complete(loop: asyncio.AbstractEventLoop, program: Callable[[], None], exports: dict[str, Any], source: str | None) -> None:
    """Run the program, then everything it started, and collect its exports; user errors unwrapped."""
    error = runtime.run_synchronously(loop, program)

    async def body() -> None:
        await run_pulumi_func(lambda: _reraise(error))  # outstanding work awaited, errors as the SDK reports them
        root = pulumi.runtime.get_root_resource()
        for key, value in (getattr(root, "outputs", {}) or {}).items():
            exports[key] = await _resolved(value)

    try:
        loop.run_until_complete(body())
    except ValueError as err:  # a ContractError the fake cloud raised, or a user error the SDK wrapped
        cause = _user_error(err)
        if cause is None:
            raise
        raise (cause.in_file(source) if source and isinstance(cause, ContractError) else cause) from None


def _reraise(error: BaseException | None) -> None:
    if error is not None:
        raise error


def _user_error(err: BaseException) -> EksAccessError | None:
    """The user mistake inside an SDK error: registering a resource wraps an exception raised
    while its inputs resolve in ``ValueError("While processing input ...")`` layers
    (pulumi sdk/python/lib/pulumi/runtime/rpc.py, ``serialize_properties``)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, EksAccessError):
            return seen
        seen = seen.__cause__
    return None


def sort_records(records: list[Record]) -> list[Record]:
    """Registration order depends on scheduling; a plan must not. Group by top-level owner."""
    parents = {r["name"]: r.get("parent") for r in records}
    roots: dict[str, str] = {}

    def root(name: str) -> str:
        if name in roots:
            return roots[name]
        chain = [name]
        while parents.get(chain[-1]) and len(chain) < 100 and chain[-1] not in roots:
            chain.append(str(parents[chain[-1]]))
        top = roots.get(chain[-1], chain[-1])
        for item in chain:
            roots[item] = top
        return top

    return sorted(records, key=lambda r: (root(r["name"]), r.get("parent") is not None, r["type"], r["name"]))


async def _resolved(value: Any) -> Any:
    """An exported value as plain JSON: Outputs awaited, unknowns as the preview sentinel."""
    if isinstance(value, pulumi.Output):
        if not await value.is_known():
            return UNKNOWN
        return await _resolved(await value.future(with_unknowns=True))
    if isinstance(value, pulumi.Resource):
        return {"$ref": f"{type(value).__name__}::{getattr(value, '_name', '')}"}
    if isinstance(value, Mapping):
        return {str(k): await _resolved(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [await _resolved(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if type(value).__name__ == "Unknown":
        return UNKNOWN
    return str(value)


def _account_of(arn: str | None) -> str | None:
    return arn.split(":")[4] if arn else None


def _current_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


def plan_config(
    config: Mapping[str, Any],
    *,
    stack: str = "dev",
    program: Callable[[], None] | None = None,
    spec: StackSpec | None = None,
    project: str = "team-cluster",
    preview: bool = False,
    source: str | None = None,
) -> ProgramResult:
    """Plan a stack from its ``config:`` mapping (``team-cluster:teams`` etc.), validated first.

    Validation runs before the program so a bad config raises :class:`SpecError` with its key
    path and nothing is registered. ``program`` defaults to the packaged stack program; pass
    ``spec`` when ``config`` was validated already. ``project`` is the config namespace (the
    ``name`` of Pulumi.yaml), which the program reads through ``pulumi.get_project()``.
    ``preview`` plans as a first ``pulumi preview`` sees the stack; ``source`` (the stack file)
    prefixes a contract violation's message.
    """
    import os

    from eks_access.config.stackfile import pulumi_config, raw_stack_config
    from eks_access.offline.attribution import config_keys
    from eks_access.spec import load_stack
    from eks_access.stack.region import offline_region

    if spec is None:
        spec = load_stack(raw_stack_config(config, project))
    if program is None:
        from eks_access.stack import main

        program = main
    checked = spec
    cloud = FakeCloud(
        account_id=spec.account_id or _account_of(spec.cluster.deployer_arn) or OFFLINE_ACCOUNT,
        region=offline_region(spec.region, os.environ), iam_quotas=spec.iam_quotas, deployer_arn=spec.cluster.deployer_arn,
    )

    def attribute(records: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> str:
        cluster = raw_stack_config(config, project).get("cluster")
        admins = cluster.get("admins") if isinstance(cluster, Mapping) else None
        return config_keys(records, checked, project, admins if isinstance(admins, list) else ())(record)

    return run_program(
        program, config=pulumi_config(config), project=project, stack=stack, cloud=cloud, preview=preview,
        attribute=attribute, source=source,
    )
