"""Hostile names through the analyzer's and the plan's renderers: text, JSON, Mermaid, DOT."""

from __future__ import annotations

import json

from eks_access.analysis.diagram import Diagram
from eks_access.analysis.matrix import MATRIX_VERBS, MatrixTable
from eks_access.analysis.render import dot, dumps, matrix_text, mermaid, node_id
from eks_access.plan.render import render_tree

NAME = 'evil\n  click n_x "javascript:alert(1)"\x1b]8;;\u202e#quot;<b>`\\n'


def test_matrix_text_shows_control_characters() -> None:
    table = MatrixTable("user:a\x1b[2Jb", None, [("pods\u202e\r", dict.fromkeys(MATRIX_VERBS, True))])
    assert matrix_text([table]).split("\n") == [
        "user:a\\x1b[2Jb (cluster scope)",
        "NAME            GET  LIST  WATCH  CREATE  UPDATE  PATCH  DELETE",
        "pods\\u202e\\x0d   ✔    ✔      ✔      ✔       ✔       ✔      ✔   ",
    ]


def test_json_escapes_invisible_characters() -> None:
    text = dumps({"principal": "a\u2028b\u202ec\x85d\U000e0001é"})
    assert text == '{\n  "principal": "a\\u2028b\\u202ec\\u0085d\\udb40\\udc01é"\n}'
    assert json.loads(text) == {"principal": "a\u2028b\u202ec\x85d\U000e0001é"}


def test_mermaid_labels_hold_any_name() -> None:
    d = Diagram()
    d.edge(d.node("k8suser", NAME), d.node("clusterrole", "view"), "ClusterRoleBinding " + NAME)
    a, b = node_id(f"k8suser:{NAME}"), node_id("clusterrole:view")
    label = ("evil\\x0a  click n_x #34;javascript:alert(1)#34;\\x1b]8;;\\u202e#35;quot;#60;b#62;#96;\\n")
    assert mermaid(d).split("\n") == [
        "flowchart LR",
        f'  {a}["k8s user: {label}"]',
        f'  {b}["ClusterRole: view"]',
        f'  {a} -- "ClusterRoleBinding {label}" --> {b}',
    ]


def test_dot_strings_hold_any_name() -> None:
    d = Diagram()
    d.node("k8sgroup", NAME)
    label = 'evil\\\\x0a  click n_x \\"javascript:alert(1)\\"\\\\x1b]8;;\\\\u202e#quot;<b>`\\\\n'
    assert dot(d).split("\n")[3] == f'  {node_id("k8sgroup:" + NAME)} [label="k8s group: {label}"];'


def test_plan_tree_shows_control_characters() -> None:
    records = [{"type": "aws:iam/group:Group", "name": "team\x1b[31m\nfake", "inputs": {"name": "g\u202e"}}]
    assert render_tree(records) == "IAM Group team\\x1b[31m\\x0afake  IAM group g\\u202e"
