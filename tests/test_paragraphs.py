"""Paragraphs: edited in place (changed) vs a different paragraph in its place (added + removed)."""

from __future__ import annotations

from monitor.analysis import paragraphs


def counts(old, new):
    found = paragraphs.changes(old, new)
    return len(found.changed), len(found.added), len(found.removed)


def test_a_paragraph_edited_in_place_is_changed():
    old = "Police said three people were hurt in the crash on Monday. The road was closed."
    new = "Police said five people were hurt in the crash on Monday. The road reopened later."
    assert counts(old, new) == (1, 0, 0)


def test_a_different_paragraph_in_its_place_is_added_and_removed():
    old = "Anglers on the east bank caught the most fish, helped by calm water."
    new = "Ministers will meet on Friday to agree the budget before the summer recess."
    assert counts(old, new) == (0, 1, 1)


def test_sentences_that_survive_make_the_same_paragraph():
    old = (
        "The minister resigned on Tuesday. She had led the ministry for two years. "
        "Her deputy takes over. Officials declined to comment."
    )
    new = (
        "Editor's note: this report was updated. The minister resigned on Tuesday. "
        "She had led the ministry for two years. Her deputy takes over for now."
    )
    assert counts(old, new) == (1, 0, 0)


def test_structurally_identical_edits_are_named_the_same_way():
    # one decision for the same kind of edit, wherever it sits in the text
    base = "A paragraph that stays.\n\n{}\n\nAnother paragraph that stays."
    edit_old = "The council voted 7 to 2 to approve the plan on Monday evening."
    edit_new = "The council voted 8 to 1 to approve the plan on Monday evening."
    assert counts(base.format(edit_old), base.format(edit_new)) == (1, 0, 0)
    assert counts(edit_old, edit_new) == (1, 0, 0)


def test_a_punctuation_only_edit_is_a_changed_paragraph():
    assert counts("The well-known firm reported it.", "The well known firm reported it.") == (
        1,
        0,
        0,
    )


def test_a_paragraph_that_only_moved_is_not_an_edit():
    old = "First point here.\n\nSecond point here.\n\nThird point here."
    new = "Second point here.\n\nFirst point here.\n\nThird point here."
    assert counts(old, new) == (0, 0, 0)


def test_differences_from_a_cut_are_ignored():
    full = (
        "Back up your phone often, since thefts now happen daily.\n\n"
        "Cloud storage is cheap and keeps photos safe.\n\nContinue reading..."
    )
    cut = "Back up your phone often, since thefts now hap"
    assert counts(cut, full) == (0, 0, 0)
    assert counts(
        "The toll rose to 12 as rescuers searched the...",
        "The toll rose to 12 as rescuers searched the rubble overnight.",
    ) == (0, 0, 0)


def test_text_added_after_a_finished_sentence_is_an_edit():
    old = "Officers stopped 9 drivers, the spokesman wrote."
    new = "Officers stopped 9 drivers, the spokesman wrote. A judge ordered a review."
    assert counts(old, new) == (1, 0, 0)
