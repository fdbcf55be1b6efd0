"""The engine stand-in: receives registrations and invokes, answers from the fake cloud.

Compared with the SDK's stock ``MockMonitor`` (pulumi sdk/python/lib/pulumi/runtime/mocks.py):

- Resource references in inputs (``instanceRoles=[role]``, ``cluster=cluster``) stay
  ``{"$ref": ...}`` instead of being turned back into Resource objects, which re-creates them
  through an RPC on the executor thread's own event loop and races the program's loop.
- The parent, which the stock monitor drops, is recorded.
- Requests and answers convert between Structs and plain values directly
  (:mod:`~eks_access.offline.wire`), without the async serializers the stock monitor drives
  with a nested event loop per call: the runner calls the monitor on the loop's own thread.
- Reading an existing resource (``Resource.get``) is refused: the offline world has no
  existing resources, and an invented state would silently become documents.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.proto import provider_pb2, resource_pb2

from eks_access.offline.cloud import FakeCloud
from eks_access.offline.contracts import ContractError
from eks_access.offline.wire import has_ref, plain_to_struct, struct_to_plain

_GET_RESOURCE = "pulumi:pulumi:getResource"


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.cloud = cloud

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        parent = _logical_name(request.parent)
        resource_id, state = self.cloud.register(
            request.type, request.name, struct_to_plain(request.object), bool(request.custom), parent,
            _provider_name(request.provider),
        )
        state = {k: v for k, v in state.items() if not has_ref(v)}  # the SDK type-checks resource-valued outputs
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id or "", object=plain_to_struct(state))

    def Invoke(self, request: Any) -> Any:
        args = struct_to_plain(request.args)
        if request.tok == _GET_RESOURCE:
            registered = self.resources.get(str(args.get("urn")))
            if registered is None:
                raise ContractError("", f"the offline plan has no resource {args.get('urn')!r} to read")
            answer = {"urn": registered.urn, "id": registered.id, "state": registered.state}
            return resource_pb2.ResourceInvokeResponse(**{"return": plain_to_struct(answer)})
        result, failures = self.cloud.call(pulumi.runtime.MockCallArgs(token=request.tok, args=args, provider=request.provider))
        checks = [provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures or []]
        return resource_pb2.ResourceInvokeResponse(failures=checks, **{"return": plain_to_struct(result)})

    def ReadResource(self, request: Any) -> Any:
        raise ContractError(
            "",
            f"{request.name} ({request.type}): the offline plan cannot read an existing resource "
            f"(id {request.id!r}); it only knows what the program creates",
        )


def _logical_name(parent_urn: str) -> str | None:
    if not parent_urn or "::pulumi:pulumi:Stack::" in parent_urn:
        return None
    return parent_urn.rsplit("::", 1)[-1]


def _provider_name(reference: str) -> str:
    """Logical name in a provider reference ``<provider URN>::<id>``."""
    parts = reference.split("::")
    return parts[3] if len(parts) >= 5 else ""
