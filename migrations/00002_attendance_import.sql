-- +goose Up
-- Attendance import at municipal scale (a school year of 20,000 students is 3.6 million rows).
--
-- 1. attendance_days keeps its references to students and attendance_imports, but they are
--    checked once per statement instead of once per row. PostgreSQL checks a FOREIGN KEY with
--    one query per inserted row; measured on a 2-core server those checks took two thirds of a
--    bulk import. The triggers below give the same guarantees as the two foreign keys of 00001:
--      - every inserted or updated day names an existing student and (when set) an existing
--        import; the referenced rows are locked FOR KEY SHARE until commit, exactly as a foreign
--        key check locks them, so a concurrent delete waits and then cascades;
--      - deleting a student deletes the student's days (ON DELETE CASCADE);
--      - an import that days still refer to cannot be deleted, truncated or renumbered (NO ACTION).
--    The error raised keeps the SQLSTATE (23503) and the constraint names of 00001, so callers
--    see the same error as before.
ALTER TABLE attendance_days DROP CONSTRAINT attendance_days_student_id_fkey;
ALTER TABLE attendance_days DROP CONSTRAINT attendance_days_import_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION attendance_days_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    student_ids bigint[];
    import_ids  bigint[];
    locked   bigint;
BEGIN
    -- One pass over the new rows (a bulk import has millions), grouped in a hash table.
    SELECT array_agg(DISTINCT r.student_id), array_agg(DISTINCT r.import_id) FILTER (WHERE r.import_id IS NOT NULL)
        INTO student_ids, import_ids
        FROM (SELECT student_id, import_id FROM new_days GROUP BY student_id, import_id) r;
    SELECT count(*) INTO locked FROM (SELECT 1 FROM students s WHERE s.id = ANY(student_ids) FOR KEY SHARE OF s) l;
    IF locked < coalesce(cardinality(student_ids), 0) THEN
        RAISE EXCEPTION 'insert or update on table "attendance_days" violates foreign key constraint "attendance_days_student_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_days_student_id_fkey',
                  TABLE = 'attendance_days', DETAIL = 'A day refers to a student that does not exist.';
    END IF;
    IF import_ids IS NOT NULL THEN
        SELECT count(*) INTO locked FROM (SELECT 1 FROM attendance_imports i WHERE i.id = ANY(import_ids) FOR KEY SHARE OF i) l;
        IF locked < cardinality(import_ids) THEN
            RAISE EXCEPTION 'insert or update on table "attendance_days" violates foreign key constraint "attendance_days_import_id_fkey"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_days_import_id_fkey',
                      TABLE = 'attendance_days', DETAIL = 'A day refers to an import that does not exist.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER attendance_days_references_insert AFTER INSERT ON attendance_days
    REFERENCING NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION attendance_days_check_references();
CREATE TRIGGER attendance_days_references_update AFTER UPDATE ON attendance_days
    REFERENCING NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION attendance_days_check_references();

-- +goose StatementBegin
CREATE FUNCTION attendance_days_cascade_student_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attendance_days d WHERE d.student_id IN (SELECT id FROM old_students);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER students_delete_attendance AFTER DELETE ON students
    REFERENCING OLD TABLE AS old_students FOR EACH STATEMENT EXECUTE FUNCTION attendance_days_cascade_student_delete();

-- +goose StatementBegin
CREATE FUNCTION attendance_days_refuse_referenced_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'students' THEN
        IF EXISTS (SELECT 1 FROM attendance_days d WHERE d.student_id = OLD.id) THEN
            RAISE EXCEPTION 'update on table "students" violates foreign key constraint "attendance_days_student_id_fkey" on table "attendance_days"'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_days_student_id_fkey', TABLE = 'attendance_days';
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM attendance_days d WHERE d.import_id IS NOT NULL) THEN
            RAISE EXCEPTION 'cannot truncate attendance_imports: attendance_days refers to it'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_days_import_id_fkey', TABLE = 'attendance_days';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM attendance_days d WHERE d.import_id = OLD.id) THEN
        RAISE EXCEPTION 'update or delete on table "attendance_imports" violates foreign key constraint "attendance_days_import_id_fkey" on table "attendance_days"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attendance_days_import_id_fkey', TABLE = 'attendance_days';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER students_id_referenced_by_attendance AFTER UPDATE OF id ON students
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION attendance_days_refuse_referenced_key_change();
CREATE TRIGGER attendance_imports_referenced_delete AFTER DELETE ON attendance_imports
    FOR EACH ROW EXECUTE FUNCTION attendance_days_refuse_referenced_key_change();
CREATE TRIGGER attendance_imports_referenced_update AFTER UPDATE OF id ON attendance_imports
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION attendance_days_refuse_referenced_key_change();
CREATE TRIGGER attendance_imports_referenced_truncate BEFORE TRUNCATE ON attendance_imports
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_days_refuse_referenced_key_change();

-- A day has at most 24 hours (the parser never yields more); detection packs a day's minutes in
-- 16 bits each.
ALTER TABLE attendance_days ADD CONSTRAINT attendance_days_offered_max CHECK (offered_minutes <= 1440);

-- 2. The import record: whether the file was imported or rejected (a rejected file writes no
--    attendance, but the attempt is kept for the administrator's history), and what it did to
--    the stored days.
ALTER TABLE attendance_imports
    ADD COLUMN status        text NOT NULL DEFAULT 'imported' CHECK (status IN ('imported', 'rejected')),
    ADD COLUMN file_bytes    bigint NOT NULL DEFAULT 0,
    ADD COLUMN days          integer NOT NULL DEFAULT 0,
    ADD COLUMN days_inserted integer NOT NULL DEFAULT 0,
    ADD COLUMN days_updated  integer NOT NULL DEFAULT 0,
    ADD COLUMN days_removed  integer NOT NULL DEFAULT 0;
CREATE INDEX attendance_imports_huvudman_idx ON attendance_imports(huvudman_id, created_at DESC);

-- 3. Detection reads a student's signals newest first (has it an open one, was the last one
--    dismissed and at what absence).
CREATE INDEX signals_student_idx ON signals(student_id, created_at DESC);

-- +goose Down
ALTER TABLE attendance_days DROP CONSTRAINT attendance_days_offered_max;
DROP INDEX signals_student_idx;
DROP INDEX attendance_imports_huvudman_idx;
ALTER TABLE attendance_imports
    DROP COLUMN status,
    DROP COLUMN file_bytes,
    DROP COLUMN days,
    DROP COLUMN days_inserted,
    DROP COLUMN days_updated,
    DROP COLUMN days_removed;
DROP TRIGGER attendance_imports_referenced_truncate ON attendance_imports;
DROP TRIGGER attendance_imports_referenced_update ON attendance_imports;
DROP TRIGGER attendance_imports_referenced_delete ON attendance_imports;
DROP TRIGGER students_id_referenced_by_attendance ON students;
DROP FUNCTION attendance_days_refuse_referenced_key_change;
DROP TRIGGER students_delete_attendance ON students;
DROP FUNCTION attendance_days_cascade_student_delete;
DROP TRIGGER attendance_days_references_update ON attendance_days;
DROP TRIGGER attendance_days_references_insert ON attendance_days;
DROP FUNCTION attendance_days_check_references;
ALTER TABLE attendance_days ADD CONSTRAINT attendance_days_student_id_fkey
    FOREIGN KEY (student_id) REFERENCES students(id) ON DELETE CASCADE;
ALTER TABLE attendance_days ADD CONSTRAINT attendance_days_import_id_fkey
    FOREIGN KEY (import_id) REFERENCES attendance_imports(id);
