"""The Bologna data set carries the plan's funds, their figures and chapters."""

import io
from pathlib import Path

from django.core.management import call_command

from ponte.funding.models import Programme

BOLOGNA = Path(__file__).resolve().parents[4] / "data" / "bologna"


def test_programmes_of_the_plan_with_their_stated_totals(db):
    call_command("load_plan", str(BOLOGNA), stdout=io.StringIO())
    programmes = {p.slug: p for p in Programme.objects.select_related("parent", "stated_total")}
    assert {p.kind for p in programmes.values()} == {"direct", "indirect", "other"}
    for slug in ("horizon", "amif", "life", "europe4citizens", "erasmus", "cerv"):
        assert programmes[slug].parent.slug == "diretti" and programmes[slug].kind == "direct"
    assert programmes["pnrr"].stated_total.baseline_value == 660000000
    assert programmes["pon-metro"].stated_total.baseline_value == 118000000
    assert programmes["pn-metro-plus"].stated_total.baseline_value == 149000000
    assert programmes["diretti"].stated_total.baseline_value == 5000000
    assert {"bei", "unesco", "c40", "ifab"} <= {p.slug for p in programmes["altri"].children.all()}
    assert programmes["pnrr"].source.startswith("Azioni › Bologna e i fondi")
    assert "2.2.1" in programmes["pnrr"].actions.values_list("code", flat=True)
