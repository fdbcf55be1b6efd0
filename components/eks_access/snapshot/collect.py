"""Collecting a snapshot, read-only: IAM and EKS through boto3, Kubernetes through the official client.

Every call is a read (the list is :data:`CALLS`, and docs/snapshot-policy.json grants exactly
those). Lists are paginated; botocore's ``standard`` retry mode retries throttling with
backoff (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). A call
refused for lack of permission (``AccessDenied*`` / HTTP 403) is recorded in ``denied`` and the
rest goes on. Secrets are never read: the Kubernetes calls are the RBAC lists, ServiceAccounts,
Namespaces, the one ConfigMap ``kube-system/aws-auth``, the server version and discovery.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from functools import partial
from typing import Any

from eks_access.model.from_snapshot import FORMAT, VERSION

#: (IAM action the call needs, the boto3/Kubernetes call): the collector's whole surface.
CALLS = (
    ("sts:GetCallerIdentity", "sts.get_caller_identity"),
    ("iam:GetAccountAuthorizationDetails", "iam.get_account_authorization_details"),
    ("iam:ListOpenIDConnectProviders", "iam.list_open_id_connect_providers"),
    ("eks:DescribeCluster", "eks.describe_cluster"),
    ("eks:ListAccessEntries", "eks.list_access_entries"),
    ("eks:DescribeAccessEntry", "eks.describe_access_entry"),
    ("eks:ListAssociatedAccessPolicies", "eks.list_associated_access_policies"),
    ("eks:ListPodIdentityAssociations", "eks.list_pod_identity_associations"),
    ("eks:DescribePodIdentityAssociation", "eks.describe_pod_identity_association"),
    ("eks:ListAddons", "eks.list_addons"),
    ("eks:DescribeAddon", "eks.describe_addon"),
    ("eks:ListCapabilities", "eks.list_capabilities"),
    ("eks:DescribeCapability", "eks.describe_capability"),
)
RETRIES = {"mode": "standard", "max_attempts": 10}
_IAM_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
#: (snapshot key, API path, operation named in denied notes); never secrets.
K8S_LISTS = (
    ("namespaces", "/api/v1/namespaces", "list Namespaces"),
    ("clusterRoles", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "list ClusterRoles"),
    ("clusterRoleBindings", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "list ClusterRoleBindings"),
    ("roles", "/apis/rbac.authorization.k8s.io/v1/roles", "list Roles"),
    ("roleBindings", "/apis/rbac.authorization.k8s.io/v1/rolebindings", "list RoleBindings"),
    ("serviceAccounts", "/api/v1/serviceaccounts", "list ServiceAccounts"),
)
AWS_AUTH_PATH = "/api/v1/namespaces/kube-system/configmaps/aws-auth"
PAGE = 500
WORKERS = 8  # concurrent EKS calls per entry / association: bounded, well under EKS's request rates

Progress = Callable[[str], None]


class Denied:
    """The refused calls, in the order they were made, and how many calls were made of each API
    (every page counts once; botocore's retries of one call do not)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.made: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, client: Any) -> Any:
        """Count every call ``client`` (a boto3 client) sends; returns the client."""
        def hook(model: Any, **_: Any) -> None:
            with self._lock:  # calls may run in worker threads
                self.made[f"{client.meta.service_model.service_name} {model.name}"] += 1

        client.meta.events.register_first("before-call.*.*", hook)
        return client

    @property
    def summary(self) -> str:
        aws = sum(n for k, n in self.made.items() if not k.startswith("kubernetes "))
        k8s = sum(n for k, n in self.made.items() if k.startswith("kubernetes "))
        return f"{aws + k8s} API calls (AWS {aws}, Kubernetes {k8s})"

    def add(self, service: str, operation: str, target: str, error: str) -> None:
        self.calls.append({"service": service, "operation": operation, "target": target, "error": error})


def _refused(err: Exception) -> str | None:
    """The error code when ``err`` is a permission refusal (botocore ClientError), else None."""
    response = getattr(err, "response", None)
    if not isinstance(response, dict):
        return None
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code if code.startswith("AccessDenied") or code == "UnauthorizedOperation" or status == 403 else None


def _aws(denied: Denied, service: str, operation: str, target: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as err:
        code = _refused(err)
        if code is None:
            raise
        denied.add(service, operation, target, code)
        return None


def collect_iam(iam: Any, denied: Denied) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {k: [] for k in _IAM_LISTS}

    def pages() -> bool:
        for page in iam.get_paginator("get_account_authorization_details").paginate():
            for key in _IAM_LISTS:
                out[key].extend(page.get(key, []))
        return True

    if _aws(denied, "iam", "GetAccountAuthorizationDetails", "", pages) is None:
        out = {k: [] for k in _IAM_LISTS}
    providers = _aws(denied, "iam", "ListOpenIDConnectProviders", "", iam.list_open_id_connect_providers)
    out["OpenIDConnectProviderList"] = providers["OpenIDConnectProviderList"] if providers else []
    return out


def collect_eks(eks: Any, cluster: str, denied: Denied, workers: int = 1) -> dict[str, Any]:
    """``workers`` > 1 makes the per-entry and per-association calls concurrently, that many at
    once (botocore clients are thread-safe; the standard retry mode absorbs throttling)."""
    described = _aws(denied, "eks", "DescribeCluster", cluster, lambda: eks.describe_cluster(name=cluster))
    mode = ((described or {}).get("cluster", {}).get("accessConfig") or {}).get("authenticationMode")
    # In CONFIG_MAP mode no access entry exists and the access entry API answers every call with
    # InvalidRequestException ("The cluster's authentication mode must be set to one of [API,
    # API_AND_CONFIG_MAP] to perform this operation"): not asked, the list is empty.
    arns = [] if mode == "CONFIG_MAP" else _aws(
        denied, "eks", "ListAccessEntries", cluster, partial(_pages, eks, "list_access_entries", "accessEntries", clusterName=cluster))

    def entry(arn: str, mine: Denied) -> dict[str, Any] | None:
        got = _aws(mine, "eks", "DescribeAccessEntry", arn, partial(eks.describe_access_entry, clusterName=cluster, principalArn=arn))
        if got is None:
            return None
        policies = _aws(mine, "eks", "ListAssociatedAccessPolicies", arn,
                        partial(_pages, eks, "list_associated_access_policies", "associatedAccessPolicies", clusterName=cluster, principalArn=arn))  # fmt: skip
        return {"accessEntry": got["accessEntry"], "associatedAccessPolicies": policies or []}

    def association(summary: dict[str, Any], mine: Denied) -> dict[str, Any] | None:
        ident = summary["associationId"]
        got = _aws(mine, "eks", "DescribePodIdentityAssociation", ident,
                   partial(eks.describe_pod_identity_association, clusterName=cluster, associationId=ident))  # fmt: skip
        return got["association"] if got is not None else None

    entries = _each(arns or [], entry, denied, workers)
    summaries = _aws(denied, "eks", "ListPodIdentityAssociations", cluster,
                     partial(_pages, eks, "list_pod_identity_associations", "associations", clusterName=cluster))
    pods = _each(summaries or [], association, denied, workers)
    return {"cluster": described["cluster"] if described else None, "accessEntries": entries, "podIdentityAssociations": pods,
            "addons": collect_addons(eks, cluster, denied, workers),
            "capabilities": collect_capabilities(eks, cluster, denied, workers)}  # fmt: skip


def collect_addons(eks: Any, cluster: str, denied: Denied, workers: int = 1) -> list[Any]:
    """ListAddons (paginated) then DescribeAddon per add-on: its version, IRSA role and Pod Identity
    associations (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddon.html)."""
    names = _aws(denied, "eks", "ListAddons", cluster, partial(_pages, eks, "list_addons", "addons", clusterName=cluster))

    def addon(name: str, mine: Denied) -> dict[str, Any] | None:
        got = _aws(mine, "eks", "DescribeAddon", f"{cluster}/{name}", partial(eks.describe_addon, clusterName=cluster, addonName=name))
        return got["addon"] if got is not None else None

    return _each(names or [], addon, denied, workers)


def collect_capabilities(eks: Any, cluster: str, denied: Denied, workers: int = 1) -> list[Any]:
    """ListCapabilities (paginated) then DescribeCapability per capability: only the description
    names the capability's IAM role (``roleArn``), the principal of the access entry EKS creates
    for it (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCapability.html)."""
    found = _aws(denied, "eks", "ListCapabilities", cluster, partial(_pages, eks, "list_capabilities", "capabilities", clusterName=cluster))

    def capability(summary: dict[str, Any], mine: Denied) -> dict[str, Any] | None:
        name = summary["capabilityName"]
        got = _aws(mine, "eks", "DescribeCapability", f"{cluster}/{name}",
                   partial(eks.describe_capability, clusterName=cluster, capabilityName=name))  # fmt: skip
        return got["capability"] if got is not None else None

    return _each(found or [], capability, denied, workers)


def _each(items: list[Any], task: Callable[[Any, Denied], Any], denied: Denied, workers: int) -> list[Any]:
    """``task`` on every item, at most ``workers`` at once (per-entry calls are independent);
    results and refusals in item order whatever the order calls finish in."""
    def run(one: Any) -> tuple[Any, Denied]:
        mine = Denied()
        return task(one, mine), mine

    if workers <= 1 or len(items) <= 1:
        done = [run(one) for one in items]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(run, items))
    out = []
    for result, mine in done:
        denied.calls += mine.calls
        if result is not None:
            out.append(result)
    return out


def _pages(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    return [item for page in client.get_paginator(operation).paginate(**params) for item in page[key]]


def collect_kubernetes(api: Any, denied: Denied) -> dict[str, Any]:
    """``api`` is a ``kubernetes.client.ApiClient``; responses are kept as the server's JSON."""
    out: dict[str, Any] = {"serverVersion": _get(api, "/version", "get version", denied)}
    for key, path, operation in K8S_LISTS:
        items = _list(api, path, operation, denied)
        out[key] = items if items is not None else []
    out["awsAuth"] = _get(api, AWS_AUTH_PATH, "get ConfigMap kube-system/aws-auth", denied, missing_ok=True)
    out["discovery"] = collect_discovery(api, denied)
    return out


def collect_discovery(api: Any, denied: Denied) -> dict[str, Any] | None:
    """The resources the server serves, as ``kubectl api-resources`` reads them: ``/api``, ``/apis``,
    then each group version's APIResourceList, reduced by the one discovery reader
    (``kubedata.resources``). A group version the server cannot answer (an aggregated API whose
    backend is down answers 503, as ``kubectl api-resources`` reports) is listed as unavailable."""
    from kubernetes.client.exceptions import ApiException

    from eks_access.kubedata.resources import api_resource_list, preferred_group_versions

    core, groups = _get(api, "/api", "get /api", denied), _get(api, "/apis", "get /apis", denied)
    if core is None or groups is None:
        return None
    lists: dict[tuple[str, str], list[Any]] = {}
    unavailable: list[str] = []
    order = preferred_group_versions(core, groups)
    for group, version in order:
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        try:
            lists[(group, version)] = (_get(api, path, f"get {path}", denied) or {}).get("resources") or []
        except ApiException as err:
            if err.status not in (404, 503):
                raise
            unavailable.append(f"{group}/{version}" if group else version)
    return {"resources": api_resource_list(order, lambda g, v: lists.get((g, v), [])), "unavailable": unavailable}


def _list(api: Any, path: str, operation: str, denied: Denied) -> list[Any] | None:
    items: list[Any] = []
    token = ""
    while True:
        query = [("limit", PAGE)] + ([("continue", token)] if token else [])
        page = _get(api, path, operation, denied, query=query)
        if page is None:
            return None
        items.extend(page.get("items") or [])
        token = (page.get("metadata") or {}).get("continue") or ""
        if not token:
            return items


def _get(api: Any, path: str, operation: str, denied: Denied, *, query: list[tuple[str, Any]] | None = None,
         missing_ok: bool = False) -> Any:  # fmt: skip
    from kubernetes.client.exceptions import ApiException

    denied.made[f"kubernetes {operation}"] += 1
    try:
        response = api.call_api(path, "GET", query_params=query or [], header_params={"Accept": "application/json"},
                                auth_settings=["BearerToken"], _preload_content=False, _return_http_data_only=True)  # fmt: skip
    except ApiException as err:
        if err.status in (401, 403):
            denied.add("kubernetes", operation, "", f"HTTP {err.status}")
            return None
        if err.status == 404 and missing_ok:
            return None
        raise
    return json.loads(response.data)


def snapshot_document(cluster: str, region: str | None, identity: dict[str, Any], iam: dict[str, Any],
                      eks: dict[str, Any], k8s: dict[str, Any], denied: Denied) -> dict[str, Any]:  # fmt: skip
    arn = str(identity["Arn"])
    return {
        "format": FORMAT, "version": VERSION, "collectedAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "account": str(identity["Account"]), "caller": arn, "partition": arn.split(":")[1], "region": region, "cluster": cluster,
        "iam": iam, "eks": eks, "kubernetes": k8s, "denied": denied.calls,
    }  # fmt: skip

