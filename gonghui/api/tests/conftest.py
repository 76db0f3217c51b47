import pytest
from rest_framework.test import APIClient

from gonghui.api.services import token_create
from gonghui.api.tests.schema import assert_matches_schema
from gonghui.members.tests.factories import SETUP


class CheckedClient(APIClient):
    """An API client whose every response is checked against the schema."""

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        if (
            response.request["PATH_INFO"].startswith("/api/v1/")
            and "openapi" not in response.request["PATH_INFO"]
        ):
            assert_matches_schema(response)
        return response


@pytest.fixture
def api():
    """api(user) → a client calling with a fresh bearer token of that user."""

    def client_for(user=None) -> CheckedClient:
        client = CheckedClient()
        if user is not None:
            _row, token = token_create(user=user, name="tests", by=SETUP)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return client_for
