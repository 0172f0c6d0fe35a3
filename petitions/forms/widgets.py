"""Widgets written in Python rather than through the form renderer's templates.

Django renders a ``<select>`` with a template, and each of its options with another template
included once per option: the statistics page's period chooser (about thirty options) took
longer to render than the page's queries run. :class:`QuickSelect` writes the same HTML
(``django/forms/widgets/select.html`` without option groups) with ``%``, every value and
label escaped.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

OPTION = '\n  <option value="%s"%s>%s</option>\n'  # as Django's option template


class QuickSelect(forms.Select):
    """A ``Select`` for flat choices (no option groups), rendered without templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)  # as Widget.get_context
        chosen = set(self.format_value(value))
        options = "".join(
            OPTION % (escape(choice), " selected" if choice in chosen else "", escape(label))
            for choice, label in ((str(v), str(label)) for v, label in self.choices)
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # each value and label escaped
        )
