from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str | None = None) -> ValidationError:
    """A ValidationError attached to one field, so forms show it beside that field."""
    return ValidationError({field: ValidationError(message, code=code)})


def messages_of(error: ValidationError) -> list[str]:
    """Every message of an error, each prefixed with its field's label where it has one."""
    if hasattr(error, "error_dict"):
        return [m for errors in error.message_dict.values() for m in errors]
    return list(error.messages)
