-- +goose Up
-- The core schema: organisation, people, attendance, signals and the case workflow.
-- Swedish collation: names sort with Å, Ä, Ö after Z. ICU is used when available so the
-- result does not depend on which OS locales the server happens to have installed.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'sv_se') THEN
        IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'sv-SE-x-icu') THEN
            CREATE COLLATION sv_se (provider = icu, locale = 'sv-SE');
        ELSE
            CREATE COLLATION sv_se (provider = libc, locale = 'sv_SE.UTF-8');
        END IF;
    END IF;
END
$$;
-- +goose StatementEnd

CREATE TABLE huvudman (
    id                 bigserial PRIMARY KEY,
    name               text NOT NULL COLLATE sv_se CHECK (length(trim(name)) > 0),
    org_number         text NOT NULL UNIQUE,
    kind               text NOT NULL CHECK (kind IN ('municipal', 'independent')),
    municipality_code  text NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
    case_number_prefix text NOT NULL DEFAULT 'BUN',
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schools (
    id                bigserial PRIMARY KEY,
    huvudman_id       bigint NOT NULL REFERENCES huvudman(id),
    name              text NOT NULL COLLATE sv_se CHECK (length(trim(name)) > 0),
    school_unit_code  text NOT NULL UNIQUE CHECK (school_unit_code ~ '^[0-9]{8}$'),
    municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schools_huvudman_idx ON schools(huvudman_id);

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
    display_name    text NOT NULL COLLATE sv_se,
    title           text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    role            text NOT NULL CHECK (role IN ('mentor', 'eht', 'rektor', 'admin')),
    -- Administrators act for a huvudman; everybody else is scoped by user_schools.
    huvudman_id     bigint REFERENCES huvudman(id),
    password_hash   text NOT NULL DEFAULT '',
    active          boolean NOT NULL DEFAULT true,
    failed_logins   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    CHECK (role <> 'admin' OR huvudman_id IS NOT NULL)
);

CREATE TABLE user_schools (
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    school_id bigint NOT NULL REFERENCES schools(id),
    PRIMARY KEY (user_id, school_id)
);
CREATE INDEX user_schools_school_idx ON user_schools(school_id);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    created_by   bigint NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Browser sessions (alexedwards/scs postgresstore layout).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions(expiry);

CREATE TABLE students (
    id                     bigserial PRIMARY KEY,
    school_id              bigint NOT NULL REFERENCES schools(id),
    personnummer           text NOT NULL UNIQUE CHECK (personnummer ~ '^[0-9]{8}-[0-9]{4}$'),
    first_name             text NOT NULL COLLATE sv_se,
    last_name              text NOT NULL COLLATE sv_se,
    protected_identity     boolean NOT NULL DEFAULT false,
    home_municipality_code text NOT NULL CHECK (home_municipality_code ~ '^[0-9]{4}$'),
    school_form            text NOT NULL CHECK (school_form IN ('fsk', 'gr', 'grsar', 'sam', 'spec', 'gy', 'gysar')),
    grade                  smallint NOT NULL CHECK (grade BETWEEN 0 AND 10),
    class_name             text NOT NULL DEFAULT '',
    mentor_id              bigint REFERENCES users(id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    version                integer NOT NULL DEFAULT 1
);
CREATE INDEX students_school_idx ON students(school_id, last_name, first_name);
CREATE INDEX students_mentor_idx ON students(mentor_id);

CREATE TABLE guardians (
    id           bigserial PRIMARY KEY,
    student_id   bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    position     smallint NOT NULL DEFAULT 1 CHECK (position IN (1, 2)),
    name         text NOT NULL COLLATE sv_se,
    personnummer text CHECK (personnummer IS NULL OR personnummer ~ '^[0-9]{8}-[0-9]{4}$'),
    phone        text NOT NULL DEFAULT '',
    email        text NOT NULL DEFAULT '',
    address      text NOT NULL DEFAULT '',
    UNIQUE (student_id, position)
);

-- Attendance: one row per student and school day. Lesson-level exports are summed per day on import.
CREATE TABLE attendance_imports (
    id             bigserial PRIMARY KEY,
    huvudman_id    bigint REFERENCES huvudman(id),
    imported_by    bigint REFERENCES users(id),
    file_name      text NOT NULL,
    file_sha256    text NOT NULL,
    layout         text NOT NULL,
    skip_bad_rows  boolean NOT NULL DEFAULT false,
    rows_read      integer NOT NULL DEFAULT 0,
    rows_imported  integer NOT NULL DEFAULT 0,
    rows_rejected  integer NOT NULL DEFAULT 0,
    unknown_students integer NOT NULL DEFAULT 0,
    period_from    date,
    period_to      date,
    problems       jsonb NOT NULL DEFAULT '[]',
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attendance_days (
    student_id              bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    day                     date NOT NULL,
    offered_minutes         integer NOT NULL CHECK (offered_minutes >= 0),
    valid_absence_minutes   integer NOT NULL DEFAULT 0 CHECK (valid_absence_minutes >= 0),
    invalid_absence_minutes integer NOT NULL DEFAULT 0 CHECK (invalid_absence_minutes >= 0),
    import_id               bigint REFERENCES attendance_imports(id),
    PRIMARY KEY (student_id, day),
    CHECK (valid_absence_minutes + invalid_absence_minutes <= offered_minutes)
);

-- Signals are advisory: detection or a person raises one, an EHT member opens a case or dismisses it.
CREATE TABLE signals (
    id                  bigserial PRIMARY KEY,
    student_id          bigint NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    school_id           bigint NOT NULL REFERENCES schools(id),
    source              text NOT NULL CHECK (source IN ('detection', 'manual')),
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'case_opened')),
    rules               text[] NOT NULL DEFAULT '{}',
    explanation         text NOT NULL,
    figures             jsonb NOT NULL DEFAULT '{}',
    absence_percent     numeric(5,2),
    raised_by           bigint REFERENCES users(id),
    reason              text NOT NULL DEFAULT '',
    dismissed_by        bigint REFERENCES users(id),
    dismissed_at        timestamptz,
    dismiss_reason      text NOT NULL DEFAULT '',
    case_id             bigint,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX signals_one_open_per_student ON signals(student_id) WHERE status = 'open';
CREATE INDEX signals_school_status_idx ON signals(school_id, status);

CREATE TABLE case_number_counters (
    huvudman_id bigint NOT NULL REFERENCES huvudman(id),
    year        integer NOT NULL,
    last_number integer NOT NULL,
    PRIMARY KEY (huvudman_id, year)
);

CREATE TABLE cases (
    id                        bigserial PRIMARY KEY,
    case_number               text NOT NULL UNIQUE,
    huvudman_id               bigint NOT NULL REFERENCES huvudman(id),
    school_id                 bigint NOT NULL REFERENCES schools(id),
    student_id                bigint NOT NULL REFERENCES students(id),
    signal_id                 bigint REFERENCES signals(id),
    status                    text NOT NULL CHECK (status IN ('reported', 'not_investigated', 'investigating',
                                  'planning', 'plan_submitted', 'active', 'closed')),
    description               text NOT NULL,
    concern_domains           text[] NOT NULL DEFAULT '{}',
    first_contacts            text NOT NULL DEFAULT '',
    opened_by                 bigint NOT NULL REFERENCES users(id),
    opened_at                 timestamptz NOT NULL DEFAULT now(),
    assessment                text CHECK (assessment IN ('started', 'not_needed')),
    assessment_reasons        text NOT NULL DEFAULT '',
    assessed_by               bigint REFERENCES users(id),
    assessed_at               timestamptz,
    investigation_started_at  timestamptz,
    investigation_due         date,
    investigation_completed_at timestamptz,
    closure_reason            text CHECK (closure_reason IN ('attendance_restored', 'moved', 'other')),
    closure_note              text NOT NULL DEFAULT '',
    closure_attendance_percent numeric(5,2),
    closure_child_view        text NOT NULL DEFAULT '',
    closed_by                 bigint REFERENCES users(id),
    closed_at                 timestamptz,
    legal_hold                boolean NOT NULL DEFAULT false,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    version                   integer NOT NULL DEFAULT 1
);
CREATE INDEX cases_school_status_idx ON cases(school_id, status);
CREATE INDEX cases_student_idx ON cases(student_id);
CREATE INDEX cases_huvudman_idx ON cases(huvudman_id, opened_at);
ALTER TABLE signals ADD CONSTRAINT signals_case_fk FOREIGN KEY (case_id) REFERENCES cases(id);

-- The case's own team: who works it (besides the school's rektor).
CREATE TABLE case_members (
    case_id bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users(id),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_members_user_idx ON case_members(user_id);

-- Timeline: every step with who and when.
CREATE TABLE case_events (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users(id),
    kind        text NOT NULL,
    from_status text,
    to_status   text,
    summary     text NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case_idx ON case_events(case_id, at, id);

CREATE TABLE guardian_contacts (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    contacted_on date NOT NULL,
    method       text NOT NULL CHECK (method IN ('phone', 'meeting', 'email', 'letter', 'other')),
    guardian     text NOT NULL DEFAULT '',
    note         text NOT NULL DEFAULT '',
    created_by   bigint NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guardian_contacts_case_idx ON guardian_contacts(case_id, contacted_on);

CREATE TABLE investigations (
    case_id                 bigint PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    absence_summary         text NOT NULL DEFAULT '',
    earlier_measures        text NOT NULL DEFAULT '',
    school_situation        text NOT NULL DEFAULT '',
    social_situation        text NOT NULL DEFAULT '',
    health_considered       boolean NOT NULL DEFAULT false,
    student_view            text NOT NULL DEFAULT '',
    guardian_view           text NOT NULL DEFAULT '',
    triggering_factors      text NOT NULL DEFAULT '',
    maintaining_factors     text NOT NULL DEFAULT '',
    analysis                text NOT NULL DEFAULT '',
    special_support_needed  boolean,
    special_support_note    text NOT NULL DEFAULT '',
    collaboration_need      text NOT NULL DEFAULT '',
    conclusion              text NOT NULL DEFAULT '',
    -- Consultation with student, guardians and elevhälsan: 'held' or 'not_possible' (with reason).
    consult_student         text CHECK (consult_student IN ('held', 'not_possible')),
    consult_student_on      date,
    consult_student_note    text NOT NULL DEFAULT '',
    consult_guardians       text CHECK (consult_guardians IN ('held', 'not_possible')),
    consult_guardians_on    date,
    consult_guardians_note  text NOT NULL DEFAULT '',
    consult_eht             text CHECK (consult_eht IN ('held', 'not_possible')),
    consult_eht_on          date,
    consult_eht_note        text NOT NULL DEFAULT '',
    secret_appendix         text NOT NULL DEFAULT '',
    updated_by              bigint REFERENCES users(id),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    version                 integer NOT NULL DEFAULT 1
);

-- A wheel assessment: one occasion, ratings per domain and perspective.
CREATE TABLE wheel_assessments (
    id                        bigserial PRIMARY KEY,
    case_id                   bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    occasion                  text NOT NULL CHECK (occasion IN ('report', 'investigation', 'followup', 'closure')),
    assessed_on               date NOT NULL,
    child_participation       text NOT NULL CHECK (child_participation IN ('meeting', 'separate_conversation',
                                  'in_writing', 'through_guardian', 'declined')),
    child_words               text NOT NULL DEFAULT '',
    child_view_not_followed   text NOT NULL DEFAULT '',
    created_by                bigint NOT NULL REFERENCES users(id),
    created_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wheel_assessments_case_idx ON wheel_assessments(case_id, assessed_on, id);

CREATE TABLE wheel_ratings (
    assessment_id bigint NOT NULL REFERENCES wheel_assessments(id) ON DELETE CASCADE,
    domain        text NOT NULL,
    perspective   text NOT NULL CHECK (perspective IN ('child', 'guardian1', 'guardian2', 'professionals')),
    rating        smallint CHECK (rating BETWEEN 1 AND 5),
    kind          text CHECK (kind IN ('strength', 'concern')),
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, domain, perspective)
);

CREATE TABLE plans (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    version          integer NOT NULL,
    status           text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned', 'rejected', 'superseded')),
    summary          text NOT NULL DEFAULT '',
    created_by       bigint NOT NULL REFERENCES users(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    submitted_by     bigint REFERENCES users(id),
    submitted_at     timestamptz,
    decided_by       bigint REFERENCES users(id),
    decider_name     text NOT NULL DEFAULT '',
    decider_title    text NOT NULL DEFAULT '',
    decided_at       timestamptz,
    decision_comment text NOT NULL DEFAULT '',
    UNIQUE (case_id, version)
);

CREATE TABLE measures (
    id              bigserial PRIMARY KEY,
    plan_id         bigint NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position        integer NOT NULL,
    description     text NOT NULL,
    domains         text[] NOT NULL CHECK (cardinality(domains) >= 1),
    level           text NOT NULL CHECK (level IN ('school', 'home', 'external')),
    responsible     text NOT NULL,
    start_date      date NOT NULL,
    expected_effect text NOT NULL,
    follow_up_date  date NOT NULL,
    UNIQUE (plan_id, position)
);

-- Approved, returned and rejected plan versions are frozen: their measures cannot change.
-- +goose StatementBegin
CREATE FUNCTION refuse_frozen_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plan_status text;
BEGIN
    SELECT status INTO plan_status FROM plans WHERE id = COALESCE(NEW.plan_id, OLD.plan_id);
    IF plan_status IS NOT NULL AND plan_status NOT IN ('draft') THEN
        RAISE EXCEPTION 'plan % is frozen (status %)', COALESCE(NEW.plan_id, OLD.plan_id), plan_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_frozen';
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$;
-- +goose StatementEnd
CREATE TRIGGER measures_frozen BEFORE INSERT OR UPDATE OR DELETE ON measures
    FOR EACH ROW EXECUTE FUNCTION refuse_frozen_plan_change();

CREATE TABLE followups (
    id                  bigserial PRIMARY KEY,
    case_id             bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    plan_id             bigint NOT NULL REFERENCES plans(id),
    held_on             date NOT NULL,
    period_from         date NOT NULL,
    period_to           date NOT NULL,
    absence_percent     numeric(5,2),
    comment             text NOT NULL DEFAULT '',
    next_date           date,
    wheel_assessment_id bigint REFERENCES wheel_assessments(id),
    created_by          bigint NOT NULL REFERENCES users(id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (period_from <= period_to)
);
CREATE INDEX followups_case_idx ON followups(case_id, held_on);

CREATE TABLE followup_results (
    followup_id bigint NOT NULL REFERENCES followups(id) ON DELETE CASCADE,
    measure_id  bigint NOT NULL REFERENCES measures(id),
    result      text NOT NULL CHECK (result IN ('improved', 'unchanged', 'worse')),
    comment     text NOT NULL DEFAULT '',
    PRIMARY KEY (followup_id, measure_id)
);

CREATE TABLE escalations (
    id                 bigserial PRIMARY KEY,
    case_id            bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('report_of_concern', 'sip_requested', 'sip_established',
                           'home_municipality_coordination', 'fine_order_evidence')),
    occurred_on        date NOT NULL,
    note               text NOT NULL DEFAULT '',
    consent_child      boolean,
    consent_guardians  boolean,
    created_by         bigint NOT NULL REFERENCES users(id),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_case_idx ON escalations(case_id, occurred_on);

-- Notices: to the huvudman (and the home municipality) when an investigation starts, and at closure.
CREATE TABLE notices (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('investigation_started', 'home_municipality', 'closure')),
    recipient   text NOT NULL,
    due_on      date NOT NULL,
    sent_at     timestamptz,
    sent_by     bigint REFERENCES users(id),
    received_at timestamptz,
    received_by bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notices_case_idx ON notices(case_id);
CREATE INDEX notices_unsent_idx ON notices(due_on) WHERE sent_at IS NULL;

-- Issued documents are frozen: the exact PDF bytes and their SHA-256.
CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    case_id      bigint REFERENCES cases(id),
    student_id   bigint REFERENCES students(id),
    kind         text NOT NULL,
    subject_id   bigint,
    version      integer NOT NULL DEFAULT 1,
    title        text NOT NULL,
    sha256       text NOT NULL,
    pdf          bytea NOT NULL,
    issued_by    bigint REFERENCES users(id),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    supersedes   bigint REFERENCES documents(id),
    UNIQUE (case_id, kind, subject_id, version)
);
-- +goose StatementBegin
CREATE FUNCTION refuse_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued documents are immutable' USING ERRCODE = 'check_violation', CONSTRAINT = 'document_frozen';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION refuse_document_change();

-- Append-only audit log. Rows are written in the transaction they record; a sealer later assigns
-- seq and chains each row's hash to the previous one, so concurrent writers never wait on each other.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint,
    actor_name  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   bigint,
    student_id  bigint,
    school_id   bigint,
    ip          text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}',
    seq         bigint UNIQUE,
    prev_hash   text,
    hash        text
);
CREATE INDEX audit_log_student_idx ON audit_log(student_id, at) WHERE student_id IS NOT NULL;
CREATE INDEX audit_log_actor_idx ON audit_log(actor_id, at);
CREATE INDEX audit_log_at_idx ON audit_log(at);
CREATE INDEX audit_log_unsealed_idx ON audit_log(id) WHERE seq IS NULL;

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW; -- sealing: the only change ever allowed
    END IF;
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE audit_chain_head (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_seq  bigint NOT NULL DEFAULT 0,
    last_hash text NOT NULL DEFAULT ''
);
INSERT INTO audit_chain_head DEFAULT VALUES;

-- Idempotency: a retried create returns the first answer instead of creating twice.
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_chain_head;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
DROP TABLE documents;
DROP FUNCTION refuse_document_change;
DROP TABLE notices;
DROP TABLE escalations;
DROP TABLE followup_results;
DROP TABLE followups;
DROP TABLE measures;
DROP FUNCTION refuse_frozen_plan_change;
DROP TABLE plans;
DROP TABLE wheel_ratings;
DROP TABLE wheel_assessments;
DROP TABLE investigations;
DROP TABLE guardian_contacts;
DROP TABLE case_events;
DROP TABLE case_members;
ALTER TABLE signals DROP CONSTRAINT signals_case_fk;
DROP TABLE cases;
DROP TABLE case_number_counters;
DROP TABLE signals;
DROP TABLE attendance_days;
DROP TABLE attendance_imports;
DROP TABLE guardians;
DROP TABLE students;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE user_schools;
DROP TABLE users;
DROP TABLE schools;
DROP TABLE huvudman;
DROP COLLATION IF EXISTS sv_se;
