"""The statistics' summary after a TRUNCATE, and a recount that no concurrent write slips past.

A TRUNCATE fires no row or statement trigger of 0024: it now counts everything again (nothing,
after the cases' table is emptied). The recount locks the cases and their links against writes
(SHARE) first: a write begun before it would otherwise add its difference on top of the new
count, counted with the old settings or twice.
"""

import importlib

from django.db import migrations

STATISTICS = importlib.import_module("petitions.migrations.0024_statistics_triggers")
TABLES = ["petitions_case", *(table for table, _column in STATISTICS.LINKS.values())]

LOCKED_REBUILD = STATISTICS.REBUILD.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
).replace(
    "BEGIN\n    DELETE FROM petitions_stat_day;",
    "BEGIN\n    LOCK TABLE {} IN SHARE MODE;\n    DELETE FROM petitions_stat_day;".format(
        ", ".join(TABLES)
    ),
)
assert "LOCK TABLE" in LOCKED_REBUILD

FORWARD = (
    LOCKED_REBUILD
    + """
CREATE FUNCTION petitions_stat_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM petitions_stat_rebuild();
    RETURN NULL;
END
$$;
"""
    + "".join(
        f"CREATE TRIGGER petitions_stat_truncate AFTER TRUNCATE ON {table}\n"
        "    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_truncated();\n"
        for table in TABLES
    )
)

REVERSE = (
    "".join(f"DROP TRIGGER petitions_stat_truncate ON {table};\n" for table in TABLES)
    + "DROP FUNCTION petitions_stat_truncated();\n"
    + STATISTICS.REBUILD.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0025_statistics_overdue_index")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
