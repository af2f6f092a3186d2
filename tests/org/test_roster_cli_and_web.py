"""The roster through `lms roster import/export` and the admin upload page."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from lms.org.models import Employee, RosterUpload
from tests.org.test_roster_import import GOOD, HEADER


def count(db) -> int:
    return db.session.execute(select(func.count()).select_from(Employee)).scalar_one()


def test_cli_import_dry_run_then_apply(runner, db, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["lms", "roster", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing changed: 4 created, 0 updated, 0 deactivated, 0 unchanged." in result.output
    assert count(db) == 0
    result = runner.invoke(args=["lms", "roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported: 4 created" in result.output
    assert count(db) == 4


def test_cli_import_refusal_prints_every_problem_and_exits_nonzero(runner, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n1,nope,Ann,OPS,Ops,front_line,HQ,,,,\n2,b@corp.test,Bob,OPS,Ops,front_line,HQ,77,,,\n")
    result = runner.invoke(args=["lms", "roster", "import", str(path)])
    assert result.exit_code == 1
    assert "2 problem(s); nothing was changed" in result.output
    assert "line 2: email: 'nope' is not a valid e-mail address" in result.output
    assert "line 3: manager_employee_id: manager '77' is not in the file and is not an active employee" in result.output
    assert "Traceback" not in result.output
    assert count(db) == 0


def test_cli_import_binary_file_gets_one_message(runner, db, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    result = runner.invoke(args=["lms", "roster", "import", str(path)])
    assert result.exit_code == 1
    assert "line 1: file: this is not a text file" in result.output
    assert "Traceback" not in result.output


def test_cli_import_missing_file(runner, db, tmp_path):
    result = runner.invoke(args=["lms", "roster", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_cli_export_round_trip(runner, db, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(GOOD)
    runner.invoke(args=["lms", "roster", "import", str(source)])
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["lms", "roster", "export", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text().splitlines()[0] == HEADER
    stdout = runner.invoke(args=["lms", "roster", "export", "-o", "-"])
    assert stdout.output == out.read_text()
    again = runner.invoke(args=["lms", "roster", "import", str(out), "--deactivate-missing"])
    assert "Imported: 0 created, 0 updated, 0 deactivated, 4 unchanged." in again.output


def test_web_upload_preview_then_apply_once(client, db, make_employee, login):
    admin = make_employee(roles=("admin",))
    login(admin)
    response = client.post("/admin/roster", data={"file": (io.BytesIO(GOOD.encode()), "hr.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "4</span> created" in page and "Apply the import" in page
    assert count(db) == 1  # only the admin: nothing applied yet

    upload_id = db.session.execute(select(RosterUpload.id)).scalar_one()
    first = client.post(f"/admin/roster/{upload_id}/apply")
    assert first.status_code == 302
    assert count(db) == 5
    second = client.post(f"/admin/roster/{upload_id}/apply", follow_redirects=True)
    assert "already applied" in second.get_data(as_text=True)
    assert count(db) == 5


def test_web_upload_with_problems_shows_them_and_cannot_apply(client, db, make_employee, login):
    login(make_employee(roles=("admin",)))
    bad = HEADER + "\n1,nope,Ann,OPS,Ops,front_line,HQ,,,,\n"
    response = client.post("/admin/roster", data={"file": (io.BytesIO(bad.encode()), "bad.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The file cannot be imported" in html
    assert "is not a valid e-mail address" in html
    assert "Apply the import" not in html
    upload_id = db.session.execute(select(RosterUpload.id)).scalar_one()
    client.post(f"/admin/roster/{upload_id}/apply")
    assert count(db) == 1


def test_web_import_refuses_to_deactivate_the_acting_admin(client, db, make_employee, login):
    admin = make_employee(roles=("admin",))
    login(admin)
    client.post("/admin/roster", data={"file": (io.BytesIO(GOOD.encode()), "hr.csv"), "deactivate_missing": "y"},
                content_type="multipart/form-data")
    upload_id = db.session.execute(select(RosterUpload.id)).scalar_one()
    html = client.get(f"/admin/roster/{upload_id}").get_data(as_text=True)
    assert "your own account" in html
    client.post(f"/admin/roster/{upload_id}/apply")
    db.session.expire_all()
    assert db.session.get(Employee, admin.id).active


def test_web_export_downloads_csv(client, db, make_employee, login):
    login(make_employee(roles=("admin",)))
    response = client.get("/admin/roster/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == HEADER
