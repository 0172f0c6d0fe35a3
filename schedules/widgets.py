"""An ordered list of people to edit without a mouse or JavaScript: a rotation's turn order.

Each person is one list item with a check box (takes part) and two buttons that move them up or
down. Without JavaScript the buttons send the form (``name="move"``) and the page comes back
with the person moved (``apply_move``); with the small same-origin script
(``static/schedules/rotation.js``) the item moves in place. The order travels in hidden inputs
named ``<field>_order``, one per person, in list order.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

MOVE = "move"


def _key(value) -> str:
    return str(getattr(value, "value", value))


class RotationWidget(forms.Widget):
    template_name = "schedules/widgets/rotation.html"
    # "<field>:<pk>:<up|down>" of the button that moved an item, to focus it again.
    focus = ""

    def value_from_datadict(self, data, files, name):
        """[(pk, takes part)] in list order; people missing from the order come last."""
        chosen = [str(v) for v in data.getlist(name)]
        order = [str(v) for v in data.getlist(f"{name}_order")] + chosen
        return [(pk, pk in chosen) for pk in dict.fromkeys(order)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_order" not in data and name not in data

    def _entries(self, value) -> list[tuple[str, bool]]:
        """The value as [(pk, takes part)], whether it came from the form or as initial."""
        entries = []
        for item in value or []:
            if isinstance(item, tuple):
                entries.append((str(item[0]), bool(item[1])))
            else:
                entries.append((_key(getattr(item, "pk", item)), True))
        return entries

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        labels = {_key(pk): label for pk, label in self.choices if _key(pk)}
        entries = [(pk, chosen) for pk, chosen in self._entries(value) if pk in labels]
        listed = {pk for pk, _chosen in entries}
        entries += [(pk, False) for pk in labels if pk not in listed]
        last = len(entries) - 1
        context["widget"]["items"] = [
            {
                "pk": pk,
                "label": labels[pk],
                "chosen": chosen,
                "position": index + 1,
                "first": index == 0,
                "last": index == last,
                "id": f"{context['widget']['attrs'].get('id', name)}_{index}",
                "focus_up": self.focus == f"{name}:{pk}:up",
                "focus_down": self.focus == f"{name}:{pk}:down",
            }
            for index, (pk, chosen) in enumerate(entries)
        ]
        return context

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class RotationField(forms.ModelMultipleChoiceField):
    """The people who take part, in turn order (a list, not a queryset)."""

    widget = RotationWidget

    def clean(self, value):
        keys = [pk for pk, chosen in (value or []) if chosen]
        found = super().clean(keys)
        by_key = {str(obj.pk): obj for obj in found}
        return [by_key[pk] for pk in dict.fromkeys(keys) if pk in by_key]

    def has_changed(self, initial, data) -> bool:
        return True


def apply_move(data: QueryDict, fields: tuple[str, ...]) -> tuple[QueryDict, str]:
    """The form's data with one person moved as the pressed button says ("leaders:3:up"),
    and that button's value (to focus it again); the data unchanged for anything else."""
    move = data.get(MOVE, "")
    name, _sep, rest = move.partition(":")
    pk, _sep, direction = rest.partition(":")
    order = data.getlist(f"{name}_order")
    if name not in fields or direction not in ("up", "down") or pk not in order:
        return data, ""
    index = order.index(pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    moved = data.copy()
    moved.setlist(f"{name}_order", order)
    del moved[MOVE]
    return moved, move
