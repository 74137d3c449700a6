"""Database triggers that keep approved calculation runs frozen, whatever code writes to them:

- lines and left-out projects of an approved (or paid) run cannot be inserted, changed or deleted;
- an approved run cannot go back to draft or review, and its calculation, policy version and totals stay;
- a paid run stays paid; runs are never deleted.

Row deletion is refused by row triggers on PostgreSQL; a TRUNCATE (a test database being emptied) is not a row
deletion. On SQLite, the embedded demo database, the application alone refuses deletion (every model's manager
does), because emptying a test database there deletes row by row.

Installed after every `migrate` (the post_migrate signal), replacing the previous definitions, so a database
built from the models (as the test suite does) has them too.
"""

FROZEN = "('approved', 'paid')"

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION subsidies_refuse_frozen_child() RETURNS trigger AS $$
    DECLARE
        target integer;
    BEGIN
        IF TG_OP = 'DELETE' THEN target := OLD.run_id; ELSE target := NEW.run_id; END IF;
        IF EXISTS (SELECT 1 FROM subsidies_calculationrun WHERE id = target AND status IN {FROZEN}) THEN
            RAISE EXCEPTION 'calculation run % is approved: its % rows cannot change', target, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.run_id <> NEW.run_id THEN
            IF EXISTS (SELECT 1 FROM subsidies_calculationrun WHERE id = OLD.run_id AND status IN {FROZEN}) THEN
                RAISE EXCEPTION 'calculation run % is approved', OLD.run_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER subsidies_runline_frozen BEFORE INSERT OR UPDATE OR DELETE ON subsidies_runline
        FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_frozen_child();
    """,
    """
    CREATE TRIGGER subsidies_runexclusion_frozen BEFORE INSERT OR UPDATE OR DELETE ON subsidies_runexclusion
        FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_frozen_child();
    """,
    f"""
    CREATE OR REPLACE FUNCTION subsidies_refuse_frozen_run() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'calculation runs are never deleted' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.status IN {FROZEN} AND (
            NEW.status NOT IN {FROZEN}
            OR (OLD.status = 'paid' AND NEW.status <> 'paid')
            OR NEW.generation <> OLD.generation
            OR NEW.policy_version_id IS DISTINCT FROM OLD.policy_version_id
            OR NEW.program_id <> OLD.program_id
            OR NEW.subsidy_total <> OLD.subsidy_total
            OR NEW.award_total <> OLD.award_total
            OR NEW.total <> OLD.total
            OR NEW.unfunded_total <> OLD.unfunded_total
        ) THEN
            RAISE EXCEPTION 'calculation run % is approved: it cannot change', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER subsidies_run_frozen BEFORE UPDATE OR DELETE ON subsidies_calculationrun
        FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_frozen_run();
    """,
]


def _sqlite_child(table):
    frozen_new = f"(SELECT status FROM subsidies_calculationrun WHERE id = NEW.run_id) IN {FROZEN}"
    frozen_old = f"(SELECT status FROM subsidies_calculationrun WHERE id = OLD.run_id) IN {FROZEN}"
    message = f"'calculation run is approved: its {table} rows cannot change'"
    return [
        f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} WHEN {frozen_new} "
        f"BEGIN SELECT RAISE(ABORT, {message}); END",
        f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} WHEN {frozen_old} OR {frozen_new} "
        f"BEGIN SELECT RAISE(ABORT, {message}); END",
    ]


SQLITE = [
    *_sqlite_child("subsidies_runline"),
    *_sqlite_child("subsidies_runexclusion"),
    f"""
    CREATE TRIGGER subsidies_run_frozen BEFORE UPDATE ON subsidies_calculationrun
    WHEN OLD.status IN {FROZEN} AND (
        NEW.status NOT IN {FROZEN}
        OR (OLD.status = 'paid' AND NEW.status <> 'paid')
        OR NEW.generation <> OLD.generation
        OR NEW.policy_version_id IS NOT OLD.policy_version_id
        OR NEW.program_id <> OLD.program_id
        OR NEW.subsidy_total <> OLD.subsidy_total
        OR NEW.award_total <> OLD.award_total
        OR NEW.total <> OLD.total
        OR NEW.unfunded_total <> OLD.unfunded_total
    )
    BEGIN SELECT RAISE(ABORT, 'calculation run is approved: it cannot change'); END
    """,
]

SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_frozen_{op}"
        for table in ("subsidies_runline", "subsidies_runexclusion")
        for op in ("insert", "update", "delete")
    ),
    "DROP TRIGGER IF EXISTS subsidies_run_frozen",
    "DROP TRIGGER IF EXISTS subsidies_run_no_delete",
]


def install(connection) -> None:
    """(Re)create the triggers on `connection` (PostgreSQL or SQLite; other databases get none)."""
    if connection.vendor == "postgresql":
        statements = [
            "DROP TRIGGER IF EXISTS subsidies_run_frozen ON subsidies_calculationrun",
            "DROP TRIGGER IF EXISTS subsidies_runexclusion_frozen ON subsidies_runexclusion",
            "DROP TRIGGER IF EXISTS subsidies_runline_frozen ON subsidies_runline",
            *POSTGRES,
        ]
    elif connection.vendor == "sqlite":
        statements = [*SQLITE_DROP, *SQLITE]
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
