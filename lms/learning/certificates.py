"""Certificates: issued once on completion, verifiable by code, rendered to PDF."""
from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select

from lms.core.errors import NotFound
from lms.core.markers import N_
from lms.extensions import db
from lms.learning.models import Certificate, Enrolment

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_code() -> str:
    """A random code like 7KQ4-M2XZ-P9RT (about 60 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def issue_certificate(enrolment: Enrolment) -> Certificate:
    """The enrolment's certificate, issued now if it has none."""
    existing = db.session.execute(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).scalar_one_or_none()
    if existing:
        return existing
    certificate = Certificate(
        code=new_code(), enrolment=enrolment, employee_name=enrolment.employee.full_name,
        course_title=enrolment.course.title, completed_on=enrolment.completed_at.date(),
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def find_certificate(code: str) -> Certificate:
    """The certificate with this code (case and spacing forgiven), or NotFound."""
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 12 and "-" not in normalized:
        normalized = "-".join(normalized[i:i + 4] for i in range(0, 12, 4))
    certificate = db.session.execute(select(Certificate).where(Certificate.code == normalized)).scalar_one_or_none()
    if certificate is None:
        raise NotFound(N_("No certificate has this code."))
    return certificate


def certificate_for(enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate, if issued."""
    return db.session.execute(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).scalar_one_or_none()


def _font_path() -> Path:
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"


# The certificate's wording; the web layer passes it in the learner's language.
ENGLISH_WORDS = {
    "title": "Certificate: {course}",
    "heading": "Certificate of completion",
    "certifies": "This certifies that",
    "completed": "has completed",
    "on": "on {day}",
    "code": "Verification code: {code}",
    "check": "Check it at {url}",
}


def render_pdf(certificate: Certificate, verify_url: str, organization: str = "Service Excellence",
               words: dict[str, str] | None = None, day: str | None = None) -> bytes:
    """A one-page landscape PDF certificate, worded with `words` and dated `day` (English by default)."""
    from fpdf import FPDF

    w = {**ENGLISH_WORDS, **(words or {})}
    day = day or certificate.completed_on.strftime("%d %B %Y")
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(w["title"].format(course=certificate.course_title))
    pdf.set_author(organization)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    font = str(_font_path())
    pdf.add_font("Noto", "", font)
    pdf.add_font("Noto", "B", font, variations={"wght": 700})
    pdf.set_draw_color(11, 94, 215)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_text_color(30, 30, 30)
    pdf.set_y(35)
    pdf.set_font("Noto", "", 16)
    pdf.cell(0, 10, organization.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 30)
    pdf.cell(0, 22, w["heading"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 14)
    pdf.cell(0, 12, w["certifies"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 26)
    pdf.cell(0, 18, certificate.employee_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 14)
    pdf.cell(0, 12, w["completed"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 20)
    pdf.multi_cell(0, 12, certificate.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 13)
    pdf.cell(0, 12, w["on"].format(day=day), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(170)
    pdf.set_font("Noto", "", 11)
    pdf.cell(0, 7, w["code"].format(code=certificate.code), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, w["check"].format(url=verify_url), align="C", link=verify_url)
    return bytes(pdf.output())


def get_certificate_for_employee(employee_id: int, certificate_id: int) -> Certificate:
    """A certificate that belongs to this employee, or NotFound."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.enrolment.employee_id != employee_id:
        raise NotFound(N_("No such certificate."))
    return certificate
