"""The learner's pages: courses, modules, resume, completion, certificates and their verification."""
from __future__ import annotations

from sqlalchemy import select

from lms.learning.assignments import apply_assignment_rules
from lms.learning.models import Certificate, Enrolment, ModuleProgress


def enrolled_learner(db, make_employee, **kwargs):
    learner = make_employee(**kwargs)
    apply_assignment_rules(employee_ids=[learner.id])
    db.session.commit()
    return learner


def modules_of(course):
    return course.learner_modules


def test_my_learning_lists_assigned_courses_with_progress(client, db, synced, make_employee, login):
    learner = enrolled_learner(db, make_employee)
    login(learner)
    html = client.get("/my").get_data(as_text=True)
    assert "Service Excellence for Everyone" in html and "Service Recovery with LAST" in html
    assert 'aria-valuenow="0"' in html


def test_module_page_records_view_and_resume(client, db, synced, course, make_employee, login):
    learner = enrolled_learner(db, make_employee)
    login(learner)
    last = course("service-recovery-last")
    second = modules_of(last)[1]
    response = client.get(f"/courses/{last.slug}/modules/{second.stem}")
    assert response.status_code == 200
    assert second.title in response.get_data(as_text=True)
    page = client.get(f"/courses/{last.slug}").get_data(as_text=True)
    assert f"Resume: {second.title}" in page
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == learner.id, Enrolment.course_id == last.id)).scalar_one()
    assert enrolment.started_at is not None and enrolment.last_module_id == second.id


def test_mark_complete_moves_the_progress_bar_and_goes_next(client, db, synced, course, make_employee, login):
    learner = enrolled_learner(db, make_employee)
    login(learner)
    last = course("service-recovery-last")
    first, second = modules_of(last)[:2]
    response = client.post(f"/courses/{last.slug}/modules/{first.stem}/complete", data={"next": second.stem})
    assert response.headers["Location"].endswith(f"/courses/{last.slug}/modules/{second.stem}")
    total = len(modules_of(last))
    html = client.get("/my").get_data(as_text=True)
    assert f'aria-valuenow="{round(100 / total)}"' in html
    assert f"1 of {total} modules done" in html


def test_double_click_on_mark_complete_records_once(client, db, synced, course, make_employee, login):
    learner = enrolled_learner(db, make_employee)
    login(learner)
    last = course("service-recovery-last")
    first = modules_of(last)[0]
    for _ in range(2):
        assert client.post(f"/courses/{last.slug}/modules/{first.stem}/complete").status_code == 302
    rows = db.session.execute(select(ModuleProgress).where(ModuleProgress.employee_id == learner.id)).scalars().all()
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_course_with_quiz_needs_more_than_modules(client, db, synced, course, make_employee, login):
    learner = enrolled_learner(db, make_employee)
    login(learner)
    last = course("service-recovery-last")
    assert last.completion_quiz
    for module in modules_of(last):
        client.post(f"/courses/{last.slug}/modules/{module.stem}/complete")
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == learner.id, Enrolment.course_id == last.id)).scalar_one()
    assert enrolment.completed_at is None
    assert "quiz" in client.get(f"/courses/{last.slug}").get_data(as_text=True).lower()


def test_completion_certificate_and_public_verification(app, client, db, synced, course, make_employee, login):
    learner = enrolled_learner(db, make_employee, full_name="Zoë Ñúñez")
    last = course("service-recovery-last")
    last.completion_quiz = False  # this test is about modules and certificates only
    db.session.commit()
    login(learner)
    modules = modules_of(last)
    for module in modules[:-1]:
        client.post(f"/courses/{last.slug}/modules/{module.stem}/complete")
    assert client.get(f"/courses/{last.slug}/certificate.pdf").status_code == 404
    response = client.post(f"/courses/{last.slug}/modules/{modules[-1].stem}/complete", follow_redirects=True)
    assert "Your certificate is ready" in response.get_data(as_text=True)
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert certificate.employee_name == "Zoë Ñúñez" and certificate.course_title == last.title
    pdf = client.get(f"/courses/{last.slug}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"

    public = app.test_client()  # anyone, logged in or not
    page = public.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "This certificate is genuine" in text and "Zoë Ñúñez" in text and last.title in text
    assert public.get(f"/verify?code={certificate.code.lower().replace('-', '')}").status_code == 200
    assert public.get("/verify/AAAA-BBBB-CCCC").status_code == 404


def test_not_enrolled_learner_cannot_open_a_course(client, db, synced, course, make_employee, login):
    login(make_employee())  # no rules applied: not enrolled
    last = course("service-recovery-last")
    assert client.get(f"/courses/{last.slug}").status_code == 404
    assert client.get(f"/courses/{last.slug}/modules/{modules_of(last)[0].stem}").status_code == 404
    assert client.post(f"/courses/{last.slug}/modules/{modules_of(last)[0].stem}/complete").status_code == 404


def test_facilitator_pages_are_for_trainers(client, db, synced, course, make_employee, login):
    from lms.learning.progress import enrol

    workshop = course("service-problem-solving")
    facilitator = next(m for m in workshop.live_modules if m.for_role == "facilitator")
    learner = make_employee()
    enrol(learner, workshop)
    db.session.commit()
    login(learner)
    assert client.get(f"/courses/{workshop.slug}/modules/{facilitator.stem}").status_code == 403
    client.post("/logout")
    login(make_employee(roles=("trainer",)))
    assert client.get(f"/courses/{workshop.slug}/modules/{facilitator.stem}").status_code == 200


def test_toolkit_shown_on_home_and_in_the_toolkit_module(client, db, synced, course, make_employee, make_department, login):
    from decimal import Decimal

    from lms.learning.toolkits import save_toolkit

    department = make_department(kind="front_line")
    save_toolkit(department, authority_limit=Decimal("2000"), currency="usd", note="",
                 offers=[(f"Offer {n}", "", None) for n in range(1, 6)])
    learner = enrolled_learner(db, make_employee, department=department)
    login(learner)
    assert "USD 2,000" in client.get("/my").get_data(as_text=True)
    empowered = course("empowered-to-solve")
    toolkit_module = next(m for m in empowered.learner_modules if m.toolkit)
    html = client.get(f"/courses/{empowered.slug}/modules/{toolkit_module.stem}").get_data(as_text=True)
    assert "USD 2,000" in html and "Offer 5" in html


def test_manager_sees_reports_learning_but_not_others(client, db, synced, make_employee, login):
    manager = make_employee(roles=("manager",))
    report = enrolled_learner(db, make_employee, manager=manager)
    indirect = enrolled_learner(db, make_employee, manager=report)
    stranger = enrolled_learner(db, make_employee)
    login(manager)
    html = client.get("/team/learning").get_data(as_text=True)
    assert report.full_name in html and indirect.full_name in html and stranger.full_name not in html
    assert client.get(f"/team/{report.id}/learning").status_code == 200
    assert client.get(f"/team/{indirect.id}/learning").status_code == 200
    assert client.get(f"/team/{stranger.id}/learning").status_code == 404
