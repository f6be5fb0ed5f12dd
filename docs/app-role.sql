-- Närvaro: privileges of the application role (see docs/security.md, "Database roles").
--
-- The service should not run as the owner of its tables: the owner can disable triggers and
-- change the audit log. Run migrations as the owner, and the service as an application role
-- that may append to the audit log but never change or delete it, and may add issued documents
-- but never change or delete them.
--
-- Once, as a cluster administrator:
--     CREATE ROLE narvaro_app LOGIN PASSWORD '...';
-- Then, as the owner of the tables, after every `narvaro migrate up` (it is idempotent):
--     psql "$OWNER_DATABASE_URL" -v app_role=narvaro_app -f docs/app-role.sql
-- The service runs with DATABASE_URL naming narvaro_app; retention (`narvaro retention run`,
-- which deletes disposed documents) runs with the owner's URL.

GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- The audit log: append, and seal (the sealer sets seq, prev_hash and hash of new rows; the
-- trigger allows nothing else). Table-level UPDATE is revoked first, then the three columns granted.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM :"app_role";
GRANT UPDATE (seq, prev_hash, hash) ON audit_log TO :"app_role";

-- Issued documents: add and read only.
REVOKE UPDATE, DELETE, TRUNCATE ON documents FROM :"app_role";

-- Disposal records: written by retention only.
REVOKE UPDATE, DELETE, TRUNCATE ON disposals FROM :"app_role";

-- The migration table: the service checks it at start-up but never changes the schema.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON goose_db_version FROM :"app_role";
