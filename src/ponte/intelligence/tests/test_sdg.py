"""The SDG classifier: its shipped artefacts match the model and the UN texts, clear texts in
English and Italian get the right goal, and what it returns is well formed (evidence quoted from
the text, targets of the goal, same answer twice). A handful of short texts: ~0.1 s each."""

import json

import numpy as np
import pytest

from ponte.intelligence import embeddings, fitting, sdg, sdg_queries
from ponte.intelligence.management.commands import fit_sdg_classifier as fitting_commands

TRAM_EN = (
    "The city extends its tram network and improves public transport, with new bus lanes and safer "
    "cycle paths so that fewer people need a car to get to work."
)
TRAM_IT = (
    "Il Comune estende la rete del tram e potenzia il trasporto pubblico locale, con nuove corsie "
    "preferenziali per gli autobus e piste ciclabili sicure per ridurre l'uso dell'auto."
)
SOLAR_EN = (
    "Solar panels and heat pumps are installed on schools and public buildings. The project raises the "
    "share of renewable energy and cuts energy use through better insulation."
)
SOLAR_IT = "Installazione di pannelli solari sugli edifici pubblici per aumentare la quota di energia rinnovabile."
REFUGEES_IT = (
    "Accoglienza e integrazione dei rifugiati e dei richiedenti asilo: corsi di lingua italiana, "
    "orientamento al lavoro e sostegno ai migranti nella ricerca di una casa."
)
REFUGEES_EN = (
    "The programme welcomes refugees and asylum seekers and supports their integration: language "
    "courses, job counselling and help for migrants to find housing."
)


def test_shipped_un_vectors_are_those_of_the_current_texts():
    shipped = np.load(sdg.UN_VECTORS_FILE)
    items = sdg.un_items()
    assert shipped.dtype == np.float16 and shipped.shape == (len(items), embeddings.DIMENSIONS)
    data = json.loads(sdg.MODEL_FILE.read_text(encoding="utf-8"))
    assert data["un_texts_digest"] == sdg.un_items_digest()
    chosen = [
        next(i for i, item in enumerate(items) if (item.kind, item.lang, item.code) == key)
        for key in (("goals", "en", "11"), ("targets", "it", "7.2"))
    ]
    fresh = embeddings.embed_passages([items[i].text for i in chosen])
    np.testing.assert_allclose(shipped[chosen].astype(np.float32), fresh, atol=2e-3)


def test_shipped_training_vectors_and_labels_match_the_model():
    data = json.loads(sdg.MODEL_FILE.read_text(encoding="utf-8"))
    vectors = np.load(sdg.TRAIN_VECTORS_FILE)
    assert vectors.shape == (data["examples"], embeddings.DIMENSIONS)
    if fitting_commands.DEFAULT_TRAIN.is_file():  # the shared data set, next to the checkout
        examples = fitting.read_examples(fitting_commands.DEFAULT_TRAIN)
        assert examples.ids == data["train"]["ids"]
        assert examples.goals.tolist() == data["train"]["goals"]
        assert examples.labels.tolist() == data["train"]["labels"]
        fresh = embeddings.embed_passages([examples.texts[5]])
        np.testing.assert_allclose(vectors[[5]].astype(np.float32), fresh, atol=2e-3)
    assert len(data["train"]["goals"]) == len(data["train"]["labels"]) == data["examples"]
    for path in ("en", "multi"):
        combiner = data["combiners"][path]
        assert len(combiner["features"]) == len(combiner["coef"]) == len(combiner["mean"])
        assert data["cross_validation"][path]["accuracy"] >= 0.87


def test_a_changed_un_text_makes_the_model_refuse_to_load():
    data = json.loads(sdg.MODEL_FILE.read_text(encoding="utf-8"))
    data["un_texts_digest"] = "0" * 64
    with pytest.raises(sdg.StaleArtefacts):
        sdg.Model(data, np.load(sdg.UN_VECTORS_FILE), np.load(sdg.TRAIN_VECTORS_FILE))


def _goals(text, lang=None):
    return [suggestion.goal for suggestion in sdg.suggest(text, lang)]


def test_clear_texts_get_the_right_goal_in_english_and_italian():
    assert _goals(TRAM_EN)[0] == 11
    assert _goals(TRAM_IT)[0] == 11
    assert _goals(SOLAR_EN)[0] == 7
    assert _goals(SOLAR_IT, "it")[0] == 7
    assert {10, 16} & set(_goals(REFUGEES_IT))
    assert {10, 16} & set(_goals(REFUGEES_EN, "en"))


def test_suggestions_are_well_formed():
    for text in (SOLAR_EN, REFUGEES_IT):
        suggestions = sdg.suggest(text)
        assert suggestions
        scores = [s.score for s in suggestions]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        for suggestion in suggestions:
            assert suggestion.confident == (suggestion.score >= sdg.THRESHOLD)
            assert 2 <= len(suggestion.targets) <= 3
            assert all(t.code.split(".")[0] == str(suggestion.goal) for t in suggestion.targets)
            assert all(t.code in sdg.un_texts()["targets"] for t in suggestion.targets)
            assert suggestion.evidence and all(passage in text for passage in suggestion.evidence)
            assert all(word in text for word in suggestion.keywords)
    solar = sdg.suggest(SOLAR_EN)[0]
    assert solar.targets[0].code == "7.2"
    assert any("renewable energy" in word for word in solar.keywords)


def test_a_text_about_nothing_still_gets_its_best_goal_flagged():
    suggestions = sdg.suggest("Il verbale della riunione è stato approvato all'unanimità.")
    assert len(suggestions) == 1 and not suggestions[0].confident and suggestions[0].score < sdg.THRESHOLD


def test_same_text_same_suggestions():
    embeddings._cache.clear()
    first = sdg.suggest_many([TRAM_IT, SOLAR_EN])
    embeddings._cache.clear()
    assert sdg.suggest_many([TRAM_IT, SOLAR_EN]) == first


def test_language_is_guessed_from_common_words():
    assert sdg.detect_language(TRAM_EN) == "en"
    assert sdg.detect_language(TRAM_IT) == "it"
    assert sdg.detect_language("12345") is None
    assert sdg.path_for(None, TRAM_EN) == "en" and sdg.path_for(None, TRAM_IT) == "multi"
    assert sdg.path_for("de", TRAM_EN) == "multi"


def test_sentences_are_substrings_covering_the_text():
    text = "First sentence is long enough to stand alone. Short one. Then a third sentence, long enough too."
    parts = sdg.sentences(text)
    assert all(part in text for part in parts) and len(parts) == 2


def _matches(tree, text):
    return bool(sdg_queries._spans(tree, sdg_queries._Text([word for word, _, _ in sdg_queries.words(text)])))


def test_aurora_queries_read_scopus_syntax():
    tree = sdg_queries.parse('( "renewabl*" ) W/3 ( "energy" OR "power" ) AND NOT ( "marine" )')
    assert _matches(tree, "More renewable solar power here.")
    assert not _matches(tree, "Renewable power at sea: marine farms.")
    assert not _matches(tree, "renewable a b c d power")
    goals = {hit.query.goal for hit in sdg_queries.hits(SOLAR_EN)}
    assert 7 in goals
    assert all(hit.query.target.startswith(f"{hit.query.goal}.") for hit in sdg_queries.hits(SOLAR_EN))


def test_benchmark_scores_average_per_goal():
    figures = fitting.benchmark_scores([1, 1, 2, 2], [True, False, True, True], [True, True, True, False])
    assert figures == {"accuracy": pytest.approx(0.5), "precision": pytest.approx(0.75), "recall": 0.75}


PLAN_IT = (
    "Gemellaggio con Lipsia\n"
    "Scambi tra le scuole delle due città per l'apprendimento delle lingue e l'educazione degli studenti. "
    "Impianti fotovoltaici sui tetti degli edifici pubblici per produrre energia rinnovabile. "
    "Data di riferimento non indicata dal Piano."
)


def test_evidence_is_the_sentences_closest_to_each_goal_without_editorial_notes():
    found = sdg.suggest(PLAN_IT, "it")
    assert len(found) >= 2
    for suggestion in found:
        assert suggestion.evidence and all(passage in PLAN_IT for passage in suggestion.evidence)
        assert len(set(suggestion.evidence)) == len(suggestion.evidence) <= 2
        assert not any("non indicata dal Piano" in passage for passage in suggestion.evidence)
        assert not any(PLAN_IT.strip() == passage for passage in suggestion.evidence)
    assert len({tuple(s.evidence) for s in found}) > 1  # not the same passages for every goal
    by_goal = {s.goal: s.evidence for s in found}
    if 7 in by_goal:
        assert any("fotovoltaici" in passage for passage in by_goal[7])
    if 4 in by_goal:
        assert any("scuole" in passage for passage in by_goal[4])


def test_a_one_sentence_text_is_its_own_evidence_once():
    text = "Caffè Europa\nIncontri informali su temi, politiche e normative europee per il personale tecnico."
    for suggestion in sdg.suggest(text, "it"):
        assert suggestion.evidence == [text]


def test_candidates_split_long_sentences_into_clauses_and_leave_notes_out():
    long = (
        "Tavolo ideato con approccio partecipativo e articolato in gruppi di lavoro con le parti sociali; "
        "facilitato dal Comune, con rappresentanti della Città metropolitana e della Regione: "
        "temi educazione alla cittadinanza europea e informazione sulle politiche UE."
    )
    parts = sdg.candidates(long + "\nCirca 118 milioni di euro; data di riferimento non indicata dal Piano.")
    assert len(parts) == 3 and all(part in long for part in parts)
    assert sdg.candidates("Data di riferimento non indicata dal Piano.") == []


def test_goals_do_not_all_quote_the_same_passage_when_the_text_has_others():
    model = sdg.model()
    resources = model.resources
    goal_rows = {
        item.goal: row for row, item in enumerate(resources.items) if item.kind == "goals" and item.lang == "en"
    }
    both = resources.un[goal_rows[7]] + 0.9 * resources.un[goal_rows[4]]  # closest to 7 and to 4 alike
    other = resources.un[goal_rows[4]] * 0.2 + resources.un[goal_rows[15]]
    vectors = np.stack([both / np.linalg.norm(both), other / np.linalg.norm(other)])
    text = "Energy and schools together in one sentence. Forests elsewhere."
    passages = ["Energy and schools together in one sentence.", "Forests elsewhere."]
    found = sdg._evidence_for_goals(model, text, [7, 4], {}, passages, vectors, {})
    assert found[7] == [passages[0]]  # the goal it fits best keeps it
    assert found[4] and found[4][0] == passages[1]
