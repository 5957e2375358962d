#!/usr/bin/env python
"""Django's command-line utility for Ponte."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Read the settings first: Django's command line swallows a settings error (so that `help`
    # works without them) and fails later on an unrelated one; a missing or weak SECRET_KEY must
    # stop every command with its own message.
    settings.INSTALLED_APPS  # noqa: B018
    execute_from_command_line(sys.argv)
