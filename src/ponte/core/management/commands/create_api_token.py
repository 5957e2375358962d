from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ponte.core.tokens import create_api_token


class Command(BaseCommand):
    help = "Create an API key for a user and print it once: only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the key is for")

    def handle(self, username, name, **options):
        try:
            user = get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user “%(username)s”.") % {"username": username}) from None
        token, key = create_api_token(user=user, name=name)
        self.stderr.write(
            _("API key %(prefix)s… created for %(username)s; copy it now, it will not be shown again:")
            % {"prefix": token.prefix, "username": username}
        )
        self.stdout.write(key)
