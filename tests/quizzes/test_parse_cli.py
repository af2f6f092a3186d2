"""`quiz parse-gift FILE`: the import's JSON on stdout, or every problem on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lms.quizzes.commands import quiz

DATA = Path(__file__).parent / "data"


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(quiz, ["parse-gift", *args], input=input)


def test_prints_the_document_as_indented_json():
    result = run(str(DATA / "moodle_bank.gift"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads((DATA / "moodle_bank.json").read_text(encoding="utf-8"))
    assert result.stdout.startswith('{\n  "format": "lms.gift-questions/1",\n  "questions": [\n')
    assert result.stderr == ""


def test_non_ascii_is_printed_as_is(tmp_path):
    path = tmp_path / "q.gift"
    path.write_text("::Café::Où est la clé ? {=Là ~Ici}", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 0
    assert '"text": "Où est la clé ?"' in result.stdout


def test_reads_standard_input_with_a_bom_and_crlf():
    result = run("-", input="\ufeff::q::Fine?\r\n{T}\r\n".encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["questions"][0]["answer"] is True


def test_every_problem_goes_to_stderr_with_its_line():
    result = run(str(DATA / "broken.gift"))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 9
    assert lines[0] == "line 3: unclosed brace: '{' has no matching '}'"
    assert lines[-1] == "line 23: a short answer question needs an answer worth 100%"
    assert all(line.startswith("line ") for line in lines)


def test_nearest_grades_option(tmp_path):
    path = tmp_path / "q.gift"
    path.write_text("::q::Which?{~%33%a ~%67%b ~c}", encoding="utf-8")
    assert run(str(path)).exit_code == 1
    result = run("--match-grades", "nearest", str(path))
    assert result.exit_code == 0
    assert [a["fraction"] for a in json.loads(result.stdout)["questions"][0]["answers"]] == [0.3333333, 0.6666667, 0.0]


def test_a_file_that_is_not_utf8_gets_one_clear_message(tmp_path):
    path = tmp_path / "latin1.gift"
    path.write_bytes("::q::Où?{T}".encode("latin-1"))
    result = run(str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr.strip()
        == f"Error: {path} is not UTF-8 text (byte 6 cannot be read); save it as UTF-8 and try again"
    )


def test_missing_file_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "nope.gift"))
    assert result.exit_code == 2
    assert "nope.gift" in result.stderr
