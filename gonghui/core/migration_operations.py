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
