"""An e-mail address longer than the column (254 characters, RFC 5321) on a public form is a
field error, not a server error (issue 14: PostgreSQL refused the row with a 500)."""

import datetime

import pytest
from django.utils import timezone

from ponte.participation.models import Event, Question, Registration, Subscriber


def long_address(length: int) -> str:
    domain = ".".join(["a" * 60] * 3) + ".example.org"  # a valid domain of 195 characters
    return "x" * (length - len(domain) - 1) + "@" + domain


@pytest.mark.parametrize("length", [255, 320])
def test_public_forms_refuse_a_too_long_address_with_a_field_error(client, city, length):
    email = long_address(length)
    assert len(email) == length
    event = Event.objects.create(
        city=city, publication="published", title="Caffè Europa", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    posts = {
        f"/{city.slug}/eventi/{event.pk}/": {"name": "Anna", "email": email, "consent": "on"},
        f"/{city.slug}/eventi/newsletter/": {"email": email, "language": "it", "consent": "on"},
        f"/{city.slug}/eventi/europe-direct/": {
            "name": "Anna",
            "email": email,
            "subject": "Erasmus",
            "text": "Come partecipo?",
            "consent": "on",
        },
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert response.context["form"].errors.get("email"), url
    assert not Registration.objects.exists()
    assert not Subscriber.objects.exists()
    assert not Question.objects.exists()
