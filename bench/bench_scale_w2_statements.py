"""W2: SQL statements of the department drill-down and a manager's team page, at every size (the same, at most 10).

Run: `.venv/bin/python -m bench.bench_scale_w2_statements` (sizes and databases: see bench.bench_scale).
Pages are opened by the demo leader: the largest generated front-line and internal-provider departments,
the team of the largest department's head and of one of its team leads; and by that head, their own
reporting line's learning. Counted on the second request (the first warms caches).
"""
from __future__ import annotations

from sqlalchemy import event, func, select

from bench.bench_scale import LABELS, databases, organizations, section, verdict
from bench.record import record
from lms.scale.scratch import PASSWORD, give_passwords

MOST = 10
LEADER = ("leader@demo.example", "demo-pass-2027")


def _landmarks(app) -> dict:
    from lms.extensions import db
    from lms.org.models import Department, Employee, EmployeeRole

    with app.app_context():
        s = db.session

        def largest(kind: str) -> int:
            return s.execute(select(Department.id).join(Employee, Employee.department_id == Department.id)
                             .where(Department.code.like("G1-%"), Department.kind == kind).group_by(Department.id)
                             .order_by(func.count().desc(), Department.id).limit(1)).scalar_one()

        front, provider = largest("front_line"), largest("internal_provider")
        managers = select(EmployeeRole.employee_id).where(EmployeeRole.role == "manager")
        head = s.execute(select(Employee.id).where(Employee.department_id == front, Employee.id.in_(managers))
                         .order_by(Employee.id).limit(1)).scalar_one()
        lead = s.execute(select(Employee.id).where(Employee.department_id == front, Employee.manager_id == head,
                                                   Employee.id.in_(managers)).order_by(Employee.id).limit(1)).scalar()
        db.session.remove()
    return {"front": front, "provider": provider, "head": head, "lead": lead or head}


def measure(org) -> dict[str, int]:
    """Statements per page."""
    app = org.app(WTF_CSRF_ENABLED=False)
    m = _landmarks(app)
    give_passwords(org, [m["head"]])
    leader, head = app.test_client(), app.test_client()
    assert leader.post("/login", data={"email": LEADER[0], "password": LEADER[1]}).status_code == 302
    with app.app_context():
        from lms.extensions import db
        from lms.org.models import Employee

        email = db.session.get(Employee, m["head"]).email
        db.session.remove()
        engine = db.engine
    assert head.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    pages = {
        "department drill-down (front line)": (leader, f"/insights/departments/{m['front']}"),
        "department drill-down (internal provider)": (leader, f"/insights/departments/{m['provider']}"),
        "team page (the department head's team)": (leader, f"/insights/departments/{m['front']}/teams/{m['head']}"),
        "team page (a team lead's team)": (leader, f"/insights/departments/{m['front']}/teams/{m['lead']}"),
        "manager's own team learning (/team/learning)": (head, "/team/learning"),
    }
    counts = {}
    for name, (client, url) in pages.items():
        assert client.get(url).status_code == 200, url
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        assert client.get(url).status_code == 200, url
        event.remove(engine, "before_cursor_execute", listener)
        counts[name] = len(statements)
    engine.dispose()
    return counts


def main() -> None:
    for database in databases():
        results = [(org, measure(org)) for org in organizations(database)]
        names = list(results[0][1])
        lines = ["| page | " + " | ".join(f"{o.employees:,} employees" for o, _ in results) + " | same at every size | "
                 f"at most {MOST} |", "|---|" + "---:|" * len(results) + "---|---|"]
        for name in names:
            values = [r[name] for _, r in results]
            lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + f" | {verdict(len(set(values)) == 1)} | "
                         f"{verdict(max(values) <= MOST)} |")
            print(f"W2 {database} {name}: {values}", flush=True)
        record(section("W2: statements per page", database), f"""
SQL statements sent by one warm request (counted with a SQLAlchemy engine event), on {LABELS[database]}
{results[0][0].version}, the demo leader viewing the largest generated departments and teams; the last row is
what the head of the largest department sees of their own line. The target (same at every size, at most {MOST})
is for the drill-down and the team page; the insights pages of the whole organization are guarded the same way
by tests/scale/test_query_counts.py.

{chr(10).join(lines)}
""")


if __name__ == "__main__":
    main()
