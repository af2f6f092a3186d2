"""French-speaking trainers and lead trainers see the train-the-trainer pages, states and dates in French."""
from __future__ import annotations

from babel.dates import format_date

from lms.trainers.certification import valid_certification
from tests.trainers.conftest import TODAY


def test_a_french_trainer_sees_their_record_in_french(client, db, world, login):
    world.trainer.language = "fr"
    db.session.commit()
    login(world.trainer)
    page = client.get("/trainers/me").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Mon dossier de formateur" in page and "My trainer record" not in page
    expires = valid_certification(world.trainer, world.workshop, TODAY).expires_on
    assert "Votre certification expire dans" in page
    assert format_date(expires, "dd MMM y", locale="fr") in page


def test_a_french_lead_trainer_sees_the_cohort_in_french(client, db, world, login):
    world.lead.language = "fr"
    db.session.commit()
    login(world.lead)
    cohorts = client.get("/trainers/cohorts").get_data(as_text=True)
    assert "Mes cohortes" in cohorts or "Nouvelle cohorte" in cohorts
    assert "en cours" in cohorts  # the running cohort's state, translated
    page = client.get(f"/trainers/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Ajouter une réunion" in page and "Add a meeting" not in page
    assert "Clôturer la cohorte" in page


def test_a_refused_step_is_explained_in_the_readers_language(app):
    import pytest

    from lms.trainers.labels import refusal
    from lms.trainers.path import TransitionRefused, next_state

    with pytest.raises(TransitionRefused) as refused:
        next_state("certification", "in_training", "accept")
    english = "Cannot accept while the member is in training: only a nomination awaiting a decision can be accepted."
    assert refused.value.message == english  # the API and the logs keep the English sentence
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert refusal(refused.value) == ("Action impossible (acceptation) tant que le membre est en formation : "
                                          "seule une proposition en attente de décision peut être acceptée.")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refusal(refused.value) == english
