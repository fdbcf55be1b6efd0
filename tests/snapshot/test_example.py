"""The shipped example snapshot is what tests/snapshot/example.py makes from today's dev plan."""

from __future__ import annotations

import json
from typing import Any

from tests.snapshot.example import OUT, build_example


def test_the_example_is_current(dev_plan_resources: list[dict[str, Any]]) -> None:
    assert json.loads(OUT.read_text()) == json.loads(json.dumps(build_example(dev_plan_resources)))
