"""Bigram search: what is indexed, and what a search finds."""

from __future__ import annotations

import pytest

from petitions.models import Case
from petitions.search import (
    bigrams,
    index_case,
    index_terms,
    search,
    searchable_words,
)
from tests.factories import make_case

# --- bigrams ---------------------------------------------------------------------------------


def test_bigrams_are_the_overlapping_pairs_sorted_and_unique():
    assert bigrams("噪音噪音扰民") == ["噪音", "扰民", "音噪", "音扰"]


def test_bigrams_ignore_punctuation_and_whitespace():
    assert bigrams("噪音，扰 民！") == bigrams("噪音扰民")


def test_bigrams_fold_full_width_and_case():
    assert bigrams("ＰＭ２.５超标") == bigrams("pm25超标")


def test_a_single_character_has_no_bigram():
    assert bigrams("噪") == []


def test_empty_text_has_no_bigram():
    assert bigrams("") == []


def test_index_case_takes_title_and_text():
    case = Case(title="油烟", content="扰民")
    index_case(case)
    assert set(case.search_bigrams) == {"油烟", "烟扰", "扰民"}


def test_one_character_words_are_not_searchable():
    assert searchable_words("噪 音") == []


def test_words_of_two_characters_or_more_are_searchable():
    assert searchable_words("噪音 a 异味") == ["噪音", "异味"]


def test_a_word_with_a_rare_bigram_sends_all_its_bigrams():
    assert index_terms("化工厂", {"化工": 0.05, "工厂": 0.0001}) == ["化工", "工厂"]


def test_a_word_whose_rarest_bigram_is_common_sends_only_that_one():
    assert index_terms("化工厂", {"化工": 0.05, "工厂": 0.02}) == ["工厂"]


# --- search ----------------------------------------------------------------------------------


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


@pytest.mark.django_db
def test_search_finds_a_term_in_the_title():
    make_case(title="工地噪音扰民", content="晚上施工。")
    assert _titles(search(Case.objects.all(), "噪音")) == {"工地噪音扰民"}


@pytest.mark.django_db
def test_search_finds_a_term_in_the_text():
    make_case(title="夜间施工", content="每天夜里噪音很大。")
    assert _titles(search(Case.objects.all(), "噪音")) == {"夜间施工"}


@pytest.mark.django_db
def test_search_does_not_find_cases_without_the_term():
    make_case(title="餐馆油烟", content="油烟直排。")
    assert not search(Case.objects.all(), "噪音").exists()


@pytest.mark.django_db
def test_a_longer_term_must_appear_as_written():
    make_case(title="化工园区的工厂", content="排放废气。")
    assert not search(Case.objects.all(), "化工厂").exists()


@pytest.mark.django_db
def test_a_longer_term_is_found_where_it_appears():
    make_case(title="化工厂排放异味", content="刺鼻。")
    assert _titles(search(Case.objects.all(), "化工厂")) == {"化工厂排放异味"}


@pytest.mark.django_db
def test_every_word_of_a_term_must_match():
    make_case(title="工地噪音", content="夜间。")
    make_case(title="工地噪音和扬尘", content="夜间。")
    assert _titles(search(Case.objects.all(), "噪音 扬尘")) == {"工地噪音和扬尘"}


@pytest.mark.django_db
def test_a_one_character_term_finds_nothing():
    make_case(title="噪音", content="噪")
    assert not search(Case.objects.all(), "噪").exists()


@pytest.mark.django_db
def test_search_ignores_case_of_latin_letters():
    make_case(title="KTV噪音", content="营业到凌晨。")
    assert _titles(search(Case.objects.all(), "ktv噪音")) == {"KTV噪音"}
