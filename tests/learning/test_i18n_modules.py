"""A module's French version is shown to French readers, English otherwise, and English when there is no French."""
from __future__ import annotations

from pathlib import Path

import pytest

from lms.learning.content import check_courses, load_courses
from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
FIRST_COURSE = "service-excellence-for-everyone"

# A course with no French of its own (empowered-to-solve is assigned to the front line, as the test learners are).
COURSE = "empowered-to-solve"
FRENCH_NO = """---
title: Ne dites jamais simplement non
minutes: 12
principles: [P07, P05]
---
## Le trente-cinquième jour

Cherchez toujours ce que vous pouvez faire.
"""


@pytest.fixture
def french_listen(db, course_root):
    """The copied courses with a French version of one module of empowered-to-solve, synced."""
    from lms.learning.commands import sync_courses_now

    (course_root / COURSE / "02-never-just-say-no.fr.md").write_text(FRENCH_NO, encoding="utf-8")
    sync_courses_now(course_root)
    return course_root


def _page(app, person, path, **headers):
    from lms.extensions import db
    from lms.learning.assignments import apply_assignment_rules

    apply_assignment_rules(employee_ids=[person.id])
    db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": person.email, "password": TEST_PASSWORD}).status_code == 302
    return client.get(path, headers=headers)


def test_a_french_reader_gets_the_french_module_and_an_english_reader_the_english(app, french_listen, make_employee):
    french, english = make_employee(language="fr"), make_employee(language="en")
    path = f"/courses/{COURSE}/modules/02-never-just-say-no"
    fr = _page(app, french, path)
    assert fr.status_code == 200
    html = fr.get_data(as_text=True)
    assert "<h1>Ne dites jamais simplement non</h1>" in html and "Le trente-cinquième jour" in html
    assert "Day thirty-five" not in html
    en = _page(app, english, path, **{"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1>Never just say" in en and "Day thirty-five" in en and "trente-cinquième" not in en


def test_a_module_without_french_falls_back_to_english_marked_as_such(app, french_listen, make_employee):
    french = make_employee(language="fr")
    html = _page(app, french, f"/courses/{COURSE}/modules/03-offer-three-options").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<article class="module-body my-4" lang="en">' in html  # screen readers switch voice for the English body
    # The neighbouring module's link uses the French title.
    assert "Ne dites jamais simplement non" in html


def test_the_course_page_lists_french_module_titles(app, french_listen, make_employee):
    french = make_employee(language="fr")
    html = _page(app, french, f"/courses/{COURSE}").get_data(as_text=True)
    assert "Ne dites jamais simplement non" in html and "Modules" in html


@pytest.mark.parametrize("slug", [FIRST_COURSE, "service-recovery-last"])
def test_the_courses_everyone_takes_are_entirely_in_french_and_valid(slug):
    root = ROOT / "courses"
    assert check_courses(root) == []
    [course] = [c for c in load_courses(root) if c.slug == slug]
    assert course.translations["fr"]["title"] and len(course.translations["fr"]["objectives"]) == len(course.objectives)
    for module in course.modules:
        [translation] = module.translations
        assert translation.language == "fr"
        assert translation.principles == module.principles and translation.minutes == module.minutes
        assert translation.word_count > 0.6 * module.word_count, module.stem


def test_a_domain_error_page_is_in_french_for_a_french_reader(app, french_listen, make_employee):
    french = make_employee(language="fr")
    page = _page(app, french, "/courses/no-such-course")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Page introuvable" in html and "Ce cours n’existe pas." in html


def test_course_titles_summaries_and_objectives_follow_the_reader(app, french_listen, make_employee):
    french, english = make_employee(language="fr"), make_employee(language="en")
    fr = _page(app, french, f"/courses/{FIRST_COURSE}").get_data(as_text=True)
    assert "<h1>L’excellence de service pour tous</h1>" in fr and "Pourquoi la façon dont nous réparons" in fr
    assert "Se demander « qui est-ce que je sers" in fr
    assert "L’excellence de service pour tous" in _page(app, french, "/my").get_data(as_text=True)
    en = _page(app, english, f"/courses/{FIRST_COURSE}").get_data(as_text=True)
    assert "<h1>Service Excellence for Everyone</h1>" in en and "L’excellence" not in en


def test_a_course_translation_is_checked(tmp_path):
    import shutil

    root = tmp_path / "courses"
    shutil.copytree(ROOT / "courses" / FIRST_COURSE, root / FIRST_COURSE)
    yml = root / FIRST_COURSE / "course.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("  fr:\n", "  de:\n"), encoding="utf-8")
    assert any("unknown language 'de'" in str(p) for p in check_courses(root))
    yml.write_text(text + "      - Un objectif de trop\n", encoding="utf-8")
    assert any("has 5 objectives but the course has 4" in str(p) for p in check_courses(root))
