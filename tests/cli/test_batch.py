"""``can-i --batch``: streamed answers, the same limits and errors for stdin and files, strict
RFC 8259 input lines and valid JSON output lines (issue 16, deliverable 3)."""

from __future__ import annotations

import io
import json
import os
import selectors
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from eks_access.analysis import Analyzer, commands
from eks_access.cli.main import main
from tests.builders import ACCOUNT, DEV1

YES = {"as": DEV1, "verb": "list", "resource": "pods", "namespace": "default"}
NO = {"as": DEV1, "verb": "list", "resource": "nodes"}
LIMIT = 1024 * 1024


@pytest.fixture
def plan_file(tmp_path: Path, dev_plan_resources: list[dict[str, Any]]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dev_plan_resources))
    return path


def answer_of(records: list[dict[str, Any]], q: dict[str, Any]) -> dict[str, Any]:
    """What ``can-i --format json`` answers to the question ``q``."""
    _code, text = commands.can_i(records, q["verb"], q["resource"], q.get("namespace"), q["as"], "json")
    doc: dict[str, Any] = json.loads(text)
    return doc


def run_batch(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan: Path,
              data: bytes, source: str) -> tuple[int, str, str, str]:  # fmt: skip
    """Run ``can-i --batch`` on ``data`` given as a file or on stdin; returns the name it is called."""
    if source == "stdin":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        name, where = "-", "<stdin>"
    else:
        path = tmp_path / "questions.jsonl"
        path.write_bytes(data)
        name = where = str(path)
    code = main(["can-i", "--batch", name, "--plan", str(plan)])
    out, err = capsys.readouterr()
    return code, out, err, where


def line(q: dict[str, Any]) -> bytes:
    return json.dumps(q).encode() + b"\n"


SOURCES = pytest.mark.parametrize("source", ["file", "stdin"])


@SOURCES
@pytest.mark.parametrize(("text", "message"), [
    (b'{"id": NaN, "as": "user:a", "verb": "get", "resource": "pods"}', "NaN is not a JSON value"),
    (b'{"id": Infinity, "as": "user:a", "verb": "get", "resource": "pods"}', "Infinity is not a JSON value"),
    (b'{"id": -Infinity, "as": "user:a", "verb": "get", "resource": "pods"}', "-Infinity is not a JSON value"),
    (b'{"id": "\\ud800", "as": "user:a", "verb": "get", "resource": "pods"}',
     "contains a lone surrogate escape (such as \\ud800), which is not text"),
    (b'{"as": "user:a", "verb": "get", "resource": "pods", "name": "x\\udc00"}',
     "contains a lone surrogate escape (such as \\ud800), which is not text"),
    (b'{"as": "user:a", "verb": "get", "resource": "pods", "as": "user:b"}', 'the name "as" appears twice in one object'),
    (b'{"as": "user:\xff", "verb": "get", "resource": "pods"}', "not UTF-8 text (invalid start byte at byte 13)"),
    (b'{"as": "user:\xed\xa0\x80", "verb": "get", "resource": "pods"}', "not UTF-8 text (invalid continuation byte at byte 13)"),
    (b'{"id": ' + b"[" * 100_000 + b"]" * 100_000 + b', "as": "user:a", "verb": "get", "resource": "pods"}',
     "nests deeper than 64 levels"),
    (b'{"id": ' + b"[" * 65 + b"]" * 65 + b', "as": "user:a", "verb": "get", "resource": "pods"}', "nests deeper than 64 levels"),
    (b" " * (LIMIT + 1), f"the line is longer than {LIMIT} bytes"),
    (b"{" + b" " * LIMIT + b'"as": "user:a", "verb": "get", "resource": "pods"}', f"the line is longer than {LIMIT} bytes"),
])  # fmt: skip
def test_a_line_that_is_not_rfc_8259_json_is_refused_naming_its_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan_file: Path,
        dev_plan_resources: list[dict[str, Any]], source: str, text: bytes, message: str) -> None:  # fmt: skip
    """Line 1 is answered (and printed) before line 2 is read; line 2 stops the run."""
    code, out, err, where = run_batch(capsys, monkeypatch, tmp_path, plan_file, line({"id": 1, **YES}) + text + b"\n", source)
    assert [json.loads(a) for a in out.splitlines()] == [{"id": 1, **answer_of(dev_plan_resources, YES)}]
    assert (code, err) == (2, f"eks-access: error: {where}:2: {message}\n")


@SOURCES
def test_no_total_size_limit_on_stdin_or_files(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path, plan_file: Path, source: str) -> None:  # fmt: skip
    """70 MiB of blank lines, each within the line limit, then a question: answered (stdin used
    to stop reading at 64 MiB and exit 0 having answered nothing)."""
    blank = b" " * (LIMIT - 1) + b"\r\n"
    code, out, err, _where = run_batch(capsys, monkeypatch, tmp_path, plan_file, blank * 70 + line({"id": 71, **NO}), source)
    assert (code, [json.loads(a)["id"] for a in out.splitlines()], err) == (1, [71], "")


@SOURCES
def test_lines_split_only_on_newline_and_output_lines_stay_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan_file: Path,
        dev_plan_resources: list[dict[str, Any]], source: str) -> None:  # fmt: skip
    """U+2028, U+2029 and U+0085 are text inside a JSON string (RFC 8259 section 7); the answer
    escapes them so that no line splitter breaks it; CRLF ends a line like LF."""
    ids = ["a\u2028b", "c\u0085d", "e\u2029f", "g\u202eh"]
    data = b"".join(json.dumps({"id": i, **YES}, ensure_ascii=False).encode() + b"\r\n" for i in ids)
    code, out, err, _where = run_batch(capsys, monkeypatch, tmp_path, plan_file, data, source)
    lines = out.split("\n")
    assert (code, err, lines[-1], len(lines)) == (0, "", "", 5)
    assert [a[: a.index(",")] for a in lines[:4]] == [
        '{"id":"a\\u2028b"', '{"id":"c\\u0085d"', '{"id":"e\\u2029f"', '{"id":"g\\u202eh"']  # a bidi override too
    assert [json.loads(a) for a in lines[:4]] == [{"id": i, **answer_of(dev_plan_resources, YES)} for i in ids]


@SOURCES
def test_ids_are_echoed_exactly_as_written_and_always_as_json(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan_file: Path,
        source: str) -> None:  # fmt: skip
    ids = ["1e400", "-1e400", "1.10", "-0", "1" * 5000, '{"k":[1.0,true,null,"\\u00e9\\ud83d\\ude00"]}']
    data = b"".join(b'{"id":' + i.encode() + b',"as":"' + DEV1.encode() + b'","verb":"list","resource":"nodes"}\n' for i in ids)
    code, out, err, _where = run_batch(capsys, monkeypatch, tmp_path, plan_file, data, source)
    echoed = [a[len('{"id":') : a.index(',"allowed":')] for a in out.splitlines()]
    assert (code, err) == (1, "")
    assert echoed == ["1e400", "-1e400", "1.10", "-0", "1" * 5000, '{"k":[1.0,true,null,"é😀"]}']
    for a in out.splitlines():
        json.loads(a, parse_int=str, parse_float=str, parse_constant=lambda name: pytest.fail(f"{name} in an answer line"))


def test_a_fifo_is_read_as_a_stream_like_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path, plan_file: Path) -> None:
    """``--batch <(generate-questions)``: a FIFO is streamed, not refused as a non-regular file."""
    fifo = tmp_path / "questions"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("wb") as w:
            w.write(line({"id": "fifo", **YES}))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code = main(["can-i", "--batch", str(fifo), "--plan", str(plan_file)])
    writer.join(60)
    out, err = capsys.readouterr()
    assert (code, [json.loads(a)["id"] for a in out.splitlines()], err) == (0, ["fifo"], "")


def test_answers_are_printed_while_questions_are_still_being_written(plan_file: Path) -> None:
    """A coprocess: write one question, read its answer, write the next; stdin stays open."""
    proc = subprocess.Popen([sys.executable, "-m", "eks_access", "can-i", "--batch", "-", "--plan", str(plan_file)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        got: list[Any] = []
        for i, q in enumerate((YES, NO)):
            proc.stdin.write(line({"id": i, **q}))
            proc.stdin.flush()
            got.append(_read_line(proc.stdout, 60)["id"])
        proc.stdin.close()
        assert (got, proc.wait(60), proc.stdout.read(), proc.stderr.read()) == ([0, 1], 1, b"", b"")
    finally:
        proc.kill()
        proc.wait()


def _read_line(stream: Any, timeout: float) -> Any:
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        assert sel.select(timeout), f"no answer within {timeout} s while stdin is still open"
    return json.loads(stream.readline())


def test_per_question_memos_stay_bounded(monkeypatch: pytest.MonkeyPatch, dev_plan_resources: list[dict[str, Any]]) -> None:
    """A million distinct principals and object names must not grow the analyzer: its memos keep
    the most recent MEMO_SIZE entries, and a forgotten answer is recomputed the same."""
    monkeypatch.setattr("eks_access.analysis.paths.MEMO_SIZE", 3)
    monkeypatch.setattr("eks_access.authz.rbac.policy.MEMO_SIZE", 3)
    analyzer = Analyzer.from_records(dev_plan_resources)
    first = analyzer.can_i(DEV1, "get", "pods", "default", name="pod-0", context={"sts:RoleSessionName": ["dev1"]})
    for i in range(20):
        analyzer.can_i(f"arn:aws:iam::{ACCOUNT}:user/ghost{i}", "list", "pods")
        analyzer.can_i(f"user:person{i}", "get", "pods", "default", name=f"pod-{i}")
    assert (len(analyzer.paths._assumable), len(analyzer.kubernetes.rbac._allows)) == (3, 3)
    again = analyzer.can_i(DEV1, "get", "pods", "default", name="pod-0", context={"sts:RoleSessionName": ["dev1"]})
    assert (again, again.allowed) == (first, True)


def test_no_stdin_is_one_line_and_a_text_stdin_is_read_too(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                           plan_file: Path) -> None:  # fmt: skip
    """``eks-access can-i --batch - <&-`` (no stdin at all) used to end in a traceback; a library
    caller's StringIO stdin (no bytes below it) is read as its text."""
    monkeypatch.setattr(sys, "stdin", None)
    code = main(["can-i", "--batch", "-", "--plan", str(plan_file)])
    assert (code, *capsys.readouterr()) == (2, "", "eks-access: error: --batch: -: stdin is closed\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": "\u2028", **NO}, ensure_ascii=False) + "\n"))
    code = main(["can-i", "--batch", "-", "--plan", str(plan_file)])
    out, err = capsys.readouterr()
    assert (code, out[: out.index(",")], err) == (1, '{"id":"\\u2028"', "")
