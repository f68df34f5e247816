-- Least privilege for the audit log on PostgreSQL (run as a superuser or the database owner).
-- The migration role owns every table (it runs `manage.py migrate`); the app role, which the
-- web processes use, owns nothing: it cannot ALTER TABLE ... DISABLE TRIGGER (owners only),
-- and it has no UPDATE, DELETE or TRUNCATE on the audit tables. Replace :app and :migrator.
--   psql -v app=portal_app -v migrator=portal_migrator -f docs/postgresql-roles.sql
-- Re-run after every migration that adds a table (new tables are the migrator's, not granted).

-- CREATE ROLE :app LOGIN PASSWORD '...';   (and :migrator the same way, or use the owner)
GRANT USAGE ON SCHEMA public TO :app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :app;
-- The audit log and its verification anchors: read and append only.
REVOKE UPDATE, DELETE, TRUNCATE ON sessions_app_auditevent, sessions_app_chainverification FROM :app;
-- The head only moves forward (a trigger refuses anything else); it is never deleted.
REVOKE DELETE, TRUNCATE ON sessions_app_audithead FROM :app;
