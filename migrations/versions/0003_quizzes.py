"""quizzes: question banks (versioned questions), quizzes, attempts and their slots, response choices, bank uploads

Revision ID: 0003_quizzes
Revises: 0002_learning
Create Date: 2026-11-23 18:36:35.578486

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_quizzes'
down_revision = '0002_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pass_mark', sa.Double(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('review', sa.String(length=16), nullable=False),
    sa.Column('draw', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts_allowed >= 0', name=op.f('ck_quiz_attempts_not_negative')),
    sa.CheckConstraint('pass_mark > 0 AND pass_mark <= 100', name=op.f('ck_quiz_pass_mark')),
    sa.CheckConstraint('time_limit_minutes IS NULL OR time_limit_minutes > 0', name=op.f('ck_quiz_time_limit_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz')),
    sa.UniqueConstraint('course_id', name=op.f('uq_quiz_course_id'))
    )
    op.create_table('quiz_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('qtype', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('principles', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=8), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("origin IN ('sync', 'import')", name=op.f('ck_quiz_question_origin')),
    sa.CheckConstraint("qtype IN ('multichoice', 'truefalse', 'shortanswer', 'numerical', 'matching', 'essay', 'description')", name=op.f('ck_quiz_question_qtype')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_quiz_question_version_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_question_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question')),
    sa.UniqueConstraint('course_id', 'content_hash', name=op.f('uq_quiz_question_course_id_content_hash'))
    )
    with op.batch_alter_table('quiz_question', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_question_course_live', ['course_id', 'archived'], unique=False)

    op.create_table('quiz_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('timed_out', sa.Boolean(), nullable=False),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('percent', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("(state = 'in_progress') = (submitted_at IS NULL)", name=op.f('ck_quiz_attempt_submitted_when_closed')),
    sa.CheckConstraint("state IN ('in_progress', 'submitted', 'needs_marking', 'graded')", name=op.f('ck_quiz_attempt_state')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_quiz_attempt_number_positive')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= max_score)', name=op.f('ck_quiz_attempt_score_in_range')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_quiz_attempt_employee_id_employee')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_attempt_quiz_id_quiz')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt')),
    sa.UniqueConstraint('employee_id', 'quiz_id', 'number', name=op.f('uq_quiz_attempt_employee_id_quiz_id_number'))
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_quiz_attempt_quiz_state', ['quiz_id', 'state'], unique=False)
        batch_op.create_index('uq_quiz_attempt_open', ['employee_id', 'quiz_id'], unique=True, sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))

    op.create_table('quiz_bank_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('match_grades', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'applied', 'discarded')", name=op.f('ck_quiz_bank_upload_status')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_bank_upload_course_id_course')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['employee.id'], name=op.f('fk_quiz_bank_upload_uploaded_by_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_bank_upload'))
    )
    with op.batch_alter_table('quiz_bank_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_bank_upload_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_bank_upload_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('quiz_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Double(), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fraction', sa.Double(), nullable=True),
    sa.Column('feedback', sa.JSON(), nullable=False),
    sa.Column('needs_marking', sa.Boolean(), nullable=False),
    sa.Column('mark_points', sa.Integer(), nullable=True),
    sa.Column('mark_comment', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('fraction IS NULL OR (fraction >= 0 AND fraction <= 1)', name=op.f('ck_quiz_slot_fraction_in_range')),
    sa.CheckConstraint('mark_points IS NULL OR mark_points >= 0', name=op.f('ck_quiz_slot_mark_points_not_negative')),
    sa.CheckConstraint('marks >= 0', name=op.f('ck_quiz_slot_marks_not_negative')),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_quiz_slot_attempt_id_quiz_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['employee.id'], name=op.f('fk_quiz_slot_marked_by_id_employee')),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_quiz_slot_question_id_quiz_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slot')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_quiz_slot_attempt_id_position'))
    )
    with op.batch_alter_table('quiz_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_slot_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slot_question_id'), ['question_id'], unique=False)

    op.create_table('quiz_response_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_quiz_response_choice_question_id_quiz_question')),
    sa.ForeignKeyConstraint(['slot_id'], ['quiz_slot.id'], name=op.f('fk_quiz_response_choice_slot_id_quiz_slot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_response_choice')),
    sa.UniqueConstraint('slot_id', 'choice', name=op.f('uq_quiz_response_choice_slot_id_choice'))
    )
    with op.batch_alter_table('quiz_response_choice', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_response_choice_question', ['question_id', 'choice'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_response_choice', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_response_choice_question')

    op.drop_table('quiz_response_choice')
    with op.batch_alter_table('quiz_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_slot_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slot_attempt_id'))

    op.drop_table('quiz_slot')
    with op.batch_alter_table('quiz_bank_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_bank_upload_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_bank_upload_course_id'))

    op.drop_table('quiz_bank_upload')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempt_open', sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))
        batch_op.drop_index('ix_quiz_attempt_quiz_state')
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_employee_id'))

    op.drop_table('quiz_attempt')
    with op.batch_alter_table('quiz_question', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_question_course_live')

    op.drop_table('quiz_question')
    op.drop_table('quiz')
