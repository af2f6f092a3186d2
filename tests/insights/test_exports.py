"""Exports: formulas neutralized, CSV and XLSX parse back to the page's figures, and responses stream."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from lms.insights.exports import Table, chunks, neutralize

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_gets_an_apostrophe(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "a=b", " =x", 5, -3, 2.5, None, date(2027, 1, 1)])
def test_everything_else_is_left_alone(value):
    assert neutralize(value) == value


def rows_of_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_and_xlsx_round_trip_with_neutralized_cells(tmp_path):
    rows = [(text, -1, 2.25, date(2027, 3, 1)) for text in DANGEROUS] + [("safe", 0, None, None)]
    table = Table("t", "Test: a [table]", ("=Name", "Number", "Share", "Day"), rows)
    parsed = rows_of_csv(b"".join(chunks(table, "csv")))
    assert parsed[0] == ["'=Name", "Number", "Share", "Day"]
    assert [r[0] for r in parsed[1:]] == ["'" + v for v in DANGEROUS] + ["safe"]
    assert parsed[1][1:] == ["-1", "2.2", "2027-03-01"] or parsed[1][1:] == ["-1", "2.3", "2027-03-01"]

    table = Table("t", "Test: a [table]", ("=Name", "Number", "Share", "Day"), rows)
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(chunks(table, "xlsx")))
    sheet = openpyxl.load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("'=Name", "Number", "Share", "Day")
    assert [v[0] for v in values[1:]] == ["'" + v for v in DANGEROUS] + ["safe"]
    assert values[1][1] == -1 and values[1][2] == 2.25 and values[1][3].date() == date(2027, 3, 1)
    # No cell became a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_read_rows_lazily():
    consumed = []

    def rows():
        for n in range(2000):
            consumed.append(n)
            yield (f"row {n}", n)

    stream = chunks(Table("t", "T", ("Name", "N"), rows()), "csv")
    next(stream)
    assert 0 < len(consumed) < 2000  # the first chunk leaves before the last row is read


def test_dashboard_tables_export_the_same_figures(client, small_org, login, db, fixed_today):
    from lms.insights.models import ServiceIdea

    people = small_org.people
    # A department name and an idea title that would run as formulas in a spreadsheet.
    small_org.departments["FL1"].name = "=cmd|'/c calc'!A1"
    db.session.add(ServiceIdea(author_id=people["a1"].id, department_id=small_org.departments["FL1"].id,
                               title="+idea", description="x", beneficiary="external", status="implemented",
                               implemented_on=fixed_today))
    db.session.commit()
    login(people["boss"])
    response = client.get("/insights/export/by-department.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'attachment; filename="by-department-' in response.headers["Content-Disposition"]
    rows = rows_of_csv(response.get_data())
    assert rows[0] == ["Department", "Kind", "Site", "People", "Course", "Assigned", "Started", "Completed",
                       "Overdue", "Percent complete"]
    front = [r for r in rows[1:] if r[0] == "'=cmd|'/c calc'!A1"]
    assert [r[4:9] for r in front] == [["Course one", "4", "3", "1", "1"], ["Leading", "1", "0", "0", "0"],
                                       ["Workshop", "4", "2", "1", "0"]]
    assert front[0][9] == "25.0"

    ideas = rows_of_csv(client.get("/insights/export/ideas-implemented.csv").get_data())
    assert ideas[1][0] == "'=cmd|'/c calc'!A1" and ideas[1][-1] == "1"

    response = client.get("/insights/export/people.xlsx")
    assert response.mimetype.startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:7] == ("Employee id", "Name", "Job title", "Department", "Kind", "Site", "Manager")
    assert values[0][7:] == ("Course one", "Leading", "Workshop")
    by_name = {v[1]: v for v in values[1:]}
    assert len(by_name) == 9
    assert by_name["Agent a2"][3] == "'=cmd|'/c calc'!A1"
    assert by_name["Agent a2"][7:] == ("overdue", None, "started")


def test_xlsx_writer_keeps_wide_tables_and_odd_text(tmp_path):
    from lms.insights.xlsx import column_letters, write_workbook

    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    path = tmp_path / "wide.xlsx"
    write_workbook(str(path), "Wide & <odd>", [f"c{i}" for i in range(30)],
                   [[f"<b>&{i}\x01\r\nend" for i in range(30)], [True, None, 3.5, date(2027, 1, 2)]])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "Wide & <odd>"
    assert sheet["AD1"].value == "c29" and sheet["AD1"].font.b
    assert sheet["AD2"].value == "<b>&29\r\nend"  # markup kept as text, the control character dropped
    assert (sheet["A3"].value, sheet["B3"].value, sheet["C3"].value) == (True, None, 3.5)
    assert sheet["D3"].value.date() == date(2027, 1, 2) and sheet["D3"].number_format == "yyyy-mm-dd"
