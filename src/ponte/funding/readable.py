"""Titles and summaries of imported projects as people read them: a title that is a code
("Prot num: 77763") replaced by the works the CUP summary describes, capitals written as Italian
writes them ("PARCO DI VILLA SPADA" → "Parco di Villa Spada"), acronyms and the city's name kept."""

import re

# Words kept as written when a title in capitals is brought to sentence case.
KEPT_WORDS = {
    "io": "IO",
    "pa": "PA",
    "pagopa": "PagoPA",
    "pnrr": "PNRR",
    "ue": "UE",
    "ict": "ICT",
    "ii": "II",
    **{acronym.casefold(): acronym for acronym in ("PON", "PN", "POR", "PR", "FESR", "FSE", "FSC", "FEASR", "PAC")},
}


def sentence_case(text: str, *, names=()) -> str:
    """A text in capitals as a sentence ("PRIMA LINEA TRANVIARIA DI BOLOGNA" → "Prima linea
    tranviaria di Bologna"): `names` (the city's) and a few acronyms keep their capitals."""
    proper = {word.casefold(): word for name in names for word in name.split()}

    def word(match):
        found = match.group(0).casefold()
        return proper.get(found) or KEPT_WORDS.get(found) or found

    text = re.sub(r"[^\W\d_]+", word, " ".join(text.split()).casefold())
    return text[:1].upper() + text[1:]


# Articles, prepositions and conjunctions that stay in lower case inside a name.
ITALIAN_SMALL_WORDS = (
    "a ad agli ai al alla alle allo con da dai dal dalla dalle dei del della delle dello di e ed fra gli i il in "
    "la le lo nei nel nella nelle o per su sui sul sulla sulle tra un una uno"
)
SMALL_WORDS = frozenset(ITALIAN_SMALL_WORDS.split())


def name_case(text: str, *, names=()) -> str:
    """A name or an address in capitals as Italian writes it: "PARCO DI VILLA SPADA" → "Parco
    di Villa Spada", "VIA SARAGOZZA 238" → "Via Saragozza 238"."""
    proper = {word.casefold(): word for name in names for word in name.split()}
    words = " ".join(text.split()).casefold().split(" ")
    return " ".join(
        proper.get(word)
        or KEPT_WORDS.get(word)
        or (word if position and word in SMALL_WORDS else word[:1].upper() + word[1:])
        for position, word in enumerate(words)
    )


def looks_like_code(title: str, *, noise=()) -> bool:
    """A title that names nothing ("1.2c_a944Comune di Bologna", "Prot num: 77763", "CUP
    Comune di Bologna - Bus"): fewer than two words of four letters once the implementing body's
    name is taken out."""
    for phrase in noise:
        if phrase:
            title = re.sub(re.escape(phrase), " ", title, flags=re.IGNORECASE)
    return len(re.findall(r"[^\W\d_]{4,}", title)) < 2


def readable_title(title: str, *, summary="", measure="", names=(), noise=()) -> str:
    """The title people read for a published one: the title itself when it says what the project
    is; else the works described by the CUP summary ("name*place*works", the works when they are
    described in three words or more, else the name); else the measure. Capitals become a sentence."""
    title = " ".join(title.split())
    coded = looks_like_code(title, noise=noise)
    if not coded and "*" not in title:
        return sentence_case(title, names=names) if title.isupper() else title
    source = summary if coded else title
    parts = [part.strip(" -") for part in source.split("*") if part.strip(" -")]
    if len(parts) >= 3 and len(parts[-1].split()) >= 3:
        chosen = parts[-1]
    elif parts and not (coded and len(parts) == 1):
        chosen = parts[0]
    else:
        chosen = measure or title
    return sentence_case(chosen, names=names) if chosen.isupper() else chosen


def readable_text(text: str, *, names=()) -> str:
    """A summary in capitals, in CUP style ("NAME*PLACE*WORKS"), as Italian writes it: "Scuole
    Armandi Avogli — Via Saragozza 238 — Demolizione e …" (the name and the place as names, the
    works as a sentence). Mixed-case text stays as it is."""
    text = " ".join(text.split())
    if not text.isupper():
        return text
    parts = [part.strip(" -") for part in text.split("*") if part.strip(" -")]
    if len(parts) < 3:
        return " — ".join(sentence_case(part, names=names) for part in parts)
    return " — ".join([*(name_case(part, names=names) for part in parts[:-1]), sentence_case(parts[-1], names=names)])
