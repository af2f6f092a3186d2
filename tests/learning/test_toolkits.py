"""Recovery toolkits: validation and the admin page."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lms.core.errors import ValidationFailed
from lms.learning.toolkits import save_toolkit, toolkit_for


def test_save_and_replace(db, make_department):
    department = make_department()
    save_toolkit(department, authority_limit=Decimal("500"), currency="eur", note="Ask nobody.",
                 offers=[(f"Offer {n}", "why", Decimal(n)) for n in range(1, 7)] + [("", "", None)])
    toolkit = toolkit_for(department)
    assert (toolkit.currency, toolkit.authority_limit, len(toolkit.offers)) == ("EUR", Decimal("500.00"), 6)
    save_toolkit(department, authority_limit=Decimal("700"), currency="EUR", note="",
                 offers=[(f"New {n}", "", None) for n in range(1, 6)])
    assert [o.title for o in toolkit_for(department).offers] == [f"New {n}" for n in range(1, 6)]


@pytest.mark.parametrize("kwargs, message", [
    ({"offers": [("One", "", None)] * 4}, "between 5 and 10"),
    ({"offers": [(f"O{n}", "", None) for n in range(11)]}, "between 5 and 10"),
    ({"currency": "euro"}, "three-letter code"),
    ({"authority_limit": Decimal("-1")}, "zero or more"),
])
def test_refusals(db, make_department, kwargs, message):
    args = {"authority_limit": Decimal("100"), "currency": "MUR", "note": "",
            "offers": [(f"O{n}", "", None) for n in range(5)]} | kwargs
    with pytest.raises(ValidationFailed, match=message):
        save_toolkit(make_department(), **args)


def test_admin_edits_toolkit(client, db, make_employee, make_department, login):
    department = make_department()
    login(make_employee(roles=("admin",)))
    data = {"authority_limit": "1500", "currency": "MUR", "note": "Act first."}
    for n in range(10):
        data[f"offers-{n}-title"] = f"Offer {n}" if n < 5 else ""
        data[f"offers-{n}-description"] = ""
        data[f"offers-{n}-typical_value"] = ""
    response = client.post(f"/admin/departments/{department.id}/toolkit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert len(toolkit_for(department).offers) == 5
    data["offers-4-title"] = ""
    refused = client.post(f"/admin/departments/{department.id}/toolkit", data=data)
    assert "between 5 and 10" in refused.get_data(as_text=True)
