"""The tests' OpenID Connect provider: `provider.mjs` (panva's oidc-provider, from node_modules)
in a Node process on a free loopback port, started once per test session. A test adds the
people it needs (`add`), each with a password, claims and the `amr`/`acr` the provider asserts."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID, CLIENT_SECRET = "ponte", "ponte-test-client-secret"
CALLBACK_PATH, LOGOUT_PATH = "/accesso/comune/ritorno/", "/accesso/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class IdentityProvider:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="ponte-oidc-"))
        self.accounts_file = self.folder / "accounts.json"
        self.accounts_file.write_text("{}")
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        node = shutil.which("node")
        assert node, "Node.js is missing: the single sign-on tests run oidc-provider (npm) with it"
        environment = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "CALLBACK_PATH": CALLBACK_PATH,
            "LOGOUT_PATH": LOGOUT_PATH,
            "ACCOUNTS_FILE": str(self.accounts_file),
            "NODE_NO_WARNINGS": "1",
        }
        self.log = open(self.folder / "provider.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [node, str(HERE / "provider.mjs")],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self.process.stdout.readline()  # blocks until it listens, or it died
        if not line.startswith("listening"):
            self.stop()
            raise RuntimeError(
                f"the test identity provider did not start: {(self.folder / 'provider.log').read_text()}"
            )
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def reset(self):
        self.accounts_file.write_text("{}")

    def add(self, username, *, email, sub=None, email_verified=True, amr=("pwd",), acr=None, name="", password=None):
        """A person at the provider; returns the password to type on its page."""
        accounts = json.loads(self.accounts_file.read_text())
        claims = {"sub": sub or f"sub-{username}", "email": email, "name": name}
        if email_verified is not None:
            claims["email_verified"] = email_verified
        password = password or f"{username}-password-at-the-comune"
        accounts[username] = {"password": password, "claims": claims, "amr": list(amr), "acr": acr}
        self.accounts_file.write_text(json.dumps(accounts))
        return password

    def sign_in(self, authorize_url, username, password) -> str:
        """What a browser does at the provider: open the authorisation address, type the
        credentials on its page; returns the address it sends the browser back to (Ponte's
        callback with code and state)."""
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=10)
        page.raise_for_status()
        action = page.text.split('action="', 1)[1].split('"', 1)[0]
        response = browser.post(
            f"{self.issuer}{action}", data={"username": username, "password": password}, allow_redirects=False
        )
        while response.is_redirect:
            location = urljoin(response.url, response.headers["location"])
            if not location.startswith(self.issuer):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        return ""  # still on the provider's page (a wrong password)
