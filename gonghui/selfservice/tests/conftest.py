from gonghui.api.tests.conftest import api  # noqa: F401  (every API response checked against the schema)
