"""A throw-away Kubernetes control plane: etcd, kube-apiserver and the aggregation controller.

Binaries come from ``$KUBEBUILDER_ASSETS`` (the envtest convention: ``setup-envtest`` downloads
the same layout, and ``../shared/tools/kube-apiserver/setup.sh`` builds it here). Everything
listens on 127.0.0.1 on free ports, lives in one temporary directory and is stopped by
``ControlPlane.stop``. Flags follow the kube-apiserver README beside setup.sh and the
``kube-apiserver`` / ``kube-controller-manager`` command-line references of the version run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager")
ADMIN_USER = "e2e-admin"
READY_TIMEOUT_S = 120.0


class AssetsMissing(RuntimeError):
    """KUBEBUILDER_ASSETS is unset or lacks a binary: ``make e2e`` must fail, never skip."""


def assets_dir() -> Path:
    raw = os.environ.get("KUBEBUILDER_ASSETS", "")
    if not raw:
        raise AssetsMissing(
            "KUBEBUILDER_ASSETS is not set: point it at a directory holding etcd, kube-apiserver and "
            "kube-controller-manager (bash ../shared/tools/kube-apiserver/setup.sh, or setup-envtest)"
        )
    root = Path(raw)
    missing = [b for b in BINARIES if not os.access(root / b, os.X_OK)]
    if missing:
        raise AssetsMissing(f"KUBEBUILDER_ASSETS={root} lacks executable {', '.join(missing)}")
    return root


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ControlPlane:
    """Handles of the running processes and how to reach the API server as the admin."""

    workdir: Path
    url: str
    token: str
    ca_file: Path
    etcd_url: str = ""
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def stop(self) -> None:
        for _name, proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in reversed(self.processes):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        self.processes.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _spawn(cp: ControlPlane, name: str, argv: list[str]) -> None:
    log = (cp.workdir / f"{name}.log").open("wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    cp.processes.append((name, proc))


def _service_account_key(workdir: Path) -> Path:
    key = workdir / "sa.key"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    return key


def _kubeconfig(cp: ControlPlane) -> Path:
    path = cp.workdir / "admin.kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: e2e\n  cluster:\n    server: {cp.url}\n"
        f"    certificate-authority: {cp.ca_file}\n"
        f"users:\n- name: admin\n  user:\n    token: {cp.token}\n"
        "contexts:\n- name: e2e\n  context: {cluster: e2e, user: admin}\n"
        "current-context: e2e\n",
        encoding="utf-8",
    )
    return path


def _open(cp: ControlPlane, path: str, timeout: float) -> bytes:
    ctx = ssl.create_default_context(cafile=str(cp.ca_file))
    req = urllib.request.Request(cp.url + path, headers={"Authorization": f"Bearer {cp.token}"})
    with urllib.request.urlopen(req, timeout=timeout, context=ctx) as resp:
        return bytes(resp.read())


def get_json(cp: ControlPlane, path: str) -> Any:
    """GET ``path`` as the admin; the JSON body."""
    return json.loads(_open(cp, path, timeout=10))


def _ready(cp: ControlPlane) -> bool:
    """``/readyz`` answers 200 once every post-start hook ran (rbac/bootstrap-roles among them)."""
    try:
        _open(cp, "/readyz", timeout=5)
        return True
    except (urllib.error.URLError, OSError, ssl.SSLError):  # HTTPError is a URLError
        return False


def _wait(cp: ControlPlane, what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for name, proc in cp.processes:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{cp.log_tail(name)}")
        if check():
            return
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}:\n{cp.log_tail('kube-apiserver')}")


def start() -> ControlPlane:
    """Start etcd, kube-apiserver (RBAC, token auth) and the aggregation controller; wait for all."""
    bins = assets_dir()
    workdir = Path(tempfile.mkdtemp(prefix="eks-access-e2e-"))
    token = secrets.token_hex(16)
    api_port = free_port()
    cp = ControlPlane(workdir, f"https://127.0.0.1:{api_port}", token, workdir / "certs" / "apiserver.crt")
    try:
        _start_etcd(cp, bins)
        _start_apiserver(cp, bins, api_port)
        _wait(cp, "kube-apiserver /readyz", lambda: _ready(cp))
        _start_controller_manager(cp, bins)
    except BaseException:
        cp.stop()
        raise
    return cp


def _start_etcd(cp: ControlPlane, bins: Path) -> None:
    client, peer = free_port(), free_port()
    cp.etcd_url = f"http://127.0.0.1:{client}"
    _spawn(cp, "etcd", [
        str(bins / "etcd"), "--name", "e2e", "--data-dir", str(cp.workdir / "etcd"),
        "--listen-client-urls", cp.etcd_url, "--advertise-client-urls", cp.etcd_url,
        "--listen-peer-urls", f"http://127.0.0.1:{peer}",
        "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
        "--initial-cluster", f"e2e=http://127.0.0.1:{peer}",
        "--listen-metrics-urls", f"http://127.0.0.1:{free_port()}",
    ])  # fmt: skip


def _start_apiserver(cp: ControlPlane, bins: Path, port: int) -> None:
    tokens = cp.workdir / "tokens.csv"
    # static token file format: token,user,uid,"group1,group2" (kube-apiserver --token-auth-file)
    tokens.write_text(f'{cp.token},{ADMIN_USER},{ADMIN_USER},"system:masters"\n', encoding="utf-8")
    key = _service_account_key(cp.workdir)
    _spawn(cp, "kube-apiserver", [
        str(bins / "kube-apiserver"),
        "--etcd-servers", cp.etcd_url,
        "--authorization-mode=RBAC", "--token-auth-file", str(tokens),
        "--service-account-issuer", "https://kubernetes.default.svc",
        "--service-account-key-file", str(key), "--service-account-signing-key-file", str(key),
        "--service-cluster-ip-range", "10.0.0.0/24",
        "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
        "--secure-port", str(port), "--cert-dir", str(cp.workdir / "certs"),
        *_insecure_port_off(bins),
    ])  # fmt: skip


def _insecure_port_off(bins: Path) -> list[str]:
    """Releases before 1.24 also serve an unauthenticated port (8080) unless told not to."""
    out = subprocess.run([str(bins / "kube-apiserver"), "--help"], capture_output=True, text=True)
    return ["--insecure-port=0"] if "--insecure-port" in out.stdout + out.stderr else []


def _start_controller_manager(cp: ControlPlane, bins: Path) -> None:
    kubeconfig = _kubeconfig(cp)
    _spawn(cp, "kube-controller-manager", [
        str(bins / "kube-controller-manager"), "--kubeconfig", str(kubeconfig),
        "--controllers=clusterrole-aggregation", "--leader-elect=false",
        "--secure-port=0", *_kcm_insecure_port_off(bins),
    ])  # fmt: skip


def _kcm_insecure_port_off(bins: Path) -> list[str]:
    out = subprocess.run([str(bins / "kube-controller-manager"), "--help"], capture_output=True, text=True)
    return ["--port=0"] if "\n      --port int" in out.stdout + out.stderr else []
