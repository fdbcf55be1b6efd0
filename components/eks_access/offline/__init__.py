"""Run a Pulumi program in-process on strict mocks and record every resource it registers."""

from eks_access.offline.runner import (
    OFFLINE_ACCOUNT,
    FakeCloud,
    ProgramResult,
    UnknownInvokeError,
    plan_config,
    run_program,
)

__all__ = ["OFFLINE_ACCOUNT", "FakeCloud", "ProgramResult", "UnknownInvokeError", "plan_config", "run_program"]
