"""The demo: certified trainers at every site, and a running cohort with members at every stage."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.core.demo import DEMO_PASSWORD, seed_demo
from lms.org.models import Employee, Site
from lms.trainers.certification import certified_trainers, due_certification_reminders, valid_certification
from lms.trainers.models import Cohort, CohortMember


def _seeded(db):
    seed_demo(db.session, "development")
    db.session.commit()


def test_demo_has_a_running_cohort_at_every_stage_and_trainers_everywhere(db, trainer_courses):
    workshop, _ = trainer_courses
    _seeded(db)
    today = date.today()
    lead = db.session.execute(select(Employee).where(Employee.email == "lead.trainer@demo.example")).scalar_one()
    running = db.session.execute(select(Cohort).where(Cohort.status == "running")).scalar_one()
    assert running.is_led_by(lead)
    states = {m.state for m in running.members}
    assert {"nominated", "accepted", "in_training", "co_delivered", "not_yet_competent", "certified",
            "withdrawn"} <= states
    assert any(m.track == "recertification" for m in running.members)

    trainer = db.session.execute(select(Employee).where(Employee.email == "trainer@demo.example")).scalar_one()
    certification = valid_certification(trainer, workshop, today)
    assert certification is not None and certification.expires_on > today + timedelta(days=365)
    assert certification.certified_by_id == lead.id and trainer.has_role("trainer")

    certified = db.session.execute(certified_trainers(workshop, today)).scalars().all()
    assert {e.department.site.code for e in certified} == {s.code for s in db.session.execute(select(Site)).scalars()}
    for site in ("PLU", "AIR", "BMR"):
        assert sum(1 for e in certified if e.department.site.code == site) >= 2
    assert all(e.has_role("trainer") for e in certified)
    assert len(due_certification_reminders(today)) >= 1


def test_demo_accounts_reach_their_trainer_pages(db, app, trainer_courses):
    _seeded(db)
    pages = {
        "lead.trainer@demo.example": ["/trainers/cohorts", "/trainers/certified", "/trainers"],
        "trainer@demo.example": ["/trainers/me", "/trainers"],
        "manager@demo.example": ["/trainers/nominees"],
        "leader@demo.example": ["/trainers/pipeline", "/trainers"],
    }
    for email, urls in pages.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url)
    client = app.test_client()
    client.post("/login", data={"email": "trainer@demo.example", "password": DEMO_PASSWORD})
    assert "Certification expires in" in client.get("/trainers/me").get_data(as_text=True)
    client = app.test_client()
    client.post("/login", data={"email": "manager@demo.example", "password": DEMO_PASSWORD})
    nominees = db.session.execute(select(CohortMember).join(Employee, CohortMember.nominated_by_id == Employee.id)
                                  .where(Employee.email == "manager@demo.example")).scalars().all()
    html = client.get("/trainers/nominees").get_data(as_text=True)
    assert nominees and all(m.employee.full_name in html for m in nominees)


def test_without_synced_courses_the_seeder_adds_nothing(db):
    from lms.org.demo import seed_organization
    from lms.trainers.demo import seed_trainers

    seed_organization()
    seed_trainers()
    assert db.session.execute(select(Cohort)).first() is None
