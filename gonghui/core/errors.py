from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str | None = None) -> ValidationError:
    """A ValidationError attached to one field, so forms show it beside that field."""
    return ValidationError({field: ValidationError(message, code=code)})
