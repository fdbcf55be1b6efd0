"""The hardened YAML loader: yaml.v3's value rules, limits before expansion, one-line errors."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from eks_access.config.stackfile import read_config_file, read_stack_file
from eks_access.config.yamlload import ConfigFileError, parse_yaml

F = "Pulumi.dev.yaml"


def config(text: str) -> dict[str, object]:
    value = parse_yaml("config:\n" + text, F, text_depth=2).value
    assert isinstance(value, dict)
    result = value["config"]
    assert isinstance(result, dict)
    return result


def error(text: str) -> str:
    with pytest.raises(ConfigFileError) as info:
        parse_yaml(text, F, text_depth=2)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_top_level_scalars_keep_the_text_written_as_pulumi_does() -> None:
    # value.go unmarshalValue decodes a top-level value as a string first: yaml.v3 keeps the text.
    assert config("  team-cluster:accountId: 111122223333\n  a:b: true\n  a:c: 2024-01-02\n  a:d: 0x10\n") == {
        "team-cluster:accountId": "111122223333", "a:b": "true", "a:c": "2024-01-02", "a:d": "0x10"}


def test_nested_values_follow_yaml_1_2_core_types() -> None:
    nested = config("  a:x: {a: 1, b: yes, c: 2024-01-02T10:00:00Z, d: !!binary aGk=, e: 0x10, f: 1.5, g: ~, "
                    "h: !foo bar, i: '5', j: on, k: 0777, l: !!float 5, m: !!str 7}\n")["a:x"]
    assert nested == {"a": 1, "b": "yes", "c": "2024-01-02T10:00:00Z", "d": "hi", "e": 16, "f": 1.5, "g": None,
                      "h": "bar", "i": "5", "j": "on", "k": 511, "l": 5.0, "m": "7"}


def test_timestamps_are_legitimate_values_in_iam_conditions() -> None:
    nested = config("  a:p: {Condition: {DateGreaterThan: {aws:CurrentTime: 2024-01-01T00:00:00Z}}}\n")["a:p"]
    assert nested == {"Condition": {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}}


def test_non_string_keys_become_their_text_and_are_not_duplicates() -> None:
    assert config("  a:k: {1: a, true: b}\n")["a:k"] == {"1": "a", "true": "b"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("config:\n  t:teams: [{name: !!int developers}]\n", "line 2: t:teams[0].name: 'developers' is tagged !!int but is not a YAML int"),
        ("config:\n  t:w: [{identity: !!float irsa}]\n", "line 2: t:w[0].identity: 'irsa' is tagged !!float but is not a YAML float"),
        ("config:\n  t:w: [{name: !!bool web}]\n", "line 2: t:w[0].name: 'web' is tagged !!bool but is not a YAML bool"),
        ("config:\n  t:a: !!timestamp x\n", "line 2: t:a: 'x' is tagged !!timestamp but is not a YAML timestamp"),
        ("config:\n  t:a: !!float ''\n", "line 2: t:a: '' is tagged !!float but is not a YAML float"),
        ("config:\n  t:a: !!binary '%%%'\n", "line 2: t:a: !!binary value is not valid base64 of UTF-8 text"),
        ("config:\n  t:a: {? [a] : 1}\n", "line 2: t:a: a list or mapping used as a mapping key ('? [a]') is not supported; keys must be plain text"),
        ("config:\n  t:a: {x: 1, x: 2}\n", "line 2: t:a.x: duplicate key 'x' (first at line 2)"),
        ("config:\n  t:a: [.nan]\n", "line 2: t:a[0]: '.nan' is not a finite number; Pulumi config cannot hold NaN or infinity"),
        ("config:\n  t:a: &x [1, *x]\n", "line 2: alias *x is recursive (it refers to a list or mapping that contains it)"),
        ("config:\n  t:a: *nope\n", "line 2: alias *nope refers to no anchor defined before it"),
        ("config:\n  t:a:\n", "line 2: t:a: has no value (null); give it a value or remove the key"),
        ("x: 1\n---\ny: 2\n", "line 2: holds more than one YAML document ('---'); keep one"),
        ("config:\n  t:a: b\x01c\n", "line 2: column 9: control character U+0001 is not allowed in YAML"),
        ("config:\n  t:a: \"\\ud800\"\n", "line 2: YAML syntax error: column 11: found invalid Unicode character escape code"),
        ("config:\n  t:a: " + "[" * 80 + "]" * 80 + "\n", "line 2: nests lists and mappings more than 64 levels deep"),
    ],
)
def test_refusals_are_one_line_with_file_line_and_key(text: str, message: str) -> None:
    assert error(text).startswith(f"{F}: ") and message in error(text)


def test_merge_keys_work_and_explicit_keys_win() -> None:
    value = parse_yaml("base: &b {a: 1, b: 2}\nx: {<<: *b, b: 3}\ny: {<<: [{c: 1}, {c: 2}]}\n", F).value
    assert value["x"] == {"a": 1, "b": 3}
    assert value["y"] == {"c": 1}


def test_500_nested_lists_is_a_message_not_a_recursion_error() -> None:
    assert "nests lists and mappings more than 64 levels deep" in error("a: " + "[" * 500 + "]" * 500 + "\n")


ALIAS_BOMB = "\n".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}" if i else '"lol"'] * 9) + "]" for i in range(10)
) + "\n"


@pytest.mark.parametrize("where", ["team-cluster:guardrails", "other:key", "team-cluster:workloads"])
def test_alias_bomb_is_refused_fast_in_bounded_memory(where: str) -> None:
    assert len(ALIAS_BOMB) < 900
    nested = ALIAS_BOMB.replace("\n", "\n    ").rstrip()
    text = f"config:\n  {where}:\n    {nested}\n"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = error(text)
    assert "expands to more than 2000000 values (aliases included); refusing to expand it" in message
    assert time.perf_counter() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match=r": stack config file is a directory, not a file$"):
        read_config_file(tmp_path)
    import os

    fifo = tmp_path / "Pulumi.fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigFileError, match="is not a regular file"):
        read_config_file(fifo)
    with pytest.raises(ConfigFileError, match="is not a regular file"):
        read_config_file(Path("/dev/zero"))


def test_spec_errors_carry_the_line_of_the_key(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_text("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams:\n"
                    "    - name: dev\n      roleName: 'bad role'\n")
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file).spec()
    assert str(info.value) == (f"{file}: line 5: team-cluster:teams[0].roleName: 'bad role' is not a valid IAM role name "
                               "(1-64 characters of letters, digits and +=,.@_-)")


def test_key_names_with_control_characters_stay_on_one_line(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_text('config:\n  team-cluster:cluster: {name: myeks}\n  "team-cluster:te\\nams": []\n')
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file).spec()
    assert str(info.value).startswith(f"{file}: line 3: team-cluster:te\\nams: unknown config key; allowed: ")


def test_null_project_key_keeps_the_file_name(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_text("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams:\n")
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file)
    assert str(info.value) == f"{file}: line 3: team-cluster:teams: has no value (null); give it a value or remove the key"


def test_deeply_nested_json_string_value_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "Pulumi.dev.yaml"
    file.write_text("config:\n  team-cluster:cluster: {name: myeks}\n  team-cluster:teams: '" + "[" * 5000 + "]" * 5000 + "'\n")
    with pytest.raises(ConfigFileError) as info:
        read_stack_file(file).spec()
    assert str(info.value) == f"{file}: line 3: team-cluster:teams: its JSON text nests deeper than 64 levels"
