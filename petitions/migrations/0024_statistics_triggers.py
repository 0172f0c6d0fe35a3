"""The statistics' summary kept by PostgreSQL (see ``petitions/stats_summary.py``).

Statement-level triggers with transition tables on the cases and on the pollution lists' link
tables add each change's difference to the summary tables, in the changing transaction: a case
saved with nothing the statistics read changed writes nothing. ``petitions_stat_rebuild()``
counts everything again (after a bulk load with triggers off, or a change of the settings the
summary was counted with); this migration runs it once to fill the summary from existing cases.
"""

from django.conf import settings
from django.db import migrations

# What the statistics read of a case: the triggers compare these between old and new rows.
CASE_TYPE = """
CREATE TYPE petitions_stat_case AS (
    sign integer, id bigint, received_at timestamptz, people_count integer,
    skipped_level boolean, is_repeat boolean, state text, unit_id bigint, leader_id bigint,
    duty_id bigint, channel text, category text, classification text, district text,
    industry_id bigint, satisfaction text, accepted_at timestamptz, answered_at timestamptz,
    closed_at timestamptz, extension_state text, extension_days integer, review_level integer
);

CREATE FUNCTION petitions_stat_row(c petitions_case, sign integer) RETURNS petitions_stat_case
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW(sign, c.id, c.received_at, c.people_count, c.skipped_level, c.is_repeat, c.state,
               c.unit_id, c.leader_id, c.duty_id, c.channel, c.category, c.classification,
               c.district, c.industry_id, c.satisfaction, c.accepted_at, c.answered_at,
               c.closed_at, c.extension_state, c.extension_days, c.review_level
    )::petitions_stat_case
$$;
"""

# Adds the rows (sign +1: counted now, -1: no longer) to the three tables. The rules are those
# of petitions/statistics.py for a finished case; tests compare the two on varied cases.
APPLY = """
CREATE FUNCTION petitions_stat_apply(changed petitions_stat_case[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s petitions_stat_settings%ROWTYPE;
BEGIN
    SELECT * INTO s FROM petitions_stat_settings ORDER BY id LIMIT 1;
    IF NOT FOUND OR cardinality(changed) = 0 THEN
        RETURN;  -- no settings: not kept (the statistics are then counted live)
    END IF;
    WITH c AS (
        SELECT u.*, (u.received_at AT TIME ZONE s.time_zone)::date AS day,
               (u.accepted_at AT TIME ZONE s.time_zone)::date AS accepted_day,
               CASE WHEN u.review_level = 0 THEN u.answered_at ELSE (
                   SELECT e.answered_at FROM petitions_caseevent e
                   WHERE e.pgh_obj_id = u.id AND e.answered_at IS NOT NULL
                   ORDER BY e.pgh_id LIMIT 1) END AS first_answer
        FROM unnest(changed) AS u
    ), f AS (
        SELECT c.*,
               CASE WHEN accepted_at IS NOT NULL THEN accepted_day
                    WHEN state = 'not_accepted' AND closed_at IS NOT NULL
                    THEN (closed_at AT TIME ZONE s.time_zone)::date END - day AS decision_lag,
               accepted_at IS NOT NULL AND first_answer IS NOT NULL AS answered,
               (first_answer AT TIME ZONE s.time_zone)::date - accepted_day AS answer_lag,
               CASE WHEN extension_state = 'approved' THEN extension_days ELSE 0 END AS ext
        FROM c
    ), g AS (  -- each case in its day's row and in its month's row (day: the 1st)
        SELECT f.*, grain.whole_month,
               CASE WHEN grain.whole_month THEN date_trunc('month', f.day)::date
                    ELSE f.day END AS grain_day
        FROM f CROSS JOIN (VALUES (false), (true)) AS grain(whole_month)
    ), days AS (
        INSERT INTO petitions_stat_day AS d (
            whole_month, day, unit_id, leader_id, duty_id, answer_days, answer_count,
            cases_total, people_total, cases_group_petitions, people_group_petitions,
            cases_skip_level, people_skip_level, cases_repeat, people_repeat,
            cases_not_accepted, people_not_accepted, cases_decided, people_decided,
            cases_accepted_on_time, people_accepted_on_time, cases_answered, people_answered,
            cases_closed_on_time, people_closed_on_time, cases_rated, people_rated,
            cases_satisfied, people_satisfied)
        SELECT whole_month, grain_day, unit_id, leader_id, duty_id,
               coalesce(sum(sign * ((answered_at AT TIME ZONE s.time_zone)::date - accepted_day)),
                        0),
               coalesce(sum(sign) FILTER (WHERE accepted_at IS NOT NULL
                                          AND answered_at IS NOT NULL), 0),
               sum(sign), sum(sign * people_count),
               {figures}
        FROM g WHERE state IN ('closed', 'not_accepted', 'transferred')
        GROUP BY whole_month, grain_day, unit_id, leader_id, duty_id
        ORDER BY whole_month, grain_day, unit_id, leader_id, duty_id
        ON CONFLICT (whole_month, day, unit_id, leader_id, duty_id) DO UPDATE SET
            answer_days = d.answer_days + excluded.answer_days,
            answer_count = d.answer_count + excluded.answer_count,
            {day_updates}
        RETURNING 1
    ), marks AS (
        INSERT INTO petitions_stat_marks AS m (month, people_count, skipped_level, is_repeat, cases)
        SELECT date_trunc('month', day)::date, people_count, skipped_level, is_repeat, sum(sign)
        FROM f GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (month, people_count, skipped_level, is_repeat)
        DO UPDATE SET cases = m.cases + excluded.cases
        RETURNING 1
    ), vals AS (
        SELECT g.whole_month, g.grain_day, v.dimension, v.value, g.sign, g.people_count
        FROM g CROSS JOIN LATERAL (VALUES
            ('channel', g.channel), ('category', g.category),
            ('classification', g.classification), ('district', g.district),
            ('unit', g.unit_id::text), ('leader', g.leader_id::text),
            ('industry', g.industry_id::text)) AS v(dimension, value)
        UNION ALL
        SELECT g.whole_month, g.grain_day, 'pollution', l.pollutiontype_id::text, g.sign,
               g.people_count
        FROM g LEFT JOIN petitions_pollutiontype_cases l ON l.case_id = g.id
        UNION ALL
        SELECT g.whole_month, g.grain_day, 'subtype', l.pollutionsubtype_id::text, g.sign,
               g.people_count
        FROM g LEFT JOIN petitions_pollutionsubtype_cases l ON l.case_id = g.id
    )
    INSERT INTO petitions_stat_breakdown AS b (whole_month, day, dimension, value, cases, people)
    SELECT whole_month, grain_day, dimension, value, sum(sign), sum(sign * people_count)
    FROM vals GROUP BY dimension, whole_month, grain_day, value
    ORDER BY dimension, whole_month, grain_day, value
    ON CONFLICT (dimension, whole_month, day, value) DO UPDATE SET
        cases = b.cases + excluded.cases, people = b.people + excluded.people;
END
$$;
"""

# Each figure of a finished case (statistics.FIGURES; "decided" and "answered" are the
# acceptance and closing rates' denominators, as nothing of a finished case is waiting).
FIGURE_RULES = {
    "group_petitions": "people_count >= s.group_size",
    "skip_level": "skipped_level",
    "repeat": "is_repeat",
    "not_accepted": "state = 'not_accepted'",
    "decided": "decision_lag IS NOT NULL",
    "accepted_on_time": "decision_lag <= s.acceptance_days",
    "answered": "answered",
    "closed_on_time": "answered AND answer_lag <= s.handling_days + ext",
    "rated": "answered AND satisfaction <> ''",
    "satisfied": "answered AND satisfaction IN ('satisfied', 'basically')",
}


def _apply_sql() -> str:
    figures = ",\n               ".join(
        f"coalesce(sum(sign) FILTER (WHERE {rule}), 0), "
        f"coalesce(sum(sign * people_count) FILTER (WHERE {rule}), 0)"
        for rule in FIGURE_RULES.values()
    )
    columns = ["total", *FIGURE_RULES]
    updates = ",\n            ".join(
        f"{kind}_{name} = d.{kind}_{name} + excluded.{kind}_{name}"
        for name in columns
        for kind in ("cases", "people")
    )
    return APPLY.replace("{figures}", figures).replace("{day_updates}", updates)


CASE_TRIGGERS = """
CREATE FUNCTION petitions_stat_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM petitions_stat_apply(ARRAY(SELECT petitions_stat_row(n, 1) FROM new_cases n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM petitions_stat_apply(ARRAY(SELECT petitions_stat_row(o, -1) FROM old_cases o));
    ELSE
        PERFORM petitions_stat_apply(ARRAY(
            SELECT r FROM old_cases o JOIN new_cases n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (petitions_stat_row(o, -1)), (petitions_stat_row(n, 1)))
                AS v(r)
            WHERE petitions_stat_row(o, 1) IS DISTINCT FROM petitions_stat_row(n, 1)));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER petitions_stat_case_insert AFTER INSERT ON petitions_case
    REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_case_changed();
CREATE TRIGGER petitions_stat_case_update AFTER UPDATE ON petitions_case
    REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_case_changed();
CREATE TRIGGER petitions_stat_case_delete AFTER DELETE ON petitions_case
    REFERENCING OLD TABLE AS old_cases
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_case_changed();
"""

# A link added or removed moves the case between a type's row and the "none" row (no type).
LINK_TRIGGERS = """
CREATE FUNCTION petitions_stat_{dimension}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s petitions_stat_settings%ROWTYPE;
    old_case bigint[] := '{{}}';
    old_ref bigint[] := '{{}}';
    new_case bigint[] := '{{}}';
    new_ref bigint[] := '{{}}';
BEGIN
    SELECT * INTO s FROM petitions_stat_settings ORDER BY id LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT coalesce(array_agg(case_id), '{{}}'), coalesce(array_agg({column}), '{{}}')
        INTO old_case, old_ref FROM old_links;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT coalesce(array_agg(case_id), '{{}}'), coalesce(array_agg({column}), '{{}}')
        INTO new_case, new_ref FROM new_links;
    END IF;
    WITH links AS (
        SELECT o.case_id, o.ref, -1 AS sign FROM unnest(old_case, old_ref) AS o(case_id, ref)
        UNION ALL
        SELECT n.case_id, n.ref, 1 FROM unnest(new_case, new_ref) AS n(case_id, ref)
    ), per_case AS (
        SELECT d.case_id, sum(d.sign) AS net,
               (SELECT count(*) FROM {table} l WHERE l.case_id = d.case_id) AS now
        FROM links d GROUP BY d.case_id
    ), changes AS (
        SELECT case_id, ref::text AS value, sign FROM links
        UNION ALL
        SELECT case_id, NULL, (now = 0)::int - (now - net = 0)::int FROM per_case
    )
    INSERT INTO petitions_stat_breakdown AS b (whole_month, day, dimension, value, cases, people)
    SELECT grain.whole_month, CASE WHEN grain.whole_month
               THEN date_trunc('month', c.received_at AT TIME ZONE s.time_zone)::date
               ELSE (c.received_at AT TIME ZONE s.time_zone)::date END,
           '{dimension}', x.value, sum(x.sign), sum(x.sign * c.people_count)
    FROM changes x JOIN petitions_case c ON c.id = x.case_id
    CROSS JOIN (VALUES (false), (true)) AS grain(whole_month)
    GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
    ON CONFLICT (dimension, whole_month, day, value) DO UPDATE SET
        cases = b.cases + excluded.cases, people = b.people + excluded.people;
    RETURN NULL;
END
$$;

CREATE TRIGGER petitions_stat_{dimension}_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_{dimension}_changed();
CREATE TRIGGER petitions_stat_{dimension}_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_{dimension}_changed();
CREATE TRIGGER petitions_stat_{dimension}_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION petitions_stat_{dimension}_changed();
"""

LINKS = {
    "pollution": ("petitions_pollutiontype_cases", "pollutiontype_id"),
    "subtype": ("petitions_pollutionsubtype_cases", "pollutionsubtype_id"),
}

# Everything counted again, a slice of cases at a time (never the whole table in memory).
REBUILD = """
CREATE FUNCTION petitions_stat_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    low bigint;
BEGIN
    DELETE FROM petitions_stat_day;
    DELETE FROM petitions_stat_marks;
    DELETE FROM petitions_stat_breakdown;
    FOR low IN SELECT generate_series(min(id), max(id), 20000) FROM petitions_case LOOP
        PERFORM petitions_stat_apply(ARRAY(
            SELECT petitions_stat_row(c, 1) FROM petitions_case c
            WHERE c.id >= low AND c.id < low + 20000));
    END LOOP;
END
$$;
"""


def _forward_sql() -> str:
    links = "".join(
        LINK_TRIGGERS.format(dimension=dimension, table=table, column=column)
        for dimension, (table, column) in LINKS.items()
    )
    return CASE_TYPE + _apply_sql() + CASE_TRIGGERS + links + REBUILD


def _reverse_sql() -> str:
    drops = [
        "DROP TRIGGER petitions_stat_case_{} ON petitions_case;".format(op)
        for op in ("insert", "update", "delete")
    ]
    for dimension, (table, _column) in LINKS.items():
        drops += [
            f"DROP TRIGGER petitions_stat_{dimension}_{op} ON {table};"
            for op in ("insert", "update", "delete")
        ]
        drops.append(f"DROP FUNCTION petitions_stat_{dimension}_changed();")
    drops += [
        "DROP FUNCTION petitions_stat_rebuild();",
        "DROP FUNCTION petitions_stat_case_changed();",
        "DROP FUNCTION petitions_stat_apply(petitions_stat_case[]);",
        "DROP FUNCTION petitions_stat_row(petitions_case, integer);",
        "DROP TYPE petitions_stat_case;",
    ]
    return "\n".join(drops)


def fill(apps, schema_editor) -> None:
    """Record the settings the summary counts with, and count the existing cases."""
    settings_model = apps.get_model("petitions", "StatSettings")
    settings_model.objects.all().delete()
    settings_model.objects.create(
        time_zone=settings.TIME_ZONE,
        group_size=settings.GROUP_PETITION_SIZE,
        acceptance_days=settings.ACCEPTANCE_DAYS,
        handling_days=settings.HANDLING_DAYS,
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT petitions_stat_rebuild()")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0023_statistics_summary")]

    operations = [
        migrations.RunSQL(_forward_sql(), _reverse_sql()),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
