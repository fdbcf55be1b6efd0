"""Property: any mutation of the dev plan.json is answered, or refused with one line.

Mutations replace one value of one record (found by a random path) with a hostile value: wrong
types anywhere, ``inputs: "x"``, ``rules: "all"``, missing keys, Pulumi's unknown sentinel.
``can-i``, ``who-can`` and ``check`` over it (CLI, ``--plan``) either exit 0/1 with an answer
and nothing on stderr, or exit 2 with exactly one stderr line. Never a traceback. Small fixed
budget, derandomized: a few seconds, the same examples every run.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_access.cli import main
from eks_access.model import UNKNOWN_SENTINEL
from tests.cli.test_mutated_configs import paths as config_paths

DEV1 = "arn:aws:iam::111122223333:user/dev1"
COMMANDS = (
    ["can-i", "list", "pods", "-n", "default", "--as", DEV1, "--context", "sts:RoleSessionName=dev1"],
    ["who-can", "list", "pods", "-n", "dev-team"],
    ["check"],
)
HOSTILE = st.sampled_from([
    None, True, 0, -1, 1.5, "", "x", "all", "*", UNKNOWN_SENTINEL, f"prefix-{UNKNOWN_SENTINEL}", [], {}, ["x"], [None],
    [UNKNOWN_SENTINEL], {"a": 1}, {"$ref": "Role::nope"}, "{not json", '{"Statement": 3}',
    '{"Statement": [{"Effect": "Allow", "Action": 5}]}', "- rolearn: [unclosed", "system:masters", "\u2603\x01",
])  # fmt: skip
DELETE = object()


def paths(value: Any) -> list[tuple[Any, ...]]:
    """The value itself and every path inside it."""
    return [(), *config_paths(value)]


def mutate(records: list[dict[str, Any]], index: int, path: tuple[Any, ...], value: Any) -> list[dict[str, Any]]:
    out = copy.deepcopy(records)
    if not path:
        out[index] = value  # the whole record replaced
        return out
    target: Any = out[index]
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _json_object(value: Any) -> dict[str, Any] | None:
    """An IAM policy written as a JSON string, to mutate inside it."""
    if not isinstance(value, str) or not value.startswith("{"):
        return None
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else None


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=35, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(data=st.data())
def test_mutated_plan_is_answered_or_refused_in_one_line(dev_plan_resources: list[dict[str, Any]], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(dev_plan_resources) - 1), label="record")
    path = data.draw(st.sampled_from(paths(dev_plan_resources[index])), label="path")
    current = _at(dev_plan_resources[index], path)
    document = _json_object(current)
    if document is not None and data.draw(st.booleans(), label="inside the JSON document"):
        inner = data.draw(st.sampled_from(config_paths(document)), label="document path")
        value: Any = json.dumps(mutate([document], 0, inner, data.draw(st.one_of(HOSTILE, st.just(DELETE)), label="value"))[0])
    else:
        value = data.draw(st.one_of(HOSTILE, st.just(DELETE)) if path else HOSTILE, label="value")
    mutated = mutate(dev_plan_resources, index, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.json"
        plan.write_text(json.dumps(mutated))
        for command in COMMANDS:
            code, out, err = run([*command, "--plan", str(plan)])
            if code == 2:
                assert out == "" and len(err.splitlines()) == 1 and err.startswith("eks-access: error: "), (command, err)
            else:
                assert code in (0, 1) and err == "" and out, (command, code, err)


def test_named_mutations(dev_plan_resources: list[dict[str, Any]]) -> None:
    """The mutations the issue names, each with its exact answer."""
    by_name = {r["name"]: i for i, r in enumerate(dev_plan_resources)}
    crb = by_name["operators-clusterrole/pod-node-reader"]
    cases = [
        (mutate(dev_plan_resources, crb, ("inputs", "rules"), "all"), 2,
         "eks-access: error: plan record 'operators-clusterrole/pod-node-reader' "
         "(kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): inputs.rules: expected a list, got string\n"),
        (mutate(dev_plan_resources, crb, ("inputs",), "x"), 2, None),
        (mutate(dev_plan_resources, by_name["developers-access-entry"], ("inputs", "principalArn"), UNKNOWN_SENTINEL), 0, ""),
    ]
    for records, code, err in cases:
        with tempfile.TemporaryDirectory() as tmp:
            plan = Path(tmp) / "plan.json"
            plan.write_text(json.dumps(records))
            got, out, got_err = run(["check", "--plan", str(plan)])
            assert got == code
            if err is not None:
                assert got_err == err
            else:
                assert len(got_err.splitlines()) == 1 and "inputs" in got_err
    records = mutate(dev_plan_resources, by_name["developers-access-entry"], ("inputs", "principalArn"), UNKNOWN_SENTINEL)
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.json"
        plan.write_text(json.dumps(records))
        code, out, _ = run([*COMMANDS[0], "--plan", str(plan), "--format", "json"])
    doc = json.loads(out)
    assert (code, doc["allowed"]) == (1, False)
    # the stack pins cluster.version, so no version note follows (before: the note of 1.20, the data's newest)
    assert doc["notes"][-1:] == [
        "identity mappings whose principal is unknown until deployment (developers-access-entry): the answer may change"]
