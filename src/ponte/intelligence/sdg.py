"""SDG suggestions for a text, at goal and target level, in Italian or English.

`suggest(text)` returns the goals the text is relevant to, best first, each with a score, its two
or three most likely targets and the passages of the text that support it. This first version
compares the text's embedding with the official goal and target texts (both languages); the
fitted combiner (README "Suggestions and semantic search") replaces the scoring, not this
interface."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import embeddings

UN_TEXTS = Path(__file__).resolve().parent / "data" / "un-texts"


@dataclass(frozen=True)
class TargetScore:
    code: str  # "11.2"
    score: float


@dataclass(frozen=True)
class GoalSuggestion:
    goal: int  # 1–17
    score: float  # 0–1
    targets: list[TargetScore] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _read(name: str) -> dict[str, str]:
    with open(UN_TEXTS / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def un_texts() -> dict:
    """{"goals": {1: {"en": …, "it": …}}, "targets": {"1.1": {"en": …, "it": …}}}"""
    goals, targets = {}, {}
    for lang in ("en", "it"):
        for key, text in _read(f"{lang}_global_goals.yml").items():
            number, _kind = key.split("-", 1)
            if _kind == "title" and number.isdigit():
                goals.setdefault(int(number), {})[lang] = text
        for key, text in _read(f"{lang}_global_targets.yml").items():
            parts = key.split("-")
            if parts[-1] == "title" and len(parts) == 3:
                targets.setdefault(f"{parts[0]}.{parts[1]}", {})[lang] = text
    return {"goals": goals, "targets": targets}


@lru_cache(maxsize=1)
def _target_matrix():
    targets = un_texts()["targets"]
    codes = sorted(targets, key=lambda code: (int(code.split(".")[0]), code))
    texts = [f"{targets[code].get('en', '')}\n{targets[code].get('it', '')}" for code in codes]
    return codes, embeddings.embed_passages(texts)


def _sentences(text: str) -> list[str]:
    import re

    parts = [part.strip() for part in re.split(r"(?<=[.;:!?])\s+|\n+", text) if len(part.strip()) > 20]
    return parts or [text.strip()]


def suggest_many(
    texts: list[str], langs: list[str | None] | None = None, threshold: float = 0.84
) -> list[list[GoalSuggestion]]:
    codes, matrix = _target_matrix()
    vectors = embeddings.embed_passages(texts)
    results = []
    for text, vector in zip(texts, vectors, strict=True):
        scores = matrix @ vector
        by_goal: dict[int, list[TargetScore]] = {}
        for code, score in sorted(zip(codes, scores, strict=True), key=lambda pair: -pair[1]):
            by_goal.setdefault(int(code.split(".")[0]), []).append(TargetScore(code, float(score)))
        goals = sorted(by_goal.items(), key=lambda pair: -pair[1][0].score)
        chosen = [(goal, targets) for goal, targets in goals if targets[0].score >= threshold] or goals[:1]
        sentences = _sentences(text)
        sentence_vectors = embeddings.embed_passages(sentences)
        suggestions = []
        for goal, targets in chosen:
            best = targets[0]
            target_vector = matrix[codes.index(best.code)]
            ranked = sorted(zip(sentences, sentence_vectors @ target_vector, strict=True), key=lambda pair: -pair[1])
            suggestions.append(GoalSuggestion(goal, best.score, targets[:3], [sentence for sentence, _ in ranked[:2]]))
        results.append(suggestions)
    return results


def suggest(text: str, lang: str | None = None) -> list[GoalSuggestion]:
    return suggest_many([text], [lang])[0]
