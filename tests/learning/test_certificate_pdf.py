"""The PDF certificate: its bold face is a static instance of the variable font, made once and reused."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from fontTools.ttLib import TTFont

from lms.learning import certificates

CERTIFICATE = SimpleNamespace(course_title="Service Recovery with LAST", completed_on=date(2027, 3, 1),
                              employee_name="Yannick Bégué", code="7KQ4-M2XZ-P9RT")


def test_the_bold_face_is_made_once_and_then_read_from_the_instance_directory(app, monkeypatch):
    with app.app_context():
        first = certificates.render_pdf(CERTIFICATE, "https://lms.example/verify/7KQ4-M2XZ-P9RT")
        made = certificates.bold_font_path(certificates.font_cache_dir())
        assert made.parent == certificates.font_cache_dir() and made.is_file()
        font = TTFont(str(made))
        assert "fvar" not in font and font["OS/2"].usWeightClass == 700  # static bold, not the variable font

        def no_instancing(*args, **kwargs):
            raise AssertionError("the variable font was instanced again")

        monkeypatch.setattr("fontTools.varLib.instancer.instantiateVariableFont", no_instancing)
        certificates.bold_font_path.cache_clear()  # as a new process would: only the file on disk remains
        again = certificates.render_pdf(CERTIFICATE, "https://lms.example/verify/7KQ4-M2XZ-P9RT")
    assert first.startswith(b"%PDF-") and again.startswith(b"%PDF-")
    assert len(again) == pytest.approx(len(first), rel=0.05)
