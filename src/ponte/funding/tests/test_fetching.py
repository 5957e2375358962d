"""The live fetch speaks the search API's protocol (tested against a local server) and imports."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ponte.funding.models import Call

SAMPLE = json.loads((Path(__file__).parent / "fixtures" / "search_api_sample.json").read_text())


class FakeSearchApi(BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeSearchApi.requests.append((self.path, self.headers["Content-Type"], body))
        page = int(self.path.rsplit("pageNumber=", 1)[1])
        payload = {**SAMPLE, "results": SAMPLE["results"] if page == 1 else []}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSearchApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeSearchApi.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/search"
    server.shutdown()


def test_fetch_pages_then_import(api, city, tmp_path):
    out = tmp_path / "topics.json"
    call_command("fetch_calls", "--url", api, "--out", str(out), "--city", city.slug, stdout=io.StringIO())
    path, content_type, body = FakeSearchApi.requests[0]
    assert "apiKey=SEDIA" in path and "pageNumber=1" in path
    assert content_type.startswith("multipart/form-data") and b'name="query"' in body and b"31094502" in body
    assert json.loads(out.read_text())["totalResults"] == 2
    assert set(Call.objects.values_list("identifier", flat=True)) == {
        "HORIZON-EIC-2026-STEP",
        "HORIZON-MISS-2027-CIT-01-01",
    }


def test_unreachable_api_says_to_import_a_file(city, tmp_path):
    with pytest.raises(CommandError, match="import a saved file"):
        call_command(
            "fetch_calls", "--url", "http://127.0.0.1:9/search", "--out", str(tmp_path / "x.json"), "--city", city.slug
        )
