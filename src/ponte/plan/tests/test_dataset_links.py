"""Issue 14: a website in the data set is a web address (http or https), never a script link."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from ponte.core.models import City
from ponte.plan.tests.test_dataset import BOLOGNA, replace_in


def test_a_javascript_website_in_the_data_set_is_refused_naming_file_and_field(db, tmp_path, capsys):
    dataset = tmp_path / "dataset"
    shutil.copytree(BOLOGNA, dataset)
    replace_in(
        dataset / "organisations.yaml", 'website: "https://www.crescebologna.it/"', 'website: "javascript:alert(1)"'
    )
    with pytest.raises(CommandError):
        call_command("load_plan", str(dataset))
    errors = capsys.readouterr().err
    assert "organisations.yaml, riga" in errors and "campo “website”" in errors and "https://" in errors
    assert City.objects.count() == 0
