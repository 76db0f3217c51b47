"""Migration operations that run on one database vendor only.

A change that means nothing to SQLite (a column's collation) would still make Django rebuild the
whole SQLite table for it — copying every row and dropping the table's triggers with the old one.
"""

from django.db import migrations


class OnlyOn(migrations.operations.base.Operation):
    """Runs the wrapped operation's database changes on `vendor` only; its state change everywhere."""

    reversible = True

    def __init__(self, vendor: str, operation):
        self.vendor = vendor
        self.operation = operation

    def deconstruct(self):
        return self.__class__.__qualname__, [self.vendor, self.operation], {}

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"On {self.vendor}: {self.operation.describe()}"


def append_only(table: str, message: str) -> migrations.RunPython:
    """The database itself refuses to change a row of `table`, whoever asks. Deletes are refused on
    PostgreSQL too; SQLite keeps DELETE open because Django's test flush empties tables with it
    (PostgreSQL's flush truncates, which row triggers do not see)."""
    function, trigger = f"{table}_append_only", f"{table}_no_update"
    sql = {
        "postgresql": (
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$\n"
            f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;\n"
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}\n"
            f"FOR EACH ROW EXECUTE FUNCTION {function}();",
            f"DROP TRIGGER IF EXISTS {trigger} ON {table};\nDROP FUNCTION IF EXISTS {function}();",
        ),
        "sqlite": (
            f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table}\nBEGIN SELECT RAISE(ABORT, '{message}'); END;",
            f"DROP TRIGGER IF EXISTS {trigger};",
        ),
    }

    def run(schema_editor, index: int) -> None:
        pair = sql.get(schema_editor.connection.vendor)
        if pair:
            schema_editor.execute(pair[index])

    return migrations.RunPython(lambda apps, editor: run(editor, 0), lambda apps, editor: run(editor, 1))
