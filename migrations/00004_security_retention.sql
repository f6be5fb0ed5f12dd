-- +goose Up
-- Security and retention (gallring). Roles are cluster-wide and are not created here: a
-- deployment creates its application role with docs/app-role.sql (see docs/security.md).

-- Nobody but the table owner may change the audit log or issued documents; the owner is still
-- stopped by the triggers of 00001. PUBLIC holds no such grant by default: this states it.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON documents FROM PUBLIC;

-- What retention disposed of, and when: one row per case, signal or document. The disposed
-- record's skeleton (dates, status, counts) stays for statistics; its content is gone.
CREATE TABLE disposals (
    kind        text NOT NULL CHECK (kind IN ('case', 'signal', 'document')),
    record_id   bigint NOT NULL,
    rule        text NOT NULL,
    disposed_at timestamptz NOT NULL DEFAULT now(),
    disposed_by bigint REFERENCES users(id),
    detail      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (kind, record_id)
);

-- One open case per student, kept by the database: two submissions at the same moment both
-- pass the application's check, but only one can insert (the other gets 409).
CREATE UNIQUE INDEX cases_one_open_per_student ON cases(student_id) WHERE status NOT IN ('closed', 'not_investigated');

-- Approved plans are frozen, but the disposal of a whole case must blank their measures' text.
-- Only a transaction that declares itself a disposal (SET LOCAL narvaro.disposing = 'on', done
-- by postgres.Store.RunRetention alone) may UPDATE a frozen measure; nothing may insert into or
-- delete from one.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_frozen_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plan_status text;
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('narvaro.disposing', true) = 'on' THEN
        RETURN NEW;
    END IF;
    SELECT status INTO plan_status FROM plans WHERE id = COALESCE(NEW.plan_id, OLD.plan_id);
    IF plan_status IS NOT NULL AND plan_status NOT IN ('draft') THEN
        RAISE EXCEPTION 'plan % is frozen (status %)', COALESCE(NEW.plan_id, OLD.plan_id), plan_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'plan_frozen';
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_frozen_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP INDEX cases_one_open_per_student;
DROP TABLE disposals;
