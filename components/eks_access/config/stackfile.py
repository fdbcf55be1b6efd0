"""Stack config files (``Pulumi.<stack>.yaml``) to the raw dict the spec loaders read.

Pulumi namespaces keys as ``<project>:<key>``; this module strips the ``team-cluster:`` prefix,
takes ``aws:region``, refuses unknown project keys (a typo is an error, never a silent default)
and leaves other namespaces (providers' settings) alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import SpecError
from eks_access.spec import STACK_KEYS, StackSpec, load_stack

PROJECT = "team-cluster"


class ConfigFileError(SpecError):
    """A stack config problem, with the file in the message so CI logs point at it."""

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file = file
        super().__init__(path, message)
        self.args = (f"{file}: {path}: {message}" if path else f"{file}: {message}",)

    def __str__(self) -> str:
        return str(self.args[0])


def read_config_file(file: Path) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file, with YAML errors reported by line."""
    name = str(file)
    if not file.is_file():
        raise ConfigFileError(name, "", "stack config file not found (use --stack NAME for Pulumi.NAME.yaml, or --config FILE)")
    try:
        document = yaml.load(file.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigFileError(name, "", f"YAML syntax error: {where}{problem}") from None
    except UnicodeDecodeError:
        raise ConfigFileError(name, "", "is not UTF-8 text") from None
    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        raise ConfigFileError(name, "", "must be a YAML mapping with a 'config:' key")
    config = document.get("config", {}) or {}
    if not isinstance(config, Mapping):
        raise ConfigFileError(name, "config", "must be a mapping")
    return {str(k): v for k, v in config.items()}


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys: YAML keeps the last one, silently dropping the first."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return dict(loader.construct_mapping(node, deep=deep))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def raw_stack_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Project keys without their namespace, plus ``region`` from ``aws:region``."""
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, short = key.partition(":")
        if namespace == PROJECT:
            if short not in STACK_KEYS or short == "region":
                allowed = ", ".join(f"{PROJECT}:{k}" for k in STACK_KEYS if k != "region")
                raise SpecError(key, f"unknown config key; allowed: {allowed}")
            raw[short] = _decode(value)
        elif key == "aws:region":
            raw["region"] = value
    return raw


def load_stack_file(file: Path) -> StackSpec:
    return validate_config(read_config_file(file), file)


def validate_config(config: Mapping[str, Any], file: Path) -> StackSpec:
    """Validate a stack file's ``config:`` mapping; errors name the file and namespaced key."""
    try:
        return load_stack(raw_stack_config(config))
    except SpecError as err:
        raise ConfigFileError(str(file), _namespaced(err.path), err.detail) from None


def pulumi_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Config values as the Pulumi engine hands them to a program: strings, objects as JSON."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def _decode(value: Any) -> Any:
    """Values arrive as JSON strings from the Pulumi engine and as objects from YAML files."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _namespaced(path: str) -> str:
    if not path or path.startswith(("aws:", PROJECT + ":")):
        return path
    return f"{PROJECT}:{path}"
