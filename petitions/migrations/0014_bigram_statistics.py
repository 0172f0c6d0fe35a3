"""More statistics on the cases' bigrams, so the planner knows a rare word (or a name) for rare.

PostgreSQL keeps the frequencies of ten elements per point of the statistics target
(100: the 1,000 most common bigrams) and estimates any other bigram at 0.5 %. A name or a rare
word typed in the register's search box was then estimated at 5,000 cases in a million, and
the planner walked the date index through tens of thousands of rows to fill a page, where
collecting the few hundred matches through the indexes takes a few milliseconds. With 10,000
bigrams known, an unknown one is estimated below the least common of them (``make bench``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0013_encrypt_existing_names"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE petitions_case ALTER COLUMN search_bigrams SET STATISTICS 1000",
            "ALTER TABLE petitions_case ALTER COLUMN search_bigrams SET STATISTICS -1",
        ),
    ]
