"""The `plan` command group, driven through click's CliRunner."""

import json

from click.testing import CliRunner

from lms.rollout.commands import plan
from tests.rollout.builders import base_doc, plan_doc, session


def write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_generate_solve_check_bound(tmp_path):
    runner = CliRunner()
    problem = str(tmp_path / "p.json")
    out = runner.invoke(plan, ["generate", "--employees", "300", "--seed", "3", "-o", problem])
    assert out.exit_code == 0 and "wrote" in out.output
    plan_file = str(tmp_path / "plan.json")
    out = runner.invoke(plan, ["solve", problem, "-o", plan_file, "--time-limit", "5"])
    assert out.exit_code == 0, out.output
    assert "coverage: " in out.output and "lower bound: " in out.output and "ratio: " in out.output
    doc = json.loads((tmp_path / "plan.json").read_text())
    assert doc["format"] == "lms.rollout-plan/1" and doc["sessions"]
    assert doc["stats"]["finish_index"] >= doc["stats"]["lower_bound_index"]
    out = runner.invoke(plan, ["check", problem, plan_file])
    assert out.exit_code == 0 and out.output.startswith("valid: ")
    out = runner.invoke(plan, ["bound", problem])
    assert out.exit_code == 0 and "binding: " in out.output and "bound inside the window: yes" in out.output


def test_check_lists_every_violation_and_fails(tmp_path):
    problem = write(tmp_path / "p.json", base_doc(4, max_away=1))
    bad = plan_doc([session("S1", ["2027-01-04", "2027-01-06"], ["E01", "E02", "E03"])])
    out = CliRunner().invoke(plan, ["check", problem, write(tmp_path / "plan.json", bad)])
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert "rule 1: session S1: 2027-01-06 is not the next working day after 2027-01-04" in lines
    assert "rule 5: employee E04 is neither in a session nor unassigned" in lines
    assert any(line.startswith("rule 6: department ops has 3 people away") for line in lines)


def test_malformed_problem_is_refused_without_traceback(tmp_path):
    doc = base_doc()
    doc["employees"][0]["department"] = "nope"
    problem = write(tmp_path / "p.json", doc)
    runner = CliRunner()
    for args in (["bound", problem], ["solve", problem, "-o", str(tmp_path / "x.json")]):
        out = runner.invoke(plan, args)
        assert out.exit_code == 2
        assert "error: employee E01: unknown department 'nope'" in out.output
        assert "Traceback" not in out.output
    out = runner.invoke(plan, ["check", problem, str(tmp_path / "missing.json")])
    assert out.exit_code == 2 and "error: employee E01" in out.output


def test_unreadable_files_are_clear_errors(tmp_path):
    runner = CliRunner()
    out = runner.invoke(plan, ["bound", str(tmp_path / "nope.json")])
    assert out.exit_code == 2 and "error: cannot read problem file" in out.output
    problem = write(tmp_path / "p.json", base_doc())
    (tmp_path / "plan.json").write_text("[1, 2", encoding="utf-8")
    out = runner.invoke(plan, ["check", problem, str(tmp_path / "plan.json")])
    assert out.exit_code == 2 and "not valid JSON" in out.output


def test_solve_reports_who_does_not_fit(tmp_path):
    doc = base_doc(30, max_away=30, capacity=4)
    doc["window"]["end"] = "2027-01-08"
    problem = write(tmp_path / "p.json", doc)
    out = CliRunner().invoke(plan, ["solve", problem, "-o", str(tmp_path / "plan.json")])
    assert out.exit_code == 0
    # one room of 4 seats: two two-day sessions fit in five working days
    assert "coverage: 8/30" in out.output
    assert "22 employees do not fit in the window" in out.output
    assert "binding: rooms at site HQ" in out.output
    assert "window until 2027-01-25" in out.output
    unassigned = json.loads((tmp_path / "plan.json").read_text())["unassigned"]
    assert "binding: trainers for site HQ" in out.output
    assert len(unassigned) == 22
    assert unassigned[0]["reason"] == "no room or trainer free at site HQ before 2027-01-08"


def test_bound_and_solve_report_the_sharper_bound_beside_the_formats(tmp_path):
    from tests.rollout.test_sharp import whole_sessions_doc

    problem = tmp_path / "p.json"
    problem.write_text(json.dumps(whole_sessions_doc()), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(plan, ["bound", str(problem)])
    assert out.exit_code == 0
    assert "lower bound: 5 (2027-01-08)" in out.output
    assert "sharper bound, beside the format's: 6" in out.output
    out = runner.invoke(plan, ["solve", str(problem), "-o", str(tmp_path / "plan.json")])
    assert out.exit_code == 0
    assert "finish: index 6" in out.output and "sharper bound: 6" in out.output
    assert "ratio: 1.200" in out.output
