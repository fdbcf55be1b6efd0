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
- Every few dozen registrations the loop is pumped from the program's own task, so
  registrations complete while the program is still declaring resources, the way Pulumi's
  own synchronous invokes pump it (``runtime/sync_await.py``). Without it every resource's
  pending registration of a large program is alive at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import stack as runtime_stack
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
def offline_runtime(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[[asyncio.Task[Any]], None]]:
    """Apply the adjustments above; yields a function that names the program's own task."""
    with _linear_quiescence(), _young_gc_only(), _no_stack_traces(), _pumping(loop) as set_main_task:
        yield set_main_task


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
def _pumping(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[[asyncio.Task[Any]], None]]:
    """Pump the loop at the start of every PUMP_EVERY-th resource the program itself declares.

    Only from the program's top-level code (its own task), never from inside an ``apply``,
    and before the new resource exists anywhere, so every resource a pumped task can reach is
    fully constructed. The ready queue is padded afterwards exactly as Pulumi's
    ``_sync_await`` does, so the ``_run_once`` the program's task runs inside stays consistent.
    """
    if not (hasattr(loop, "_ready") and hasattr(loop, "_run_once")):
        yield lambda _task: None
        return
    state: dict[str, Any] = {"task": None, "count": 0}
    original = pulumi.Resource.__init__

    def pump() -> None:
        ready = loop._ready
        todo = len(ready)
        task = state["task"]
        asyncio.tasks._leave_task(loop, task)
        try:
            while ready:
                loop._run_once()
        finally:
            while len(ready) < todo:
                handle = asyncio.Handle(lambda: None, (), loop)
                handle.cancel()
                ready.append(handle)
            asyncio.tasks._enter_task(loop, task)

    def init(self: pulumi.Resource, *args: Any, **kwargs: Any) -> None:
        if state["task"] is not None and asyncio.current_task(loop) is state["task"]:
            state["count"] += 1
            if state["count"] % PUMP_EVERY == 0:
                pump()
        original(self, *args, **kwargs)

    pulumi.Resource.__init__ = init  # type: ignore[method-assign]
    try:
        yield lambda task: state.__setitem__("task", task)
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
