"""The news desk's XLSX export answers with the file even when a news item holds a control
character pasted with its text (it was a 500 for the whole list: openpyxl refuses the
character; issue 14)."""

import io

from openpyxl import load_workbook

from ponte.portal.models import News


def test_the_news_export_holds_a_title_with_a_pasted_control_character(client, users, city):
    News.objects.create(city=city, title="Bologna\x0b capitale dei giovani", slug="giovani", summary="Sì\x01", body="x")
    client.force_login(users["viewer"])
    response = client.get(f"/{city.slug}/gestione/notizie/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1:4] == ("Bologna capitale dei giovani", "Bozza", "Sì")
