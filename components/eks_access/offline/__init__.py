"""Run a Pulumi program in-process on a strict fake cloud and record every resource it registers.

``cloud`` fabricates what AWS, EKS, pulumi-eks and pulumi-awsx return (and what EKS adds on
its own, ``implicit``); ``monitor`` is the engine stand-in; ``runtime`` sets the SDK up for an
in-process run; ``contracts`` refuse what the real services refuse; ``runner`` ties them
together. ``wire.UNKNOWN`` is how a preview writes a value that exists only after ``pulumi up``.
"""

from eks_access.offline.cloud import (
    OFFLINE_ACCOUNT,
    OFFLINE_DEPLOYER,
    FakeCloud,
    UnknownInvokeError,
)
from eks_access.offline.contracts import ContractError
from eks_access.offline.runner import ProgramResult, plan_config, run_program
from eks_access.offline.wire import UNKNOWN

__all__ = [
    "OFFLINE_ACCOUNT",
    "OFFLINE_DEPLOYER",
    "UNKNOWN",
    "ContractError",
    "FakeCloud",
    "ProgramResult",
    "UnknownInvokeError",
    "plan_config",
    "run_program",
]
