import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture
def bologna(transactional_db):
    """The real Bologna data set, loaded as `make run` loads it, for the portal's journeys."""
    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    from ponte.core.models import City

    return City.objects.get(slug="bologna")
