"""The database refuses an order status change outside Order.TRANSITIONS, whoever writes it (a service, the
admin, a raw UPDATE). PostgreSQL and SQLite (the embedded default) each get a trigger."""

from django.db import migrations

# Frozen here as migrations must be; orders/tests/test_lifecycle.py checks it against Order.TRANSITIONS.
ALLOWED = (
    "draft>pending_approval",
    "draft>placed",
    "draft>cancelled",
    "pending_approval>approved",
    "pending_approval>cancelled",
    "approved>placed",
    "approved>cancelled",
    "placed>delivered",
    "placed>cancelled",
)
_ALLOWED_SQL = ", ".join(f"'{pair}'" for pair in ALLOWED)

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION orders_order_check_transition() RETURNS trigger AS $$
BEGIN
  IF NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({_ALLOWED_SQL}) THEN
    RAISE EXCEPTION 'order % cannot go from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER orders_order_transition BEFORE UPDATE OF status ON orders_order
  FOR EACH ROW EXECUTE FUNCTION orders_order_check_transition()
""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS orders_order_transition ON orders_order",
    "DROP FUNCTION IF EXISTS orders_order_check_transition()",
]
SQLITE = [
    f"""
CREATE TRIGGER orders_order_transition BEFORE UPDATE OF status ON orders_order
FOR EACH ROW WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({_ALLOWED_SQL})
BEGIN SELECT RAISE(ABORT, 'order status change not allowed'); END
"""
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS orders_order_transition"]


def create_trigger(apps, schema_editor):
    for statement in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement, params=None)


def drop_trigger(apps, schema_editor):
    for statement in POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_cart_orders_preferences")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
