"""An admin sets an employee's password on the employee page; a refused password is a form error there."""
from __future__ import annotations

from lms.auth.passwords import verify
from lms.auth.services import _hasher


def test_admin_sets_a_password_and_a_common_one_is_refused_on_the_form(client, db, make_employee, login):
    admin = make_employee(roles=("admin",))
    agent = make_employee(full_name="Amina Agent", password=None)
    login(admin)

    refused = client.post(f"/admin/employees/{agent.id}/password", data={"password": "password1234"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<h1>Amina Agent" in html and "too common" in html and 'aria-invalid="true"' in html
    db.session.refresh(agent)
    assert agent.password_hash is None  # nothing changed

    done = client.post(f"/admin/employees/{agent.id}/password", data={"password": "lagoon-ferry-basil-27"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/employees/{agent.id}")
    db.session.refresh(agent)
    assert verify(_hasher(), agent.password_hash, "lagoon-ferry-basil-27")
