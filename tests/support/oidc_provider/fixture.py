"""Start the test identity provider in a second process, once per pytest session."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "portal-console"

# Settings that switch SSO on without a provider to talk to (pages that never reach it).
OFFLINE_SSO: dict[str, object] = {
    "OIDC_ENABLED": True,
    "OIDC_PROVIDER_NAME": "Test IdP",
    "OIDC_OP_ISSUER": "http://127.0.0.1:9/o",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "http://127.0.0.1:9/o/authorize/",
    "OIDC_OP_TOKEN_ENDPOINT": "http://127.0.0.1:9/o/token/",
    "OIDC_OP_USER_ENDPOINT": "http://127.0.0.1:9/o/userinfo/",
    "OIDC_OP_JWKS_ENDPOINT": "http://127.0.0.1:9/o/jwks/",
    "OIDC_OP_END_SESSION_ENDPOINT": "http://127.0.0.1:9/o/logout/",
    "OIDC_RP_CLIENT_ID": "portal-console",
    "OIDC_RP_CLIENT_SECRET": "not-a-secret",
}


@dataclass(frozen=True)
class Provider:
    """A running provider: where it is, the console's client credentials, and its user admin."""

    origin: str
    client_id: str
    client_secret: str
    admin_token: str
    log_path: Path

    @property
    def issuer(self) -> str:
        return f"{self.origin}/o"

    def console_settings(self) -> dict[str, object]:
        """The console's OIDC_* settings for this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_PROVIDER_NAME": "Test IdP",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/.well-known/jwks.json",
            "OIDC_OP_END_SESSION_ENDPOINT": f"{self.issuer}/logout/",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_ROLE_MAP": {"support-agents": "Support agent", "support-managers": "Support manager"},
            # What settings.py derives when OIDC_ENABLED is read at start-up.
            "SESSION_COOKIE_SAMESITE": "Lax",
        }

    def put_user(self, username: str, password: str, **fields: Any) -> str:
        """Create or change a provider user (groups, email, is_active, email_verified, recreate); its sub."""
        response = requests.post(
            f"{self.origin}/_test/users",
            json={"username": username, "password": password, **fields},
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["sub"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_provider(console_origins: list[str]) -> Iterator[Provider]:
    """Run the provider until the generator is closed; the console may live at any of the origins."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    provider = Provider(
        origin=f"http://127.0.0.1:{port}",
        client_id=CLIENT_ID,
        client_secret=secrets.token_urlsafe(32),
        admin_token=secrets.token_urlsafe(32),
        log_path=workdir / "provider.log",
    )
    env = {
        **os.environ,
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "OIDC_PROVIDER_ADMIN_TOKEN": provider.admin_token,
        "OIDC_PROVIDER_SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "tests.support.oidc_provider"]
    command += ["--client-id", provider.client_id, "--client-secret", provider.client_secret]
    for origin in console_origins:
        command += ["--redirect-uri", f"{origin}/oidc/callback/"]
        command += ["--post-logout-redirect-uri", f"{origin}/accounts/login/"]
    with provider.log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(provider, process)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(provider: Provider, process: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + 90  # migrate + a fresh RSA key, on a shared 2-CPU machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_tail = provider.log_path.read_text()[-2000:]
            raise RuntimeError(f"the identity provider exited; {provider.log_path}:\n{log_tail}")
        try:
            requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    log_tail = provider.log_path.read_text()[-2000:]
    raise RuntimeError(f"the identity provider did not start; {provider.log_path}:\n{log_tail}")
