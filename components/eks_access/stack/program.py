"""The ``team-cluster`` stack program: stack config -> spec -> cluster + access components.

The repository's ``__main__.py`` calls :func:`main`; ``pulumi up`` runs it against AWS and
``eks-access plan`` runs the very same function on mocks. Team role ARNs for aws-auth are
derived from the spec rather than from the role resources, so the cluster never waits on a
team and, in CONFIG_MAP mode, adding a team changes only the cluster's role mappings.
"""

from __future__ import annotations

from typing import Any

import pulumi

from eks_access.config.stackfile import raw_stack_config
from eks_access.spec import StackSpec, load_stack
from eks_access.stack.access import register_access
from eks_access.stack.cluster import build_cluster
from eks_access.stack.environment import deploy_environment
from eks_access.stack.exports import export_outputs


def load_spec_from_pulumi() -> StackSpec:
    """Read every ``<project>:*`` key (unknown ones are errors) and ``aws:region``.

    The namespace is the project's name, as Pulumi namespaces config: a project renamed in
    Pulumi.yaml (``pulumi new`` does this) reads its own keys.
    """
    from pulumi.runtime.config import CONFIG, get_config_env

    config: dict[str, Any] = {**get_config_env(), **CONFIG.get()}
    return load_stack(raw_stack_config(config, pulumi.get_project()))


def main() -> None:
    spec = load_spec_from_pulumi()
    env = deploy_environment(spec)
    built = build_cluster(spec, env)
    access = register_access(spec, env, built)
    export_outputs(spec, env, built, access)
