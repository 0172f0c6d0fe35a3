"""``manage.py loaddemo [--no-accounts]``: the demo organisation, 2024 rosters, this year's
rosters, sign-ins and petition cases (``schedules/demo.py``, ``petitions/demo.py``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.demo import DEMO_PASSWORD
from accounts.roles import Role
from petitions import demo


class Command(BaseCommand):
    help = (
        "Load the bureau's organisation, the plan's 2024 rosters and, when the current year has "
        "no duty yet, its rosters from the plan's rotation (all published), and one demo sign-in "
        "per role with a dozen demo petition cases. Running it again creates nothing twice and "
        "changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the data only, without the demo sign-ins (allowed with DEBUG off).",
        )

    def handle(self, *args, no_accounts: bool = False, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            if not no_accounts and not settings.DEBUG:
                # The demo password is public: such accounts must never exist in production.
                raise CommandError(
                    _(
                        "Demo accounts have a published password and are only created when "
                        "DEBUG is on. Use --no-accounts to load the data without them."
                    )
                )
            result = demo.load(accounts=not no_accounts)
            if result.created:
                for model, count in result.created.items():
                    what = str(model._meta.verbose_name_plural).capitalize()
                    self.stdout.write(
                        _("%(what)s created: %(count)d") % {"what": what, "count": count}
                    )
            else:
                self.stdout.write(_("The demo data is already loaded; nothing was changed."))
            for year, count in result.generated_years.items():
                self.stdout.write(
                    _(
                        "The %(year)d rosters were generated from the plan's rotation and "
                        "published: %(count)d duties."
                    )
                    % {"year": year, "count": count}
                )
            for problem in result.problems:
                self.stderr.write(problem)
            if result.accounts:
                self.stdout.write(_("Demo sign-ins (user name, role, password):"))
                for account in result.accounts:
                    self.stdout.write(
                        f"  {account.username}\t{Role(account.role).label}\t{DEMO_PASSWORD}"
                    )
