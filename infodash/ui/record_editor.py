"""A table of set-up records (customer groups, services, staff) with a form to add one or change the one
picked: one piece serves every kind, described by a :class:`RecordForm`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account
from infodash.ui.store import cached
from infodash.ui.tables import show_table

NEW = -1  # the choice "add a new one" in the picker


@dataclass(frozen=True)
class Field:
    """One box of the form: the draft's field, its label, and the kind of box (text, area, number, check,
    choice with ``choices`` code -> label)."""

    name: str
    label: str
    kind: str = "text"
    help: str | None = None
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordForm:
    """How one kind of record is listed and edited."""

    key: str  # prefix of the widgets' keys, e.g. "org_group"
    noun: str  # e.g. "customer group"
    id_column: str
    draft: type  # the library's draft class, built from the fields' values
    save: Callable[..., int]  # save(store, draft, author, record_id) -> id
    fields: tuple[Field, ...]
    table: Callable[[Store], pd.DataFrame]
    columns: dict[str, Any]  # st.dataframe column_config for the table
    remove: Callable[[Store, int, str], None] | None = None

    @property
    def feedback(self) -> FormFeedback:
        return FormFeedback(self.key)


def record_editor(form: RecordForm, store: Store) -> None:
    """The records in a table, a picker of the one to change (or a new one), and its form."""
    records = cached(form.table, store)
    show_table(records, f"{form.key}.csv", key=f"{form.key}_table", column_config=form.columns)
    names = dict(zip(records[form.id_column], records["name"], strict=True))
    chosen = st.selectbox(f"Add or change a {form.noun}", [NEW, *names], key=f"{form.key}_chosen",
                          format_func=lambda key: f"New {form.noun}" if key == NEW else f"Change {names[key]}")
    row = {} if chosen == NEW else records.set_index(form.id_column).loc[chosen].to_dict()
    defaults = form.draft(name="")
    feedback = form.feedback
    feedback.flash()
    with st.form(f"{form.key}_form_{chosen}", border=True, enter_to_submit=False):
        for box in form.fields:
            value = row.get(box.name, getattr(defaults, box.name))
            _draw(box, None if value is None or (isinstance(value, float) and pd.isna(value)) else value,
                  f"{form.key}_{chosen}_{box.name}")
            feedback.error(box.name)
        st.form_submit_button(f"Save {form.noun}" if chosen == NEW else "Save changes", type="primary",
                              on_click=_save, args=(form, store, chosen))
    feedback.error("author")
    feedback.error("form")
    if form.remove is not None and chosen != NEW:
        st.button(f"Remove {names[chosen]}", key=f"{form.key}_remove_{chosen}", on_click=_remove,
                  args=(form, store, chosen), help=f"Only a {form.noun} nothing refers to can be removed.")


def _draw(box: Field, value: Any, key: str) -> None:
    if box.kind == "area":
        st.text_area(box.label, value or "", key=key, help=box.help, max_chars=1_000, height=80)
    elif box.kind == "number":
        st.number_input(box.label, value=None if value is None else int(value), step=1, key=key, help=box.help)
    elif box.kind == "check":
        st.checkbox(box.label, value=bool(value), key=key, help=box.help)
    elif box.kind == "choice":
        options = list(box.choices)
        st.selectbox(box.label, options, index=options.index(value) if value in options else 0, key=key,
                     format_func=box.choices.get, help=box.help)
    else:
        st.text_input(box.label, value or "", key=key, help=box.help, max_chars=200)


def _save(form: RecordForm, store: Store, chosen: int) -> None:
    """Submit callback: the draft from the boxes, saved under the signed name; problems shown by field."""
    state = st.session_state
    values = {box.name: state.get(f"{form.key}_{chosen}_{box.name}") for box in form.fields}
    draft = form.draft(**{name: ("" if value is None and isinstance(getattr(form.draft(name=""), name), str)
                                 else value) for name, value in values.items()})
    record_id = None if chosen == NEW else int(chosen)
    if form.feedback.attempt(lambda: form.save(store, draft, acting_account(store), record_id)):
        form.feedback.succeeded(f"Saved the {form.noun} {draft.name.strip()!r}.")
        if chosen == NEW:  # an empty form for the next one
            for box in form.fields:
                state.pop(f"{form.key}_{chosen}_{box.name}", None)


def _remove(form: RecordForm, store: Store, chosen: int) -> None:
    if form.remove is not None and form.feedback.attempt(lambda: form.remove(store, int(chosen), acting_account(store))):
        form.feedback.succeeded(f"Removed the {form.noun}.")
        st.session_state[f"{form.key}_chosen"] = NEW
