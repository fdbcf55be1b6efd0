"""Run a Pulumi program in-process on mocks and record every resource it registers.

This is how ``eks-access plan`` shows what ``pulumi up`` would create without the Pulumi CLI,
its provider plugins or an AWS account: the real stack program and the real components run,
and only the engine is replaced. ARNs are built deterministically from the account id and
region, so two plans of the same config are byte-identical and a diff shows exactly what a
config change touches.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from eks_access import documents as docs
from eks_access.spec import StackSpec

Record = dict[str, Any]

_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
_PARTITION = "aws:index/getPartition:getPartition"
_REGION = "aws:index/getRegion:getRegion"


#: The account offline plans use when the stack config names none (AWS's documentation account).
OFFLINE_ACCOUNT = "111122223333"


class UnknownInvokeError(RuntimeError):
    """A program called a provider function the offline mocks cannot answer truthfully."""


@dataclass
class FakeCloud(pulumi.runtime.Mocks):
    """Deterministic stand-ins for what AWS and pulumi-eks would return."""

    account_id: str = OFFLINE_ACCOUNT
    region: str = "us-east-1"
    partition: str = "aws"
    records: list[Record] = field(default_factory=list)
    _by_key: dict[tuple[str, str], Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == _CALLER_IDENTITY:
            return {
                "accountId": self.account_id,
                "arn": f"arn:{self.partition}:iam::{self.account_id}:user/eks-access-offline",
                "userId": "AIDAOFFLINEPLANUSER",
                "id": self.account_id,
            }, []
        if args.token == _PARTITION:
            return {"partition": self.partition, "dnsSuffix": "amazonaws.com", "id": self.partition}, []
        if args.token == _REGION:
            return {"name": self.region, "region": self.region, "id": self.region}, []
        # An empty answer would silently turn a policy document into None; refuse instead.
        raise UnknownInvokeError(f"offline mocks cannot answer provider function {args.token!r}")

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        resource_id, computed = self._computed(args.typ, args.name, inputs)
        record: Record = {
            "type": args.typ,
            "name": args.name,
            "parent": None,
            "custom": bool(args.custom),
            "inputs": _plain(inputs),
            "outputs": _plain(computed),
        }
        with self._lock:
            key = (args.typ, args.name)
            if key in self._by_key:
                raise ValueError(f"two resources of type {args.typ} are both named {args.name!r}")
            self._by_key[key] = record
            self.records.append(record)
        return resource_id, {**inputs, **computed}

    def set_parent(self, typ: str, name: str, parent_urn: str) -> None:
        with self._lock:
            record = self._by_key.get((typ, name))
            if record is not None and parent_urn and "::pulumi:pulumi:Stack::" not in parent_urn:
                record["parent"] = parent_urn.rsplit("::", 1)[-1]

    # ------------------------------------------------------------------ fake state

    def _computed(self, typ: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        acct, part, region = self.account_id, self.partition, self.region
        physical = str(inputs.get("name") or name)
        if typ == "aws:iam/role:Role":
            path = str(inputs.get("path") or "/")
            return physical, {"arn": docs.role_arn(part, acct, physical, path), "uniqueId": _fake_id("AROA", physical)}
        if typ == "aws:iam/group:Group":
            return physical, {"arn": f"arn:{part}:iam::{acct}:group/{physical}", "uniqueId": _fake_id("AGPA", physical)}
        if typ == "aws:iam/policy:Policy":
            return physical, {"arn": f"arn:{part}:iam::{acct}:policy/{physical}"}
        if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            url = str(inputs.get("url", ""))
            return name, {"arn": docs.oidc_provider_arn(part, acct, url)}
        if typ == "aws:eks/accessEntry:AccessEntry":
            return f"{inputs.get('clusterName')}:{inputs.get('principalArn')}", {
                "accessEntryArn": f"arn:{part}:eks:{region}:{acct}:access-entry/{inputs.get('clusterName')}/{_digest(name)}"
            }
        if typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            return f"a-{_digest(name)[:17]}", {"associationArn": f"arn:{part}:eks:{region}:{acct}:podidentityassociation/{inputs.get('clusterName')}/a-{_digest(name)[:17]}"}
        if typ == "eks:index:Cluster":
            return name, self._cluster_outputs(str(inputs.get("name") or name))
        if typ == "awsx:ec2:Vpc":  # pulumi_awsx/ec2/vpc.py outputs (a remote component under mocks)
            return name, _vpc_outputs(name)
        if typ == "aws:eks/addon:Addon":
            addon = f"{inputs.get('clusterName')}:{inputs.get('addonName')}"
            return addon, {"arn": f"arn:{part}:eks:{region}:{acct}:addon/{inputs.get('clusterName')}/{inputs.get('addonName')}/{_digest(addon)[:8]}"}
        return name, {}

    def _cluster_outputs(self, cluster_name: str) -> dict[str, Any]:
        oidc_id = _digest(cluster_name)[:32].upper()
        issuer = f"oidc.eks.{self.region}.amazonaws.com/id/{oidc_id}"
        endpoint = f"https://{oidc_id}.gr7.{self.region}.eks.amazonaws.com"
        ca = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk9GRkxJTkUtUExBTi1GQUtFLUNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
        kubeconfig = docs.kubeconfig(cluster_name, endpoint, ca, self.region, "default", user="aws")
        kubeconfig["users"][0]["user"]["exec"]["env"] = None
        return {
            "kubeconfig": kubeconfig,
            "kubeconfigJson": json.dumps(kubeconfig),
            "oidcProviderArn": docs.oidc_provider_arn(self.partition, self.account_id, issuer),
            "oidcIssuer": issuer,
            "oidcProviderUrl": issuer,
            "clusterSecurityGroupId": "sg-0offline0cluster",
            "nodeSecurityGroupId": "sg-0offline0nodes",
        }


def _vpc_outputs(name: str) -> dict[str, Any]:
    digest = _digest(name)
    return {
        "vpcId": f"vpc-{digest[:17]}",
        "publicSubnetIds": [f"subnet-{_digest(name + '-public-' + az)[:17]}" for az in "abc"],
        "privateSubnetIds": [f"subnet-{_digest(name + '-private-' + az)[:17]}" for az in "abc"],
        "isolatedSubnetIds": [],
    }


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Registers resources without turning resource references back into Resource objects.

    The stock mock monitor deserializes inputs on an executor thread; a resource reference
    (``instanceRoles=[role]``, ``cluster=cluster``) then re-creates the resource through an RPC
    on that thread's own event loop, which races the program's loop and can hang or fail with
    "attached to a different loop". References become ``{"$ref": "<type>::<name>"}`` instead,
    and the parent, which the stock monitor drops, is recorded.
    """

    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.cloud = cloud

    def RegisterResource(self, request: Any) -> Any:
        from pulumi.runtime import rpc
        from pulumi.runtime.proto import resource_pb2

        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        inputs = _from_struct(json_format.MessageToDict(request.object))
        args = pulumi.runtime.MockResourceArgs(
            typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
            resource_id=request.importId, custom=request.custom or False,
        )
        id_, state = self.cloud.new_resource(args)
        state = {k: v for k, v in state.items() if not _has_ref(v)}  # the SDK type-checks outputs
        self.cloud.set_parent(request.type, request.name, request.parent)
        _ensure_event_loop()  # type: ignore[no-untyped-call]  # the SDK's per-thread loop, as the stock monitor uses
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, id_ or "", state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=obj_proto)


_SIG = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def _from_struct(value: Any) -> Any:
    """Wire values to plain Python: references to ``$ref`` dicts, secrets unwrapped."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _RESOURCE_SIG:
            urn = str(value.get("urn", ""))
            rtype = urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1] if urn.count("::") >= 2 else ""
            return {"$ref": f"{rtype.rsplit(':', 1)[-1]}::{urn.rsplit('::', 1)[-1]}"}
        if sig == _SECRET_SIG:
            return _from_struct(value.get("value"))
        return {k: _from_struct(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_struct(v) for v in value]
    if value == _UNKNOWN:
        return None
    return value


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
) -> ProgramResult:
    """Run ``program`` on mocks with ``config`` (Pulumi's ``ns:key`` -> string form).

    Errors raised by the program (a bad config value, a component's ValueError) propagate
    unchanged, so callers can tell a user mistake from a defect.
    """
    cloud = cloud or FakeCloud()
    loop = asyncio.new_event_loop()
    previous_loop = _current_loop()
    asyncio.set_event_loop(loop)
    try:
        SETTINGS.rpc_manager.clear()
        SETTINGS.outputs.clear()
        pulumi.runtime.set_all_config(dict(config), secret_keys or [])
        pulumi.runtime.set_mocks(cloud, project=project, stack=stack, preview=False, monitor=_RecordingMonitor(cloud))
        exports: dict[str, Any] = {}

        async def body() -> None:
            await run_pulumi_func(program)
            root = pulumi.runtime.get_root_resource()
            outputs: Mapping[str, Any] = getattr(root, "outputs", {}) or {}
            for key, value in outputs.items():
                exports[key] = _plain(await pulumi.Output.from_input(value).future())

        with _linear_quiescence(), _no_cyclic_gc():
            loop.run_until_complete(body())
        return ProgramResult(sort_records(cloud.records), exports)
    finally:
        _drain(loop)
        SETTINGS.rpc_manager.clear()
        SETTINGS.outputs.clear()
        loop.close()
        asyncio.set_event_loop(previous_loop)


def sort_records(records: list[Record]) -> list[Record]:
    """Registration order depends on thread scheduling; a plan must not. Group by top-level owner."""
    parents = {r["name"]: r.get("parent") for r in records}

    def root(name: str) -> str:
        seen = 0
        while parents.get(name) and seen < 50:
            name = str(parents[name])
            seen += 1
        return name

    return sorted(records, key=lambda r: (root(r["name"]), r.get("parent") is not None, r["type"], r["name"]))


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector for the run, collect once after.

    A program run creates a few hundred thousand short-lived, cyclic SDK objects (Outputs,
    futures, tasks); full collections over that growing heap made plan time grow about 5x for
    4x the teams. Without them it is linear; the garbage is freed once at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # the SDKs' module objects are old and live: keep them out of the final sweep
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _linear_quiescence() -> Iterator[None]:
    """Swap the SDK's end-of-program wait for one that is linear in the number of outputs.

    ``pulumi.runtime.stack.wait_for_rpcs`` waits on *all* outstanding Output tasks with
    ``FIRST_COMPLETED`` in a loop, re-registering a callback on every pending task per
    completion: quadratic, and it dominates a mocked run of a few thousand resources
    (13 ms per resource at 3,200). Awaiting each snapshot with ``gather`` has the same
    semantics here (every task must finish, the first error propagates) in linear time.
    """
    from pulumi.runtime import stack as runtime_stack

    original = runtime_stack.wait_for_rpcs
    runtime_stack.wait_for_rpcs = _wait_for_rpcs
    try:
        yield
    finally:
        runtime_stack.wait_for_rpcs = original


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    from pulumi.runtime.settings import _get_rpc_manager

    rpc_manager = _get_rpc_manager()
    while True:
        while rpc_manager.rpcs:
            await asyncio.sleep(0)
            await rpc_manager.rpcs.pop()
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with SETTINGS.lock:
                    if not SETTINGS.outputs:
                        break
                    pending = list(SETTINGS.outputs)
                    SETTINGS.outputs.clear()
                await asyncio.gather(*pending)
        if not rpc_manager.rpcs:
            break


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel Output computations nobody awaited (unexported outputs) before the loop closes."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _current_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


def _plain(value: Any) -> Any:
    """JSON-ready copy: resource references become ``{"$ref": "<type>::<name>"}``."""
    if isinstance(value, pulumi.Resource):
        urn = getattr(value, "_name", None)
        return {"$ref": f"{type(value).__name__}::{urn}"}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire format has only doubles; 3600.0 was 3600 in the program
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fake_id(prefix: str, text: str) -> str:
    return prefix + _digest(text)[:17].upper()


def plan_config(
    config: Mapping[str, Any],
    *,
    stack: str = "dev",
    program: Callable[[], None] | None = None,
    spec: StackSpec | None = None,
    project: str = "team-cluster",
) -> ProgramResult:
    """Plan a stack from its ``config:`` mapping (``team-cluster:teams`` etc.), validated first.

    Validation runs before the program so a bad config raises :class:`SpecError` with its key
    path and nothing is registered. ``program`` defaults to the packaged stack program; pass
    ``spec`` when ``config`` was validated already. ``project`` is the config namespace (the
    ``name`` of Pulumi.yaml), which the program reads through ``pulumi.get_project()``.
    """
    from eks_access.config.stackfile import pulumi_config, raw_stack_config
    from eks_access.spec import load_stack

    if spec is None:
        spec = load_stack(raw_stack_config(config, project))
    if program is None:
        from eks_access.stack import main

        program = main
    import os

    from eks_access.stack.region import offline_region

    cloud = FakeCloud(account_id=spec.account_id or OFFLINE_ACCOUNT, region=offline_region(spec.region, os.environ))
    return run_program(program, config=pulumi_config(config), project=project, stack=stack, cloud=cloud)
