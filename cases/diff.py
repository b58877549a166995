"""Readable differences between two canonical case documents (see `cases/document.py`).

Plain dicts in, plain dataclasses out (only the choice labels come from the models), so it
works on stored revision snapshots of any age: missing keys and `None` values are read as
empty, and nothing here raises on odd input.

`diff_documents(old, new)` walks the fields in the order a case is read and returns one
`FieldChange` per changed field:

- `kind == "text"`: `segments`, a word-level diff (`equal` / `insert` / `delete`, and `skip`
  where a long unchanged stretch was shortened to an ellipsis);
- `kind == "value"`: a choice, flag or number, shown as `old` → `new` display strings;
- `kind == "list"`: `items`, the items added, removed, moved or changed (`ItemChange`);
- `kind == "group"`: `changes`, the changed keys of a nested block (patient, rights…).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .diff_fields import DOCUMENT, NOT_SET, Spec, as_dict, as_list, as_text, display, short

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"
SKIP = "skip"

ADDED = "added"
REMOVED = "removed"
MOVED = "moved"
CHANGED = "changed"

# Unchanged words kept on each side of a change; longer unchanged stretches become "…".
CONTEXT_WORDS = 10
# Below this similarity two list items count as different items, not one edited item.
SAME_ITEM_RATIO = 0.5
# Pairwise similarity is quadratic; past this many pairs only exact and named matches count.
MAX_FUZZY_PAIRS = 10_000


@dataclass
class Segment:
    op: str  # "equal", "insert", "delete", or "skip" for an elided unchanged stretch
    text: str


@dataclass
class ItemChange:
    action: str  # "added", "removed", "moved" or "changed"
    title: str  # how a reader recognises the item: its heading, label, diagnosis…
    old_position: int | None = None  # 1-based
    new_position: int | None = None
    moved: bool = False  # also true for a changed item whose position changed
    segments: list[Segment] = field(default_factory=list)  # items that are plain text
    changes: list[FieldChange] = field(default_factory=list)  # items with fields


@dataclass
class FieldChange:
    key: str
    label: str
    kind: str  # "text", "value", "list" or "group"
    segments: list[Segment] = field(default_factory=list)
    old: str = ""
    new: str = ""
    items: list[ItemChange] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)


# --- comparing -----------------------------------------------------------------------------


def diff_documents(old: dict | None, new: dict | None) -> list[FieldChange]:
    """What changed from `old` to `new`, field by field in reading order; [] when nothing did."""
    return _diff_fields(as_dict(old), as_dict(new), DOCUMENT)


def changed_labels(changes: list[FieldChange]) -> list[str]:
    """The labels of the changed fields, e.g. for a one-line summary of an edit."""
    return [change.label for change in changes]


def _diff_fields(old: dict, new: dict, specs: tuple[Spec, ...]) -> list[FieldChange]:
    changes = []
    for spec in specs:
        change = _diff_field(old, new, spec)
        if change is not None:
            changes.append(change)
    return changes


def _diff_field(old: dict, new: dict, spec: Spec) -> FieldChange | None:
    if spec.kind == "text":
        before, after = as_text(old.get(spec.key)), as_text(new.get(spec.key))
        if before == after:
            return None
        return FieldChange(spec.key, spec.label, "text", segments=text_segments(before, after))
    if spec.kind == "value":
        return _diff_value(old, new, spec)
    if spec.kind == "group":
        fields = _diff_fields(as_dict(old.get(spec.key)), as_dict(new.get(spec.key)), spec.fields)
        return FieldChange(spec.key, spec.label, "group", changes=fields) if fields else None
    items = _diff_items(as_list(old.get(spec.key)), as_list(new.get(spec.key)), spec)
    return FieldChange(spec.key, spec.label, "list", items=items) if items else None


def _diff_value(old: dict, new: dict, spec: Spec) -> FieldChange | None:
    read = spec.read or (lambda container: container.get(spec.key))
    before, after = read(old), read(new)
    if before == after or (_blank(before) and _blank(after)):
        return None
    if spec.show:
        shown_before, shown_after = spec.show(before, old), spec.show(after, new)
    else:
        shown_before, shown_after = display(before, spec.choices), display(after, spec.choices)
    if shown_before == shown_after:
        shown_after += " (edited)"
    return FieldChange(spec.key, spec.label, "value", old=shown_before, new=shown_after)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


# --- text --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def text_segments(old: str, new: str, *, context: int = CONTEXT_WORDS) -> list[Segment]:
    """A word-level diff of two texts, with long unchanged stretches shortened."""
    old_tokens, new_tokens = _tokens(old or ""), _tokens(new or "")
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    raw: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            raw.append(Segment(EQUAL, "".join(old_tokens[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Segment(DELETE, "".join(old_tokens[i1:i2])))
        if j2 > j1:
            raw.append(Segment(INSERT, "".join(new_tokens[j1:j2])))
    return _elide(_merge_changes(raw), context)


def _merge_changes(segments: list[Segment]) -> list[Segment]:
    """Read "old words → new words" as one change, not word-by-word confetti.

    A lone space or punctuation mark left unchanged between two changes is folded into them,
    then every run of changes becomes one deletion followed by one insertion.
    """
    folded: list[Segment] = []
    for index, segment in enumerate(segments):
        between_changes = (
            segment.op == EQUAL
            and 0 < index < len(segments) - 1
            and segments[index - 1].op != EQUAL
            and segments[index + 1].op != EQUAL
            and not any(token.isalnum() for token in _tokens(segment.text))
            and len(segment.text) <= 3
        )
        if between_changes:
            folded += [Segment(DELETE, segment.text), Segment(INSERT, segment.text)]
        else:
            folded.append(segment)

    merged: list[Segment] = []
    deleted, inserted = "", ""
    for segment in folded + [Segment(EQUAL, "")]:
        if segment.op == DELETE:
            deleted += segment.text
        elif segment.op == INSERT:
            inserted += segment.text
        else:
            if deleted:
                merged.append(Segment(DELETE, deleted))
            if inserted:
                merged.append(Segment(INSERT, inserted))
            deleted, inserted = "", ""
            if segment.text:
                merged.append(segment)
    return merged


def _elide(segments: list[Segment], context: int) -> list[Segment]:
    shortened: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment.op != EQUAL:
            shortened.append(segment)
            continue
        tokens = _tokens(segment.text)
        words = [position for position, token in enumerate(tokens) if not token.isspace()]
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        if len(words) <= keep_head + keep_tail + 3:
            shortened.append(segment)
            continue
        if keep_head:
            shortened.append(Segment(EQUAL, "".join(tokens[: words[keep_head - 1] + 1])))
        shortened.append(Segment(SKIP, "…"))
        if keep_tail:
            # Start the kept context on a word, not on a stray comma.
            start = words[-keep_tail]
            while start < len(tokens) - 1 and not tokens[start][0].isalnum():
                start += 1
            shortened.append(Segment(EQUAL, "".join(tokens[start:])))
    return shortened


# --- ordered lists -------------------------------------------------------------------------


def _diff_items(old_items: list, new_items: list, spec: Spec) -> list[ItemChange]:
    if spec.kind == "strings":
        old_items = [as_text(item) for item in old_items]
        new_items = [as_text(item) for item in new_items]
    else:
        old_items = [as_dict(item) for item in old_items]
        new_items = [as_dict(item) for item in new_items]
    pairs = _match(old_items, new_items, spec)
    moved = _moved(pairs)

    entries: list[tuple[tuple[int, int, int], ItemChange]] = []
    for old_index, new_index in pairs.items():
        change = _item_change(old_items[old_index], new_items[new_index], spec)
        is_moved = old_index in moved
        if change is None and not is_moved:
            continue
        if change is None:
            change = ItemChange(MOVED, _title(new_items[new_index], spec))
        change.old_position, change.new_position = old_index + 1, new_index + 1
        change.moved = is_moved
        entries.append(((new_index, 1, 0), change))

    matched_new = set(pairs.values())
    for new_index, item in enumerate(new_items):
        if new_index not in matched_new:
            change = _whole_item(ADDED, item, spec)
            change.new_position = new_index + 1
            entries.append(((new_index, 1, 0), change))

    # A removed item is shown where it used to be: after the kept item that preceded it.
    for old_index, item in enumerate(old_items):
        if old_index in pairs:
            continue
        before = [pairs[i] for i in range(old_index) if i in pairs and i not in moved]
        change = _whole_item(REMOVED, item, spec)
        change.old_position = old_index + 1
        entries.append(((before[-1] if before else -1, 2, old_index), change))

    return [change for _, change in sorted(entries, key=lambda entry: entry[0])]


def _title(item: Any, spec: Spec) -> str:
    if spec.kind == "strings":
        return short(display(item, spec.choices) if spec.choices else item) or NOT_SET
    return spec.title(item) if spec.title else spec.label


def _whole_item(action: str, item: Any, spec: Spec) -> ItemChange:
    change = ItemChange(action, _title(item, spec))
    if spec.kind == "strings":
        if not spec.choices:
            change.segments = [Segment(INSERT if action == ADDED else DELETE, item)]
    else:
        empty: dict = {}
        before, after = (empty, item) if action == ADDED else (item, empty)
        change.changes = _diff_fields(before, after, spec.fields)
    return change


def _item_change(old: Any, new: Any, spec: Spec) -> ItemChange | None:
    if old == new:
        return None
    if spec.kind == "strings":
        return ItemChange(CHANGED, _title(new, spec), segments=text_segments(old, new))
    changes = _diff_fields(old, new, spec.fields)
    if not changes:
        return None
    return ItemChange(CHANGED, _title(new, spec), changes=changes)


def _match(old_items: list, new_items: list, spec: Spec) -> dict[int, int]:
    """Pair old items with new ones: identical first, then by name, then by similarity."""
    pairs: dict[int, int] = {}
    free_new = list(range(len(new_items)))

    def pair_where(same: Callable[[int, int], bool]) -> None:
        for old_index in range(len(old_items)):
            if old_index in pairs:
                continue
            for new_index in free_new:
                if same(old_index, new_index):
                    pairs[old_index] = new_index
                    free_new.remove(new_index)
                    break

    pair_where(lambda i, j: old_items[i] == new_items[j])
    identity = spec.identity
    if identity is not None:

        def same_name(i: int, j: int) -> bool:
            name = identity(old_items[i])
            return name is not None and name == identity(new_items[j])

        pair_where(same_name)

    free_old = [i for i in range(len(old_items)) if i not in pairs]
    if not spec.fuzzy or not free_old or not free_new:
        return pairs
    if len(free_old) * len(free_new) > MAX_FUZZY_PAIRS:
        return pairs
    old_words = {i: _tokens(_flatten(old_items[i])) for i in free_old}
    new_words = {j: _tokens(_flatten(new_items[j])) for j in free_new}
    candidates = []
    for i in free_old:
        for j in free_new:
            ratio = difflib.SequenceMatcher(None, old_words[i], new_words[j]).ratio()
            if ratio >= SAME_ITEM_RATIO:
                # Closest first; among equals, keep the original order.
                candidates.append((-ratio, abs(i - j), i, j))
    taken_new: set[int] = set()
    for _, _, i, j in sorted(candidates):
        if i not in pairs and j not in taken_new:
            pairs[i] = j
            taken_new.add(j)
    return pairs


def _flatten(item: Any) -> str:
    if isinstance(item, dict):
        return " ".join(_flatten(value) for value in item.values())
    if isinstance(item, list):
        return " ".join(_flatten(value) for value in item)
    return as_text(item)


def _moved(pairs: dict[int, int]) -> set[int]:
    """Old indexes of the items that changed place relative to the others.

    The longest run of pairs still in the same relative order stays put, so adding an item at
    the top does not make every item below it "moved".
    """
    ordered = sorted(pairs.items(), key=lambda pair: pair[1])
    olds = [old for old, _ in ordered]
    if not olds:
        return set()
    # Longest increasing subsequence of old indexes, in new order (O(n^2) is fine for a case).
    best = [1] * len(olds)
    previous = [-1] * len(olds)
    for k in range(len(olds)):
        for m in range(k):
            if olds[m] < olds[k] and best[m] + 1 > best[k]:
                best[k], previous[k] = best[m] + 1, m
    k = max(range(len(olds)), key=lambda index: best[index])
    kept = set()
    while k != -1:
        kept.add(olds[k])
        k = previous[k]
    return set(olds) - kept
