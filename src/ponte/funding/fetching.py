"""Live fetch of open and forthcoming topics from the EU Funding & Tenders search API.

The API is a POST with a multipart/form-data body whose parts are JSON; pages of up to 100
results. The fetched pages are saved as one JSON file in the search API's own shape, which the
`funding-tenders` importer reads: the import itself always works from a file."""

import json
import urllib.request
import uuid
from pathlib import Path

SEARCH_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
OPEN_GRANTS_QUERY = {
    "bool": {
        "must": [
            {"terms": {"type": ["1", "2", "8"]}},
            {"terms": {"status": ["31094501", "31094502"]}},
            {"term": {"programmePeriod": "2021 - 2027"}},
        ]
    }
}


def _multipart(parts: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in parts.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="blob"\r\n'
            f"Content-Type: application/json\r\n\r\n{json.dumps(value)}\r\n"
        ).encode()
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def fetch_topics(
    out: Path, *, url: str = SEARCH_URL, query=None, page_size: int = 100, max_pages: int = 200, timeout: float = 60
) -> int:
    """Fetch every page of the query into `out`; returns the number of results saved."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("The search API is reached over HTTP(S) only.")
    results = []
    body, content_type = _multipart(
        {
            "query": query or OPEN_GRANTS_QUERY,
            "languages": ["en"],
            "sort": {"field": "sortStatus", "order": "DESC"},
        }
    )
    for page in range(1, max_pages + 1):
        address = f"{url}?apiKey=SEDIA&text=***&pageSize={page_size}&pageNumber={page}"
        headers = {"Content-Type": content_type}
        request = urllib.request.Request(address, data=body, method="POST", headers=headers)  # noqa: S310 - http(s) only
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            payload = json.load(response)
        batch = payload.get("results") or []
        results += batch
        if len(batch) < page_size:
            break
    out.write_text(json.dumps({"totalResults": len(results), "results": results}), encoding="utf-8")
    return len(results)
