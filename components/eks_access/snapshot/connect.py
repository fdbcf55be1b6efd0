"""Reaching AWS and the API server for ``eks-access snapshot``.

The cluster is reached as ``aws eks get-token`` does: a presigned STS GetCallerIdentity URL
carrying the header ``x-k8s-aws-id: <cluster>``, base64url without padding, prefixed
``k8s-aws-v1.`` (kubernetes-sigs/aws-iam-authenticator ``pkg/token/token.go``), sent as a
bearer token to the endpoint DescribeCluster reports, verified with its CA. Or through a
kubeconfig and context, as kubectl would.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

TOKEN_PREFIX = "k8s-aws-v1."
CLUSTER_HEADER = "x-k8s-aws-id"


def session(profile: str | None, region: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile, region_name=region)


def client(sess: Any, service: str) -> Any:
    from botocore.config import Config

    from eks_access.snapshot.collect import RETRIES

    return sess.client(service, config=Config(retries=RETRIES))


def eks_token(sess: Any, cluster: str) -> str:
    sts = client(sess, "sts")

    def add_header(request: Any, **_: Any) -> None:
        request.headers[CLUSTER_HEADER] = cluster

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_header)
    url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def api_client(sess: Any, cluster: dict[str, Any] | None, kubeconfig: str | None, context: str | None,
               workdir: str = "") -> Any:  # fmt: skip
    """``workdir``: a private directory (the caller removes it) for the cluster's CA file, which
    the client reads by path."""
    from kubernetes import client as k8s
    from kubernetes import config as k8s_config

    if kubeconfig:
        return k8s_config.new_client_from_config(config_file=kubeconfig, context=context)
    if cluster is None:
        return None
    conf = k8s.Configuration()
    conf.host = cluster["endpoint"]
    ca = Path(workdir or tempfile.gettempdir()) / "cluster-ca.crt"
    ca.write_bytes(base64.b64decode(cluster["certificateAuthority"]["data"]))
    conf.ssl_ca_cert = str(ca)
    conf.api_key = {"BearerToken": "Bearer " + eks_token(sess, str(cluster["name"]))}
    return k8s.ApiClient(conf)
