"""SDG suggestions for a text, at goal and target level, in Italian or English.

`suggest(text, lang=None)` returns the goals the text is relevant to, best first, each with a
probability, its two or three most likely targets and the passages of the text that support it.
When no goal reaches a probability of 0.5, the single best goal is returned all the same, with
`confident=False` (and its low score), so a person always has something to judge.

How a goal is scored (the decision is per pair: is this text relevant to goal k?): features of
the pair, compared with the 16 other goals of the same text —
- multilingual-e5 similarity of the text with the official goal, target and indicator texts of
  goal k, in English and in Italian (the best one and the mean of the best two), each with its
  z-score across the 17 goals, its rank and its margin over the best other goal;
- the similarity of the text with the labelled training texts relevant to goal k and with those
  not relevant to it (nearest three);
- English only: TF-IDF (stemmed) of the text against the same UN texts, and the Aurora
  Universities Network's SDG search queries (CC BY 4.0) that match the text;
- a bias per goal;
combined by a logistic regression fitted on `../shared/data/sdg/train.csv` only
(`manage.py fit_sdg_classifier`, `fitting.py`). Two fitted combiners: "en" (every feature) for
English texts, "multi" (embeddings only) for Italian or any other language. The language is the
`lang` argument, else guessed from stop words (`detect_language`).

Artefacts (data/, written by `fit_sdg_classifier`): `sdg_model.json` (coefficients, scaling,
centring vectors, labels of the training texts, cross-validation figures), `sdg_un_vectors.npy`
and `sdg_train_vectors.npy` (float16 embeddings of the UN texts and of the training texts, so
nothing but the input is embedded at run time)."""

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from . import embeddings, sdg_queries

DATA = Path(__file__).resolve().parent / "data"
UN_TEXTS = DATA / "un-texts"
MODEL_FILE = DATA / "sdg_model.json"
UN_VECTORS_FILE = DATA / "sdg_un_vectors.npy"
TRAIN_VECTORS_FILE = DATA / "sdg_train_vectors.npy"

GOALS = tuple(range(1, 18))
THRESHOLD = 0.5
CHUNK = 32  # texts embedded at once by suggest_many
NEIGHBOURS = 3
KINDS = ("goals", "targets", "indicators")
LANGS = ("en", "it")


@dataclass(frozen=True)
class TargetScore:
    code: str  # "11.2"
    score: float  # 0–1, share among the goal's targets


@dataclass(frozen=True)
class GoalSuggestion:
    goal: int  # 1–17
    score: float  # 0–1: the probability that the text is relevant to the goal
    targets: list[TargetScore] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # sentences of the text, best first
    # False when no goal reached THRESHOLD and this is only the best of them.
    confident: bool = True
    # Words of the text that matched a keyword query of the goal (English texts only).
    keywords: list[str] = field(default_factory=list)


# --- The official texts -------------------------------------------------------------------------


@dataclass(frozen=True)
class UNText:
    kind: str  # goals, targets, indicators
    lang: str  # en, it
    code: str  # "11", "11.2", "11.2.1"
    text: str

    @property
    def goal(self) -> int:
        return int(self.code.split(".")[0])


def _read(name: str) -> dict[str, str]:
    with open(UN_TEXTS / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def un_items() -> tuple[UNText, ...]:
    """Every goal, target and indicator title in English and Italian, in a fixed order (that of
    the rows of `sdg_un_vectors.npy`)."""
    items = []
    for kind in KINDS:
        for lang in LANGS:
            for key, text in _read(f"{lang}_global_{kind}.yml").items():
                parts = key.split("-")
                if parts[-1] == "title" and parts[0].isdigit() and len(parts) == KINDS.index(kind) + 2:
                    items.append(UNText(kind, lang, ".".join(parts[:-1]), " ".join(str(text).split())))
    return tuple(items)


def un_items_digest() -> str:
    return hashlib.sha256("\n".join(f"{i.kind}|{i.lang}|{i.code}|{i.text}" for i in un_items()).encode()).hexdigest()


@lru_cache(maxsize=1)
def un_texts() -> dict:
    """{"goals": {1: {"en": …, "it": …}}, "targets": {"1.1": {"en": …, "it": …}}}"""
    result = {"goals": {}, "targets": {}}
    for item in un_items():
        if item.kind == "goals":
            result["goals"].setdefault(item.goal, {})[item.lang] = item.text
        elif item.kind == "targets":
            result["targets"].setdefault(item.code, {})[item.lang] = item.text
    return result


# --- Text helpers -------------------------------------------------------------------------------

_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[\"'“(A-ZÀ-Ý0-9])|\n+")


def sentences(text: str, minimum: int = 40) -> list[str]:
    """The text's sentences (substrings of it), a piece shorter than `minimum` joined to the next."""
    pieces, start = [], 0
    for match in _SPLIT.finditer(text):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(text)))
    merged, current = [], None
    for begin, end in pieces:
        current = [begin, end] if current is None else [current[0], end]
        if len(text[current[0] : current[1]].strip()) >= minimum:
            merged.append(current)
            current = None
    if current is not None:
        if merged:
            merged[-1][1] = current[1]
        else:
            merged.append(current)
    return [text[begin:end].strip() for begin, end in merged if text[begin:end].strip()]


_STOPWORDS = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "are",
            "for",
            "with",
            "that",
            "this",
            "on",
            "by",
            "from",
            "be",
            "as",
            "it",
            "an",
            "or",
            "which",
            "their",
            "was",
            "were",
            "has",
            "have",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "di",
            "del",
            "della",
            "dei",
            "delle",
            "e",
            "è",
            "per",
            "con",
            "che",
            "un",
            "una",
            "nel",
            "nella",
            "sono",
            "dal",
            "alla",
            "al",
            "da",
            "si",
            "non",
        ]
    ),
}


def detect_language(text: str) -> str | None:
    """ "en" or "it" by their commonest words; None when neither is recognised."""
    tokens = re.findall(r"[a-zàèéìòù]+", (text or "").lower())
    counts = {lang: sum(token in words for token in tokens) for lang, words in _STOPWORDS.items()}
    best = max(counts, key=counts.get)
    if counts[best] == 0 or counts[best] == min(counts.values()):
        return None
    return best


def path_for(lang: str | None, text: str) -> str:
    """ "en" (every feature) for English, "multi" (embeddings only) for any other language."""
    lang = (lang or detect_language(text) or "").lower()[:2]
    return "en" if lang == "en" else "multi"


_ENGLISH_STOP = None


def _analyse(text: str) -> list[str]:
    """Stemmed English words, stop words left out (TF-IDF)."""
    global _ENGLISH_STOP
    if _ENGLISH_STOP is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        _ENGLISH_STOP = ENGLISH_STOP_WORDS
    words = [word for word in re.findall(r"[a-z]{2,}", text.lower()) if word not in _ENGLISH_STOP]
    stems = [_stem(word) for word in words]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


# --- Features -----------------------------------------------------------------------------------


class Resources:
    """What the features are computed against: the UN texts' vectors (centred), the training texts'
    vectors and labels (neighbours), the TF-IDF of the English UN texts."""

    def __init__(self, un_vectors, train_vectors, train_goals, train_labels, train_groups, text_mean, un_mean):
        self.items = un_items()
        self.text_mean = np.asarray(text_mean, dtype=np.float32)
        self.un_mean = np.asarray(un_mean, dtype=np.float32)
        un_vectors = np.asarray(un_vectors, dtype=np.float32)
        self.un = _normalise(un_vectors - self.un_mean)
        # Italian texts sit apart from English ones in e5's space: the mean of the training texts
        # (English) is moved by the offset between the Italian and English UN texts (the same
        # texts in the two languages) before centring an Italian text.
        italian = np.array([item.lang == "it" for item in self.items])
        self.italian_offset = un_vectors[italian].mean(axis=0) - un_vectors[~italian].mean(axis=0)
        self.train = _normalise(np.asarray(train_vectors, dtype=np.float32) - self.text_mean)
        self.train_goals = np.asarray(train_goals)
        self.train_labels = np.asarray(train_labels, dtype=bool)
        self.train_groups = np.asarray(train_groups)
        goals = np.array([item.goal for item in self.items])
        self.blocks = {}  # (kind, lang) -> (row indices, goal of each)
        for kind in KINDS:
            for lang in LANGS:
                rows = np.array([i for i, item in enumerate(self.items) if item.kind == kind and item.lang == lang])
                self.blocks[(kind, lang)] = (rows, goals[rows])

    def centre(self, vectors, italian=None) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, embeddings.DIMENSIONS) - self.text_mean
        if italian is not None:
            vectors = vectors - np.outer(np.asarray(italian, dtype=np.float32), self.italian_offset)
        return _normalise(vectors)

    def tfidf(self):
        return un_tfidf()


_tfidf_lock = threading.Lock()


@lru_cache(maxsize=1)
def un_tfidf():
    """(vectoriser, {"goal"|"targets"|"indicators": (matrix, goal of each row)}), built once per
    process from the English UN texts (deterministic, about 0.4 s with scikit-learn's import)."""
    with _tfidf_lock:
        from sklearn.feature_extraction.text import TfidfVectorizer

        english = [item for item in un_items() if item.lang == "en"]
        goal_docs = ["\n".join(item.text for item in english if item.goal == goal) for goal in GOALS]
        vectoriser = TfidfVectorizer(analyzer=_analyse, sublinear_tf=True)
        vectoriser.fit(goal_docs + [item.text for item in english])
        parts = {"goal": (vectoriser.transform(goal_docs), np.array(GOALS))}
        for kind in ("targets", "indicators"):
            chosen = [item for item in english if item.kind == kind]
            matrix = vectoriser.transform([item.text for item in chosen])
            parts[kind] = (matrix, np.array([item.goal for item in chosen]))
        return vectoriser, parts


def _per_goal(similarities: np.ndarray, goals: np.ndarray, how: str) -> np.ndarray:
    out = np.zeros((similarities.shape[0], len(GOALS)), dtype=np.float32)
    for goal in GOALS:
        block = similarities[:, goals == goal]
        if how == "max":
            out[:, goal - 1] = block.max(axis=1)
        else:  # mean of the best two
            out[:, goal - 1] = np.sort(block, axis=1)[:, -2:].mean(axis=1)
    return out


def goal_matrices(
    resources: Resources, vectors: np.ndarray, texts: list[str], english: bool, exclude_groups=None, italian=None
):
    """Per text, one value per goal for each feature family: {name: (n, 17)}. `vectors` are the
    texts' raw embeddings; `exclude_groups` (fitting only) leaves each text's own group out of its
    neighbours; `italian` flags the Italian texts (see `Resources.centre`)."""
    centred = resources.centre(vectors, italian)
    matrices = {}
    for (kind, lang), (rows, goals) in resources.blocks.items():
        similarities = centred @ resources.un[rows].T
        matrices[f"e5 {kind} {lang} max"] = _per_goal(similarities, goals, "max")
        if kind != "goals":
            matrices[f"e5 {kind} {lang} top2"] = _per_goal(similarities, goals, "top2")
    # Neighbours among the labelled training texts.
    similarities = centred @ resources.train.T
    if exclude_groups is not None:
        similarities = np.where(
            np.asarray(exclude_groups)[:, None] == resources.train_groups[None, :], -np.inf, similarities
        )
    positive, negative = (np.zeros((len(texts), len(GOALS)), dtype=np.float32) for _ in range(2))
    for goal in GOALS:
        same = resources.train_goals == goal
        for out, mask in ((positive, same & resources.train_labels), (negative, same & ~resources.train_labels)):
            block = np.sort(similarities[:, mask], axis=1)[:, -NEIGHBOURS:]
            block = np.where(np.isfinite(block), block, np.nan)
            out[:, goal - 1] = np.nan_to_num(np.nanmean(block, axis=1), nan=0.0)
    matrices["neighbours relevant"] = positive
    matrices["neighbours not relevant"] = negative
    matrices["neighbours difference"] = positive - negative
    if english:
        vectoriser, parts = resources.tfidf()
        document = vectoriser.transform(texts)
        matrices["tfidf goal"] = (document @ parts["goal"][0].T).toarray().astype(np.float32)
        for kind in ("targets", "indicators"):
            matrix, goals = parts[kind]
            matrices[f"tfidf {kind} max"] = _per_goal((document @ matrix.T).toarray(), goals, "max")
        hits = np.zeros((len(texts), len(GOALS)), dtype=np.float32)
        targets_hit = np.zeros_like(hits)
        for row, text in enumerate(texts):
            found = sdg_queries.hits(text)
            for hit in found:
                hits[row, hit.query.goal - 1] += 1
            for goal in GOALS:
                targets_hit[row, goal - 1] = len({hit.query.target for hit in found if hit.query.goal == goal})
        matrices["queries"] = hits
        matrices["queries targets"] = targets_hit
    return matrices


def _compare(matrix: np.ndarray, goal_index: np.ndarray) -> list[np.ndarray]:
    """The value for the pair's goal, its z-score and rank among the 17 goals, and its margin over
    the best other goal."""
    rows = np.arange(len(goal_index))
    value = matrix[rows, goal_index]
    others = matrix.copy()
    others[rows, goal_index] = -np.inf
    return [
        value,
        (value - matrix.mean(axis=1)) / (matrix.std(axis=1) + 1e-6),
        (matrix > value[:, None]).sum(axis=1).astype(np.float32),
        value - others.max(axis=1),
    ]


def pair_features(matrices: dict, text_index: np.ndarray, goal_index: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """One row per (text, goal) pair: the features the combiner reads, and their names."""
    columns, names = [], []
    for name, matrix in matrices.items():
        rows = matrix[text_index]
        if name in ("neighbours not relevant",):
            columns.append(rows[np.arange(len(goal_index)), goal_index])
            names.append(name)
            continue
        for suffix, column in zip(("", " z", " rank", " margin"), _compare(rows, goal_index), strict=True):
            columns.append(column)
            names.append(name + suffix)
    if "queries" in matrices:
        hits = matrices["queries"][text_index]
        own = hits[np.arange(len(goal_index)), goal_index]
        total = hits.sum(axis=1)
        columns += [(own > 0).astype(np.float32), own / (total + 1), (total > 0).astype(np.float32)]
        names += ["queries any", "queries share", "queries any goal"]
    for goal in GOALS:
        columns.append((goal_index == goal - 1).astype(np.float32))
        names.append(f"goal {goal}")
    return np.column_stack(columns).astype(np.float64), names


# --- The fitted model ---------------------------------------------------------------------------


class StaleArtefacts(RuntimeError):
    pass


@dataclass
class Combiner:
    names: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = (features - self.mean) / self.scale @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_json(cls, data: dict) -> "Combiner":
        return cls(
            data["features"],
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["coef"]),
            float(data["intercept"]),
        )


class Model:
    def __init__(self, data: dict, un_vectors: np.ndarray, train_vectors: np.ndarray):
        if data.get("un_texts_digest") != un_items_digest() or len(un_vectors) != len(un_items()):
            raise StaleArtefacts("the UN texts changed since the SDG classifier was fitted: run fit_sdg_classifier")
        train = data["train"]
        self.data = data
        self.resources = Resources(
            un_vectors,
            train_vectors,
            train["goals"],
            train["labels"],
            train["groups"],
            data["text_mean"],
            data["un_mean"],
        )
        self.combiners = {path: Combiner.from_json(value) for path, value in data["combiners"].items()}

    @classmethod
    def load(cls) -> "Model":
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        return cls(data, np.load(UN_VECTORS_FILE), np.load(TRAIN_VECTORS_FILE))

    def probabilities(self, vectors: np.ndarray, texts: list[str], path: str, italian=None) -> np.ndarray:
        """(n, 17): the probability that each text is relevant to each goal."""
        if not texts:
            return np.zeros((0, len(GOALS)))
        matrices = goal_matrices(self.resources, vectors, texts, english=path == "en", italian=italian)
        text_index = np.repeat(np.arange(len(texts)), len(GOALS))
        goal_index = np.tile(np.arange(len(GOALS)), len(texts))
        features, names = pair_features(matrices, text_index, goal_index)
        combiner = self.combiners[path]
        if names != combiner.names:
            raise StaleArtefacts("the SDG features changed since the classifier was fitted: run fit_sdg_classifier")
        return combiner.probability(features).reshape(len(texts), len(GOALS))


_model = None
_model_lock = threading.Lock()


def model() -> Model:
    """The fitted classifier, loaded on first use (about 5 MB; the embedding model is loaded apart,
    on the first text to embed)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = Model.load()
    return _model


# --- Suggestions --------------------------------------------------------------------------------


def _target_scores(model_: Model, centred: np.ndarray, goal: int, hit_targets: set[str]) -> list[TargetScore]:
    resources = model_.resources
    scores: dict[str, float] = {}
    for lang in LANGS:
        rows, goals = resources.blocks[("targets", lang)]
        chosen = rows[goals == goal]
        for row, similarity in zip(chosen, resources.un[chosen] @ centred, strict=True):
            code = resources.items[row].code
            scores[code] = scores.get(code, 0.0) + float(similarity) / len(LANGS)
    for code in hit_targets:
        if code in scores:
            scores[code] += 0.05
    codes = sorted(scores, key=lambda code: (-scores[code], code))
    weights = np.exp((np.array([scores[code] for code in codes]) - scores[codes[0]]) / 0.03)
    weights /= weights.sum()
    count = 3 if len(codes) > 2 and weights[2] >= 0.5 * weights[1] else 2
    return [TargetScore(code, round(float(weights[i]), 4)) for i, code in enumerate(codes[:count])]


# Notes the data set's editors add to a description ("Data di riferimento non indicata dal
# Piano.", "…; data di riferimento non indicata dal Piano."): about the record, not the action,
# so never quoted as evidence.
_EDITORIAL = re.compile(
    r"\b(non indicat[aoei]|indicat[aoei] dal Piano|secondo il Piano|il valore è un minimo|mese non indicato)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"(?<=[;:])\s+")
LONG_SENTENCE = 160  # characters: longer sentences are split into their clauses (at ; and :)
MAX_CANDIDATES = 12  # passages of one text compared with the goals


def is_editorial(passage: str) -> bool:
    return bool(_EDITORIAL.search(passage))


def candidates(text: str) -> list[str]:
    """The passages evidence is chosen from: the text's sentences, a long one split into its
    clauses, editorial notes left out; substrings of the text, each once."""
    found = []
    for sentence in sentences(text):
        pieces = [sentence]
        if len(sentence) > LONG_SENTENCE:
            pieces = [piece for piece in _CLAUSE.split(sentence) if piece.strip()]
            merged = []
            for piece in pieces:  # a short clause stays with the one before it
                if merged and len(piece) < 40:
                    start = sentence.find(merged[-1])
                    merged[-1] = sentence[start : sentence.find(piece, start + len(merged[-1])) + len(piece)]
                else:
                    merged.append(piece)
            pieces = merged
        for piece in pieces:
            piece = piece.strip()
            if piece and not is_editorial(piece) and piece not in found:
                found.append(piece)
    if not found and text.strip() and not is_editorial(text):
        found = [text.strip()]
    return found[:MAX_CANDIDATES]


def _passage_goal_scores(model_, vectors: np.ndarray, targets_by_goal: dict[int, list[str]]) -> np.ndarray:
    """(passages, 17): each passage's similarity with each goal (its title and its best targets
    for the goals suggested, its title and every target for the others)."""
    resources = model_.resources
    out = np.full((len(vectors), len(GOALS)), -1.0)
    for lang in LANGS:
        for kind in ("goals", "targets"):
            rows, goals = resources.blocks[(kind, lang)]
            for goal in GOALS:
                chosen = rows[goals == goal]
                if kind == "targets" and targets_by_goal.get(goal):
                    chosen = np.array([r for r in chosen if resources.items[r].code in targets_by_goal[goal]])
                if len(chosen):
                    similarity = (vectors @ resources.un[chosen].T).max(axis=1)
                    out[:, goal - 1] = np.maximum(out[:, goal - 1], similarity)
    return out


def _evidence_for_goals(model_, text, goals, targets_by_goal, passages, vectors, hit_spans) -> dict[int, list[str]]:
    """The passages of the text closest to each goal's best targets, measured against the other
    goals (a passage about everything supports nothing in particular): the best one, and a
    second when nearly as good. When every goal would quote the same passage and the text has
    others, each goal but the one it fits best quotes its own next best."""
    if not passages:
        return {goal: [] for goal in goals}
    if len(passages) == 1:
        return {goal: list(passages) for goal in goals}
    scores = _passage_goal_scores(model_, vectors, targets_by_goal)
    specific = scores - scores.mean(axis=1, keepdims=True)
    for index, passage in enumerate(passages):
        start = text.find(passage)
        for goal, spans in hit_spans.items():
            if any(start <= begin and end <= start + len(passage) for begin, end in spans):
                specific[index, goal - 1] += 0.05
    orders = {goal: sorted(range(len(passages)), key=lambda i, g=goal: (-specific[i, g - 1], i)) for goal in goals}
    if len(goals) > 1 and len({order[0] for order in orders.values()}) == 1:
        shared = orders[goals[0]][0]
        owner = max(goals, key=lambda g: (specific[shared, g - 1], -g))
        for goal in goals:
            if goal != owner:
                orders[goal] = orders[goal][1:]
    found = {}
    for goal, order in orders.items():
        chosen = order[:1]
        if len(order) > 1 and specific[order[1], goal - 1] >= specific[order[0], goal - 1] - 0.01:
            chosen.append(order[1])
        found[goal] = [passages[i] for i in sorted(chosen)]
    return found


def _phrases(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of matched words joined into phrases where only spaces separate them."""
    joined: list[list[int]] = []
    for begin, end in spans:
        if joined and (begin <= joined[-1][1] or not text[joined[-1][1] : begin].strip()):
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([begin, end])
    return [(begin, end) for begin, end in joined]


def suggest_many(
    texts: list[str], langs: list[str | None] | None = None, *, evidence: bool = True
) -> list[list[GoalSuggestion]]:
    """Suggestions for each text (see `suggest`); `evidence=False` skips the sentences' embeddings
    (the bulk command needs no passages)."""
    texts = [text or "" for text in texts]
    langs = list(langs) if langs is not None else [None] * len(texts)
    if len(texts) > CHUNK:
        # The embedding model's memory grows with the batch (≈ 260 MB peak at 64 texts, 550 MB
        # at 220): long lists go through in chunks.
        return [
            found
            for start in range(0, len(texts), CHUNK)
            for found in suggest_many(texts[start : start + CHUNK], langs[start : start + CHUNK], evidence=evidence)
        ]
    model_ = model()
    vectors = embeddings.embed_passages(texts)
    found_langs = [(lang or detect_language(text) or "").lower()[:2] for lang, text in zip(langs, texts, strict=True)]
    paths = ["en" if lang == "en" else "multi" for lang in found_langs]
    italian = np.array([lang == "it" for lang in found_langs])
    probabilities = np.zeros((len(texts), len(GOALS)))
    for path in sorted(set(paths)):
        chosen = [i for i, p in enumerate(paths) if p == path]
        probabilities[chosen] = model_.probabilities(
            vectors[chosen], [texts[i] for i in chosen], path, italian=italian[chosen]
        )
    sentence_lists = [candidates(text) if evidence else [] for text in texts]
    flat = [sentence for sentence_list in sentence_lists for sentence in sentence_list]
    flat_italian = [italian[i] for i, sentence_list in enumerate(sentence_lists) for _ in sentence_list]
    sentence_vectors = model_.resources.centre(embeddings.embed_passages(flat), flat_italian) if flat else None
    centred = model_.resources.centre(vectors, italian)
    results, offset = [], 0
    for index, text in enumerate(texts):
        found = sdg_queries.hits(text) if paths[index] == "en" else []
        order = sorted(GOALS, key=lambda goal: (-probabilities[index, goal - 1], goal))
        chosen = [goal for goal in order if probabilities[index, goal - 1] >= THRESHOLD] or order[:1]
        confident = probabilities[index, chosen[0] - 1] >= THRESHOLD
        own = sentence_lists[index]
        own_vectors = sentence_vectors[offset : offset + len(own)] if own else None
        offset += len(own)
        targets, keywords, spans_by_goal = {}, {}, {}
        for goal in chosen:
            goal_hits = [hit for hit in found if hit.query.goal == goal]
            spans = sorted({span for hit in goal_hits for span in hit.spans})
            spans_by_goal[goal] = spans
            keywords[goal] = list(dict.fromkeys(text[begin:end] for begin, end in _phrases(text, spans)))[:6]
            targets[goal] = _target_scores(model_, centred[index], goal, {hit.query.target for hit in goal_hits})
        passages = (
            _evidence_for_goals(
                model_, text, chosen, {g: [t.code for t in targets[g]] for g in chosen}, own, own_vectors, spans_by_goal
            )
            if evidence
            else {}
        )
        suggestions = [
            GoalSuggestion(
                goal=goal,
                score=round(float(probabilities[index, goal - 1]), 4),
                targets=targets[goal],
                evidence=passages.get(goal, []),
                confident=bool(confident),
                keywords=keywords[goal],
            )
            for goal in chosen
        ]
        results.append(suggestions)
    return results


def suggest(text: str, lang: str | None = None) -> list[GoalSuggestion]:
    """The goals `text` is relevant to, best first (probability ≥ 0.5), each with its two or three
    most likely targets and the sentences that support it; when none reaches 0.5, the best goal
    alone with `confident=False`. `lang` ("it", "en", …) picks the path; None guesses it."""
    return suggest_many([text], [lang])[0]
