"""The member's path: every allowed transition, and every refused one with the reason."""
from __future__ import annotations

import itertools

import pytest

from lms.trainers.path import (EVENTS, STATE_LABELS, STATES, TRACKS, TransitionRefused, allowed_events, next_action,
                               next_state)

# (track, state, event) -> next state; written out by hand so that the table is checked, not restated.
C, R = "certification", "recertification"
ALLOWED = {
    (C, None, "nominate"): "nominated",
    (R, None, "nominate"): "nominated",
    (C, "nominated", "accept"): "accepted",
    (R, "nominated", "accept"): "accepted",
    (C, "nominated", "decline"): "declined",
    (R, "nominated", "decline"): "declined",
    (C, "accepted", "attend"): "in_training",
    (C, "in_training", "co_deliver"): "co_delivered",
    (C, "co_delivered", "co_deliver"): "co_delivered",
    (C, "not_yet_competent", "co_deliver"): "co_delivered",
    (C, "co_delivered", "observe"): "teach_back_observed",
    (C, "not_yet_competent", "observe"): "teach_back_observed",
    (R, "accepted", "observe"): "teach_back_observed",
    (R, "not_yet_competent", "observe"): "teach_back_observed",
    (C, "teach_back_observed", "pass"): "certified",
    (R, "teach_back_observed", "pass"): "certified",
    (C, "teach_back_observed", "fail"): "not_yet_competent",
    (R, "teach_back_observed", "fail"): "not_yet_competent",
}
for track in TRACKS:
    for state in ("nominated", "accepted", "in_training", "co_delivered", "teach_back_observed", "not_yet_competent"):
        ALLOWED[(track, state, "withdraw")] = "withdrawn"

EVERY = list(itertools.product(TRACKS, (None, *STATES), EVENTS))


@pytest.mark.parametrize("track, state, event", sorted(ALLOWED, key=str))
def test_allowed_transition(track, state, event):
    assert next_state(track, state, event) == ALLOWED[(track, state, event)]


@pytest.mark.parametrize("track, state, event", [c for c in EVERY if c not in ALLOWED], ids=str)
def test_refused_transition_says_why(track, state, event):
    with pytest.raises(TransitionRefused) as refused:
        next_state(track, state, event)
    message = refused.value.message
    assert message.startswith("Cannot ")
    if state in ("certified", "withdrawn", "declined"):
        assert f"this path has ended ({STATE_LABELS[state]})" in message
    elif state is None:
        assert "no nomination yet" in message
    else:
        assert f"while the member is {STATE_LABELS[state]}:" in message


def test_refusals_name_what_is_needed():
    with pytest.raises(TransitionRefused, match="after co-delivering a real workshop session"):
        next_state(C, "in_training", "observe")
    with pytest.raises(TransitionRefused, match="has attended a cohort meeting"):
        next_state(C, "accepted", "co_deliver")
    with pytest.raises(TransitionRefused, match="needs only the short teach-back"):
        next_state(R, "accepted", "co_deliver")
    with pytest.raises(TransitionRefused, match="Unknown step"):
        next_state(C, "accepted", "promote")
    with pytest.raises(TransitionRefused, match="Unknown track"):
        next_state("other", "accepted", "accept")


def test_allowed_events_and_next_actions_follow_the_table():
    for track, state in itertools.product(TRACKS, STATES):
        events = allowed_events(track, state)
        assert set(events) == {e for (t, s, e) in ALLOWED if t == track and s == state}
        if state in ("certified", "withdrawn", "declined"):
            assert events == () and next_action(track, state) == ""
    assert next_action(C, "co_delivered") == "Observe the teach-back"
    assert "short teach-back" in next_action(R, "accepted")
