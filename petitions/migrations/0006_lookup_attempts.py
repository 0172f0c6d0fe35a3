"""The case lookup's attempt counters, one row per address and hour, shared by every node
(petitions/ratelimit.py counts in it with one atomic upsert when no Redis is configured).
Operational state rather than a record of the office's work: a table without a model."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0005_datakey"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                'CREATE TABLE "petitions_lookup_attempts" ('
                '"key" varchar(255) NOT NULL PRIMARY KEY, '
                '"window_start" timestamp with time zone NOT NULL, '
                '"attempts" integer NOT NULL)',
                'CREATE INDEX "petitions_lookup_attempts_window_start" '
                'ON "petitions_lookup_attempts" ("window_start")',
            ],
            reverse_sql=['DROP TABLE "petitions_lookup_attempts"'],
        ),
    ]
