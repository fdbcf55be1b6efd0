"""Shared fixtures: the real dev stack planned once per session on Pulumi mocks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eks_access.config.stackfile import read_config_file
from eks_access.offline import ProgramResult, plan_config

ROOT = Path(__file__).resolve().parent.parent

#: The day every test judges EKS's version calendar on (eks_access.clock): the day the calendar was
#: read, so which versions EKS offers does not change under the suite as the wall clock moves.
#: Set before any fixture plans anything; subprocesses inherit it.
TEST_TODAY = "2026-12-06"
os.environ["EKS_ACCESS_TODAY"] = TEST_TODAY


@pytest.fixture(scope="session")
def dev_config() -> dict[str, Any]:
    return read_config_file(ROOT / "Pulumi.dev.yaml")


@pytest.fixture(scope="session")
def dev_stack_plan(dev_config: dict[str, Any]) -> ProgramResult:
    return plan_config(dev_config, stack="dev")


@pytest.fixture(scope="session")
def dev_plan_resources(dev_stack_plan: ProgramResult) -> list[dict[str, Any]]:
    return dev_stack_plan.resources


def by_name(resources: list[dict[str, Any]], name: str) -> dict[str, Any]:
    matches = [r for r in resources if r["name"] == name]
    assert len(matches) == 1, f"expected one resource named {name}, found {len(matches)}"
    return matches[0]


@pytest.fixture
def dev_plan() -> list[dict[str, Any]]:
    """The hand-made plan of the worked example (tests/builders.py)."""
    from tests.builders import build_dev_plan

    return build_dev_plan()


@pytest.fixture(params=["handmade", "real"])
def plan(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The hand-made plan, and the dev stack's real plan: the same answers on both."""
    from tests.builders import build_dev_plan

    if request.param == "handmade":
        return build_dev_plan()
    real: list[dict[str, Any]] = request.getfixturevalue("dev_plan_resources")
    return real


@pytest.fixture
def extend() -> Callable[..., list[dict[str, Any]]]:
    """The hand-made dev plan plus extra records (and minus ``drop``), for one-off scenarios."""
    from tests.builders import build_dev_plan

    def make(*extra: dict[str, Any], drop: Callable[[dict[str, Any]], bool] | None = None) -> list[dict[str, Any]]:
        base = [r for r in build_dev_plan() if drop is None or not drop(r)]
        return base + list(extra)

    return make


@pytest.fixture(autouse=True, scope="session")
def _private_plan_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """CLI tests share one plan cache of their own, never the user's ~/.cache."""
    import os

    os.environ["EKS_ACCESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("plan-cache"))
