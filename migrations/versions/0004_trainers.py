"""trainers: cohorts, meetings and attendance, members and their path, co-deliveries, teach-backs, certifications

Revision ID: 0004_trainers
Revises: 0003_quizzes
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_trainers'
down_revision = '0003_quizzes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('training_course_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'running', 'closed')", name=op.f('ck_cohort_status')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_cohort_capacity_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_cohort_course_id_course')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employee.id'], name=op.f('fk_cohort_created_by_id_employee')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_cohort_site_id_site')),
    sa.ForeignKeyConstraint(['training_course_id'], ['course.id'], name=op.f('fk_cohort_training_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort'))
    )
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_site_id'), ['site_id'], unique=False)
    op.create_table('lead_trainer_promotion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('promoted_by_id', sa.Integer(), nullable=False),
    sa.Column('sessions_delivered', sa.Integer(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_lead_trainer_promotion_employee_id_employee')),
    sa.ForeignKeyConstraint(['promoted_by_id'], ['employee.id'], name=op.f('fk_lead_trainer_promotion_promoted_by_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_trainer_promotion'))
    )
    with op.batch_alter_table('lead_trainer_promotion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_trainer_promotion_employee_id'), ['employee_id'], unique=False)
    op.create_table('cohort_lead',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_lead_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_cohort_lead_employee_id_employee')),
    sa.PrimaryKeyConstraint('cohort_id', 'employee_id', name=op.f('pk_cohort_lead'))
    )
    with op.batch_alter_table('cohort_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_lead_employee_id'), ['employee_id'], unique=False)
    op.create_table('cohort_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_cohort_meeting_ends_after_start')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_meeting_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_meeting'))
    )
    with op.batch_alter_table('cohort_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_meeting_cohort_id'), ['cohort_id'], unique=False)
    op.create_table('cohort_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('track', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('state_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('nominated', 'declined', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent', 'certified', 'withdrawn')", name=op.f('ck_cohort_member_state')),
    sa.CheckConstraint("track IN ('certification', 'recertification')", name=op.f('ck_cohort_member_track')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_member_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_cohort_member_employee_id_employee')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['employee.id'], name=op.f('fk_cohort_member_nominated_by_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_member')),
    sa.UniqueConstraint('cohort_id', 'employee_id', name=op.f('uq_cohort_member_cohort_id_employee_id'))
    )
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_member_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_member_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_member_nominated_by_id'), ['nominated_by_id'], unique=False)
        batch_op.create_index('uq_cohort_member_active_path', ['employee_id'], unique=True, sqlite_where=sa.text("state IN ('nominated', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent')"), postgresql_where=sa.text("state IN ('nominated', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent')"))
    op.create_table('cohort_prerequisite',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_prerequisite_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_cohort_prerequisite_course_id_course')),
    sa.PrimaryKeyConstraint('cohort_id', 'course_id', name=op.f('pk_cohort_prerequisite'))
    )
    op.create_table('co_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['cohort_member.id'], name=op.f('fk_co_delivery_member_id_cohort_member')),
    sa.ForeignKeyConstraint(['trainee_id'], ['employee.id'], name=op.f('fk_co_delivery_trainee_id_employee')),
    sa.ForeignKeyConstraint(['trainer_id'], ['employee.id'], name=op.f('fk_co_delivery_trainer_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_delivery'))
    )
    with op.batch_alter_table('co_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_delivery_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_delivery_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_delivery_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_delivery_trainer_id'), ['trainer_id'], unique=False)
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['cohort_meeting.id'], name=op.f('fk_meeting_attendance_meeting_id_cohort_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['cohort_member.id'], name=op.f('fk_meeting_attendance_member_id_cohort_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['employee.id'], name=op.f('fk_meeting_attendance_recorded_by_id_employee')),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_attendance'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_member_id'), ['member_id'], unique=False)
    op.create_table('path_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("to_state IN ('nominated', 'declined', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent', 'certified', 'withdrawn')", name=op.f('ck_path_step_to_state')),
    sa.ForeignKeyConstraint(['actor_id'], ['employee.id'], name=op.f('fk_path_step_actor_id_employee')),
    sa.ForeignKeyConstraint(['member_id'], ['cohort_member.id'], name=op.f('fk_path_step_member_id_cohort_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_step'))
    )
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_path_step_member_id'), ['member_id'], unique=False)
    op.create_table('teach_back',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('second_observer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('full', 'short')", name=op.f('ck_teach_back_kind')),
    sa.CheckConstraint('second_observer_id IS NULL OR second_observer_id <> observer_id', name=op.f('ck_teach_back_two_observers')),
    sa.ForeignKeyConstraint(['member_id'], ['cohort_member.id'], name=op.f('fk_teach_back_member_id_cohort_member')),
    sa.ForeignKeyConstraint(['observer_id'], ['employee.id'], name=op.f('fk_teach_back_observer_id_employee')),
    sa.ForeignKeyConstraint(['second_observer_id'], ['employee.id'], name=op.f('fk_teach_back_second_observer_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teach_back'))
    )
    with op.batch_alter_table('teach_back', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teach_back_member_id'), ['member_id'], unique=False)
    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('certified_by_id', sa.Integer(), nullable=True),
    sa.Column('teach_back_id', sa.Integer(), nullable=True),
    sa.Column('renews_id', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoked_reason IS NULL)', name=op.f('ck_certification_revoked_has_reason')),
    sa.CheckConstraint('expires_on >= issued_on', name=op.f('ck_certification_expires_after_issue')),
    sa.ForeignKeyConstraint(['certified_by_id'], ['employee.id'], name=op.f('fk_certification_certified_by_id_employee')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certification_course_id_course')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_certification_employee_id_employee')),
    sa.ForeignKeyConstraint(['renews_id'], ['certification.id'], name=op.f('fk_certification_renews_id_certification')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['employee.id'], name=op.f('fk_certification_revoked_by_id_employee')),
    sa.ForeignKeyConstraint(['teach_back_id'], ['teach_back.id'], name=op.f('fk_certification_teach_back_id_teach_back')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_certified_by_id'), ['certified_by_id'], unique=False)
        batch_op.create_index('ix_certification_course_validity', ['course_id', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certification_employee_id'), ['employee_id'], unique=False)
    op.create_table('teach_back_score',
    sa.Column('teach_back_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 4', name=op.f('ck_teach_back_score_score_range')),
    sa.ForeignKeyConstraint(['teach_back_id'], ['teach_back.id'], name=op.f('fk_teach_back_score_teach_back_id_teach_back'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('teach_back_id', 'criterion_id', name=op.f('pk_teach_back_score'))
    )


def downgrade():
    op.drop_table('teach_back_score')
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_employee_id'))
        batch_op.drop_index('ix_certification_course_validity')
        batch_op.drop_index(batch_op.f('ix_certification_certified_by_id'))
    op.drop_table('certification')
    with op.batch_alter_table('teach_back', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teach_back_member_id'))
    op.drop_table('teach_back')
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_path_step_member_id'))
    op.drop_table('path_step')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_member_id'))
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('co_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_delivery_trainer_id'))
        batch_op.drop_index(batch_op.f('ix_co_delivery_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_co_delivery_session_id'))
        batch_op.drop_index(batch_op.f('ix_co_delivery_member_id'))
    op.drop_table('co_delivery')
    op.drop_table('cohort_prerequisite')
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_index('uq_cohort_member_active_path', sqlite_where=sa.text("state IN ('nominated', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent')"), postgresql_where=sa.text("state IN ('nominated', 'accepted', 'in_training', 'co_delivered', 'teach_back_observed', 'not_yet_competent')"))
        batch_op.drop_index(batch_op.f('ix_cohort_member_nominated_by_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_member_employee_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_member_cohort_id'))
    op.drop_table('cohort_member')
    with op.batch_alter_table('cohort_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_meeting_cohort_id'))
    op.drop_table('cohort_meeting')
    with op.batch_alter_table('cohort_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_lead_employee_id'))
    op.drop_table('cohort_lead')
    with op.batch_alter_table('lead_trainer_promotion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_trainer_promotion_employee_id'))
    op.drop_table('lead_trainer_promotion')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_site_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_course_id'))
    op.drop_table('cohort')
