"""The roles a person can hold; roles combine and everyone is a learner."""
from enum import StrEnum


class Role(StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    TRAINER = "trainer"
    LEAD_TRAINER = "lead_trainer"
    LEADER = "leader"
    ADMIN = "admin"


ALL_ROLES = tuple(r.value for r in Role)
