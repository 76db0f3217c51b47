"""Every API response a test receives is checked against the OpenAPI schema the app serves."""

import functools
import json
import re

from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator


@functools.cache
def openapi() -> dict:
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


@functools.cache
def _templates() -> list[tuple[re.Pattern, str]]:
    """Literal paths first: /memberships/join/ before /memberships/{id}/."""
    templates = sorted(openapi()["paths"], key=lambda t: t.count("{"))
    return [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"), t) for t in templates]


def assert_matches_schema(response) -> None:
    """The response's status is declared for its path and method, and its body fits that schema."""
    path, method = response.request["PATH_INFO"], response.request["REQUEST_METHOD"].lower()
    template = next((t for pattern, t in _templates() if pattern.match(path)), None)
    assert template is not None, f"{path} is not in the schema"
    operation = openapi()["paths"][template].get(method)
    assert operation is not None, f"{method.upper()} {template} is not in the schema"
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{method.upper()} {template} does not declare {response.status_code}"
    content_type = response["Content-Type"].split(";")[0]
    media = declared.get("content", {}).get(content_type)
    assert media is not None, (
        f"{method.upper()} {template} {response.status_code}: {content_type} not declared"
    )
    schema = {**media["schema"], "components": openapi()["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.json()), key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: " + "; ".join(
        e.message for e in errors[:5]
    )
