"""FakeCloud: deterministic stand-ins for what AWS, EKS, pulumi-eks and pulumi-awsx return.

Every ARN and id derives from the account, region, partition and names, so two plans of the
same config are byte-identical and a diff shows exactly what a config change touches. In
preview mode the cloud answers as a first ``pulumi preview`` does: provider functions still
answer, but what only exists after creation (ARNs, ids, a cluster's endpoint and OIDC issuer)
is :data:`~eks_access.offline.wire.UNKNOWN`.

What EKS creates on its own when it sees a cluster or a managed node group is recorded here
too, as implicit records (:mod:`eks_access.offline.implicit`). Contracts are judged after the
program has run (:mod:`eks_access.offline.contracts`), so the first violation reported does
not depend on registration order.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from eks_access import documents as docs
from eks_access.limits import IamQuotas
from eks_access.offline import implicit
from eks_access.offline.contracts import ContractError
from eks_access.offline.wire import UNKNOWN

Record = dict[str, Any]

CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
PARTITION = "aws:index/getPartition:getPartition"
REGION = "aws:index/getRegion:getRegion"

#: The account offline plans use when the stack config names none (AWS's documentation account).
OFFLINE_ACCOUNT = "111122223333"
#: Whoever runs ``pulumi up`` is the cluster creator; offline that is this placeholder user
#: unless the stack config names the real deployer (``cluster.deployerArn``).
OFFLINE_DEPLOYER = "offline-plan-deployer"

_FAKE_CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk9GRkxJTkUtUExBTi1GQUtFLUNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
#: Outputs a first preview knows although the resource does not exist yet: its name is an
#: input or an autoname the provider's Check computes before any create.
_KNOWN_IN_PREVIEW = frozenset({"name"})


class UnknownInvokeError(ContractError):
    """A program called a provider function the offline mocks cannot answer truthfully."""

    def __init__(self, token: str) -> None:
        super().__init__(
            "",
            f"the offline plan cannot answer provider function {token!r}; an empty answer would "
            "silently turn documents into nothing (supported: getCallerIdentity, getPartition, getRegion)",
        )


@dataclass
class FakeCloud(pulumi.runtime.Mocks):
    """Pulumi mocks with the account's state: every record the program and EKS create."""

    account_id: str = OFFLINE_ACCOUNT
    region: str = "us-east-1"
    partition: str = "aws"
    deployer_arn: str | None = None
    iam_quotas: IamQuotas = field(default_factory=IamQuotas)
    preview: bool = False
    records: list[Record] = field(default_factory=list)
    #: ``type::name`` -> logical name of the explicit provider it was registered with.
    providers: dict[str, str] = field(default_factory=dict)
    _by_key: dict[tuple[str, str], Record] = field(default_factory=dict)
    _by_name: dict[str, list[Record]] = field(default_factory=dict)
    _clusters: dict[str, Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def caller_arn(self) -> str:
        """What ``aws sts get-caller-identity`` says about whoever runs ``pulumi up``."""
        return self.deployer_arn or f"arn:{self.partition}:iam::{self.account_id}:user/{OFFLINE_DEPLOYER}"

    # ------------------------------------------------------------------ provider functions

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == CALLER_IDENTITY:
            return {
                "accountId": self.account_id,
                "arn": self.caller_arn,
                "userId": _fake_id("AIDA", self.caller_arn),
                "id": self.account_id,
            }, []
        if args.token == PARTITION:
            return {"partition": self.partition, "dnsSuffix": "amazonaws.com", "id": self.partition}, []
        if args.token == REGION:
            return {"name": self.region, "region": self.region, "id": self.region}, []
        raise UnknownInvokeError(args.token)

    # ------------------------------------------------------------------ resources

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return self.register(args.typ, args.name, dict(args.inputs), bool(args.custom), None)

    def register(
        self, typ: str, name: str, inputs: dict[str, Any], custom: bool, parent: str | None, provider: str = ""
    ) -> tuple[str | None, dict[str, Any]]:
        """Record one resource and fabricate its state; the monitor passes parent and provider names."""
        record, resource_id = self._record(typ, name, inputs, custom, parent)
        with self._lock:
            self._add(record)
            if provider:
                self.providers[f"{typ}::{name}"] = provider
            for extra in implicit.caused_by(record, self):
                made, _ = self._record(extra.type, extra.name, extra.inputs, True, extra.parent)
                made["implicit"] = extra.reason
                self._add(made)
        return resource_id, {**inputs, **record["outputs"]}

    def _record(self, typ: str, name: str, inputs: dict[str, Any], custom: bool, parent: str | None) -> tuple[Record, str]:
        resource_id, computed = self._computed(typ, name, inputs)
        if self.preview:
            resource_id = ""  # ids exist only after create: the SDK resolves "" as unknown in a preview
            computed = {k: (v if k in _KNOWN_IN_PREVIEW else UNKNOWN) for k, v in computed.items()}
        record: Record = {"type": typ, "name": name, "parent": parent, "custom": custom, "inputs": inputs, "outputs": computed}
        return record, resource_id

    def _add(self, record: Record) -> None:
        key = (str(record["type"]), str(record["name"]))
        if key in self._by_key:
            # The engine refuses a second registration of one URN (pulumi pkg/resource/deploy:
            # "Duplicate resource URN"); two resources can never share a type and logical name.
            raise ContractError("", f"two resources of type {key[0]} are both named {key[1]!r}; Pulumi refuses a duplicate resource URN")
        self._by_key[key] = record
        self._by_name.setdefault(key[1], []).append(record)
        if key[0] in implicit.CLUSTER_TYPES:
            self._clusters.setdefault(str(implicit.cluster_name(record)), record)
        self.records.append(record)

    def named(self, name: str, short_type: str | None = None) -> Record | None:
        """The record a ``{"$ref": "<short type>::<name>"}`` points at."""
        for record in self._by_name.get(name, ()):
            if short_type is None or str(record["type"]).rsplit(":", 1)[-1] == short_type:
                return record
        return None

    def cluster(self, eks_name: str) -> Record | None:
        """The cluster record the program creates under that EKS name, if any."""
        return self._clusters.get(eks_name)

    # ------------------------------------------------------------------ fake state

    def _computed(self, typ: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        acct, part, region = self.account_id, self.partition, self.region
        physical = str(inputs.get("name") or name)
        if typ == "aws:iam/role:Role":
            arn = docs.role_arn(part, acct, physical, str(inputs.get("path") or "/"))
            return physical, {"arn": arn, "name": physical, "uniqueId": _fake_id("AROA", arn)}
        if typ == "aws:iam/group:Group":
            arn = f"arn:{part}:iam::{acct}:group{inputs.get('path') or '/'}{physical}"
            return physical, {"arn": arn, "name": physical, "uniqueId": _fake_id("AGPA", arn)}
        if typ == "aws:iam/policy:Policy":
            arn = f"arn:{part}:iam::{acct}:policy{inputs.get('path') or '/'}{physical}"
            return arn, {"arn": arn, "name": physical, "policyId": _fake_id("ANPA", arn)}
        if typ == "aws:iam/instanceProfile:InstanceProfile":
            arn = f"arn:{part}:iam::{acct}:instance-profile{inputs.get('path') or '/'}{physical}"
            return physical, {"arn": arn, "name": physical, "uniqueId": _fake_id("AIPA", arn)}
        if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            arn = docs.oidc_provider_arn(part, acct, str(inputs.get("url", "")))
            return arn, {"arn": arn}
        if typ in implicit.ACCESS_ENTRY_TYPES:
            return self._access_entry(name, inputs)
        if typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            assoc = f"a-{_digest(name)[:17]}"
            return assoc, {
                "associationId": assoc,
                "associationArn": f"arn:{part}:eks:{region}:{acct}:podidentityassociation/{inputs.get('clusterName')}/{assoc}",
            }
        if typ == "aws:eks/addon:Addon":
            addon = f"{inputs.get('clusterName')}:{inputs.get('addonName')}"
            return addon, {"arn": f"arn:{part}:eks:{region}:{acct}:addon/{inputs.get('clusterName')}/{inputs.get('addonName')}/{_uuidish(addon)}"}
        if typ == "eks:index:Cluster":
            return name, self._cluster_outputs(physical)
        if typ == "awsx:ec2:Vpc":
            return name, _vpc_outputs(name, inputs)
        return name, {}

    def _access_entry(self, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        cluster, principal = inputs.get("clusterName"), inputs.get("principalArn")
        outputs: dict[str, Any] = {
            "accessEntryArn": f"arn:{self.partition}:eks:{self.region}:{self.account_id}:access-entry/{cluster}/{_digest(name)[:32]}"
        }
        defaults = implicit.entry_defaults(str(inputs.get("type") or "STANDARD"), principal)
        outputs.update({k: v for k, v in defaults.items() if inputs.get(k) in (None, [])})
        return f"{cluster}:{principal}", outputs

    def _cluster_outputs(self, cluster_name: str) -> dict[str, Any]:
        oidc_id = _digest(cluster_name)[:32].upper()
        issuer = f"oidc.eks.{self.region}.amazonaws.com/id/{oidc_id}"
        endpoint = f"https://{oidc_id}.gr7.{self.region}.eks.amazonaws.com"
        kubeconfig = docs.kubeconfig(cluster_name, endpoint, _FAKE_CA, self.region, "default", user="aws")
        kubeconfig["users"][0]["user"]["exec"]["env"] = None
        return {
            "kubeconfig": kubeconfig,
            "kubeconfigJson": json.dumps(kubeconfig),
            "oidcProviderArn": docs.oidc_provider_arn(self.partition, self.account_id, issuer),
            "oidcIssuer": issuer,
            "oidcProviderUrl": issuer,
            "clusterSecurityGroupId": f"sg-{_digest(cluster_name + '/cluster')[:17]}",
            "nodeSecurityGroupId": f"sg-{_digest(cluster_name + '/nodes')[:17]}",
        }


def _vpc_outputs(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """pulumi-awsx ``ec2.Vpc`` outputs that are plain values (pulumi_awsx/ec2/vpc.py).

    Subnets are laid out per availability zone (``availabilityZoneNames``, else
    ``numberOfAvailabilityZones``, default 3) and per ``subnetSpecs`` type (default public
    and private), as awsx does; resource-valued outputs (``subnets``, ``natGateways``) cannot
    be faked as plain values and stay absent.
    """
    zones = inputs.get("availabilityZoneNames") or []
    count = len(zones) if zones else int(inputs.get("numberOfAvailabilityZones") or 3)
    specs = inputs.get("subnetSpecs") or [{"type": "Public"}, {"type": "Private"}]
    ids: dict[str, list[str]] = {"Public": [], "Private": [], "Isolated": []}
    for spec in specs:
        kind = str(spec.get("type", "")) if isinstance(spec, Mapping) else ""
        if kind in ids:
            label = str(spec.get("name") or kind.lower())
            ids[kind] += [f"subnet-{_digest(f'{name}/{label}/{i}')[:17]}" for i in range(count)]
    return {
        "vpcId": f"vpc-{_digest(name)[:17]}",
        "publicSubnetIds": ids["Public"],
        "privateSubnetIds": ids["Private"],
        "isolatedSubnetIds": ids["Isolated"],
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fake_id(prefix: str, text: str) -> str:
    return prefix + _digest(text)[:17].upper()


def _uuidish(text: str) -> str:
    d = _digest(text)
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"
