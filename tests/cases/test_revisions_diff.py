"""The readable diff of two case documents (cases/diff.py): plain dicts in, changes out."""

from __future__ import annotations

import copy

from cases.diff import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    MOVED,
    REMOVED,
    SKIP,
    changed_labels,
    diff_documents,
    text_segments,
)
from cases.document import empty_document


def a_document(**fields) -> dict:
    document = empty_document()
    document.update(
        id=7,
        title="Calcific tendinitis of the gluteus maximus",
        patient={"age": 52, "age_unit": "years", "age_display": "52 years", "sex": "female"},
        clinical_history="Acute right hip pain for three days, no trauma.",
        imaging_findings="Amorphous calcification posterior to the femur.",
        sections=[
            {"kind": "background", "heading": "Background", "body": "Common in the shoulder."},
            {"kind": "discussion", "heading": "Discussion", "body": "Rare at the hip."},
            {"kind": "management", "heading": "Management", "body": "Conservative care."},
        ],
        teaching_points=[
            "Calcific tendinitis can mimic infection.",
            "Look for cortical erosion.",
            "Most cases settle without surgery.",
        ],
        final_diagnosis="Calcific tendinitis",
        diagnostic_certainty="almost_certain",
    )
    document.update(fields)
    return document


def edited(document: dict) -> dict:
    return copy.deepcopy(document)


def change_of(changes, key):
    matches = [change for change in changes if change.key == key]
    assert len(matches) == 1, f"expected one change of {key}, got {changed_labels(changes)}"
    return matches[0]


def ops(segments) -> list[tuple[str, str]]:
    return [(segment.op, segment.text) for segment in segments]


def test_identical_documents_have_no_changes():
    assert diff_documents(a_document(), a_document()) == []


def test_bookkeeping_keys_are_not_changes():
    old = a_document()
    new = edited(old)
    new.update(
        id=8,
        version=4,
        status="published",
        updated_at="2025-01-02T10:00:00+00:00",
        published_at="2025-01-02T10:00:00+00:00",
        cite={"text": "New citation", "url": "https://example.org/cases/8/"},
    )
    assert diff_documents(old, new) == []


def test_changed_word_in_clinical_history_is_highlighted_word_by_word():
    old = a_document()
    new = edited(old)
    new["clinical_history"] = "Acute left hip pain for three days, no trauma."

    [change] = diff_documents(old, new)

    assert (change.key, change.label, change.kind) == (
        "clinical_history",
        "Clinical history",
        "text",
    )
    assert ops(change.segments) == [
        (EQUAL, "Acute "),
        (DELETE, "right"),
        (INSERT, "left"),
        (EQUAL, " hip pain for three days, no trauma."),
    ]


def test_replaced_phrase_reads_as_one_deletion_and_one_insertion():
    segments = text_segments("pain in the right hip", "pain in both knees")

    assert ops(segments) == [
        (EQUAL, "pain in "),
        (DELETE, "the right hip"),
        (INSERT, "both knees"),
    ]


def test_long_unchanged_text_is_shortened_around_the_change():
    words = " ".join(f"word{number}" for number in range(60))
    segments = text_segments(words + " end.", words + " finish.")

    assert segments[0].op == SKIP
    assert segments[1].op == EQUAL and segments[1].text.split()[-1] == "word59"
    assert len(segments[1].text.split()) == 10
    assert ops(segments[2:]) == [(DELETE, "end"), (INSERT, "finish"), (EQUAL, ".")]


def test_text_added_where_there_was_none_is_one_insertion():
    old = a_document(certainty_basis=None)
    new = a_document(certainty_basis="Follow-up radiographs at six weeks.")

    [change] = diff_documents(old, new)

    assert change.label == "Certainty basis"
    assert ops(change.segments) == [(INSERT, "Follow-up radiographs at six weeks.")]


def test_choice_fields_show_readable_labels():
    old = a_document()
    new = a_document(diagnostic_certainty="certain", visibility="unlisted", in_unknown_mode=True)

    changes = diff_documents(old, new)

    certainty = change_of(changes, "diagnostic_certainty")
    assert (certainty.kind, certainty.old, certainty.new) == ("value", "Almost certain", "Certain")
    assert change_of(changes, "visibility").new == "Unlisted"
    assert (
        change_of(changes, "in_unknown_mode").old,
        change_of(changes, "in_unknown_mode").new,
    ) == (
        "No",
        "Yes",
    )


def test_changes_come_in_the_order_a_case_is_read():
    old = a_document()
    new = edited(old)
    new["teaching_points"].append("A new point.")
    new["title"] = "Calcific tendinitis at the hip"
    new["rights"]["licence"] = "CC-BY-4.0"
    new["clinical_history"] = "Sudden hip pain."

    assert changed_labels(diff_documents(old, new)) == [
        "Title",
        "Clinical history",
        "Teaching points",
        "Rights",
    ]


def test_teaching_point_added_at_the_top_does_not_mark_the_others_changed():
    old = a_document()
    new = edited(old)
    new["teaching_points"].insert(0, "Check the opposite side.")

    [change] = diff_documents(old, new)

    assert change.label == "Teaching points"
    [item] = change.items
    assert (item.action, item.new_position) == (ADDED, 1)
    assert ops(item.segments) == [(INSERT, "Check the opposite side.")]


def test_teaching_point_removed_is_reported_where_it_was():
    old = a_document()
    new = edited(old)
    del new["teaching_points"][1]

    [item] = diff_documents(old, new)[0].items

    assert (item.action, item.old_position) == (REMOVED, 2)
    assert ops(item.segments) == [(DELETE, "Look for cortical erosion.")]


def test_edited_teaching_point_shows_its_changed_words():
    old = a_document()
    new = edited(old)
    new["teaching_points"][1] = "Look carefully for cortical erosion."

    [item] = diff_documents(old, new)[0].items

    assert (item.action, item.old_position, item.new_position, item.moved) == (CHANGED, 2, 2, False)
    assert [(op, text.strip()) for op, text in ops(item.segments)] == [
        (EQUAL, "Look"),
        (INSERT, "carefully"),
        (EQUAL, "for cortical erosion."),
    ]
    assert "".join(segment.text for segment in item.segments) == new["teaching_points"][1]


def test_teaching_point_moved_to_the_end_is_the_only_item_reported():
    old = a_document()
    new = edited(old)
    new["teaching_points"].append(new["teaching_points"].pop(0))

    [item] = diff_documents(old, new)[0].items

    assert item.action == MOVED
    assert item.moved
    assert (item.old_position, item.new_position) == (1, 3)
    assert item.title == "Calcific tendinitis can mimic infection."


def test_replaced_teaching_point_is_one_removal_then_one_addition_in_place():
    old = a_document()
    new = edited(old)
    new["teaching_points"] = [
        "Calcific tendinitis can mimic infection.",
        "Ultrasound guides lavage.",
        "Most cases settle without surgery.",
    ]

    items = diff_documents(old, new)[0].items

    # Unrelated wording: a different point, not an edit of the old one.
    assert [(item.action, item.old_position, item.new_position) for item in items] == [
        (REMOVED, 2, None),
        (ADDED, None, 2),
    ]


def test_section_is_recognised_by_its_heading_when_its_body_is_rewritten():
    old = a_document()
    new = edited(old)
    new["sections"][1]["body"] = (
        "Uncommon around the hip; the gluteus maximus insertion is typical."
    )

    [change] = diff_documents(old, new)
    [item] = change.items

    assert (change.label, item.action, item.title) == ("Sections", CHANGED, "Discussion")
    [body] = item.changes
    assert (body.label, body.kind) == ("Text", "text")
    assert (DELETE, "Rare at") in ops(body.segments)


def test_section_added_removed_and_moved_together():
    old = a_document()
    new = edited(old)
    background, discussion, management = new["sections"]
    new["sections"] = [
        {"kind": "outcome", "heading": "Outcome", "body": "Pain settled in four weeks."},
        management,
        background,
    ]

    items = diff_documents(old, new)[0].items
    by_title = {item.title: item for item in items}

    assert by_title["Outcome"].action == ADDED
    assert [
        (c.label, ops(c.segments)) for c in by_title["Outcome"].changes if c.kind == "text"
    ] == [
        ("Heading", [(INSERT, "Outcome")]),
        ("Text", [(INSERT, "Pain settled in four weeks.")]),
    ]
    assert (by_title["Discussion"].action, by_title["Discussion"].old_position) == (REMOVED, 2)
    moved = [item for item in items if item.action == MOVED]
    assert len(moved) == 1 and moved[0].title in {"Background", "Management"}


def test_renamed_section_with_similar_text_is_one_changed_section():
    old = a_document()
    new = edited(old)
    new["sections"][0]["heading"] = "Background and epidemiology"

    [item] = diff_documents(old, new)[0].items

    assert item.action == CHANGED
    assert [change.label for change in item.changes] == ["Heading"]


def test_figure_caption_change_inside_a_study():
    study = {
        "modality": "CT",
        "label": "CT pelvis",
        "timing": "Day 1",
        "findings": "Calcific focus.",
        "figures": [
            {"label": "Fig 1", "caption": "Axial CT.", "alt_text": "CT", "status": "ready"},
            {"label": "Fig 2", "caption": "Coronal CT.", "alt_text": "CT", "status": "ready"},
        ],
    }
    old = a_document(studies=[study])
    new = edited(old)
    new["studies"][0]["figures"][1]["caption"] = "Coronal CT, bone window."

    [change] = diff_documents(old, new)
    [study_change] = change.items
    [figures] = study_change.changes
    [figure] = figures.items

    assert (study_change.title, figures.label, figure.title) == ("CT pelvis", "Figures", "Fig 2")
    [caption] = figure.changes
    assert caption.label == "Caption"
    assert (INSERT, ", bone window") in ops(caption.segments)


def test_patient_changes_are_listed_per_key_with_labels():
    old = a_document()
    new = edited(old)
    new["patient"] = {"age": 53, "age_unit": "years", "age_display": "53 years", "sex": "female"}

    [change] = diff_documents(old, new)

    assert (change.label, change.kind) == ("Patient", "group")
    [age] = change.changes
    assert (age.label, age.old, age.new) == ("Age", "52 years", "53 years")


def test_patient_added_to_a_case_without_one():
    old = a_document(patient=None)
    new = a_document(patient={"age": 95, "age_unit": "years", "age_display": "90+", "sex": "male"})

    [change] = diff_documents(old, new)

    assert [(c.label, c.old, c.new) for c in change.changes] == [
        ("Age", "(not set)", "90+"),
        ("Sex", "(not set)", "Male"),
    ]


def test_rights_changes_are_listed_per_key_with_labels():
    old = a_document()
    new = edited(old)
    new["rights"].update(
        licence="CC-BY-4.0", consent="obtained", consent_statement="Written consent on file."
    )

    [change] = diff_documents(old, new)

    assert change.label == "Rights"
    assert [(c.label, c.kind) for c in change.changes] == [
        ("Licence", "value"),
        ("Patient consent", "value"),
        ("Consent statement", "text"),
    ]
    consent = change.changes[1]
    assert (consent.old, consent.new) == ("Unknown", "Obtained")


def test_rehabilitation_prescription_changes_per_fitt_vp_key():
    old = a_document(rehabilitation={"frequency": "Daily", "intensity": "Low"})
    new = a_document(rehabilitation={"frequency": "Twice daily", "intensity": "Low"})

    [change] = diff_documents(old, new)

    assert change.label == "Rehabilitation (FITT-VP)"
    assert [c.label for c in change.changes] == ["Frequency"]


def test_quiz_answer_is_shown_as_the_chosen_option():
    question = {
        "stem": "Most likely diagnosis?",
        "options": ["Infection", "Calcific tendinitis"],
        "answer": 0,
        "explanation": "",
    }
    old = a_document(questions=[question])
    new = edited(old)
    new["questions"][0]["answer"] = 1

    [item] = diff_documents(old, new)[0].items
    [answer] = item.changes

    assert (answer.label, answer.old, answer.new) == (
        "Correct answer",
        "A: Infection",
        "B: Calcific tendinitis",
    )


def test_systems_and_tags_report_additions_and_removals():
    old = a_document(
        systems=["musculoskeletal"], tags=[{"name": "calcification", "scheme": "custom"}]
    )
    new = a_document(systems=["musculoskeletal", "head_neck"], tags=[])

    changes = diff_documents(old, new)

    [system] = change_of(changes, "systems").items
    assert (system.action, system.title) == (ADDED, "Head and neck")
    [tag] = change_of(changes, "tags").items
    assert (tag.action, tag.title) == (REMOVED, "calcification")


def test_old_snapshot_missing_keys_is_compared_without_error():
    old = {"title": "Calcific tendinitis", "teaching_points": None, "patient": None}
    new = a_document()

    labels = changed_labels(diff_documents(old, new))

    assert labels[0] == "Title"
    assert "Teaching points" in labels and "Sections" in labels and "Patient" in labels


def test_odd_values_never_raise():
    odd = {
        "title": 42,
        "patient": "unknown",
        "studies": [None, "CT", {"figures": None}],
        "sections": {"not": "a list"},
        "teaching_points": [None, 3, "Point"],
        "rights": None,
        "questions": [{"answer": "x", "options": None}],
    }

    assert diff_documents(odd, a_document())
    assert diff_documents(a_document(), odd)
    assert diff_documents(None, None) == []
    assert diff_documents(odd, copy.deepcopy(odd)) == []


def test_context_kept_after_an_ellipsis_starts_on_a_word():
    prefix = " ".join(f"word{number}" for number in range(40))
    tail = "; one two three four five six seven eight nine"
    segments = text_segments(f"{prefix}{tail} end.", f"{prefix}{tail} finish.")

    assert segments[0].op == SKIP
    assert segments[1].text.startswith("one two")
