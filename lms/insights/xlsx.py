"""A small streaming XLSX writer: one worksheet of text, numbers, booleans and dates, written row by row.

General-purpose libraries spend several microseconds per cell, which is seconds for a
100,000-row export; this writes the worksheet XML directly into a deflated zip member, in
constant memory. Text goes in as inline strings, so no cell is ever a formula. The package
holds only the parts a spreadsheet needs (content types, relationships, workbook, styles, sheet).
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

BATCH_ROWS = 1000
EPOCH = datetime(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count it
MAX_SHEET_NAME = 31

# One pass over each text: escape markup, drop what XML 1.0 cannot hold at all (a spreadsheet could not
# open the file), and keep a carriage return as a character reference (bare, it would read back as a line feed).
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;",
                       **{c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}})

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 plain, 1 date, 2 date and time, 3 bold (the heading row).
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    '<sheetData>'
)
SHEET_END = '</sheetData></worksheet>'


def column_letters(index: int) -> str:
    """A spreadsheet column name from a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(ref: str, value, style: int = 0) -> str:
    if type(value) is str:  # the common case first
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{value.translate(_TEXT)}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH.date()).days}</v></c>'
    return _cell(ref, str(value), style)


def write_workbook(target: BinaryIO | str, sheet_name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write an XLSX file of one sheet: a bold heading row, then `rows`, read once and never held."""
    name = escape(sheet_name[:MAX_SHEET_NAME] or "Sheet1", {'"': "&quot;"})
    letters = [column_letters(i) for i in range(max(len(columns), 1))]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        package.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            heading = "".join(_cell(f"{letters[i]}1", str(c), 3) for i, c in enumerate(columns))
            sheet.write((SHEET_START + f'<row r="1">{heading}</row>').encode("utf-8"))
            batch: list[str] = []
            for number, row in enumerate(rows, start=2):
                if len(row) > len(letters):
                    letters.extend(column_letters(i) for i in range(len(letters), len(row)))
                cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row))
                batch.append(f'<row r="{number}">{cells}</row>')
                if len(batch) >= BATCH_ROWS:
                    sheet.write("".join(batch).encode("utf-8"))
                    batch.clear()
            sheet.write(("".join(batch) + SHEET_END).encode("utf-8"))
