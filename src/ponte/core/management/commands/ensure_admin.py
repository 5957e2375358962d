import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Create the first administrator when the installation has none. The password comes from "
        "ADMIN_PASSWORD or is generated and written to var/admin-password.txt. Does nothing otherwise."
    )

    def handle(self, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        try:  # the same password rules as every other way of setting one
            validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError(
                _("ADMIN_PASSWORD is too weak: %(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from None
        User.objects.create_superuser(username=username, email="", password=password)
        if not os.environ.get("ADMIN_PASSWORD"):
            target = settings.BASE_DIR / "var" / "admin-password.txt"
            target.parent.mkdir(exist_ok=True)
            target.write_text(f"{username}\n{password}\n", encoding="utf-8")
            target.chmod(0o600)
            self.stdout.write(
                _("Administrator “%(username)s” created; password written to %(path)s")
                % {"username": username, "path": target}
            )
        else:
            self.stdout.write(_("Administrator “%(username)s” created.") % {"username": username})
