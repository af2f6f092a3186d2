"""Certificates: issued once on completion, verifiable by code, rendered to PDF."""
from __future__ import annotations

import functools
import os
import secrets
import tempfile
from pathlib import Path

from flask import current_app, has_app_context
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


BOLD = {"wght": 700, "wdth": 100}


def font_cache_dir() -> Path:
    """Where made fonts are kept: the instance directory, or a private temporary one outside an app."""
    if has_app_context():
        return Path(current_app.config["LMS_INSTANCE_DIR"]) / "fonts"
    return _private_dir()


@functools.cache
def _private_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="lms-fonts-"))


@functools.lru_cache(maxsize=4)
def bold_font_path(cache_dir: Path) -> Path:
    """A static bold instance of the variable font, made once into `cache_dir` and reused from there.

    Instancing the variable font takes seconds (fpdf2 did it for every certificate), so the instance
    is written once per font file and shared by every process; the layout tables are left out because
    fpdf2 does not shape text here.
    """
    source = _font_path()
    stat = source.stat()
    cached = cache_dir / f"NotoSans-bold-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if not cached.exists():
        from fontTools.ttLib import TTFont
        from fontTools.varLib import instancer

        font = TTFont(str(source))
        for tag in ("GPOS", "GSUB", "GDEF"):
            if tag in font:
                del font[tag]
        static = instancer.instantiateVariableFont(font, BOLD, updateFontNames=True)
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            static.save(out)
        os.chmod(partial, 0o644)
        os.replace(partial, cached)  # atomic: a concurrent render sees the whole file or none
    return cached


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
    pdf.add_font("Noto", "B", str(bold_font_path(font_cache_dir())))
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
