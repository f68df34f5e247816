"""Run the console as production does and drive it as an agent's browser would.

Shared by bench/overhead.py, bench/load.py and tests/production: a production-shaped environment
(DEBUG off, secrets set, PostgreSQL or SQLite, Redis, plain HTTP on loopback), the Paddle emulator
as its own process (`manage.py paddle_emulator`), gunicorn with gunicorn.conf.py, and `Agent`,
a requests.Session that signs in through the login form and walks search, customer, confirm,
create.
"""

import html
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
API_KEY = "pdl_sdbx_apikey_01bench00000000000000000000_BenchBenchBenchBenchBe_Bch"
PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="confirmation_token" value="([^"]+)"')
PORTAL_LINK_RE = re.compile(r'href="(https?://[^"]*/portal/[^"]*)"')
EMAIL_ON_FILE_RE = re.compile(r'<span id="email-on-file">([^<]*)</span>')
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_url(settings_dict: dict[str, object]) -> str:
    """A DATABASE_URL for a Django connection's settings (e.g. pytest-django's test database)."""
    password = str(settings_dict.get("PASSWORD") or "")
    credentials = quote(str(settings_dict["USER"]), safe="") + (
        ":" + quote(password, safe="") if password else ""
    )
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(str(settings_dict['NAME']), safe='')}"


def production_base_env() -> dict[str, str]:
    """Only what a production process gets: DEBUG off and fresh secrets (nothing of this process's env)."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "portal_admin.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": "https://console.example.com",
    }


def app_env(
    *, database_url: str, cache_url: str, paddle_url: str, static_root: Path | None = None, **overrides: str
) -> dict[str, str]:
    """What every process of one deployment gets: the same secrets, DEBUG off, plain HTTP on loopback.

    With `static_root`, hashed static files from there (run collectstatic); without, from the
    source folders.
    """
    env = {
        **production_base_env(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # No TLS proxy on loopback: plain HTTP, so no redirect and no Secure-only cookies.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "PADDLE_API_KEY": API_KEY,
        "PADDLE_ENVIRONMENT": "sandbox",
        "PADDLE_API_BASE_URL": paddle_url,
    }
    if static_root is None:
        env.update(DJANGO_STATIC_MANIFEST="false", WHITENOISE_USE_FINDERS="true")
    else:
        env["DJANGO_STATIC_ROOT"] = str(static_root)
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` with `env`; the completed process (its output captured)."""
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def manage_ok(env: dict[str, str], *args: str) -> str:
    """`manage.py ARGS`, which must succeed; its standard output."""
    done = manage(env, *args)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def recreate_postgres_database(admin_url: str, name: str) -> str:
    """Drop and create database `name` through the server at `admin_url`; its DATABASE_URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return admin_url.rsplit("/", 1)[0] + "/" + name


def flush_redis(cache_url: str) -> None:
    import redis

    redis.Redis.from_url(cache_url).flushdb()


def use_django(env: dict[str, str]) -> None:
    """Set this process up as one of the deployment's (to create users and read the audit log)."""
    os.environ.update(env)
    import django

    django.setup()


@cache
def password_hash(password: str = PASSWORD) -> str:
    """`password` hashed with the production default hasher, once: one hash takes about a second."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def create_agents(usernames: Sequence[str], role: str = "Support agent") -> None:
    """Users with PASSWORD in `role`, committed (Django must be set up: `use_django`)."""
    from django.contrib.auth.models import Group, User

    users = User.objects.bulk_create([User(username=name, password=password_hash()) for name in usernames])
    Group.objects.get(name=role).user_set.add(*users)


def machine() -> str:
    """CPUs, CPU model and memory of this machine, for the record."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return f"{os.cpu_count()} CPUs ({model}), {pages / 2**30:.0f} GiB RAM"


def gunicorn_shape(env: dict[str, str]) -> str:
    """Workers x threads that gunicorn.conf.py gives a server started with `env`."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return f"{config['workers']} workers x {config['threads']} threads ({config['worker_class']})"


class Process:
    """A child process with its output in `log_path`; `url` is where it serves."""

    def __init__(self, args: Sequence[str], *, env: dict[str, str], log_path: Path, url: str) -> None:
        self.url = url
        self.log_path = log_path
        with log_path.open("w") as log:
            self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_until_answering(self, path: str) -> None:
        """Until GET `path` gets any HTTP answer; RuntimeError if the process dies or takes too long."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.popen.args!r} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                requests.get(self.url + path, timeout=5, allow_redirects=False)
            except requests.RequestException:
                time.sleep(0.1)
            else:
                return
        raise RuntimeError(f"{self.popen.args!r} did not answer within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        stop_all([self])


def stop_all(processes: Sequence[Process]) -> None:
    """Ask every process to stop, then wait for each (killed after 30 s): they wind down together."""
    for process in processes:
        if process.popen.poll() is None:
            process.popen.terminate()
    for process in processes:
        try:
            process.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()


def gunicorn(
    env: dict[str, str],
    *,
    log_path: Path,
    workers: int | None = None,
    threads: int | None = None,
    wsgi: str = "portal_admin.wsgi",
) -> Process:
    """gunicorn -c gunicorn.conf.py WSGI on a free loopback port (not yet answering: see `serving`).

    Workers and threads default to gunicorn.conf.py's (or the env's GUNICORN_* variables).
    """
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers is not None:
        env["GUNICORN_WORKERS"] = str(workers)
    if threads is not None:
        env["GUNICORN_THREADS"] = str(threads)
    args = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", wsgi]
    return Process(args, env=env, log_path=log_path, url=f"http://127.0.0.1:{port}")


def emulator(
    env: dict[str, str], *, log_path: Path, latency_ms: float = 0, rate_limit: int = 10**9
) -> Process:
    """`manage.py paddle_emulator` on a free loopback port, accepting API_KEY."""
    port = free_port()
    args = [
        *(PYTHON, "manage.py", "paddle_emulator", "--port", str(port), "--api-key", API_KEY),
        *("--latency-ms", str(latency_ms), "--rate-limit", str(rate_limit)),
    ]
    return Process(args, env=env, log_path=log_path, url=f"http://127.0.0.1:{port}")


@contextmanager
def serving(*processes: Process, path: str = "/accounts/login/") -> Iterator[tuple[Process, ...]]:
    """Wait until every process answers GET `path` (they start in parallel); stop them all on exit.

    The default path touches neither Paddle nor its budget, unlike /healthz.
    """
    try:
        for process in processes:
            process.wait_until_answering(path)
        yield processes
    finally:
        stop_all(processes)


class Agent:
    """One agent's browser: a requests.Session signed in through the login form.

    Every method takes the base URL of the process to ask, so one browser session can move
    between processes as it would behind a load balancer (cookies do not depend on the port).
    """

    def __init__(self, username: str, password: str = PASSWORD) -> None:
        self.username = username
        self.password = password
        self.http = requests.Session()
        self.http.trust_env = False
        self.email_on_file: dict[str, str] = {}  # customer id -> as its last confirm page showed it

    def sign_in(self, base_url: str) -> requests.Response:
        """Sign in (which also counts as the step-up proof); 302 on success."""
        self.http.get(f"{base_url}/accounts/login/", timeout=REQUEST_TIMEOUT)
        return self._post(
            f"{base_url}/accounts/login/", {"username": self.username, "password": self.password}
        )

    def search(self, base_url: str, query: str) -> requests.Response:
        return self.http.get(f"{base_url}/customers/", params={"q": query}, timeout=REQUEST_TIMEOUT)

    def customer(self, base_url: str, customer_id: str) -> requests.Response:
        return self.http.get(f"{base_url}/customers/{customer_id}/", timeout=REQUEST_TIMEOUT)

    def confirm(self, base_url: str, customer_id: str, subscription_ids: Sequence[str]) -> requests.Response:
        """The customer page's Continue: a POST answered by a 303 to the confirm page's GET, followed."""
        url = f"{base_url}/customers/{customer_id}/portal-session/confirm/"
        response = self._post(url, {"subscription_ids": list(subscription_ids)})
        if response.status_code == 303:
            location = response.headers["Location"]
            response = self.http.get(base_url + location, timeout=REQUEST_TIMEOUT, allow_redirects=False)
        on_file = EMAIL_ON_FILE_RE.search(response.text)
        if on_file is not None:
            self.email_on_file[customer_id] = html.unescape(on_file.group(1))
        return response

    def create(
        self,
        base_url: str,
        customer_id: str,
        subscription_ids: Sequence[str],
        *,
        token: str,
        reason: str = "TICKET-42",
        requester_email: str | None = None,
        delivery: str = "show",
    ) -> requests.Response:
        """Submit a confirm page; the requester is the email on file it showed unless one is given."""
        data = {
            "subscription_ids": list(subscription_ids),
            "reason": reason,
            "confirmation_token": token,
            "requester_email": self.email_on_file.get(customer_id, "")
            if requester_email is None
            else requester_email,
            "delivery": delivery,
        }
        return self._post(f"{base_url}/customers/{customer_id}/portal-session/", data)

    def follow(self, base_url: str, response: requests.Response) -> requests.Response:
        """The page a 303 leads to (back to the confirm page with a banner, or where an email went)."""
        assert response.status_code == 303, response.status_code
        return self.http.get(base_url + response.headers["Location"], timeout=REQUEST_TIMEOUT)

    def _post(self, url: str, data: Mapping[str, object]) -> requests.Response:
        # The CSRF cookie's value is a valid form token; login rotates it, the jar follows.
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(url, data=data, timeout=REQUEST_TIMEOUT, allow_redirects=False)


def confirmation_token(confirm_page: requests.Response) -> str:
    """The one-time token on a confirm page; RuntimeError (with the status) if there is none."""
    match = TOKEN_RE.search(confirm_page.text)
    if confirm_page.status_code != 200 or match is None:
        raise RuntimeError(f"no confirmation token: HTTP {confirm_page.status_code}")
    return match.group(1)


def portal_links(links_page: requests.Response) -> list[str]:
    return [link.replace("&amp;", "&") for link in PORTAL_LINK_RE.findall(links_page.text)]
