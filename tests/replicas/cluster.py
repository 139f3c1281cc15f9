"""Several `workerbot run --webhook` processes behind the shipped nginx site, for tests and
benchmarks.

`Nginx` runs Debian's nginx as a child process (never a daemon) on 127.0.0.1 with a
self-signed certificate made for the run, a temporary prefix and free ports. Its site is
deploy/nginx-workerbot.conf itself: only the lines marked `# tests:` in it are rewritten
(addresses, ports, certificate paths), so the file a union copies is the file tested.
`Replica` is one `workerbot run --webhook` process listening on its own port; the fake Bot
API (tests/fake_telegram) posts updates to nginx, which balances them across replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-workerbot.conf"
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_SECRET = "replica-tests_secret"
_ADDRESS = re.compile(r"127\.0\.0\.1:\d+")
_LISTEN = re.compile(r"listen \S+?(?=[ ;])")
_NEW_CERTIFICATE = (
    *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
    *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
)
_CERT = re.compile(r"(ssl_certificate(?:_key)?) \S+;")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    """Debian's nginx (the test command installs it when missing)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        msg = "nginx is not installed; .ci/test installs Debian's nginx-light when it is missing"
        raise RuntimeError(msg)
    return found


def render_site(
    text: str,
    *,
    replicas: Iterable[int],
    consoles: Iterable[int],
    http_port: int,
    https_port: int,
    certificate: Path,
    key: Path,
) -> str:
    """The shipped site with the test's ports and certificate on its `# tests:` lines."""
    servers = {"replica": list(replicas), "console": list(consoles)}
    out: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        marker = line.partition("# tests: ")[2].strip()
        if marker in servers:
            if marker not in seen:  # the first line of the upstream stands for all of them
                out.extend(_ADDRESS.sub(f"127.0.0.1:{port}", line) for port in servers[marker])
        elif marker in {"http", "https"}:
            port = http_port if marker == "http" else https_port
            out.append(_LISTEN.sub(f"listen 127.0.0.1:{port}", line, count=1))
        elif marker in {"certificate", "key"}:
            path = certificate if marker == "certificate" else key
            out.append(_CERT.sub(rf"\1 {path};", line, count=1))
        else:
            out.append(line)
        if marker:
            seen.add(marker)
    missing = {"replica", "console", "http", "https", "certificate", "key"} - seen
    if missing:
        msg = f"{SITE} lost its '# tests:' markers: {sorted(missing)}"
        raise ValueError(msg)
    return "\n".join(out) + "\n"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, valid one day."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        msg = "openssl is needed to make the test certificate"
        raise RuntimeError(msg)
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, *_NEW_CERTIFICATE, "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


class Nginx:
    """nginx in the foreground with the shipped site, on 127.0.0.1."""

    def __init__(self, prefix: Path, replica_ports: Iterable[int]) -> None:
        self.prefix = prefix
        self.https_port = free_port()
        self.certificate, key = self_signed(prefix)
        site = render_site(
            SITE.read_text(),
            replicas=replica_ports,
            consoles=[free_port() for _ in replica_ports],
            http_port=free_port(),
            https_port=self.https_port,
            certificate=self.certificate,
            key=key,
        )
        (prefix / "workerbot.conf").write_text(site)
        temp = prefix / "temp"
        temp.mkdir()
        # What Debian's /etc/nginx/nginx.conf gives a site, with paths inside the prefix.
        (prefix / "nginx.conf").write_text(
            f"""worker_processes 1;
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/workerbot.conf;
}}
"""
        )
        self._process: asyncio.subprocess.Process | None = None

    @property
    def webhook_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}{WEBHOOK_PATH}"

    def client_ssl(self) -> ssl.SSLContext:
        """Trusts this run's certificate only, as Telegram trusts a real one."""
        return ssl.create_default_context(cafile=str(self.certificate))

    async def start(self) -> None:
        conf = str(self.prefix / "nginx.conf")
        base = [nginx_binary(), "-p", str(self.prefix), "-e", str(self.prefix / "error.log")]
        check = await asyncio.create_subprocess_exec(
            *base, "-t", "-c", conf, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        output, _ = await check.communicate()
        if check.returncode != 0:
            msg = f"nginx rejects the rendered site:\n{output.decode()}"
            raise RuntimeError(msg)
        self._process = await asyncio.create_subprocess_exec(
            *base, "-c", conf, "-g", "daemon off;", stdin=subprocess.DEVNULL
        )
        await _wait_listening(self.https_port, self._process)

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()


class Replica:
    """One `workerbot run --webhook` process, listening on 127.0.0.1:`port`."""

    def __init__(
        self, name: str, port: int, env: Mapping[str, str], webhook_url: str, folder: Path
    ) -> None:
        self.name = name
        self.port = port
        self._env = dict(env)
        self._webhook_url = webhook_url
        self._folder = folder
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Start the process and wait until its /healthz answers."""
        log = (self._folder / f"{self.name}.log").open("ab")
        with log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                "--webhook", self._webhook_url,
                "--listen", f"127.0.0.1:{self.port}",
                env={**os.environ, **self._env},
                cwd=self._folder,  # no stray .env is read
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        await _wait_healthy(self.port, self.process, self.log_path)

    @property
    def log_path(self) -> Path:
        return self._folder / f"{self.name}.log"

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        assert self.process is not None
        self.process.kill()

    async def terminate(self) -> int:
        """SIGTERM, as systemd stops a unit; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
        return await asyncio.wait_for(self.process.wait(), 30)

    async def reap(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
        if self.process is not None:
            await self.process.wait()


async def _wait_listening(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        if process.returncode is not None:
            msg = f"nginx exited with {process.returncode}"
            raise RuntimeError(msg)
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.05)
    msg = f"nginx did not listen on {port}"
    raise RuntimeError(msg)


async def _wait_healthy(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as client:
        for _ in range(1200):  # start-up imports the frameworks and the matcher: seconds
            if process.returncode is not None:
                msg = f"replica exited with {process.returncode}:\n{_tail(log)}"
                raise RuntimeError(msg)
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    msg = f"replica on {port} never became healthy:\n{_tail(log)}"
    raise RuntimeError(msg)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]
