"""The Pulumi Python SDK's runtime, set up to run one program in-process on the fake engine.

A mocked run of a large program spends almost all of its time in the SDK's own machinery
(one asyncio task per Output, a monitor call per resource). Each adjustment below leaves what
the program computes unchanged and is switched on only for the duration of one run:

- The monitor runs inline on the loop's thread instead of the default thread pool: the fake
  engine is synchronous and fast, and threads only add GIL hand-offs and wake-ups, and make
  registration order depend on scheduling.
- No stack traces are captured per resource: the SDK walks the whole Python stack and reads
  source lines for each registration (``runtime/resource.py``, ``_get_stack_trace``) so the
  real engine can show source positions; the fake engine ignores them.
- The end-of-program wait is linear in the number of Outputs (see ``_wait_for_rpcs``).
- Full garbage collections are paused; young ones still run, so short-lived cyclic garbage
  (the SDK makes some per Output) is freed as the program goes.
- The program's own synchronous code runs outside the loop, and every few dozen resources
  the loop runs until idle, so registrations complete while the program is still declaring
  resources (how Pulumi's own synchronous invokes drive a loop that is not running,
  ``runtime/sync_await.py``). Without it every pending registration of a large program is
  alive at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import gc
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import pulumi
from pulumi import output as output_module
from pulumi.output import _OutputData as OutputData
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import rpc
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.known_types import is_unknown as is_unknown_value
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

T = TypeVar("T")

#: Registrations between two pumps of the event loop.
PUMP_EVERY = 64
#: Young-generation thresholds while the program runs (gen0, gen1); gen2 never triggers.
_YOUNG_GC = (20_000, 50)
_NEVER = 1 << 30


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs each submitted call at once on the calling thread (asyncio wants this type)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # delivered to the awaiting coroutine, as a pool would
            future.set_exception(err)
        return future


def new_loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    loop.set_default_executor(InlineExecutor())
    loop.set_exception_handler(_quiet_about_consequences)
    return loop


def _quiet_about_consequences(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop "exception was never retrieved" reports; pass everything else to asyncio.

    When a resource fails, the SDK fails each of its outputs' value, known and secret futures;
    only the first error of a run reaches the caller, and the rest would be logged (with
    tracebacks, whenever the garbage collector meets them) as never retrieved.
    """
    if "never retrieved" in str(context.get("message", "")):
        return
    loop.default_exception_handler(context)


@contextlib.contextmanager
def offline_runtime(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Apply the adjustments above for one run on ``loop``."""
    with _linear_quiescence(), _young_gc_only(), _no_stack_traces(), _pumping(loop), _fast_paths():
        yield


#: The three SDK internals re-implemented for speed (``_fast_paths``); tests turn them off to
#: check that a plan is the same either way.
FAST_PATHS = True


@contextlib.contextmanager
def _fast_paths() -> Iterator[None]:
    """Same semantics, less machinery, for the three SDK internals every Output goes through.

    - ``rpc.transfer_properties``: one future per resource property, resolved with the
      Output's data, where the SDK makes four futures and a task per property (the SDK's own
      ``resource_output`` builds ``id``/``urn`` Outputs this way).
    - ``rpc.contains_unknowns``: iterative, without a closure and a generator per container.
    - ``Output._track``: the run's tracking set and one shared callback, without the settings
      lock (the fake engine runs on one thread).
    """
    if not FAST_PATHS:
        yield
        return
    originals = (rpc.transfer_properties, rpc.contains_unknowns, output_module.contains_unknowns, pulumi.Output._track)
    tracked = SETTINGS.outputs

    def untrack(done: asyncio.Future[Any]) -> None:
        if not done.cancelled() and done.exception() is None:
            tracked.discard(done)

    def track(self: pulumi.Output[Any]) -> None:
        tracked.add(self._data)
        self._data.add_done_callback(untrack)

    rpc.transfer_properties = _transfer_properties
    rpc.contains_unknowns = output_module.contains_unknowns = _contains_unknowns
    pulumi.Output._track = track  # type: ignore[method-assign]
    try:
        yield
    finally:
        rpc.transfer_properties, rpc.contains_unknowns, output_module.contains_unknowns, pulumi.Output._track = originals  # type: ignore[method-assign]


def _transfer_properties(res: pulumi.Resource, props: Mapping[str, Any], custom: bool) -> dict[str, Any]:
    resolvers: dict[str, Any] = {}
    for name in props:
        if name == "urn" or (name == "id" and custom):
            continue  # resolved elsewhere, as in the SDK
        data: asyncio.Future[Any] = asyncio.Future()
        resolvers[name] = functools.partial(_resolve_property, res, data)
        res.__dict__[name] = pulumi.Output._from_data(data)
    return resolvers


def _resolve_property(
    res: pulumi.Resource, data: asyncio.Future[Any], value: Any, is_known: bool, is_secret: bool,
    deps: Any, failed: Exception | None,
) -> None:
    if failed is not None:
        data.set_exception(failed)
        return
    resources = set(deps) if deps else set()
    resources.add(res)
    data.set_result(OutputData(resources=resources, value=value, is_known=is_known, is_secret=is_secret))


_SCALARS = (str, int, float, bool, type(None))


def _contains_unknowns(val: Any) -> bool:
    """``rpc.contains_unknowns``: an Unknown anywhere in dict values and list items (cycles safe)."""
    pending = [val]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, _SCALARS):
            continue
        if is_unknown_value(item):
            return True
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def run_synchronously(loop: asyncio.AbstractEventLoop, program: Callable[[], None]) -> BaseException | None:
    """Run the program's own (synchronous) code outside the loop; its error is returned, not raised.

    Resources it declares schedule their registrations on ``loop``; the pump runs them every
    PUMP_EVERY resources. Whatever it raised goes back into ``run_pulumi_func`` afterwards, so
    outstanding registrations are awaited and reported exactly as the SDK does.
    """
    try:
        program()
    except BaseException as err:  # handed to the SDK's own error path, as run_pulumi_func does
        return err
    return None


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    original = runtime_resource._get_stack_trace
    runtime_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        runtime_resource._get_stack_trace = original


@contextlib.contextmanager
def _young_gc_only() -> Iterator[None]:
    was_enabled = gc.isenabled()
    thresholds = gc.get_threshold()
    gc.set_threshold(_YOUNG_GC[0], _YOUNG_GC[1], _NEVER)
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not was_enabled:
            gc.disable()


@contextlib.contextmanager
def _pumping(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Run the loop until it is idle at the start of every PUMP_EVERY-th resource the program declares.

    Only while the program's own code runs outside the loop (never from inside an ``apply``,
    which runs on the loop), and before the new resource exists anywhere, so every resource a
    registration can reach is fully constructed. ``run_until_complete`` on a loop that is not
    running is what Pulumi's own synchronous invokes do (``runtime/sync_await.py``).
    """
    original = pulumi.Resource.__init__
    count = 0

    async def settle() -> None:
        ready = getattr(loop, "_ready", ())
        while len(ready) > 1:  # more than this coroutine's own wake-up
            await asyncio.sleep(0)

    def init(self: pulumi.Resource, *args: Any, **kwargs: Any) -> None:
        nonlocal count
        if not loop.is_running():
            count += 1
            if count % PUMP_EVERY == 0:
                loop.run_until_complete(settle())
        original(self, *args, **kwargs)

    pulumi.Resource.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi.Resource.__init__ = original  # type: ignore[method-assign]


@contextlib.contextmanager
def _linear_quiescence() -> Iterator[None]:
    """Swap the SDK's end-of-program wait for one that is linear in the number of Outputs.

    ``pulumi.runtime.stack.wait_for_rpcs`` waits on *all* outstanding Output tasks with
    ``FIRST_COMPLETED`` in a loop, re-registering a callback on every pending task per
    completion: quadratic. Awaiting each snapshot with ``gather`` has the same semantics here
    (every task must finish, an error propagates) in linear time, and raises the *first*
    failed registration rather than whichever was awaited last.
    """
    original = runtime_stack.wait_for_rpcs
    runtime_stack.wait_for_rpcs = _wait_for_rpcs
    try:
        yield
    finally:
        runtime_stack.wait_for_rpcs = original


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    rpc_manager = _get_rpc_manager()
    while True:
        while rpc_manager.rpcs:
            await asyncio.sleep(0)
            with contextlib.suppress(Exception):  # recorded by the RPC manager; the first one is raised below
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


def drain(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel Output computations nobody awaited (unexported outputs) before the loop closes."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
