"""Domain events, so that one domain reacts to another without importing it."""
from blinker import Namespace

_signals = Namespace()

# Sent (before commit) with employee_ids when employees were created or changed in a way that may
# change which courses they are assigned: roster import, new accounts, role or department changes.
employees_changed = _signals.signal("employees-changed")

# Sent by course sync for each course whose content changed: course, questions (parsed GIFT dicts).
course_synced = _signals.signal("course-synced")

# Sent when an employee passes a course's quiz (or a marked attempt passes): employee_id, course_id.
quiz_passed = _signals.signal("quiz-passed")

# Sent when an enrolment becomes complete (completed_at just set, before commit): enrolment.
course_completed = _signals.signal("course-completed")

# Sent when a quiz attempt is graded (nothing waits for a trainer any more, before commit): attempt.
attempt_graded = _signals.signal("attempt-graded")

# Sent after a session's sign-in sheet changed (before commit): session, bookings (those whose marks changed).
attendance_recorded = _signals.signal("attendance-recorded")
