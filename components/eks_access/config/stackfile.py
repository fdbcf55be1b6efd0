"""Stack config files (``Pulumi.<stack>.yaml``) to the raw dict the spec loaders read.

Pulumi namespaces keys as ``<project>:<key>``; this module strips the project's prefix (the
``name`` of Pulumi.yaml, ``team-cluster`` for this repository), takes ``aws:region``, refuses
unknown project keys (a typo is an error, never a silent default) and leaves other namespaces
(providers' settings) alone. Files are read by the one hardened loader of
:mod:`eks_access.config.yamlload`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eks_access.config.project import (
    DEFAULT_PROJECT,
    Project,
    apply_project_config,
    find_project_file,
    read_project,
)
from eks_access.config.yamlload import MAX_DEPTH, ConfigFileError, Loaded, load_yaml_file
from eks_access.errors import SpecError
from eks_access.jsonstrict import refuse_constant
from eks_access.safeio import nesting_exceeds
from eks_access.spec import STACK_KEYS, StackSpec, load_stack

#: The config namespace of this repository's project (Pulumi.yaml ``name``); programs read the
#: real one from Pulumi (``pulumi.get_project()``), the CLI from Pulumi.yaml.
PROJECT = DEFAULT_PROJECT

__all__ = [
    "PROJECT",
    "ConfigFileError",
    "StackFile",
    "load_stack_file",
    "pulumi_config",
    "raw_stack_config",
    "read_config_file",
    "read_stack_file",
    "validate_config",
]


@dataclass(frozen=True)
class StackFile:
    """A stack file as ``pulumi preview`` sees it: its config with the project's defaults applied."""

    file: Path
    stack: str
    project: str
    config: dict[str, Any]
    loaded: Loaded
    #: Pulumi.yaml, and the keys whose value it gave (a default the stack file does not override).
    project_file: Project | None = None
    from_project: frozenset[str] = frozenset()

    def spec(self) -> StackSpec:
        """The validated spec; errors name the file, the line and the namespaced key path."""
        try:
            return load_stack(raw_stack_config(self.config, self.project))
        except ConfigFileError:
            raise
        except SpecError as err:
            raise self.error(_namespaced(err.path, self.project), err.detail) from None

    def error(self, path: str, message: str) -> ConfigFileError:
        """The error at a namespaced key path, blamed on the file that gave the value: the stack
        file, or Pulumi.yaml for a project default (with its line and key path there)."""
        blamed = self.project_error(path, message)
        return blamed or ConfigFileError(str(self.file), path, message, self.loaded.line_of(path))

    def project_error(self, path: str, message: str) -> ConfigFileError | None:
        """The error naming Pulumi.yaml when its default gave the value at ``path``, else None."""
        for key in self.from_project:
            if self.project_file is not None and (path == key or path.startswith((key + ".", key + "["))):
                return self.project_file.error_in_value(key, path[len(key):], message)
        return None


def read_stack_file(file: Path, stack: str | None = None) -> StackFile:
    """Read ``file`` and, when a Pulumi.yaml sits beside it, apply the project's config rules."""
    loaded = _load(file)
    stack_name = stack or file.name.removeprefix("Pulumi.").rsplit(".", 1)[0]
    project_file = find_project_file(file)
    project: Project | None = read_project(project_file) if project_file is not None else None
    written = _config_of(loaded, str(file))
    if project is None:
        return StackFile(file, stack_name, PROJECT, written, loaded)
    config = apply_project_config(project, stack_name, written, str(file))
    return StackFile(file, stack_name, project.name, config, loaded, project, frozenset(config.keys() - written.keys()))


def read_config_file(file: Path) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file as written (no project defaults applied)."""
    return _config_of(_load(file), str(file))


def _load(file: Path) -> Loaded:
    if not file.exists() and not file.is_symlink():
        raise ConfigFileError(str(file), "", "stack config file not found (use --stack NAME for Pulumi.NAME.yaml, or --config FILE)")
    return load_yaml_file(file, what="stack config file", text_depth=2)


def _config_of(loaded: Loaded, name: str) -> dict[str, Any]:
    document = loaded.value
    if document is None:
        return {}
    if not isinstance(document, Mapping):
        raise ConfigFileError(name, "", "must be a YAML mapping with a 'config:' key")
    config = document.get("config")
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise ConfigFileError(name, "config", "must be a mapping", loaded.line_of("config"))
    out: dict[str, Any] = {}
    for key, value in config.items():
        _move_lines(loaded, f"config.{key}", key)
        out[key] = value
    return out


def _move_lines(loaded: Loaded, old: str, new: str) -> None:
    """Index lines by the namespaced key path errors use (``team-cluster:teams[0].name``)."""
    for path in [p for p in loaded.lines if p == old or p.startswith((old + ".", old + "["))]:
        loaded.lines.setdefault(new + path[len(old):], loaded.lines[path])


def raw_stack_config(config: Mapping[str, Any], project: str = PROJECT) -> dict[str, Any]:
    """Project keys without their namespace, plus ``region`` from ``aws:region``."""
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, short = key.partition(":")
        if namespace == project:
            if short not in STACK_KEYS or short == "region":
                allowed = ", ".join(f"{project}:{k}" for k in STACK_KEYS if k != "region")
                raise SpecError(key, f"unknown config key; allowed: {allowed}")
            raw[short] = _decode(value, key)
        elif key == "aws:region":
            raw["region"] = value
    return raw


def load_stack_file(file: Path) -> StackSpec:
    return read_stack_file(file).spec()


def validate_config(config: Mapping[str, Any], file: Path, project: str = PROJECT) -> StackSpec:
    """Validate a stack file's ``config:`` mapping; errors name the file and namespaced key."""
    try:
        return load_stack(raw_stack_config(config, project))
    except ConfigFileError:
        raise
    except SpecError as err:
        raise ConfigFileError(str(file), _namespaced(err.path, project), err.detail) from None


def pulumi_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Config values as the Pulumi engine hands them to a program: strings, objects as JSON."""
    return {key: value if isinstance(value, str) else json.dumps(value, allow_nan=False) for key, value in config.items()}


def _decode(value: Any, key: str) -> Any:
    """Values arrive as JSON strings from the Pulumi engine and as objects from YAML files.

    The JSON is the user's text too: NaN/Infinity and nesting deeper than the YAML loader
    allows are refused, never a RecursionError.
    """
    if not (isinstance(value, str) and value[:1] in "[{"):
        return value
    try:
        decoded = json.loads(value, parse_constant=refuse_constant)
    except RecursionError:
        raise SpecError(key, f"its JSON text nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return value
    if nesting_exceeds(decoded, MAX_DEPTH):
        raise SpecError(key, f"its JSON text nests deeper than {MAX_DEPTH} levels")
    return decoded


def _namespaced(path: str, project: str = PROJECT) -> str:
    if not path or ":" in path.split(".", 1)[0].split("[", 1)[0]:
        return path
    return f"{project}:{path}"

