"""The figures of leadership insight, in one place for the pages, the exports, the digest and the API.

Every function aggregates in the database and issues a fixed number of statements whatever the
size of the organization; `scope` (lms.insights.scope.Scope) says whose figures: the whole
organization, a manager's reporting line, a site, a department or a team.
"""
from __future__ import annotations

from lms.insights.burnup import BurnUp, BurnUpWeek, burn_up
from lms.insights.idea_figures import (DepartmentMonths, WorkshopComparison, ideas_by_status, implemented_by_department,
                                       implemented_per_month, leading_departments, months_back, workshop_comparison)
from lms.insights.participation import (DIMENSIONS, CourseRef, Figures, Group, Participation, participation,
                                        participation_by, participation_statement)
from lms.insights.people import PeoplePage, PersonRow, courses_in_scope, people_page, person_row, stream_people
from lms.insights.pipeline import trainer_pipeline, workshop_course_or_none
from lms.insights.quiz_figures import HardQuestion, QuizPassRate, hardest_questions, quiz_pass_rates
from lms.insights.review_figures import ReviewCell, ReviewRound, recent_periods, review_trend, who_reviewed_whom
from lms.insights.scope import NO_MANAGER, Scope, people_conditions, reaches

__all__ = [
    "BurnUp", "BurnUpWeek", "burn_up",
    "DepartmentMonths", "WorkshopComparison", "ideas_by_status", "implemented_by_department", "implemented_per_month",
    "leading_departments", "months_back", "workshop_comparison",
    "DIMENSIONS", "CourseRef", "Figures", "Group", "Participation", "participation", "participation_by",
    "participation_statement",
    "PeoplePage", "PersonRow", "courses_in_scope", "people_page", "person_row", "stream_people",
    "trainer_pipeline", "workshop_course_or_none",
    "HardQuestion", "QuizPassRate", "hardest_questions", "quiz_pass_rates",
    "ReviewCell", "ReviewRound", "recent_periods", "review_trend", "who_reviewed_whom",
    "NO_MANAGER", "Scope", "people_conditions", "reaches",
]
