"""One identity per organisation: the records that imports meet (a CORDIS participant, say) are
matched to the directory's own before anything is created — by PIC, then VAT number or tax code,
then name in any case, accents and punctuation — and the directory lists the records that look
like one organisation twice, for staff to merge."""

import re
import unicodedata
from collections import defaultdict

from .importing import normalise_tax_code
from .models import Organisation

# Legal forms that the sources add or leave out ("Comune di Bologna" vs "COMUNE DI BOLOGNA SPA").
LEGAL_FORMS = re.compile(
    r"\b(spa|srl|scarl|scrl|sca|snc|sas|onlus|aps|odv|ets|gmbh|ag|bv|nv|sa|sl|ltd|plc|inc|asbl|ev)\b"
)


def name_key(name: str) -> str:
    """A name as two sources may both write it: case, accents, punctuation, spacing and a legal
    form ignored ("ALMA MATER STUDIORUM - UNIVERSITA' DI BOLOGNA" = "Alma Mater Studiorum –
    Università di Bologna")."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    text = LEGAL_FORMS.sub(" ", text)
    return "".join(text.split())


class OrganisationIndex:
    """The city's organisations by PIC, tax code and name, for the matching of one import."""

    def __init__(self, city):
        self.city = city
        self.by_pic, self.by_tax_code, self.by_name = {}, {}, {}
        for organisation in Organisation.objects.filter(city=city).order_by("pk"):
            self.add(organisation)

    def add(self, organisation):
        if organisation.pic:
            self.by_pic.setdefault(organisation.pic, organisation)
        if organisation.tax_code:
            self.by_tax_code.setdefault(organisation.tax_code, organisation)
        for name in (organisation.name, organisation.name_en):
            if key := name_key(name):
                self.by_name.setdefault(key, organisation)

    def find(self, *, pic="", tax_code="", name="") -> tuple[Organisation | None, str]:
        """The known organisation and the rule that found it ("pic", "tax code", "name"), or None."""
        pic, tax_code = str(pic or "").strip(), normalise_tax_code(tax_code)
        if pic and pic in self.by_pic:
            return self.by_pic[pic], "pic"
        if tax_code and tax_code in self.by_tax_code:
            return self.by_tax_code[tax_code], "tax code"
        if (key := name_key(name)) and key in self.by_name:
            return self.by_name[key], "name"
        return None, ""


def city_organisation(city) -> Organisation | None:
    """The directory's record of the city itself: the top-level organisation with the city's tax
    code, or named "Comune di <city>" (or the city's English name, "City of <city>")."""
    tax_code = normalise_tax_code(city.tax_code)
    candidates = Organisation.objects.filter(city=city, parent=None)
    if tax_code and (found := candidates.filter(tax_code=tax_code).first()):
        return found
    wanted = {name_key(f"Comune di {city.name}"), name_key(f"City of {city.name}")}
    return next((o for o in candidates if name_key(o.name) in wanted or name_key(o.name_en) in wanted), None)


def possible_duplicates(city, limit=50) -> list[list[Organisation]]:
    """Groups of the city's organisations that share a PIC, a tax code or a name (as `name_key`
    compares them): each very likely one organisation recorded twice, for staff to merge."""
    groups = defaultdict(set)
    organisations = {o.pk: o for o in Organisation.objects.filter(city=city).order_by("name")}
    for organisation in organisations.values():
        if organisation.pic:
            groups["pic", organisation.pic].add(organisation.pk)
        if organisation.tax_code:
            groups["tax", organisation.tax_code].add(organisation.pk)
        if key := name_key(organisation.name):
            groups["name", key].add(organisation.pk)
    found, seen = [], set()
    for members in groups.values():
        members = frozenset(members)
        if len(members) > 1 and members not in seen:
            seen.add(members)
            # The record to keep first: one written as people write names rather than in capitals
            # as an import found it, then the older.
            found.append(sorted((organisations[pk] for pk in members), key=lambda o: (o.name.isupper(), o.pk)))
    found.sort(key=lambda group: group[0].name)
    return found[:limit]
