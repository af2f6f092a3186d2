"""The xAPI settings are checked when the application is built."""
from __future__ import annotations

import pytest

from lms import create_app
from lms.config import ConfigError
from lms.xapi.settings import check_settings, home_page

GOOD = {"LMS_XAPI_ENDPOINT": "https://lrs.example.org/xapi/", "LMS_XAPI_HOMEPAGE": "https://www.example.org",
        "LMS_XAPI_USERNAME": "lms", "LMS_XAPI_PASSWORD": "pw", "LMS_XAPI_TIMEOUT": 10.0}


@pytest.mark.parametrize("change, problem", [
    ({"LMS_XAPI_ENDPOINT": "lrs.example.org/xapi"}, "LMS_XAPI_ENDPOINT"),
    ({"LMS_XAPI_ENDPOINT": "ftp://lrs.example.org/"}, "LMS_XAPI_ENDPOINT"),
    ({"LMS_XAPI_HOMEPAGE": "example.org"}, "LMS_XAPI_HOMEPAGE"),
    ({"LMS_XAPI_USERNAME": None}, "LMS_XAPI_USERNAME"),
    ({"LMS_XAPI_TIMEOUT": 0}, "LMS_XAPI_TIMEOUT"),
])
def test_bad_settings_are_refused(change, problem):
    check_settings(GOOD)
    with pytest.raises(ConfigError, match=problem):
        check_settings({**GOOD, **change})


def test_the_app_refuses_to_start_with_a_bad_endpoint(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="LMS_XAPI_ENDPOINT"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
                    "LMS_XAPI_ENDPOINT": "not a url"})


def test_the_home_page_defaults_to_the_platform():
    assert home_page({"LMS_BASE_URL": "https://learning.example.org/", "LMS_XAPI_HOMEPAGE": None}) == \
        "https://learning.example.org"
