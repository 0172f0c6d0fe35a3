"""Search of case titles and texts through overlapping two-character pieces (bigrams).

Chinese has no spaces between words and the terms people search for are mostly two characters
long (噪音, 异味, 扬尘). A trigram index cannot serve those, and ``icontains`` reads every row.
Each case therefore stores the sorted, unique bigrams of its title and text in
``Case.search_bigrams``; a GIN index answers "contains all of these bigrams" directly. Terms
longer than two characters are confirmed (case-insensitive substring) on the rows the index returns,
because having all of a term's bigrams does not mean having them in that order.

The planner needs a fair estimate of how many cases match, to choose between walking the
register's date index until a page is full (right for common terms) and collecting every match
through the GIN index (right for rare ones). PostgreSQL multiplies the frequencies of the
bigrams it is given as if they were independent, which they are not: 锅炉房冒黑烟 has five
bigrams of about 4 % each and is estimated at one case in a million when 3 % of cases contain
it; the GIN path then reads 30,000 texts for one page (250 ms). So for a word whose rarest
bigram is common, only that bigram goes to the index (its frequency is known, so the estimate
is right) and :func:`contains_text` confirms the word; a word with a rare bigram sends all of them,
and the GIN index narrows it down to a few cases. A bigram missing from the statistics is
estimated at 0.5 % by default: the column keeps ten times more statistics than others
(migration 0008), so that a rare word, or a name typed in the search box, is estimated rare.
"""

from __future__ import annotations

import unicodedata

from django.core.cache import caches
from django.db import connection
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, StrIndex, Upper
from django.db.models.lookups import GreaterThan

__all__ = [
    "MIN_TERM_LENGTH",
    "bigram_frequencies",
    "bigrams",
    "frequencies_key",
    "index_case",
    "matching",
    "normalize",
    "search",
    "searchable_words",
]

# A single character has no bigram: it is refused rather than scanned for.
MIN_TERM_LENGTH = 2
# A bigram in at least this share of cases is "common": the date index finds a page of it soon.
COMMON_SHARE = 0.005
FREQUENCIES_CACHE_SECONDS = 3600


def normalize(text: str) -> str:
    """Fold width and case and drop whitespace and punctuation, so that ``ＰＭ２.５``, ``pm2.5``
    and ``PM 2.5`` index (and therefore match) alike."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def bigrams(text: str) -> list[str]:
    """The sorted unique overlapping two-character pieces of ``text`` (after :func:`normalize`).

    A text of one character has none: single characters are not indexed.
    """
    chars = normalize(text)
    return sorted({chars[i : i + 2] for i in range(len(chars) - 1)})


def index_case(case) -> None:
    """Set ``case.search_bigrams`` from its title and text (call before saving)."""
    case.search_bigrams = bigrams(f"{case.title or ''}\n{case.content or ''}")


def searchable_words(term: str) -> list[str]:
    """The words of a search term that can be searched for: at least two characters each."""
    return [word for word in (term or "").split() if len(normalize(word)) >= MIN_TERM_LENGTH]


def frequencies_key() -> str:
    """Per database: a shared cache may serve several."""
    return f"petitions:search:bigram-frequencies:{connection.settings_dict['NAME']}"


def bigram_frequencies(table: str) -> dict[str, float]:
    """The share of cases holding each of the most common bigrams (PostgreSQL's statistics).

    ``table`` is the cases' table. Read from ``pg_stats`` (kept current by autovacuum's
    ANALYZE) and cached for an hour; empty before the first ANALYZE, when every word sends all
    its bigrams.
    """
    key = frequencies_key()
    # Kept in this process's memory: statistics that move slowly, read on every search, and a
    # shared cache would cost a query each time.
    frequencies = caches["local"].get(key)
    if frequencies is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                [table, "search_bigrams"],
            )
            row = cursor.fetchone()
        # The frequencies list ends with three summary numbers: zip() leaves them out.
        frequencies = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        caches["local"].set(key, frequencies, FREQUENCIES_CACHE_SECONDS)
    return frequencies


def index_terms(word: str, frequencies: dict[str, float]) -> list[str]:
    """The bigrams of ``word`` to look up in the index (see the module's docstring)."""
    grams = bigrams(word)
    rarest = min(grams, key=lambda gram: frequencies.get(gram, 0.0))
    if frequencies.get(rarest, 0.0) >= COMMON_SHARE:
        return [rarest]
    return grams


def search(queryset: QuerySet, term: str) -> QuerySet:
    """Cases whose title or text contain every word of ``term`` (see :func:`matching`).

    A term without any word of two characters or more matches nothing: the caller tells the
    user why (see :func:`searchable_words`).
    """
    if not searchable_words(term):
        return queryset.none()
    return queryset.filter(matching(queryset.model, term))


def matching(model, term: str) -> Q:
    """The condition "title or text contain every word of ``term``", to combine with others
    (the register's search box also matches the petitioner's name, ``petitions.finding``).

    Each word's bigrams (or its rarest one, if that is common) must be in ``search_bigrams``
    (served by the GIN index); a word of more than two characters is then confirmed with
    :func:`contains_text`. Without a searchable word, the condition matches nothing.
    """
    words = searchable_words(term)
    if not words:
        return Q(pk__in=[])
    frequencies = bigram_frequencies(model._meta.db_table)
    wanted: set[str] = set()
    for word in words:
        wanted.update(index_terms(word, frequencies))
    condition = Q(search_bigrams__contains=sorted(wanted))
    for word in words:
        if len(normalize(word)) > MIN_TERM_LENGTH:
            condition &= contains_text(word)
    return condition


def contains_text(word: str) -> GreaterThan:
    """Title or text contains ``word``, case-insensitively: ``icontains`` by another name.

    Written as ``strpos(...) > 0`` rather than ``LIKE '%word%'`` because PostgreSQL estimates a
    long LIKE pattern to match almost nothing, which again sends it down the GIN path for
    common words (化工厂: 50,000 texts read, a second); a function call gets a neutral
    estimate. It also needs no escaping of ``%`` and ``_``.
    """
    text = Upper(Concat("title", Value("\n"), "content", output_field=TextField()))
    return GreaterThan(StrIndex(text, Upper(Value(word, output_field=TextField()))), 0)
