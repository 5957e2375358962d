"""Reading the sitemap as a crawler does: the index, then every page of every section."""

import re

LOCATION = re.compile(r"<loc>https?://[^/<]+(/[^<]*)</loc>")


def sitemap_text(client) -> str:
    """The XML of every section page the index `/sitemap.xml` lists, joined."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    return "".join(client.get(path).content.decode() for path in LOCATION.findall(index.content.decode()))
