"""The one YAML loader for stack files (``Pulumi.<stack>.yaml``) and project files (``Pulumi.yaml``).

Safe types only (strings, integers, floats, booleans, null, lists, mappings) and every limit
checked before anything is expanded: file size when reading, nesting depth while parsing, and
the total number of nodes *after* alias expansion on the parsed graph (an alias bomb is a small
graph with a huge expansion; it is measured, not expanded). libyaml's event stream is composed
here iteratively, so deep nesting can neither overflow the stack nor hit Python's recursion
limit.

Values are read the way the Pulumi CLI reads them, because a plan must see what ``pulumi up``
sees. The CLI is Go and decodes stack files with gopkg.in/yaml.v3 into
``config.Value`` (pulumi/pulumi sdk/go/common/resource/config/value.go, ``unmarshalValue``):

- a top-level config value is first decoded as a *string*: yaml.v3 keeps the text the user wrote
  for any scalar (``7``, ``true``, ``2024-01-01`` all arrive as text), ``!!binary`` decoded;
- anything else is decoded as an object (into ``interface{}``): YAML 1.2 core types (``yes``/``on``
  are strings, only ``true``/``false`` are booleans), timestamps kept as their text (yaml.v3
  decodes timestamp-like values into ``interface{}`` as strings), ``!!binary`` decoded, unknown
  tags (``!foo``, ``!!set`` ...) keep the scalar's text, non-string keys turned into their text
  (``interfaceMapToStringMap``: ``{1: a, true: b}`` has the keys "1" and "true"), then
  ``json.Marshal``-ed, which refuses NaN and infinities;
- an explicit tag the value does not fit (``!!int developers``, ``!!bool web``, ``!!float ''``,
  ``!!timestamp x``) is an error in yaml.v3 ("cannot decode ... as a !!int"), and here;
- yaml.v3 refuses duplicate keys ("mapping key already defined"); merge keys ``<<`` work.

Where yaml.v3 has no answer we refuse with a clear message rather than guess: list or mapping
keys (``? [a]``), null keys, recursive aliases, lone surrogates (``"\\ud800"``, not text), more
than one document.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import SpecError, one_line
from eks_access.safeio import FileReadError, read_regular_file

#: Our own limits (no upstream source): far above any real stack file (10,000 teams are about
#: 3 MB and 600,000 nodes), far below what would exhaust memory or time.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000

_TAG = "tag:yaml.org,2002:"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigFileError(SpecError):
    """A problem in a stack or project file: the message names the file, the line and the key path."""

    def __init__(self, file: str, path: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        super().__init__(path, message)
        where = f"{file}: line {line}" if line is not None else file
        text = f"{where}: {path}: {message}" if path else f"{where}: {message}"
        self.args = (one_line(text),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Loaded:
    """A parsed document and the line (1-based) of every key path in it, for error messages."""

    value: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest enclosing key."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def load_yaml_file(file: Path, *, what: str, text_depth: int | None = None) -> Loaded:
    """Read and parse ``file`` (a stack or project file) with every limit enforced.

    ``text_depth``: scalars at this mapping depth keep the text the user wrote (Pulumi's
    top-level config values, depth 2 under ``config:``).
    """
    name = str(file)
    try:
        data = read_regular_file(file, MAX_FILE_BYTES)
    except FileReadError as err:
        raise ConfigFileError(name, "", f"{what} {err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigFileError(name, "", f"is not UTF-8 text (invalid byte 0x{data[err.start]:02x})", line) from None
    return parse_yaml(text, name, text_depth=text_depth)


def parse_yaml(text: str, file: str, *, text_depth: int | None = None) -> Loaded:
    root = _Composer(file).compose(text)
    if root is None:
        return Loaded(None)
    _check_expansion(root, file)
    builder = _Builder(file, text_depth)
    return Loaded(builder.build(root, "", 0), builder.lines)


# ----------------------------------------------------------------------------- nodes


class _Node:
    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _Scalar(_Node):
    __slots__ = ("plain", "tag", "value")

    def __init__(self, line: int, column: int, tag: str | None, value: str, plain: bool) -> None:
        super().__init__(line, column)
        self.tag = tag
        self.value = value
        self.plain = plain


class _Sequence(_Node):
    __slots__ = ("items", "open")

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.items: list[_Node] = []
        self.open = True


class _Mapping(_Node):
    __slots__ = ("key", "open", "pairs")

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.pairs: list[tuple[_Node, _Node]] = []
        self.key: _Node | None = None
        self.open = True


class _Composer:
    """libyaml events -> a node graph, iteratively; aliases share nodes (no expansion here)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.anchors: dict[str, _Node] = {}
        self.stack: list[_Sequence | _Mapping] = []
        self.root: _Node | None = None
        self.documents = 0

    def compose(self, text: str) -> _Node | None:
        try:
            for event in yaml.parse(text, Loader=_LOADER):
                self._event(event)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark
            line = mark.line + 1 if mark is not None else None
            col = f"column {mark.column + 1}: " if mark is not None else ""
            raise ConfigFileError(self.file, "", f"YAML syntax error: {col}{err.problem or err}", line) from None
        except yaml.reader.ReaderError as err:
            message, line = _reader_problem(err, text)
            raise ConfigFileError(self.file, "", message, line) from None
        except UnicodeEncodeError:
            raise ConfigFileError(self.file, "", "contains a lone surrogate, which is not text") from None
        except yaml.YAMLError as err:  # libyaml's reader errors carry no mark
            raise ConfigFileError(self.file, "", f"YAML error: {one_line(str(err))}") from None
        return self.root

    def _event(self, event: Any) -> None:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise ConfigFileError(self.file, "", "holds more than one YAML document ('---'); keep one", line)
        elif isinstance(event, yaml.ScalarEvent):
            plain = bool(event.implicit[0]) and event.tag is None
            self._add(_Scalar(line, column, event.tag, event.value, plain), event.anchor)
        elif isinstance(event, yaml.AliasEvent):
            node = self.anchors.get(str(event.anchor))
            if node is None:
                raise ConfigFileError(self.file, "", f"alias *{event.anchor} refers to no anchor defined before it", line)
            if isinstance(node, (_Sequence, _Mapping)) and node.open:
                raise ConfigFileError(self.file, "", f"alias *{event.anchor} is recursive (it refers to a list or mapping that contains it)", line)
            self._add(node, None)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            container: _Sequence | _Mapping = (
                _Sequence(line, column) if isinstance(event, yaml.SequenceStartEvent) else _Mapping(line, column)
            )
            self._add(container, event.anchor)
            self.stack.append(container)
            if len(self.stack) > MAX_DEPTH:
                raise ConfigFileError(self.file, "", f"nests lists and mappings more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            self.stack.pop().open = False

    def _add(self, node: _Node, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if isinstance(top, _Sequence):
            top.items.append(node)
        elif top.key is None:
            top.key = node
        else:
            top.pairs.append((top.key, node))
            top.key = None


def _children(node: _Node) -> Iterator[_Node]:
    if isinstance(node, _Sequence):
        yield from node.items
    elif isinstance(node, _Mapping):
        for key, value in node.pairs:
            yield key
            yield value


def _check_expansion(root: _Node, file: str) -> None:
    """Nodes and depth after alias expansion, computed on the shared graph in linear time."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[_Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size:
            continue
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if id(child) not in size)
            continue
        kids = list(_children(node))
        size[key] = min(MAX_NODES + 1, 1 + sum(size[id(c)] for c in kids))
        depth[key] = 1 + max((depth[id(c)] for c in kids), default=0)
        if size[key] > MAX_NODES:
            raise ConfigFileError(file, "", f"expands to more than {MAX_NODES} values (aliases included); refusing to expand it", node.line)
        if depth[key] > MAX_DEPTH:
            raise ConfigFileError(file, "", f"nests lists and mappings more than {MAX_DEPTH} levels deep once aliases are expanded", node.line)


# ----------------------------------------------------------------------------- values

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = frozenset({".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"})
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Builder:
    def __init__(self, file: str, text_depth: int | None) -> None:
        self.file = file
        self.text_depth = text_depth
        self.lines: dict[str, int] = {}

    def fail(self, node: _Node, path: str, message: str) -> ConfigFileError:
        if self.text_depth == 2:  # a stack file: key paths start at the config key, as Pulumi names them
            path = path.removeprefix("config.")
        return ConfigFileError(self.file, path, message, node.line)

    def build(self, node: _Node, path: str, depth: int) -> Any:
        if isinstance(node, _Scalar):
            return self.scalar(node, path, as_text=depth == self.text_depth)
        if isinstance(node, _Sequence):
            out: list[Any] = []
            for i, item in enumerate(node.items):
                item_path = f"{path}[{i}]"
                self.lines.setdefault(item_path, item.line)
                out.append(self.build(item, item_path, depth + 1))
            return out
        assert isinstance(node, _Mapping)
        return self.mapping(node, path, depth)

    def mapping(self, node: _Mapping, path: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.pairs:
            if _is_merge(key_node):
                self.merge(value_node, path, depth, merged)
                continue
            key = self.key(key_node, path)
            key_path = f"{path}.{key}" if path else key
            if key in first_line:
                raise self.fail(key_node, key_path, f"duplicate key {one_line(key)!r} (first at line {first_line[key]})")
            first_line[key] = key_node.line
            self.lines.setdefault(key_path, key_node.line)
            out[key] = self.build(value_node, key_path, depth + 1)
        # Explicit keys win over merged ones (YAML merge key semantics).
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def merge(self, node: _Node, path: str, depth: int, merged: dict[str, Any]) -> None:
        sources = node.items if isinstance(node, _Sequence) else [node]
        for source in sources:
            if not isinstance(source, _Mapping):
                raise self.fail(source, path, "a merge key '<<' takes a mapping or a list of mappings")
            for key, value in self.mapping(source, path, depth).items():
                merged.setdefault(key, value)  # earlier sources take precedence

    def key(self, node: _Node, path: str) -> str:
        if not isinstance(node, _Scalar):
            raise self.fail(node, path, "a list or mapping used as a mapping key ('? [a]') is not supported; keys must be plain text")
        value = self.scalar(node, path, as_text=False)
        if value is None:
            raise self.fail(node, path, "a mapping key is null; keys must be text")
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    def scalar(self, node: _Scalar, path: str, *, as_text: bool) -> Any:
        text = node.value
        if _SURROGATE.search(text):
            raise self.fail(node, path, "contains a lone surrogate escape (such as \\ud800), which is not text")
        tag = node.tag
        short = tag[len(_TAG):] if tag and tag.startswith(_TAG) else None
        if node.plain:
            value = _implicit(text)
        elif tag is None or tag == "!" or short == "str":
            return text
        elif short in ("int", "float", "bool", "null", "timestamp", "binary", "merge"):
            value = self._explicit(node, path, short)
        else:  # an unknown or application tag: yaml.v3 keeps the scalar's text
            return text
        if isinstance(value, float) and not math.isfinite(value):
            if as_text:
                return text
            raise self.fail(node, path, f"{text!r} is not a finite number; Pulumi config cannot hold NaN or infinity")
        if as_text:
            if value is None:
                raise self.fail(node, path, "has no value (null); give it a value or remove the key")
            return value if short == "binary" else text
        return value

    def _explicit(self, node: _Scalar, path: str, short: str) -> Any:
        text = node.value
        if short == "binary":
            try:
                raw = base64.b64decode("".join(text.split()), validate=True)
                return raw.decode("utf-8")
            except (binascii.Error, ValueError):
                raise self.fail(node, path, "!!binary value is not valid base64 of UTF-8 text") from None
        value = _implicit(text)
        fits = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "null": value is None and text in _NULLS,
            "timestamp": bool(_TIMESTAMP.fullmatch(text)),
            "merge": text == "<<",
        }[short]
        if not fits:
            raise self.fail(node, path, f"{one_line(text)!r} is tagged !!{short} but is not a YAML {short}")
        if short == "float":
            return float(value)
        return text if short in ("timestamp", "merge") else value


def _is_merge(node: _Node) -> bool:
    return isinstance(node, _Scalar) and node.value == "<<" and (node.plain or node.tag == _TAG + "merge")


def _implicit(text: str) -> Any:
    """A plain scalar resolved as yaml.v3 resolves it into ``interface{}`` (YAML 1.2 core)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _SPECIAL_FLOAT:
        return float(text.replace(".", "").lower().replace("+", ""))
    if not text or text[0] not in "+-.0123456789":
        return text
    if _TIMESTAMP.fullmatch(text):
        return text  # yaml.v3 gives interface{} the text of a timestamp
    plain = text.replace("_", "")
    if _INT.fullmatch(plain):
        digits = plain.lstrip("+-")
        sign = -1 if plain.startswith("-") else 1
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            if all(c in "01234567" for c in digits):
                return sign * int(digits, 8)  # YAML 1.1 octal 0777, which yaml.v3 still reads
            return float(plain)
        return sign * int(digits, 0)
    if _FLOAT.fullmatch(plain):
        return float(plain)
    return text


def _reader_problem(err: Any, text: str) -> tuple[str, int]:
    """libyaml's reader error (a control character) as one line, and its line number.

    libyaml reports the position as a byte offset into the UTF-8 text.
    """
    position = int(getattr(err, "position", 0) or 0)
    head = text.encode("utf-8", "surrogatepass")[:position]
    char = getattr(err, "character", None)
    shown = f"U+{char:04X}" if isinstance(char, int) else "a character"
    column = len(head) - (head.rfind(b"\n") + 1) + 1
    message = f"column {column}: control character {shown} is not allowed in YAML (write it as an escape inside double quotes)"
    return message, head.count(b"\n") + 1
