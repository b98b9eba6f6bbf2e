"""Drag-and-drop pieces (the curriculum, a quiz's questions), wrapping @dnd-kit through JSX.

dnd-kit's hooks (useSortable, useDroppable, useSensors) only run inside React components,
so sortable.jsx holds five tiny components and these classes make them Reflex components.
The npm packages are declared here (lib_dependencies), so Reflex adds them to the frontend's
package.json and a clean clone installs them with the first build.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

DND_PACKAGES = ["@dnd-kit/core@6.3.1", "@dnd-kit/sortable@10.0.0", "@dnd-kit/utilities@3.2.2"]
_JSX = rx.asset("sortable.jsx", shared=True).importable_path


def _layout_event(layout: rx.Var[list[list[Any]]]) -> tuple[rx.Var[list[list[Any]]]]:
    return (layout,)


def _ids_event(ids: rx.Var[list[int]]) -> tuple[rx.Var[list[int]]]:
    return (ids,)


class _DndPart(rx.Component):
    library = _JSX
    lib_dependencies: list[str] = DND_PACKAGES


class CurriculumDnd(_DndPart):
    """The drag-and-drop area: pointer and keyboard sensors, and what a drop means."""

    tag = "CurriculumDnd"
    layout: rx.Var[list[Any]]
    on_move_sections: rx.EventHandler[_ids_event]
    on_move_lessons: rx.EventHandler[_layout_event]


class SortableDnd(_DndPart):
    """The drag-and-drop area of one plain list: a drop reports all its ids in the new order."""

    tag = "SortableDnd"
    items: rx.Var[list[Any]]
    on_move: rx.EventHandler[_ids_event]


class SortableList(_DndPart):
    """The items of one list (the sections, or one section's lessons), in order."""

    tag = "SortableList"
    kind: rx.Var[str]
    items: rx.Var[list[Any]]


class SortableItem(_DndPart):
    """One movable row with its drag handle (a button named by `handle_label`)."""

    tag = "SortableItem"
    kind: rx.Var[str]
    item_id: rx.Var[int]
    label: rx.Var[str]
    handle_label: rx.Var[str]


class SectionDrop(_DndPart):
    """A section's lesson area, so lessons can be dropped at its end or into it when empty."""

    tag = "SectionDrop"
    section_id: rx.Var[int]
    label: rx.Var[str]
    empty: rx.Var[bool]


curriculum_dnd = CurriculumDnd.create
sortable_dnd = SortableDnd.create
sortable_list = SortableList.create
sortable_item = SortableItem.create
section_drop = SectionDrop.create
