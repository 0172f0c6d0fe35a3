"""The cache table every node shares (settings.CACHES with no CACHE_URL): the public pages'
change stamp and the register's cached choices live here, so `migrate` is all an install needs.
The schema is the one `manage.py createcachetable` makes for Django's DatabaseCache."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("schedules", "0003_people_names"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                'CREATE TABLE IF NOT EXISTS "xinfang_cache" ('
                '"cache_key" varchar(255) NOT NULL PRIMARY KEY, '
                '"value" text NOT NULL, '
                '"expires" timestamp with time zone NOT NULL)',
                'CREATE INDEX IF NOT EXISTS "xinfang_cache_expires" '
                'ON "xinfang_cache" ("expires")',
            ],
            reverse_sql=['DROP TABLE IF EXISTS "xinfang_cache"'],
        ),
    ]
