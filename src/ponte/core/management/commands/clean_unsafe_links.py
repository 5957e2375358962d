from django.apps import apps
from django.core.management.base import BaseCommand

from ponte.core.unsafe_links import clear_unsafe_links, web_address_fields


class Command(BaseCommand):
    help = (
        "Blank every stored web address (URL field of any app) that is not an http:// or https:// "
        "address, such as javascript:, data: or vbscript: links saved before they were refused; "
        "prints how many per field. Harmless to repeat. The apps' `…_clear_unsafe_links` "
        "migrations do it once for their own fields."
    )

    def handle(self, **options):
        total = 0
        for model, names in web_address_fields(apps.get_models()):
            total += sum(clear_unsafe_links(model, names, report=self.report).values())
        self.stdout.write(f"{total} unsafe link(s) cleared in all")

    def report(self, label, count):
        self.stdout.write(f"{label}: {count} unsafe link(s) cleared")
