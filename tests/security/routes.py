"""Every route of the application: who may use it and the object rule that narrows it further.

`roles` are the roles allowed (EVERYONE: any logged-in person; PUBLIC: no login). `actor` is the world
account that opens the route on its own objects with `params`; `swap` gives the same actor someone
else's object instead (another user's, team's, cohort's or session's), which must be refused with 403/404.
`get_writes` names the tables a GET may change, with the reason in `note`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

PUBLIC = ("public",)
EVERYONE = ("learner", "manager", "trainer", "lead_trainer", "leader", "admin")
ADMIN = ("admin",)
LEADERS = ("leader",)
MANAGERS = ("manager",)
VIEWERS = ("leader", "manager")
STAFF = ("trainer", "lead_trainer", "admin")
DELIVERERS = ("trainer", "lead_trainer")
LEADS = ("lead_trainer",)
PLANNERS = ("leader", "admin")


@dataclass(frozen=True)
class Route:
    endpoint: str
    roles: tuple[str, ...]
    actor: str | None
    params: Callable = lambda w: {}
    rule: str = "none"
    swap: Callable | None = None
    get_writes: frozenset[str] = field(default_factory=frozenset)
    note: str = ""
    token: bool = False  # the JSON API: a bearer token is the only credential, cookies count for nothing


def _r(endpoint, roles, actor, params=None, rule="none", swap=None, get_writes=(), note="", token=False):
    return Route(endpoint, roles, actor, params or (lambda w: {}), rule, swap, frozenset(get_writes), note, token)


def _api(endpoint, params=None):
    return _r(endpoint, PLANNERS, "leader", params, rule="whole organization, read only", token=True,
              get_writes=("api_token",), note="a token's last use is written at most once a minute")


TABLE: dict[str, Route] = {r.endpoint: r for r in (
    # ---- auth
    _r("auth.index", PUBLIC, None),
    _r("auth.login", PUBLIC, None),
    _r("auth.sso_start", PUBLIC, None, note="404 unless single sign-on is configured"),
    _r("auth.sso_callback", PUBLIC, None, get_writes=("external_identity", "employee"),
       note="the provider's redirect must be a GET; state, nonce and PKCE tie it to the browser that started it"),
    _r("auth.logout", EVERYONE, "learner"),
    _r("auth.change_password", EVERYONE, "learner"),
    _r("auth.set_language", PUBLIC, None, note="POST only: anyone may switch; a signed-in person's choice is saved on their own account"),
    _r("static", PUBLIC, None, lambda w: {"filename": "css/app.css"}),
    _r("audit.log", LEADERS, "leader"),
    # ---- org
    _r("org.admin_home", ADMIN, "admin"),
    _r("org.employees", ADMIN, "admin"),
    _r("org.employee_detail", ADMIN, "admin", lambda w: {"employee_id": w.employee}),
    _r("org.employee_active", ADMIN, "admin", lambda w: {"employee_id": w.employee}),
    _r("org.employee_password", ADMIN, "admin", lambda w: {"employee_id": w.employee}),
    _r("org.employee_roles", ADMIN, "admin", lambda w: {"employee_id": w.employee}),
    _r("org.departments", ADMIN, "admin"),
    _r("org.department_edit", ADMIN, "admin", lambda w: {"department_id": w.department}),
    _r("org.roster_upload", ADMIN, "admin"),
    _r("org.roster_preview", ADMIN, "admin", lambda w: {"upload_id": w.roster_upload}),
    _r("org.roster_apply", ADMIN, "admin", lambda w: {"upload_id": w.roster_upload}),
    _r("org.roster_discard", ADMIN, "admin", lambda w: {"upload_id": w.roster_upload}),
    _r("org.roster_export", ADMIN, "admin"),
    _r("org.team", MANAGERS, "manager", rule="own team"),
    _r("org.leader_home", LEADERS, "leader"),
    # ---- learning
    _r("learning.my_learning", EVERYONE, "learner", rule="own enrolments"),
    _r("learning.course_page", EVERYONE, "learner", lambda w: {"slug": w.course}, rule="enrolled (staff may preview)"),
    _r("learning.module_page", EVERYONE, "learner", lambda w: {"slug": w.course, "stem": w.stem},
       rule="enrolled (staff may preview)", get_writes=("module_progress", "enrolment", "department_course_count",
                                                           "site_kind_course_count"),
       note="opening a module records that the learner viewed it (progress tracking, idempotent; the first view "
            "counts the course as started in the maintained counters)"),
    _r("learning.complete_module", EVERYONE, "learner", lambda w: {"slug": w.course, "stem": w.stem}, rule="own enrolment"),
    _r("learning.certificate_pdf", EVERYONE, "learner", lambda w: {"slug": w.course}, rule="own certificate"),
    _r("learning.verify", PUBLIC, None, lambda w: {"code": w.code}, note="anyone may check a certificate's code"),
    _r("learning.team_learning", MANAGERS, "manager", rule="own reporting line"),
    _r("learning.report_learning", MANAGERS, "manager", lambda w: {"employee_id": w.employee}, rule="own reporting line",
       swap=lambda w: {"employee_id": w.outsider}),
    _r("learning.admin_courses", PLANNERS, "leader"),
    _r("learning.admin_assignments", PLANNERS, "admin"),
    _r("learning.deactivate_assignment", PLANNERS, "admin", lambda w: {"rule_id": w.rule}),
    _r("learning.edit_toolkit", ADMIN, "admin", lambda w: {"department_id": w.department}),
    # ---- quizzes
    _r("quizzes.quiz_page", EVERYONE, "learner", lambda w: {"slug": w.course}, rule="enrolled (staff may preview)",
       get_writes=("quiz_attempt", "quiz_slot"), note="closes the viewer's attempts whose time ran out"),
    _r("quizzes.start", EVERYONE, "learner", lambda w: {"slug": w.course}, rule="own enrolment"),
    _r("quizzes.attempt_page", EVERYONE, "learner", lambda w: {"attempt_id": w.attempt}, rule="own attempt",
       swap=lambda w: {"attempt_id": w.other_attempt}, get_writes=("quiz_attempt", "quiz_slot"),
       note="closes the attempt when its time ran out"),
    _r("quizzes.summary", EVERYONE, "learner", lambda w: {"attempt_id": w.attempt}, rule="own attempt",
       swap=lambda w: {"attempt_id": w.other_attempt}, get_writes=("quiz_attempt", "quiz_slot"),
       note="closes the attempt when its time ran out"),
    _r("quizzes.submit", EVERYONE, "learner", lambda w: {"attempt_id": w.attempt}, rule="own attempt",
       swap=lambda w: {"attempt_id": w.other_attempt}),
    _r("quizzes.review", EVERYONE, "learner", lambda w: {"attempt_id": w.attempt}, rule="own attempt",
       swap=lambda w: {"attempt_id": w.other_attempt}, get_writes=("quiz_attempt", "quiz_slot"),
       note="closes the attempt when its time ran out"),
    _r("quizzes.marking_queue", STAFF, "lead", rule="learners a marker may mark"),
    _r("quizzes.mark", STAFF, "lead", lambda w: {"slot_id": w.slot}, rule="learners a marker may mark (not oneself)"),
    _r("quizzes.statistics_index", STAFF, "lead"),
    _r("quizzes.statistics", STAFF, "lead", lambda w: {"slug": w.course}, get_writes=("quiz_attempt", "quiz_slot"),
       note="closes attempts whose time ran out before counting"),
    _r("quizzes.bank_upload", ADMIN, "admin"),
    _r("quizzes.bank_preview", ADMIN, "admin", lambda w: {"upload_id": w.bank_upload}),
    _r("quizzes.bank_apply", ADMIN, "admin", lambda w: {"upload_id": w.bank_upload}),
    _r("quizzes.bank_discard", ADMIN, "admin", lambda w: {"upload_id": w.bank_upload}),
    _r("quizzes.bank_export", ADMIN, "admin", lambda w: {"slug": w.course}),
    # ---- trainers
    _r("trainers.my_record", EVERYONE, "trainer", rule="own record"),
    _r("trainers.withdraw_own", EVERYONE, "learner", lambda w: {"member_id": w.learner_member or 0}, rule="own path",
       swap=lambda w: {"member_id": w.other_member}),
    _r("trainers.request_recertification", DELIVERERS, "trainer", rule="own certification"),
    _r("trainers.record_co_delivery", DELIVERERS, "trainer", rule="as oneself"),
    _r("trainers.my_cohorts", LEADS, "lead", rule="cohorts one leads"),
    _r("trainers.new_cohort", LEADS, "lead"),
    _r("trainers.edit_cohort", LEADS, "lead", lambda w: {"cohort_id": w.cohort}, rule="own cohort",
       swap=lambda w: {"cohort_id": w.other_cohort}),
    _r("trainers.cohort", LEADS, "lead", lambda w: {"cohort_id": w.cohort}, rule="own cohort",
       swap=lambda w: {"cohort_id": w.other_cohort}),
    _r("trainers.cohort_status", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "action": "start"}, rule="own cohort",
       swap=lambda w: {"cohort_id": w.other_cohort, "action": "close"}),
    _r("trainers.add_meeting", LEADS, "lead", lambda w: {"cohort_id": w.cohort}, rule="own cohort",
       swap=lambda w: {"cohort_id": w.other_cohort}),
    _r("trainers.attendance", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "meeting_id": w.meeting}, rule="own cohort's meeting",
       swap=lambda w: {"cohort_id": w.cohort, "meeting_id": w.other_meeting}),
    _r("trainers.member", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "member_id": w.member}, rule="own cohort's member",
       swap=lambda w: {"cohort_id": w.cohort, "member_id": w.other_member}),
    _r("trainers.decide", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "member_id": w.member}, rule="own cohort's member",
       swap=lambda w: {"cohort_id": w.cohort, "member_id": w.other_member}),
    _r("trainers.teach_back", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "member_id": w.member}, rule="own cohort's member",
       swap=lambda w: {"cohort_id": w.other_cohort, "member_id": w.member}),
    _r("trainers.withdraw_member", LEADS, "lead", lambda w: {"cohort_id": w.cohort, "member_id": w.member},
       rule="own cohort's member", swap=lambda w: {"cohort_id": w.cohort, "member_id": w.other_member}),
    _r("trainers.nominees", MANAGERS, "manager", rule="own reporting line"),
    _r("trainers.nominee", MANAGERS, "manager", lambda w: {"member_id": w.nominee}, rule="nominated by oneself",
       swap=lambda w: {"member_id": w.other_nominee}),
    _r("trainers.pool", ("lead_trainer", "trainer", "leader"), "trainer"),
    _r("trainers.pipeline", PLANNERS, "leader"),
    _r("trainers.certified", ("lead_trainer", "admin"), "lead"),
    _r("trainers.promote", ("lead_trainer", "admin"), "admin", lambda w: {"employee_id": w.trainer}),
    _r("trainers.revoke_current", ("lead_trainer", "admin"), "admin", lambda w: {"employee_id": w.trainer}),
    # ---- workshops
    _r("workshops.sessions_list", EVERYONE, "learner"),
    _r("workshops.session_page", EVERYONE, "learner", lambda w: {"session_id": w.session}, rule="published (drafts: admins)"),
    _r("workshops.book", EVERYONE, "learner", lambda w: {"session_id": w.session}, rule="books oneself"),
    _r("workshops.book_for", MANAGERS, "manager", lambda w: {"session_id": w.session}, rule="own reporting line"),
    _r("workshops.cancel_booking", EVERYONE, "learner", lambda w: {"booking_id": w.booking},
       rule="own booking, a report's, or admin", swap=lambda w: {"booking_id": w.other_booking}),
    _r("workshops.booking_invite", EVERYONE, "learner", lambda w: {"booking_id": w.booking},
       rule="own booking, a report's, or admin", swap=lambda w: {"booking_id": w.other_booking}),
    _r("workshops.my_bookings", EVERYONE, "learner", rule="own bookings", get_writes=("calendar_feed",),
       note="creates the personal calendar-feed token the first time the page is shown"),
    _r("workshops.renew_feed", EVERYONE, "learner", rule="own feed"),
    _r("workshops.calendar_feed", PUBLIC, None, lambda w: {"token": w.token},
       note="the unguessable token is the credential (calendar apps cannot log in)"),
    _r("workshops.teaching", DELIVERERS, "trainer", rule="sessions one runs"),
    _r("workshops.sign_in", STAFF, "trainer", lambda w: {"session_id": w.session}, rule="sessions one runs (admins all)",
       swap=lambda w: {"session_id": w.other_session}),
    _r("workshops.co_delivery", STAFF, "trainer", lambda w: {"session_id": w.session}, rule="sessions one runs",
       swap=lambda w: {"session_id": w.other_session}),
    _r("workshops.roster", STAFF, "trainer", lambda w: {"session_id": w.session}, rule="sessions one runs",
       swap=lambda w: {"session_id": w.other_session}),
    _r("workshops.roster_csv", STAFF, "trainer", lambda w: {"session_id": w.session}, rule="sessions one runs",
       swap=lambda w: {"session_id": w.other_session}),
    _r("workshops.admin_rooms", ADMIN, "admin"),
    _r("workshops.admin_room", ADMIN, "admin", lambda w: {"room_id": w.room}),
    _r("workshops.site_calendar", ADMIN, "admin", lambda w: {"site_id": w.site}),
    _r("workshops.new_session", ADMIN, "admin"),
    _r("workshops.edit_session", ADMIN, "admin", lambda w: {"session_id": w.session}),
    _r("workshops.publish_session", ADMIN, "admin", lambda w: {"session_id": w.session}),
    _r("workshops.cancel_session", ADMIN, "admin", lambda w: {"session_id": w.session}),
    _r("workshops.bulk_book", ADMIN, "admin", lambda w: {"session_id": w.session}),
    # ---- notify
    _r("notify.outbox", ADMIN, "admin"),
    _r("notify.message", ADMIN, "admin", lambda w: {"message_id": w.message}),
    # ---- rollout
    _r("rollout.plans", PLANNERS, "leader"),
    _r("rollout.new_plan", PLANNERS, "leader"),
    _r("rollout.plan_page", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.plan_status", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.solve", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.lock_session", PLANNERS, "leader", lambda w: {"plan_id": w.plan, "key": "none"}),
    _r("rollout.unlock_session", PLANNERS, "leader", lambda w: {"plan_id": w.plan, "key": "none"}),
    _r("rollout.remove_session", PLANNERS, "leader", lambda w: {"plan_id": w.plan, "key": "none"}),
    _r("rollout.exclude", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.include", PLANNERS, "leader", lambda w: {"plan_id": w.plan, "employee_id": w.employee}),
    _r("rollout.publish", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.problem_json", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.plan_json", PLANNERS, "leader", lambda w: {"plan_id": w.plan}),
    _r("rollout.what_if", PLANNERS, "leader"),
    # ---- insights
    _r("insights.dashboard", VIEWERS, "manager", rule="leaders: all; managers: own reporting line"),
    _r("insights.site", VIEWERS, "manager", lambda w: {"site_id": w.site}, rule="managers: own reporting line",
       swap=lambda w: {"site_id": w.other_site}),
    _r("insights.department", VIEWERS, "manager", lambda w: {"department_id": w.department},
       rule="managers: own reporting line", swap=lambda w: {"department_id": w.other_department}),
    _r("insights.team", VIEWERS, "manager", lambda w: {"department_id": w.department, "manager_id": w.manager_id},
       rule="managers: own reporting line", swap=lambda w: {"department_id": w.other_department, "manager_id": w.manager_id}),
    _r("insights.person", VIEWERS, "manager", lambda w: {"employee_id": w.employee}, rule="managers: own reporting line",
       swap=lambda w: {"employee_id": w.outsider}),
    _r("insights.export", VIEWERS, "manager", lambda w: {"name": "people", "fmt": "csv"}, rule="managers: own reporting line",
       swap=lambda w: {"name": "people", "fmt": "csv", "department": w.other_department}),
    _r("insights.my_ideas", EVERYONE, "learner", rule="own ideas (and ideas to decide)"),
    _r("insights.new_idea", EVERYONE, "learner"),
    _r("insights.idea", EVERYONE, "learner", lambda w: {"idea_id": w.idea}, rule="author, deciding manager, leaders",
       swap=lambda w: {"idea_id": w.other_idea}),
    _r("insights.accept_idea", VIEWERS, "manager", lambda w: {"idea_id": w.idea}, rule="the author's manager (leaders if none)",
       swap=lambda w: {"idea_id": w.other_idea}),
    _r("insights.decline_idea", VIEWERS, "manager", lambda w: {"idea_id": w.idea}, rule="the author's manager (leaders if none)",
       swap=lambda w: {"idea_id": w.other_idea}),
    _r("insights.implement_idea", VIEWERS, "manager", lambda w: {"idea_id": w.idea},
       rule="the author's manager (leaders if none)", swap=lambda w: {"idea_id": w.other_idea}),
    _r("insights.all_ideas", LEADERS, "leader"),
    _r("insights.reviews_home", EVERYONE, "learner", rule="own department's reviews"),
    _r("insights.submit_review", MANAGERS, "manager", lambda w: {"provider_id": w.provider}, rule="own front-line department"),
    _r("insights.record_action", MANAGERS, "manager", lambda w: {"review_id": w.review}, rule="own department's reviews",
       swap=lambda w: {"review_id": w.other_review}),
    _r("insights.reviews_overview", LEADERS, "leader"),
    _r("insights.dependencies", ADMIN, "admin"),
    _r("insights.remove_dependency", ADMIN, "admin", lambda w: {"dependency_id": w.dependency}),
    # ---- API tokens (pages) and the JSON API
    _r("api_tokens.tokens_page", PLANNERS, "leader", rule="own tokens"),
    _r("api_tokens.revoke", PLANNERS, "leader", lambda w: {"token_id": w.api_token_id}, rule="own tokens",
       swap=lambda w: {"token_id": w.other_api_token_id}),
    _r("api.openapi_document", PUBLIC, None, note="the API's description needs no token"),
    _api("api.fallback", lambda w: {"rest": "no-such-thing"}),
    _api("api.enrolments"),
    _api("api.ideas"),
    _api("api.ideas_summary"),
    _api("api.participation", lambda w: {"dimension": "site"}),
    _api("api.workshop_bookings"),
    _api("api.workshop_sessions"),
)}

# The single-role account for each role; "learner" holds no role beyond being an employee.
ROLE_ACCOUNT = {role: f"only_{role}" for role in EVERYONE}
