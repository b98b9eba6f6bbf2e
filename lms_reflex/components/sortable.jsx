// Drag and drop for the curriculum (sections, and lessons inside and between sections) and
// for plain lists such as a quiz's questions.
// Rendering stays in Reflex; this file only moves things and reports the new layout.
// Nothing is kept locally: after a drop the page shows what the server says.
import React from "react";
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";

const kindOf = (entry) => entry?.data?.current?.kind;

// A lesson lands on a lesson, or on a section's drop area (an empty section, or its end).
function accepts(activeKind, entry) {
  const kind = kindOf(entry);
  return activeKind === "section" ? kind === "section" : kind === "lesson" || kind === "drop";
}

function collide(args) {
  const activeKind = kindOf(args.active);
  const mine = args.droppableContainers.filter((c) => accepts(activeKind, c));
  if (activeKind === "section") {
    return closestCenter({ ...args, droppableContainers: mine });
  }
  const lessons = mine.filter((c) => kindOf(c) === "lesson");
  const drops = mine.filter((c) => kindOf(c) === "drop");
  if (args.pointerCoordinates) {
    const onLesson = pointerWithin({ ...args, droppableContainers: lessons });
    if (onLesson.length) return onLesson;
    const onDrop = pointerWithin({ ...args, droppableContainers: drops });
    if (onDrop.length) return onDrop;
  }
  const empty = drops.filter((c) => c.data.current.empty);
  return closestCenter({ ...args, droppableContainers: [...lessons, ...empty] });
}

// The keyboard moves a lesson to the next lesson (or empty section) and a section to the
// next section, never onto a container of the other kind.
function keyboardCoordinates(event, args) {
  const { context } = args;
  const activeKind = context.active?.data?.current?.kind;
  const all = context.droppableContainers;
  const enabled = all
    .getEnabled()
    .filter((c) => accepts(activeKind, c) && (kindOf(c) !== "drop" || c.data.current.empty));
  const narrowed = { getEnabled: () => enabled, get: (id) => all.get(id) };
  return sortableKeyboardCoordinates(event, {
    ...args,
    context: { ...context, droppableContainers: narrowed },
  });
}

function plainLayout(layout) {
  return (layout || []).map((s) => ({ id: s.id, lessons: (s.lessons || []).map((l) => l.id) }));
}

function belowMiddle(active, over) {
  const moved = active.rect.current.translated;
  return moved && over.rect && moved.top > over.rect.top + over.rect.height / 2;
}

function movedLessons(layout, active, over) {
  const lay = plainLayout(layout);
  const lessonId = active.data.current.ref;
  const target = over.data.current;
  const from = lay.find((s) => s.lessons.includes(lessonId));
  const to =
    target.kind === "drop"
      ? lay.find((s) => s.id === target.ref)
      : lay.find((s) => s.lessons.includes(target.ref));
  if (!from || !to) return null;
  if (from === to) {
    const a = from.lessons.indexOf(lessonId);
    const b = target.kind === "drop" ? from.lessons.length - 1 : from.lessons.indexOf(target.ref);
    if (a === b) return null;
    from.lessons = arrayMove(from.lessons, a, b);
  } else {
    from.lessons.splice(from.lessons.indexOf(lessonId), 1);
    let index = target.kind === "drop" ? to.lessons.length : to.lessons.indexOf(target.ref);
    if (target.kind === "lesson" && belowMiddle(active, over)) index += 1;
    to.lessons.splice(index, 0, lessonId);
  }
  return lay.map((s) => [s.id, s.lessons]);
}

// One list's ids after `active` is dropped on `over` (null when nothing moved).
function movedIds(ids, active, over) {
  const a = ids.indexOf(active.data.current.ref);
  const b = ids.indexOf(over.data.current.ref);
  if (a < 0 || b < 0 || a === b) return null;
  return arrayMove(ids, a, b);
}

function movedSections(layout, active, over) {
  return movedIds(plainLayout(layout).map((s) => s.id), active, over);
}

const ANNOUNCE = {
  onDragStart: ({ active }) => `Picked up ${active.data.current?.label}.`,
  onDragOver: ({ active, over }) =>
    over ? `${active.data.current?.label} is over ${over.data.current?.label}.` : "Not over a place to drop.",
  onDragEnd: ({ active, over }) =>
    over ? `Dropped ${active.data.current?.label} at ${over.data.current?.label}.` : "Dropped.",
  onDragCancel: ({ active }) => `Moving ${active.data.current?.label} was cancelled.`,
};

export function CurriculumDnd({ layout, onMoveSections, onMoveLessons, children }) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates })
  );
  const onDragEnd = ({ active, over }) => {
    if (!over || active.id === over.id) return;
    if (kindOf(active) === "section") {
      const ids = movedSections(layout, active, over);
      if (ids && onMoveSections) onMoveSections(ids);
    } else {
      const lay = movedLessons(layout, active, over);
      if (lay && onMoveLessons) onMoveLessons(lay);
    }
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collide}
      onDragEnd={onDragEnd}
      accessibility={{ announcements: ANNOUNCE }}
    >
      {children}
    </DndContext>
  );
}

// One plain list (a quiz's questions): pointer and keyboard, and the new order of ids on a drop.
export function SortableDnd({ items, onMove, children }) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates })
  );
  const onDragEnd = ({ active, over }) => {
    if (!over || active.id === over.id) return;
    const ids = movedIds((items || []).map((item) => item.id), active, over);
    if (ids && onMove) onMove(ids);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements: ANNOUNCE }}
    >
      {children}
    </DndContext>
  );
}

export function SortableList({ kind, items, children }) {
  const ids = (items || []).map((item) => `${kind}-${item.id}`);
  return (
    <SortableContext items={ids} strategy={verticalListSortingStrategy}>
      {children}
    </SortableContext>
  );
}

const HANDLE_STYLE = {
  cursor: "grab",
  touchAction: "none",
  border: "none",
  background: "transparent",
  color: "var(--gray-11)",
  fill: "currentColor",
  padding: "var(--space-2)",
  borderRadius: "var(--radius-2)",
  lineHeight: 0,
};

export function SortableItem({ kind, itemId, label, handleLabel, children }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: `${kind}-${itemId}`, data: { kind, ref: itemId, label } });
  const style = {
    transform: CSS.Translate.toString(transform),
    transition,
    position: "relative",
    zIndex: isDragging ? 10 : undefined,
    opacity: isDragging ? 0.85 : 1,
    display: "flex",
    alignItems: "flex-start",
    gap: "var(--space-2)",
    width: "100%",
  };
  return (
    <div ref={setNodeRef} style={style} data-sortable-kind={kind}>
      <button
        ref={setActivatorNodeRef}
        type="button"
        {...attributes}
        {...listeners}
        aria-label={handleLabel}
        aria-roledescription="drag handle"
        style={HANDLE_STYLE}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <circle cx="5" cy="3" r="1.5" /><circle cx="11" cy="3" r="1.5" />
          <circle cx="5" cy="8" r="1.5" /><circle cx="11" cy="8" r="1.5" />
          <circle cx="5" cy="13" r="1.5" /><circle cx="11" cy="13" r="1.5" />
        </svg>
      </button>
      <div style={{ flex: 1, minWidth: 0 }}>{children}</div>
    </div>
  );
}

export function SectionDrop({ sectionId, label, empty, children }) {
  const { setNodeRef, isOver } = useDroppable({
    id: `drop-${sectionId}`,
    data: { kind: "drop", ref: sectionId, label, empty: !!empty },
  });
  // The full width of its section, so lesson rows do too (issue 17).
  const style = {
    width: "100%",
    boxSizing: "border-box",
    minHeight: "3rem",
    padding: "var(--space-2)",
    borderRadius: "var(--radius-2)",
    outline: isOver ? "2px dashed var(--accent-9)" : "1px dashed var(--gray-a6)",
  };
  return (
    <div ref={setNodeRef} style={style}>
      {children}
    </div>
  );
}
