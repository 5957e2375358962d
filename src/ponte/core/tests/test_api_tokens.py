"""API keys are shown once and stored as digests (issue 14): the admin shows a new key on the
page after saving and never again (not in its list, not in the database), the key still
authenticates the API, a wrong key does not, and the tokens DRF kept in clear are hashed by the
migration with their keys still working."""

import datetime
import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from ponte.core.models import ApiToken
from ponte.factories import UserFactory
from ponte.plan.models import ActionUpdate

migration = importlib.import_module("ponte.core.migrations.0014_api_tokens_hashed")


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def write_update(client, city, action, key, semester=1):
    url = f"/api/v1/{city.slug}/actions/{action.code}/updates/"
    payload = {"year": 2026, "semester": semester, "text": "Firmato l'accordo."}
    return client.post(url, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def stored_values() -> str:
    return json.dumps(list(ApiToken.objects.values()), default=str)


@pytest.fixture
def published_action(action):
    action.publication = "published"
    action.save()
    return action


def test_the_admin_shows_a_new_key_once_and_stores_its_digest(client, city, users, superuser, published_action):
    client.force_login(superuser)
    response = client.post("/admin/core/apitoken/add/", {"user": users["owner"].pk, "name": "Cruscotto regionale"})
    assert response.status_code == 200
    key = response.context["key"]
    assert len(key) == 40 and key in response.content.decode()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in stored_values()
    for url in ("/admin/core/apitoken/", f"/admin/core/apitoken/{token.pk}/change/"):
        page = client.get(url).content.decode()
        assert token.prefix in page and key not in page
    client.logout()

    assert write_update(client, city, published_action, key).status_code == 201
    assert ActionUpdate.objects.filter(action=published_action).count() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    wrong_key = key[:-1] + ("1" if key[-1] == "0" else "0")
    assert write_update(client, city, published_action, wrong_key, semester=2).status_code == 401


def test_the_command_prints_a_key_once_that_authenticates(client, city, users, published_action, capsys):
    call_command("create_api_token", users["owner"].username, name="Integrazione")
    key = capsys.readouterr().out.strip()
    assert key not in stored_values()
    assert write_update(client, city, published_action, key).status_code == 201


def test_a_key_of_an_inactive_user_is_refused(client, city, users, published_action, capsys):
    call_command("create_api_token", users["owner"].username)
    key = capsys.readouterr().out.strip()
    users["owner"].is_active = False
    users["owner"].save()
    assert write_update(client, city, published_action, key).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_clear_text_tokens_of_rest_framework(client, city, users, published_action):
    key = "a" * 8 + "0123456789abcdef0123456789abcdef"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" integer, "created" timestamp with time zone)'
        )
        cursor.execute(
            'INSERT INTO "authtoken_token" VALUES (%s, %s, %s)',
            [key, users["owner"].pk, datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)],
        )
    with connection.schema_editor() as editor:
        migration.hash_legacy_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert (token.user, token.prefix, token.created_at.year) == (users["owner"], "aaaaaaaa", 2025)
    assert key not in stored_values()
    assert write_update(client, city, published_action, key).status_code == 201
