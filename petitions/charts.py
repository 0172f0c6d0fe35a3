"""The statistics' charts as SVG images of their own (pygal, drawn on the server).

No script and no XML declaration in the SVG (the page's content security policy stays strict:
the image comes from its own URL, ``stats:chart``), a CJK font family first in the
style so Chinese labels read; the page shows the same numbers in tables.
"""

from __future__ import annotations

import re

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from petitions.stats_report import Report

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
STYLE = Style(
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    legend_font_family=FONT,
    title_font_family=FONT,
    tooltip_font_family=FONT,
    background="white",
    plot_background="white",
)
SCRIPT = re.compile(r"<script[^>]*?(/>|>.*?</script>)", re.DOTALL)
CHART_NAMES = ("trend", "rates", "channel", "pollution", "district", "industry")


def _config() -> dict:
    return {
        "style": STYLE,
        "js": [],  # no script: the chart is a plain image
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "explicit_size": True,
        "print_values": True,
    }


def trend_chart(report: Report) -> pygal.Line:
    year = report.period.end.year
    chart = pygal.Line(**_config(), title=_("Group, skip-level and repeat petitions by month"))
    chart.x_labels = [str(m) for m in range(1, 13)]
    names = {
        "group_petitions": _("Group"),
        "skip_level": _("Skip-level"),
        "repeat": _("Repeat"),
    }
    for figure, label in names.items():
        rows = report.trend[figure]
        chart.add(f"{label} {year}", [now for _m, now, _before in rows])
        chart.add(f"{label} {year - 1}", [before for _m, _now, before in rows])
    return chart


def rates_chart(report: Report) -> pygal.HorizontalBar:
    chart = pygal.HorizontalBar(**_config(), title=_("Rates (%)"), range=(0, 100))
    labels = {
        "acceptance": _("Accepted on time"),
        "closing": _("Closed on time"),
        "satisfaction": _("Satisfied"),
        "rating": _("Rated"),
    }
    for key, label in labels.items():
        chart.add(label, [report.rates[key].percent or 0])
    return chart


def breakdown_chart(report: Report, dimension: str, title: str) -> pygal.HorizontalBar:
    chart = pygal.HorizontalBar(**_config(), title=title)
    rows = report.breakdowns[dimension][:12]
    chart.x_labels = [row.label for row in rows]
    chart.add(_("Cases"), [row.cases for row in rows])
    return chart


def render_chart(report: Report, name: str) -> bytes:
    """The SVG of one of ``CHART_NAMES``."""
    if name == "trend":
        chart = trend_chart(report)
    elif name == "rates":
        chart = rates_chart(report)
    else:
        titles = {
            "channel": _("By channel"),
            "pollution": _("By pollution type"),
            "district": _("By district or county"),
            "industry": _("By industry"),
        }
        chart = breakdown_chart(report, name, titles[name])
    return _without_scripts(chart)


def _without_scripts(chart) -> bytes:
    """The SVG without pygal's inline configuration script (a plain image needs none)."""
    return SCRIPT.sub("", chart.render(is_unicode=True)).encode()
