"""Reading ``plan.json`` (docs/plan-format.md): the generic record schema, nothing per type.

``--plan`` takes a user's path, so it is read like any untrusted input: a regular file of bounded
size (``/dev/zero``, a FIFO or a huge file end in one message, never a read that blocks or fills
memory), JSON without NaN/Infinity, nesting bounded, then each record checked against
``{type: str, name: str, parent: str|null, custom: bool, inputs: object, outputs: object,
implicit?: str}``. Per-type shapes are the model reader's job.

A directory means ``DIR/plan.json``, the file ``eks-access plan --out DIR`` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eks_access.errors import UsageError, one_line
from eks_access.jsonstrict import json_kind, load_document
from eks_access.model.values import UNKNOWN_SENTINEL
from eks_access.safeio import FileReadError, nesting_exceeds, read_regular_file

#: Our limit: a plan of 10,000 teams is about 60 MB of indented JSON.
MAX_PLAN_BYTES = 256 * 1024 * 1024
#: Deeper than any plan the components write (IAM conditions are about 8 levels).
MAX_PLAN_DEPTH = 64
PLAN_FILE = "plan.json"
#: Pulumi's unknown-value sentinel (interfaces.md item 2): readers treat it as "unknown".
UNKNOWN = UNKNOWN_SENTINEL

_REQUIRED: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "name": (str,),
    "custom": (bool,),
    "inputs": (dict,),
    "outputs": (dict,),
}


class PlanFileError(UsageError):
    """plan.json unreadable or not of the documented schema; the message names file and record."""


def plan_path(path: Path) -> Path:
    """``DIR`` means ``DIR/plan.json``."""
    return path / PLAN_FILE if path.is_dir() else path


def read_plan(path: Path) -> list[dict[str, Any]]:
    """The records of a plan.json, schema-checked (docs/plan-format.md, "The record schema")."""
    file = plan_path(path)
    where = f"--plan: {file}"
    try:
        data = read_regular_file(file, MAX_PLAN_BYTES)
    except FileReadError as err:
        hint = " (run `eks-access plan --out DIR` first)" if str(err) == "not found" else ""
        raise PlanFileError(f"{where}: {err}{hint}") from None
    records = load_document(data, "a plan.json", MAX_PLAN_DEPTH, lambda reason: PlanFileError(f"{where}: {reason}"))
    return check_records(records, where)


def check_records(records: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(records, list):
        raise PlanFileError(f"{where}: must be a JSON list of records, got {json_kind(records)}")
    names: set[tuple[str, str]] = set()
    for i, record in enumerate(records):
        at = f"{where}: record [{i}]"
        if not isinstance(record, dict):
            raise PlanFileError(f"{at}: must be an object, got {json_kind(record)}")
        for field, kinds in _REQUIRED.items():
            if field not in record:
                raise PlanFileError(f"{at}: missing key {field!r}")
            if not isinstance(record[field], kinds):
                raise PlanFileError(f"{at}.{field}: must be {_schema_kind(kinds)}, got {json_kind(record[field])}")
        at = f"{where}: record [{i}] ({one_line(record['type'], 120)} {one_line(record['name'], 120)!r})"
        if "parent" not in record:
            raise PlanFileError(f"{at}: missing key 'parent'")
        if record["parent"] is not None and not isinstance(record["parent"], str):
            raise PlanFileError(f"{at}.parent: must be a string or null, got {json_kind(record['parent'])}")
        if "implicit" in record and not isinstance(record["implicit"], str):
            raise PlanFileError(f"{at}.implicit: must be a string, got {json_kind(record['implicit'])}")
        unknown = set(record) - {*_REQUIRED, "parent", "implicit"}
        if unknown:
            raise PlanFileError(f"{at}: unknown key {sorted(unknown)[0]!r}")
        if nesting_exceeds(record, MAX_PLAN_DEPTH):
            raise PlanFileError(f"{at}: nests deeper than {MAX_PLAN_DEPTH} levels")
        identity = (str(record["type"]), str(record["name"]))
        if identity in names:
            raise PlanFileError(f"{at}: a second record of this type and name")
        names.add(identity)
    return records


def _schema_kind(kinds: tuple[type, ...]) -> str:
    return {str: "a string", bool: "true or false", dict: "an object"}[kinds[0]]


