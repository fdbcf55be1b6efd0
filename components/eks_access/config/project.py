"""``Pulumi.yaml`` read the way the Pulumi CLI reads it, so an offline plan fails where ``pulumi preview`` fails.

Sources (pulumi/pulumi): sdk/go/common/workspace/project.go (``Project``, ``ProjectConfigType``,
``RewriteShorthandConfigValues``, ``ValidateConfigValue``, ``Project.Validate``),
sdk/go/common/workspace/project.json (the project schema: ``name`` and ``runtime`` required; a
config declaration has only ``type``, ``items``, ``description``, ``secret``, ``default``,
``value``; types ``string``, ``integer``, ``boolean``, ``array``) and
sdk/go/common/workspace/config.go (``mergeConfig``: a project-namespaced key with neither default
nor value that the stack does not set is collected into "Stack '<stack>' is missing
configuration value(s) ..."; defaults are applied to the stack's config; then
``validateStackConfigValue``: "Stack '<stack>' with configuration key '<key>' must be of type
'<type>'").

The project name is the config namespace: a project renamed in Pulumi.yaml reads ``<name>:`` keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eks_access.config.yamlload import ConfigFileError, Loaded, load_yaml_file

#: The project this repository ships; the default namespace when no Pulumi.yaml is at hand.
DEFAULT_PROJECT = "team-cluster"
_TYPES = ("string", "integer", "boolean", "array")
_DECLARATION_KEYS = ("type", "items", "description", "secret", "default", "value")
#: tokens.PackageName: "alphanumeric characters, hyphens, underscores, and periods" (project.json).
_PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]+", re.ASCII)


@dataclass(frozen=True)
class ConfigDeclaration:
    key: str  # as written in Pulumi.yaml: 'teams' or 'aws:region'
    type: str | None = None
    items: Mapping[str, Any] | None = None
    has_default: bool = False
    default: Any = None
    has_value: bool = False
    value: Any = None
    #: Where the value used lies in Pulumi.yaml: ``config.users.default``, or ``config.users``
    #: for the shorthand ``users: []``.
    source: str = ""


@dataclass(frozen=True)
class Project:
    name: str
    file: str
    declarations: tuple[ConfigDeclaration, ...] = ()
    loaded: Loaded = field(default_factory=lambda: Loaded(None), compare=False)

    def namespaced(self, key: str) -> str:
        return key if ":" in key else f"{self.name}:{key}"

    def error_in_value(self, key: str, rest: str, message: str) -> ConfigFileError:
        """An error at ``rest`` (``[0].userArn``) inside the value this file gives the namespaced
        ``key``: it names Pulumi.yaml, the line and the key path there."""
        decl = next(d for d in self.declarations if self.namespaced(d.key) == key)
        path = decl.source + rest
        return ConfigFileError(self.file, path, message, self.loaded.line_of(path))


def find_project_file(stack_file: Path) -> Path | None:
    """The ``Pulumi.yaml`` beside a stack file, as the CLI finds it for ``Pulumi.<stack>.yaml``."""
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        candidate = stack_file.resolve().parent / name
        if candidate.is_file():
            return candidate
    return None


def read_project(file: Path) -> Project:
    loaded = load_yaml_file(file, what="project file")
    name = str(file)
    data = loaded.value
    if not isinstance(data, Mapping):
        raise ConfigFileError(name, "", "must be a YAML mapping with 'name' and 'runtime'")
    project = data.get("name")
    if not isinstance(project, str) or not project:
        raise ConfigFileError(name, "name", "project is missing a non-empty string 'name' attribute", loaded.line_of("name"))
    if not _PROJECT_NAME.fullmatch(project):
        raise ConfigFileError(name, "name", f"{project!r}: a project name has only letters, digits, '-', '_' and '.'", loaded.line_of("name"))
    if data.get("runtime") is None:
        raise ConfigFileError(name, "runtime", "project is missing a 'runtime' attribute")
    config = data.get("config")
    if config is None or isinstance(config, str):  # a string is the deprecated stackConfigDir spelling
        return Project(project, name, (), loaded)
    if not isinstance(config, Mapping):
        raise ConfigFileError(name, "config", "must be a mapping of configuration keys to declarations", loaded.line_of("config"))
    declarations = tuple(_declaration(project, name, loaded, key, value) for key, value in config.items())
    return Project(project, name, declarations, loaded)


def _declaration(project: str, file: str, loaded: Loaded, key: str, raw: Any) -> ConfigDeclaration:
    path = f"config.{key}"
    line = loaded.line_of(path)
    in_project = ":" not in key or key.startswith(project + ":")
    if raw is None or (isinstance(raw, (str, int, bool, list)) and not isinstance(raw, float)):
        # RewriteShorthandConfigValues: a project key's shorthand is its default, another
        # namespace's is its value.
        if raw is None:
            raise ConfigFileError(file, path, "has no value (null); give a declaration such as {type: string, default: ...}", line)
        return ConfigDeclaration(key, has_default=in_project, default=raw, has_value=not in_project, value=raw, source=path)
    if not isinstance(raw, Mapping):
        raise ConfigFileError(file, path, "must be a value or a declaration {type, description, default, ...}", line)
    for attr in raw:
        if attr not in _DECLARATION_KEYS:
            raise ConfigFileError(file, f"{path}.{attr}", f"unknown attribute; a config declaration has {', '.join(_DECLARATION_KEYS)}", loaded.line_of(f"{path}.{attr}"))
    type_ = raw.get("type")
    if type_ is not None and type_ not in _TYPES:
        raise ConfigFileError(file, f"{path}.type", f"must be one of {', '.join(_TYPES)}", line)
    if type_ == "array" and raw.get("items") is None:
        raise ConfigFileError(file, path, f"The configuration key '{key}' declares an array but does not specify the underlying type via the 'items' attribute", line)
    has_default, has_value = raw.get("default") is not None, raw.get("value") is not None
    if has_default and has_value:
        raise ConfigFileError(file, path, f"project config '{key}' cannot have both a 'default' and 'value' attribute", line)
    if not in_project and type_ is not None:
        raise ConfigFileError(file, path, f"Configuration key '{key}' is not namespaced by the project and should not define a type", line)
    if not in_project and has_default:
        raise ConfigFileError(file, path, f"Configuration key '{key}' is not namespaced by the project and should not define a default value", line)
    items = raw.get("items")
    if type_ is not None and has_default and not valid_config_value(type_, items, raw["default"]):
        raise ConfigFileError(file, path, f"The default value specified for configuration key '{key}' is not of the expected type '{_full_type(type_, items)}'", line)
    source = f"{path}.default" if has_default else f"{path}.value"
    return ConfigDeclaration(key, type_, items, has_default, raw.get("default"), has_value, raw.get("value"), source)


def valid_config_value(type_: str, items: Mapping[str, Any] | None, value: Any) -> bool:
    """``ValidateConfigValue`` of project.go: strings are any text, integers also as text."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return True
        return isinstance(value, str) and re.fullmatch(r"[-+]?[0-9]+", value) is not None
    if type_ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if not isinstance(value, list) or not isinstance(items, Mapping):
        return False
    return all(valid_config_value(str(items.get("type")), items.get("items"), item) for item in value)


def _full_type(type_: str, items: Mapping[str, Any] | None) -> str:
    if isinstance(items, Mapping):
        return f"array<{_full_type(str(items.get('type')), items.get('items'))}>"
    return type_


def apply_project_config(project: Project, stack: str, config: Mapping[str, Any], stack_file: str) -> dict[str, Any]:
    """The stack's config with the project's defaults and values applied, as ``mergeConfig`` does.

    Refuses what ``pulumi preview`` refuses: declared project keys with no default the stack does
    not set, and stack values of the wrong declared type.
    """
    merged = dict(config)
    missing: list[str] = []
    for decl in sorted(project.declarations, key=lambda d: d.key):
        key = project.namespaced(decl.key)
        if key not in merged:
            if decl.has_value or decl.has_default:
                merged[key] = decl.default if decl.has_default else decl.value
                if isinstance(merged[key], bool):  # createConfigValue: primitives become their text
                    merged[key] = "true" if merged[key] else "false"
                elif isinstance(merged[key], int):
                    merged[key] = str(merged[key])
            elif key.split(":", 1)[0] == project.name:
                missing.append(decl.key)
    if missing:
        plural = "values" if len(missing) > 1 else "value"
        raise ConfigFileError(stack_file, "", f"Stack '{stack}' is missing configuration {plural} {_format_missing(missing)} (declared in {project.file} without a default)")
    for decl in project.declarations:
        key = project.namespaced(decl.key)
        if decl.type is not None and key in config and not valid_config_value(decl.type, decl.items, config[key]):
            raise ConfigFileError(stack_file, key, f"Stack '{stack}' with configuration key '{decl.key}' must be of type '{_full_type(decl.type, decl.items)}'")
    return merged


def _format_missing(keys: list[str]) -> str:
    """``formatMissingKeys`` of config.go: 'a', 'b' and 'c'."""
    quoted = [f"'{k}'" for k in sorted(keys)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
