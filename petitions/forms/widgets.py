"""Widgets written in Python rather than through the form renderer's templates.

Django renders a ``<select>`` with a template, and each of its options with another template
included once per option: the statistics page's period chooser (about thirty options) took
longer to render than the page's queries run. :class:`QuickSelect` writes the same HTML
(``django/forms/widgets/select.html`` without option groups) with ``format_html``, every
value and label escaped.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A ``Select`` for flat choices (no option groups), rendered without templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',  # as Django's option template
                str(option["value"]),
                flatatt(option["attrs"]),
                option["label"],
            )
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        ]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(options)),  # each option made by format_html
        )
