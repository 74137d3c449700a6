"""Database triggers that keep approved calculation runs frozen, whatever code writes to them:

- lines and left-out projects of an approved (or paid) run cannot be inserted, changed or deleted;
- an approved run cannot go back to draft or review, and its calculation, policy version and totals stay;
- a paid run stays paid; runs are never deleted;
- a funding carried forward (a later grant of a line's shortfall) is written once, by an approved run, for a line
  of an approved run, and never more than the line's shortfall at its approval less what was carried before;
  it never changes afterwards;
- payments and pool allocations are never deleted (a payment recorded in error is corrected by a correction run,
  an allocation belongs to its approved line).

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
    f"""
    CREATE OR REPLACE FUNCTION subsidies_check_carried_funding() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'a funding carried forward never changes' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM subsidies_calculationrun WHERE id = NEW.run_id AND status IN {FROZEN})
            OR NOT EXISTS (SELECT 1 FROM subsidies_runline WHERE id = NEW.line_id AND frozen)
            OR NEW.amount + COALESCE((SELECT SUM(amount) FROM subsidies_carriedfunding
                                      WHERE line_id = NEW.line_id AND pool_id = NEW.pool_id), 0)
               > COALESCE((SELECT SUM(requested - allocated) FROM subsidies_poolallocation
                           WHERE line_id = NEW.line_id AND pool_id = NEW.pool_id), 0)
        THEN
            RAISE EXCEPTION 'line % cannot be given % more from pool %', NEW.line_id, NEW.amount, NEW.pool_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER subsidies_carriedfunding_checked BEFORE INSERT OR UPDATE OR DELETE ON subsidies_carriedfunding
        FOR EACH ROW EXECUTE FUNCTION subsidies_check_carried_funding();
    """,
    """
    CREATE OR REPLACE FUNCTION subsidies_refuse_money_delete() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% rows are never deleted (row %)', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"""
    CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_money_delete();
    """
        for table in ("subsidies_payment", "subsidies_poolallocation")
    ),
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
    f"""
    CREATE TRIGGER subsidies_carriedfunding_insert BEFORE INSERT ON subsidies_carriedfunding
    WHEN (SELECT status FROM subsidies_calculationrun WHERE id = NEW.run_id) NOT IN {FROZEN}
        OR NOT (SELECT frozen FROM subsidies_runline WHERE id = NEW.line_id)
        OR ROUND(NEW.amount + COALESCE((SELECT SUM(amount) FROM subsidies_carriedfunding
                                        WHERE line_id = NEW.line_id AND pool_id = NEW.pool_id), 0), 2)
           > ROUND(COALESCE((SELECT SUM(requested - allocated) FROM subsidies_poolallocation
                             WHERE line_id = NEW.line_id AND pool_id = NEW.pool_id), 0), 2)
    BEGIN SELECT RAISE(ABORT, 'a line cannot be given more than its shortfall, nor by a run not approved'); END
    """,
    """
    CREATE TRIGGER subsidies_carriedfunding_update BEFORE UPDATE ON subsidies_carriedfunding
    BEGIN SELECT RAISE(ABORT, 'a funding carried forward never changes'); END
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
    "DROP TRIGGER IF EXISTS subsidies_carriedfunding_insert",
    "DROP TRIGGER IF EXISTS subsidies_carriedfunding_update",
]


def install(connection) -> None:
    """(Re)create the triggers on `connection` (PostgreSQL or SQLite; other databases get none)."""
    if connection.vendor == "postgresql":
        statements = [
            "DROP TRIGGER IF EXISTS subsidies_run_frozen ON subsidies_calculationrun",
            "DROP TRIGGER IF EXISTS subsidies_runexclusion_frozen ON subsidies_runexclusion",
            "DROP TRIGGER IF EXISTS subsidies_runline_frozen ON subsidies_runline",
            "DROP TRIGGER IF EXISTS subsidies_carriedfunding_checked ON subsidies_carriedfunding",
            "DROP TRIGGER IF EXISTS subsidies_payment_no_delete ON subsidies_payment",
            "DROP TRIGGER IF EXISTS subsidies_poolallocation_no_delete ON subsidies_poolallocation",
            *POSTGRES,
        ]
    elif connection.vendor == "sqlite":
        statements = [*SQLITE_DROP, *SQLITE]
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
