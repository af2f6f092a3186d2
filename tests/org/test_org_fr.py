"""A French-speaking administrator sees the organization pages in French."""
from __future__ import annotations


def test_a_french_admin_sees_the_admin_pages_in_french(client, db, make_employee, login):
    admin = make_employee(roles=("admin",), language="fr", full_name="Aline Admin")
    login(admin)
    home = client.get("/admin").get_data(as_text=True)
    assert '<html lang="fr">' in home
    assert "Importer une liste du personnel" in home and "Import a roster" not in home
    assert "Par type de service" in home

    employees = client.get("/admin/employees").get_data(as_text=True)
    assert "Rechercher par nom, e-mail, matricule ou poste" in employees
    assert "Aline Admin" in employees

    departments = client.get("/admin/departments").get_data(as_text=True)
    assert "première ligne" in departments  # the department kind label, translated


def test_a_refusal_from_the_services_reads_in_french(client, db, make_employee, login):
    admin = make_employee(roles=("admin",), language="fr")
    login(admin)
    page = client.post(f"/admin/employees/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in page.get_data(as_text=True)
    assert db.session.get(type(admin), admin.id).active
