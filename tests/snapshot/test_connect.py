"""How the collector reaches the cluster without a kubeconfig: the token ``aws eks get-token``
makes (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go): a presigned STS
GetCallerIdentity URL whose signature covers the ``x-k8s-aws-id`` header naming the cluster,
base64url without padding after ``k8s-aws-v1.``; and the client built from DescribeCluster."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3

from eks_access.snapshot.connect import api_client, eks_token

SESSION = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="ap-northeast-2")


def test_the_token_is_a_presigned_get_caller_identity_bound_to_the_cluster() -> None:
    token = eks_token(SESSION, "myeks")
    assert token.startswith("k8s-aws-v1.") and "=" not in token
    url = urlsplit(base64.urlsafe_b64decode(token.removeprefix("k8s-aws-v1.") + "==").decode())
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (url.scheme, url.netloc, url.path) == ("https", "sts.ap-northeast-2.amazonaws.com", "/")
    assert (query["Action"], query["Version"], query["X-Amz-Expires"]) == ("GetCallerIdentity", "2011-06-15", "60")
    assert query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id"
    assert query["X-Amz-Credential"].startswith("AKIDEXAMPLE/") and query["X-Amz-Credential"].endswith("/ap-northeast-2/sts/aws4_request")


def test_the_client_trusts_the_cluster_ca_and_sends_the_token(tmp_path: Path) -> None:
    cluster = {"name": "myeks", "endpoint": "https://ABC.gr7.ap-northeast-2.eks.amazonaws.com",
               "certificateAuthority": {"data": base64.b64encode(b"-----BEGIN CERTIFICATE-----\n").decode()}}  # fmt: skip
    api = api_client(SESSION, cluster, None, None, str(tmp_path))
    conf = api.configuration
    assert conf.host == cluster["endpoint"]
    assert Path(conf.ssl_ca_cert).read_bytes() == b"-----BEGIN CERTIFICATE-----\n"
    assert Path(conf.ssl_ca_cert).parent == tmp_path
    assert conf.auth_settings()["BearerToken"]["value"].startswith("Bearer k8s-aws-v1.")


def test_a_kubeconfig_context_is_used_as_kubectl_would(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("""apiVersion: v1
kind: Config
clusters:
- {name: a, cluster: {server: "https://a.example"}}
- {name: b, cluster: {server: "https://b.example"}}
users:
- {name: u, user: {token: t0ken}}
contexts:
- {name: first, context: {cluster: a, user: u}}
- {name: second, context: {cluster: b, user: u}}
current-context: first
""")
    api = api_client(SESSION, None, str(kubeconfig), "second")
    assert api.configuration.host == "https://b.example"
    assert api.configuration.auth_settings()["BearerToken"]["value"] == "Bearer t0ken"
