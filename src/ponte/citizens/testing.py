"""The test federation on loopback for the tests of `ponte.citizens` (pytest fixtures).

`federation` starts, once per test session, the spid-cie-oidc package's own trust anchor with a SPID
provider, and a CIE provider under that anchor (tests/federation, a small Django project configured
like the package's examples/federation_authority), as two processes on 127.0.0.1, with Ponte's
relying party of the test city registered as a descendant of the trust anchor. Its keys are made for the session;
`spid_city` gives them to the city's relying party after `manage.py identity_setup`.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

FEDERATION_DIR = Path(__file__).parent / "tests" / "federation"
TEST_CITY_SLUG = "testopoli"  # the `city` fixture's
TEST_IDENTITY = {
    "username": "rossi",
    "password": "password-di-prova-1",
    "given_name": "Antonio",
    "family_name": "Rossi",
    "email": "antonio.rossi@example.org",
    "fiscal_number": "RSSNTN80A01H501U",
}


def site_url(live_server) -> str:
    """The live server by IP address: the federation's schemas (pydantic's HttpUrl) refuse a host
    without a top-level domain such as `localhost`, as a real federation would."""
    return live_server.url.replace("://localhost:", "://127.0.0.1:")


@dataclass
class Federation:
    base: str  # the trust anchor's entity id
    provider: str  # the SPID provider's entity id
    cie_provider: str  # the CIE provider's entity id
    rp_keys: dict  # {"fed": [...], "core": [...]} private JWKs of the test city's relying party
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(args, env, log):
    with open(log, "a", encoding="utf-8") as out:
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args], cwd=FEDERATION_DIR, env=env, check=True, stdout=out, stderr=out
        )


def _start(env, port, log):
    """runserver (threaded: the provider fetches its own trust anchor over HTTP) until it answers."""
    base = env["FEDERATION_BASE"]
    with open(log, "a", encoding="utf-8") as out:
        server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=FEDERATION_DIR,
            env=env,
            stdout=out,
            stderr=out,
        )
    deadline = time.monotonic() + 30
    ready = f"{base}/oidc/op/.well-known/openid-federation"
    while True:  # until the provider answers (or the process died)
        try:
            with urllib.request.urlopen(ready, timeout=2) as answer:  # noqa: S310 - http on loopback
                if answer.status == 200:
                    return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the test federation did not start: see {log}") from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def federation(live_server, tmp_path_factory):
    from ponte.browsing import ARTEFACTS
    from ponte.citizens.management.commands.identity_setup import new_key, public

    folder = tmp_path_factory.mktemp("federation")
    ARTEFACTS.parent.mkdir(parents=True, exist_ok=True)
    log = ARTEFACTS.parent / "federation.log"  # kept after the run, for a failure's reasons
    log.write_text("")
    anchor_port, cie_port = _free_port(), _free_port()
    base, cie_base = f"http://127.0.0.1:{anchor_port}", f"http://127.0.0.1:{cie_port}"
    common = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    common["DJANGO_SETTINGS_MODULE"] = "fedsite.settings"
    anchor_env = common | {"FEDERATION_BASE": base, "FEDERATION_DB": str(folder / "anchor.sqlite3")}
    cie_env = common | {
        "FEDERATION_BASE": cie_base,
        "FEDERATION_DB": str(folder / "cie.sqlite3"),
        "FEDERATION_ROLE": "cie",
        "FEDERATION_TRUST_ANCHOR": base,
    }
    # The CIE provider first (its keys), then the anchor that registers it and Ponte's city.
    _run(["migrate", "--verbosity", "0"], cie_env, log)
    _run(["federation_setup", "--public-out", str(folder / "cie.json")], cie_env, log)
    rp_keys = {"fed": [new_key("sig")], "core": [new_key("sig"), new_key("enc")]}
    rp_sub = f"{site_url(live_server)}/{TEST_CITY_SLUG}/identita"
    descendants = [{"sub": rp_sub, "jwks": public(rp_keys["fed"]), "name": "Testopoli"}]
    descendants.append(json.loads((folder / "cie.json").read_text()))
    (folder / "descendants.json").write_text(json.dumps(descendants))
    _run(["migrate", "--verbosity", "0"], anchor_env, log)
    _run(["federation_setup", "--descendants", str(folder / "descendants.json")], anchor_env, log)
    servers = [_start(anchor_env, anchor_port, log)]
    try:
        servers.append(_start(cie_env, cie_port, log))
        yield Federation(
            base=base, provider=f"{base}/oidc/op", cie_provider=f"{cie_base}/oidc/op", rp_keys=rp_keys, log=log
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def spid_city(city, live_server, federation):
    """The test city offering SPID and CIE sign-in through the test federation."""
    from ponte.citizens.models import IdentitySettings

    assert city.slug == TEST_CITY_SLUG
    call_command(
        "identity_setup",
        city=city.slug,
        trust_anchor=federation.base,
        spid=True,
        spid_provider=[f"{federation.provider}=Gestore SPID di prova"],
        cie=True,
        cie_provider=[f"{federation.cie_provider}=Carta d'identità elettronica"],
        base=site_url(live_server),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    settings_row = IdentitySettings.objects.select_related("entity").get(city=city)
    entity = settings_row.entity
    entity.jwks_fed, entity.jwks_core = federation.rp_keys["fed"], federation.rp_keys["core"]
    metadata = entity.metadata
    metadata["openid_relying_party"]["jwks"] = {"keys": public_core(federation.rp_keys["core"])}
    entity.metadata = metadata
    entity.save()
    return city


def public_core(keys):
    from ponte.citizens.management.commands.identity_setup import public

    return public(keys)
